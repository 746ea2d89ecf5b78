"""A recording's emotional timeline drawn: customer sentiment over time with its moments as shaded
spans, coded by a person (circles) or found (diamonds).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kit.charts.palette import BLUE, NEGATIVE, POSITIVE
from kit.core.exhibits import gallery_link
from kit.core.templates import plain
from kit.core.text import hms

# Okabe-Ito: distinguishable with every common colour-vision deficiency; shapes carry the sign too.
LINE, NEUTRAL, SPAN = BLUE, "#999999", "rgba(230,159,0,0.15)"      # spans: orange, faint



def _at(seconds: pd.Series | np.ndarray | list[float]) -> pd.DatetimeIndex:
    """Seconds as times on 1 January 1970, so plotly labels the axis hh:mm:ss."""
    return pd.to_datetime(np.asarray(seconds, dtype=float), unit="s")


def figure(win: pd.DataFrame, moments: pd.DataFrame, *, title: str) -> go.Figure:
    """Customer valence over time, each moment shaded and marked, its number linking to its clip.

    ``moments`` has moment_id, start_s, end_s, valence, coded_by and a title column; the link is
    the gallery page opened on that exhibit (``kit.views.html.gallery_link``), so a click on a number in
    the Voilà pages, the report or gallery.html opens the clip.
    """
    fig = go.Figure()
    fig.add_hline(y=0, line=dict(color=NEUTRAL, width=1, dash="dot"))
    for m in moments.itertuples():
        fig.add_vrect(x0=_at([m.start_s])[0], x1=_at([m.end_s])[0], fillcolor=SPAN, line_width=0, layer="below")
    fig.add_trace(go.Scatter(
        x=_at(win["mid_s"]), y=win["valence"], mode="lines", connectgaps=False, name="customer valence",
        line=dict(color=LINE, width=2, shape="spline", smoothing=0.6),
        customdata=np.stack([[hms(s) for s in win["start_s"]], [hms(s) for s in win["end_s"]],
                             win["lines"].astype(int).astype(str)], axis=-1) if len(win) else None,
        hovertemplate="%{customdata[0]}-%{customdata[1]}: valence %{y:.2f}<br>%{customdata[2]} customer lines"
                      "<extra></extra>"))
    for coded_by, symbol, label in (("person", "circle", "coded by a researcher"), ("auto", "diamond", "found automatically")):
        part = moments[moments["coded_by"] == coded_by]
        if not len(part):
            continue
        mid = (part["start_s"] + part["end_s"]) / 2
        fig.add_trace(go.Scatter(
            x=_at(mid), y=part["valence"], mode="markers", name=f"moment, {label}",
            marker=dict(symbol=symbol, size=13, line=dict(width=1.5, color="#222"),
                        color=[NEGATIVE if v < 0 else POSITIVE if v > 0 else NEUTRAL for v in part["valence"]]),
            text=[_hover(r) for r in part.itertuples()], hovertemplate="%{text}<extra></extra>"))
    for n, m in enumerate(moments.itertuples(), start=1):
        fig.add_annotation(x=_at([(m.start_s + m.end_s) / 2])[0], y=m.valence, yshift=16 if m.valence <= 0 else -16,
                           text=f'<a href="{plain(gallery_link(exhibit=m.moment_id))}" target="_top">{n}</a>',
                           showarrow=False, font=dict(size=12, color="#222"))
    fig.update_layout(template="plotly_white", height=360, margin=dict(l=60, r=20, t=60, b=50), title=title,
                      yaxis=dict(title="valence (-1 negative, +1 positive)", range=[-1.08, 1.08], zeroline=False),
                      xaxis=dict(title="time in the recording", tickformat="%H:%M:%S"),
                      legend=dict(orientation="h", y=-0.22), hovermode="closest")
    return fig


def _hover(m: Any) -> str:
    """Hover text of a moment marker (plotly's HTML subset): its title escaped, the gallery link spelled out."""
    return (f"<b>{plain(m.title)}</b><br>{hms(m.start_s)}-{hms(m.end_s)} · valence {m.valence:+.2f} · "
            f"{'researcher' if m.coded_by == 'person' else 'found automatically'}<br>"
            f"clip: {plain(gallery_link(exhibit=m.moment_id))}")


def title_for(recording_id: str, participant: str | None, lines: int, moments: int) -> str:
    """Plain words, with the n the line rests on."""
    who = participant or "the customer"
    return (f"How {who} felt through recording {recording_id} "
            f"({lines} customer line{'s' if lines != 1 else ''}, {moments} moment{'s' if moments != 1 else ''})")
