"""The detractor wall as HTML: the most severe distinct complaints, in the notebook and the negative
room; severity and reach in words; and what the negative notebook shows of the step's result.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kit.analysis import titles
from kit.analysis.scorecard import answers_text
from kit.core import i18n
from kit.core.bidi import isolate, isolate_each
from kit.core.exhibits import WATERFALL_ID, gallery_link
from kit.core.severity import severity_text
from kit.core.templates import render
from kit.steps.negative import NegativeResult


def _said_by(q: Any) -> int:
    value = getattr(q, "said_by", None)              # a wall written before complaints were merged has none
    return 1 if value is None or pd.isna(value) else int(value)


def _theme(q: Any, lang: str) -> str:
    if not (isinstance(q.theme, str) and q.theme and pd.notna(q.theme_answers)):
        return i18n.t("nr_no_theme", lang)
    return i18n.template("nr_theme_shared", lang, int(q.theme_answers)).format(
        n=isolate(i18n.number(int(q.theme_answers), lang)), theme=isolate(q.theme))


def wall_html(quotes: pd.DataFrame, lang: str = "en") -> str:
    """The wall as HTML cards (negative/wall.html.j2): each complaint once, who said it and how bad it was,
    Persian quotes right to left, each leading to its evidence in the gallery."""
    cards = []
    for q in quotes.itertuples(index=False):
        source = "nr_from_social" if str(q.source).endswith("social.csv") or str(q.comment_id).startswith("social") \
            else "nr_from_survey"
        where = titles.place(q.stage if isinstance(q.stage, str) else None,
                             q.channel if isinstance(q.channel, str) else None, lang)
        cards.append({"border": 4 + int(8 * q.severity), "dir": i18n.text_dir(q.lang), "lang": q.lang, "text": q.text,
                      "said_by": i18n.count("nr_said_by", _said_by(q), lang),
                      "facts": i18n.join(isolate_each([severity_text(q.severity, lang), _theme(q, lang)]), lang),
                      "where": i18n.join(isolate_each([where, i18n.t(source, lang)]), lang),
                      "href": gallery_link(exhibit=q.exhibit) if q.exhibit else None})
    return render("negative/wall.html.j2", quotes=cards, lang=lang)


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
