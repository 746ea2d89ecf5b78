"""PII redaction: what must go, and ordinary numbers that must stay."""

from __future__ import annotations

import importlib.util
import json
import random
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from kit.evidence import privacy
from kit.evidence.privacy import iban_ok, iran_national_id_ok, luhn_ok, redact_pii


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


PHONES = [
    # Iran: mobiles and Tehran landlines, national and international, ASCII and Persian digits
    "09123456789", "0912 345 6789", "0912-345-6789", "0912 3456789", "+989123456789", "+98-912-345-6789",
    "0098 912 345 6789", "(+98) 912 345 6789", "021 8888 7777", "(021) 88887777", "+98 21 8888 7777",
    "۰۹۱۲-۳۴۵-۶۷۸۹", "+۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹", "۰۲۱ ۸۸۸۸ ۷۷۷۷",
    # the US
    "(415) 867-5309", "415-867-5309", "415.867.5309", "1-415-867-5309", "+1 415 867 5309", "+14158675309",
    # the UK
    "07911 123456", "020 7946 0958", "(020) 7946 0958", "+44 7911 123456", "+44 (0)20 7946 0958", "0044 20 7946 0958",
    # Germany
    "030 12345678", "030/12345678", "0170 1234567", "+49 30 12345678", "+49 (0)30 1234 5678", "0049 170 1234567",
]


@pytest.mark.parametrize("phone", PHONES)
def test_each_way_of_writing_a_phone_number_is_found(phone: str) -> None:
    assert redact_pii(f"call me on {phone} after five") == "call me on [phone] after five"
    assert redact_pii(f"با {phone} تماس بگیرید") == "با [phone] تماس بگیرید"


@pytest.mark.parametrize("iban", [
    "IR05 0170 0000 0012 3456 7890 12", "IR050170000000123456789012", "ir050170000000123456789012",
    "IR۰۵۰۱۷۰۰۰۰۰۰۰۱۲۳۴۵۶۷۸۹۰۱۲", "050170000000123456789012",          # Sheba without its IR
    "GB29 NWBK 6016 1331 9268 19", "DE89 3704 0044 0532 0130 00",
])
def test_ibans_are_replaced_by_a_label(iban: str) -> None:
    assert redact_pii(f"refund it to {iban} please") == "refund it to [iban] please"


def test_an_iban_with_a_wrong_check_digit_is_left_whole() -> None:
    for wrong in ("IR06 0170 0000 0012 3456 7890 12", "GB28 NWBK 6016 1331 9268 19", "DE88 3704 0044 0532 0130 00"):
        assert redact_pii(f"the form showed {wrong} as an example") == f"the form showed {wrong} as an example"


@pytest.mark.parametrize("text", [
    "order 1234567890 arrived late",                    # 10 digits, no phone number anywhere
    "order #4045384819 arrived late", "ticket ORD-6179675982 is still open",
    "it happened on 15.05.2024", "since 1403/02/15 the app crashes", "since ۱۴۰۳/۰۲/۱۵ the app crashes",
    "I paid 25000000 rials", "I paid 2,500,000 rials", "I paid 12.500.000 rials", "a customer since 2019-2024",
    "in 1402 and 2023", "the number 12345678 on the screen",
])
def test_look_alike_numbers_are_left_as_they_are(text: str) -> None:
    assert redact_pii(text) == text


def test_each_kind_keeps_its_label_and_its_neighbours() -> None:
    assert redact_pii("card 4111 1111 1111 1111 2024 was charged") == "card [card] 2024 was charged"
    assert redact_pii("call +49-171-7290795 today") == "call [phone] today"      # its last 10 digits pass the id check
    assert redact_pii("call (415) 867-5309 2024 now") == "call [phone] 2024 now"   # a number right after it stays
    assert redact_pii("call +98 912 345 6789 12 times") == "call [phone] 12 times"
    assert redact_pii("0912 345 6789 0935 123 4567") == "[phone] [phone]"            # two in a row, not one German
    assert redact_pii("030 1234 5678 / 0170 1234567") == "[phone] / [phone]"
    assert redact_pii("کد ملی‌ام ۰۰۸۴۵۷۵۹۴۸ است") == "کد ملی‌ام [national-id] است"
    assert redact_pii("mail a.b@x.ir or call 0912 345 6789, order 48213957") == \
        "mail [email] or call [phone], order 48213957"
    assert redact_pii("") == "" and redact_pii("no numbers at all") == "no numbers at all"


