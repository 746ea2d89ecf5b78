"""Tick marks chosen by the kit, so a Persian chart can write its own tick labels in Persian digits.

Plotly writes tick labels with Latin digits whatever the locale; the only way to show ``۲۰`` on an
axis is to give it ``tickvals`` and ``ticktext``. That means choosing the ticks here: round steps
(1, 2, 2.5 or 5 times a power of ten) over the axis's range, or over its data when plotly would
pick the range itself. Category and date axes are left alone (their labels are words, or set by
the chart that knows its calendar).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import plotly.graph_objects as go

from kit.core import i18n
from kit.core.text import hms

TARGET = 6                                   # about this many ticks on an axis
MULTIPLES = (1.0, 2.0, 2.5, 5.0, 10.0)
TIME_STEPS_S = (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200)
_AXIS = re.compile(r"^([xy])axis(\d*)$")
_WORD_AXES = ("category", "date", "multicategory")


def nice_step(span: float, target: int = TARGET) -> float:
    """The round step (1, 2, 2.5, 5 x 10^k) giving about ``target`` intervals over ``span``."""
    raw = abs(span) / max(1, target) or 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in MULTIPLES if m * magnitude >= raw * (1 - 1e-9))


def decimals(step: float) -> int:
    """Places a tick label needs so that neighbouring ticks ``step`` apart never read the same."""
    text = f"{step:.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def nice_ticks(lo: float, hi: float, target: int = TARGET, *, step: float | None = None,
               inside: bool = False) -> list[float]:
    """Round ticks over [lo, hi]; past both ends by one step when plotly chooses the range (``inside`` False)."""
    lo, hi = min(lo, hi), max(lo, hi)
    if hi - lo < 1e-12:
        lo, hi = lo - (abs(lo) or 1.0) / 2, hi + (abs(hi) or 1.0) / 2
    step = step or nice_step(hi - lo, target)
    first = math.ceil(lo / step - 1e-9) if inside else math.floor(lo / step + 1e-9)
    last = math.floor(hi / step + 1e-9) if inside else math.ceil(hi / step - 1e-9)
    places = decimals(step) + 2
    return [round(k * step, places) + 0.0 for k in range(first, last + 1)]


def log_ticks(lo: float, hi: float) -> list[float]:
    """1, 2 and 5 times each power of ten from below ``lo`` to above ``hi`` (only the powers over wide spans)."""
    lo, hi = max(min(lo, hi), 1e-9), max(lo, hi, 1e-9)
    low, high = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    multiples = (1.0,) if high - low > 3 else (1.0, 2.0, 5.0)
    return [round(m * 10 ** k, max(0, -k) + 1) for k in range(low, high + 1) for m in multiples
            if lo / 2 <= m * 10 ** k <= hi * 2]


def labels(values: Iterable[float], lang: str, places: int) -> list[str]:
    """Tick texts in the digits and separators of ``lang``."""
    return [i18n.number(v, lang, places) for v in values]


def time_ticks(lo_s: float, hi_s: float, lang: str) -> tuple[list[float], list[str]]:
    """Seconds into a recording at round steps (5 s ... 2 h), and their hh:mm:ss labels in ``lang``'s digits."""
    span = max(1.0, hi_s - lo_s)
    step = next((s for s in TIME_STEPS_S if span / s <= TARGET + 1), TIME_STEPS_S[-1])
    seconds = [float(k * step) for k in range(math.floor(lo_s / step), math.ceil(hi_s / step) + 1)]
    digits = i18n.PERSIAN_DIGITS if i18n.language(lang) == "fa" else str.maketrans("", "")
    return seconds, [hms(s).translate(digits) for s in seconds]


# --- every numeric axis of a figure -----------------------------------------------------------------

def _numbers(values: Any) -> np.ndarray | None:
    """Finite numbers of a trace's data, or None when it holds words or dates (not a numeric axis)."""
    if values is None:
        return np.array([])
    flat = np.asarray(values, dtype=object).ravel()
    out = []
    for v in flat:
        if v is None or isinstance(v, bool | np.bool_):
            continue
        if not isinstance(v, int | float | np.integer | np.floating):
            return None
        if math.isfinite(float(v)):
            out.append(float(v))
    return np.array(out)


