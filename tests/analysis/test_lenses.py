"""Lenses re-rank and re-label exhibits and never drop one; scores checked against hand sums."""

from __future__ import annotations

import math

import pytest

from kit.analysis import lenses


def rec(id_: str, **kw) -> dict:
    return {"id": id_, "kind": kw.pop("kind", "quote"), "title": kw.pop("title", ""), "caption": "", "quote": "",
            "tags": [], "lenses": [], "evidence": {}, "valence": None, "severity": None, "segment": None, **kw}


WAIT = rec("wait", quote="I had to wait twenty minutes and the payment failed again", valence=-0.6, severity=0.8,
           lenses=["engineering"])
FELT = rec("felt", kind="photo", caption="So many instructions, I felt overwhelmed", valence=-0.9, severity=0.5)
WIDE = rec("wide", kind="metric", title="Customers who cancel", caption="NPS of those who cancel",
           evidence={"responses": 1000, "nps": -30}, valence=-0.3, segment="new", lenses=["business"])
PLAIN = rec("plain", quote="Fine.", valence=0.1)
ALL = [PLAIN, WAIT, FELT, WIDE]


def test_signals_read_text_tags_and_evidence_keys() -> None:
    assert lenses.signals(WAIT, "engineering") == ["waits", "failures", "repeats"]
    assert lenses.signals(FELT, "design") == ["clarity", "emotion"]
    assert lenses.signals(WIDE, "business") == ["revenue"]
    assert lenses.signals(rec("e", evidence={"failures": 3}), "engineering") == ["failures"]
    assert lenses.signals(PLAIN, "engineering") == []
    with pytest.raises(ValueError, match="unknown lens"):
        lenses.signals(PLAIN, "marketing")


def test_scores_match_hand_sums() -> None:
    # engineering: 0.45 * 3/4 groups + 0.25 * severity 0.8 + 0.15 * negativity 0.6 + 0.15 * tagged
    assert lenses.score(WAIT, "engineering") == pytest.approx(0.45 * 0.75 + 0.25 * 0.8 + 0.15 * 0.6 + 0.15)
    # design: 0.40 * |valence| + 0.20 * photo + 0.20 * 2/3 groups + 0.10 * not tagged + 0.10 * severity
    assert lenses.score(FELT, "design") == pytest.approx(0.40 * 0.9 + 0.20 * 1.0 + 0.20 * 2 / 3 + 0 + 0.10 * 0.5)
    # business: 0.40 * log10(1000)/3 + 0.20 * revenue + 0.15 * 0.3 + 0.10 * segment + 0.15 * tagged
    assert lenses.score(WIDE, "business") == pytest.approx(0.40 + 0.20 + 0.15 * 0.3 + 0.10 + 0.15)
    for lens in lenses.LENSES:
        for r in ALL:
            assert 0.0 <= lenses.score(r, lens) <= 1.0


def test_each_lens_puts_its_own_exhibit_first_and_keeps_every_exhibit() -> None:
    firsts = {lens: lenses.rank(ALL, lens)[0]["id"] for lens in lenses.LENSES}
    assert firsts == {"design": "felt", "engineering": "wait", "business": "wide"}
    for lens in lenses.LENSES:
        ranked = lenses.rank(ALL, lens)
        assert sorted(r["id"] for r in ranked) == sorted(r["id"] for r in ALL)   # nothing hidden
    assert [r["id"] for r in lenses.rank(ALL, None)] == ["plain", "wait", "felt", "wide"]
    assert [r["id"] for r in lenses.rank(ALL, "")] == ["plain", "wait", "felt", "wide"]


def test_ties_keep_the_original_order() -> None:
    same = [rec(str(i), quote="Fine.") for i in range(5)]
    assert [r["id"] for r in lenses.rank(same, "engineering")] == ["0", "1", "2", "3", "4"]


def test_reach_is_the_largest_people_count() -> None:
    assert lenses.reach(WIDE) == 1000
    assert lenses.reach(rec("x", evidence={"customers_over": 42, "responses": 7, "nps_over": 900.0})) == 42
    assert lenses.reach(rec("x", evidence={"responses": math.nan})) == 1
    assert lenses.reach(PLAIN) == 1


def test_labels_say_why_in_english_and_persian() -> None:
    assert lenses.label(WAIT, "engineering") == "waits · failures · repeats"
    assert lenses.label(PLAIN, "engineering") == "no engineering signal"
    assert lenses.label(FELT, "design") == "felt as bad · clarity · emotion"
    assert lenses.label(WIDE, "business") == "1,000 people · segment new · revenue at risk"
    assert lenses.label(PLAIN, "business") == "one voice"
    assert lenses.label(WIDE, "business", "fa") == "۱٬۰۰۰ نفر، بخش new، درآمد در خطر"
    assert lenses.label(WAIT, "engineering", "fa") == "انتظار، خطا، تکرار"


def test_precomputed_lenses_are_read_back_only_when_they_match(tmp_path) -> None:
    lenses.write(tmp_path, ALL, "en")
    data = lenses.read(tmp_path, ALL, "en")
    assert data["order"]["engineering"] == [r["id"] for r in lenses.rank(ALL, "engineering")]
    assert data["labels"]["business"]["wide"] == lenses.label(WIDE, "business")
    assert lenses.read(tmp_path, ALL, "fa") is None                  # labels in another language
    assert lenses.read(tmp_path, ALL[:3], "en") is None              # exhibits changed since
    assert lenses.read(tmp_path / "nowhere", ALL) is None
