"""A finished chart put into the page language: font, digits, hover text and direction.

Chart functions write their words through the message catalogue (``kit/assets/messages/charts.yaml``)
and then hand the figure to ``localize``, which does what every Persian chart needs alike:

- Vazirmatn as the font (the pages embed it; a static image falls back to Tahoma or any sans-serif);
- tick labels of numeric axes in Persian digits with Persian separators (``kit.charts.ticks``);
- hover text with its numbers in Persian digits: plotly formats ``%{y:.2f}`` with Latin digits in
  every locale, so each point's hover text is written here and the template only shows it;
- right-to-left: title and horizontal legend on the right, notes in the margins mirrored, and text
  holding Persian words embedded right-to-left (SVG text is laid out left-to-right otherwise, which
  puts "NPS" at the wrong end of a Persian title); charts whose x axis is a sequence (the journey's
  stages, weeks, time in a recording) run from right to left with their y axis on the right.

English figures are returned untouched, so English output stays exactly what it was.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kit.charts import ticks
from kit.core import i18n

FONT = "Vazirmatn, Tahoma, sans-serif"
SEPARATORS = "٫٬"                      # plotly's decimal and thousands separators, for anything it formats itself
RLE, LRE, PDF = "\u202b", "\u202a", "\u202c"   # right-/left-to-right embedding: the bidi controls SVG text honours
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u200e\u200f\u2066\u2067\u2068\u2069"
_LETTERS = re.compile(r"[\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\ufb50-\ufdff\ufe70-\ufefc]")
_FIELD = re.compile(r"%\{([^}:|]+)(?:([:|])([^}]*))?\}")
_EXTRA = re.compile(r"<extra>.*?</extra>", re.S)
_SPEC = re.compile(r"^(?P<sign>\+)?(?P<group>,)?(?:\.(?P<places>\d+))?(?P<kind>[fgd%])?$")
_NUMERIC = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def is_english(lang: str) -> bool:
    """Whether charts are drawn as they always were (anything not Persian is English)."""
    return i18n.language(lang) == "en"


def num(value: Any, lang: str, spec: str = ".0f") -> str:
    """A number in chart text: in English exactly as ``format(value, spec)``; else in ``lang``'s digits.

    ``spec`` is a Python (and d3) format such as ``.2f``, ``+.1f``, ``,`` or ``g``; in Persian its sign
    and decimal places are kept and the digits and separators become Persian.
    """
    if is_english(lang):
        return format(value, spec)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    m = _SPEC.match(spec or "")
    sign = bool(m and m["sign"])
    if m and m["places"] is not None and m["kind"] in ("f", "%", None):
        places = int(m["places"])
    else:
        places = 0 if float(value).is_integer() else len(f"{float(value):.2f}".rstrip("0").split(".")[1])
    text = i18n.number(float(value), lang, places, sign=sign)
    # a signed number keeps its sign on its left inside right-to-left text (as Persian writes ‎−۰٫۴)
    return LRE + text + PDF if text[:1] in "+-\u2212" else text


def pct(value: Any, lang: str, spec: str = ".0f") -> str:
    """A share in percent: ``45%`` in English, ``۴۵٪`` in Persian."""
    return num(value, lang, spec) + ("%" if is_english(lang) else "٪")


def digits(text: str, lang: str) -> str:
    """Kit-made text with numbers in it (a band ``7-13``, a time ``00:01:30``) in ``lang``'s digits."""
    return str(text) if is_english(lang) else str(text).translate(_DIGITS)


def plain(text: str | None) -> str:
    """Chart text without the bidi controls ``localize`` put in (for an exhibit's title, shown as HTML)."""
    return "".join(ch for ch in (text or "") if ch not in BIDI_CONTROLS)


def rtl(text: Any) -> Any:
    """Text with Persian words embedded right-to-left, every line of it; other values as they are."""
    if not isinstance(text, str) or not _LETTERS.search(text) or text.startswith(RLE):
        return text
    return RLE + text.replace("<br>", "<br>" + RLE)


def localize(fig: go.Figure, lang: str, *, sequence: bool = False) -> go.Figure:
    """``fig`` drawn for ``lang`` (changed in place and returned); English figures are left as they are.

    ``sequence``: the x axis is an order in time (stages, periods, seconds) that runs right to left
    in a right-to-left language.
    """
    if is_english(lang):
        return fig
    fig.update_layout(font_family=FONT, hoverlabel_font_family=FONT, separators=SEPARATORS)
    for trace in fig.data:
        _hover(trace, lang)
    ticks.number_axes(fig, lang)
    if i18n.direction(lang) == "rtl":
        _right_to_left(fig, sequence)
    return fig


# --- hover text ---------------------------------------------------------------------------------------

def _skipped(trace: Any) -> bool:
    info = getattr(trace, "hoverinfo", None)
    return trace.type == "table" or info in ("skip", "none")


def _hover(trace: Any, lang: str) -> None:
    """Write each point's hover text with ``lang``'s digits and let the template only show it."""
    if _skipped(trace) or not hasattr(trace, "hovertext"):
        return
    template = trace.hovertemplate
    if template is None:
        template = "%{y}: %{x}" if getattr(trace, "orientation", None) == "h" else "%{x}: %{y}"
    if not isinstance(template, str):
        return
    extra = "".join(_EXTRA.findall(template))
    body = _EXTRA.sub("", template)
    texts = _heatmap_texts(trace, body, lang) if trace.type == "heatmap" else _point_texts(trace, body, lang)
    trace.update(hovertext=texts, hovertemplate="%{hovertext}" + extra)


def _column(values: Any) -> list[Any]:
    if values is None:
        return []
    if isinstance(values, str):
        return [values]
    return list(values) if not isinstance(values, np.ndarray) else list(values)


