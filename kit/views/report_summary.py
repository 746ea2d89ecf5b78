"""The report's first page: what a board reads when it reads nothing else.

It holds the run's headline sentences (the same ones the overview page opens with), the three worst
experiences each with a picture from the run (a photo or a clip's still; the quote in large type when
the experience has no picture) and the three headline scores against the project's targets. Every
value comes from the run folder (summary.json, negatives.json, exhibits.json, media/) or from the
project's own targets: nothing is recomputed. The markup is ``report/summary.html.j2``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kit.core import i18n
from kit.core.bidi import isolate
from kit.core.numbers import number_or_none
from kit.core.runfolder import media_path
from kit.core.templates import render
from kit.views import html as pages

# headline score: (label key, lowest, highest, decimals)
SCALES = {"nps": ("report_nps", -100.0, 100.0, 0), "csat": ("report_csat", 1.0, 5.0, 2),
          "ces": ("report_ces", 1.0, 7.0, 2)}
STILLS = (".jpg", ".jpeg", ".png")
WORST = 3



def headline(summary: dict[str, Any], negatives: list[dict[str, Any]] | None, lang: str) -> list[str]:
    """The run's headline sentences, from the analysis the overview page uses, so both say the same thing."""
    try:
        from kit.analysis.headline import headline_sentences
    except ImportError:                     # an older kit without the shared headline: say the worst finding plainly
        return _fallback_headline(summary, negatives, lang)
    return headline_sentences(summary, negatives, lang) or _fallback_headline(summary, negatives, lang)


def _fallback_headline(summary: dict[str, Any], negatives: list[dict[str, Any]] | None, lang: str) -> list[str]:
    top = next((n for n in negatives or [] if not n.get("too_few")), None)
    nps = (summary.get("headline") or {}).get("nps") or {}
    said = []
    if top is not None:
        said.append(i18n.t("report_fallback_worst", lang, title=top.get("title") or "",
                           people=i18n.count("report_worst_people", int(top.get("reach") or 0), lang)))
    if nps.get("n"):
        said.append(i18n.t("report_fallback_nps", lang, nps=i18n.number(number_or_none(nps.get("value")), lang)))
    return said


def targets_of(summary: dict[str, Any], project_targets: dict[str, Any] | None) -> dict[str, float]:
    """The targets summary.json carries, else those of the project the report runs against (project.yaml ``targets``)."""
    given = summary.get("targets") or project_targets or {}
    return {k: f for k, v in given.items() if k in SCALES and (f := number_or_none(v)) is not None}


def judgement(lo: float | None, hi: float | None, target: float | None) -> str | None:
    """Below, on or above the target: "on" when the 95% interval holds the target (the data cannot tell them apart)."""
    if target is None or lo is None or hi is None:
        return None
    return "below" if hi < target else "above" if lo > target else "on"


def _position(value: float | None, low: float, high: float) -> float:
    """Where ``value`` sits on a score's scale, as a percentage of the bar's length (clamped)."""
    if value is None:
        return 0.0
    return round(max(0.0, min(100.0, (value - low) / (high - low) * 100)), 1)


def _places(target: float) -> int:
    """A target written as it was set: 30, 4.2, 5.25 (not 4.20)."""
    text = f"{target:.2f}".rstrip("0").rstrip(".")
    return len(text.partition(".")[2])


def score_rows(summary: dict[str, Any], targets: dict[str, float], lang: str) -> list[dict[str, Any]]:
    """Each headline score with its interval, answers and target, placed on its scale for the summary's bars."""
    rows = []
    for key, (label, low, high, digits) in SCALES.items():
        m = (summary.get("headline") or {}).get(key) or {}
        value, lo, hi = (number_or_none(m.get(k)) for k in ("value", "lo", "hi"))
        target = targets.get(key)
        verdict = judgement(lo, hi, target) if m.get("n") else None
        rows.append({"key": key, "label": i18n.t(label, lang), "n": int(m.get("n") or 0),
                     "value": i18n.number(value, lang, digits), "lo": i18n.number(lo, lang, digits),
                     "hi": i18n.number(hi, lang, digits), "verdict": verdict,
                     "target": i18n.number(target, lang, _places(target)) if target is not None else None,
                     "verdict_text": i18n.t(f"report_{verdict}_target", lang) if verdict else "",
                     "at": _position(value, low, high), "from": _position(lo, low, high),
                     "width": round(_position(hi, low, high) - _position(lo, low, high), 1),
                     "mark": _position(target, low, high)})
    return rows


