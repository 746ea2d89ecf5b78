"""Titles written for people: a customer's own words, or a plain sentence of where and how many.

A title is the first thing a workshop reads on a card, so it carries no ids, keys or file names:
either a short excerpt of the quote behind the exhibit (its first sentence that says something,
cut at a word boundary) or, for an aggregate, the stage and channel in plain language with the
number of people behind it ("Coaching in the app: 50 customers unhappy"). The words come from the
message catalogue (kit/assets/messages/negative.yaml) in the project's ``ui_language``.
"""

from __future__ import annotations

import re

from kit.core import i18n, places
from kit.core.text import hms

TITLE_CHARS = 72
UNSPECIFIED = "unspecified"
# Openers that carry no meaning of their own ("Okay. So this is…"): a sentence of only these is skipped
_FILLER = re.compile(r"^(?:(?:okay|ok|so|sure|right|well|um+|uh+|yeah|yes|no|and|but|oh|hmm+|honestly|alright"
                     r"|short answer|where do i start|راستش|انصافاً?|ببینید|خلاصه بگم|والا|ام+|خب)"
                     r"(?![\w\u200c])[\s,،.!?؟:…]*)+", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\[[^\]]{1,20}\]")          # what redaction left: [email], [phone], [redacted]
_SENTENCE_END = re.compile(r"(?<=[.!?؟…])\s+")
_QUOTES = "\"'“”‘’«»"
MIN_WORDS = 3


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().strip(_QUOTES).strip()


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _telling(sentence: str) -> str:
    """The sentence without its empty openers, and cut before a redaction placeholder."""
    body = _FILLER.sub("", sentence).strip()
    hole = _PLACEHOLDER.search(body)
    if hole:
        before = body[:hole.start()].rstrip(" ,،;:-")
        body = before + "…" if len(before.split()) >= MIN_WORDS else _PLACEHOLDER.sub("…", body)
    return body[:1].upper() + body[1:] if body else ""


def shorten(text: str, limit: int = TITLE_CHARS) -> str:
    """``text`` in at most ``limit`` characters, cut at a word boundary with an ellipsis."""
    text = _clean(text)
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,،;:-.") + "…"


def sentences(quote: str) -> list[str]:
    """The quote's sentences that say something (three words or more), cleaned as titles show them."""
    found = [_telling(s) for s in _sentences(_clean(quote))]
    return [s for s in found if len(s.split()) >= MIN_WORDS]


def excerpt(quote: str, limit: int = TITLE_CHARS) -> str:
    """The quote's own words as a title: its first sentence that says something, cleaned and shortened.

    Empty openers ("Okay. So…") and sentences of fewer than three words give way to the next one;
    a redaction placeholder ends the excerpt rather than sit in a title.
    """
    text = _clean(quote)
    if not text:
        return ""
    candidates = [_telling(s) for s in _sentences(text)]
    candidates = [c for c in candidates if c]
    start = next((i for i, c in enumerate(candidates) if len(c.split()) >= MIN_WORDS), 0)
    chosen = candidates[start] if candidates else text
    for more in candidates[start + 1:]:            # the next sentences too, while they fit whole
        if "…" in chosen or len(chosen) + 1 + len(more) > limit:
            break
        chosen = f"{chosen} {more}"
    return shorten(chosen, limit)


def stage_words(stage: object, lang: str = "en") -> str:
    """A stage as a reader writes it (``kit.core.places``); nothing for a missing (NA) or unspecified one."""
    return places.stage_text(stage, lang) if isinstance(stage, str) and stage not in ("", UNSPECIFIED) else ""


def channel_words(channel: object, lang: str = "en") -> str:
    """A channel as a phrase of place: ``app`` → ``in the app``; nothing for an unspecified one."""
    return places.channel_text(channel, lang) if isinstance(channel, str) and channel not in ("", UNSPECIFIED) else ""


def place(stage: object, channel: object, lang: str = "en") -> str:
    """Stage and channel in plain language: "Coaching in the app", "Support", "On the phone"."""
    s, c = stage_words(stage, lang), channel_words(channel, lang)
    text = i18n.t("place_stage_channel", lang, stage=s, channel=c).strip() if s or c else i18n.t("place_anywhere", lang)
    return text[:1].upper() + text[1:]


def unhappy(stage: str | None, channel: str | None, customers: int, lang: str = "en") -> str:
    """An aggregate's title: where, and how many customers were unhappy there."""
    return i18n.template("ttl_unhappy_n", lang, customers).format(place=place(stage, channel, lang),
                                                                   n=i18n.number(customers, lang))


def counted(key: str, n: int, lang: str = "en", **values: object) -> str:
    """A catalogue sentence about ``n`` things (singular in English when one), its other blanks filled."""
    return i18n.template(key, lang, n).format(n=i18n.number(n, lang), **values)


def quote_title(quote: str | None, lang: str, fallback_key: str, stage: str | None = None,
                channel: str | None = None) -> str:
    """The quote's own words; without a quote, the catalogue's sentence ``fallback_key`` with the place."""
    words = excerpt(quote or "")
    return words or i18n.t(fallback_key, lang, place=place(stage, channel, lang))


def clock(seconds: float, lang: str = "en") -> str:
    """A time in a recording (``00:06:52``) in the digits of ``lang``."""
    text = hms(seconds)
    return text.translate(i18n.PERSIAN_DIGITS) if i18n.language(lang) == "fa" else text


def clip_caption(who: str, start_s: float, end_s: float, stage: str | None, channel: str | None,
                 lang: str = "en") -> str:
    """Who speaks in a clip, when, and where it happened: ``P01, 00:00:19-00:00:28 (coaching · app)``.

    Stage and channel are the project's own names (as project.yaml spells them, so a Persian
    project's are Persian), joined the way ``lang`` separates facts.
    """
    where = i18n.join([x for x in (stage, channel) if x], lang)
    key = "cap_clip_where" if where else "cap_clip"
    return i18n.t(key, lang, who=who, start=clock(start_s, lang), end=clock(end_s, lang), where=where)
