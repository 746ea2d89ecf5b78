"""Titles written for people: a customer's own words, or where and how many in plain words; never an id."""

from __future__ import annotations

import re

import pandas as pd

from kit.analysis import pain, titles

ID_LIKE = re.compile(r"survey-R_|rec-s\d|\.parquet|\.json|\.csv|_", re.IGNORECASE)


def test_quote_title_uses_the_customers_words_cut_at_a_word() -> None:
    quote = ("Okay. So this is what it looks like right now with forty-three unread notifications, and every one "
             "of them says it is urgent, which it never is.")
    title = titles.excerpt(quote)
    assert title.startswith("This is what it looks like right now")               # the empty opener is gone
    assert len(title) <= titles.TITLE_CHARS and title.endswith("…")
    body, lower = title[:-1].lower(), quote.lower()
    assert body in lower and lower[lower.index(body) + len(body)] == " "            # cut between words


def test_a_short_quote_is_kept_whole_and_placeholders_never_reach_a_title() -> None:
    assert titles.excerpt("  “The PDF guides keep coming. I have 25 of them now.”  ") == \
        "The PDF guides keep coming. I have 25 of them now."
    title = titles.excerpt("They asked for my number, I said [phone], and the texts kept coming anyway.")
    assert "[" not in title and title == "They asked for my number, I said…"


def test_empty_openers_in_either_language_are_left_out() -> None:
    assert titles.excerpt("Short answer: Too expensive for what is mostly emails.") == \
        "Too expensive for what is mostly emails."
    assert titles.excerpt("راستش، راهنمای PDF با اپ دو چیز متفاوت می‌گن.") == "راهنمای PDF با اپ دو چیز متفاوت می‌گن."


def test_persian_quote_and_persian_aggregate() -> None:
    title = titles.excerpt("قانون جایگزینی گیج‌کننده‌ست: می‌تونم جای مرغ توفو بخورم یا نه؟ هیچ‌جا نوشته نشده.")
    assert title.startswith("قانون جایگزینی گیج‌کننده‌ست")
    assert titles.unhappy("coaching", "app", 50, "fa") == "مربی‌گری در اپلیکیشن: ۵۰ مشتری ناراضی" or \
        titles.unhappy("coaching", "app", 50, "fa").endswith(": ۵۰ مشتری ناراضی")
    assert not re.search(r"[0-9]", titles.unhappy("coaching", "app", 50, "fa"))   # Persian digits


def test_aggregate_title_says_where_and_how_many_with_the_plural_right() -> None:
    assert titles.unhappy("coaching", "app", 50) == "Coaching in the app: 50 customers unhappy"
    assert titles.unhappy("support", "phone", 1) == "Support by phone: 1 customer unhappy"
    assert titles.unhappy("unspecified", "social", 5) == "On social media: 5 customers unhappy"
    assert titles.unhappy("unspecified", "unspecified", 2) == "Across the journey: 2 customers unhappy"
    assert titles.place("in_store_visit", None) == "In store visit"                 # a project's own key, in words
    assert titles.place(pd.NA, float("nan")) == "Across the journey"                # a table's missing values


def test_ranked_cells_have_no_ids_and_carry_their_strongest_quote() -> None:
    responses = pd.DataFrame({"response_id": ["R_1", "R_2", "R_3"], "customer_id": ["c1", "c2", "c3"],
                              "nps": [2, 3, 9], "stage": ["onboarding"] * 3, "channel": ["in_store", "in_store", "app"]})
    obs = pain.observations(responses, pd.DataFrame(), pd.DataFrame())
    records = [{"id": "survey-R_1-disliked_most", "kind": "quote", "stage": "onboarding", "channel": "in_store",
                "valence": -0.6, "severity": 0.8,
                "quote": "Okay. The shop was open. The staff were rude and the app crashed, a terrible start."},
               {"id": "survey-R_2-disliked_most", "kind": "quote", "stage": "onboarding", "channel": "in_store",
                "valence": -0.4, "severity": 0.4, "quote": "The shelves were a bit messy."}]
    [entry] = pain.cell_entries(obs, records, min_n=1)
    assert entry["title"] == "Onboarding in store: 2 customers unhappy"
    assert entry["quote"] == "The staff were rude and the app crashed, a terrible start."     # the most negative sentence
    assert not ID_LIKE.search(entry["title"])
