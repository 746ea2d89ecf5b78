"""Agreement figures against values computed by hand and the literature's worked example."""

from __future__ import annotations

import pytest

from kit.analysis.agreement import agreement, cohen_kappa, krippendorff_alpha


def test_kappa_of_the_textbook_table() -> None:
    # 50 units: yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> po 0.7, pe 0.5*0.6 + 0.5*0.4 = 0.5, kappa 0.4
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)


def test_kappa_perfect_and_chance() -> None:
    assert cohen_kappa(["x", "y", "x"], ["x", "y", "x"]) == pytest.approx(1.0)
    # agreement no better than chance: po 0.5, pe 0.5
    assert cohen_kappa(["x", "x", "y", "y"], ["x", "y", "x", "y"]) == pytest.approx(0.0)
    assert cohen_kappa(["x", "x"], ["x", "x"]) == 1.0         # one code used by both: full agreement
    with pytest.raises(ValueError, match="same units"):
        cohen_kappa(["x"], ["x", "y"])


def test_alpha_by_hand() -> None:
    # coincidences: o[a,a]=2, o[a,b]=o[b,a]=1, o[b,b]=4; n_a=3, n_b=5, n=8
    # D_o = 2/8, D_e = (3*5 + 5*3) / (8*7) = 30/56, alpha = 1 - (2/8)/(30/56) = 16/30
    codings = {1: {"A": "a", "B": "a"}, 2: {"A": "a", "B": "b"}, 3: {"A": "b", "B": "b"}, 4: {"A": "b", "B": "b"}}
    assert krippendorff_alpha(codings) == pytest.approx(16 / 30)


def test_alpha_of_krippendorffs_worked_example() -> None:
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 4 coders, 12 units, gaps; nominal alpha 0.743
    rows = {"A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
            "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
            "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
            "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]}
    codings = {u: {c: rows[c][u] for c in rows} for u in range(12)}
    assert krippendorff_alpha(codings) == pytest.approx(0.743, abs=0.0005)


def test_agreement_picks_its_measure_and_lists_disagreements() -> None:
    two = {"m1": {"ana": "support", "bo": "support"}, "m2": {"ana": "renewal", "bo": "support"},
           "m3": {"ana": "renewal", "bo": "renewal"}, "m4": {"ana": "support"}}
    result = agreement("stage", two)
    assert result.measure == "kappa" and result.units == 3 and result.coders == ["ana", "bo"]
    assert result.disagreements == [{"unit": "m2", "codes": {"ana": "renewal", "bo": "support"}}]
    # po 2/3; ana: support 1/3, renewal 2/3; bo: support 2/3, renewal 1/3 -> pe 4/9; kappa (2/3-4/9)/(5/9) = 0.4
    assert result.value == pytest.approx(0.4)
    three = {"m1": {"ana": "x", "bo": "x", "cy": "y"}, "m2": {"ana": "y", "bo": "y", "cy": "y"}}
    assert agreement("valence", three).measure == "alpha"


def test_nothing_to_compare() -> None:
    assert krippendorff_alpha({1: {"A": "x"}}) is None
    assert agreement("tags", {}).value is None


def test_agreements_from_readings_band_valence_and_split_tags() -> None:
    from kit.analysis.agreement import agreements
    readings = [("ana", "m1", "valence", -0.7), ("bo", "m1", "valence", -0.9),       # both very negative
                ("ana", "m2", "valence", 0.1), ("bo", "m2", "valence", -0.5),        # neutral against negative
                ("ana", "m1", "tags", ["waiting"]), ("bo", "m1", "tags", ["waiting", "app"]),
                ("ana", "m2", "stage", "support"), ("bo", "m2", "stage", "support"), ("cy", "m2", "stage", "renewal")]
    found = {a.code: a for a in agreements(readings)}
    assert found["valence"].units == 2 and found["valence"].disagreements == [
        {"unit": "m2", "codes": {"ana": "feel_neutral", "bo": "feel_negative"}}]
    assert found["tag:waiting"].disagreements == [] and found["tag:app"].disagreements[0]["unit"] == "m1"
    assert found["stage"].measure == "alpha" and found["stage"].coders == ["ana", "bo", "cy"]