def test_ten_digits_after_an_order_word_are_a_reference_not_an_id() -> None:
    assert iran_national_id_ok("1828926655")
    for text in ("Order number 1828926655 is still pending.", "شماره سفارشم ۱۸۲۸۹۲۶۶۵۵ است", "ticket #1828926655"):
        assert redact_pii(text) == text
    assert redact_pii("order 1828926655, national code 1828926655") == "order 1828926655, national code [national-id]"
    assert redact_pii("order 4158675309 late") == "order 4158675309 late"          # a valid US number, written as one
    assert redact_pii("order: (+1) 415 867 5309") == "order: [phone]"               # with its country code: a phone


def test_iban_check() -> None:
    assert iban_ok("IR05 0170 0000 0012 3456 7890 12") and not iban_ok("IR06 0170 0000 0012 3456 7890 12")
    assert not iban_ok("IR05 0170 0000 0012 3456 7890 1")                          # Sheba numbers have 26 characters
    assert iban_ok("GB29NWBK60161331926819") and not iban_ok("GB29NWBK6016133192681")


def test_the_fast_path_finds_what_the_matcher_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [f"call me on {p} after five" for p in PHONES] + [f"({p}) or {p}kg, {p}%" for p in PHONES[:6]] + [
        "order 1234567890 arrived late", "call 0912 345 6789 1402", "9123456789", "$2125550123"]
    fast = [redact_pii(t) for t in texts]
    assert privacy._one_whole_number("0912 345 6789") and privacy._one_whole_number("+1 (555) 010-2030")
    assert not privacy._one_whole_number("(415) 867-5309 2024")         # left to the matcher, then trimmed
    monkeypatch.setattr(privacy, "_one_whole_number", lambda stretch, regions=privacy.REGIONS: False)
    assert [redact_pii(t) for t in texts] == fast


# --- postal codes and addresses ------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("zip 10001 please", "zip [postal-code] please"),
    ("My ZIP code is 02139-4307.", "My ZIP code is [postal-code]."),
    ("PLZ: 10115 Berlin", "PLZ: [postal-code] Berlin"),
    ("Postcode: sw1a 1aa", "Postcode: [postal-code]"),
    ("I live in London NW1 6XE", "I live in London [postal-code]"),
    ("کدپستی من ۱۴۳۵۶-۷۸۹۱۲ است", "کدپستی من [postal-code] است"),
    ("کد پستی ۱۴۳۵۶۷۸۹۱۲", "کد پستی [postal-code]"),                  # 10 digits: a postal code, not taken for an id
    ("New York, NY 10001", "New York, NY [postal-code]"),
    ("I live at 12 Baker Street, Apt 4, London", "I live at [address], London"),
    ("Flat 3, 22 Kings Road was the old one", "[address] was the old one"),
    ("send it to Hauptstraße 5, 10115 Berlin", "send it to [address], [postal-code] Berlin"),
    ("آدرس: تهران، خیابان ولیعصر، کوچه ۱۲، پلاک ۵، واحد ۳ کد پستی ۱۴۳۵۶-۷۸۹۱۲",
     "آدرس: [address] کد پستی [postal-code]"),
    ("آدرسم تهران خیابان آزادی کوچه بهار پلاک ۱۲ طبقه دوم است ولی بسته نرسید.", "آدرسم [address] است ولی بسته نرسید."),
    ("آدرس: تهران، خیابان ولیعصر. بسته نرسید", "آدرس: [address]. بسته نرسید"),
    ("آدرس: خیابان ولیعصر ۰۹۱۲۳۴۵۶۷۸۹", "آدرس: [address] [phone]"),     # a street's name takes no phone number
    ("ادرس تهران خ. شریعتی ک. گلستان پ. ۷ لطفا زودتر", "ادرس [address] لطفا زودتر"),
    ("تهران، خیابان ولیعصر، پلاک ۱۲", "تهران، [address]"),           # no context word: from the street to its پلاک
])
def test_postal_codes_and_addresses_are_replaced_by_a_label(text: str, expected: str) -> None:
    assert redact_pii(text) == expected


