"""Moments found in what customers said: friction cues (words that signal waiting, failing,
repeating, paper), negative sentiment peaks, their severity and the customer's own words as the
quote.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from kit.analysis import timeline
from kit.core import i18n
from kit.core.exhibits import LENSES
from kit.core.text import detect_lang, normalize_fa
from kit.evidence.transcripts import CUSTOMER, Utterance

MERGE_GAP_S = 10.0          # flagged lines closer than this are one moment


MAX_MOMENT_S = 60.0         # ...unless the moment would grow past a watchable clip


PAD_S = 1.0                 # context before and after the words themselves


QUOTE_CHARS = 600


NEGATIVE_TAG = "negative"    # a moment found by its sentiment rather than (or as well as) by a cue


SENTIMENT_WEIGHT = 2.0      # valence -0.5 weighs as much as one strong friction cue in severity


Scorer = Callable[[Sequence[str], Sequence[str] | None], np.ndarray]


@dataclass(frozen=True)
class Friction:
    """One kind of friction a customer can voice, how strongly it signals a bad moment, and cues.

    Its name for people is the catalogue's ``fr_<tag>`` (kit/assets/messages/findings.yaml), so a
    Persian run names its moments in Persian.
    """

    tag: str
    weight: float
    lens: str
    pattern: re.Pattern[str]


def _cues(*words: str) -> re.Pattern[str]:
    """English cues match whole words; Persian ones only at a word start, as Persian attaches
    plural and other suffixes to the word (پیام‌های زیادی, منتظرم)."""
    return re.compile("|".join(rf"(?<!\w){w}" + (r"(?!\w)" if w.isascii() else "") for w in words),
                      re.IGNORECASE)


FRICTIONS: tuple[Friction, ...] = (
    Friction("failure", 0.8, "engineering", _cues(
        r"fail(?:s|ed|ing|ure)?", r"crash(?:es|ed|ing)?", r"errors?", r"broken", r"bug(?:s|gy)?",
        r"fr[oe]ze?n?", r"freezes", r"(?:does|did|is)n'?t work(?:ing)?", r"not working", r"went wrong",
        r"خطا", r"ارور", r"کرش", r"خراب", r"کار\s?نمی\s?(?:کند|کنه)", r"کار نکرد", r"قطع\s?شد")),
    Friction("waiting", 0.6, "engineering", _cues(
        r"wait(?:s|ed|ing)?", r"on hold", r"took (?:forever|ages|so long)", r"forever", r"slow(?:ly)?",
        r"still loading", r"never (?:called|came|arrived|answered)", r"منتظر", r"انتظار", r"معطل",
        r"طول\s?کشید", r"هنوز\s?نیامده")),
    Friction("repeating", 0.5, "engineering", _cues(
        r"again", r"repeat(?:ed|ing)?", r"once more", r"(?:two|three|four|five|many) times", r"twice",
        r"re-?enter(?:ed)?", r"start(?:ed)? over", r"دوباره", r"چند\s?بار", r"باز\s?هم", r"تکرار")),
    Friction("cancelling", 0.8, "business", _cues(
        r"cancel(?:l?ed|l?ing|lation)?", r"unsubscrib\w*", r"gave up", r"give up", r"refund", r"switch(?:ing)? to",
        r"لغو", r"کنسل", r"انصراف", r"بازپرداخت")),
    Friction("confusion", 0.5, "design", _cues(
        r"confus\w*", r"no idea", r"(?:do|did)n'?t (?:understand|know)", r"unclear",
        r"(?:got|get|getting|am|I'm|was) lost", r"not sure",
        r"where (?:is|do i|can i)", r"how do i", r"گیج", r"نفهمیدم", r"متوجه\s?نشدم", r"سردرگم", r"نمی\s?دانم")),
    Friction("overwhelmed", 0.6, "design", _cues(
        r"too many", r"too much", r"overwhelm\w*", r"so many (?:messages|emails|notifications|instructions)",
        r"spam\w*", r"flood\w*", r"پیام\s?های\s?زیاد", r"پیام\s?زیاد", r"خیلی\s?پیام", r"بیش\s?از\s?حد")),
    Friction("frustration", 0.7, "design", _cues(
        r"frustrat\w*", r"annoy\w*", r"angry", r"hate", r"terrible", r"awful", r"ridiculous", r"stress\w*",
        r"عصبانی", r"کلافه", r"اعصاب", r"افتضاح", r"ناراحت")),
)


BY_TAG = {f.tag: f for f in FRICTIONS}


CUE_TITLES = {NEGATIVE_TAG: "fr_negative"}     # catalogue keys of the cues that are not frictions


def friction_cues(text: str) -> dict[str, float]:
    """The friction tags a line of speech carries, with their weights ({} for none)."""
    plain = normalize_fa(pd.Series([text])).iloc[0].replace("\u200c", " ")
    return {f.tag: f.weight for f in FRICTIONS if f.pattern.search(plain)}


@dataclass
class Moment:
    start_s: float
    end_s: float
    speaker: str
    quote: str
    valence: float
    severity: float
    coded_by: str
    tags: list[str]
    stage: str | None = None
    channel: str | None = None
    note: str = ""


def score_customer_lines(utts: list[Utterance], scorer: Scorer) -> list[Utterance]:
    """Sentiment on every customer line (in its own language); other lines stay unscored."""
    mine = [i for i, u in enumerate(utts) if u.role == CUSTOMER]
    if not mine:
        return utts
    texts = [utts[i].text for i in mine]
    langs = detect_lang(pd.Series(texts, dtype="string")).tolist()
    scores = np.clip(np.asarray(scorer(texts, langs), dtype=float), -1.0, 1.0)
    out = list(utts)
    for i, v in zip(mine, scores, strict=True):
        out[i] = replace(utts[i], sentiment=None if np.isnan(v) else round(float(v), 4))
    return out


def find_moments(utts: list[Utterance], duration_s: float | None = None) -> list[Moment]:
    """Moments in what customers said: lines with friction cues, and negative sentiment peaks.

    Cue lines close together are one window (MERGE_GAP_S, at most MAX_MOMENT_S long); a negative
    peak (``kit.analysis.timeline.negative_peaks``) gives the customer's negative lines inside its window.
    Windows that overlap are one moment. Interviewer lines are never looked at.
    """
    mine = [u for u in utts if u.role == CUSTOMER]
    groups = _cue_windows(mine) + _peak_windows(mine, duration_s)
    groups.sort(key=lambda g: (g[0].start_s, g[-1].end_s))
    merged: list[list[Utterance]] = []
    for g in groups:
        if merged and g[0].start_s - PAD_S < merged[-1][-1].end_s + PAD_S:
            merged[-1] = sorted({*merged[-1], *g}, key=lambda u: (u.start_s, u.end_s))
        else:
            merged.append(g)
    return [_found(g, utts, duration_s) for g in merged]


def _cue_windows(mine: list[Utterance]) -> list[list[Utterance]]:
    """Customer lines carrying friction cues, those close together in one window."""
    windows: list[list[Utterance]] = []
    for u in mine:
        if not friction_cues(u.text):
            continue
        last = windows[-1] if windows else None
        if last and u.start_s - last[-1].end_s <= MERGE_GAP_S and u.end_s - last[0].start_s <= MAX_MOMENT_S:
            last.append(u)
        else:
            windows.append([u])
    return windows


def _peak_windows(mine: list[Utterance], duration_s: float | None) -> list[list[Utterance]]:
    """For each negative peak of the customer's sentiment, the negative lines inside its window."""
    scored = [u for u in mine if u.sentiment is not None]
    if not scored:
        return []
    frame = pd.DataFrame({"start_s": [u.start_s for u in scored], "end_s": [u.end_s for u in scored],
                          "sentiment": [u.sentiment for u in scored]})
    out = []
    for peak in timeline.negative_peaks(timeline.windows(frame, duration_s=duration_s)).itertuples():
        lines = [u for u in scored if u.start_s < peak.end_s and u.end_s > peak.start_s and (u.sentiment or 0) < 0]
        if lines:
            out.append(lines)
    return out


