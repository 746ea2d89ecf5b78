"""The words each lens looks for, in English and Persian, read from ``kit/assets/lexicons/lens_signals.tsv``.

Kept in a lexicon file rather than in code so a researcher can add a word without touching Python,
and so the Persian words sit beside the English ones they stand for. Persian is matched on
normalised text: Arabic yeh and kaf read as Persian, diacritics and tatweel dropped, and a ZWNJ
read like a space, so ``چندبار``, ``چند‌بار`` and ``چند بار`` are one phrase to the matcher.
"""

from __future__ import annotations

import re
from functools import cache

from kit.core.paths import ASSETS_DIR

LEXICON = ASSETS_DIR / "lexicons" / "lens_signals.tsv"

# The same folds kit.core.text.normalize_fa makes, done on one string: a lens ranks 10,000 exhibits
# one record at a time, and a pandas Series per record would cost more than the match itself.
_FOLD = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9", "\u0640": None,
                       "\u200c": " ", "\u200d": None, "\u00a0": " "})
_MARKS = re.compile(r"[\u064b-\u065f\u0670]")
# A word starts where no letter (and no ZWNJ joining it to one) stands before it.
_START = r"(?<![\w\u200c])"
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LATIN = re.compile(r"[A-Za-z]")


def plain(text: str) -> str:
    """``text`` as the lexicon is written: Persian letters, no diacritics, ZWNJ as a space."""
    return _MARKS.sub("", text.translate(_FOLD))


def _word_pattern(entry: str) -> str:
    """One lexicon entry as a regular expression: ``*`` lets the word go on, a space may be a ZWNJ or nothing.

    English phrases keep their spaces as written (``too many`` never matches ``toomany``).
    """
    stem, open_end = (entry[:-1], True) if entry.endswith("*") else (entry, False)
    words = plain(stem).split()
    gap = r"\s+" if stem.isascii() else r"\s*"
    body = gap.join(re.escape(w) for w in words)
    return body + ("" if open_end else r"(?!\w)")


@cache
def signal_words() -> dict[str, dict[str, tuple[str, ...]]]:
    """lens -> signal group -> its words, in the order the lexicon first names them."""
    out: dict[str, dict[str, list[str]]] = {}
    for line in LEXICON.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lens, group, word = (part.strip() for part in line.split("\t"))
        out.setdefault(lens, {}).setdefault(group, []).append(word)
    return {lens: {group: tuple(words) for group, words in groups.items()} for lens, groups in out.items()}


@cache
def patterns() -> dict[str, dict[str, tuple[re.Pattern[str] | None, re.Pattern[str] | None]]]:
    """Per lens and signal group, one case-insensitive pattern for its English words and one for its Persian.

    Kept apart so a text is only searched for the words of the scripts it is written in: most
    exhibits are in one language, and a lens ranks all of them.
    """
    def compiled(words: list[str]) -> re.Pattern[str] | None:
        if not words:
            return None
        return re.compile(_START + "(?:" + "|".join(_word_pattern(w) for w in words) + ")", re.IGNORECASE)

    return {lens: {group: (compiled([w for w in words if w.isascii()]), compiled([w for w in words if not w.isascii()]))
                   for group, words in groups.items()}
            for lens, groups in signal_words().items()}


def found(text: str, lens: str) -> list[str]:
    """The signal groups of ``lens`` whose words occur in ``text``, in the lexicon's order."""
    latin = _LATIN.search(text) is not None
    persian = plain(text) if _ARABIC.search(text) else None
    out = []
    for group, (english, farsi) in patterns()[lens].items():
        if (latin and english is not None and english.search(text)) or \
                (persian is not None and farsi is not None and farsi.search(persian)):
            out.append(group)
    return out
