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

from collections.abc import Callable
from dataclasses import dataclass

import jdatetime
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kit.core.text import parse_times

DATES = ("auto", "jalali", "gregorian")            # how an input's date cells are read
JALALI_YEARS = (1300, 1499)                        # auto-detection: 1921-2121 in Gregorian years
DISTINCT_SAMPLE = 10_000                           # texts looked at to decide whether to read each distinct one once
MONTHS = ("farvardin", "ordibehesht", "khordad", "tir", "mordad", "shahrivar",
          "mehr", "aban", "azar", "dey", "bahman", "esfand")
_BIDI = "[\u200e\u200f\u200c\u202a-\u202e\u2066-\u2069]"           # marks a spreadsheet copies along
_ZONE = r"(?P<zone>Z|[+-]\d{2}:?\d{2}|(?:GMT|UTC)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?)"
_JALALI = (                                                           # RE2 (pyarrow): \d and \s are ASCII
    r"^(?P<y>\d{4})\s*[/-]\s*(?P<m>\d{1,2})\s*[/-]\s*(?P<d>\d{1,2})"
    r"(?:(?:\s+|T|,\s*)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}(?:\.\d+)?))?)?"
    r"\s*(?P<ampm>ق\.?\s?ظ\.?|ب\.?\s?ظ\.?|[AaPp]\.?[Mm]\.?)?\s*" + _ZONE + r"?$")
# A Gregorian stamp that names its own zone: an offset or Z right after the time, or GMT/UTC anywhere
_HAS_ZONE = r"(?i)\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:z|[+-]\d{2}(?::?\d{2})?)\s*$|\b(?:gmt|utc)\b"
# What a nanosecond timestamp can hold, a day short at each end so a zone's offset cannot leave it
_NS_RANGE = (pd.Timestamp.min.ceil("D").tz_localize("UTC") + pd.Timedelta(days=1),
             pd.Timestamp.max.floor("D").tz_localize("UTC") - pd.Timedelta(days=1))
_OFFSET = r"^(?:GMT|UTC)?\s*(?P<sign>[+-])(?P<h>\d{1,2}):?(?P<m>\d{2})?$"


@dataclass
class Stamps:
    """Times read from a column: UTC (NaT where unreadable) and, per cell, why a Jalali-looking date is not a day."""

    at: pd.Series
    not_a_day: pd.Series       # "" where fine; e.g. "1404 is not a leap year: Esfand has 29 days"


def _arrow(s: pd.Series) -> pa.Array:
    """The texts as one Arrow array, a missing cell as an empty text (no time given)."""
    arr = pa.array(s.astype(str))
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    return pc.fill_null(arr, "") if arr.null_count else arr


def clean(arr: pa.Array) -> pa.Array:
    """ASCII digits, no bidi marks, plain spaces, outer spaces gone: what the patterns read.

    Done in Arrow, each step only when some text needs it: all-ASCII stamps (ISO) are only trimmed.
    """
    if pc.all(pc.string_is_ascii(arr)).as_py() is not False:
        return pc.utf8_trim_whitespace(arr)
    if pc.any(pc.match_substring_regex(arr, _BIDI)).as_py():
        arr = pc.replace_substring_regex(arr, _BIDI, "")
    if pc.any(pc.match_substring(arr, "\u00a0")).as_py():
        arr = pc.replace_substring(arr, "\u00a0", " ")
    return pc.utf8_trim_whitespace(_ascii_digits(arr))


def _ascii_digits(arr: pa.Array) -> pa.Array:
    """Persian (U+06F0-06F9) and Arabic-Indic (U+0660-0669) digits as ASCII, in one pass over the UTF-8 bytes.

    Each such digit is two bytes, a lead byte (0xDB, 0xD9) and one of ten next ones: the lead
    becomes the ASCII digit, the next byte is dropped and the offsets move back to match.
    """
    arr = arr.cast(pa.large_string())
    if arr.offset:                                  # a slice: copied, so its buffers start where it does
        arr = pa.concat_arrays([arr])
    validity, offsets, data = arr.buffers()
    if data is None or not len(arr):
        return arr
    raw = np.frombuffer(data, dtype=np.uint8)[:-1]
    after = np.frombuffer(data, dtype=np.uint8)[1:]
    found = []
    for lead, zero in ((0xDB, 0xB0), (0xD9, 0xA0)):              # Persian, Arabic-Indic
        at = np.flatnonzero(raw == lead)
        at = at[(after[at] >= zero) & (after[at] <= zero + 9)]
        found.append((at, zero))
    if not any(len(at) for at, _ in found):
        return arr
    out = np.frombuffer(data, dtype=np.uint8).copy()
    for at, zero in found:
        out[at] = 0x30 + out[at + 1] - zero
    gone = np.sort(np.concatenate([at + 1 for at, _ in found]))
    ends = np.frombuffer(offsets, dtype=np.int64)[:len(arr) + 1]
    moved = ends - np.searchsorted(gone, ends)
    out = np.delete(out, gone)
    return pa.Array.from_buffers(pa.large_string(), len(arr), [validity, pa.py_buffer(moved), pa.py_buffer(out)])


