"""A valence in words and a mark, the same on every page, card and export.

People read "very negative" where a number such as "-0.9" (or "-0.0") asks them to know the
scale. The mark is a shape, so the feeling survives grey printing and needs no colour to be
read. The thresholds are the gallery's colour bands (-0.2 / 0.2), with "very" past 0.6.
"""

from __future__ import annotations

import math

from kit.core import i18n

# (upper bound of valence, label key, mark)
FEELINGS = [(-0.6, "feel_very_negative", "▼▼"), (-0.2, "feel_negative", "▼"), (0.2, "feel_neutral", "◆"),
            (0.6, "feel_positive", "▲"), (math.inf, "feel_very_positive", "▲▲")]
UNRATED = ("feel_unrated", "○")


def feeling_key(valence: float | None) -> tuple[str, str]:
    """The label key and mark of a valence (``None``: not rated)."""
    if valence is None or (isinstance(valence, float) and math.isnan(valence)):
        return UNRATED
    for upper, key, mark in FEELINGS:
        if valence <= upper if upper < 0 else valence < upper:
            return key, mark
    return FEELINGS[-1][1], FEELINGS[-1][2]


def feeling(valence: float | None, lang: str = "en") -> tuple[str, str]:
    """Words (in ``lang``) and mark for a valence."""
    key, mark = feeling_key(valence)
    return i18n.t(key, lang), mark


def feeling_text(valence: float | None, lang: str = "en") -> str:
    """The mark then the words, as a card's tag shows them: "▼▼ very negative"."""
    words, mark = feeling(valence, lang)
    return f"{mark} {words}"
