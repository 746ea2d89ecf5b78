"""Persian names compared however they were typed, and text cleaned without losing its ZWNJ.

``match_key`` is the one comparison of names and values with project.yaml; ``strip_unsafe`` the one
cleaning of typed text. Each rule of the table is a row here, and so is each pair of spellings that
look the same on screen but differ in their code points.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
import pytest

from kit.core import spelling, text
from kit.core.spelling import Vocabulary, consent, difference, near_miss, one_spelling
from kit.core.text import match_key, name_key, strip_unsafe, strip_unsafe_series

ZWNJ = "\u200c"
PERSIAN_WORDS = ["پیام\u200cها", "می\u200cخواهم", "نمی\u200cشود", "کتاب\u200cخانه"]


@pytest.mark.parametrize(("typed", "project"), [
    ("تاريخ", "تاریخ"),                        # Arabic yeh -> Persian yeh
    ("مصطفى", "مصطفی"),                        # alef maksura -> Persian yeh
    ("كانال", "کانال"),                        # Arabic kaf -> Persian kaf (keheh)
    ("ملاحظة", "ملاحظه"),                      # teh marbuta -> heh
    ("خانۀ", "خانه"),                          # heh with yeh above (ezafe) -> heh
    ("خانهٔ", "خانه"),                         # heh + hamza above, decomposed: the mark goes
    ("مـــرحله", "مرحله"),                      # tatweel removed
    ("مُشتَرِی", "مشتری"),                      # harakat removed
    ("پیام\u200cها", "پیام ها"),               # ZWNJ = space
    ("پیام\u200cها", "پیامها"),                # ZWNJ = nothing
    ("پیام ها", "پیامها"),                     # space = nothing
    ("امتیاز\u00a0توصیه", "امتیاز توصیه"),      # no-break space = space
    ("سوال ۳", "سوال 3"),                      # Persian digits -> Latin
    ("سوال ٣", "سوال 3"),                      # Arabic-Indic digits -> Latin
    ("ﻛﺎﻧﺎﻝ", "کانال"),                        # Arabic presentation forms (NFKC), then kaf
    ("Ｑ１", "q1"),                             # full-width (NFKC), then case
    ("ResponseID", "responseid"),              # case
    ("Straße", "STRASSE"),                     # casefold, not lower
])
def test_each_rule_of_the_table_makes_two_spellings_one_key(typed: str, project: str) -> None:
    assert match_key(typed) == match_key(project)


@pytest.mark.parametrize(("one", "other"), [
    ("آدرس", "ادرس"),                          # alef with madda is another letter to a Persian reader
    ("مسئول", "مسؤول"),                        # yeh with hamza and waw with hamza stay apart
    ("Stage", "St\u0430ge"),                   # Cyrillic a looks Latin and is not
    ("Q1_NPS", "Q1 NPS"),                      # underscore is not a space in a column name
])
def test_spellings_that_only_look_alike_stay_apart(one: str, other: str) -> None:
    assert match_key(one) != match_key(other)


def test_the_key_only_compares_nothing_typed_is_changed() -> None:
    value = "پيام\u200cها"
    assert match_key(value) == "پیامها" and value == "پيام\u200cها"


def test_name_key_keeps_word_boundaries_for_pseudonyms() -> None:
    assert name_key("علي\u200cرضا") == name_key("علی رضا") == "علی رضا"      # words still apart
    assert match_key("علي\u200cرضا") == match_key("علیرضا")


@pytest.mark.parametrize("word", PERSIAN_WORDS)
def test_zwnj_is_kept_by_the_cleaner(word: str) -> None:
    assert strip_unsafe(word) == word and ZWNJ in strip_unsafe(f"  {word}\n", keep="\n")


@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
                                  "\u2069", "\ufeff", "\u200b", "\u200e", "\u2060", "\u00ad", "\U000e0041",
                                  "\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f"])
def test_dangerous_characters_are_stripped(char: str) -> None:
    assert strip_unsafe(f"invoice{char}.pdf") == "invoice.pdf"


def test_a_bidi_override_cannot_reverse_what_is_shown() -> None:
    spoof = "Refund \u202egnp.exe\u202c approved: پیام\u200cها"
    assert strip_unsafe(spoof) == "Refund gnp.exe approved: پیام\u200cها"


def test_line_breaks_and_tabs_stay_only_where_asked() -> None:
    assert strip_unsafe("a\tb\nc\rd") == "abcd"
    assert strip_unsafe("a\tb\nc\rd", keep="\n") == "ab\ncd"
    assert strip_unsafe("a\tb\nc\rd", keep="\t\n\r") == "a\tb\nc\rd"


def test_zwj_stays_between_characters_and_goes_where_it_joins_nothing() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert strip_unsafe(family) == family
    assert strip_unsafe("\u200dسلام \u200d دنیا\u200d") == "سلام  دنیا"


def test_emoji_and_private_use_characters_are_not_taken_for_controls() -> None:
    assert strip_unsafe("great \U0001faea \ue000") == "great \U0001faea \ue000"


def test_the_list_of_format_characters_is_the_running_pythons() -> None:
    found = {c for c in map(chr, range(0x110000)) if re.fullmatch(f"[{text._FORMAT}]", c)}
    assert found == text.format_characters()
    assert "\u200c" not in found and "\u200d" not in found


def test_the_column_cleaner_touches_only_rows_that_need_it() -> None:
    s = pd.Series(["می\u200cخواهم", "bad\u202eword", "", "plain"], dtype="string")
    out = strip_unsafe_series(s)
    assert out.tolist() == ["می\u200cخواهم", "badword", "", "plain"]
    assert out.dtype == s.dtype and s[1] == "bad\u202eword"


def test_difference_names_the_characters_in_words() -> None:
    said = difference("تاريخ ثبت", "تاریخ")
    assert said == "the file has ' ثبت' that project.yaml does not"
    assert difference("تاريخ", "تاریخ") == ("the file writes ي (Arabic yeh, U+064A) where project.yaml writes "
                                             "ی (Persian yeh, U+06CC)")
    assert difference("St\u0430ge", "Stage") == ("the file writes \u0430 (cyrillic small letter a, U+0430) where "
                                                 "project.yaml writes a (latin small letter a, U+0061)")
    said = difference("آدرس\u200cها", "ادرسها")          # the ZWNJ does not stop a match: only the alef is named
    assert said == "the file writes آ (alef with madda, U+0622) where project.yaml writes ا (alef, U+0627)"
    assert difference("پیام\u200cها", "پیام ها") == ("the file writes (zero-width non-joiner (ZWNJ), U+200C) where "
                                                    "project.yaml writes (space, U+0020)")
    assert difference("same", "same") == ""


def test_near_miss_only_when_close() -> None:
    assert near_miss("ادرس", ["آدرس", "تلفن"]).startswith(" (closest: 'آدرس'; the file writes ا (alef, U+0627) where")
    assert near_miss("zzz", ["آدرس", "تلفن"]) == ""


def test_values_take_the_projects_spelling() -> None:
    stages = Vocabulary(["in_store", "خرید", "پشتیبانی"])
    s = pd.Series(["In store", "in-store", "خريد", "پشتيباني", "", "fax"], dtype="string")
    assert stages.series(s).tolist() == ["in_store", "in_store", "خرید", "پشتیبانی", "", pd.NA]
    assert stages.why_not("خرىدن").startswith("is not one of in_store, خرید, پشتیبانی (closest: 'خرید'")


@pytest.mark.parametrize(("typed", "meant"), [("yes", True), (" YES ", True), ("بله", True), ("بلی", True),
                                              ("آره", True), ("۱", True), ("خیر", False), ("خير", False),
                                              ("نه", False), ("0", False), ("maybe", None), ("", None)])
def test_consent_answers_in_either_language(typed: str, meant: bool | None) -> None:
    assert consent(typed) is meant


def test_segments_take_the_first_spelling_met() -> None:
    s = pd.Series(["مشتری جدید", "premium", "مشتري جديد", None, "مشتری\u200cجدید"], dtype="string")
    assert one_spelling(s).tolist() == ["مشتری جدید", "premium", "مشتری جدید", pd.NA, "مشتری جدید"]


def test_char_names_cover_the_letters_people_confuse() -> None:
    for ch in "يیىكکةهۀـ\u200c":
        assert spelling.char_name(ch) in {spelling.char_name(c) for c in spelling.CHAR_NAMES}
        assert unicodedata.name(ch)
