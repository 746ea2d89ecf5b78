"""Scores and their intervals, checked against values worked out by hand (numbers in the comments)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kit.analysis import contact_log, scores

Z = 1.959963984540054


def test_nps_value_and_trinomial_interval() -> None:
    s = pd.Series([10] * 50 + [0] * 30 + [8] * 20)       # 50% promoters, 30% detractors
    r = scores.nps(s)
    assert r["n"] == 100 and math.isclose(r["value"], 20.0)
    se = math.sqrt((0.5 + 0.3 - 0.2**2) / 100)
    assert math.isclose(r["lo"], 100 * (0.2 - Z * se))
    assert math.isclose(r["hi"], 100 * (0.2 + Z * se))


def test_small_group_nps_uses_the_adjusted_interval() -> None:
    # 8 answers: 4 promoters (10, 10, 10, 9), 2 passives (8, 7), 2 detractors (0, 3): NPS 25.
    r = scores.nps(pd.Series([10, 10, 10, 9, 8, 7, 0, 3]))
    assert r["n"] == 8 and r["value"] == 25.0
    # By hand: add z²/4 = 0.9604 promoters and detractors, z²/2 passives: m = 11.8415,
    # p = 4.9604 / 11.8415 = 0.41890, d = 2.9604 / 11.8415 = 0.25000, centre 0.16890,
    # se = sqrt((0.41890 + 0.25 - 0.16890²) / 11.8415) = 0.23255 -> -28.69 .. 62.47.
    assert r["lo"] == pytest.approx(-28.69, abs=0.01)
    assert r["hi"] == pytest.approx(62.47, abs=0.01)


def test_all_same_answers_in_a_small_group_still_have_an_interval() -> None:
    r = scores.nps(pd.Series([10] * 5))
    assert r["value"] == 100.0 and r["hi"] == 100.0 and r["lo"] < 60       # the plain interval would be 100..100


def test_nps_ignores_missing_and_clamps_interval() -> None:
    r = scores.nps(pd.Series([10, 10, None], dtype="Int8"))
    assert r["n"] == 2 and r["value"] == 100.0 and r["hi"] == 100.0    # widened to hold the value


TRUTHS = [(0.6, 0.3, 0.1), (0.5, 0.3, 0.2), (0.7, 0.2, 0.1), (0.3, 0.3, 0.4), (0.2, 0.5, 0.3), (0.45, 0.1, 0.45)]


def _coverage(n: int, reps: int, small_n: int) -> float:
    """Average share of simulated samples whose 95% interval holds the true NPS, over TRUTHS (seeded)."""
    rng = np.random.default_rng(20260914)
    old, scores.SMALL_N = scores.SMALL_N, small_n
    hits = []
    try:
        for probs in TRUTHS:
            truth = 100 * (probs[0] - probs[2])
            for c in rng.multinomial(n, probs, size=reps):
                r = scores.nps_counts(*c)
                hits.append(r["lo"] <= truth <= r["hi"])
    finally:
        scores.SMALL_N = old
    return float(np.mean(hits))


@pytest.mark.parametrize("n", [8, 15, 25])
def test_small_group_interval_covers_the_truth_about_95_percent(n: int) -> None:
    adjusted = _coverage(n, 1500, small_n=30)
    plain = _coverage(n, 1500, small_n=0)
    assert 0.935 <= adjusted <= 0.97, adjusted
    assert adjusted > plain + 0.01, (adjusted, plain)     # the plain interval falls short on small groups


def test_mean_interval_uses_student_t() -> None:
    r = scores.mean_ci(pd.Series([1, 2, 3, 4, 5]))
    # mean 3, sd 1.58114, t(4, 0.975) = 2.776445: half width 2.776445 * 1.58114 / sqrt(5) = 1.96324
    assert r["value"] == 3 and r["lo"] == pytest.approx(3 - 1.96324, abs=1e-5)
    assert math.isnan(scores.mean_ci(pd.Series([4]))["lo"])


def test_top2box_wilson_interval() -> None:
    r = scores.top2box_ci(pd.Series([5, 5, 4, 4, 4, 5, 4, 5, 2, 1]))     # 8 of 10 satisfied
    assert r["value"] == 80.0
    assert r["lo"] == pytest.approx(49.02, abs=0.01) and r["hi"] == pytest.approx(94.33, abs=0.01)


def test_holm_adjustment() -> None:
    assert scores.holm([0.01, 0.04, 0.03, math.nan])[:3] == pytest.approx([0.03, 0.06, 0.06])


def test_scores_by_group_match_a_hand_computation() -> None:
    df = pd.DataFrame({
        "stage": ["a"] * 6 + ["b"] * 4,
        "nps": [10, 9, 9, 7, 3, None, 10, 6, 6, 8],
        "csat": [5, 4, 4, 3, 2, 5, 5, 1, 2, 4],
        "ces": [7, 6, 6, 5, 2, 7, None, 1, 3, 5]})
    t = scores.by_group(df, "stage", min_n=3).set_index("stage")
    # a: 5 NPS answers, 3 promoters, 1 detractor -> 40; b: 1 promoter, 2 detractors of 4 -> -25
    assert t.loc["a", "nps"] == 40.0 and t.loc["b", "nps"] == -25.0
    assert t.loc["a", "nps_n"] == 5 and t.loc["a", "responses"] == 6
    assert t.loc["a", "csat"] == pytest.approx(23 / 6) and t.loc["b", "csat"] == 3.0
    assert t.loc["a", "top2box"] == pytest.approx(400 / 6) and t.loc["b", "top2box"] == 50.0
    assert t.loc["a", "ces"] == pytest.approx(33 / 6) and t.loc["b", "ces"] == 3.0


def test_small_groups_are_flagged_not_dropped_nor_tested() -> None:
    df = pd.DataFrame({"stage": ["a"] * 40 + ["b"] * 5, "nps": [9] * 45, "csat": [5] * 45, "ces": [2] * 45})
    t = scores.by_group(df, "stage", min_n=30, order=["b", "a"])
    assert list(t["stage"]) == ["b", "a"]
    assert list(t["too_few"]) == [True, False]
    assert math.isnan(t.loc[0, "nps_p"]) and t.loc[0, "nps_flag"] == ""


def test_group_differences_flagged_only_when_real() -> None:
    rng = np.random.default_rng(5)
    same = rng.integers(0, 11, 600)
    df = pd.DataFrame({"channel": ["x"] * 200 + ["y"] * 200 + ["z"] * 200, "nps": same,
                       "csat": rng.integers(1, 6, 600), "ces": rng.integers(1, 8, 600)})
    df.loc[df["channel"] == "z", "nps"] = 10                         # z: everyone a promoter
    t = scores.by_group(df, "channel", min_n=30).set_index("channel")
    assert t.loc["z", "nps_flag"] == "above"
    assert t.loc["x", "csat_flag"] == "" and t.loc["y", "csat_flag"] == ""
    # z against the rest, by hand: z has variance 0; the rest's is (p + d - (p - d)^2) / n
    rest = df.loc[df["channel"] != "z", "nps"]
    p, d = (rest >= 9).mean(), (rest <= 6).mean()
    zstat = (1 - (p - d)) / math.sqrt((p + d - (p - d) ** 2) / len(rest))
    from scipy.stats import norm
    raw = [scores.nps_diff_p(df.loc[df.channel == c, "nps"], df.loc[df.channel != c, "nps"]) for c in "xyz"]
    assert raw[2] == pytest.approx(2 * norm.sf(zstat))
    assert t.loc["z", "nps_p"] == pytest.approx(min(1.0, 3 * raw[2]))   # the smallest of three, times 3


def test_period_changes_flagged_with_a_test() -> None:
    sept = pd.Timestamp("2026-09-10", tz="UTC")
    octo = pd.Timestamp("2026-10-10", tz="UTC")
    nov = pd.Timestamp("2026-11-10", tz="UTC")
    df = pd.DataFrame({
        "submitted_at": [sept] * 100 + [octo] * 100 + [nov] * 10,
        "nps": [10] * 50 + [7] * 30 + [0] * 20 + [10] * 20 + [7] * 30 + [0] * 50 + [10] * 10,
        "csat": 4, "ces": 5})
    t = scores.by_period(df, "M", min_n=30)
    assert [str(p.date()) for p in t["period"]] == ["2026-09-01", "2026-10-01", "2026-11-01"]
    assert list(t["nps"]) == [30.0, -30.0, 100.0]
    assert list(t["too_few"]) == [False, False, True]
    # Sep -> Oct by hand: var = (0.7 - 0.09)/100 + (0.7 - 0.09)/100, z = -0.6 / sqrt(0.0122) = -5.432
    from scipy.stats import norm
    assert t.loc[1, "nps_change_p"] == pytest.approx(2 * norm.sf(0.6 / math.sqrt(0.0122)))
    assert t.loc[1, "nps_change_flag"] == "down" and t.loc[1, "nps_change"] == -60.0
    assert t.loc[2, "nps_change_flag"] == "" and math.isnan(t.loc[2, "nps_change_p"])   # too few in November


def test_weeks_start_on_monday() -> None:
    df = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-09-13T23:00Z", "2026-09-14T01:00Z"]),
                       "nps": [10, 0], "csat": 5, "ces": 7})
    assert [str(p.date()) for p in scores.by_period(df, "W")["period"]] == ["2026-09-07", "2026-09-14"]


def test_actual_vs_ideal_gap_and_interval() -> None:
    by_stage = pd.DataFrame({"stage": ["purchase", "support"], "nps": [20.0, 35.0], "nps_lo": [10.0, 5.0],
                             "nps_hi": [30.0, 60.0], "nps_n": [200, 12], "csat": [4.0, 3.0], "csat_lo": [3.9, 2.5],
                             "csat_hi": [4.1, 3.5], "csat_n": [200, 12], "too_few": [False, True]})
    t = scores.actual_vs_ideal(by_stage, {"purchase": {"nps": 50, "csat": 4.05}, "support": {"nps": 30},
                                          "renewal": {"nps": 40}}).set_index(["stage", "score"])
    assert t.loc[("purchase", "nps"), "gap"] == -30 and bool(t.loc[("purchase", "nps"), "beyond_interval"])
    assert not t.loc[("purchase", "csat"), "beyond_interval"]          # 4.05 inside 3.9..4.1
    assert not t.loc[("support", "nps"), "beyond_interval"] and t.loc[("support", "nps"), "too_few"]
    assert math.isnan(t.loc[("renewal", "nps"), "actual"])             # no answers at that stage


def test_distribution_lists_every_value() -> None:
    d = scores.distribution(pd.DataFrame({"csat": [5, 5, 1, None]}), "csat")
    assert list(d["answers"]) == [1, 0, 0, 0, 2] and d["share"].iloc[-1] == pytest.approx(200 / 3)


def test_contact_bands_join_by_customer() -> None:
    at = pd.Timestamp("2026-07-01", tz="UTC")
    contacts = pd.DataFrame({
        "customer_id": ["heavy"] * 40 + ["light"] * 2,
        "at": [at + pd.Timedelta(hours=i) for i in range(40)] + [at, at + pd.Timedelta(days=6)],
        "direction": "outbound"})
    responses = pd.DataFrame({"customer_id": ["heavy", "light"], "nps": [0, 10]})
    bands = contact_log.contact_bands(contacts, responses).set_index("band")
    assert bands.loc["28+", "nps"] == -100.0
    assert bands.loc["0–3", "nps"] == 100.0
    assert bands["customers"].sum() == 2


def test_charts_grey_small_groups_and_give_n() -> None:
    from kit.charts import survey as charts
    df = pd.DataFrame({"stage": ["a"] * 40 + ["b"] * 5, "nps": [9] * 40 + [0] * 5, "csat": 4, "ces": 5})
    fig = charts.score_by_group(scores.by_group(df, "stage", min_n=30), "stage")
    bar = fig.data[0]
    assert list(bar.marker.color) == [charts.MID, charts.GREY]
    assert bar.text[1] == "-100 (too few answers)"
    assert "45 answers" in fig.layout.title.text
    assert list(bar.error_y.array) == pytest.approx([0.0, 0.0 + (scores.nps(df["nps"][40:])["hi"] + 100)])
