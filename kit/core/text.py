"""Text helpers for English and Persian answers: normalisation, digits, language.

Vectorised over pandas Series, because a survey export may hold a million answers.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Arabic code points Persian writers often get from Arabic keyboards, mapped to Persian ones.
_FA_LETTERS = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9",
                             "\u0629": "\u0647", "\u0640": None})
_FA_PAIRS = [("\u064a", "\u06cc"), ("\u0649", "\u06cc"), ("\u0643", "\u06a9"), ("\u0629", "\u0647"), ("\u0640", "")]
_DIACRITICS = r"[\u064b-\u0652\u0670]"
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_ARABIC_SCRIPT = r"[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]"
_LATIN = r"[A-Za-z]"


def _arrow(s: pd.Series) -> pa.Array | pa.ChunkedArray:
    return pa.array(s.astype(str).array) if len(s) else pa.array([], pa.string())


def _re2(pattern: str) -> str:
    """A Python pattern for Arrow's RE2, which writes code points as \\x{0600} rather than \\u0600."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", r"\\x{\1}", pattern)


def count_matches(s: pd.Series, pattern: str) -> np.ndarray:
    """Matches of a regular expression per text, computed in Arrow (pandas falls back to Python for some patterns)."""
    return pc.count_substring_regex(_arrow(s), _re2(pattern)).to_numpy(zero_copy_only=False).astype(np.int64)


def has_match(s: pd.Series, pattern: str) -> np.ndarray:
    """Whether each text matches a regular expression, computed in Arrow."""
    return pc.match_substring_regex(_arrow(s), _re2(pattern)).to_numpy(zero_copy_only=False).astype(bool)


def parse_times(s: pd.Series) -> pd.Series:
    """UTC times from text: ISO 8601 fast, other layouts one by one; no zone is taken as UTC, bad is NaT."""
    at = pd.to_datetime(s, utc=True, errors="coerce", format="ISO8601")
    retry = at.isna() & (s != "")
    if retry.any():
        at[retry] = pd.to_datetime(s[retry], utc=True, errors="coerce", format="mixed")
    return at


def ascii_digits(s: pd.Series) -> pd.Series:
    """Persian and Arabic-Indic digits as ASCII, so '۹' is read as the number 9."""
    return s.str.translate(_DIGITS)


def ascii_digits_text(text: str) -> str:
    """One text's Persian and Arabic-Indic digits as ASCII; one character for one, so positions carry over."""
    return text.translate(_DIGITS)


def normalize_fa(s: pd.Series) -> pd.Series:
    """Arabic yeh/kaf to Persian, tatweel and diacritics removed; ZWNJ (U+200C) is kept.

    Done as literal replacements (vectorised in Arrow) and only on texts with Arabic-script
    letters, so a million English answers cost one scan.
    """
    if not len(s):
        return s
    out = s.copy()
    arabic = has_match(s, _ARABIC_SCRIPT)
    if arabic.any():
        t = s[arabic]
        for old, new in _FA_PAIRS:
            t = t.str.replace(old, new, regex=False)
        out[arabic] = t.str.replace(_DIACRITICS, "", regex=True)
    return out


def detect_lang(s: pd.Series) -> pd.Series:
    """'fa' where Arabic-script letters outnumber Latin ones, else 'en' (the kit's two languages)."""
    out = np.full(len(s), "en", dtype=object)
    some = has_match(s, _ARABIC_SCRIPT)
    if some.any():
        t = s[some]
        arabic, latin = count_matches(t, _ARABIC_SCRIPT), count_matches(t, _LATIN)
        out[some] = np.where(arabic > latin, "fa", "en")
    return pd.Series(out, index=s.index, dtype="string")


def hms(seconds_: float) -> str:
    """hh:mm:ss, the locator an exhibit shows for a point in a recording."""
    s = int(seconds_)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


YEH, KAF = "یيى", "کك"               # Persian yeh, Arabic yeh, alef maksura; Persian keheh, Arabic kaf
ARABIC_MARKS = "\u064b-\u065f\u0670\u0640"   # Arabic diacritics and tatweel: written or not, the same word
_NAME_SEPARATORS = re.compile(r"[\s\u200c\u200d\u00a0]+")


