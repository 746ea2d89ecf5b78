"""Plotly figures for the negative room: the paper waterfall, the journey curve, the pain map, the wall, the scorecard.

Colours are Okabe-Ito (safe for colour-blind readers) and every series also differs in shape or
line style, so the charts still read when printed in grey. Every title says what is shown and its n.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from kit.charts.locale import digits, is_english, localize, num, pct
from kit.charts.palette import BLUE, NEGATIVE, OKABE_ITO
from kit.charts.survey import group_names
from kit.core import i18n
from kit.core.exhibits import gallery_link

PAPER, INK, EARTH, PIT, GREY = "#FFFFFF", "#333333", "#D7C4A3", "#3E2C23", "#B3B6B7"
OUTCOME_STYLE = {   # worst outcome: colour, symbol (shape keeps them apart in grey), label's message key
    "left": ("#D55E00", "square", "ch_out_left"),
    "complained": ("#F0E442", "square-x", "ch_out_complained"),
    "detractor": ("#FFFFFF", "square-dot", "ch_out_detractor"),
}
SOURCE_SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "star", "cross", "hexagon"]
SOURCE_DASHES = ["solid", "dot", "dashdot", "longdash", "dash", "longdashdot"]
LAYOUT = dict(template="plotly_white", font=dict(family="DejaVu Sans, Arial, sans-serif", size=13))
SHEET_PCT = 4.0          # one sheet in the pit = 4% of the bin's customers


def _angles(n: int, seed: int, spread: float) -> list[float]:
    rng = np.random.default_rng(seed)
    return list(rng.uniform(-spread, spread, n))


def source_name(source: str, lang: str = "en") -> str:
    """An evidence source (survey, recording, ...) as English charts always named it, or in words of ``lang``."""
    key = f"source_{source}"
    return source if is_english(lang) or key not in i18n.LABELS else i18n.t(key, lang)


def paper_waterfall(pile: pd.DataFrame, bands: pd.DataFrame, tolerance: float, width: float = 2.0,
                    lang: str = "en") -> go.Figure:
    """Sheets of paper piled per customer volume, falling past the tolerance into a pit as deep as what it cost.

    Left: above ground, one sheet per ``k`` customers sent that many messages a week; below ground, the
    share of them who left, complained or scored 0-6, one sheet per 4%. Right: NPS by band (95% interval).
    """
    fig = make_subplots(rows=2, cols=2, column_widths=[0.68, 0.32], row_heights=[0.56, 0.44],
                        specs=[[{}, {"rowspan": 2}], [{}, None]], vertical_spacing=0.0, horizontal_spacing=0.09,
                        subplot_titles=("", i18n.t("ch_sub_dose", lang), ""))
    customers = int(pile["customers"].sum())
    per_sheet = max(1, math.ceil(pile["customers"].max() / 16)) if len(pile) else 1
    xs, ys, angles, over_x, over_y = [], [], [], [], []
    for i, r in enumerate(pile.itertuples(index=False)):
        mid = r.lo + width / 2
        sheets = max(1, math.ceil(r.customers / per_sheet))
        xs += [mid + d for d in np.random.default_rng(i).uniform(-0.12 * width, 0.12 * width, sheets)]
        ys += [(j + 0.5) * per_sheet for j in range(sheets)]
        angles += _angles(sheets, i, 12)
        if r.lo >= tolerance:             # paper still pouring down on the piles past the tolerance
            k = 2 + min(4, int(r.lo // (2 * tolerance) if tolerance else 2))
            over_x += list(mid + np.random.default_rng(100 + i).uniform(-width, width * 0.3, k))
            over_y += [(sheets + 1.5 + 1.6 * j) * per_sheet for j in range(k)]
    top = (max(ys) if ys else 1) + 6 * per_sheet
    fig.add_trace(go.Scatter(
        x=xs, y=ys, mode="markers", name=i18n.t("ch_sheet", lang, n=num(per_sheet, lang, "")), hoverinfo="skip",
        marker=dict(symbol="square", size=17, color=PAPER, angle=angles, line=dict(color=INK, width=1.3))), 1, 1)
    fig.add_trace(go.Scatter(
        x=over_x, y=over_y, mode="markers", showlegend=False, hoverinfo="skip",
        marker=dict(symbol="square", size=15, color=PAPER, opacity=0.85, angle=_angles(len(over_x), 7, 45),
                    line=dict(color=INK, width=1))), 1, 1)
    fig.add_trace(go.Bar(   # invisible hover targets carrying the numbers of each pile
        x=pile["lo"] + width / 2, y=[top] * len(pile), width=width, marker=dict(color="rgba(0,0,0,0)"), showlegend=False,
        customdata=np.stack([pile["customers"], pile["lost"], pile["lost_share"]], axis=1) if len(pile) else None,
        hovertemplate=i18n.t("ch_hover_pile", lang) + "<extra></extra>"), 1, 1)
    depth = max(30.0, float(pile["lost_share"].max()) * 1.15 if len(pile) else 30.0)
    # the pit: as deep as the share lost, per pile
    edge_x = [v for r in pile.itertuples(index=False) for v in (r.lo, r.lo + width)]
    edge_y = [v for r in pile.itertuples(index=False) for v in (r.lost_share + 2, r.lost_share + 2)]
    fig.add_trace(go.Scatter(x=edge_x, y=edge_y, mode="lines", fill="tozeroy", line=dict(color=PIT, width=1, shape="hv"),
                             fillcolor=PIT, showlegend=False, hoverinfo="skip"), 2, 1)
    for kind, (color, symbol, label_key) in OUTCOME_STYLE.items():
        px, py, pa = [], [], []
        for i, r in enumerate(pile.itertuples(index=False)):
            below = sum(getattr(r, k) for k in list(OUTCOME_STYLE)[:list(OUTCOME_STYLE).index(kind)])
            start = 100 * below / r.customers / SHEET_PCT
            n = round(100 * getattr(r, kind) / r.customers / SHEET_PCT)
            px += list(r.lo + width / 2 + np.random.default_rng(200 + i).uniform(-0.15 * width, 0.15 * width, n))
            py += [(start + j + 0.5) * SHEET_PCT for j in range(n)]
            pa += _angles(n, 300 + i, 35)
        fig.add_trace(go.Scatter(
            x=px, y=py, mode="markers", name=i18n.t("ch_pit_legend", lang, label=i18n.t(label_key, lang)), hoverinfo="skip",
            marker=dict(symbol=symbol, size=15, color=color, angle=pa, line=dict(color=INK, width=1))), 2, 1)
    for r in pile.itertuples(index=False):
        if r.customers:
            fig.add_annotation(x=r.lo + width / 2, y=r.lost_share + 2, text=pct(r.lost_share, lang), showarrow=False,
                               yshift=-10, font=dict(size=10, color=INK), row=2, col=1)
    xmax = float(pile["lo"].max() + width) if len(pile) else 2 * tolerance
    for row in (1, 2):
        fig.add_vline(x=tolerance, line=dict(color="#000000", width=2.5, dash="dash"), row=row, col=1)
    fig.add_annotation(x=tolerance, y=top * 0.9, text=i18n.t("ch_tolerance", lang, n=num(tolerance, lang, "g")), showarrow=False,
                       xanchor="left", xshift=6, font=dict(size=13), row=1, col=1)
    fig.add_annotation(x=0, y=top * 0.97, text=i18n.t("ch_pile_note", lang), showarrow=False, xanchor="left",
                       font=dict(size=12, color="#555"), row=1, col=1)
    fig.add_annotation(x=0, y=depth * 0.96, text=i18n.t("ch_pit_note", lang),
                       showarrow=False, xanchor="left", font=dict(size=12, color=INK), row=2, col=1)
    fig.update_xaxes(range=[0, xmax], showticklabels=False, showgrid=False, row=1, col=1)
    fig.update_xaxes(range=[0, xmax], title=i18n.t("ch_ax_outbound_customer_week", lang), row=2, col=1, showgrid=False,
                     matches="x")
    fig.update_yaxes(range=[0, top * 1.04], title=i18n.t("ch_customers_axis", lang), showgrid=False, row=1, col=1)
    fig.update_yaxes(range=[depth, 0], title=i18n.t("ch_ax_lost", lang), showgrid=False, row=2, col=1, zeroline=True,
                     zerolinecolor="#5D4037", zerolinewidth=4)
    fig.add_shape(type="rect", xref="x3 domain", yref="y3 domain", x0=0, x1=1, y0=0, y1=1, fillcolor=EARTH,
                  line=dict(width=0), layer="below")
    _dose(fig, bands, lang)
    n_answers = int(bands["nps_n"].sum()) if len(bands) else 0
    fig.update_layout(**LAYOUT, height=620, width=1200, margin=dict(l=70, r=20, t=80, b=60),
                      title=i18n.t("ch_ttl_waterfall", lang, customers=num(customers, lang, ","),
                                   answers=num(n_answers, lang, ",")),
                      legend=dict(orientation="h", y=-0.12, x=0), bargap=0)
    return localize(fig, lang)


def _dose(fig: go.Figure, bands: pd.DataFrame, lang: str) -> None:
    if bands.empty:
        return
    colors = [GREY if few else (NEGATIVE if v < 0 else BLUE) for v, few in zip(bands["nps"], bands["too_few"], strict=True)]
    text = [(i18n.t("ch_too_few", lang) if few else num(v, lang)) + "<br>" + i18n.t("ch_n_eq", lang, n=num(n, lang, ""))
            for v, few, n in zip(bands["nps"], bands["too_few"], bands["nps_n"], strict=True)]
    fig.add_trace(go.Scatter(
        x=bands["band"] if is_english(lang) else [digits(b, lang) for b in bands["band"]], y=bands["nps"],
        mode="markers+text+lines", text=text, textposition="middle right",
        line=dict(color="#777", width=1, dash="dot"), showlegend=False,
        marker=dict(size=12, color=colors, symbol="diamond", line=dict(color=INK, width=1)),
        error_y=dict(type="data", symmetric=False, array=bands["nps_hi"] - bands["nps"],
                     arrayminus=bands["nps"] - bands["nps_lo"], color="#555"),
        hovertemplate=i18n.t("ch_hover_band", lang) + "<extra></extra>"), 1, 2)
    fig.add_hline(y=0, line=dict(color="#999", width=1), row=1, col=2)
    fig.update_xaxes(title=i18n.t("ch_ax_band", lang), type="category", row=1, col=2, range=[-0.5, len(bands) - 0.1])
    fig.update_yaxes(title=i18n.t("ch_ax_nps_interval", lang), row=1, col=2, range=[-100, 100])


def _stage_words(frames: list[pd.DataFrame], stages: list[str], lang: str) -> tuple[list[pd.DataFrame], list[str]]:
    """The tables with their stages in words of ``lang`` (English charts keep the project's keys)."""
    if is_english(lang):
        return frames, stages
    words = dict(zip(stages, group_names(pd.Series(stages, dtype=object), "stage", lang), strict=True))
    for f in frames:
        words.update({s: w for s, w in zip(f["stage"] if len(f) else [], group_names(f["stage"], "stage", lang)
                                           if len(f) else [], strict=True)})
    return [f.assign(stage=f["stage"].map(words)) if len(f) else f for f in frames], [words[s] for s in stages]


def journey_curve(table: pd.DataFrame, gaps: pd.DataFrame, flow: pd.DataFrame, stages: list[str],
                  lang: str = "en") -> go.Figure:
    """Valence per stage and source with its band, the ideal dashed, widest gaps labelled; entries and exits below.

    The stages are a sequence: in a right-to-left language the first stage is on the right.
    """
    (table, gaps, flow), stages = _stage_words([table, gaps, flow], stages, lang)
    order = [s for s in stages if s in set(table["stage"]) | set(flow["stage"] if len(flow) else [])]
    order += sorted((set(table["stage"]) | set(flow["stage"] if len(flow) else [])) - set(order))
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.7, 0.3], vertical_spacing=0.06)
    for i, (source, g) in enumerate(table.groupby("source", sort=True)):
        g = g.set_index("stage").reindex([s for s in order if s in set(g["stage"])]).reset_index()
        color, symbol, dash = OKABE_ITO[i % 8], SOURCE_SYMBOLS[i % 8], SOURCE_DASHES[i % 6]
        rgb = tuple(int(color[k:k + 2], 16) for k in (1, 3, 5))
        fig.add_trace(go.Scatter(x=list(g["stage"]) + list(g["stage"])[::-1], y=list(g["hi"]) + list(g["lo"])[::-1],
                                 fill="toself", fillcolor=f"rgba({rgb[0]},{rgb[1]},{rgb[2]},0.15)", line=dict(width=0),
                                 mode="lines", hoverinfo="skip", showlegend=False, legendgroup=source), 1, 1)
        fig.add_trace(go.Scatter(
            x=g["stage"], y=g["valence"], mode="lines+markers",
            name=i18n.t("ch_journey_legend", lang, source=source_name(source, lang), n=num(int(g["n"].sum()), lang, ",")),
            legendgroup=source, line=dict(color=color, width=3, dash=dash),
            marker=dict(size=[7 if few else 11 for few in g["too_few"]], symbol=symbol, color=color,
                        line=dict(color=INK, width=1)),
            customdata=np.stack([g["n"], g["too_few"].map({True: i18n.t("ch_too_few_paren", lang), False: ""})], axis=1),
            hovertemplate=i18n.t("ch_hover_journey", lang) + "<extra>" + source_name(source, lang) + "</extra>"), 1, 1)
    ideal = table.dropna(subset=["ideal"]).drop_duplicates("stage")
    if len(ideal):
        ideal = ideal.set_index("stage").reindex([s for s in order if s in set(ideal["stage"])]).reset_index()
        fig.add_trace(go.Scatter(x=ideal["stage"], y=ideal["ideal"], mode="lines+markers", name=i18n.t("ideal", lang),
                                 line=dict(color="#000000", dash="dash", width=2.5),
                                 marker=dict(symbol="star", size=13, color="#000000")), 1, 1)
    for g in gaps.itertuples(index=False):
        fig.add_trace(go.Scatter(x=[g.stage, g.stage], y=[g.valence, g.ideal], mode="lines", showlegend=False,
                                 hoverinfo="skip", line=dict(color="#D55E00", width=5)), 1, 1)
        fig.add_annotation(x=g.stage, y=(g.valence + g.ideal) / 2, showarrow=False,
                           text=i18n.t("ch_gap", lang, gap=num(g.gap, lang, "+.2f")),
                           xshift=38, bgcolor="rgba(255,255,255,0.85)", font=dict(color="#A04000"), row=1, col=1)
    if len(flow):
        fig.add_trace(go.Bar(x=flow["stage"], y=flow["entered"], name=i18n.t("ch_entered", lang), marker_color="#56B4E9",
                             marker_pattern_shape="", text=_counts(flow["entered"], lang), textposition="outside"), 2, 1)
        fig.add_trace(go.Bar(x=flow["stage"], y=-flow["left"], name=i18n.t("ch_left", lang),
                             marker_color="#D55E00", marker_pattern_shape="/", text=_counts(flow["left"], lang),
                             textposition="outside"), 2, 1)
    fig.add_hline(y=0, line=dict(color="#888", width=1), row=1, col=1)
    if table["too_few"].any():
        fig.add_annotation(x=0, y=-1.0, xref="x domain", text=i18n.t("ch_note_small", lang),
                           showarrow=False, xanchor="left", font=dict(size=11, color="#555"), row=1, col=1)
    n = int(table["n"].sum())
    fig.update_layout(**LAYOUT, height=640, width=1200, barmode="relative", margin=dict(l=70, r=30, t=70, b=60),
                      title=i18n.t("ch_ttl_journey", lang, n=num(n, lang, ",")),
                      legend=dict(orientation="h", y=-0.1))
    fig.update_xaxes(categoryorder="array", categoryarray=order)
    fig.update_yaxes(title=i18n.t("ch_ax_valence_bad_good", lang), range=[-1.05, 1.05], row=1, col=1)
    if len(flow):
        fig.update_yaxes(range=[-1.6 * flow["left"].max() - 0.1 * flow["entered"].max(), 1.3 * flow["entered"].max()],
                         row=2, col=1)
    fig.update_yaxes(title=i18n.t("ch_customers_axis", lang), row=2, col=1)
    return localize(fig, lang, sequence=True)


