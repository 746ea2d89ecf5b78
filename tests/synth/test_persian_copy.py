"""The Persian copy of a project is written the way an Iranian team's files arrive, and loses nothing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from kit.core.errors import ProjectError
from kit.synth.persian import jalali, persian_copy

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def test_jalali_stamps_are_tehran_wall_clock_in_the_jalali_calendar() -> None:
    # 2026-03-20 20:30 UTC is 00:00 on 1 Farvardin 1405 in Tehran (UTC+3:30, no summer time since 2022)
    stamps = pd.Series(["2026-03-20T20:30:00Z", "2026-08-22T02:44:29Z", ""])
    assert list(jalali(stamps, "%Y/%m/%d", ampm=True)) == ["1405/01/01 12:00 ق.ظ", "1405/05/31 06:14 ق.ظ", ""]
    assert jalali(stamps[:1], "%Y/%m/%d %H:%M:%S", digits="persian")[0] == "۱۴۰۵/۰۱/۰۱ ۰۰:۰۰:۰۰"


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return persian_copy(SAMPLE, tmp_path_factory.mktemp("fa") / "p")


def test_the_survey_is_a_windows_1256_export_with_arabic_yeh_and_every_row(copy: Path) -> None:
    raw = (copy / "surveys" / "q3_responses.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1256")
    header = text.splitlines()[0]
    assert "تاريخ" in header and "كد مشتري" in header and "ی" not in text    # Excel's code page has no Persian yeh
    persian = pd.read_csv(copy / "surveys" / "q3_responses.csv", encoding="cp1256", dtype=str)
    english = pd.read_csv(SAMPLE / "surveys" / "q3_responses.csv", dtype=str)
    assert len(persian) == len(english)
    assert persian["تاريخ"].str.match(r"^14\d\d/\d\d/\d\d \d\d:\d\d (ق|ب)\.ظ$").all()


def test_project_yaml_is_typed_in_persian_and_names_what_the_files_hold(copy: Path) -> None:
    config = yaml.safe_load((copy / "project.yaml").read_text(encoding="utf-8"))
    assert config["ui_language"] == "fa" and config["timezone"] == "Asia/Tehran"
    assert "مربی‌گری" in config["journey"]["stages"] and "وب‌سایت" in config["channels"]     # with ZWNJ
    assert config["surveys"][0]["columns"]["submitted_at"] == "تاریخ"                   # Persian yeh
    contacts = pd.read_csv(copy / "contacts.csv", dtype=str)
    assert contacts["at"].str.match(r"^[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2} ").all()
    assert set(contacts["channel"]) <= set(config["channels"])


def test_it_never_writes_over_a_folder_with_files(copy: Path) -> None:
    with pytest.raises(ProjectError, match="not empty"):
        persian_copy(SAMPLE, copy)
