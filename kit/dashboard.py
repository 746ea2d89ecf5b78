"""The Voilà pages, built as widgets from a run folder (the notebooks in gallery/ only call these).

A page never computes anything heavy and never shows a traceback: a missing run or a broken file
becomes one plain message, and the details go to the server's log.
"""

from __future__ import annotations

import logging
from html import escape
from typing import Any

import ipywidgets as w
import pandas as pd
from IPython.display import HTML, display

from kit import charts, pages
from kit.errors import KitError

log = logging.getLogger("cxkit.pages")
PAGE_SIZE = 48
FEELINGS = [("Any feeling", ""), ("Negative", "neg"), ("Neutral", "mid"), ("Positive", "pos")]


def _message(text: str) -> None:
    display(HTML(pages.CSS + f'<p class="cx-msg">{escape(text)}</p>'))


def _load() -> tuple[Any, dict[str, Any], list[dict[str, Any]]] | None:
    try:
        return pages.load_run()
    except KitError as exc:
        _message(str(exc))
    except Exception:  # noqa: BLE001 - a viewer sees a plain message; the log keeps the details
        log.exception("could not read the run folder")
        _message("This run folder could not be read. The server log has the details.")
    return None


def overview() -> None:
    """One screen: headline scores, NPS by stage against the ideal, the five worst exhibits."""
    loaded = _load()
    if loaded is None:
        return
    run_dir, summary, records = loaded
    display(HTML(pages.CSS + f"<h2>{escape(summary.get('name', 'Experience'))}</h2>"
                 f"<p>Run {escape(run_dir.name)} · {len(records):,} exhibits · "
                 '<a href="exhibits.ipynb">walk the whole gallery →</a></p>' + pages.tiles_html(summary)))
    by_stage = pd.DataFrame(summary.get("by_stage") or [])
    if len(by_stage):
        charts.score_by_group(by_stage, "stage", "nps", summary.get("ideal"),
                              title="NPS by journey stage: actual (95% interval) against the ideal").show()
    worst = sorted((r for r in records if r.get("valence") is not None and r["valence"] < 0),
                   key=lambda r: (r["valence"], -(r.get("severity") or 0)))[:5]
    display(HTML("<h3>The five most negative experiences</h3>" + pages.grid_html(worst, run_dir)))


def exhibits_browser() -> None:
    """Every exhibit as cards, with filters, search and pages of PAGE_SIZE."""
    loaded = _load()
    if loaded is None:
        return
    run_dir, summary, records = loaded

    def options(key: str, order: list[str] | None, label: str) -> list[tuple[str, str]]:
        values = {v for r in records for v in ((r.get(key) or []) if key == "lenses" else [r.get(key)]) if v}
        ordered = [v for v in (order or []) if v in values] + sorted(values - set(order or []))
        return [(label, "")] + [(v.replace("_", " "), v) for v in ordered]

    stage = w.Dropdown(options=options("stage", summary.get("stages"), "All stages"), description="")
    channel = w.Dropdown(options=options("channel", summary.get("channels"), "All channels"))
    kind = w.Dropdown(options=options("kind", None, "All kinds"))
    feeling = w.Dropdown(options=FEELINGS)
    lens = w.Dropdown(options=options("lenses", ["design", "engineering", "business"], "All lenses"))
    text = w.Text(placeholder="Search titles, captions, quotes", continuous_update=False)
    page = w.BoundedIntText(value=1, min=1, max=1, description="Page", layout=w.Layout(width="130px"))
    count = w.HTML()
    grid = w.HTML()
    for dd in (stage, channel, kind, feeling, lens):
        dd.layout = w.Layout(width="170px")

    def render(*_: Any) -> None:
        shown = pages.filter_exhibits(records, stage=stage.value, channel=channel.value, kind=kind.value,
                                      feeling=feeling.value, lens=lens.value, text=text.value)
        pages_n = max(1, -(-len(shown) // PAGE_SIZE))
        page.max = pages_n
        start = (min(page.value, pages_n) - 1) * PAGE_SIZE
        count.value = f"<b>{len(shown):,}</b> of {len(records):,} exhibits · page {min(page.value, pages_n)} of {pages_n}"
        grid.value = pages.CSS + pages.grid_html(shown[start:start + PAGE_SIZE], run_dir)

    def refilter(*_: Any) -> None:
        if page.value != 1:
            page.value = 1          # triggers render
        else:
            render()

    for control in (stage, channel, kind, feeling, lens, text):
        control.observe(refilter, names="value")
    page.observe(render, names="value")
    render()
    display(HTML(pages.CSS + f"<h2>{escape(summary.get('name', 'Experience'))}: the gallery</h2>"
                 '<p><a href="overview.ipynb">← overview</a> · open a card to see its clip or photo, '
                 "its evidence and its source</p>"),
            w.VBox([w.HBox([stage, channel, kind, feeling, lens]), w.HBox([text, page, count]), grid]))