def distinct(arr: pa.Array) -> tuple[np.ndarray | None, pa.Array]:
    """The distinct texts and each cell's position among them; (None, all texts) when a sample says most differ.

    Exports repeat their stamps (to the minute, or a whole batch at once), so reading each once
    pays; a log stamped to the second hardly repeats, and hashing it would cost more than it saves.
    """
    sample = arr.slice(0, DISTINCT_SAMPLE)
    if len(arr) > 2 * DISTINCT_SAMPLE and pc.count_distinct(sample).as_py() > len(sample) // 2:
        return None, arr
    encoded = pc.dictionary_encode(arr)
    return encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary


def _extract(norm: pa.Array) -> pd.DataFrame:
    """The Jalali pattern's parts of each text: numbers (NaN where absent or not matched), AM/PM, zone text."""
    found = pc.extract_regex(norm, _JALALI)
    out: dict[str, np.ndarray] = {}
    for name in ("y", "m", "d", "H", "M", "S"):
        part = pc.struct_field(found, name)
        part = pc.if_else(pc.equal(part, ""), pa.scalar(None, pa.string()), part)
        out[name] = pc.cast(part, pa.float64()).to_numpy(zero_copy_only=False)
    ampm = pc.fill_null(pc.struct_field(found, "ampm"), "")
    out["twelve"] = pc.not_equal(ampm, "").to_numpy(zero_copy_only=False)
    out["pm"] = pc.match_substring_regex(ampm, "^[بpP]").to_numpy(zero_copy_only=False)
    out["zone"] = pc.fill_null(pc.struct_field(found, "zone"), "").to_numpy(zero_copy_only=False)
    return pd.DataFrame(out)


def days_in_month(year: int, month: int) -> int:
    """Days of a Jalali month; Esfand has 30 in a leap year (``jdatetime``'s 33-year rule)."""
    if month == 12 and jdatetime.date(year, 1, 1).isleap():
        return 30
    return jdatetime.j_days_in_month[month - 1]


def _why_not_a_day(y: int, m: int, d: int) -> str:
    if not 1200 <= y <= 1600:            # 1821-2222: beyond, a Gregorian stamp misdeclared as Jalali
        return f"year {y} is not a Jalali year of these times (they are about 1400)"
    if not 1 <= m <= 12:
        return f"month {m} is not a Jalali month (1-12)"
    most = days_in_month(y, m)
    if not 1 <= d <= most:
        leap = f"; {y} is not a leap year" if m == 12 and d == 30 else ""
        return f"day {d} is not in {MONTHS[m - 1].capitalize()}, which has {most} days{leap}"
    return ""


