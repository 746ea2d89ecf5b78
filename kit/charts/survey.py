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

from kit.charts.locale import digits, is_english, localize, num, pct
from kit.charts.palette import BLACK, BLUE, GREEN, NEGATIVE, ORANGE, POSITIVE
from kit.core import i18n, places

NEG, POS, MID, GREY, IDEAL = NEGATIVE, POSITIVE, BLUE, "#B3B3B3", BLACK
ERROR = "#4D4D4D"
LAYOUT = dict(template="plotly_white", margin=dict(l=60, r=20, t=60, b=50), height=380)
TOO_FEW = "too few answers"
LABELS = {"nps": "NPS", "csat": "CSAT (1-5)", "ces": "CES (1-7, 7 = easy)", "top2box": "CSAT top-2-box %"}
UNSPECIFIED = "unspecified"          # the analysis's name for a missing stage or channel (kit.analysis.pain)
FLAG_MARK = {"above": " ▲", "below": " ▼", "up": " ▲", "down": " ▼", "": ""}


def _fmt(score: str, v: float, lang: str = "en") -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return num(v, lang, ".0f" if score in ("nps", "top2box") else ".2f")


def label(score: str, lang: str = "en") -> str:
    """A score's name with its scale, as axes and titles show it."""
    return i18n.t(f"ch_score_{score}", lang) if f"ch_score_{score}" in i18n.LABELS else score.upper()


def too_few(lang: str = "en") -> str:
    return i18n.t("ch_too_few", lang)


def group_word(key: str, lang: str = "en") -> str:
    """What the groups are (stage, channel, segment), as a title names them."""
    return i18n.t(f"ch_group_{key}", lang) if f"ch_group_{key}" in i18n.LABELS else key


def group_names(values: pd.Series, key: str, lang: str = "en") -> list[str]:
    """Group keys as an axis shows them: as they are in English, in words (``places``) in another language."""
    if is_english(lang):
        return list(values.astype(str))
    word = {"stage": places.stage_text, "channel": places.channel_text}.get(key)
    return [i18n.t("ch_unspecified", lang) if v == UNSPECIFIED else word(str(v), lang) if word else str(v)
            for v in values]


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
                   ideal: dict[str, dict[str, float]] | None = None, title: str = "", lang: str = "en") -> go.Figure:
    """Bars with 95% intervals per group; ideal targets as markers; small groups greyed, real differences marked."""
    few = table["too_few"].astype(bool) if "too_few" in table else pd.Series(False, index=table.index)
    flags = table[f"{score}_flag"] if f"{score}_flag" in table else pd.Series("", index=table.index)
    colors = [GREY if f else (NEG if score == "nps" and v < 0 else MID) for v, f in zip(table[score], few, strict=True)]
    text = [_fmt(score, v, lang) + (f" ({too_few(lang)})" if f else FLAG_MARK.get(fl or "", ""))
            for v, f, fl in zip(table[score], few, flags, strict=True)]
    n = _answers(table, score)
    shown = dict(zip(table[key], group_names(table[key], key, lang), strict=True))
    fig = go.Figure(go.Bar(
        x=[shown[k] for k in table[key]], y=table[score], marker_color=colors, text=text, textposition="outside",
        error_y=_error_y(table, score), name=i18n.t("actual", lang),
        customdata=list(zip(n, few.map({True: too_few(lang), False: ""}), strict=True)),
        hovertemplate=i18n.t("ch_hover_group", lang) + "<extra></extra>"))
    if ideal:
        xs = [s for s in table[key] if score in ideal.get(s, {})]
        fig.add_trace(go.Scatter(x=[shown[s] for s in xs], y=[ideal[s][score] for s in xs], mode="markers",
                                 name=i18n.t("ideal", lang),
                                 marker=dict(symbol="line-ew-open", size=34, color=IDEAL, line=dict(width=4, color=IDEAL))))
    name = label(score, lang)
    fig.update_layout(**LAYOUT, title=title or i18n.t("ch_ttl_by_group", lang, score=name, group=group_word(key, lang),
                                                      n=num(int(n.sum()), lang, ",")),
                      yaxis_title=name, showlegend=bool(ideal))
    if few.any():
        fig.add_annotation(text=i18n.t("ch_note_group", lang), showarrow=False,
                           xref="paper", yref="paper", x=1, y=1.08, xanchor="right", font=dict(size=11, color=ERROR))
    return localize(fig, lang)


