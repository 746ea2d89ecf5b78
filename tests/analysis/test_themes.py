"""Themes and key drivers on small hand-built answers where the right grouping is obvious."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kit.analysis.drivers import from_tables, key_drivers
from kit.analysis.themes import find_themes, n_themes, post_severity, split_themes
from kit.analysis.tokens import is_non_answer
from kit.steps.ingest import analyse_comments

DELIVERY = ["The delivery was late again", "Late delivery, the box came at night", "My delivery arrived two days late",
            "Delivery late and the driver was lost", "Late delivery every single week", "The delivery is always late"]
COACH = ["My coach is helpful and kind", "Helpful coach who listens", "The coach was really helpful with recipes",
         "A helpful coach on every call", "Coach Sara is so helpful", "I find my coach helpful"]
PRICE = ["The price is too expensive", "Expensive price for a few emails", "Price went up, too expensive now",
         "Expensive monthly price", "Such an expensive price for the plan", "The yearly price is expensive"]
PAYMENT_FA = ["پرداخت در اپ خطا داد", "صفحه‌ی پرداخت کارت رو قبول نکرد", "پرداخت دو بار از کارتم کم شد",
              "موقع پرداخت اپ بسته شد", "پرداخت با کارت انجام نشد", "خطای پرداخت هنوز حل نشده"]
COACH_FA = ["مربی‌ام خیلی مهربان است", "مربی با حوصله جواب می‌ده", "مربی عالی و مهربان",
            "مربی همیشه جواب سوال‌هام رو می‌ده", "از مربی راضی هستم", "مربی مهربان و دقیق"]
NOTHING = ["Nothing in particular.", "Hmm. Hard to say.", "n/a", "نه، چیزی به ذهنم نمی‌رسه."]


def fixture() -> tuple[pd.DataFrame, pd.DataFrame]:
    """One answer per respondent. Delivery and Persian payment answers come from detractors (NPS 3),
    coach answers from promoters (10), price answers from passives (8), non-answers from promoters (9)."""
    groups = [(DELIVERY, "en", 3), (COACH, "en", 10), (PRICE, "en", 8), (PAYMENT_FA, "fa", 3), (COACH_FA, "fa", 10),
              (NOTHING[:3], "en", 9), (NOTHING[3:], "fa", 9)]
    rows, resp = [], []
    for texts, lang, nps in groups:
        for text in texts:
            rid = f"R{len(resp) + 1:02d}"
            resp.append({"response_id": rid, "nps": nps})
            rows.append({"comment_id": f"{rid}:q", "response_id": rid, "field": "q", "text": text, "lang": lang,
                         "sentiment": 0.0, "themes": "", "source": "s.csv"})
    return pd.DataFrame(rows), pd.DataFrame(resp)


@pytest.fixture(scope="module")
def found():
    comments, responses = fixture()
    return comments, responses, find_themes(comments, responses, k={"en": 3, "fa": 2})


def theme_of(found, texts: list[str]) -> set[str]:
    comments, _, th = found
    return {split_themes(th.labels[i])[0] for i in comments.index[comments["text"].isin(texts)]}


def test_obvious_groups_are_found(found) -> None:
    groups = [theme_of(found, g) for g in (DELIVERY, COACH, PRICE, PAYMENT_FA, COACH_FA)]
    assert all(len(g) == 1 for g in groups), groups           # each group is one theme
    assert len(set().union(*groups)) == 5                      # and no two groups share it


def test_labels_are_the_groups_own_words(found) -> None:
    assert "deliver" in next(iter(theme_of(found, DELIVERY))).lower()
    assert "coach" in next(iter(theme_of(found, COACH))).lower()
    assert "price" in next(iter(theme_of(found, PRICE))).lower() or "expensive" in next(iter(theme_of(found, PRICE)))
    assert "پرداخت" in next(iter(theme_of(found, PAYMENT_FA)))
    assert "مربی" in next(iter(theme_of(found, COACH_FA)))
    labels = found[2].table["label"]
    assert not labels.str.contains(r"[|;,]").any()             # the themes column can be split on them


def test_languages_are_modelled_apart(found) -> None:
    comments, _, th = found
    table = th.table.set_index("theme")
    m = th.members.merge(comments[["comment_id", "lang"]], on="comment_id")
    assert (m["lang"] == table.loc[m["theme"], "lang"].to_numpy()).all()
    assert sorted(table["lang"].value_counts().items()) == [("en", 3), ("fa", 2)]


def test_non_answers_get_no_theme(found) -> None:
    comments, _, th = found
    assert (th.labels[comments["text"].isin(NOTHING)] == "").all()
    assert is_non_answer("Short answer: nothing really.", "en")
    assert not is_non_answer("Nothing works in the app", "en")


def test_counts_and_shares_by_hand(found) -> None:
    _, _, th = found
    t = th.table.set_index("label")
    delivery = t.loc[next(iter(theme_of(found, DELIVERY)))]
    # 6 delivery answers, all from the 6 English detractors; English promoters: 6 coach + 3 non-answers
    assert (delivery["n_answers"], delivery["n_detractors"], delivery["n_promoters"]) == (6, 6, 0)
    assert delivery["detractor_share"] == 1.0 and delivery["promoter_share"] == 0.0
    coach = t.loc[next(iter(theme_of(found, COACH)))]
    assert coach["promoter_share"] == pytest.approx(6 / 9)
    assert coach["detractor_share"] == 0.0
    assert len(delivery["quotes"]) == 3 and set(delivery["quotes"]) <= set(DELIVERY)
    assert delivery["reach"] == 0.0 and delivery["n_social"] == 0


def test_key_drivers_by_hand(found) -> None:
    comments, responses, th = found
    drivers = key_drivers(comments, responses, th, min_n=5).set_index("label")
    d = drivers.loc[next(iter(theme_of(found, DELIVERY)))]
    # with: 6 detractors -> NPS -100. without (English): 6 promoters (10), 6 passives (8), 3 promoters (9)
    # -> p = 9/15, d = 0 -> NPS 60; difference -160 points
    assert (d["n_with"], d["n_without"]) == (6, 15)
    assert d["nps_with"] == pytest.approx(-100) and d["nps_without"] == pytest.approx(60)
    var_with, var_without = 1 - 1, 0.6 - 0.6**2
    se = math.sqrt(var_with / 6 + var_without / 15)
    assert d["lo"] == pytest.approx(100 * (-1.6 - 1.959963984540054 * se))
    assert d["significant"] and d["direction"] == "drags"
    assert d["impact"] == pytest.approx(100 * 6 / 21 * -1.6)
    # impacts: Persian payment 6/13 x -200 = -92.3, Persian coach 6/13 x 171.4 = 79.1, delivery -45.7,
    # English coach 6/21 x 120 = 34.3, price: smaller still
    assert drivers.loc[next(iter(theme_of(found, PAYMENT_FA))), "rank"] == 1
    assert drivers.loc[next(iter(theme_of(found, COACH_FA))), "rank"] == 2
    assert d["rank"] == 3
    assert drivers.loc[next(iter(theme_of(found, COACH))), "rank"] == 4
    small = key_drivers(comments, responses, th, min_n=30)
    assert small["too_few"].all() and small["rank"].isna().all()


def test_post_severity_weights_negative_posts_by_reach() -> None:
    posts = pd.DataFrame({"comment_id": ["social:2", "social:3", "social:4", "R1:q"], "sentiment": [-0.5, -0.5, 0.4, -0.9],
                          "likes": [9, 999, 5000, np.nan], "shares": [0, 0, 10, np.nan]})
    sev = post_severity(posts).tolist()
    assert sev == pytest.approx([0.5 * math.log(10), 0.5 * math.log(1000), 0.0, 0.0])


def test_social_reach_in_the_table() -> None:
    comments, responses = fixture()
    posts = pd.DataFrame({"comment_id": ["social:2", "social:3"], "response_id": [pd.NA, pd.NA], "field": "social_post",
                          "text": ["Late delivery again, third week in a row", "The delivery was late, no food tonight"],
                          "lang": "en", "sentiment": [-0.6, -0.2], "themes": "", "source": "social.csv",
                          "likes": [40, 2], "shares": [9, 0]})
    th = find_themes(pd.concat([comments, posts], ignore_index=True), responses, k={"en": 3, "fa": 2})
    row = th.table[th.table["n_social"] > 0].iloc[0]
    assert "deliver" in row["label"].lower()
    assert row["reach"] == 51.0
    assert row["reach_weighted_severity"] == pytest.approx(0.6 * math.log(50) + 0.2 * math.log(3))


def test_same_input_same_themes() -> None:
    comments, responses = fixture()
    a, b = find_themes(comments, responses), find_themes(comments, responses)
    assert a.labels.tolist() == b.labels.tolist()
    pd.testing.assert_frame_equal(a.table, b.table)


def test_split_themes_and_theme_count() -> None:
    assert split_themes("late delivery | price") == ["late delivery", "price"]
    assert split_themes("") == [] and split_themes(None) == []
    assert [n_themes(n) for n in (4, 50, 100, 10_000)] == [2, 7, 10, 12]


def test_key_drivers_from_the_saved_tables(found, tmp_path) -> None:
    comments, responses, th = found
    saved = comments.assign(themes=th.labels)
    saved.to_parquet(tmp_path / "comments.parquet")
    th.table.to_parquet(tmp_path / "themes.parquet")
    c, t = pd.read_parquet(tmp_path / "comments.parquet"), pd.read_parquet(tmp_path / "themes.parquet")
    direct = key_drivers(comments, responses, th, min_n=5)
    again = key_drivers(c, responses, t, min_n=5)
    cols = ["theme", "n_with", "n_without", "difference", "impact", "rank"]
    pd.testing.assert_frame_equal(direct[cols], again[cols])
    assert len(from_tables(c, t).members) == len(th.members)    # one theme per answer here


def test_ingest_analysis_fills_sentiment_and_themes() -> None:
    comments, responses = fixture()
    comments["sentiment"] = np.nan
    out, table = analyse_comments(comments, responses)
    assert out["sentiment"].notna().all()
    assert (out["reach_weighted_severity"] == 0).all()          # no social posts here
    assert out.loc[out["text"] == "The delivery is always late", "sentiment"].iloc[0] < 0
    assert out.loc[out["text"] == "مربی عالی و مهربان", "sentiment"].iloc[0] > 0
    answers = DELIVERY + COACH + PRICE + PAYMENT_FA + COACH_FA
    assert (out.loc[out["text"].isin(answers), "themes"] != "").all()
    assert (out.loc[out["text"].isin(NOTHING), "themes"] == "").all()
    assert set(table["lang"]) == {"en", "fa"} and table["n_answers"].sum() >= len(answers)     # some carry two