def _error_ends(trace: go.BaseTraceType, letter: str, base: np.ndarray) -> list[float]:
    """Ends of a trace's error bars on axis ``letter`` (so ticks cover them too)."""
    err = getattr(trace, f"error_{letter}", None)
    if err is None or err.array is None or not len(base):
        return []
    try:
        up = np.asarray(err.array, dtype=float)
        down = np.asarray(err.arrayminus if err.arrayminus is not None else err.array, dtype=float)
        return list(base[: len(up)] + up) + list(base[: len(down)] - down)
    except (TypeError, ValueError):
        return []


def _traces_on(fig: go.Figure, letter: str, ref: str) -> Iterator[go.BaseTraceType]:
    for trace in fig.data:
        if trace.type in ("table", "pie", "sankey"):
            continue
        if (getattr(trace, f"{letter}axis", None) or letter) == ref:
            yield trace


def _data_range(fig: go.Figure, letter: str, ref: str, *, log: bool = False) -> tuple[float, float] | None:
    """Lowest and highest value plotted on one axis (only positive ones on a ``log`` axis), or None for words or dates."""
    found: list[float] = []
    for trace in _traces_on(fig, letter, ref):
        if trace.type == "heatmap":
            return None
        values = _numbers(getattr(trace, letter))
        if values is None:
            return None
        found += list(values) + [v for v in _error_ends(trace, letter, values) if math.isfinite(v)]
        bar_value_axis = "x" if getattr(trace, "orientation", None) == "h" else "y"
        if trace.type == "bar" and letter == bar_value_axis:
            found.append(0.0)
    if log:
        found = [v for v in found if v > 0]
    return (min(found), max(found)) if found else None


def _axis_ticks(fig: go.Figure, name: str, axis: Any, lang: str) -> None:
    if axis.type in _WORD_AXES or axis.tickvals is not None or axis.showticklabels is False:
        return
    letter, number = _AXIS.match(name).groups()  # type: ignore[union-attr]
    span = _data_range(fig, letter, letter + number, log=axis.type == "log")
    if span is None and axis.range is None:
        return
    if axis.type == "log":
        lo, hi = ((10 ** min(axis.range), 10 ** max(axis.range)) if axis.range is not None and None not in axis.range
                  else span or (1.0, 10.0))
        values = log_ticks(lo, hi)
        axis.update(tickvals=values, ticktext=labels(values, lang, max(decimals(v) for v in values) if values else 0))
        return
    explicit = axis.range is not None and None not in axis.range
    lo, hi = (min(axis.range), max(axis.range)) if explicit else span  # type: ignore[misc]
    step = float(axis.dtick) if isinstance(axis.dtick, int | float) else None
    values = nice_ticks(lo, hi, step=step, inside=explicit)
    axis.update(tickvals=values, ticktext=labels(values, lang, decimals(values[1] - values[0]) if len(values) > 1 else 0))


def axis_names(fig: go.Figure) -> list[str]:
    """Every x and y axis of the figure: those laid out and those a trace draws on."""
    names = {key for key in fig.layout.to_plotly_json() if _AXIS.match(key)}
    for trace in fig.data:
        if trace.type in ("table", "pie", "sankey"):
            continue
        for letter in "xy":
            ref = getattr(trace, f"{letter}axis", None) or letter
            names.add(f"{letter}axis{ref[1:]}")
    return sorted(names)


def number_axes(fig: go.Figure, lang: str) -> None:
    """Give every numeric axis and colour bar of ``fig`` round ticks labelled in ``lang``'s digits."""
    for name in axis_names(fig):
        _axis_ticks(fig, name, fig.layout[name], lang)
    for trace in fig.data:
        if trace.type == "heatmap" and trace.showscale is not False:
            z = _numbers(trace.z)
            lo = trace.zmin if trace.zmin is not None else (float(z.min()) if z is not None and len(z) else None)
            hi = trace.zmax if trace.zmax is not None else (float(z.max()) if z is not None and len(z) else None)
            if lo is not None and hi is not None:
                values = nice_ticks(lo, hi, target=5, inside=True)
                trace.colorbar.update(tickvals=values, ticktext=labels(values, lang, decimals(values[1] - values[0])
                                                                       if len(values) > 1 else 0))


def categories(fig: go.Figure, name: str) -> list[str]:
    """The words along a category axis, in the order plotly meets them (empty for a numeric or date axis)."""
    letter, number = _AXIS.match(name).groups()  # type: ignore[union-attr]
    seen: dict[str, None] = {}
    for trace in _traces_on(fig, letter, letter + number):
        for v in np.asarray(getattr(trace, letter) if getattr(trace, letter) is not None else [], dtype=object).ravel():
            if not isinstance(v, str):
                return []
            seen.setdefault(v)
    return list(seen)
