"""The slices' NPS per journey stage as a plotly heatmap, embedded whole (plotly.js inlined, no CDN).

Slice and stage names are the data's own words: plotly draws a subset of HTML in its labels, so they
pass through ``kit.core.templates.plain`` first, and the figure's JSON is written into the page's
script with ``<`` escaped (no name can close the script).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import plotly.graph_objects as go

from kit.core import i18n
from kit.core.templates import TEMPLATES_DIR, plain

CHART = TEMPLATES_DIR / "slices" / "chart.html"          # the chart's static shell: its box and scripts
# red (detractors) to green (promoters), the kit's heat steps of kit/assets/theme/85-slices.css
SCALE = [[0.0, "#b2182b"], [0.25, "#e5826e"], [0.5, "#f4f4f0"], [0.75, "#7fbf9a"], [1.0, "#1a7f4b"]]


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """plotly.js from the plotly package (no CDN)."""
    from plotly.offline import get_plotlyjs
    return get_plotlyjs()


def heatmap(data: dict[str, Any], lang: str) -> go.Figure:
    """Rows: the slices; columns: the journey stages; colour and text: NPS (blank where no one answered)."""
    stages = data["stages"]
    z, text = [], []
    for s in data["slices"]:
        row = [(s["by_stage"].get(st) or {}).get("nps") for st in stages]
        z.append(row)
        text.append([i18n.number(v, lang) if v is not None else "" for v in row])
    fig = go.Figure(go.Heatmap(
        z=z, x=[plain(st) for st in stages], y=[plain(s["label"]) for s in data["slices"]], text=text,
        texttemplate="%{text}", zmin=-100, zmax=100, colorscale=SCALE, hoverongaps=False,
        colorbar={"title": {"text": "NPS"}}))
    fig.update_layout(title={"text": plain(i18n.t("slices_chart_title", lang))}, height=240 + 60 * len(z),
                      margin={"l": _left_margin(data), "r": 10, "t": 60, "b": 110},
                      yaxis={"autorange": "reversed", "automargin": True}, xaxis={"automargin": True, "tickangle": -35},
                      font={"family": "Vazirmatn, system-ui, sans-serif"})
    return fig


def _left_margin(data: dict[str, Any]) -> int:
    """Room for the slices' names: plotly measures them before the page's Persian font has loaded, and clips them."""
    longest = max((len(s["label"]) for s in data["slices"]), default=0)
    return min(240, 24 + 9 * longest)


def _script_json(value: Any) -> str:
    """JSON safe inside a <script>: no ``<`` can end it."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def embed(fig: go.Figure, title: str) -> str:
    """The chart's markup: its box, plotly.js and the figure's JSON, filled into the static shell ``CHART``.

    Like gallery.html (``kit.exports.gallery_file``) the scripts live in a shell file rather than a
    template, which writes no script: the figure goes in as JSON no ``<`` of which can end its element,
    the box's label through ``plain``.
    """
    figure = json.loads(fig.to_json())
    shell = CHART.read_text(encoding="utf-8")
    shell = shell.replace("/*LABEL*/", plain(title), 1)
    shell = shell.replace("/*PLOTLY*/", plotly_js().replace("</script", "<\\/script"), 1)
    return shell.replace("/*FIGURE*/null", _script_json(figure), 1)
