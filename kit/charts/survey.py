"""Plotly figures for the notebooks, the report and the pages (one function per view).

Colours are the Okabe-Ito palette, told apart with every common kind of colour blindness:
blue for scores, vermillion for negative NPS, bluish green for positive changes; groups with too
few answers are drawn grey and labelled "too few answers". Every chart shows its 95% intervals
and says in its title how many answers it rests on. Differences that a test found real carry a
triangle (up or down); others carry none.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from kit.charts.palette import BLACK, BLUE, GREEN, NEGATIVE, ORANGE, POSITIVE

NEG, POS, MID, GREY, IDEAL = NEGATIVE, POSITIVE, BLUE, "#B3B3B3", BLACK
ERROR = "#4D4D4D"
LAYOUT = dict(template="plotly_white", margin=dict(l=60, r=20, t=60, b=50), height=380)
TOO_FEW = "too few answers"
LABELS = {"nps": "NPS", "csat": "CSAT (1-5)", "ces": "CES (1-7, 7 = easy)", "top2box": "CSAT top-2-box %"}
FLAG_MARK = {"above": " ▲", "below": " ▼", "up": " ▲", "down": " ▼", "": ""}


def _fmt(score: str, v: float) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:.0f}" if score in ("nps", "top2box") else f"{v:.2f}"


def _answers(table: pd.DataFrame, score: str) -> pd.Series:
    """Answers behind each bar: the score's own n where the table has it."""
    for col in ({"top2box": "csat_n"}.get(score, f"{score}_n"), "nps_n", "responses"):
        if col in table:
            return table[col].fillna(0)
    return pd.Series([0] * len(table), index=table.index)


def _error_y(table: pd.DataFrame, score: str) -> dict:
    return dict(type="data", symmetric=False, array=(table[f"{score}_hi"] - table[score]).fillna(0),
                arrayminus=(table[score] - table[f"{score}_lo"]).fillna(0), color=ERROR, thickness=1.5)


def score_by_group(table: pd.DataFrame, key: str, score: str = "nps",
                   ideal: dict[str, dict[str, float]] | None = None, title: str = "") -> go.Figure:
    """Bars with 95% intervals per group; ideal targets as markers; small groups greyed, real differences marked."""
    few = table["too_few"].astype(bool) if "too_few" in table else pd.Series(False, index=table.index)
    flags = table[f"{score}_flag"] if f"{score}_flag" in table else pd.Series("", index=table.index)
    colors = [GREY if f else (NEG if score == "nps" and v < 0 else MID) for v, f in zip(table[score], few, strict=True)]
    text = [_fmt(score, v) + (f" ({TOO_FEW})" if f else FLAG_MARK.get(fl or "", ""))
            for v, f, fl in zip(table[score], few, flags, strict=True)]
    n = _answers(table, score)
    fig = go.Figure(go.Bar(
        x=table[key].astype(str), y=table[score], marker_color=colors, text=text, textposition="outside",
        error_y=_error_y(table, score), name="actual", customdata=list(zip(n, few.map({True: TOO_FEW, False: ""}),
                                                                           strict=True)),
        hovertemplate="%{x}: %{y:.1f}<br>%{customdata[0]} answers %{customdata[1]}<extra></extra>"))
    if ideal:
        xs = [s for s in table[key] if score in ideal.get(s, {})]
        fig.add_trace(go.Scatter(x=xs, y=[ideal[s][score] for s in xs], mode="markers", name="ideal (designed)",
                                 marker=dict(symbol="line-ew-open", size=34, color=IDEAL, line=dict(width=4, color=IDEAL))))
    label = LABELS.get(score, score.upper())
    fig.update_layout(**LAYOUT, title=title or f"{label} by {key} (95% interval) · {int(n.sum()):,} answers",
                      yaxis_title=label, showlegend=bool(ideal))
    if few.any():
        fig.add_annotation(text=f"grey: {TOO_FEW} to rank · ▲▼ differs from the rest (tested)", showarrow=False,
                           xref="paper", yref="paper", x=1, y=1.08, xanchor="right", font=dict(size=11, color=ERROR))
    return fig


def nps_trend(table: pd.DataFrame, title: str = "", score: str = "nps", freq_word: str = "week") -> go.Figure:
    """A score per period with its 95% band; periods with too few answers grey; tested changes marked ▲/▼."""
    few = table["too_few"].astype(bool) if "too_few" in table else pd.Series(False, index=table.index)
    flags = table[f"{score}_change_flag"] if f"{score}_change_flag" in table else pd.Series("", index=table.index)
    n = _answers(table, score)
    fig = go.Figure([
        go.Scatter(x=list(table["period"]) + list(table["period"])[::-1],
                   y=list(table[f"{score}_hi"]) + list(table[f"{score}_lo"])[::-1], fill="toself",
                   fillcolor="rgba(0,114,178,0.15)", line=dict(width=0), hoverinfo="skip", name="95% interval"),
        go.Scatter(x=table["period"], y=table[score], mode="lines+markers+text", line=dict(color=MID), name=LABELS[score],
                   marker=dict(color=[GREY if f else MID for f in few], size=9),
                   text=[FLAG_MARK.get(fl or "", "").strip() for fl in flags], textposition="top center",
                   customdata=list(zip(n, few.map({True: TOO_FEW, False: ""}), strict=True)),
                   hovertemplate="%{x|%Y-%m-%d}: %{y:.1f}<br>%{customdata[0]} answers %{customdata[1]}<extra></extra>"),
    ])
    total = int(n.sum())
    fig.update_layout(**LAYOUT, title=title or f"{LABELS[score]} by {freq_word} (95% interval) · {total:,} answers",
                      yaxis_title=LABELS[score])
    if few.any():
        fig.add_annotation(text=f"grey points: {TOO_FEW} to test · ▲▼ a tested change from the {freq_word} before",
                           showarrow=False, xref="paper", yref="paper", x=1, y=1.08, xanchor="right",
                           font=dict(size=11, color=ERROR))
    return fig


