"""The detractor wall: the most severe unhappy answers, each with how many answers share its theme.

A quote's severity is its negative sentiment when the text was scored, else its author's NPS
(``1 - nps/10``: a 0 is 1.0, a 6 is 0.4). Themes come from ``comments.themes`` (separated by ``;``,
``,`` or ``|``); "shares its theme" counts the unhappy answers and posts carrying the same first theme.
Text is already redacted at ingest; it is escaped wherever it is shown.
"""

from __future__ import annotations
from kit.core.exhibits import gallery_link

import re
from html import escape
from typing import Any

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


def wall_html(quotes: pd.DataFrame) -> str:
    """The wall as HTML cards: Persian quotes right to left, every text escaped, each leading to its source."""
    cards = []
    for q in quotes.itertuples(index=False):
        rtl = q.lang == "fa"
        shared = (f"{int(q.theme_answers)} answers share the theme “{escape(q.theme)}”" if q.theme and pd.notna(q.theme_answers)
                  else "no theme recorded")
        link = (f'<a href="{escape(gallery_link(exhibit=q.exhibit))}">open exhibit</a>' if q.exhibit
                else f'<span>{escape(str(q.source))} · {escape(str(q.locator))}</span>')
        where = " · ".join(escape(str(x)) for x in (q.stage, q.channel) if isinstance(x, str) and x)
        cards.append(
            f'<figure class="cx-wq" style="border-inline-start:{4 + int(8 * q.severity)}px solid #222">'
            f'<blockquote dir="{"rtl" if rtl else "ltr"}" lang="{escape(str(q.lang))}">{escape(str(q.text))}</blockquote>'
            f'<figcaption>severity {q.severity:.2f} · {shared}<br>{where} · {link}</figcaption></figure>')
    css = ("<style>.cx-wall{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:12px}"
           ".cx-wq{margin:0;padding:10px 14px;background:#f4f6f7;border-radius:6px}"
           ".cx-wq blockquote{margin:0 0 8px;font-size:15px}.cx-wq figcaption{font-size:12px;color:#424949}</style>")
    return css + '<div class="cx-wall">' + "".join(cards) + "</div>"


def wall_records(quotes: pd.DataFrame) -> list[dict[str, Any]]:
    return quotes.astype(object).where(quotes.notna(), None).to_dict("records")
