"""Names and values as project.yaml spells them, found in files that spell them another way.

A Persian Windows export writes Arabic yeh and kaf (تاريخ) where project.yaml, typed on a Persian
keyboard, writes Persian ones (تاریخ); one person types "پیام‌ها" with a ZWNJ, another "پیام ها".
Both are the same name: everything here compares through ``kit.core.text.match_key`` and hands back
the project's own spelling. When a name still does not match but is close, ``difference`` says in
words which characters differ, since two spellings that look identical cannot be told apart by eye.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

import pandas as pd

from kit.core.text import match_key

# Names people know these characters by; the rest are named by Unicode.
CHAR_NAMES = {
    "\u064a": "Arabic yeh", "\u06cc": "Persian yeh", "\u0649": "alef maksura", "\u0626": "yeh with hamza",
    "\u0643": "Arabic kaf", "\u06a9": "Persian kaf", "\u0629": "teh marbuta", "\u0647": "heh",
    "\u06c0": "heh with yeh above", "\u0640": "tatweel", "\u200c": "zero-width non-joiner (ZWNJ)",
    "\u200d": "zero-width joiner (ZWJ)", " ": "space", "\u00a0": "no-break space", "\u0627": "alef",
    "\u0622": "alef with madda", "\u0623": "alef with hamza above", "\u0625": "alef with hamza below",
    "\u0621": "hamza", "\u0624": "waw with hamza", "\u0648": "waw",
}
CONSENT_WORDS = {
    True: ("yes", "y", "true", "1", "agree", "agreed", "بله", "بلی", "آری", "آره", "موافقم"),
    False: ("no", "n", "false", "0", "disagree", "خیر", "نه", "مخالفم"),
}
_CONSENT = {match_key(word): value for value, words in CONSENT_WORDS.items() for word in words}
CLOSE = 0.6                 # difflib ratio from which a name counts as close enough to explain


def char_name(ch: str) -> str:
    """'ي (Arabic yeh, U+064A)'; an invisible character by its name alone."""
    name = CHAR_NAMES.get(ch) or unicodedata.name(ch, "unnamed character").lower()
    shown = f"{ch} " if ch.isprintable() and not ch.isspace() else ""
    return f"{shown}({name}, U+{ord(ch):04X})"


def _chars(text: str) -> str:
    """A stretch of text in words: each character named when it is short or holds one that cannot be seen."""
    if len(text) <= 2 or not all(c.isprintable() and c != "\u00a0" for c in text):
        return " then ".join(char_name(c) for c in text)
    return repr(text)


def difference(found: str, wanted: str, found_in: str = "the file", wanted_in: str = "project.yaml",
               most: int = 3) -> str:
    """Which characters two spellings differ by, in words: "the file writes ي (Arabic yeh, U+064A)
    where project.yaml writes ی (Persian yeh, U+06CC)". Differences matching ignores (yeh and kaf,
    ZWNJ or space) are left out while others remain; empty when the spellings are the same."""
    parts, folded = [], []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, found, wanted, autojunk=False).get_opcodes():
        a, b = found[a1:a2], wanted[b1:b2]
        if op == "equal":
            continue
        same = match_key(a) == match_key(b)
        if op == "replace":
            text = f"{found_in} writes {_chars(a)} where {wanted_in} writes {_chars(b)}"
        elif op == "delete":
            text = f"{found_in} has {_chars(a)} that {wanted_in} does not"
        else:
            text = f"{wanted_in} has {_chars(b)} that {found_in} does not"
        (folded if same else parts).append(text)
    parts = parts or folded
    more = f"; and {len(parts) - most} more difference(s)" if len(parts) > most else ""
    return "; ".join(parts[:most]) + more


def closest(name: str, choices: Iterable[str]) -> str | None:
    """The choice nearest ``name`` once both are matched keys, if it is close at all."""
    by_key: dict[str, str] = {}
    for choice in choices:
        by_key.setdefault(match_key(choice), choice)
    near = difflib.get_close_matches(match_key(name), list(by_key), n=1, cutoff=CLOSE)
    return by_key[near[0]] if near else None


def near_miss(found: str, choices: Iterable[str], found_in: str = "the file", wanted_in: str = "project.yaml") -> str:
    """' (closest: 'X'; the file writes ... where project.yaml writes ...)' for a value that matched
    nothing, or '' when nothing is close."""
    near = closest(found, choices)
    if near is None:
        return ""
    return f" (closest: {near!r}; {difference(found, near, found_in, wanted_in)})"


def value_key(value: str) -> str:
    """A stage, channel or segment as compared: ``match_key`` without '_' and '-', so "In store",
    "in-store" and "in_store" are one value."""
    return match_key(value).replace("_", "").replace("-", "")


class Vocabulary:
    """The values project.yaml allows (stages, channels), found however a file spells them."""

    def __init__(self, allowed: Iterable[str]) -> None:
        self.allowed = list(allowed)
        self._by_key: dict[str, str] = {}
        for value in self.allowed:
            self._by_key.setdefault(value_key(value), value)

    def get(self, value: str) -> str | None:
        """The project's spelling of ``value``, or None when it is none of the allowed values."""
        return self._by_key.get(value_key(value))

    def why_not(self, value: str) -> str:
        """The reason ``value`` is refused: what is allowed, and how it differs from the closest."""
        return f"is not one of {', '.join(self.allowed)}" + near_miss(value, self.allowed)

    def why_nots(self, s: pd.Series) -> pd.Series:
        """``why_not`` of each value of a column (for ``_by_unique``-style use: few distinct values)."""
        return pd.Series([self.why_not(str(v)) for v in s], index=s.index, dtype=object)

    def series(self, s: pd.Series) -> pd.Series:
        """The project's spelling per cell ('' stays '', an unknown value is NA), computed per distinct value."""
        codes, uniques = pd.factorize(s, use_na_sentinel=False)
        done = pd.array(["" if u == "" else self.get(str(u)) for u in uniques], dtype="string")
        return pd.Series(done[codes], index=s.index, dtype="string")


def consent(value: str) -> bool | None:
    """Yes/no in English or Persian (بله, خیر, ...), however typed; None when it is neither."""
    return _CONSENT.get(match_key(value))


def one_spelling(s: pd.Series) -> pd.Series:
    """Values with no list in project.yaml (segments) in one spelling each: the first met.

    "مشتری جدید" and "مشتري جديد" are one segment; scores would otherwise split it in two.
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    if len(uniques) < 2:
        return s
    first: dict[str, str] = {}
    spelled = [first.setdefault(value_key(str(u)), str(u)) for u in uniques]
    if spelled == [str(u) for u in uniques]:
        return s
    out = pd.array(spelled, dtype="string")[codes.clip(min=0)]
    return pd.Series(out, index=s.index, dtype=s.dtype).where(codes >= 0)
