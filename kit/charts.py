"""Plotly figures for the notebooks, the report and the pages (one function per view).

Small groups are drawn grey and labelled "too few answers"; colours say the same thing
everywhere (red negative, green positive).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

NEG, POS, MID, GREY, IDEAL = "#c0392b", "#1e8449", "#2e86c1", "#b3b6b7", "#17202a"
LAYOUT = dict(template="plotly_white", margin=dict(l=60, r=20, t=60, b=50), height=380)


def score_by_group(table: pd.DataFrame, key: str, score: str = "nps",
                   ideal: dict[str, dict[str, float]] | None = None, title: str = "") -> go.Figure:
    """Bars with 95% intervals per group; ideal targets as markers; small groups greyed."""
    colors = [GREY if few else (NEG if v < 0 and score == "nps" else MID)
              for v, few in zip(table[score], table["too_few"], strict=True)]
    text = [f"{v:.0f}" + (" (too few answers)" if few else "") if score == "nps" else f"{v:.2f}"
            + (" (too few answers)" if few else "") for v, few in zip(table[score], table["too_few"], strict=True)]
    fig = go.Figure(go.Bar(
        x=table[key], y=table[score], marker_color=colors, text=text, textposition="outside",
        error_y=dict(type="data", symmetric=False, array=table[f"{score}_hi"] - table[score],
                     arrayminus=table[score] - table[f"{score}_lo"], color="#566573"),
        name="actual", customdata=table["responses"],
        hovertemplate="%{x}: %{y:.1f}<br>%{customdata} responses<extra></extra>"))
    if ideal:
        xs = [s for s in table[key] if score in ideal.get(s, {})]
        fig.add_trace(go.Scatter(x=xs, y=[ideal[s][score] for s in xs], mode="markers", name="ideal (designed)",
                                 marker=dict(symbol="line-ew-open", size=34, color=IDEAL, line=dict(width=4, color=IDEAL))))
    fig.update_layout(**LAYOUT, title=title or f"{score.upper()} by {key} (95% interval)",
                      yaxis_title=score.upper(), showlegend=bool(ideal))
    return fig


def nps_trend(table: pd.DataFrame, title: str = "NPS by week (95% interval)") -> go.Figure:
    fig = go.Figure([
        go.Scatter(x=list(table["period"]) + list(table["period"])[::-1],
                   y=list(table["nps_hi"]) + list(table["nps_lo"])[::-1], fill="toself",
                   fillcolor="rgba(46,134,193,0.18)", line=dict(width=0), hoverinfo="skip", name="95% interval"),
        go.Scatter(x=table["period"], y=table["nps"], mode="lines+markers", line=dict(color=MID), name="NPS"),
    ])
    fig.update_layout(**LAYOUT, title=title, yaxis_title="NPS")
    return fig


def dose_response(table: pd.DataFrame) -> go.Figure:
    """NPS by weekly outbound contact volume: the cost of burying customers in messages."""
    fig = go.Figure(go.Bar(
        x=table["band"].astype(str), y=table["nps"],
        marker_color=[NEG if v < 0 else POS for v in table["nps"]],
        error_y=dict(type="data", symmetric=False, array=table["nps_hi"] - table["nps"],
                     arrayminus=table["nps"] - table["nps_lo"], color="#566573"),
        text=[f"{v:.0f}" for v in table["nps"]], textposition="outside", customdata=table["customers"],
        hovertemplate="%{x} messages/week: NPS %{y:.0f}<br>%{customdata} customers<extra></extra>"))
    fig.update_layout(**LAYOUT, title="NPS by outbound messages per customer per week (95% interval)",
                      xaxis_title="outbound messages per week", yaxis_title="NPS")
    return fig
