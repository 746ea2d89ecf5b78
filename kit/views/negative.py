"""The detractor wall as HTML: the most severe unhappy answers, in the notebook and the negative
room; and what the negative notebook shows of the step's result.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kit.analysis.scorecard import answers_text
from kit.core.exhibits import WATERFALL_ID, gallery_link
from kit.core.templates import render
from kit.steps.negative import NegativeResult


def wall_html(quotes: pd.DataFrame) -> str:
    """The wall as HTML cards (negative/wall.html.j2): Persian quotes right to left, each leading to its source."""
    cards = []
    for q in quotes.itertuples(index=False):
        themed = bool(q.theme and pd.notna(q.theme_answers))
        cards.append({"border": 4 + int(8 * q.severity), "dir": "rtl" if q.lang == "fa" else "ltr", "lang": q.lang,
                      "text": q.text, "severity": q.severity, "theme": q.theme if themed else None,
                      "theme_answers": int(q.theme_answers) if themed else None,
                      "href": gallery_link(exhibit=q.exhibit) if q.exhibit else None, "source": q.source, "locator": q.locator,
                      "where": [x for x in (q.stage, q.channel) if isinstance(x, str) and x]})
    css = ("<style>.cx-wall{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:12px}"
           ".cx-wq{margin:0;padding:10px 14px;background:#f4f6f7;border-radius:6px}"
           ".cx-wq blockquote{margin:0 0 8px;font-size:15px}.cx-wq figcaption{font-size:12px;color:#424949}</style>")
    return css + render("negative/wall.html.j2", quotes=cards)


def inputs(result: NegativeResult) -> str:
    """What the step read."""
    i = result.inputs
    return (f"{len(i.customers):,} customers in the contact log, {len(i.responses):,} answers, "
            f"{len(i.moments):,} moments, {len(i.records):,} exhibits from earlier steps")


def waterfall(result: NegativeResult) -> list[str]:
    """Show the paper waterfall; its findings as sentences (or why there is none: it needs a contact log)."""
    fig = result.figures.get(WATERFALL_ID)
    if fig is None:
        return ["No contact log in project.yaml (contacts:), so there is no waterfall of messages per week."]
    fig.show()
    return [e.caption for e in result.waterfall]


def scorecard_text(result: NegativeResult) -> str:
    """The channel scorecard's answers as sentences, one a line."""
    return "\n".join(answers_text(result.answers))


def ranked(result: NegativeResult, top: int = 10) -> list[tuple[Any, ...]]:
    """The first negative experiences of the ranking: rank, title, score."""
    return [(e["rank"], e["title"], e["score"]) for e in result.ranked[:top]]