@pytest.mark.parametrize("text", [
    "order 48213 arrived broken", "I paid 10115 rials", "I bought a PS5 1TB", "room b2 2nd floor",
    "I waited 2 hours on the road", "The 3 Main Street shops all stock it", "I read the Top 10 Best Road Bikes list",
    "آدرس ایمیل من را ندارید", "۲ ساعت در خیابان منتظر ماندم", "طبقه ۳ فروشگاه بسته بود", "my zip broke after 3 days",
    "MacBook Air M2 8GB was slow", "Open 24 Hours Drive Thru", "آدرس اشتباه ثبت شد، کوچه را پیدا نکردند",
    "آدرسم عوض شده، خیابان جدید است", "خیابان شلوغ بود و پلاک ۲۰ را پیدا نکرد", "پلاک ماشین پیک را ندیدم",
    "10115 is my PLZ",                  # the context word after the code: not caught (the docstring says so)
    "12 baker street",                  # a street in small letters: not caught either
])
def test_look_alikes_of_places_are_left_as_they_are(text: str) -> None:
    assert redact_pii(text) == text


# --- the labelled sets: every planted piece goes, and few clean sentences are touched --------------------

PII = Path(__file__).resolve().parents[1] / "fixtures" / "pii"
KINDS = {"email", "card", "iban", "national_id", "address en", "address fa"} | {
    f"phone {c}" for c in ("ir", "gb", "us", "de")} | {f"postal_code {c}" for c in ("ir", "gb", "us", "de")}
# Measured on clean.jsonl's 225 sentences: none touched. (Before 8-10 digits right after "order" or "سفارش" were
# taken for a reference, an order number passing the national-id check and one that is a valid US number were.)
CLEAN_FALSE_POSITIVE_RATE = 0.0
WORD = re.compile(r"\w+")


def _rows(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (PII / name).read_text(encoding="utf-8").splitlines()]


def removed(text: str, pieces: list[str], out: str) -> bool:
    """No piece is left as written, nor any of its words that the rest of the sentence does not hold."""
    rest = text
    for piece in pieces:
        rest = rest.replace(piece, " ")
    outside, left = set(WORD.findall(rest)), set(WORD.findall(out))
    return all(piece not in out and not (set(WORD.findall(piece)) - outside) & left for piece in pieces)


def test_the_fixtures_are_what_their_script_writes() -> None:
    spec = importlib.util.spec_from_file_location("make_pii", PII / "make_pii.py")
    assert spec and spec.loader
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    assert make.planted(random.Random(make.SEED)) == _rows("planted.jsonl"), "run tests/fixtures/pii/make_pii.py"
    assert make.clean(random.Random(make.SEED + 1)) == _rows("clean.jsonl"), "run tests/fixtures/pii/make_pii.py"


def test_every_planted_piece_of_personal_data_is_removed() -> None:
    rows = _rows("planted.jsonl")
    assert len(rows) >= 150 and KINDS <= {k for row in rows for k in row["kinds"]}
    assert any(c in row["text"] for row in rows for c in "۰۱۲۳۴۵۶۷۸۹") and any(
        c in row["text"] for row in rows for c in "٠١٢٣٤٥٦٧٨٩")
    for row in rows:
        assert all(piece in row["text"] for piece in row["pii"]), row
    by_kind: dict[str, list[bool]] = defaultdict(list)
    missed = []
    for row in rows:
        out = redact_pii(row["text"])
        ok = removed(row["text"], row["pii"], out)
        for kind in row["kinds"]:
            by_kind[kind].append(ok)
        if not ok:
            missed.append((row["text"], out))
    print("\nrecall per kind: " + ", ".join(f"{k} {sum(v)}/{len(v)}" for k, v in sorted(by_kind.items())))
    assert not missed, missed


def test_few_clean_sentences_are_touched() -> None:
    rows = _rows("clean.jsonl")
    assert len(rows) >= 150
    touched = [(row["kind"], row["text"], out) for row in rows if (out := redact_pii(row["text"])) != row["text"]]
    rate = len(touched) / len(rows)
    print(f"\nfalse positives on {len(rows)} clean sentences: {len(touched)} ({100 * rate:.1f}%) {touched}")
    assert rate <= CLEAN_FALSE_POSITIVE_RATE, touched


def test_survey_answers_with_only_a_postcode_or_an_address_are_redacted_too() -> None:
    """The survey reader sends only answers that may hold personal data to redact_pii; these may."""
    import pandas as pd

    from kit.evidence.surveys import redact
    said = pd.Series(["Send it to SW1A 1AA please", "آدرس: خیابان ولیعصر، کوچه بهار، پلاک ۱۲", "great coaching"],
                     dtype="string")
    out = redact(said).tolist()
    assert "SW1A 1AA" not in out[0] and "[postal-code]" in out[0]
    assert "[address]" in out[1] and "بهار" not in out[1]
    assert out[2] == "great coaching"
