"""The overview's worst experiences as people read them, and the journey in words for narrow screens.

A card shows the experience itself: a customer's photo or a clip's still. A chart is never shrunk
into a card (its axes and labels would be cut and unreadable), and a card is never an empty white
box: without a photo or clip it shows the customers' own words, or the finding, in large type.
Severity and reach are words ("62 customers · severe"), stage and channel plain phrases, and no
card shows an exhibit id or a file name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kit.analysis.headline import is_overload, judge, overload_share
from kit.core import i18n, runfolder
from kit.core.bidi import isolate, isolate_each
from kit.core.exhibits import GALLERY_PAGE, gallery_link
from kit.core.places import place_text, stage_text
from kit.core.severity import reach_text, severity_text
from kit.core.templates import render
from kit.views.html import media_uri

MEDIA_KINDS = ("photo", "clip")
LONG_WORDS = 110          # characters: longer words are set smaller, so the card shows them whole


def _is_chart(path: str | None) -> bool:
    return str(path or "").startswith(runfolder.CHARTS + "/")


def _media(item: dict[str, Any], records: list[dict[str, Any]], run_dir: Path) -> dict[str, str] | None:
    """The first photo or clip still behind an entry (its own thumbnail first); None when it has none."""
    thumb = item.get("thumb")
    owners = {str((r.get("media") or {}).get("thumb")): r for r in records if (r.get("media") or {}).get("thumb")}
    candidates = [owners[thumb]] if thumb and not _is_chart(thumb) and thumb in owners else []
    by_id = {r.get("id"): r for r in records}
    candidates += [by_id[i] for i in item.get("exhibits") or [] if i in by_id]
    for rec in candidates:
        rel = (rec.get("media") or {}).get("thumb")
        if rec.get("kind") in MEDIA_KINDS and rel and not _is_chart(rel):
            src = media_uri(run_dir, rel)
            if src:
                return {"src": src, "kind": str(rec["kind"])}
    return None


def _words(item: dict[str, Any], records: list[dict[str, Any]]) -> tuple[str, str, bool]:
    """Text for a card without media, its language, and whether customers said it (a quote, not a finding).

    The entry's own quote first, then the first quote among its exhibits, then their caption.
    """
    if str(item.get("quote") or "").strip():
        return str(item["quote"]).strip(), str(item.get("lang") or ""), True
    by_id = {r.get("id"): r for r in records}
    behind = [by_id[i] for i in item.get("exhibits") or [] if i in by_id]
    for field in ("quote", "caption"):
        for rec in behind:
            if str(rec.get(field) or "").strip():
                return str(rec[field]).strip(), str(rec.get("lang") or ""), field == "quote"
    return "", "", False


def worst_card(item: dict[str, Any], records: list[dict[str, Any]], run_dir: Path, lang: str) -> dict[str, Any]:
    """One ranked negative experience as the card's template reads it."""
    ids = [str(i) for i in item.get("exhibits") or []]
    media = _media(item, records, run_dir)
    words, words_lang, quoted = ("", "", False) if media else _words(item, records)
    if not media and is_overload(item):         # the finding in the page's language, not the chart's English caption
        words, words_lang, quoted = i18n.t("card_overload", lang, share=i18n.number(overload_share(item), lang)), lang, False
    facts = [x for x in (reach_text(item.get("reach"), lang), severity_text(item.get("severity"), lang)) if x]
    return {"href": gallery_link(exhibit=ids[0]) if ids else GALLERY_PAGE, "rank": i18n.number(item.get("rank"), lang),
            "title": str(item.get("title") or ""), "place": isolate(place_text(item.get("stage"), item.get("channel"), lang)),
            "facts": i18n.join(isolate_each(facts), lang), "media": media,
            "words": words or severity_text(item.get("severity"), lang),
            "quoted": quoted, "long": len(words) > LONG_WORDS, "dir": i18n.text_dir(words_lang) if words_lang else "auto"}


def worst_html(negatives: list[dict[str, Any]], records: list[dict[str, Any]], run_dir: Path, lang: str,
               limit: int = 5) -> str:
    """The top ranked negative experiences (too-thin entries left out), each leading to its exhibits."""
    ranked = [n for n in negatives if not n.get("too_few")] or negatives
    cards = [worst_card(item, records, run_dir, lang) for item in ranked[:limit]]
    return render("overview/negatives.html.j2", cards=cards, lang=lang)


def stage_rows(summary: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """Per stage: NPS as customers gave it against the designed NPS, judged with its 95% interval."""
    ideal = summary.get("ideal") or {}
    rows = []
    for row in summary.get("by_stage") or []:
        stage = row.get("stage")
        target = (ideal.get(stage) or {}).get("nps")
        actual = i18n.number(row.get("nps"), lang)
        verdict = None if row.get("too_few") else judge(row.get("nps"), row.get("nps_lo"), row.get("nps_hi"), target)
        ideal_text = i18n.number(target, lang) if target is not None else ""
        text = (i18n.t("journey_phone_row", lang, actual=actual, ideal=ideal_text) if target is not None
                else i18n.t("journey_phone_actual", lang, actual=actual))
        judged = i18n.t(f"stage_{verdict}", lang) if verdict else i18n.t("journey_phone_few", lang) if row.get("too_few") else ""
        rows.append({"stage": stage_text(stage, lang), "text": text, "verdict": verdict or "", "judged": judged,
                     "actual": actual, "ideal": ideal_text})   # the numbers again, for the template to isolate
    return rows


def journey_list_html(summary: dict[str, Any], lang: str) -> str:
    """The journey as a short list per stage: what a phone shows instead of the curve's small print."""
    rows = stage_rows(summary, lang)
    return render("overview/journey_list.html.j2", rows=rows, lang=lang) if rows else ""
