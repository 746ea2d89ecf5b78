"""A day said in the project's calendar and the page's language (the report's period line and trend sentence)."""

from __future__ import annotations

import pytest

from kit.core import periods


@pytest.mark.parametrize(("day", "calendar", "lang", "said"), [
    ("2026-07-11", "jalali", "fa", "۲۰ تیر ۱۴۰۵"), ("2026-07-11", "jalali", "en", "20 Tir 1405"),
    ("2026-07-11", "gregorian", "en", "11 Jul 2026"), ("2026-07-11", "gregorian", "fa", "۱۱ ژوئیه ۲۰۲۶"),
    ("2025-03-20", "jalali", "fa", "۳۰ اسفند ۱۴۰۳"),              # 1403 is a leap year: Esfand has 30 days
])
def test_a_day_is_said_in_the_projects_calendar(day: str, calendar: str, lang: str, said: str) -> None:
    assert periods.day(day, calendar, lang) == said