def _days(p: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Gregorian midnight of each Jalali day and the reason where there is no such day, once per distinct day."""
    y, m, d = (p[k].to_numpy().astype(np.int64) for k in ("y", "m", "d"))
    codes, uniques = pd.factorize(y * 10_000 + m * 100 + d)
    why, days = [], []
    for day in uniques.tolist():
        parts = (day // 10_000, day // 100 % 100, day % 100)
        why.append(_why_not_a_day(*parts))
        days.append(jdatetime.date(*parts).togregorian() if not why[-1] else None)
    return pd.to_datetime(days).to_numpy()[codes], np.array(why, dtype=object)[codes]


def _seconds(p: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Seconds since midnight on the 24-hour clock, and the reason where the time of day is impossible."""
    hour, minute, second = (np.nan_to_num(p[k].to_numpy()) for k in ("H", "M", "S"))
    twelve, pm = p["twelve"].to_numpy(), p["pm"].to_numpy()
    clock = np.where(twelve, hour % 12 + np.where(pm, 12, 0), hour)
    why = np.full(len(p), "", dtype=object)
    why[twelve & ((hour < 1) | (hour > 12))] = "an hour with AM/PM (ق.ظ/ب.ظ) is 1-12"
    why[~twelve & (hour > 23)] = "the hour is 0-23"
    why[(minute > 59) | (second >= 60)] = "minutes and seconds are 0-59"
    return clock * 3600 + minute * 60 + second, why


def _offsets(zone: pd.Series) -> pd.Series:
    """Minutes east of UTC of each zone text that names one (Z, UTC and GMT alone are 0)."""
    parts = zone.str.strip().str.upper().str.extract(_OFFSET)
    minutes = pd.to_numeric(parts["h"], errors="coerce") * 60 + pd.to_numeric(parts["m"], errors="coerce").fillna(0)
    return minutes.where(parts["sign"] != "-", -minutes).fillna(0.0)


def to_utc(local: pd.Series, tz: str) -> pd.Series:
    """Naive wall-clock times of ``tz`` as UTC; a repeated hour (clocks back) is its first pass, a skipped one moves on."""
    if tz == "UTC":
        return local.dt.tz_localize("UTC")
    first = np.ones(len(local), dtype=bool)
    return local.dt.tz_localize(tz, ambiguous=first, nonexistent="shift_forward").dt.tz_convert("UTC")


def _jalali(p: pd.DataFrame, tz: str) -> Stamps:
    """UTC times of matched Jalali parts (one row per distinct cell), with the reason where there is no such day."""
    days, why = _days(p)
    seconds, why_time = _seconds(p)
    why = np.where(why != "", why, why_time)
    ok = why == ""
    at = pd.Series(pd.NaT, index=p.index, dtype="datetime64[ns, UTC]")
    if ok.any():
        local = pd.Series(days[ok] + pd.to_timedelta(seconds[ok], unit="s").to_numpy(), index=p.index[ok])
        zone = p.loc[ok, "zone"]
        zoned = (zone != "").to_numpy()
        done = pd.Series(pd.NaT, index=local.index, dtype="datetime64[ns, UTC]")
        if zoned.any():
            shift = pd.to_timedelta(_offsets(zone[zoned]), unit="min")
            done[zoned] = (local[zoned] - shift).dt.tz_localize("UTC")
        if (~zoned).any():
            done[~zoned] = to_utc(local[~zoned], tz)
        at[ok] = done
    return Stamps(at, pd.Series(why, index=p.index, dtype=object))


def _gregorian(text: pd.Series, norm: pa.Array, tz: str, other: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``other``'s UTC times, re-read as ``tz`` wall-clock times where the cell named no zone of its own."""
    at = other(text)
    if at.dtype != "datetime64[ns, UTC]":
        if at.min() < _NS_RANGE[0] or at.max() > _NS_RANGE[1]:   # a far year (1299): kept far, so the window rejects it
            at = at.clip(_NS_RANGE[0], _NS_RANGE[1])
        at = at.astype("datetime64[ns, UTC]")
    if tz == "UTC":
        return at
    zoned = pc.match_substring_regex(norm, _HAS_ZONE).to_numpy(zero_copy_only=False)
    naive = at.notna() & ~zoned
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
    codes, uniques = distinct(_arrow(s))
    text = pd.Series(pd.arrays.ArrowStringArray(uniques.cast(pa.large_string())))
    norm = clean(uniques)
    at = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
    why = pd.Series("", index=text.index, dtype=object)
    jalali = _candidates(norm, dates)
    if jalali.any():
        parts = _extract(pc.filter(norm, pa.array(jalali)))
        year = parts["y"].to_numpy()
        found = np.isfinite(year) & ((dates == "jalali") | ((year >= JALALI_YEARS[0]) & (year <= JALALI_YEARS[1])))
        jalali[np.flatnonzero(jalali)[~found]] = False
        if found.any():
            got = _jalali(parts[found].set_axis(text.index[jalali]), tz)
            at[jalali], why[jalali] = got.at, got.not_a_day
    rest = ~jalali & pc.not_equal(norm, "").to_numpy(zero_copy_only=False)
    if rest.any():
        at[rest] = _gregorian(text[rest], pc.filter(norm, pa.array(rest)), tz, other or parse_times)
    if codes is None:
        return Stamps(at.set_axis(s.index), why.set_axis(s.index))
    utc = at.to_numpy(dtype="datetime64[ns]")[codes]          # spread back as numbers, not Timestamp objects
    return Stamps(pd.Series(utc, index=s.index).dt.tz_localize("UTC"),
                  pd.Series(why.to_numpy()[codes], index=s.index, dtype=object))


def _candidates(norm: pa.Array, dates: str) -> np.ndarray:
    """Which texts may be Jalali: all when declared, those opening with 13 or 14 for auto (a cheap test first)."""
    if dates == "gregorian":
        return np.zeros(len(norm), dtype=bool)
    if dates == "jalali":
        return np.ones(len(norm), dtype=bool)
    return pc.or_(pc.starts_with(norm, "13"), pc.starts_with(norm, "14")).to_numpy(zero_copy_only=False)