def _period_ticks(fig: go.Figure, table: pd.DataFrame, lang: str) -> None:
    """Periods named on the x axis as the project's calendar names them (``مهر ۱۴۰۴``), not as plotly dates."""
    if is_english(lang) or "label" not in table or not len(table):
        return
    step = max(1, math.ceil(len(table) / 8))           # at most about eight names, so they never overlap
    fig.update_xaxes(tickvals=list(table["period"])[::step], ticktext=list(table["label"])[::step])


def nps_trend(table: pd.DataFrame, title: str = "", score: str = "nps", freq_word: str = "week",
              lang: str = "en") -> go.Figure:
    """A score per period with its 95% band; periods with too few answers grey; tested changes marked ▲/▼.

    ``freq_word`` is ``week`` or ``month``; in another language than English the periods are named by
    the table's ``label`` (its calendar's own names, from ``scores.by_period``) and time runs right to left.
    """
    few = table["too_few"].astype(bool) if "too_few" in table else pd.Series(False, index=table.index)
    flags = table[f"{score}_change_flag"] if f"{score}_change_flag" in table else pd.Series("", index=table.index)
    n = _answers(table, score)
    data = [n, few.map({True: too_few(lang), False: ""})]
    if not is_english(lang):
        data.append(table["label"] if "label" in table else [digits(str(p)[:10], lang) for p in table["period"]])
    freq = i18n.t(f"ch_freq_{freq_word}", lang) if f"ch_freq_{freq_word}" in i18n.LABELS else freq_word
    fig = go.Figure([
        go.Scatter(x=list(table["period"]) + list(table["period"])[::-1],
                   y=list(table[f"{score}_hi"]) + list(table[f"{score}_lo"])[::-1], fill="toself",
                   fillcolor="rgba(0,114,178,0.15)", line=dict(width=0), hoverinfo="skip", name=i18n.t("ch_interval", lang)),
        go.Scatter(x=table["period"], y=table[score], mode="lines+markers+text", line=dict(color=MID), name=label(score, lang),
                   marker=dict(color=[GREY if f else MID for f in few], size=9),
                   text=[FLAG_MARK.get(fl or "", "").strip() for fl in flags], textposition="top center",
                   customdata=list(zip(*data, strict=True)), hovertemplate=i18n.t("ch_hover_trend", lang) + "<extra></extra>"),
    ])
    total = int(n.sum())
    fig.update_layout(**LAYOUT, title=title or i18n.t("ch_ttl_trend", lang, score=label(score, lang), freq=freq,
                                                      n=num(total, lang, ",")),
                      yaxis_title=label(score, lang))
    if few.any():
        fig.add_annotation(text=i18n.t("ch_note_trend", lang, freq=freq),
                           showarrow=False, xref="paper", yref="paper", x=1, y=1.08, xanchor="right",
                           font=dict(size=11, color=ERROR))
    _period_ticks(fig, table, lang)
    return localize(fig, lang, sequence=True)


def distribution(dist: pd.DataFrame, score: str, lang: str = "en") -> go.Figure:
    """How many answers gave each value; NPS bars coloured as detractors, passives, promoters."""
    if score == "nps":
        colors = [NEG if v <= 6 else (ORANGE if v <= 8 else GREEN) for v in dist["value"]]
    else:
        colors = [MID] * len(dist)
    total = int(dist["answers"].sum())
    fig = go.Figure(go.Bar(x=dist["value"], y=dist["answers"], marker_color=colors,
                           text=[pct(s, lang) for s in dist["share"].fillna(0)], textposition="outside",
                           hovertemplate=i18n.t("ch_hover_dist", lang) + "<extra></extra>"))
    words = i18n.t("ch_dist_nps_words", lang) if score == "nps" else ""
    fig.update_layout(**LAYOUT, title=i18n.t("ch_ttl_dist", lang, score=label(score, lang), n=num(total, lang, ","),
                                             words=words),
                      xaxis=dict(dtick=1, title=label(score, lang)), yaxis_title=i18n.t("ch_answers_axis", lang))
    return localize(fig, lang)


