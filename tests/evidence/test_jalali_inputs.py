"""A Persian project's exports read end to end: Jalali stamps in Tehran time stored in UTC, impossible days rejected."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kit.core import project
from kit.core.errors import ProjectError
from kit.core.rejects import RejectLog
from kit.evidence import contacts, social, surveys

YAML = """\
name: فروشگاه
ui_language: fa
languages: [fa]
timezone: Asia/Tehran
journey: {stages: [purchase, support]}
channels: [app, phone]
surveys:
  - path: nazar.csv
    columns: {response_id: شناسه, submitted_at: زمان, nps: امتیاز}
  - path: iso.csv
    dates: gregorian
    columns: {response_id: id, submitted_at: at, nps: nps}
contacts: contacts.csv
social: social.csv
"""
# A Persian survey tool's export: Persian digits, Persian AM/PM words, one stamp with its own zone
SURVEY = """شناسه,زمان,امتیاز
r1,۱۴۰۴/۰۷/۱۲ ۱۴:۳۰,۹
r2,۱۴۰۴/۰۷/۱۲ ۰۲:۳۰ ب.ظ,۱۰
r3,1403/12/30 12:15 ق.ظ.,3
r4,١٤٠٤/٠١/٠١,7
r5,1404/12/30 10:00,8
r6,1404/13/01 10:00,8
r7,1404-07-12T14:30:00+03:30,6
"""
# Declared Gregorian: a Jalali-looking stamp is then a Gregorian year 1404, outside the date window
ISO = """id,at,nps
g1,2025-10-04 14:30,9
g2,1404/07/12 14:30,9
"""
CONTACTS = """customer_id,at,channel,direction,kind,cost,outcome
A,۱۴۰۴/۰۷/۱۲ ۰۹:۰۰ ق.ظ,app,outbound,reminder,0,ignored
A,1402/07/31 10:00,app,outbound,reminder,0,ignored
B,2025-10-04T09:00:00Z,phone,inbound,complaint,1,resolved
"""
SOCIAL = """at,platform,author,text,likes,shares
1403/12/30 23:59,x,@a,خیلی پیام می‌فرستید,1,0
1404/12/30,x,@b,سلام,0,0
"""


@pytest.fixture
def proj(tmp_path: Path) -> project.Project:
    for name, text in (("project.yaml", YAML), ("nazar.csv", SURVEY), ("iso.csv", ISO),
                       ("contacts.csv", CONTACTS), ("social.csv", SOCIAL)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    return project.load(tmp_path)


def _reasons(rejects: RejectLog, file: str) -> dict[str, str]:
    frame = rejects.frame()
    frame = frame[frame["source_file"] == file]
    return dict(zip(frame["locator"], frame["reason"], strict=True))


def test_persian_survey_export_through_ingest(proj: project.Project) -> None:
    rejects = RejectLog("ingest")
    result = surveys.read_surveys(proj, rejects)
    assert result.counts["nazar.csv"] == {"in": 7, "accepted": 5, "rejected": 2}
    at = result.responses.set_index("response_id")["submitted_at"]
    assert at["r1"] == pd.Timestamp("2025-10-04 11:00", tz="UTC")        # 14:30 in Tehran (+03:30)
    assert at["r2"] == pd.Timestamp("2025-10-04 11:00", tz="UTC")        # 02:30 ب.ظ is 14:30
    assert at["r3"] == pd.Timestamp("2025-03-19 20:45", tz="UTC")        # 00:15 on 30 Esfand 1403 (a leap year)
    assert at["r4"] == pd.Timestamp("2025-03-20 20:30", tz="UTC")        # Nowruz 1404 began at midnight in Tehran
    assert at["r7"] == pd.Timestamp("2025-10-04 11:00", tz="UTC")        # a zone of its own
    assert str(at.dtype) == "datetime64[ns, UTC]"
    why = _reasons(rejects, "nazar.csv")
    assert why["row 6"] == ("column 'زمان' (submitted_at): '1404/12/30 10:00' is not a Jalali date: "
                            "day 30 is not in Esfand, which has 29 days; 1404 is not a leap year")
    assert why["row 7"].startswith("column 'زمان' (submitted_at): '1404/13/01 10:00' is not a Jalali date: month 13")


def test_a_survey_declared_gregorian_reads_no_jalali(proj: project.Project) -> None:
    rejects = RejectLog("ingest")
    result = surveys.read_surveys(proj, rejects)
    assert result.counts["iso.csv"] == {"in": 2, "accepted": 1, "rejected": 1}
    g1 = result.responses.set_index("response_id").loc["g1", "submitted_at"]
    assert g1 == pd.Timestamp("2025-10-04 11:00", tz="UTC")              # no zone: Tehran time, per project.yaml
    assert "'1404/07/12 14:30' is " in _reasons(rejects, "iso.csv")["row 3"]


def test_contact_log_and_social_posts_with_jalali_stamps(proj: project.Project, tmp_path: Path) -> None:
    rejects = RejectLog("ingest")
    out = tmp_path / "run" / "contacts.parquet"
    counts = contacts.read_contacts(proj, out, rejects)
    assert counts.as_dict() == {"in": 3, "accepted": 2, "rejected": 1}
    table = pd.read_parquet(out).set_index("source_row")
    assert table.loc[2, "at"] == pd.Timestamp("2025-10-04 05:30", tz="UTC")
    assert table.loc[4, "at"] == pd.Timestamp("2025-10-04 09:00", tz="UTC")
    assert _reasons(rejects, "contacts.csv") == {
        "row 3": "column 'at': '1402/07/31 10:00' is not a Jalali date: day 31 is not in Mehr, which has 30 days"}
    posts, counts = social.read_social(proj, rejects)
    assert counts.as_dict() == {"in": 2, "accepted": 1, "rejected": 1}
    assert posts["at"].iloc[0] == pd.Timestamp("2025-03-20 20:29", tz="UTC")
    assert "'1404/12/30' is not a Jalali date" in _reasons(rejects, "social.csv")["row 3"]


def test_project_dates_setting_is_checked(tmp_path: Path) -> None:
    (tmp_path / "project.yaml").write_text(YAML.replace("contacts: contacts.csv", "dates: shamsi"), encoding="utf-8")
    with pytest.raises(ProjectError, match="dates"):
        project.load(tmp_path)
