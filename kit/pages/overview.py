"""The overview page, in the order an executive reads it: the finding in a sentence or two, the five
worst experiences as people lived them, the scores judged against their targets, the journey curve
against the designed one, and this run's workshop tallies. Everything is read from the run folder.

The workshop tallies are drawn by the page's last cell (``workshop_tallies``), after the visitor
has arrived: a preheated page runs long before anyone opens it, and tallies drawn then would miss
every vote cast in between.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import HTML, display

from kit.analysis.headline import headline_sentences
from kit.charts import journey as overview_chart
from kit.charts import survey as charts
from kit.charts.journey import HEIGHT, SVG, WIDTH
from kit.core import i18n, runfolder, visitor
from kit.core.bidi import isolate
from kit.core.errors import RunFileError
from kit.core.exhibits import GALLERY_PAGE
from kit.core.templates import Markup, render
from kit.pages import plotly as page_plotly
from kit.pages.page import _lang, _load, _message, log, visitor_arrived
from kit.views import html as pages
from kit.views import worst

NEGATIVE_PAGE = "negative.ipynb"
_shown: dict[str, Any] = {}                  # what ``overview`` drew: the run and language the tallies belong to


def _read_journey(run_dir: Path) -> pd.DataFrame | None:
    if not runfolder.has_table(run_dir, "journey"):
        return None
    table = runfolder.read_table(run_dir, "journey")
    missing = overview_chart.REQUIRED - set(table.columns)
    if missing:
        log.error("%s lacks columns %s", runfolder.table_path(run_dir, "journey"), sorted(missing))
        return None
    return table


def _read_negatives(run_dir: Path) -> list[dict[str, Any]] | None:
    """The ranking; None when the run has none or it cannot be read (the page then shows the worst exhibits)."""
    try:
        return runfolder.read_negatives(run_dir)
    except RunFileError:
        log.exception("could not read the ranking of %s", run_dir)
        return None


def negatives_html(negatives: list[dict[str, Any]], run_dir: Path, lang: str, limit: int = 5,
                   records: list[dict[str, Any]] | None = None) -> str:
    """The top ranked negative experiences, each with its photo or clip still (else its words), leading to its exhibits."""
    return worst.worst_html(negatives, records or [], run_dir, lang, limit)


def _worst_exhibits(records: list[dict[str, Any]], summary: dict[str, Any]) -> list[dict[str, Any]]:
    by_id = {r["id"]: r for r in records}
    if summary.get("worst"):
        return [by_id[i] for i in summary["worst"] if i in by_id]
    return sorted((r for r in records if r.get("valence") is not None and r["valence"] < 0),
                  key=lambda r: (r["valence"], -(r.get("severity") or 0)))[:5]


def _workshops_html(run_dir: Path, summary: dict[str, Any], lang: str) -> str:
    try:
        from kit.pages import workshop as workshop_ui
        past = [p for p in summary.get("past_workshops") or [] if isinstance(p, dict)]
        return workshop_ui.overview_panel(run_dir, lang, past=past) or ""
    except Exception:  # noqa: BLE001 - one panel failing must not take the overview down
        log.exception("workshop overview panel failed")
        return ""


def overview() -> None:
    """One screen: the finding, the five worst experiences, the scores against their targets, the journey curve."""
    loaded = _load("overview.ipynb")
    if loaded is None:
        return
    run_dir, summary, records = loaded
    lang = _lang(summary)
    _shown.update(run_dir=run_dir, summary=summary, lang=lang)
    try:
        _overview(run_dir, summary, records, lang)
    except Exception:  # noqa: BLE001
        log.exception("overview failed")
        _message(i18n.t("page_failed", lang), lang)


def _interactive_journey(run_dir: Path, summary: dict[str, Any], lang: str) -> None:
    """The journey curve drawn by plotly in the page: for runs made without its SVG (slower to paint)."""
    journey = _read_journey(run_dir)
    if journey is not None and len(journey):
        page_plotly.show(overview_chart.journey_figure(journey, summary.get("stages") or [], lang))
        return
    _message(i18n.t("journey_missing", lang), lang)
    by_stage = pd.DataFrame(summary.get("by_stage") or [])
    if len(by_stage):
        title = i18n.t("nps_by_stage", lang, n=isolate(i18n.number(int(by_stage["responses"].sum()), lang)))
        page_plotly.show(charts.score_by_group(by_stage, "stage", "nps", summary.get("ideal"), title=title, lang=lang))


def _worst_part(run_dir: Path, summary: dict[str, Any], records: list[dict[str, Any]],
                negatives: list[dict[str, Any]] | None, lang: str) -> str:
    """The five worst experiences: the ranking when the run has one, else its most negative exhibits."""
    if negatives:
        top = negatives_html(negatives, run_dir, lang, records=records)
    else:
        top = (render("gallery/message.html.j2", text=i18n.t("negatives_missing", lang))
               + pages.grid_html(_worst_exhibits(records, summary), run_dir))
    return render("overview/body.html.j2", lang=lang, negatives=Markup(top))


def _overview(run_dir: Path, summary: dict[str, Any], records: list[dict[str, Any]], lang: str) -> None:
    negatives = _read_negatives(run_dir)
    opening = (render("overview/headline.html.j2", sentences=headline_sentences(summary, negatives, lang))
               + render("overview/heading.html.j2", lang=lang, name=summary.get("name", "Experience"), run=run_dir.name,
                        exhibits=len(records), gallery=GALLERY_PAGE, negative=NEGATIVE_PAGE,
                        served=visitor.gate_key() is not None)
               + _worst_part(run_dir, summary, records, negatives, lang) + pages.tiles_html(summary, lang))
    static = image_html(run_dir, lang, link=NEGATIVE_PAGE, summary=summary)
    display(HTML(pages.page_css(lang) + _open(lang) + opening + (static or "") + "</div></div>"))
    if not static:
        _interactive_journey(run_dir, summary, lang)
        display(HTML(_open(lang) + worst.journey_list_html(summary, lang) + "</div></div>"))   # the phone's reading


def _open(lang: str) -> str:
    """Each overview block sits in a ``cx-overview`` frame: readable width on a projector, no sideways scroll on a phone."""
    return pages.page_open(lang) + '<div class="cx-overview">'


def workshop_tallies() -> None:
    """The workshop tallies as they are when the visitor arrives (waits for a preheated page's visitor first)."""
    visitor_arrived("overview.ipynb")
    if not _shown:
        return
    lang = _shown["lang"]
    workshops = _workshops_html(_shown["run_dir"], _shown["summary"], lang)
    if workshops:
        body = render("overview/workshops.html.j2", lang=lang, workshops=Markup(workshops))
        display(HTML(_open(lang) + body + "</div></div>"))


def image_html(run_dir: Path, lang: str, link: str = "", summary: dict[str, Any] | None = None) -> str | None:
    """The stored SVG as an ``<img>`` (overview/journey.html.j2), captioned with ``link`` to the interactive curve.

    With ``summary`` the same journey follows as a list per stage, which narrow screens show instead
    of the image (its labels would be a few pixels high on a phone).
    """
    path = Path(run_dir) / SVG
    if not path.is_file():
        return None
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    rows = Markup(worst.journey_list_html(summary, lang)) if summary else ""
    return render("overview/journey.html.j2", data=data, lang=lang, link=link, width=WIDTH, height=HEIGHT, rows=rows)