def actual_vs_ideal(table: pd.DataFrame, score: str = "nps", stages: list[str] | None = None,
                    lang: str = "en") -> go.Figure:
    """Actual score per stage with its interval beside the designed ideal; gaps beyond the interval in vermillion."""
    t = table[table["score"] == score]
    if stages:
        t = t.set_index("stage").reindex([s for s in stages if s in set(t["stage"])]).reset_index()
    colors = [GREY if f else (NEG if b else MID) for f, b in zip(t["too_few"], t["beyond_interval"], strict=True)]
    xs = group_names(t["stage"], "stage", lang) if not is_english(lang) else t["stage"]
    fig = go.Figure([
        go.Bar(x=xs, y=t["actual"], name=i18n.t("actual", lang), marker_color=colors,
               error_y=dict(type="data", symmetric=False, array=(t["hi"] - t["actual"]).fillna(0),
                            arrayminus=(t["actual"] - t["lo"]).fillna(0), color=ERROR),
               text=[_fmt(score, a, lang) + (f" ({too_few(lang)})" if f else "")
                     for a, f in zip(t["actual"], t["too_few"], strict=True)],
               textposition="outside", customdata=t["n"], hovertemplate=i18n.t("ch_hover_answers", lang) + "<extra></extra>"),
        go.Scatter(x=xs, y=t["ideal"], mode="markers", name=i18n.t("ideal", lang),
                   marker=dict(symbol="line-ew-open", size=34, color=IDEAL, line=dict(width=4, color=IDEAL))),
    ])
    fig.update_layout(**LAYOUT, title=i18n.t("ch_ttl_vs_ideal", lang, score=label(score, lang),
                                             n=num(int(t["n"].sum()), lang, ",")), yaxis_title=label(score, lang))
    return localize(fig, lang)


def dose_response(table: pd.DataFrame, lang: str = "en") -> go.Figure:
    """NPS by weekly outbound contact volume: the cost of burying customers in messages."""
    fig = go.Figure(go.Bar(
        x=[digits(b, lang) for b in table["band"].astype(str)], y=table["nps"],
        marker_color=[NEG if v < 0 else POS for v in table["nps"]],
        error_y=dict(type="data", symmetric=False, array=table["nps_hi"] - table["nps"],
                     arrayminus=table["nps"] - table["nps_lo"], color=ERROR),
        text=[num(v, lang) for v in table["nps"]], textposition="outside", customdata=table["customers"],
        hovertemplate=i18n.t("ch_hover_dose", lang) + "<extra></extra>"))
    n = int(table["nps_n"].sum()) if "nps_n" in table else int(table["customers"].sum())
    fig.update_layout(**LAYOUT, title=i18n.t("ch_ttl_dose", lang, n=num(n, lang, ",")),
                      xaxis_title=i18n.t("ch_ax_outbound_week", lang), yaxis_title=label("nps", lang))
    return localize(fig, lang)


def key_drivers(drivers: pd.DataFrame, top: int = 12, lang: str = "en") -> go.Figure:
    """Themes by how much NPS differs between respondents who mention them and those who do not (95% interval).

    Vermillion: drags NPS down, bluish green: lifts it (both tested); blue: not a real difference;
    grey: too few answers on one side to judge. Each theme names the language of the answers it was found in.
    """
    t = drivers.head(top).iloc[::-1]
    labels = [f"{lab} ({_language_name(text_lang, lang)})" for lab, text_lang in zip(t["label"], t["lang"], strict=True)]
    colors = [GREY if few else (MID if not sig else (NEG if d < 0 else POS))
              for few, sig, d in zip(t["too_few"], t["significant"], t["difference"], strict=True)]
    fig = go.Figure(go.Bar(
        y=labels, x=t["difference"], orientation="h", marker_color=colors,
        error_x=dict(type="data", symmetric=False, array=(t["hi"] - t["difference"]).fillna(0),
                     arrayminus=(t["difference"] - t["lo"]).fillna(0), color=ERROR),
        text=[num(d, lang, "+.0f") + (f" ({too_few(lang)})" if few else "")
              for d, few in zip(t["difference"], t["too_few"], strict=True)],
        textposition="outside", customdata=list(zip(t["n_with"], t["n_without"], strict=True)),
        hovertemplate=i18n.t("ch_hover_drivers", lang) + "<extra></extra>"))
    n = int((drivers["n_with"] + drivers["n_without"]).groupby(drivers["lang"]).max().sum()) if len(drivers) else 0
    fig.update_layout(**{**LAYOUT, "height": max(380, 40 * len(t) + 120), "margin": dict(l=260, r=40, t=60, b=50)},
                      title=i18n.t("ch_ttl_drivers", lang, n=num(n, lang, ",")),
                      xaxis_title=i18n.t("ch_ax_drivers", lang))
    return localize(fig, lang)


def _language_name(text_lang: str, lang: str) -> str:
    """The language answers were written in: its code in English charts, its name in others."""
    key = f"ch_lang_{text_lang}"
    return text_lang if is_english(lang) or key not in i18n.LABELS else i18n.t(key, lang)
