"""The detractor wall: the most severe distinct complaints, each once, with how many customers said it.

Answers that say the same thing in nearly the same words ("The bank page opens and then the app
crashes" with or without "Please fix this.") are one complaint: texts are compared as TF-IDF
vectors of character n-grams (3-5 letters within words, so Persian and English alike, and a typo
or an added hashtag changes little) and an answer joins the most severe complaint whose cosine
similarity to it is at least ``SIMILAR``. ``said_by`` counts the distinct customers behind a
complaint (a post counts its author once). Twelve slots then hold twelve different complaints.

A quote's severity is its negative sentiment when the text was scored, else its author's NPS
(``1 - nps/10``: a 0 is 1.0, a 6 is 0.4). Themes come from ``comments.themes`` (separated by ``;``,
``,`` or ``|``); "shares its theme" counts the unhappy answers and posts carrying the same first theme.
Text is already redacted at ingest; it is escaped wherever it is shown.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

UNHAPPY_FIELDS = ("disliked_most", "social_post")
_SPLIT = re.compile(r"\s*[;,|]\s*")
SIMILAR = 0.6                 # cosine of char 3-5-gram TF-IDF vectors: reworded copies merge, other complaints do not
MAX_GROUPS = 400              # complaints formed before the wall is chosen (each costs one pass over the answers)


def first_theme(themes: object) -> str:
    if isinstance(themes, (list, tuple, np.ndarray)):
        items = [str(t) for t in themes if str(t).strip()]
    elif isinstance(themes, str):
        items = [t for t in _SPLIT.split(themes.strip()) if t]
    else:
        items = []
    return items[0] if items else ""


def similar_groups(texts: list[str], threshold: float = SIMILAR, max_groups: int = MAX_GROUPS) -> np.ndarray:
    """For texts in order of precedence, the index of the first text each one repeats (itself when new).

    Greedy: the first unassigned text founds a complaint and takes every unassigned text at least
    ``threshold`` similar to it. Texts left after ``max_groups`` complaints stay on their own (-1).
    """
    n = len(texts)
    labels = np.full(n, -1)
    if n == 0:
        return labels
    try:
        vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=True).fit_transform(texts)
    except ValueError:                           # nothing but one- or two-letter texts: compare them as written
        keys = [t.strip().lower() for t in texts]
        return np.array([keys.index(k) for k in keys])
    groups = 0
    for i in range(n):
        if labels[i] != -1:
            continue
        if groups >= max_groups:
            break
        sims = (vectors @ vectors[i].T).toarray().ravel()
        labels[(sims >= threshold) & (labels == -1)] = i
        labels[i] = i
        groups += 1
    return labels


def _who(c: pd.DataFrame) -> pd.Series:
    """Who said it: the customer when known, else the response, else the post."""
    who = c["customer_id"].astype("string") if "customer_id" in c else pd.Series(pd.NA, index=c.index, dtype="string")
    return who.fillna(c["response_id"].astype("string")).fillna(c["comment_id"].astype("string"))


def _wording(group: pd.DataFrame) -> int:
    """The row that words a complaint: its most common text (the plain one, not a copy with a tag or a
    greeting added), the most severe of those."""
    counts = group["text"].map(group["text"].value_counts())
    return int(group.assign(_n=counts).sort_values(["_n", "severity"], ascending=[False, False]).index[0])


def distinct_complaints(negative: pd.DataFrame, limit: int) -> pd.DataFrame:
    """One row per complaint with ``said_by`` and the severity of its worst answer: most severe first
    (in steps of 0.1), then the most often said."""
    ordered = negative.sort_values(["severity", "comment_id"], ascending=[False, True]).reset_index(drop=True)
    labels = similar_groups(ordered["text"].astype(str).tolist())
    labels = np.where(labels == -1, np.arange(len(ordered)), labels)
    ordered["_group"] = labels
    said_by = _who(ordered).groupby(labels).nunique()
    worst = ordered.groupby("_group")["severity"].max()
    heads = ordered.loc[[_wording(g) for _, g in ordered.groupby("_group", sort=False)]].copy()
    heads["said_by"] = heads["_group"].map(said_by).astype("int64")
    heads["severity"] = heads["_group"].map(worst)
    heads["_step"] = (heads["severity"] * 10).round()
    heads = heads.sort_values(["_step", "said_by", "severity", "comment_id"], ascending=[False, False, False, True])
    return heads.drop(columns=["_step", "_group"]).head(limit)


def wall(comments: pd.DataFrame, responses: pd.DataFrame, exhibit_ids: set[str], limit: int = 12) -> pd.DataFrame:
    """The ``limit`` most severe distinct complaints (detractors' answers, negative posts), each with ``said_by``."""
    c = comments[comments["field"].isin(UNHAPPY_FIELDS)].copy()
    c = c[c["text"].fillna("").str.strip() != ""]
    c = c.merge(responses[["response_id", "customer_id", "nps", "stage", "channel", "source_row", "source_file"]],
                on="response_id", how="left")
    nps = pd.to_numeric(c["nps"], errors="coerce")
    sent = pd.to_numeric(c["sentiment"], errors="coerce")
    c["severity"] = (-sent).clip(0, 1).where(sent.notna(), (1 - nps / 10).where(nps <= 6))
    c["theme"] = c["themes"].map(first_theme) if "themes" in c else ""
    negative = c[(c["severity"] > 0) & (nps.isna() | (nps <= 6))].copy()
    shared = negative[negative["theme"] != ""].groupby("theme").size()
    negative["theme_answers"] = negative["theme"].map(shared).astype("Int64")
    negative = distinct_complaints(negative, limit)
    negative["exhibit"] = [f"survey-{r}-{f}" if f"survey-{r}-{f}" in exhibit_ids else ""
                           for r, f in zip(negative["response_id"], negative["field"], strict=True)]
    negative["locator"] = [f"row {int(r)}" if pd.notna(r) else str(cid)
                           for r, cid in zip(negative["source_row"], negative["comment_id"], strict=True)]
    return negative[["comment_id", "text", "lang", "severity", "theme", "theme_answers", "stage", "channel",
                     "source", "locator", "exhibit", "said_by"]].reset_index(drop=True)
