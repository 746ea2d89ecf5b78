"""The run's finding in one or two sentences, written from its data: what hurts most, and which score moved.

The overview page opens with these sentences and the report's executive summary repeats them, so
both say the same thing. A score is said to have moved only when the test the report uses says so:
the first period's 95% interval and the last one's do not overlap. Anything less is worded as
"no significant change", because an executive reads "rose from 13 to 16" as news.

Everything here is a pure function of ``summary.json`` and ``negatives.json`` (as the run folder
reads them) and the language; numbers are written by ``kit.core.i18n.number``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, Literal, TypedDict

from babel.dates import format_date

from kit.core import i18n
from kit.core import periods as calendar_periods
from kit.core.exhibits import WATERFALL_ID
from kit.core.numbers import number_or_none
from kit.core.places import place_text
from kit.core.severity import reach_text, severity_text

SCORES = ("nps", "csat", "ces")
SCORE_NAMES = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}
DECIMALS = {"nps": 0, "csat": 2, "ces": 2}
OVERLOAD_IDS = {WATERFALL_ID, "metric-contact-overload"}
_TOLERANCE = re.compile(r"more than (\d+(?:\.\d+)?)")

Judgement = Literal["below", "on", "above"]


class Move(TypedDict):
    """A score's first and last period of the run's trend, and whether the change between them is real."""
    metric: str
    first: float
    last: float
    since: str          # ISO date of the first period
    until: str          # ISO date of the last period
    freq: str           # "M" (months) or "W" (weeks)
    significant: bool   # the two 95% intervals do not overlap



def score_move(summary: dict[str, Any], metric: str) -> Move | None:
    """First period against last period of ``metric`` in summary.json's ``trend``; None with fewer than two.

    Significant means the two intervals (``{metric}_lo``/``_hi``) do not overlap, the report's test;
    a period without its interval (older runs kept only NPS's) is never called significant.
    """
    trend = summary.get("trend") or {}
    periods = [p for p in trend.get("periods") or [] if number_or_none(p.get(metric)) is not None]
    if len(periods) < 2:
        return None
    a, b = periods[0], periods[-1]
    bounds = [number_or_none(p.get(f"{metric}_{end}")) for p in (a, b) for end in ("lo", "hi")]
    significant = False
    if all(x is not None for x in bounds):
        a_lo, a_hi, b_lo, b_hi = bounds
        significant = bool(a_hi < b_lo or b_hi < a_lo)       # type: ignore[operator]
    name = "key" if trend.get("calendar") == "jalali" else "period"      # a Jalali trend is worded by its own months
    return Move(metric=metric, first=float(a[metric]), last=float(b[metric]), since=str(a.get(name, ""))[:10],
                until=str(b.get(name, ""))[:10], freq=str(trend.get("freq") or "M"), significant=significant)


def target_of(summary: dict[str, Any], metric: str) -> float | None:
    """The project's target for a headline score (project.yaml ``targets``, carried by summary.json)."""
    return number_or_none((summary.get("targets") or {}).get(metric))


def judge(value: float | None, lo: float | None, hi: float | None, target: float | None) -> Judgement | None:
    """Below, on or above a target: "on" when the 95% interval holds it (the data cannot tell them apart)."""
    if value is None or target is None:
        return None
    low = lo if lo is not None else value
    high = hi if hi is not None else value
    if high < target:
        return "below"
    if low > target:
        return "above"
    return "on"


def target_judgement(summary: dict[str, Any], metric: str) -> tuple[Judgement, float] | None:
    """The headline score judged against its target, with the target; None without a target or answers."""
    target = target_of(summary, metric)
    head = (summary.get("headline") or {}).get(metric) or {}
    verdict = judge(number_or_none(head.get("value")), number_or_none(head.get("lo")), number_or_none(head.get("hi")), target)
    return (verdict, target) if verdict is not None and target is not None else None


def judgement_text(summary: dict[str, Any], metric: str, lang: str = "en") -> str:
    """"below target (30)", "on target (4.2)", "above target (5.5)"; "" without a target."""
    judged = target_judgement(summary, metric)
    if judged is None:
        return ""
    verdict, target = judged
    return i18n.t(f"target_{verdict}", lang, target=i18n.number(target, lang, _target_decimals(target)))


def _target_decimals(target: float) -> int:
    return 0 if float(target).is_integer() else 1 if float(target * 10).is_integer() else 2


def period_text(period: str, freq: str, lang: str = "en") -> str:
    """A trend period in words: "July 2026" for a month, "13 July 2026" for a week, in ``lang``'s digits.

    A Jalali period key (1404-07) is worded in its calendar: "مهر ۱۴۰۴", "Mehr 1404".
    """
    if calendar_periods.is_jalali_key(period):
        return calendar_periods.label(calendar_periods.start_of(period), freq.upper()[:1], "jalali", lang)
    try:
        day = dt.date.fromisoformat(period[:10])
    except ValueError:
        return period
    text = format_date(day, "d MMMM y" if freq.upper().startswith("W") else "MMMM y", locale=i18n.LOCALES[i18n.language(lang)])
    return text.translate(i18n.PERSIAN_DIGITS) if i18n.language(lang) == "fa" else text


def _top(negatives: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    ranked = [n for n in negatives or [] if isinstance(n, dict) and not n.get("too_few")]
    return min(ranked, key=lambda n: n.get("rank") or math.inf) if ranked else None


def is_overload(item: dict[str, Any]) -> bool:
    """The contact-log finding (customers buried in messages) rather than a stage-by-channel cell."""
    return bool(OVERLOAD_IDS & {str(i) for i in item.get("exhibits") or []})


def _tolerance(item: dict[str, Any]) -> float | None:
    found = number_or_none((item.get("evidence") or {}).get("tolerance_per_week"))
    if found is None:
        match = _TOLERANCE.search(str(item.get("title") or ""))
        found = float(match.group(1)) if match else None
    return found


def overload_share(item: dict[str, Any]) -> float:
    """Percent of the customers buried in messages who left, complained or scored 0-6 (the entry's severity)."""
    lost, reach = number_or_none((item.get("evidence") or {}).get("lost")), number_or_none(item.get("reach"))
    return 100 * lost / reach if lost is not None and reach else 100 * (number_or_none(item.get("severity")) or 0.0)


def _overload_sentence(item: dict[str, Any], lang: str) -> str:
    share, reach = overload_share(item), number_or_none(item.get("reach"))
    tolerance = _tolerance(item)
    values = {"reach": reach_text(reach, lang), "share": i18n.number(share, lang)}
    if tolerance is None:
        return i18n.t("headline_overload_plain", lang, **values)
    return i18n.t("headline_overload", lang, tolerance=i18n.number(tolerance, lang, _target_decimals(tolerance)), **values)


def negative_sentence(item: dict[str, Any], lang: str = "en") -> str:
    """The top negative experience with its numbers, in words."""
    if is_overload(item) and item.get("reach"):
        return _overload_sentence(item, lang)
    place = place_text(item.get("stage"), item.get("channel"), lang)
    values = {"title": str(item.get("title") or "").strip(), "reach": reach_text(item.get("reach"), lang),
              "severity": severity_text(number_or_none(item.get("severity")), lang)}
    if place:
        return i18n.t("headline_worst", lang, place=place, **values)
    return i18n.t("headline_worst_noplace", lang, **values)


def score_sentence(summary: dict[str, Any], lang: str = "en") -> str:
    """The score that really moved; else NPS against its target, "with no significant change" when it was tracked."""
    moves = [m for m in (score_move(summary, s) for s in SCORES) if m is not None]
    moved = next((m for m in moves if m["significant"]), None)
    if moved is not None:
        d = DECIMALS[moved["metric"]]
        key = "headline_rose" if moved["last"] > moved["first"] else "headline_fell"
        return i18n.t(key, lang, score=SCORE_NAMES[moved["metric"]], a=i18n.number(moved["first"], lang, d),
                      b=i18n.number(moved["last"], lang, d), since=period_text(moved["since"], moved["freq"], lang),
                      until=period_text(moved["until"], moved["freq"], lang))
    head = (summary.get("headline") or {}).get("nps") or {}
    value = number_or_none(head.get("value"))
    if value is None or not head.get("n"):
        return ""
    judgement = judgement_text(summary, "nps", lang)
    judged = i18n.t("headline_judged", lang, judgement=judgement) if judgement else ""
    nps_move = next((m for m in moves if m["metric"] == "nps"), None)
    if nps_move is not None:
        return i18n.t("headline_steady", lang, score="NPS", value=i18n.number(value, lang), judged=judged,
                      since=period_text(nps_move["since"], nps_move["freq"], lang))
    return i18n.t("headline_score", lang, score="NPS", value=i18n.number(value, lang), judged=judged)


def headline_sentences(summary: dict[str, Any], negatives: list[dict[str, Any]] | None, lang: str = "en") -> list[str]:
    """The run's headline: the top-ranked negative experience with its numbers, then the score that moved.

    ``summary`` is summary.json, ``negatives`` negatives.json's items (None or [] when the run has
    none). Returns zero, one or two sentences in ``lang``.
    """
    lang = i18n.language(lang)
    top = _top(negatives)
    sentences = [negative_sentence(top, lang) if top is not None else "", score_sentence(summary or {}, lang)]
    return [s for s in sentences if s]
