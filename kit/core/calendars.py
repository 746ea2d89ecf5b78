"""Date-times as the evidence writes them, in UTC: Jalali (Persian solar) or Gregorian, in the project's zone.

Iranian tools export dates in the Jalali calendar (``1404/07/12 14:30``, ``۱۴۰۴/۰۷/۱۲``,
``1403/12/30 02:15 ب.ظ``), often with Persian or Arabic-Indic digits and Persian AM/PM words.
``read_times`` reads those next to ordinary Gregorian stamps: a cell is Jalali when the input
declares it (``dates: jalali``) or, with ``dates: auto``, when its year is 1300-1499, a range no
Gregorian stamp in the kit's date window can have. Conversion is ``jdatetime``'s, never hand
arithmetic, and runs once per distinct day: exports repeat their stamps, so a million rows cost
a few thousand conversions.

A stamp without a zone is the project's wall-clock time (``timezone:``) and is stored as UTC; a
stamp with a zone (``Z``, ``+03:30``, ``GMT+3:30``) keeps its own. A Jalali-looking cell that
names no real day (month 13, the 30th of Esfand in a common year) gets its own reason, so the
reject says what is wrong rather than "not a date".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import jdatetime
import numpy as np
import pandas as pd

from kit.core.text import ascii_digits, parse_times

DATES = ("auto", "jalali", "gregorian")            # how an input's date cells are read
JALALI_YEARS = (1300, 1499)                        # auto-detection: 1921-2121 in Gregorian years
MONTHS = ("farvardin", "ordibehesht", "khordad", "tir", "mordad", "shahrivar",
          "mehr", "aban", "azar", "dey", "bahman", "esfand")
_BIDI = r"[\u200e\u200f\u200c\u202a-\u202e\u2066-\u2069]"
_ZONE = r"(?P<zone>Z|[+-]\d{2}:?\d{2}|(?:GMT|UTC)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?)"
_JALALI = re.compile(
    r"^(?P<y>\d{4})\s*[/-]\s*(?P<m>\d{1,2})\s*[/-]\s*(?P<d>\d{1,2})"
    r"(?:(?:\s+|T|,\s*)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}(?:\.\d+)?))?)?"
    r"\s*(?P<ampm>ق\.?\s?ظ\.?|ب\.?\s?ظ\.?|[AaPp]\.?[Mm]\.?)?\s*" + _ZONE + r"?$")
# A Gregorian stamp that names its own zone: an offset or Z right after the time, or GMT/UTC anywhere
_HAS_ZONE = r"(?i)\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:z|[+-]\d{2}(?::?\d{2})?)\s*$|\b(?:gmt|utc)\b"
# What a nanosecond timestamp can hold, a day short at each end so a zone's offset cannot leave it
_NS_RANGE = (pd.Timestamp.min.ceil("D").tz_localize("UTC") + pd.Timedelta(days=1),
             pd.Timestamp.max.floor("D").tz_localize("UTC") - pd.Timedelta(days=1))
_OFFSET = re.compile(r"^(?:GMT|UTC)?\s*(?P<sign>[+-])(?P<h>\d{1,2}):?(?P<m>\d{2})?$")


@dataclass
class Stamps:
    """Times read from a column: UTC (NaT where unreadable) and, per cell, why a Jalali-looking date is not a day."""

    at: pd.Series
    not_a_day: pd.Series       # "" where fine; e.g. "1404 is not a leap year: Esfand has 29 days"


def clean(s: pd.Series) -> pd.Series:
    """ASCII digits, no bidi marks, outer spaces gone: what the patterns read."""
    return ascii_digits(s.astype(str).str.replace(_BIDI, "", regex=True)).str.strip()


def days_in_month(year: int, month: int) -> int:
    """Days of a Jalali month; Esfand has 30 in a leap year (``jdatetime``'s 33-year rule)."""
    if month == 12 and jdatetime.date(year, 1, 1).isleap():
        return 30
    return jdatetime.j_days_in_month[month - 1]


def _why_not_a_day(y: int, m: int, d: int) -> str:
    if not 1 <= m <= 12:
        return f"month {m} is not a Jalali month (1-12)"
    most = days_in_month(y, m)
    if not 1 <= d <= most:
        leap = f"; {y} is not a leap year" if m == 12 and d == 30 else ""
        return f"day {d} is not in {MONTHS[m - 1].capitalize()}, which has {most} days{leap}"
    return ""


def _hours(p: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The 24-hour clock hour, and a reason where the time of day is impossible."""
    hour = pd.to_numeric(p["H"], errors="coerce").fillna(0)
    minute = pd.to_numeric(p["M"], errors="coerce").fillna(0)
    second = pd.to_numeric(p["S"], errors="coerce").fillna(0)
    word = p["ampm"].fillna("").str.slice(0, 1).str.lower()
    twelve = word != ""
    pm = word.isin(["ب", "p"])
    clock12 = (hour % 12) + np.where(pm, 12, 0)
    why = pd.Series("", index=p.index, dtype=object)
    why[twelve & ((hour < 1) | (hour > 12))] = "an hour with AM/PM (ق.ظ/ب.ظ) is 1-12"
    why[~twelve & (hour > 23)] = "the hour is 0-23"
    why[(minute > 59) | (second >= 60)] = "minutes and seconds are 0-59"
    return pd.Series(np.where(twelve, clock12, hour), index=p.index) * 3600 + minute * 60 + second, why


def _offsets(zone: pd.Series) -> pd.Series:
    """Minutes east of UTC of each zone text (NaN where there is none)."""
    parts = zone.fillna("").str.strip().str.upper().str.extract(_OFFSET)
    minutes = pd.to_numeric(parts["h"], errors="coerce") * 60 + pd.to_numeric(parts["m"], errors="coerce").fillna(0)
    minutes = minutes.where(parts["sign"] != "-", -minutes)
    named = zone.notna() & (zone.str.strip() != "")
    return minutes.where(~named | minutes.notna(), 0.0).where(named)


def to_utc(local: pd.Series, tz: str) -> pd.Series:
    """Naive wall-clock times of ``tz`` as UTC; a repeated hour (clocks back) is its first pass, a skipped one moves on."""
    if tz == "UTC":
        return local.dt.tz_localize("UTC")
    first = np.ones(len(local), dtype=bool)
    return local.dt.tz_localize(tz, ambiguous=first, nonexistent="shift_forward").dt.tz_convert("UTC")


def _gregorian_days(y: pd.Series, m: pd.Series, d: pd.Series) -> pd.Series:
    """Gregorian midnight of each Jalali day, converted once per distinct day."""
    days = pd.DataFrame({"y": y, "m": m, "d": d}).astype(int)
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(days))
    done = pd.to_datetime([jdatetime.date(*day).togregorian() for day in uniques])
    return pd.Series(done.to_numpy()[codes], index=y.index)


def _jalali(p: pd.DataFrame, tz: str) -> Stamps:
    """UTC times of matched Jalali parts (one row per distinct cell), with the reason where there is no such day."""
    y, m, d = (pd.to_numeric(p[k]).astype(int) for k in ("y", "m", "d"))
    why = pd.Series([_why_not_a_day(*t) for t in zip(y, m, d, strict=True)], index=p.index, dtype=object)
    seconds, why_time = _hours(p)
    why = why.where(why != "", why_time)
    ok = why == ""
    at = pd.Series(pd.NaT, index=p.index, dtype="datetime64[ns, UTC]")
    if ok.any():
        local = _gregorian_days(y[ok], m[ok], d[ok]) + pd.to_timedelta(seconds[ok], unit="s")
        offset = _offsets(p.loc[ok, "zone"])
        zoned = offset.notna()
        done = pd.Series(pd.NaT, index=local.index, dtype="datetime64[ns, UTC]")
        if zoned.any():
            done[zoned] = (local[zoned] - pd.to_timedelta(offset[zoned], unit="min")).dt.tz_localize("UTC")
        if (~zoned).any():
            done[~zoned] = to_utc(local[~zoned], tz)
        at[ok] = done
    return Stamps(at, why)


def _gregorian(text: pd.Series, norm: pd.Series, tz: str, other: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``other``'s UTC times, re-read as ``tz`` wall-clock times where the cell named no zone of its own."""
    at = other(text)
    if at.dtype != "datetime64[ns, UTC]":     # a far year (1299) read at a coarser unit: kept far, so the window rejects it
        at = at.clip(_NS_RANGE[0], _NS_RANGE[1]).astype("datetime64[ns, UTC]")
    if tz == "UTC":
        return at
    naive = at.notna() & ~norm.str.contains(_HAS_ZONE, regex=True)
    if naive.any():
        at[naive] = to_utc(at[naive].dt.tz_localize(None), tz)
    return at


def read_times(s: pd.Series, *, dates: str = "auto", tz: str = "UTC",
               other: Callable[[pd.Series], pd.Series] | None = None) -> Stamps:
    """UTC times of a column of date-time text, each distinct text read once.

    ``dates``: ``jalali`` reads every y/m/d as Jalali, ``gregorian`` none, ``auto`` those with a
    year in ``JALALI_YEARS``. Other cells go to ``other`` (a vendor's reader; ``parse_times`` by
    default), whose zone-less results are then taken as ``tz`` wall-clock times.
    """
    if dates not in DATES:
        raise ValueError(f"dates must be one of {', '.join(DATES)}, not {dates!r}")
    codes, uniques = pd.factorize(s.astype(str), use_na_sentinel=False)
    text = pd.Series(uniques, dtype=str)
    norm = clean(text)
    parts = norm.str.extract(_JALALI)
    year = pd.to_numeric(parts["y"], errors="coerce")
    lo, hi = JALALI_YEARS
    if dates == "jalali":
        jalali = year.notna()
    else:
        jalali = year.between(lo, hi) if dates == "auto" else pd.Series(False, index=text.index)
    at = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
    why = pd.Series("", index=text.index, dtype=object)
    if jalali.any():
        got = _jalali(parts[jalali], tz)
        at[jalali], why[jalali] = got.at, got.not_a_day
    rest = ~jalali & (norm != "")
    if rest.any():
        at[rest] = _gregorian(text[rest], norm[rest], tz, other or parse_times)
    return Stamps(pd.Series(at.to_numpy()[codes], index=s.index, dtype="datetime64[ns, UTC]"),
                  pd.Series(why.to_numpy()[codes], index=s.index, dtype=object))
