"""Jalali and Gregorian date-times read into UTC: known day pairs, digits, AM/PM words, zones, impossible days."""

from __future__ import annotations

import pandas as pd
import pytest

from kit.core import calendars, periods

# Jalali day = Gregorian day, from the Iranian calendar (Nowruz, month ends, leap Esfands, new years)
PAIRS = [
    ("1403/01/01", "2024-03-20"),   # Nowruz 1403
    ("1404/01/01", "2025-03-21"),   # Nowruz 1404
    ("1403/12/30", "2025-03-20"),   # 1403 is a leap year: Esfand has 30 days
    ("1402/01/01", "2023-03-21"),
    ("1401/01/01", "2022-03-21"),
    ("1400/01/01", "2021-03-21"),
    ("1399/01/01", "2020-03-20"),
    ("1399/12/30", "2021-03-20"),   # 1399 is a leap year too
    ("1398/01/01", "2019-03-21"),
    ("1402/06/31", "2023-09-22"),   # last day of the 31-day months
    ("1402/07/30", "2023-10-22"),   # last day of Mehr (30 days)
    ("1402/12/29", "2024-03-19"),   # last day of a common Esfand
    ("1400/12/29", "2022-03-20"),
    ("1404/12/29", "2026-03-20"),
    ("1404/06/31", "2025-09-22"),
    ("1404/07/01", "2025-09-23"),
    ("1404/07/12", "2025-10-04"),
    ("1403/04/01", "2024-06-21"),
    ("1401/04/01", "2022-06-22"),
    ("1402/10/11", "2024-01-01"),
    ("1403/10/11", "2024-12-31"),
    ("1403/10/12", "2025-01-01"),
    ("1357/11/22", "1979-02-11"),
    ("1300/01/01", "1921-03-21"),   # the first year auto-detection reads as Jalali
]
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _read(*cells: str, **kw: str) -> calendars.Stamps:
    return calendars.read_times(pd.Series(list(cells), dtype=str), **kw)


@pytest.mark.parametrize(("jalali", "gregorian"), PAIRS)
def test_known_days_in_every_digit_set(jalali: str, gregorian: str) -> None:
    want = pd.Timestamp(gregorian, tz="UTC")
    cells = [jalali, jalali.translate(PERSIAN), jalali.translate(ARABIC), jalali.replace("/", "-")]
    got = _read(*cells)
    assert got.at.tolist() == [want] * 4
    assert (got.not_a_day == "").all()


def test_gregorian_days_back_to_jalali_keys() -> None:
    for jalali, gregorian in PAIRS:
        assert periods.key(pd.Timestamp(gregorian), "W", "jalali") == jalali.replace("/", "-")


@pytest.mark.parametrize(("cell", "clock"), [
    ("1404/07/12 14:30", "14:30:00"),
    ("۱۴۰۴/۰۷/۱۲ ۱۴:۳۰:۰۵", "14:30:05"),
    ("1404/07/12 02:15 ب.ظ", "14:15:00"),
    ("1404/07/12 02:15 ب.ظ.", "14:15:00"),
    ("1404/07/12 12:05 ق.ظ", "00:05:00"),      # 12 in the morning is just after midnight
    ("1404/07/12 12:05 ق.ظ.", "00:05:00"),
    ("1404/07/12 12:05 ب.ظ", "12:05:00"),      # 12 in the afternoon is noon
    ("1404/07/12 09:00 ق.ظ", "09:00:00"),
    ("1404/07/12 09:00 PM", "21:00:00"),
    ("\u200f۱۴۰۴/۰۷/۱۲ ۰۹:۰۰ ب.ظ", "21:00:00"),   # a right-to-left mark copied from a spreadsheet
])
def test_times_of_day_and_am_pm_words(cell: str, clock: str) -> None:
    assert _read(cell).at.iloc[0] == pd.Timestamp(f"2025-10-04 {clock}", tz="UTC")


@pytest.mark.parametrize(("cell", "why"), [
    ("1404/12/30", "day 30 is not in Esfand, which has 29 days; 1404 is not a leap year"),
    ("1403/13/01", "month 13 is not a Jalali month (1-12)"),
    ("1403/00/10", "month 0 is not a Jalali month (1-12)"),
    ("1402/07/31", "day 31 is not in Mehr, which has 30 days"),
    ("1402/01/32", "day 32 is not in Farvardin, which has 31 days"),
    ("1402/01/00", "day 0 is not in Farvardin, which has 31 days"),
    ("1402/01/05 13:00 ب.ظ", "an hour with AM/PM (ق.ظ/ب.ظ) is 1-12"),
    ("1402/01/05 24:00", "the hour is 0-23"),
    ("1402/01/05 10:61", "minutes and seconds are 0-59"),
])
def test_impossible_days_and_times_have_a_reason(cell: str, why: str) -> None:
    got = _read(cell)
    assert got.at.isna().all()
    assert got.not_a_day.iloc[0] == why