UNSPECIFIED = "unspecified"      # the analysis's name for a missing stage or channel (kit.analysis.pain)


def _named(prefix: str, key: str | None, lang: str) -> str:
    if not key:
        return ""
    if key == UNSPECIFIED:                          # the kit's word, not the project's: said in the page's language
        return i18n.t("ch_unspecified", lang)
    return i18n.t(prefix + key, lang) if prefix + key in i18n.LABELS else str(key).replace("_", " ")


def stage_name(stage: str | None, lang: str = "en") -> str:
    """A journey stage in the catalogue's words when it has them (``stage_name_<key>``), else the key as words."""
    return _named("stage_name_", stage, lang)


def place(stage: str | None, channel: str | None, lang: str = "en") -> str:
    """Where it happened ("onboarding, by email"): either part alone when the other is missing."""
    parts = (stage_name(stage, lang), _named("channel_name_", channel, lang))
    return i18n.t("comma", lang).join(p for p in parts if p)


def _picture(run_dir: Path, rec: dict[str, Any]) -> str | None:
    media = rec.get("media") or {}
    for key in ("image", "thumb"):
        path = media_path(run_dir, media.get(key))
        if path is not None and path.suffix.lower() in STILLS:
            return pages.data_uri(path)
    return None


def evidence_of(run_dir: Path, item: dict[str, Any], records: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The strongest thing to show for a negative experience: a photo or clip still, else a quote, else its chart."""
    linked = [records[x] for x in item.get("exhibits") or [] if x in records]
    for rec in linked:
        if rec.get("kind") in ("photo", "clip") and (src := _picture(run_dir, rec)):
            return {"image": src, "alt": rec.get("title") or ""}
    for rec in linked:
        if rec.get("quote"):
            return {"quote": rec["quote"], "dir": i18n.text_dir(rec.get("lang")), "lang": i18n.language(rec.get("lang"))}
    thumb = media_path(run_dir, item.get("thumb"))
    if thumb is not None and thumb.suffix.lower() in STILLS:          # a chart: shown whole, not cropped
        return {"image": pages.data_uri(thumb), "alt": item.get("title") or "", "chart": True}
    for rec in linked:
        if src := _picture(run_dir, rec):
            return {"image": src, "alt": rec.get("title") or ""}
    return {}


def worst(run_dir: Path, negatives: list[dict[str, Any]] | None, exhibits: list[dict[str, Any]],
          lang: str) -> list[dict[str, Any]]:
    """The three top-ranked negative experiences (ranked ones before those with too little evidence)."""
    records = {r["id"]: r for r in exhibits if "id" in r}
    ranked = sorted(negatives or [], key=lambda n: bool(n.get("too_few")))[:WORST]
    return [{"rank": i, "title": n.get("title") or "", "place": isolate(place(n.get("stage"), n.get("channel"), lang)),
             "people": i18n.count("report_worst_people", int(n.get("reach") or 0), lang),
             **evidence_of(run_dir, n, records)} for i, n in enumerate(ranked, 1)]


def summary_html(run_dir: Path, summary: dict[str, Any], negatives: list[dict[str, Any]] | None,
                 exhibits: list[dict[str, Any]], targets: dict[str, float], lang: str = "en",
                 meta: str = "") -> str:
    """The summary section (``report/summary.html.j2``), first in report.html and on page 1 of report.pdf."""
    lang = i18n.language(lang)
    return render("report/summary.html.j2", lang=lang, dir=i18n.direction(lang),
                  name=summary.get("name") or "", meta=meta, sentences=headline(summary, negatives, lang),
                  worst=worst(Path(run_dir), negatives, exhibits, lang), scores=score_rows(summary, targets, lang))
