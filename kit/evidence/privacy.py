"""Redaction of personal data in free text, applied before any text reaches a run folder.

Patterns use ``\\d``, which in Python matches every Unicode decimal digit, so Persian (۰-۹) and
Arabic-Indic (٠-٩) digits are caught like ASCII ones. Card numbers must pass the Luhn check and
Iranian national ids their own check digit, so ordinary long numbers (order ids, amounts) survive.
"""

from __future__ import annotations

import re
import unicodedata

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 13-19 digits, optionally grouped by spaces or dashes (payment cards).
CARD = re.compile(r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")
# +98 912 345 6789, 0098..., 0912-345-6789, 09123456789, +1 (555) 010-2030, 021 8888 7777
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,4}){2,3}(?!\d)")
NATIONAL_ID = re.compile(r"(?<!\d)\d{3}-?\d{6}-?\d(?!\d)")


def _digits(s: str) -> list[int]:
    return [unicodedata.digit(c) for c in s if c.isdigit()]


def luhn_ok(number: str) -> bool:
    """True when the digits pass the Luhn checksum used by payment cards."""
    ds = _digits(number)[::-1]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(ds))
    return len(ds) >= 13 and total % 10 == 0


def iran_national_id_ok(number: str) -> bool:
    """True for a 10-digit Iranian national code with a valid check digit."""
    ds = _digits(number)
    if len(ds) != 10 or len(set(ds)) == 1:
        return False
    s = sum(d * (10 - i) for i, d in enumerate(ds[:9])) % 11
    return ds[9] == (s if s < 2 else 11 - s)


def redact_pii(text: str) -> str:
    """Replace e-mail addresses, payment cards, national ids and phone numbers with labels.

    Order matters: cards and national ids are checked before the looser phone pattern, so a card
    number is labelled as a card and not as a phone.
    """
    if not text:
        return text
    out = EMAIL.sub("[email]", text)
    out = CARD.sub(lambda m: "[card]" if luhn_ok(m.group()) else m.group(), out)
    out = NATIONAL_ID.sub(lambda m: "[national-id]" if iran_national_id_ok(m.group()) else m.group(), out)
    out = PHONE.sub(lambda m: "[phone]" if len(_digits(m.group())) >= 8 else m.group(), out)
    return out