def _fill(body: str, point: dict[str, Any], lang: str) -> str:
    def one(m: re.Match[str]) -> str:
        name, how, fmt = m.group(1).strip(), m.group(2), m.group(3) or ""
        return _shown(_lookup(point, name), how, fmt, lang)
    return rtl(_FIELD.sub(one, body))


def _lookup(point: dict[str, Any], name: str) -> Any:
    index = re.match(r"^(\w+)\[(\d+)\]$", name)
    if index:
        value = point.get(index.group(1))
        try:
            return value[int(index.group(2))]
        except (TypeError, IndexError, KeyError):
            return None
    return point.get(name)


def _shown(value: Any, how: str | None, fmt: str, lang: str) -> str:
    """One placeholder's value as text: numbers (also numbers written as text) in ``lang``'s digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if how == "|":
        return digits(pd.Timestamp(value).strftime(fmt), lang)
    if isinstance(value, str) and _NUMERIC.match(value.strip()):
        value = float(value)
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.integer | np.floating):
        return str(value)
    return num(float(value), lang, fmt or "g")


def _point_texts(trace: Any, body: str, lang: str) -> list[str]:
    columns = {name: _column(getattr(trace, name, None)) for name in ("x", "y", "text", "customdata")}
    n = max(len(columns["x"]), len(columns["y"]))
    texts = []
    for i in range(n):
        point = {name: (col[0] if name == "text" and len(col) == 1 and n > 1 else col[i] if i < len(col) else None)
                 for name, col in columns.items()}
        texts.append(_fill(body, point, lang))
    return texts


def _heatmap_texts(trace: Any, body: str, lang: str) -> list[list[str]]:
    xs, ys, z = _column(trace.x), _column(trace.y), _column(trace.z)
    text, data = _column(trace.text), _column(trace.customdata)

    def cell(grid: list[Any], r: int, c: int) -> Any:
        try:
            return grid[r][c]
        except (TypeError, IndexError):
            return None
    return [[_fill(body, {"x": x, "y": y, "z": cell(z, r, c), "text": cell(text, r, c),
                          "customdata": cell(data, r, c)}, lang) for c, x in enumerate(xs)]
            for r, y in enumerate(ys)]


# --- right to left -------------------------------------------------------------------------------------

def _right_to_left(fig: go.Figure, sequence: bool) -> None:
    layout = fig.layout
    if layout.title.text:
        layout.title.update(text=rtl(layout.title.text), x=1, xanchor="right", xref="paper")
    if layout.legend.orientation == "h":
        layout.legend.update(x=1, xanchor="right", traceorder="reversed")
    reversed_axes = set()
    for name in ticks.axis_names(fig):
        axis = layout[name]
        if axis.title.text:
            axis.title.text = rtl(axis.title.text)
        if axis.ticktext is not None:
            axis.ticktext = [rtl(v) for v in axis.ticktext]
        else:
            _category_words(fig, name, axis)
        if sequence and name.startswith("xaxis"):
            _reverse(axis)
            reversed_axes.add("x" + name[5:])
        if sequence and name.startswith("yaxis"):
            axis.side = "right"
    if sequence and layout.margin.l is not None and layout.margin.r is not None:
        layout.margin.update(l=layout.margin.r, r=layout.margin.l)
    for note in layout.annotations:
        _mirror_note(note, reversed_axes)
    for trace in fig.data:
        _trace_words(trace)


def _category_words(fig: go.Figure, name: str, axis: Any) -> None:
    """Category labels holding Persian words laid out right to left (``۱. مشتری ...`` keeps its number on the right)."""
    words = ticks.categories(fig, name)
    if any(rtl(w) != w for w in words):
        axis.update(tickvals=words, ticktext=[rtl(w) for w in words])


def _reverse(axis: Any) -> None:
    if axis.range is not None and None not in axis.range:
        axis.range = [axis.range[1], axis.range[0]]
    else:
        axis.autorange = "reversed"


def _mirror_note(note: Any, reversed_axes: set[str]) -> None:
    """A note at an edge moves to the other edge; one pinned to a point of a reversed axis keeps its side of the point."""
    note.text = rtl(note.text)
    xref = note.xref or "x"
    swap = {"left": "right", "right": "left"}
    if xref == "paper" or xref.endswith(" domain"):
        if note.x is not None and 1e-9 < note.x < 1 - 1e-9:
            return                              # over a subplot (its title): the subplots keep their places
        note.x = 1 - (note.x or 0)
        note.xanchor = swap.get(note.xanchor or "auto", note.xanchor)
    elif xref.split(" ")[0] in reversed_axes:
        if note.xshift:
            note.xshift = -note.xshift
        note.xanchor = swap.get(note.xanchor or "auto", note.xanchor)


def _trace_words(trace: Any) -> None:
    """Legend names, labels on bars and cells, colour bar and table text: Persian words laid out right to left."""
    if getattr(trace, "name", None):
        trace.name = rtl(trace.name)
    if trace.type == "table":       # columns stay in reading order: the report turns them into an HTML table
        trace.header.values = [rtl(v) for v in trace.header.values or []]
        trace.cells.values = [[rtl(v) for v in col] for col in trace.cells.values or []]
        trace.header.align = trace.cells.align = "right"
        return
    text = getattr(trace, "text", None)
    if isinstance(text, str):
        trace.text = rtl(text)
    elif text is not None and trace.type != "heatmap":
        trace.text = [rtl(v) for v in text]
    elif text is not None:
        trace.text = [[rtl(v) for v in row] for row in text]
    if trace.type == "heatmap" and trace.colorbar.title.text:
        trace.colorbar.title.text = rtl(trace.colorbar.title.text)
