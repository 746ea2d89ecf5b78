"""Negative room views: the numbers behind each chart against hand counts on a four-customer fixture."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from kit.analysis import overload as negative
from kit.analysis import pain, scorecard, wall
from kit.charts import negative as nc
from kit.views.negative import wall_html

# c1: 1 message a week, happy.     c2: 3 a week, complained and scored 3 (complaint is the worse outcome).
# c3: 15 a week, left, scored 2.   c4: 16.5 a week, scored 5 (detractor only).   c5: never written to.
CUSTOMERS = pd.DataFrame({
    "customer_id": ["c1", "c2", "c3", "c4", "c5"], "per_week": [1.0, 3.0, 15.0, 16.5, np.nan],
    "complaints": [0, 1, 0, 0, 0], "left_us": [False, False, True, False, False]})
RESPONSES = pd.DataFrame({
    "response_id": ["r1", "r2", "r3", "r4", "r6"], "customer_id": ["c1", "c2", "c3", "c4", "c6"],
    "submitted_at": pd.to_datetime(["2026-07-01", "2026-07-02", "2026-07-03", "2026-07-04", "2026-07-05"], utc=True),
    "nps": pd.array([9, 3, 2, 5, 0], dtype="Int8"), "csat": pd.array([5, 2, 1, 3, 1], dtype="Int8"),
    "ces": pd.array([6, 2, 1, 4, 1], dtype="Int8"),
    "stage": ["purchase", "purchase", "support", "support", pd.NA], "channel": ["app", "app", "email", "email", pd.NA],
    "source_file": "s.csv", "source_row": [2, 3, 4, 5, 6]})


def test_worst_outcome_counts_each_customer_once() -> None:
    joined = negative._joined(CUSTOMERS, RESPONSES).set_index("customer_id")
    assert negative.worst_outcome(joined).to_dict() == {"c1": "", "c2": "complained", "c3": "left", "c4": "detractor"}


def test_pile_bins_and_pit_depth_by_hand() -> None:
    pile = negative.overload_pile(CUSTOMERS, RESPONSES, width=2, cap=4).set_index("lo")
    assert list(pile.index) == [0.0, 2.0, 4.0]                                  # c5 (never written to) is not in the pile
    assert pile["customers"].tolist() == [1, 1, 2]
    assert pile.loc[2.0, ["complained", "lost", "lost_share"]].tolist() == [1, 1, 100.0]
    assert pile.loc[4.0, ["left", "complained", "detractor", "lost"]].tolist() == [1, 0, 1, 2]
    assert math.isinf(pile.loc[4.0, "hi"]) and pile.loc[0.0, "lost_share"] == 0.0
    assert pile.loc[4.0, "messages_per_week"] == pytest.approx(31.5)


def test_dose_response_bands_by_hand() -> None:
    bands = negative.dose_response(CUSTOMERS, RESPONSES, min_n=2).set_index("band")
    assert list(bands.index) == ["0–3", "3–7", "7–14", "14–28", "28+"]
    assert bands.loc["0–3", "nps"] == 100 and bands.loc["3–7", "nps"] == -100     # [3, 7): 3 a week is in 3–7
    assert bands.loc["14–28", ["nps", "nps_n"]].tolist() == [-100, 2]
    assert bands["too_few"].tolist() == [True, True, True, False, True]
    assert bands.loc["7–14", "nps_n"] == 0


def test_overload_summary_by_hand() -> None:
    s = negative.overload_summary(CUSTOMERS, RESPONSES, tolerance=14)
    assert (s["over"], s["lost_over"], s["rest"], s["lost_rest"]) == (2, 2, 2, 1)
    assert s["nps_over"] == -100 and s["nps_rest"] == 0
    [ex] = negative.overload_exhibits(s, 14, "contacts.csv")
    assert ex.evidence["customers_over"] == 2 and ex.severity == 1.0


def test_waterfall_draws_one_sheet_per_customer_group_and_pit_sheets_per_share() -> None:
    pile = negative.overload_pile(CUSTOMERS, RESPONSES, width=2, cap=4)
    fig = nc.paper_waterfall(pile, negative.dose_response(CUSTOMERS, RESPONSES, 2), tolerance=14, width=2)
    by_name = {t.name: t for t in fig.data if t.name}
    assert len(by_name["1 sheet = 1 customers"].x) == 4                          # 1 + 1 + 2 customers
    assert len(by_name["in the pit: complained"].y) == round(100 / nc.SHEET_PCT)  # c2: 100% of its pile
    assert len(by_name["in the pit: left us"].y) == round(50 / nc.SHEET_PCT)     # c3: half of the last pile
    assert "n = 4 customers, 4 answers" in fig.layout.title.text


MOMENTS = pd.DataFrame({
    "moment_id": ["m1", "m2", "m3"], "source": ["recording", "photo", "survey"], "ref": ["s01", "p1", "r9"],
    "stage": ["purchase", "purchase", "purchase"], "channel": ["app", "app", "app"],
    "valence": [-0.8, 0.5, -1.0], "severity": [0.9, np.nan, 1.0]})


def test_pain_matrix_by_hand() -> None:
    obs = pain.observations(RESPONSES, MOMENTS, pd.DataFrame())
    assert len(obs) == 7                                   # 5 answers + 2 moments (the survey moment is not counted twice)
    m = pain.pain_matrix(obs, ["purchase", "support"], ["app", "email"], min_n=3).set_index(["stage", "channel"])
    pa = m.loc[("purchase", "app")]
    assert (pa["n"], pa["negatives"], pa["customers"], pa["kinds"]) == (4, 2, 2, "recording, survey")
    assert pa["severity"] == pytest.approx((0.7 + 0.9) / 2) and pa["pain"] == pytest.approx(0.8)
    se = m.loc[("support", "email")]
    assert se["severity"] == pytest.approx((0.8 + 0.5) / 2) and bool(se["too_few"])
    assert m.loc[("unspecified", "unspecified"), "negatives"] == 1                # r6 scored 0, no stage or channel
    assert list(m.index.get_level_values(0)[:2]) == ["purchase", "support"]


def test_ranking_by_hand_and_small_evidence_last() -> None:
    obs = pain.observations(RESPONSES, MOMENTS, pd.DataFrame())
    records = [{"id": "rec-1", "kind": "clip", "stage": "purchase", "channel": "app", "valence": -0.5, "severity": 0.9,
                "media": {"thumb": "media/rec-1.jpg"}},
               {"id": "happy", "kind": "photo", "stage": "purchase", "channel": "app", "valence": 0.7}]
    entries = {(e["stage"], e["channel"]): e for e in pain.cell_entries(obs, records, min_n=3)}
    pa = entries[("purchase", "app")]
    assert pa["evidence_strength"] == pytest.approx(2 * (1 + math.log10(2)), abs=1e-3)
    assert pa["exhibits"] == ["rec-1"] and pa["thumb"] == "media/rec-1.jpg" and not pa["too_few"]
    assert entries[("support", "email")]["too_few"]                               # 2 customers, one kind of source
    big_but_thin = {"title": "thin", "severity": 1.0, "reach": 1000, "evidence_strength": 1.0, "too_few": True}
    ranked = pain.rank(list(entries.values()) + [big_but_thin])
    assert ranked[0]["title"] == "Purchase in the app: 2 customers unhappy"
    assert ranked[0]["score"] == pytest.approx(0.8 * 2 * 2 * (1 + math.log10(2)), abs=1e-2)
    flags = [bool(e["too_few"]) for e in ranked]
    assert flags == sorted(flags) and ranked[flags.index(True)]["title"] == "thin"   # thin evidence never outranks
    assert [e["rank"] for e in ranked] == list(range(1, len(ranked) + 1))


COMMENTS = pd.DataFrame({
    "comment_id": ["r2:disliked_most", "r3:disliked_most", "r1:disliked_most", "r4:liked_most", "social:2"],
    "response_id": ["r2", "r3", "r1", "r4", pd.NA],
    "field": ["disliked_most", "disliked_most", "disliked_most", "liked_most", "social_post"],
    "text": ["Too many <b>emails</b>", "پیام‌ها خیلی زیاده", "fine", "love it", "so many pings"],
    "lang": ["en", "fa", "en", "en", "en"], "sentiment": [np.nan, -0.9, np.nan, 0.8, -0.4],
    "themes": ["overload; price", "overload", "", "", ""], "source": ["s.csv"] * 4 + ["social.csv"]})


def test_wall_orders_by_severity_and_counts_shared_themes() -> None:
    q = wall.wall(COMMENTS, RESPONSES, {"survey-r3-disliked_most"})
    assert q["comment_id"].tolist() == ["r3:disliked_most", "r2:disliked_most", "social:2"]
    assert q["severity"].tolist() == pytest.approx([0.9, 0.7, 0.4])              # sentiment, else 1 - nps/10
    assert q["theme_answers"].tolist()[:2] == [2, 2] and pd.isna(q["theme_answers"].iloc[2])
    assert q["exhibit"].tolist() == ["survey-r3-disliked_most", "", ""]
    assert q["locator"].tolist()[:2] == ["row 4", "row 3"]


def words_of(html: str) -> str:
    """Markup without the elements and characters that isolate its values (kit.core.bidi)."""
    return re.sub(r"</?bdi[^>]*>|[\u2066-\u2069]", "", html)


def test_wall_html_is_escaped_rtl_and_linked() -> None:
    html = words_of(wall_html(wall.wall(COMMENTS, RESPONSES, {"survey-r3-disliked_most"})))
    assert "<b>emails</b>" not in html and "&lt;b&gt;emails&lt;/b&gt;" in html
    assert 'dir="rtl" lang="fa">پیام‌ها خیلی زیاده<' in html
    assert 'href="exhibits.ipynb?exhibit=survey-r3-disliked_most"' in html
    assert "2 unhappy answers share the theme “overload”" in html and "said by 1 customer" in html
    assert "see the evidence" in html and "s.csv" not in html


CHANNELS = pd.DataFrame({
    "channel": ["email", "app", "social"], "contacts": [10, 5, 2], "inbound": [2, 4, 2], "outbound": [8, 1, 0],
    "customers": [3, 2, 2], "purchases": [0, 3, 1], "complaints": [1, 0, 2], "cost": [1.0, 6.0, 4.0], "costed": [10, 5, 2]})


def test_scorecard_by_hand() -> None:
    posts = COMMENTS[COMMENTS["field"] == "social_post"]
    t = scorecard.scorecard(CHANNELS, RESPONSES, posts, ["app", "email", "social"], min_n=2).set_index("channel")
    assert list(t.index) == ["app", "email", "social"]
    assert t.loc["app", "purchase_share"] == 75 and t.loc["social", "purchase_share"] == 25
    assert t.loc["app", "csat"] == 3.5 and t.loc["email", "csat"] == 2.0 and math.isnan(t.loc["social", "csat"])
    assert t.loc["app", "cost_per_contact"] == pytest.approx(1.2) and t.loc["app", "cost_per_purchase"] == 2.0
    assert math.isnan(t.loc["email", "cost_per_purchase"]) and t.loc["social", "posts"] == 1
    a = scorecard.answers(t.reset_index())
    assert (a["prefer"], a["buy"], a["reach"], a["pays"]) == ("app", "app", "app", "app")
    assert a["social_complaint_share"] == 100 and a["other_complaint_share"] == pytest.approx(100 / 6)


def test_room_ranked_list_links_escapes_and_greys_thin_evidence(tmp_path) -> None:
    from kit.pages import negative as negative_room
    entries = [{"rank": 1, "title": "<script>x</script> pain", "stage": "purchase", "channel": "app", "severity": 0.8,
                "reach": 12, "evidence_strength": 2.6, "sources": ["survey", "recording"], "exhibits": ["rec-1", "q-2"],
                "thumb": None, "too_few": False},
               {"rank": 2, "title": "thin", "stage": "support", "channel": "email", "severity": 0.5, "reach": 2,
                "evidence_strength": 1.3, "sources": ["survey"], "exhibits": [], "thumb": None, "too_few": True}]
    html = words_of(negative_room.ranked_html(entries, tmp_path))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="exhibits.ipynb?exhibit=rec-1"' in html and 'href="exhibits.ipynb?exhibit=q-2"' in html
    assert 'href="exhibits.ipynb?stage=support&amp;channel=email"' in html          # no exhibit: the cell's filter
    assert '<li class="few">' in html and "too few answers to rank" in html
    assert "very severe · 12 customers · seen in: survey answer, recording" in html
    assert ">see the evidence<" in html and ">more evidence<" in html and ">rec-1<" not in html
    persian = words_of(negative_room.ranked_html(entries, tmp_path, lang="fa"))
    assert "بسیار شدید، ۱۲ مشتری" in persian and "پاسخ‌ها برای رتبه‌بندی کم است" in persian
    assert '<span class="n">۱</span>' in persian and 'href="exhibits.ipynb?exhibit=rec-1"' in persian


def test_room_pain_map_has_a_text_alternative_and_no_blank_cells() -> None:
    from kit.pages import negative as negative_room
    obs = pain.observations(RESPONSES, MOMENTS, pd.DataFrame())
    matrix = pain.pain_matrix(obs, ["purchase", "support"], ["app", "email"], min_n=3)
    fig = nc.pain_heatmap(matrix, ["purchase", "support"], ["app", "email"])
    cells = [text for row in fig.data[0].text for text in row]
    assert "" not in cells and "—" in cells                                    # a cell without answers says so
    assert "2/2<br>sev 0.65<br>(too few answers)" in cells
    ranked = pain.rank(pain.cell_entries(obs, [], min_n=1))
    text = words_of(negative_room.pain_text(ranked))
    assert text.startswith("Where it hurts most: Purchase in the app: 2 customers unhappy. Next: ")
