"""The journey curve's numbers against hand computations: valence per stage and source, the ideal, gaps, entries and exits."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from kit.analysis import journey
from kit.charts import negative as nc

STAGES = ["purchase", "support"]
IDEAL = {"purchase": {"nps": 50, "csat": 4.5}, "support": {"csat": 4.0}}
RESPONSES = pd.DataFrame({
    "response_id": ["r1", "r2", "r3", "r4"], "customer_id": ["c1", "c2", "c1", "c3"],
    "submitted_at": pd.to_datetime(["2026-07-01", "2026-07-01", "2026-07-05", "2026-07-02"], utc=True),
    "nps": pd.array([9, 3, 2, 5], dtype="Int8"), "stage": ["purchase", "purchase", "support", "support"]})
MOMENTS = pd.DataFrame({
    "moment_id": ["m1", "m2", "m5", "m6", "m3", "m4"],
    "source": ["recording", "recording", "recording", "recording", "photo", "survey"],
    "ref": ["s01", "s01", "s02", "s02", "p1", "r1"], "stage": ["purchase"] * 4 + ["support", "purchase"],
    "valence": [-0.8, -0.4, -0.6, -0.6, 0.5, 1.0]})


def _table(min_n: int = 2) -> pd.DataFrame:
    return journey.journey_table(RESPONSES, MOMENTS, pd.DataFrame(), STAGES, IDEAL, min_n)


def test_ideal_on_the_valence_scale() -> None:
    assert journey.ideal_valence(IDEAL) == {"purchase": 0.5, "support": 0.5}   # nps 50 -> .5; csat 4 -> (4-3)/2


def test_rows_per_stage_and_source_by_hand() -> None:
    t = _table().set_index(["stage", "source"])
    assert list(t.index) == [("purchase", "recording"), ("purchase", "survey"), ("support", "photo"), ("support", "survey")]
    assert t.loc[("purchase", "survey"), "valence"] == 0.0                      # one promoter, one detractor
    assert t.loc[("support", "survey"), "valence"] == -1.0                      # two detractors
    rec = t.loc[("purchase", "recording")]
    half = stats.t.ppf(0.975, 3) * np.std([-0.8, -0.4, -0.6, -0.6], ddof=1) / math.sqrt(4)   # Student t, 3 df
    assert rec["valence"] == pytest.approx(-0.6) and rec["lo"] == pytest.approx(-0.6 - half)
    assert rec["hi"] == pytest.approx(-0.6 + half) and rec["n"] == 4
    assert t.loc[("support", "photo"), ["lo", "hi"]].tolist() == [0.5, 0.5]    # one photo: no interval
    assert bool(t.loc[("support", "photo"), "too_few"]) and not bool(t.loc[("purchase", "survey"), "too_few"])
    assert t["ideal"].tolist() == [0.5, 0.5, 0.5, 0.5]
    assert t["n"].sum() == 9                                                   # m4 (a survey moment) is not counted twice


def test_pooled_valence_and_widest_gap_by_hand() -> None:
    p = journey.pooled(_table()).set_index("stage")
    assert p.loc["purchase", "valence"] == pytest.approx((0 * 2 - 0.6 * 4) / 6)
    assert p.loc["support", "valence"] == pytest.approx((-1 * 2 + 0.5 * 1) / 3)
    gaps = journey.widest_gaps(_table(), k=1)
    assert gaps["stage"].tolist() == ["support"] and gaps["gap"].iloc[0] == pytest.approx(-0.5 - 0.5)


def test_entries_and_exits_by_hand() -> None:
    customers = pd.DataFrame({"customer_id": ["c1", "c2", "c3"], "left_us": [True, False, False]})
    flow = journey.entries_exits(RESPONSES, customers, STAGES).set_index("stage")
    assert flow.loc["purchase"].tolist() == [2, 0]        # c1 and c2 first answered at purchase
    assert flow.loc["support"].tolist() == [1, 1]         # c3 first answered at support; c1 left after answering there


def test_curve_keeps_project_order_and_labels_the_gap() -> None:
    table = _table()
    customers = pd.DataFrame({"customer_id": ["c1"], "left_us": [True]})
    fig = nc.journey_curve(table, journey.widest_gaps(table), journey.entries_exits(RESPONSES, customers, STAGES),
                           ["support", "purchase"])
    assert list(fig.layout.xaxis.categoryarray) == ["support", "purchase"]
    assert any("gap -1.00" in (a.text or "") for a in fig.layout.annotations)
    assert "n = 9 observations" in fig.layout.title.text