def _counts(values: pd.Series, lang: str) -> pd.Series | list[str]:
    """Counts written on bars: the numbers themselves in English (as always), text in ``lang``'s digits otherwise."""
    return values if is_english(lang) else [num(v, lang, ",") for v in values]


def pain_heatmap(matrix: pd.DataFrame, stages: list[str], channels: list[str], lang: str = "en") -> go.Figure:
    """Stage x channel, shaded by pain (severity x frequency), each cell with its counts and a link to its exhibits."""
    ys = [s for s in stages if s in set(matrix["stage"])] + sorted(set(matrix["stage"]) - set(stages))
    xs = [c for c in channels if c in set(matrix["channel"])] + sorted(set(matrix["channel"]) - set(channels))
    m = matrix.set_index(["stage", "channel"])
    z, text, links = [], [], []
    for s in ys:
        zr, tr, lr = [], [], []
        for c in xs:
            if (s, c) in m.index:
                r = m.loc[(s, c)]
                zr.append(float(r["pain"]))
                few = i18n.t("ch_too_few_line", lang) if r["too_few"] else ""
                sev = "<br>" + i18n.t("ch_sev", lang, v=num(r["severity"], lang, ".2f")) if r["negatives"] else ""
                tr.append(f"{num(int(r['negatives']), lang, '')}/{num(int(r['n']), lang, '')}{sev}{few}")
            else:
                zr.append(None)
                tr.append("—")        # no answer here at all: said, not left blank
            lr.append(gallery_link(stage=s, channel=c))
        z.append(zr)
        text.append(tr)
        links.append(lr)
    fig = go.Figure(go.Heatmap(
        z=z, x=group_names(pd.Series(xs, dtype=object), "channel", lang),
        y=group_names(pd.Series(ys, dtype=object), "stage", lang), text=text, texttemplate="%{text}", customdata=links,
        zmin=0, zmax=1,
        colorscale=[[0, "#FFFFFF"], [0.25, "#FDE0C5"], [0.5, "#F4A460"], [0.75, "#D55E00"], [1, "#5A1E00"]],
        colorbar=dict(title=i18n.t("ch_pain", lang)), xgap=2, ygap=2,
        hovertemplate=i18n.t("ch_hover_pain", lang) + "<extra>" + i18n.t("ch_pain_extra", lang) + "</extra>"))
    n = int(matrix["n"].sum())
    fig.update_layout(**LAYOUT, height=460, width=1000, margin=dict(l=120, r=20, t=70, b=50),
                      title=i18n.t("ch_ttl_pain", lang, n=num(n, lang, ",")))
    fig.update_yaxes(autorange="reversed")
    # dark cells need light text: plotly picks the text colour from the cell when texttemplate is used
    return localize(fig, lang)


