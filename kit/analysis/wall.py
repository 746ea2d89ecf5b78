"""The detractor wall: the most severe unhappy answers, each with how many answers share its theme.

A quote's severity is its negative sentiment when the text was scored, else its author's NPS
(``1 - nps/10``: a 0 is 1.0, a 6 is 0.4). Themes come from ``comments.themes`` (separated by ``;``,
``,`` or ``|``); "shares its theme" counts the unhappy answers and posts carrying the same first theme.
Text is already redacted at ingest; it is escaped wherever it is shown.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

UNHAPPY_FIELDS = ("disliked_most", "social_post")
_SPLIT = re.compile(r"\s*[;,|]\s*")


def first_theme(themes: object) -> str:
    if isinstance(themes, (list, tuple, np.ndarray)):
        items = [str(t) for t in themes if str(t).strip()]
    elif isinstance(themes, str):
        items = [t for t in _SPLIT.split(themes.strip()) if t]
    else:
        items = []
    return items[0] if items else ""


def wall(comments: pd.DataFrame, responses: pd.DataFrame, exhibit_ids: set[str], limit: int = 12) -> pd.DataFrame:
    """The ``limit`` most severe unhappy texts (detractors' answers, negative posts), most severe first."""
    c = comments[comments["field"].isin(UNHAPPY_FIELDS)].copy()
    c = c[c["text"].fillna("").str.strip() != ""]
    c = c.merge(responses[["response_id", "nps", "stage", "channel", "source_row", "source_file"]],
                on="response_id", how="left")
    nps = pd.to_numeric(c["nps"], errors="coerce")
    sent = pd.to_numeric(c["sentiment"], errors="coerce")
    c["severity"] = (-sent).clip(0, 1).where(sent.notna(), (1 - nps / 10).where(nps <= 6))
    c["theme"] = c["themes"].map(first_theme) if "themes" in c else ""
    negative = c[(c["severity"] > 0) & (nps.isna() | (nps <= 6))].copy()
    shared = negative[negative["theme"] != ""].groupby("theme").size()
    negative["theme_answers"] = negative["theme"].map(shared).astype("Int64")
    negative = negative.sort_values(["severity", "comment_id"], ascending=[False, True]).head(limit)
    negative["exhibit"] = [f"survey-{r}-{f}" if f"survey-{r}-{f}" in exhibit_ids else ""
                           for r, f in zip(negative["response_id"], negative["field"], strict=True)]
    negative["locator"] = [f"row {int(r)}" if pd.notna(r) else str(cid)
                           for r, cid in zip(negative["source_row"], negative["comment_id"], strict=True)]
    return negative[["comment_id", "text", "lang", "severity", "theme", "theme_answers", "stage", "channel",
                     "source", "locator", "exhibit"]].reset_index(drop=True)
