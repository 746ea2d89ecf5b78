"""The report's section on how far coders agree, from the run's ``curation.json``.

When two or more people code the same moments and answers on their own (the journal's ``code``
lines), a reader of the findings should know how far the codes are shared readings and where they
are one person's: per code, Cohen's kappa (two coders) or Krippendorff's alpha (more, or with gaps),
how many items it rests on, what that figure reads as (Landis and Koch's bands), and the items the
coders read differently, each coder's value beside it, so the team can settle them. The figures were
computed by the gallery step (``kit.steps.curation.agreement_rows``); this module only words them.
Without codes from two coders the section is left out altogether.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kit.core import i18n, runfolder
from kit.core.places import channel_text, stage_text
from kit.core.templates import render

LIST_LIMIT = 25                 # disagreements listed per code; the rest are counted
# Landis & Koch (1977): each band's upper bound (inclusive; below 0 is worse than chance) and its words
LEVELS = ((0.0, "agr_level_poor"), (0.2, "agr_level_slight"), (0.4, "agr_level_fair"), (0.6, "agr_level_moderate"),
          (0.8, "agr_level_substantial"), (1.0, "agr_level_almost_perfect"))


def level(value: float | None) -> str:
    """The catalogue key of the band an agreement figure falls in ('' when there is no figure)."""
    if value is None:
        return ""
    value = round(value, 2)                  # the figure as shown decides its words (0.6000000001 is 0.60)
    if value < 0:
        return LEVELS[0][1]
    return next((key for upper, key in LEVELS[1:] if value <= upper), LEVELS[-1][1])


def code_name(code: str, lang: str) -> str:
    """A code in words: "journey stage", "feeling", "tag: payment"."""
    if code.startswith("tag:"):
        return i18n.t("agr_code_tag", lang, tag=code.removeprefix("tag:"))
    key = f"agr_code_{code}"
    return i18n.t(key, lang) if key in i18n.LABELS else code


def value_text(code: str, value: Any, lang: str) -> str:
    """One coder's value as words: a stage or channel by name, a feeling band, a tag as yes or no."""
    if value is None:
        return i18n.t("agr_not_coded", lang)
    if code.startswith("tag:") or isinstance(value, bool):
        return i18n.t("agr_yes" if value else "agr_no", lang)
    if code == "stage":
        return stage_text(str(value), lang)
    if code == "channel":
        return channel_text(str(value), lang)
    if code == "valence" and str(value) in i18n.LABELS:
        return i18n.t(str(value), lang)
    return str(value)


def item_text(unit: str, titles: dict[str, str]) -> str:
    """The item a disagreement is about: its exhibit's title and id when the run shows it, else its id."""
    title = titles.get(unit)
    return f"{title} ({unit})" if title else unit


def rows(agreement: list[dict[str, Any]], titles: dict[str, str], lang: str) -> list[dict[str, Any]]:
    """Each code's figures and its disagreements, worded for the template."""
    out = []
    for a in agreement:
        coders = [str(c) for c in a.get("coders") or []]
        value = a.get("value")
        pending = a.get("disagreements") or []
        out.append({
            "code": code_name(str(a["code"]), lang), "measure": i18n.t(f"agr_{a['measure']}", lang),
            "value": i18n.number(value, lang, 2) if value is not None else i18n.t("agr_none", lang),
            "reading": i18n.t(level(value), lang) if value is not None else "",
            "n_items": i18n.number(int(a.get("units") or 0), lang), "coders": coders,
            "disagreements": [{"item": item_text(str(d["unit"]), titles),
                               "values": [value_text(str(a["code"]), (d.get("codes") or {}).get(c), lang) for c in coders]}
                              for d in pending[:LIST_LIMIT]],
            "more": max(0, len(pending) - LIST_LIMIT)})
    return out


def agreement_html(run_dir: Path, exhibits: list[dict[str, Any]], lang: str) -> str:
    """The section (heading, how to read it, a table per code and the items to settle); '' without codes."""
    agreement = runfolder.read_curation(run_dir).get("agreement") or []
    if not agreement:
        return ""
    titles = {str(r["id"]): str(r.get("title") or "") for r in exhibits if r.get("id")}
    return render("report/agreement.html.j2", rows=rows(agreement, titles, lang), lang=lang,
                  dir=i18n.direction(lang))
