"""The contact log: validated chunk by chunk, every row accounted for, aggregated by DuckDB to hand-checked numbers."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from kit.analysis import contact_log
from kit.core import project
from kit.core.rejects import RejectLog
from kit.evidence import contacts, social

YAML = """\
name: T
journey: {stages: [purchase, support]}
channels: [email, app, phone]
contacts: contacts.csv
social: social.csv
"""
# A: 3 outbound e-mails over exactly 14 days (1.5 a week), one complaint by phone, then cancels.
# B: 2 outbound app messages on one day (a span under a week counts as a week: 2 a week); buys in the app
#    (the website row is rejected: website is not a channel of this project).
# C: inbound only (no outbound: no weekly volume).
CSV = """customer_id,at,channel,direction,kind,cost,outcome
A,2026-07-01T08:00:00Z,email,outbound,meal_plan,0.01,delivered
A,2026-07-08 08:00:00+03:30,email,outbound,guide,0.01,opened
A,2026-07-15T08:00:00,Email,Outbound,reminder,0.01,ignored
A,2026-07-16T09:00:00Z,phone,inbound,complaint,2.5,unresolved
A,2026-07-20T09:00:00Z,phone,inbound,cancellation,1.5,cancelled
B,2026-07-02T10:00:00Z,app,outbound,reminder,0.001,ignored
B,2026-07-02T18:00:00Z,app,outbound,reminder,0.001,ignored
B,2026-07-03T18:00:00Z,website,inbound,purchase,0,purchased
B,2026-07-04T18:00:00Z,app,inbound,purchase,0,purchased
C,2026-07-05T12:00:00Z,phone,inbound,support_request,,resolved
,2026-07-05T12:00:00Z,phone,inbound,support_request,1,resolved
D,yesterday,email,sideways,x,-1,
"""
SOCIAL = """at,platform,author,text,likes,shares
2026-07-01T01:00:00Z,x,@a,Too many messages from jane@example.com,3,0
2026-07-02,reddit,@b,,1,0
not a time,x,@c,hello,0,0
"""


@pytest.fixture
def proj(tmp_path: Path) -> project.Project:
    (tmp_path / "project.yaml").write_text(YAML, encoding="utf-8")
    (tmp_path / "contacts.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "social.csv").write_text(SOCIAL, encoding="utf-8")
    return project.load(tmp_path)


@pytest.fixture
def stored(proj: project.Project, tmp_path: Path) -> tuple[Path, contacts.Counts, RejectLog]:
    rejects = RejectLog("ingest")
    out = tmp_path / "run" / "data" / "contacts.parquet"
    return out, contacts.read_contacts(proj, out, rejects), rejects


def test_rows_in_equal_accepted_plus_rejected_with_reasons(stored: tuple[Path, contacts.Counts, RejectLog]) -> None:
    out, counts, rejects = stored
    assert counts.as_dict() == {"in": 12, "accepted": 9, "rejected": 3}
    frame = rejects.frame()
    by_row = dict(zip(frame["locator"], frame["reason"], strict=True))
    assert set(by_row) == {"row 9", "row 12", "row 13"}           # header is row 1
    assert "column 'channel': 'website'" in by_row["row 9"]
    assert "column 'customer_id' is empty" in by_row["row 12"]
    for column in ("'at'", "'direction'", "'cost'"):
        assert f"column {column}" in by_row["row 13"]
    assert set(frame["source_file"]) == {"contacts.csv"}
    assert len(pd.read_parquet(out)) == 9


def test_times_with_and_without_zones_become_utc(stored: tuple[Path, contacts.Counts, RejectLog]) -> None:
    table = pd.read_parquet(stored[0]).set_index("source_row")
    assert table.loc[3, "at"] == pd.Timestamp("2026-07-08T04:30:00Z")     # 08:00 at +03:30
    assert table.loc[4, "at"] == pd.Timestamp("2026-07-15T08:00:00Z")     # no zone: taken as UTC
    assert table.loc[4, "channel"] == "email" and table.loc[4, "direction"] == "outbound"


def test_customer_aggregates_match_a_hand_count(stored: tuple[Path, contacts.Counts, RejectLog]) -> None:
    c = contact_log.customer_contacts(stored[0]).set_index("customer_id")
    # A: 3 outbound between 07-01 08:00 and 07-15 08:00 = 14 days = 2 weeks -> 1.5 a week
    assert c.loc["A", "outbound"] == 3
    assert c.loc["A", "per_week"] == pytest.approx(1.5)
    assert (c.loc["A", "complaints"], bool(c.loc["A", "left_us"]), bool(c.loc["A", "purchased"])) == (1, True, False)
    assert (c.loc["A", "first_channel"], c.loc["A", "last_kind"]) == ("email", "cancellation")
    assert c.loc["B", "per_week"] == pytest.approx(2.0)                  # span under a week counts as one week
    assert bool(c.loc["B", "purchased"]) and not bool(c.loc["B", "left_us"])
    assert c.loc["B", "last_at"] == pd.Timestamp("2026-07-04T18:00:00Z")
    assert math.isnan(c.loc["C", "per_week"]) and c.loc["C", "inbound"] == 1


def test_weekly_volume_is_the_same_measure_as_the_survey_module(stored: tuple[Path, contacts.Counts, RejectLog]) -> None:
    events = pd.read_parquet(stored[0])
    expected = contact_log.weekly_outbound(events)
    got = contact_log.customer_contacts(stored[0]).dropna(subset=["per_week"]).set_index("customer_id")["per_week"]
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False)


def test_channel_aggregates_match_a_hand_count(stored: tuple[Path, contacts.Counts, RejectLog]) -> None:
    ch = contact_log.channel_contacts(stored[0]).set_index("channel")
    assert ch.loc["email", ["contacts", "inbound", "outbound", "customers"]].tolist() == [3, 0, 3, 1]
    assert ch.loc["phone", ["contacts", "inbound", "complaints", "customers"]].tolist() == [3, 3, 1, 2]
    assert ch.loc["phone", "cost"] == pytest.approx(4.0) and ch.loc["phone", "costed"] == 2   # C's cost is blank
    assert ch.loc["app", "purchases"] == 1


def test_social_posts_redacted_and_rejects_located(proj: project.Project) -> None:
    rejects = RejectLog("ingest")
    posts, counts = social.read_social(proj, rejects)
    assert counts.as_dict() == {"in": 3, "accepted": 1, "rejected": 2}
    assert "jane@example.com" not in posts["text"].iloc[0]
    assert sorted(rejects.frame()["locator"]) == ["row 3", "row 4"]
