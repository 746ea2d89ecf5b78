"""Plotly figures on the Voilà pages, drawn without JupyterLab's plotly extension.

The pages' server leaves the ``jupyterlab-plotly`` extension out (``kit.cli.voila_command``):
Voilà loads every installed renderer extension up front, and that one alone is a 4.8 MB script
every page would fetch and evaluate before it connects to its kernel, charts or not. Instead a
chart is a small widget (``Chart``, front end ``assets/voila/chart.js``) holding its figure; the
first chart a page draws asks its kernel for plotly.js (from the plotly package: no CDN) in one
message, and the library then serves every chart of that page.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import anywidget
import plotly.graph_objects as go
import traitlets
from IPython.display import display

from kit.core.paths import ASSETS_DIR

ESM = (ASSETS_DIR / "voila" / "chart.js").read_text(encoding="utf-8")
DEFAULT_HEIGHT = 450
FAILED = "This chart could not be drawn."
# No modebar (its zoom and lasso tools confuse readers, and on a phone it covers the title); charts follow their box
CONFIG = {"displayModeBar": False, "displaylogo": False, "responsive": True}
NARROW_PX = 600          # below this width the front end lays a chart out for a phone (assets/voila/chart.js)


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The plotly.js library shipped inside the plotly package (read once per kernel)."""
    from plotly.offline import get_plotlyjs
    return get_plotlyjs()


class Chart(anywidget.AnyWidget):
    """One figure as plain JSON; plotly.js reaches the browser on the first chart's request."""

    _esm = ESM
    figure = traitlets.Dict().tag(sync=True)
    height = traitlets.Int(DEFAULT_HEIGHT).tag(sync=True)     # when the figure's layout sets none
    failed = traitlets.Unicode(FAILED).tag(sync=True)
    config = traitlets.Dict(CONFIG).tag(sync=True)
    narrow = traitlets.Int(NARROW_PX).tag(sync=True)
    narrow_note = traitlets.Unicode("").tag(sync=True)         # shown instead of the chart on a phone, when set

    def __init__(self, fig: go.Figure, **kwargs: Any) -> None:
        super().__init__(figure=json.loads(fig.to_json()), **kwargs)
        self.on_msg(self._answer)

    def _answer(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("want") == "plotly.js":
            self.send({"library": plotly_js()})


def show(fig: go.Figure, narrow_note: str = "") -> None:
    """Display ``fig`` as a chart widget in the current output (a cell or a container's children).

    ``narrow_note`` replaces the chart on a phone-sized screen: for a table too wide to read there,
    whose findings the page already says in words.
    """
    display(Chart(fig, narrow_note=narrow_note))
