"""Open answers are cleaned, redacted and given a language once per distinct text, with the same result
as doing it answer by answer (a million answers repeat a few thousand texts)."""

from __future__ import annotations

import pandas as pd

from kit.core.text import detect_lang, normalize_fa, strip_unsafe_series
from kit.evidence.surveys import _cleaned, redact

ANSWERS = [
    "Too many messages", "Call me on +98 912 345 6789 please", "Too many messages",
    "كتاب خوبي بود", "ایمیل من ali@example.com است", "Call me on +98 912 345 6789 please",
    "tab\there and a bell\x07", "کد پستی ۱۲۳۴۵۶۷۸۹۰", "I counted 12 in one day", "Too many messages",
    "Card 4111 1111 1111 1111", "I counted 12 in one day", "کتاب خوبي بود",
]


def one_by_one(text: pd.Series, redact_pii: bool) -> tuple[pd.Series, pd.Series]:
    """The earlier way: every answer through every step."""
    t = normalize_fa(strip_unsafe_series(text))
    if redact_pii:
        t = redact(t)
    return t.astype("string"), detect_lang(t)


def test_distinct_answers_cleaned_once_give_what_each_answer_gave() -> None:
    text = pd.Series(ANSWERS, index=range(100, 100 + len(ANSWERS)), dtype="string")
    for redact_pii in (True, False):
        got, lang = _cleaned(text, redact_pii)
        want, want_lang = one_by_one(text, redact_pii)
        assert got.index.equals(text.index) and lang.index.equals(text.index)
        assert got.tolist() == want.tolist()
        assert lang.tolist() == want_lang.tolist()
    got, lang = _cleaned(text, True)
    assert "[phone]" in got[101] and "ali@example.com" not in got[104] and "[card]" in got[110]
    assert got[103] == "کتاب خوبی بود" and lang[103] == "fa"
    assert "\x07" not in got[106]


def test_no_answers() -> None:
    got, lang = _cleaned(pd.Series([], dtype="string"), True)
    assert got.empty and lang.empty
