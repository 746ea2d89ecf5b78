"""Trends in the project's calendar: Jalali months and Saturday weeks with Persian labels, Gregorian as before."""

from __future__ import annotations

import pandas as pd
import pytest

from kit.analysis import headline, scores
from kit.core import periods
from kit.steps import gallery

# Answers around the Shahrivar/Mehr 1404 boundary (Mehr 1 = 2025-09-23) and into Aban (Aban 1 = 2025-10-23)
ANSWERS = pd.DataFrame({
    "submitted_at": pd.to_datetime([
        "2025-09-10T08:00Z",        # 19 Shahrivar
        "2025-09-22T20:00Z",        # 23:30 in Tehran: still 31 Shahrivar; in UTC too
        "2025-09-22T21:00Z",        # 00:30 on 1 Mehr in Tehran, though still 22 September in UTC
        "2025-10-04T10:00Z",        # 12 Mehr, a Saturday
        "2025-10-22T19:00Z",        # 22:30 on 30 Mehr in Tehran
        "2025-10-23T06:00Z",        # 1 Aban
    ], utc=True),
    "nps": [10, 0, 9, 10, 6, 10], "csat": [5, 1, 4, 5, 3, 5], "ces": [7, 1, 5, 6, 4, 7]})


def test_jalali_months_in_tehran_time_with_persian_labels() -> None:
    t = gallery.trend(ANSWERS, calendar="jalali", tz="Asia/Tehran", lang="fa")
    assert t["calendar"] == "jalali"
    got = [(p["key"], p["label"], p["period"], p["responses"]) for p in t["periods"]]
    assert got == [("1404-06", "شهریور ۱۴۰۴", "2025-08-23", 2),
                   ("1404-07", "مهر ۱۴۰۴", "2025-09-23", 3),
                   ("1404-08", "آبان ۱۴۰۴", "2025-10-23", 1)]
    mehr = t["periods"][1]
    assert mehr["nps"] == pytest.approx(100 * (2 / 3 - 1 / 3), abs=1e-3)   # 9, 10, 6: two promoters, one detractor


def test_the_same_answers_by_gregorian_month_in_utc_stay_as_before() -> None:
    t = gallery.trend(ANSWERS)
    assert [(p["period"], p["key"], p["label"], p["responses"]) for p in t["periods"]] == [
        ("2025-09-01", "2025-09", "2025-09", 3), ("2025-10-01", "2025-10", "2025-10", 3)]
    late = pd.DataFrame({"submitted_at": pd.to_datetime(["2025-09-30T21:00Z"], utc=True), "nps": [10], "csat": [5], "ces": [7]})
    assert gallery.trend(late)["periods"][0]["period"] == "2025-09-01"
    assert gallery.trend(late, tz="Asia/Tehran")["periods"][0]["period"] == "2025-10-01"   # 00:30 on 1 October there


def test_jalali_weeks_start_on_saturday() -> None:
    week = periods.starts(ANSWERS["submitted_at"], "W", "jalali", "Asia/Tehran")
    assert set(week.dt.dayofweek) == {5}                                   # pandas: Monday 0 ... Saturday 5
    assert periods.starts(ANSWERS["submitted_at"], "W", "gregorian").dt.dayofweek.eq(0).all()
    table = scores.by_period(ANSWERS, "W", calendar="jalali", tz="Asia/Tehran", lang="fa")
    assert table["key"].tolist() == ["1404-06-15", "1404-06-29", "1404-07-12", "1404-07-26"]
    assert table["label"].iloc[2] == "هفتهٔ ۱۲ مهر ۱۴۰۴"
    assert table["period"].iloc[2] == pd.Timestamp("2025-10-04")
    assert table["nps_n"].sum() == len(ANSWERS)


def test_english_labels_of_jalali_periods_and_bad_arguments() -> None:
    mehr = pd.Timestamp("2025-09-23")
    assert periods.label(mehr, "M", "jalali", "en") == "Mehr 1404"
    assert periods.label(mehr, "W", "jalali", "en") == "week of 1 Mehr 1404"
    assert periods.label(mehr, "M", "gregorian", "fa") == "۲۰۲۵-۰۹"
    with pytest.raises(ValueError, match="calendar must be"):
        periods.starts(ANSWERS["submitted_at"], "M", "lunar")
    with pytest.raises(ValueError, match="freq must be"):
        periods.starts(ANSWERS["submitted_at"], "Q", "jalali")


def test_no_answers_no_periods() -> None:
    empty = ANSWERS.iloc[:0]
    assert gallery.trend(empty, calendar="jalali")["periods"] == []
    assert scores.by_period(empty, "W", calendar="jalali").empty


def test_headline_words_a_jalali_trend_in_its_own_months() -> None:
    summary = {"trend": gallery.trend(ANSWERS, calendar="jalali", tz="Asia/Tehran", lang="fa")}
    move = headline.score_move(summary, "nps")
    assert move is not None and (move["since"], move["until"]) == ("1404-06", "1404-08")
    assert headline.period_text(move["since"], move["freq"], "fa") == "شهریور ۱۴۰۴"
    assert headline.period_text("1404-07-12", "W", "en") == "week of 12 Mehr 1404"
    assert periods.start_of("1404-07") == pd.Timestamp("2025-09-23")
    gregorian = headline.score_move({"trend": gallery.trend(ANSWERS)}, "nps")
    assert gregorian is not None and headline.period_text(gregorian["since"], "M", "en") == "September 2025"