def _found(lines: list[Utterance], utts: list[Utterance], duration_s: float | None) -> Moment:
    """A found moment from its customer lines.

    Severity is 1 - e^-strength, where strength is the summed weight of the friction cues plus
    SENTIMENT_WEIGHT x how negative the lines are (one strong cue is about 0.55, two or three
    distinct ones 0.75-0.9, words at -0.8 alone 0.8). Valence is the lines' own sentiment or
    -severity, whichever is more negative: every found moment is a bad one.
    """
    start = round(max(0.0, lines[0].start_s - PAD_S), 3)
    end = round(lines[-1].end_s + PAD_S, 3)
    if duration_s is not None:
        end = min(end, duration_s)
    weights: dict[str, float] = {}
    for u in lines:
        for tag, w in friction_cues(u.text).items():
            weights[tag] = weights.get(tag, 0.0) + w
    feel = _mean_sentiment(lines)
    severity = round(1 - math.exp(-(sum(weights.values()) + SENTIMENT_WEIGHT * max(0.0, -feel))), 2)
    quote, speaker = customer_words(utts, lines[0].start_s, lines[-1].end_s)
    tags = sorted(weights, key=lambda t: -weights[t])
    if feel <= timeline.PEAK_VALENCE:
        tags.append(NEGATIVE_TAG)
    return Moment(start, end, speaker, quote, round(min(feel, -severity), 2), severity, "auto", tags)