def ranked_bars(entries: list[dict], top: int = 10, lang: str = "en") -> go.Figure:
    """The ranking as one bar per negative experience (score = severity × reach × evidence)."""
    e = [x for x in entries if not x.get("too_few")][:top][::-1]
    fig = go.Figure(go.Bar(
        y=[f"{num(x['rank'], lang, '')}. {x['title']}" for x in e], x=[x["score"] for x in e], orientation="h",
        marker_color="#D55E00",
        textfont=dict(color="#000000"), insidetextfont=dict(color="#FFFFFF"),
        text=[i18n.t("ch_ranked_text", lang, sev=num(x["severity"], lang, ".2f"), reach=num(x["reach"], lang, ""),
                     sources=i18n.t("comma", lang).join(source_name(s, lang) for s in x["sources"])) for x in e],
        textposition="auto", hovertemplate=i18n.t("ch_hover_score", lang) + "<extra></extra>"))
    fig.update_layout(**LAYOUT, height=90 + 42 * max(1, len(e)), width=1100, margin=dict(l=330, r=20, t=60, b=40),
                      title=i18n.t("ch_ttl_ranked", lang, n=num(len(entries), lang, "")),
                      xaxis=dict(title=i18n.t("ch_ax_ranked", lang), type="log"))
    return localize(fig, lang)


def table_figure(header: list[str], columns: list[list[object]], title: str, height: int = 420,
                 widths: list[float] | None = None, lang: str = "en") -> go.Figure:
    """A plain table as a figure (for the wall and the scorecard exhibits' static images); right-aligned in Persian."""
    fig = go.Figure(go.Table(columnwidth=widths, header=dict(values=[f"<b>{h}</b>" for h in header], fill_color="#EAECEE",
                                                             align="left"),
                             cells=dict(values=columns, align="left", height=26)))
    fig.update_layout(**LAYOUT, height=height, width=1200, margin=dict(l=10, r=10, t=60, b=10), title=title)
    return localize(fig, lang)