def distribution(dist: pd.DataFrame, score: str) -> go.Figure:
    """How many answers gave each value; NPS bars coloured as detractors, passives, promoters."""
    if score == "nps":
        colors = [NEG if v <= 6 else (ORANGE if v <= 8 else GREEN) for v in dist["value"]]
    else:
        colors = [MID] * len(dist)
    total = int(dist["answers"].sum())
    fig = go.Figure(go.Bar(x=dist["value"], y=dist["answers"], marker_color=colors,
                           text=[f"{s:.0f}%" for s in dist["share"].fillna(0)], textposition="outside",
                           hovertemplate="%{x}: %{y} answers<extra></extra>"))
    words = " (red: detractors 0-6, orange: passives 7-8, green: promoters 9-10)" if score == "nps" else ""
    fig.update_layout(**LAYOUT, title=f"{LABELS[score]}: answers per value · {total:,} answers{words}",
                      xaxis=dict(dtick=1, title=LABELS[score]), yaxis_title="answers")
    return fig


def actual_vs_ideal(table: pd.DataFrame, score: str = "nps", stages: list[str] | None = None) -> go.Figure:
    """Actual score per stage with its interval beside the designed ideal; gaps beyond the interval in vermillion."""
    t = table[table["score"] == score]
    if stages:
        t = t.set_index("stage").reindex([s for s in stages if s in set(t["stage"])]).reset_index()
    colors = [GREY if f else (NEG if b else MID) for f, b in zip(t["too_few"], t["beyond_interval"], strict=True)]
    fig = go.Figure([
        go.Bar(x=t["stage"], y=t["actual"], name="actual", marker_color=colors,
               error_y=dict(type="data", symmetric=False, array=(t["hi"] - t["actual"]).fillna(0),
                            arrayminus=(t["actual"] - t["lo"]).fillna(0), color=ERROR),
               text=[_fmt(score, a) + (f" ({TOO_FEW})" if f else "") for a, f in zip(t["actual"], t["too_few"], strict=True)],
               textposition="outside", customdata=t["n"],
               hovertemplate="%{x}: %{y:.1f}<br>%{customdata} answers<extra></extra>"),
        go.Scatter(x=t["stage"], y=t["ideal"], mode="markers", name="ideal (designed)",
                   marker=dict(symbol="line-ew-open", size=34, color=IDEAL, line=dict(width=4, color=IDEAL))),
    ])
    fig.update_layout(**LAYOUT, title=f"{LABELS[score]}: actual vs ideal per stage · {int(t['n'].sum()):,} answers "
                      "(vermillion: ideal outside the 95% interval)", yaxis_title=LABELS[score])
    return fig


def dose_response(table: pd.DataFrame) -> go.Figure:
    """NPS by weekly outbound contact volume: the cost of burying customers in messages."""
    fig = go.Figure(go.Bar(
        x=table["band"].astype(str), y=table["nps"],
        marker_color=[NEG if v < 0 else POS for v in table["nps"]],
        error_y=dict(type="data", symmetric=False, array=table["nps_hi"] - table["nps"],
                     arrayminus=table["nps"] - table["nps_lo"], color=ERROR),
        text=[f"{v:.0f}" for v in table["nps"]], textposition="outside", customdata=table["customers"],
        hovertemplate="%{x} messages/week: NPS %{y:.0f}<br>%{customdata} customers<extra></extra>"))
    n = int(table["nps_n"].sum()) if "nps_n" in table else int(table["customers"].sum())
    fig.update_layout(**LAYOUT, title=f"NPS by outbound messages per customer per week (95% interval) · {n:,} answers",
                      xaxis_title="outbound messages per week", yaxis_title="NPS")
    return fig


def key_drivers(drivers: pd.DataFrame, top: int = 12) -> go.Figure:
    """Themes by how much NPS differs between respondents who mention them and those who do not (95% interval).

    Vermillion: drags NPS down, bluish green: lifts it (both tested); blue: not a real difference;
    grey: too few answers on one side to judge.
    """
    t = drivers.head(top).iloc[::-1]
    labels = [f"{lab} ({lang})" for lab, lang in zip(t["label"], t["lang"], strict=True)]
    colors = [GREY if few else (MID if not sig else (NEG if d < 0 else POS))
              for few, sig, d in zip(t["too_few"], t["significant"], t["difference"], strict=True)]
    fig = go.Figure(go.Bar(
        y=labels, x=t["difference"], orientation="h", marker_color=colors,
        error_x=dict(type="data", symmetric=False, array=(t["hi"] - t["difference"]).fillna(0),
                     arrayminus=(t["difference"] - t["lo"]).fillna(0), color=ERROR),
        text=[f"{d:+.0f}" + (f" ({TOO_FEW})" if few else "") for d, few in zip(t["difference"], t["too_few"], strict=True)],
        textposition="outside", customdata=list(zip(t["n_with"], t["n_without"], strict=True)),
        hovertemplate="%{y}: %{x:+.1f} NPS points<br>%{customdata[0]} mention it, %{customdata[1]} do not<extra></extra>"))
    n = int((drivers["n_with"] + drivers["n_without"]).groupby(drivers["lang"]).max().sum()) if len(drivers) else 0
    fig.update_layout(**{**LAYOUT, "height": max(380, 40 * len(t) + 120), "margin": dict(l=260, r=40, t=60, b=50)},
                      title=f"Key drivers: NPS of those who mention a theme minus the rest (95% interval) · {n:,} respondents",
                      xaxis_title="difference in NPS points")
    return fig
