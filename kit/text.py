"""Text helpers for English and Persian answers: normalisation, digits, language.

Vectorised over pandas Series, because a survey export may hold a million answers.
"""

from __future__ import annotations

import pandas as pd

# Arabic code points Persian writers often get from Arabic keyboards, mapped to Persian ones.
_FA_LETTERS = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9",
                             "\u0629": "\u0647", "\u0640": None})
_DIACRITICS = r"[\u064b-\u0652\u0670]"
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_ARABIC_SCRIPT = r"[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]"
_LATIN = r"[A-Za-z]"


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


def normalize_fa(s: pd.Series) -> pd.Series:
    """Arabic yeh/kaf to Persian, tatweel and diacritics removed; ZWNJ (U+200C) is kept."""
    return s.str.translate(_FA_LETTERS).str.replace(_DIACRITICS, "", regex=True)


def detect_lang(s: pd.Series) -> pd.Series:
    """'fa' where Arabic-script letters outnumber Latin ones, else 'en' (the kit's two languages)."""
    arabic = s.str.count(_ARABIC_SCRIPT)
    latin = s.str.count(_LATIN)
    return pd.Series(["fa" if a > b else "en" for a, b in zip(arabic, latin, strict=True)],
                     index=s.index, dtype="string")
