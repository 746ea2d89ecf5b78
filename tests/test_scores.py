"""Scores and their intervals, checked against values worked out by hand."""

from __future__ import annotations

import math

import pandas as pd

from kit import scores


def test_nps_value_and_trinomial_interval() -> None:
    s = pd.Series([10] * 50 + [0] * 30 + [8] * 20)       # 50% promoters, 30% detractors
    r = scores.nps(s)
    assert r["n"] == 100 and math.isclose(r["value"], 20.0)
    se = math.sqrt((0.5 + 0.3 - 0.2**2) / 100)
    assert math.isclose(r["lo"], 100 * (0.2 - scores.Z95 * se))
    assert math.isclose(r["hi"], 100 * (0.2 + scores.Z95 * se))


def test_nps_ignores_missing_and_clamps_interval() -> None:
    r = scores.nps(pd.Series([10, 10, None], dtype="Int8"))
    assert r["n"] == 2 and r["value"] == 100.0 and r["hi"] == 100.0


def test_small_groups_are_flagged_not_dropped() -> None:
    df = pd.DataFrame({"stage": ["a"] * 40 + ["b"] * 5, "nps": [9] * 45, "csat": [5] * 45, "ces": [2] * 45})
    t = scores.by_group(df, "stage", min_n=30, order=["b", "a"])
    assert list(t["stage"]) == ["b", "a"]
    assert list(t["too_few"]) == [True, False]


def test_contact_bands_join_by_customer() -> None:
    at = pd.Timestamp("2026-07-01", tz="UTC")
    contacts = pd.DataFrame({
        "customer_id": ["heavy"] * 40 + ["light"] * 2,
        "at": [at + pd.Timedelta(hours=i) for i in range(40)] + [at, at + pd.Timedelta(days=6)],
        "direction": "outbound"})
    responses = pd.DataFrame({"customer_id": ["heavy", "light"], "nps": [0, 10]})
    bands = scores.contact_bands(contacts, responses).set_index("band")
    assert bands.loc["28+", "nps"] == -100.0
    assert bands.loc["0–3", "nps"] == 100.0
    assert bands["customers"].sum() == 2