def name_key(name: str) -> str:
    """A name as compared: NFKC, case-folded, one Persian yeh and kaf, no diacritics, ZWNJ as space.

    Transcripts label speakers and project.yaml lists interviewers in whatever spelling their
    keyboard gave; two spellings of one name must compare equal.
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(f"[{YEH}]", "ی", re.sub(f"[{KAF}]", "ک", text))
    text = re.sub(f"[{ARABIC_MARKS}]", "", text)
    return _NAME_SEPARATORS.sub(" ", text).strip()


# ---- matching what people typed against what project.yaml says ------------------------------------
# Teh marbuta and heh with yeh above fold to heh: Persian writes its Arabic loanwords either way
# ("ملاحظة"/"ملاحظه", "خانۀ"/"خانه") and no two names of one project differ by that alone. Alef
# variants (آ أ إ) stay apart: they are different letters to a Persian reader.
_MATCH_LETTERS = str.maketrans({"\u0629": "\u0647", "\u06c0": "\u0647", "\u06c1": "\u0647", "\u06d5": "\u0647"})
_MATCH_SEPARATORS = re.compile(r"[\s\u200c\u200d\u00a0]+")


def match_key(text: str) -> str:
    """A name or value as compared with project.yaml: ``name_key`` plus one heh, ASCII digits and no
    separators at all, so "پیام‌ها", "پیام ها" and "پيامها" are one key.

    Only ever compared, never stored or shown: what the user wrote stays as written. ``name_key``
    keeps word boundaries (pseudonyms find names word by word and hash them, so it must not move).
    """
    key = name_key(text).translate(_MATCH_LETTERS).translate(_DIGITS)
    return _MATCH_SEPARATORS.sub("", key)


# ---- cleaning text people typed: ZWNJ kept, what can spoof or break a page taken out ----------------
ZWNJ, ZWJ = "\u200c", "\u200d"
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"        # embeddings, overrides, isolates: the "Trojan source" set


# Every format (Cf) character but ZWNJ and ZWJ, and the surrogates (Unicode 15, as Python 3.11 knows it;
# tests/core/test_text_matching.py checks the list against the running Python's tables).
_FORMAT = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b\u200e-\u200f"
           "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
           "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")


def format_characters() -> set[str]:
    """The characters ``_FORMAT`` should hold, read from the running Python's Unicode tables."""
    return {chr(c) for c in range(0x110000)
            if unicodedata.category(chr(c)) in ("Cf", "Cs") and c not in (0x200C, 0x200D)}


def _unsafe(keep: str) -> re.Pattern[str]:
    controls = "".join(f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in keep)
    return re.compile(f"[{controls}{_FORMAT}]|(?<!\\S){ZWJ}|{ZWJ}(?!\\S)")


_UNSAFE = {keep: _unsafe(keep) for keep in ("", "\n", "\t\n\r")}


def strip_unsafe(text: str, keep: str = "") -> str:
    """Text as typed, minus what is invisible and dangerous: C0/C1 controls (but those in ``keep``:
    "", "\\n" or "\\t\\n\\r"), bidi embeddings, overrides and isolates (they make text read other
    than it is stored), U+FEFF and every other format character. ZWNJ is kept everywhere (Persian
    spells with it: "می‌خواهم"), ZWJ between two visible characters (joined letters, emoji).
    """
    return _UNSAFE[keep].sub("", text)


def _candidates_re2(keep: str) -> str:
    """What ``strip_unsafe`` may take out, as one RE2 class (any ZWJ counts: Arrow's RE2 has no lookbehind;
    no surrogates: Arrow text is valid UTF-8)."""
    codes = [c for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in keep]
    body = "".join(f"\\x{{{c:x}}}" for c in codes) + _FORMAT.replace("\ud800-\udfff", "") + ZWJ
    return f"[{body}]"


def strip_unsafe_series(s: pd.Series, keep: str = "\t\n\r") -> pd.Series:
    """``strip_unsafe`` over a column: texts that may hold something to take out are found by Arrow
    (a million answers in about a second), and only those are cleaned in Python."""
    if not len(s):
        return s
    hit = has_match(s.fillna(""), _candidates_re2(keep)) & s.notna().to_numpy(dtype=bool)
    if not hit.any():
        return s
    out = s.copy()
    out[hit] = s[hit].str.replace(_UNSAFE[keep], "", regex=True)
    return out
