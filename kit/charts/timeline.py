"""A recording's emotional timeline drawn: customer sentiment over time with its moments as shaded
spans, coded by a person (circles) or found (diamonds).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kit.charts import ticks
from kit.charts.locale import digits, is_english, localize, num
from kit.charts.palette import BLUE, NEGATIVE, POSITIVE
from kit.core import i18n
from kit.core.exhibits import gallery_link
from kit.core.templates import plain
from kit.core.text import hms

# Okabe-Ito: distinguishable with every common colour-vision deficiency; shapes carry the sign too.
LINE, NEUTRAL, SPAN = BLUE, "#999999", "rgba(230,159,0,0.15)"      # spans: orange, faint



def _at(seconds: pd.Series | np.ndarray | list[float]) -> pd.DatetimeIndex:
    """Seconds as times on 1 January 1970, so plotly labels the axis hh:mm:ss."""
    return pd.to_datetime(np.asarray(seconds, dtype=float), unit="s")


def figure(win: pd.DataFrame, moments: pd.DataFrame, *, title: str, lang: str = "en") -> go.Figure:
    """Customer valence over time, each moment shaded and marked, its number linking to its clip.

    ``moments`` has moment_id, start_s, end_s, valence, coded_by and a title column; the link is
    the gallery page opened on that exhibit (``kit.views.html.gallery_link``), so a click on a number in
    the Voilà pages, the report or gallery.html opens the clip. Time runs right to left in Persian.
    """
    fig = go.Figure()
    fig.add_hline(y=0, line=dict(color=NEUTRAL, width=1, dash="dot"))
    for m in moments.itertuples():
        fig.add_vrect(x0=_at([m.start_s])[0], x1=_at([m.end_s])[0], fillcolor=SPAN, line_width=0, layer="below")
    fig.add_trace(go.Scatter(
        x=_at(win["mid_s"]), y=win["valence"], mode="lines", connectgaps=False,
        name=i18n.t("ch_tl_valence", lang),
        line=dict(color=LINE, width=2, shape="spline", smoothing=0.6),
        customdata=np.stack([[digits(hms(s), lang) for s in win["start_s"]], [digits(hms(s), lang) for s in win["end_s"]],
                             win["lines"].astype(int).astype(str)], axis=-1) if len(win) else None,
        hovertemplate=i18n.t("ch_tl_hover", lang) + "<extra></extra>"))
    for coded_by, symbol, label in (("person", "circle", i18n.t("ch_tl_by_person", lang)),
                                    ("auto", "diamond", i18n.t("ch_tl_found", lang))):
        part = moments[moments["coded_by"] == coded_by]
        if not len(part):
            continue
        mid = (part["start_s"] + part["end_s"]) / 2
        fig.add_trace(go.Scatter(
            x=_at(mid), y=part["valence"], mode="markers", name=i18n.t("ch_tl_moment", lang, label=label),
            marker=dict(symbol=symbol, size=13, line=dict(width=1.5, color="#222"),
                        color=[NEGATIVE if v < 0 else POSITIVE if v > 0 else NEUTRAL for v in part["valence"]]),
            text=[_hover(r, lang) for r in part.itertuples()], hovertemplate="%{text}<extra></extra>"))
    for n, m in enumerate(moments.itertuples(), start=1):
        fig.add_annotation(x=_at([(m.start_s + m.end_s) / 2])[0], y=m.valence, yshift=16 if m.valence <= 0 else -16,
                           text=f'<a href="{plain(gallery_link(exhibit=m.moment_id))}" target="_top">{num(n, lang, "")}</a>',
                           showarrow=False, font=dict(size=12, color="#222"))
    fig.update_layout(template="plotly_white", height=360, margin=dict(l=60, r=20, t=60, b=50), title=title,
                      yaxis=dict(title=i18n.t("ch_ax_valence_tl", lang), range=[-1.08, 1.08], zeroline=False),
                      xaxis=dict(title=i18n.t("ch_ax_time", lang), tickformat="%H:%M:%S"),
                      legend=dict(orientation="h", y=-0.22), hovermode="closest")
    _time_ticks(fig, win, moments, lang)
    return localize(fig, lang, sequence=True)


def _time_ticks(fig: go.Figure, win: pd.DataFrame, moments: pd.DataFrame, lang: str) -> None:
    """Round times (hh:mm:ss) on the x axis in ``lang``'s digits; English keeps plotly's own time labels."""
    ends = [float(v) for col in (win.get("start_s"), win.get("end_s"), moments.get("start_s"), moments.get("end_s"))
            if col is not None for v in col if pd.notna(v)]
    if is_english(lang) or not ends:
        return
    seconds, texts = ticks.time_ticks(min(ends), max(ends), lang)
    fig.update_xaxes(tickvals=list(_at(seconds)), ticktext=texts)


def _hover(m: Any, lang: str = "en") -> str:
    """Hover text of a moment marker (plotly's HTML subset): its title escaped, the gallery link spelled out."""
    by = i18n.t("ch_tl_researcher", lang) if m.coded_by == "person" else i18n.t("ch_tl_found", lang)
    times = i18n.t("ch_tl_times", lang, start=digits(hms(m.start_s), lang), end=digits(hms(m.end_s), lang))
    return (f"<b>{plain(m.title)}</b><br>"
            + i18n.t("ch_tl_moment_hover", lang, times=times, valence=num(m.valence, lang, "+.2f"), by=by) + "<br>"
            + i18n.t("ch_tl_clip", lang, link=plain(gallery_link(exhibit=m.moment_id))))


def title_for(recording_id: str, participant: str | None, lines: int, moments: int, lang: str = "en") -> str:
    """Plain words, with the n the line rests on."""
    return i18n.t("ch_ttl_tl", lang, who=participant or i18n.t("ch_tl_the_customer", lang), recording=recording_id,
                  lines=i18n.count("ch_tl_lines", lines, lang), moments=i18n.count("ch_tl_moments", moments, lang))
