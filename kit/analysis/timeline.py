"""A recording's emotional timeline: how the customer's words felt, minute by minute.

Each customer line carries a sentiment score (the survey's method, ``kit.analysis.sentiment``); here the
scores are pooled into overlapping windows, weighted by how long each line lasts within the
window, so one sharp word does not paint a whole minute and a silent stretch is a gap in the
line rather than a neutral zero. Interviewer lines are never scored, so they never count.

The same windows serve twice: the chart, and the negative peaks that become moments when a
recording has no researcher's markers.
"""

from __future__ import annotations

from html import escape
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kit.core.exhibits import gallery_link

WINDOW_S = 30.0                 # long enough to hold a few lines, short enough to find the bad minute
STEP_S = 10.0                   # windows overlap: a moment is never split by a window edge
PEAK_VALENCE = -0.25            # a window this negative, and lower than its neighbours, is a peak
MIN_WEIGHT_S = 0.5              # a very short cue still counts as half a second of speech
TIMELINE_COLUMNS = ["recording_id", "start_s", "end_s", "mid_s", "valence", "lines"]

# Okabe-Ito: distinguishable with every common colour-vision deficiency; shapes carry the sign too.
LINE, NEGATIVE, POSITIVE, NEUTRAL, SPAN = "#0072B2", "#D55E00", "#009E73", "#999999", "rgba(230,159,0,0.15)"


def windows(utterances: pd.DataFrame, recording_id: str = "", *, window_s: float = WINDOW_S,
            step_s: float = STEP_S, duration_s: float | None = None) -> pd.DataFrame:
    """Valence per window of one recording from its scored customer lines.

    ``utterances`` needs start_s, end_s and sentiment (NaN for lines that are not the customer's).
    A window's valence is the mean of the lines overlapping it, each weighted by its overlap in
    seconds (at least MIN_WEIGHT_S for a line inside it); windows with no customer line are NaN.
    """
    scored = utterances[utterances["sentiment"].notna()]
    end = max(float(scored["end_s"].max()) if len(scored) else 0.0, duration_s or 0.0)
    if not len(scored) or end <= 0:
        return pd.DataFrame(columns=TIMELINE_COLUMNS).astype({c: float for c in TIMELINE_COLUMNS[1:]})
    starts = np.arange(0.0, max(end - window_s, 0.0) + step_s, step_s)
    starts = starts[starts < end] if len(starts) > 1 else starts
    s0, s1 = starts[:, None], starts[:, None] + window_s
    u0, u1 = scored["start_s"].to_numpy(float)[None, :], scored["end_s"].to_numpy(float)[None, :]
    overlap = np.clip(np.minimum(s1, u1) - np.maximum(s0, u0), 0.0, None)
    inside = (u0 < s1) & (u1 > s0)
    weight = np.where(inside, np.maximum(overlap, np.minimum(MIN_WEIGHT_S, u1 - u0 + MIN_WEIGHT_S)), 0.0)
    total = weight.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        valence = np.where(total > 0, weight @ scored["sentiment"].to_numpy(float) / np.where(total > 0, total, 1), np.nan)
    ends = np.minimum(starts + window_s, end)
    return pd.DataFrame({"recording_id": recording_id, "start_s": starts, "end_s": ends,
                         "mid_s": (starts + ends) / 2, "valence": np.round(valence, 4),
                         "lines": inside.sum(axis=1).astype(float)}, columns=TIMELINE_COLUMNS)


def negative_peaks(win: pd.DataFrame, threshold: float = PEAK_VALENCE) -> pd.DataFrame:
    """Windows at or below ``threshold`` that are no higher than their scored neighbours,
    most negative first; a peak overlapping a more negative one is the same stretch and dropped."""
    scored = win[win["valence"].notna()].reset_index(drop=True)
    v = scored["valence"].to_numpy(float)
    if not len(v):
        return scored
    prev = np.concatenate([[np.inf], v[:-1]])
    nxt = np.concatenate([v[1:], [np.inf]])
    candidates = scored[(v <= threshold) & (v <= prev) & (v <= nxt)].sort_values(["valence", "start_s"])
    kept: list[int] = []
    for i, row in candidates.iterrows():
        if all(row["end_s"] <= scored.at[k, "start_s"] or row["start_s"] >= scored.at[k, "end_s"] for k in kept):
            kept.append(int(i))
    return scored.loc[kept].reset_index(drop=True)


def hms(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


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
                           text=f'<a href="{escape(gallery_link(exhibit=m.moment_id))}" target="_top">{n}</a>',
                           showarrow=False, font=dict(size=12, color="#222"))
    fig.update_layout(template="plotly_white", height=360, margin=dict(l=60, r=20, t=60, b=50), title=title,
                      yaxis=dict(title="valence (-1 negative, +1 positive)", range=[-1.08, 1.08], zeroline=False),
                      xaxis=dict(title="time in the recording", tickformat="%H:%M:%S"),
                      legend=dict(orientation="h", y=-0.22), hovermode="closest")
    return fig


def _hover(m: Any) -> str:
    """Hover text of a moment marker: untrusted text escaped, the gallery link spelled out."""
    return (f"<b>{escape(str(m.title))}</b><br>{hms(m.start_s)}-{hms(m.end_s)} · valence {m.valence:+.2f} · "
            f"{'researcher' if m.coded_by == 'person' else 'found automatically'}<br>"
            f"clip: {escape(gallery_link(exhibit=m.moment_id))}")


def title_for(recording_id: str, participant: str | None, lines: int, moments: int) -> str:
    """Plain words, with the n the line rests on."""
    who = participant or "the customer"
    return (f"How {who} felt through recording {recording_id} "
            f"({lines} customer line{'s' if lines != 1 else ''}, {moments} moment{'s' if moments != 1 else ''})")


def links_table(moments: pd.DataFrame) -> str:
    """The moments as an HTML table with links to their clips: the static counterpart of the chart."""
    rows = "".join(
        f"<tr><td>{n}</td><td>{hms(m.start_s)}</td><td>{m.valence:+.2f}</td><td>{escape(str(m.coded_by))}</td>"
        f"<td>{escape(str(m.title))}</td><td><a href=\"{escape(gallery_link(exhibit=m.moment_id))}\" target=\"_top\">"
        f"{escape(str(m.moment_id))}</a></td></tr>"
        for n, m in enumerate(moments.itertuples(), start=1))
    return ("<table><thead><tr><th>#</th><th>at</th><th>valence</th><th>coded by</th><th>moment</th>"
            f"<th>clip in the gallery</th></tr></thead><tbody>{rows}</tbody></table>")
