"""PII redaction: what must go, and ordinary numbers that must stay."""

from __future__ import annotations

import pytest

from kit.evidence.privacy import iran_national_id_ok, luhn_ok, redact_pii


@pytest.mark.parametrize("text, expected", [
    ("write to sara.k+diet@example.co.uk please", "write to [email] please"),
    ("call me on +98 912 345 6789", "call me on [phone]"),
    ("شماره‌ام ۰۹۱۲۳۴۵۶۷۸۹ است", "شماره‌ام [phone] است"),
    ("US line +1 (555) 010-2030 ok", "US line [phone] ok"),
    ("card 4111 1111 1111 1111 was charged twice", "card [card] was charged twice"),
    ("my national code is 0084575948", "my national code is [national-id]"),
])
def test_personal_data_is_replaced_by_a_label(text: str, expected: str) -> None:
    assert redact_pii(text) == expected


@pytest.mark.parametrize("text", [
    "order 123456 cost 2500000 rials",
    "I lost 4 kg in 12 weeks",
    "card 4111 1111 1111 1112 (fails Luhn) is not a card",
])
def test_ordinary_numbers_survive(text: str) -> None:
    assert "[card]" not in redact_pii(text) and "[national-id]" not in redact_pii(text)
    assert "[phone]" not in redact_pii(text) or "1112" in text


def test_checksums() -> None:
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert iran_national_id_ok("0084575948") and not iran_national_id_ok("1111111111")
