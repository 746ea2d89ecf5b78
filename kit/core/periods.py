"""Trend periods in the project's calendar: Gregorian months and Monday weeks, or Jalali months and Saturday weeks.

Answers are grouped by the day they were given in the project's time zone (``timezone:``), so an
answer at 23:00 in Tehran on the last day of Shahrivar counts in Shahrivar, not in Mehr. Every
period keeps its first day as a Gregorian date (``start``: what the charts and the report plot
on), a machine-readable ``key`` in its own calendar (``2026-07``, ``1404-07``, ``1404-07-12`` for
the week starting that Saturday) and a ``label`` in the page language (``مهر ۱۴۰۴``).
"""

from __future__ import annotations

import re

import jdatetime
import pandas as pd

from kit.core import i18n

CALENDARS = ("gregorian", "jalali")
_JALALI_KEY = re.compile(r"^1[2-5]\d\d-\d\d(?:-\d\d)?$")
WEEKS = {"gregorian": "W", "jalali": "W-FRI"}   # pandas: weeks ending Sunday (start Monday) / ending Friday (start Saturday)


def local(at: pd.Series, tz: str = "UTC") -> pd.Series:
    """UTC times as naive wall-clock times of ``tz``."""
    return pd.to_datetime(at, utc=True).dt.tz_convert(tz).dt.tz_localize(None)


def _jalali_month_starts(days: pd.Series) -> pd.Series:
    """The Gregorian first day of each day's Jalali month, converted once per distinct day."""
    codes, uniques = pd.factorize(days)
    firsts = []
    for day in uniques:
        j = jdatetime.date.fromgregorian(date=day.date())
        firsts.append(jdatetime.date(j.year, j.month, 1).togregorian())
    return pd.Series(pd.to_datetime(firsts).to_numpy()[codes], index=days.index)


def starts(at: pd.Series, freq: str = "M", calendar: str = "gregorian", tz: str = "UTC") -> pd.Series:
    """The first day (naive, midnight) of each time's week (``W``) or month (``M``) in ``calendar``."""
    if calendar not in CALENDARS:
        raise ValueError(f"calendar must be one of {', '.join(CALENDARS)}, not {calendar!r}")
    days = local(at, tz).dt.normalize()
    if freq == "W":
        return days.dt.to_period(WEEKS[calendar]).dt.start_time
    if freq != "M":
        raise ValueError(f"freq must be W (weeks) or M (months), not {freq!r}")
    if calendar == "gregorian":
        return days.dt.to_period("M").dt.start_time
    return _jalali_month_starts(days)


def key(start: pd.Timestamp, freq: str = "M", calendar: str = "gregorian") -> str:
    """A period's name for machines, in its own calendar: 2026-07, 2026-07-06, 1404-07, 1404-07-12."""
    if calendar == "jalali":
        j = jdatetime.date.fromgregorian(date=start.date())
        return f"{j.year:04d}-{j.month:02d}" + (f"-{j.day:02d}" if freq == "W" else "")
    return start.strftime("%Y-%m-%d" if freq == "W" else "%Y-%m")


def label(start: pd.Timestamp, freq: str = "M", calendar: str = "gregorian", lang: str = "en") -> str:
    """A period's name for people: 'مهر ۱۴۰۴', 'هفتهٔ ۱۲ مهر ۱۴۰۴', 'Mehr 1404'; Gregorian ones as their key."""
    digits = i18n.PERSIAN_DIGITS if i18n.language(lang) == "fa" else str.maketrans("", "")
    if calendar != "jalali":
        return key(start, freq, calendar).translate(digits)
    j = jdatetime.date.fromgregorian(date=start.date())
    month = i18n.t(f"jalali_month_{j.month}", lang)
    words = "period_week" if freq == "W" else "period_month"
    return i18n.t(words, lang, day=str(j.day).translate(digits), month=month, year=str(j.year).translate(digits))


def day(value: object, calendar: str = "gregorian", lang: str = "en") -> str:
    """A day for people in the project's calendar: '20 Tir 1405', '۲۰ تیر ۱۴۰۵'; Gregorian by Babel ('11 Jul 2026')."""
    when = pd.Timestamp(value)
    digits = i18n.PERSIAN_DIGITS if i18n.language(lang) == "fa" else str.maketrans("", "")
    if calendar == "jalali":
        j = jdatetime.date.fromgregorian(date=when.date())
        return f"{j.day} {i18n.t(f'jalali_month_{j.month}', lang)} {j.year}".translate(digits)
    from babel.dates import format_date
    return format_date(when.date(), "d MMM y", locale=i18n.LOCALES[i18n.language(lang)]).translate(digits)


def is_jalali_key(key: str) -> bool:
    """Whether a period's name is a Jalali ``key`` (1404-07, 1404-07-12) rather than a Gregorian date."""
    return bool(_JALALI_KEY.match(key))


def start_of(key: str) -> pd.Timestamp:
    """The Gregorian first day of a Jalali period ``key`` (``1404-07`` is 2025-09-23)."""
    parts = [int(p) for p in key.split("-")]
    return pd.Timestamp(jdatetime.date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1).togregorian())
