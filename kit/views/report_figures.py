"""The negative room's chart views as the report shows them: sized to the page, tables as tables.

The negative step draws its figures at a fixed width for the pages (1000-1200 px). The report's
column is narrower (about 1030 px on screen, 700 px on A4), so a fixed-width figure either spills
past the column (its right edge, such as the paper waterfall's dose-response panel, cut off) or is
shrunk as a picture when printed (a table's words down to 6 pt). Here every figure loses its
fixed width and follows its column, and a plotly table is shown as an HTML table instead, which
wraps its words at a readable size on any width.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kit.core import exhibits as ex
from kit.core.i18n import t
from kit.core.runfolder import media_path
from kit.core.templates import render
from kit.views import html as pages

_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
# the negative room's views; the survey and recording charts have their own sections or live in the gallery
NEGATIVE_VIEWS = (ex.WATERFALL_ID, ex.JOURNEY_ID, ex.PAIN_ID, ex.WALL_ID, ex.SCORECARD_ID)
TITLE_CHARS = 60       # a title longer than this runs off a figure printed in an A4 column (about 650 px)
MIN_RIGHT_MARGIN = 70     # room for the labels plotly writes right of the last point
WIDE_COLUMNS = 7       # a table with more columns than this (and fewer rows) is turned on its side
MAX_ROWS = 25          # a printed table past this many rows is sampled from the gallery, not the report


def fit(fig: Any) -> Any:
    """The figure without a fixed width, so plotly draws it at its column's width (its height kept).

    A long title is broken in two (plotly never wraps one, so it runs off a narrow figure's edge), and the
    right margin leaves room for the labels plotly writes beside the last point (the dose-response's "n="),
    which are no longer cut at the axis' end.
    """
    fig.update_layout(width=None, autosize=True)
    margin = fig.layout.margin
    fig.update_layout(margin={"r": max(margin.r or 0, MIN_RIGHT_MARGIN)})
    fig.update_traces(cliponaxis=False, selector={"type": "scatter"})    # a point's label may pass the axis' end
    title = fig.layout.title.text if fig.layout.title else None
    if title and len(title) > TITLE_CHARS and "<br" not in title:
        fig.update_layout(title_text=wrap_title(title), margin={"t": max(margin.t or 0, 90)})
    return fig


def wrap_title(title: str) -> str:
    """A title broken at the space nearest its middle (plotly's ``<br>``), for figures narrower than it."""
    middle = len(title) // 2
    spaces = [i for i, c in enumerate(title) if c == " "]
    if not spaces:
        return title
    cut = min(spaces, key=lambda i: abs(i - middle))
    return title[:cut] + "<br>" + title[cut + 1:]


def _text(value: Any) -> str:
    """A plotly table cell as plain words: plotly's own markup (``<b>``, ``<br>``) dropped, the words kept."""
    return _TAG.sub("", _BREAK.sub(" ", str(value if value is not None else ""))).strip()


def is_table(fig: Any) -> bool:
    return bool(fig.data) and all(getattr(trace, "type", "") == "table" for trace in fig.data)


def table_rows(fig: Any) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the figure's (first) table trace: plotly stores a table column by column."""
    trace = fig.data[0]
    header = [_text(h) for h in (trace.header.values or [])]
    columns = [list(col) if isinstance(col, (list, tuple)) else [col] for col in (trace.cells.values or [])]
    n = max((len(c) for c in columns), default=0)
    rows = [[_text(c[i]) if i < len(c) else "" for c in columns] for i in range(n)]
    return header, rows


def reflow(header: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """A wide, short table turned on its side (one row per column), so a page's width holds it.

    The channel scorecard has a dozen measures for six channels: a dozen columns do not fit an A4 column
    at a readable size, six do.
    """
    if len(header) <= WIDE_COLUMNS or len(rows) >= len(header) or not rows:
        return header, rows
    turned = [header[0]] + [r[0] for r in rows]
    return turned, [[header[i]] + [r[i] for r in rows] for i in range(1, len(header))]


def table_html(fig: Any, lang: str = "en") -> str:
    """A plotly table as an HTML table (``report/table.html.j2``), at most ``MAX_ROWS`` rows and a count of the rest."""
    header, rows = reflow(*table_rows(fig))
    numeric = [i > 0 and all(_is_number(r[i]) for r in rows if r[i]) for i in range(len(header))]
    return render("report/table.html.j2", header=header, rows=rows[:MAX_ROWS], numeric=numeric,
                  more=max(0, len(rows) - MAX_ROWS), lang=lang)


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[−+\-]?[\d.,%٪۰-۹٫٬ ]+", text))


def chart_views(run_dir: Path, exhibits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Chart exhibits (the negative room's views), most severe first, with the files they point to."""
    views = []
    for rec in exhibits:
        if rec.get("kind") != "chart" or rec.get("id") not in NEGATIVE_VIEWS:
            continue
        media = rec.get("media") or {}
        views.append({"record": rec, "figure": media_path(run_dir, media.get("figure")),
                      "thumb": media_path(run_dir, media.get("thumb"))})
    return sorted(views, key=lambda v: -(v["record"].get("severity") or 0))


def show_chart_views(run_dir: Path, exhibits: list[dict[str, Any]], lang: str = "en") -> None:
    """Display each chart view: a figure at its column's width, a table as a table, else its PNG."""
    import plotly.io as pio
    from IPython.display import HTML, display
    views = chart_views(run_dir, exhibits)
    if not views:
        display(HTML(render("report/note.html.j2", text=t("report_no_views", lang))))
        return
    for v in views:
        rec = v["record"]
        title = rec.get("title") or ""
        display(HTML(render("report/view.html.j2", title=title, caption=rec.get("caption") or "")))
        if v["figure"] is not None:
            fig = pio.from_json(v["figure"].read_text(encoding="utf-8"))
            if is_table(fig):
                display(HTML(table_html(fig, lang)))
            else:
                fit(fig).show()
        elif v["thumb"] is not None:
            display(HTML(render("report/view_image.html.j2", src=pages.data_uri(v["thumb"]), title=title)))
        else:
            display(HTML(render("report/note.html.j2", text=t("report_view_missing", lang))))
