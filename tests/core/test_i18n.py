"""Numbers on the pages, written by Babel the way English and Persian write them."""

from __future__ import annotations

import numpy as np
import pytest

from kit.core import i18n


@pytest.mark.parametrize("value, lang, decimals, sign, expected", [
    (1234567, "en", 0, False, "1,234,567"),
    (1234567, "fa", 0, False, "۱٬۲۳۴٬۵۶۷"),
    (0.5, "fa", 2, False, "۰٫۵۰"),                   # trailing zeros kept: a column of figures lines up
    (-1234.25, "fa", 1, False, "-۱٬۲۳۴٫۲"),         # an ASCII minus, no direction marks
    (0.4, "fa", 1, True, "+۰٫۴"),
    (-0.4, "en", 1, True, "-0.4"),
    (0, "en", 0, True, "+0"),
    (np.int64(7), "fa", 0, False, "۷"),
    (np.float64(3.14159), "en", 2, False, "3.14"),
    (12, "de", 0, False, "12"),                      # an unknown language is written as English
])
def test_number_formats(value: float, lang: str, decimals: int, sign: bool, expected: str) -> None:
    assert i18n.number(value, lang, decimals, sign=sign) == expected


def test_persian_numbers_hold_no_ascii_digits_or_western_separators() -> None:
    text = i18n.number(9876543.21, "fa", 2)
    assert text == "۹٬۸۷۶٬۵۴۳٫۲۱" and not any(c in text for c in "0123456789,.")
    assert i18n.count("ws_n_dots", 1234, "fa") == "۱٬۲۳۴ نقطه" and i18n.count("ws_n_dots", 1, "en") == "1 dot"