def _mean_sentiment(lines: list[Utterance]) -> float:
    """Duration-weighted mean sentiment of the scored lines (0 when none is scored)."""
    pairs = [(max(u.end_s - u.start_s, timeline.MIN_WEIGHT_S), u.sentiment) for u in lines if u.sentiment is not None]
    total = sum(w for w, _ in pairs)
    return sum(w * v for w, v in pairs) / total if total else 0.0


def customer_words(utts: list[Utterance], start: float, end: float) -> tuple[str, str]:
    """What customers said overlapping [start, end], and who said most of it."""
    said = [u for u in utts if u.role == CUSTOMER and u.start_s < end and u.end_s > start]
    quote = " ".join(u.text for u in said)
    if len(quote) > QUOTE_CHARS:
        quote = quote[:QUOTE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    speakers = Counter(u.speaker for u in said if u.speaker)
    return quote, speakers.most_common(1)[0][0] if speakers else ""


def telling_time(m: Moment, utts: list[Utterance]) -> float:
    """The moment's most telling instant: the middle of the customer line inside it that says the
    most (the strongest sentiment in the moment's direction, plus its friction cues), else its middle."""
    inside = [u for u in utts if u.role == CUSTOMER and u.start_s < m.end_s and u.end_s > m.start_s]
    if not inside:
        return (m.start_s + m.end_s) / 2
    sign = 1.0 if m.valence > 0 else -1.0

    def telling(u: Utterance) -> float:
        return sign * (u.sentiment or 0.0) + (0.0 if sign > 0 else sum(friction_cues(u.text).values()))
    best = max(inside, key=telling)
    return (max(best.start_s, m.start_s) + min(best.end_s, m.end_s)) / 2


def title(m: Moment, lang: str = "en") -> str:
    """The researcher's note when there is one, else the strongest frictions in plain words of ``lang``."""
    if m.note:
        return m.note if len(m.note) <= 60 else m.note[:59].rsplit(" ", 1)[0] + "…"
    names = [i18n.t(f"fr_{t}" if t in BY_TAG else CUE_TITLES[t], lang) for t in m.tags[:2]]
    return i18n.t("comma", lang).join(names) if names else i18n.t("fr_marked", lang)


def lenses(m: Moment) -> list[str]:
    """Engineering for failures and waits, design for confusion and feelings, business for churn."""
    chosen = {BY_TAG[t].lens if t in BY_TAG else "design" for t in m.tags} or {"design"}
    if "business" in chosen:
        chosen.add("design")
    return [lens for lens in LENSES if lens in chosen]
