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
from kit.core.templates import Markup, plain, render

# red (detractors) to green (promoters), the kit's heat steps of kit/assets/theme/85-slices.css
SCALE = [[0.0, "#b2182b"], [0.25, "#ef8a62"], [0.5, "#f7f7f7"], [0.75, "#67a9cf"], [1.0, "#1a7f4b"]]


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
    fig.update_layout(title={"text": plain(i18n.t("slices_chart_title", lang))}, height=160 + 48 * len(z),
                      margin={"l": 10, "r": 10, "t": 60, "b": 10},
                      yaxis={"autorange": "reversed", "automargin": True}, xaxis={"automargin": True, "side": "top"},
                      font={"family": "Vazirmatn, system-ui, sans-serif"})
    return fig


def _script_json(value: Any) -> str:
    """JSON safe inside a <script>: no ``<`` can end it."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def embed(fig: go.Figure) -> str:
    """The chart's markup: its box, plotly.js and the call that draws the figure into the box."""
    figure = json.loads(fig.to_json())
    return render("slices/chart.html.j2", library=Markup(plotly_js().replace("</script", "<\\/script")),
                  figure=Markup(_script_json(figure)))