def test_auto_detection_by_year_range_and_declared_calendars() -> None:
    cells = ["1499/12/29", "1300/01/01", "2024/03/20", "2024-03-20T10:00:00Z", "1299/01/01", ""]
    auto = _read(*cells)
    assert auto.at.iloc[0] == pd.Timestamp("2121-03-20", tz="UTC")
    assert auto.at.iloc[1] == pd.Timestamp("1921-03-21", tz="UTC")
    assert auto.at.iloc[2] == pd.Timestamp("2024-03-20", tz="UTC")            # a Gregorian year: left to pandas
    assert auto.at.iloc[3] == pd.Timestamp("2024-03-20T10:00:00Z")
    assert auto.at.iloc[4] < pd.Timestamp("1700-01-01", tz="UTC")            # 1299 is neither: a Gregorian year, far off
    assert pd.isna(auto.at.iloc[5])
    gregorian = _read("1403/01/01", dates="gregorian")
    assert gregorian.at.iloc[0] < pd.Timestamp("1700-01-01", tz="UTC")       # Gregorian year 1403: the window rejects it
    assert (gregorian.not_a_day == "").all()
    assert _read("1299/12/29", dates="jalali").at.iloc[0] == pd.Timestamp("1921-03-20", tz="UTC")
    declared = _read("2024-03-20T10:00:00Z", dates="jalali")
    assert declared.at.isna().all() and declared.not_a_day.iloc[0].startswith("year 2024 is not a Jalali year")
    with pytest.raises(ValueError, match="dates must be one of"):
        _read("1403/01/01", dates="persian")


def test_stamps_without_a_zone_are_in_the_project_zone() -> None:
    cells = ["1404/07/12 14:30", "2025-10-04 14:30", "2025-10-04T14:30:00+02:00", "2025-10-04T14:30:00Z",
             "1404/07/12 14:30 +03:30", "1404/07/12 14:30 GMT+2", "2021-06-01 12:00"]
    got = _read(*cells, tz="Asia/Tehran").at
    assert got.iloc[0] == pd.Timestamp("2025-10-04 11:00", tz="UTC")     # Tehran is UTC+03:30
    assert got.iloc[1] == pd.Timestamp("2025-10-04 11:00", tz="UTC")
    assert got.iloc[2] == pd.Timestamp("2025-10-04 12:30", tz="UTC")     # a zone of its own is kept
    assert got.iloc[3] == pd.Timestamp("2025-10-04 14:30", tz="UTC")
    assert got.iloc[4] == pd.Timestamp("2025-10-04 11:00", tz="UTC")
    assert got.iloc[5] == pd.Timestamp("2025-10-04 12:30", tz="UTC")
    assert got.iloc[6] == pd.Timestamp("2021-06-01 07:30", tz="UTC")     # Tehran kept summer time (+04:30) until 2022
    assert _read("1404/07/12 14:30").at.iloc[0] == pd.Timestamp("2025-10-04 14:30", tz="UTC")   # UTC by default


def test_a_vendor_reader_gets_the_gregorian_cells_and_the_zone_applies() -> None:
    seen: list[list[str]] = []

    def vendor(s: pd.Series) -> pd.Series:
        seen.append(s.tolist())
        return pd.to_datetime(s, format="%m/%d/%Y %H:%M", errors="coerce", utc=True)

    got = _read("10/04/2025 14:30", "1404/07/12 14:30", "10/04/2025 14:30", tz="Asia/Tehran", other=vendor)
    assert seen == [["10/04/2025 14:30"]]                                  # each distinct text read once
    assert got.at.tolist() == [pd.Timestamp("2025-10-04 11:00", tz="UTC")] * 3


def test_repeated_stamps_are_converted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = calendars._jalali

    def counting(p: pd.DataFrame, tz: str) -> calendars.Stamps:
        calls.append(len(p))
        return real(p, tz)

    monkeypatch.setattr(calendars, "_jalali", counting)
    got = _read(*(["1404/07/12 14:30", "۱۴۰۴/۰۷/۱۲ ۱۴:۳۰"] * 500))
    assert calls == [2] and got.at.nunique() == 1 and len(got.at) == 1000


def test_missing_and_empty_cells_are_no_time_and_no_reason() -> None:
    got = calendars.read_times(pd.Series(["1404/07/12", None, pd.NA, ""], dtype=object))
    assert got.at.iloc[0] == pd.Timestamp("2025-10-04", tz="UTC") and got.at.iloc[1:].isna().all()
    assert got.not_a_day.tolist() == ["", "", "", ""]
    assert len(calendars.read_times(pd.Series([], dtype=str)).at) == 0


def test_mostly_distinct_stamps_are_read_without_hashing_and_agree() -> None:
    stamps = pd.Series(pd.date_range("2025-09-01", periods=30_000, freq="37s").strftime("%Y-%m-%d %H:%M:%S"))
    codes, texts = calendars.distinct(calendars._arrow(stamps))
    assert codes is None and len(texts) == len(stamps)
    repeated = pd.concat([stamps.iloc[:100]] * 300, ignore_index=True)
    codes, texts = calendars.distinct(calendars._arrow(repeated))
    assert codes is not None and len(texts) == 100
    for column in (stamps, repeated):
        got = calendars.read_times(column, tz="Asia/Tehran").at
        want = pd.to_datetime(column).dt.tz_localize("Asia/Tehran").dt.tz_convert("UTC")
        assert (got == want).all()


def test_digits_become_ascii_in_slices_and_next_to_persian_words() -> None:
    import pyarrow as pa
    texts = pa.array(["۱۴۰۴/۰۷/۱۲ ۰۲:۱۵ ب.ظ", "٢٠٢٤-٠٣-٢٠", "abc", None, "\u200f۱۴۰۴/۰۱/۰۱ ق.ظ", "قیمت ۹"])
    assert calendars.clean(texts.slice(1)).to_pylist() == ["2024-03-20", "abc", None, "1404/01/01 ق.ظ", "قیمت 9"]
    assert calendars.clean(texts.slice(0, 1)).to_pylist() == ["1404/07/12 02:15 ب.ظ"]
