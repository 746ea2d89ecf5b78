"""The detractor wall: near-identical complaints are one, counted by the customers who said them."""

from __future__ import annotations

import pandas as pd

from kit.analysis import wall

SAME = ["The bank page opens and then the app crashes, no confirmation.",
        "The bank page opens and then the app crashes, no confirmation. Please fix this.",
        "Honestly? The bank page opens and then the app crashes, no confirmation.",
        "the bank page opens and then the app crashes - no confirmation!!"]
OTHERS = ["Waited 40 minutes on hold to ask one simple question.",
          "The renewal price was a surprise on my card statement.",
          "درگاه بانک باز می‌شه و بعد اپ کرش می‌کنه، هیچ تأییدیه‌ای هم نمیاد."]


def frames(texts: list[str], customers: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = [f"r{i}" for i in range(len(texts))]
    comments = pd.DataFrame({"comment_id": [f"{r}:disliked_most" for r in ids], "response_id": ids,
                             "field": "disliked_most", "text": texts, "lang": "en", "sentiment": float("nan"),
                             "themes": "", "source": "s.csv"})
    responses = pd.DataFrame({"response_id": ids, "customer_id": customers, "nps": [1] * len(texts),
                              "stage": "purchase", "channel": "app", "source_row": range(2, len(texts) + 2),
                              "source_file": "s.csv"})
    return comments, responses


def test_near_identical_complaints_merge_with_the_count_of_customers() -> None:
    texts = SAME + OTHERS
    comments, responses = frames(texts, ["c1", "c2", "c3", "c3", "c5", "c6", "c7"])   # c3 said it twice
    q = wall.wall(comments, responses, set())
    assert len(q) == 4 and q["text"].is_unique
    crash = q[q["text"].str.contains("bank page")].iloc[0]
    assert crash["said_by"] == 3 and crash["text"] in SAME
    assert sorted(q.loc[~q["text"].str.contains("bank page"), "text"]) == sorted(OTHERS)
    assert (q.loc[~q["text"].str.contains("bank page"), "said_by"] == 1).all()
    assert q["said_by"].tolist()[0] == 3                       # equally severe: the most often said first


def test_twelve_slots_hold_twelve_distinct_complaints() -> None:
    topics = ["payment", "renewal price", "hold music", "recipe card", "water reminders", "coach callback",
              "PDF guides", "login link", "fasting rules", "ingredients", "portion sizes", "push alerts",
              "delivery box", "webinar banner"]
    texts = [f"My problem is the {t}, it keeps going wrong every single week." for t in topics]
    texts += [t + " Please fix this." for t in texts]             # every complaint said twice
    comments, responses = frames(texts, [f"c{i}" for i in range(len(texts))])
    q = wall.wall(comments, responses, set(), limit=12)
    assert len(q) == 12
    found = [next(t for t in topics if t in text) for text in q["text"]]
    assert len(set(found)) == 12 and set(q["said_by"]) == {2}


def test_similar_groups_keeps_different_complaints_apart() -> None:
    labels = wall.similar_groups(SAME[:2] + OTHERS)
    assert labels.tolist() == [0, 0, 2, 3, 4]


def test_a_wall_written_before_the_count_still_draws() -> None:
    from kit.views.negative import wall_html
    comments, responses = frames(SAME[:1] + OTHERS[:1], ["c1", "c2"])
    old = wall.wall(comments, responses, set()).drop(columns="said_by")          # as runs before this change wrote it
    html = wall_html(old)
    assert html.count("said by 1 customer") == 2 and "1 customers" not in html
