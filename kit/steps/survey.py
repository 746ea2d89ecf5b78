"""The survey step: scores, their charts, key drivers, and exhibits from survey evidence (headline
metrics, charts and customers' own words). ``run`` does it all; the notebook only shows the result.

Every narrative sentence is written from the numbers (with their n and intervals) and says a
difference only when the test behind it found one, so the notebook's words never claim more than
the data does. Until text sentiment is scored, a quote's valence comes from its author's NPS
rating (0 -> -1, 5 -> 0, 10 -> 1); unhappy answers of detractors are the negative quotes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from kit.analysis import scores, titles
from kit.analysis.drivers import key_drivers
from kit.analysis.scores import NAMES
from kit.analysis.themes import THEME_COLUMNS
from kit.charts import survey as charts
from kit.charts.locale import plain
from kit.core import i18n
from kit.core.exhibits import Exhibit
from kit.core.project import Project
from kit.core.step import Step

QUOTES_PER_STAGE = 4
POSITIVE_QUOTES = 8

# The survey's chart exhibits, in the order they are stored, with their captions
NPS_STAGE, NPS_CHANNEL, NPS_TREND = "chart-survey-nps-stage", "chart-survey-nps-channel", "chart-survey-nps-trend"
NPS_SEGMENT, IDEAL_GAP, KEY_DRIVERS = "chart-survey-nps-segment", "chart-survey-ideal-gap", "chart-survey-key-drivers"
CAPTION_KEYS = {NPS_STAGE: "cap_nps_stage", NPS_CHANNEL: "cap_nps_channel", NPS_TREND: "cap_nps_trend",
                NPS_SEGMENT: "cap_nps_segment", IDEAL_GAP: "cap_ideal_gap", KEY_DRIVERS: "cap_key_drivers"}
CAPTIONS = {key: i18n.t(words, "en") for key, words in CAPTION_KEYS.items()}      # the English ones
# Figures the notebook shows that are not exhibits
CSAT_CHANNEL, NPS_TREND_MONTH = "survey-csat-channel", "survey-nps-trend-month"
DISTRIBUTIONS = {score: f"survey-distribution-{score}" for score in ("nps", "csat", "ces")}


def _r(v: float, digits: int = 1) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else round(float(v), digits)


def metric_exhibits(responses: pd.DataFrame, source: str, lang: str = "en") -> list[Exhibit]:
    """Headline NPS, CSAT and CES as metric exhibits, each with its interval and the answers behind it, worded in ``lang``."""
    head = scores.headline(responses)
    n, c, e = head["nps"], head["csat"], head["ces"]

    def num(v: float, decimals: int = 0) -> str:
        return i18n.number(v, lang, decimals)
    items = [
        ("metric-nps", i18n.t("mt_nps", lang), i18n.t("mt_nps_caption", lang, value=num(n["value"]), lo=num(n["lo"]),
                                                   hi=num(n["hi"]), n=num(n["n"])),
         {"responses": n["n"], "nps": _r(n["value"]), "lo": _r(n["lo"]), "hi": _r(n["hi"])},
         max(-1.0, min(1.0, n["value"] / 100))),
        ("metric-csat", i18n.t("mt_csat", lang),
         i18n.t("mt_csat_caption", lang, value=num(c["value"], 2), lo=num(c["lo"], 2), hi=num(c["hi"], 2),
                top=num(c["top2box"]), top_lo=num(c["top2box_lo"]), top_hi=num(c["top2box_hi"]), n=num(c["n"])),
         {"responses": c["n"], "csat": _r(c["value"], 2), "lo": _r(c["lo"], 2), "hi": _r(c["hi"], 2),
          "top2box": _r(c["top2box"]), "top2box_lo": _r(c["top2box_lo"]), "top2box_hi": _r(c["top2box_hi"])},
         max(-1.0, min(1.0, (c["value"] - 3) / 2))),
        ("metric-ces", i18n.t("mt_ces", lang),
         i18n.t("mt_ces_caption", lang, value=num(e["value"], 2), lo=num(e["lo"], 2), hi=num(e["hi"], 2), n=num(e["n"])),
         {"responses": e["n"], "ces": _r(e["value"], 2), "lo": _r(e["lo"], 2), "hi": _r(e["hi"], 2)},
         max(-1.0, min(1.0, (e["value"] - 4) / 3))),
    ]
    return [Exhibit(id=i, kind="metric", title=t, caption=cap, evidence=ev, valence=round(v, 2),
                    lenses=["business"], source={"file": source, "locator": "all responses"})
            for i, t, cap, ev, v in items if ev["responses"]]


def gap_exhibits(gaps: pd.DataFrame, source: str, lang: str = "en") -> list[Exhibit]:
    """One metric exhibit per stage whose actual score misses its ideal by more than the 95% interval."""
    out = []
    for row in gaps[gaps["beyond_interval"] & (gaps["gap"] < 0)].itertuples():
        name = NAMES[row.score]
        d = 0 if row.score == "nps" else 2
        out.append(Exhibit(
            id=f"metric-gap-{row.stage}-{row.score}", kind="metric", stage=row.stage,
            title=i18n.t("mt_gap", lang, name=name, stage=row.stage),
            caption=i18n.t("mt_gap_caption", lang, name=name, actual=i18n.number(row.actual, lang, d),
                           lo=i18n.number(row.lo, lang, d), hi=i18n.number(row.hi, lang, d), n=i18n.number(row.n, lang),
                           ideal=i18n.number(row.ideal, lang, d), gap=i18n.number(row.gap, lang, d)),
            evidence={"responses": int(row.n), row.score: _r(row.actual, 2), "ideal": row.ideal, "gap": _r(row.gap, 2),
                      "lo": _r(row.lo, 2), "hi": _r(row.hi, 2)},
            valence=-0.5, severity=round(min(1.0, abs(row.gap) / (100 if row.score == "nps" else 4)), 2),
            lenses=["business", "design"], tags=["ideal-gap"], source={"file": source, "locator": f"stage {row.stage}"}))
    return out


def chart_exhibit(run_dir: Path, ex_id: str, fig: go.Figure, caption: str, evidence: dict, source: str,
                  png: bool = True, **fields: object) -> Exhibit:
    """A chart exhibit: the figure stored in the run (JSON, and a PNG where Chromium is at hand)."""
    from kit.charts.store import save_figure
    return Exhibit(id=ex_id, kind="chart", title=plain(fig.layout.title.text) or ex_id, caption=caption, evidence=evidence,
                   media=save_figure(run_dir, ex_id, fig, png=png), lenses=["business"],
                   source={"file": source, "locator": "all responses"}, **fields)  # type: ignore[arg-type]


def _valence(nps: pd.Series) -> pd.Series:
    return (nps.astype(float) / 5 - 1).clip(-1, 1).round(2)


def quote_exhibits(responses: pd.DataFrame, comments: pd.DataFrame, project: Project) -> list[Exhibit]:
    """The most severe unhappy answers per stage, and a few of the happiest, as quotes."""
    survey = comments[comments["response_id"].notna()].merge(
        responses[["response_id", "nps", "stage", "channel", "segment", "source_row"]], on="response_id")
    survey = survey[survey["nps"].notna()].drop_duplicates("text")      # one wall entry per wording
    neg = survey[(survey["field"] == "disliked_most") & (survey["nps"] <= 6)]
    neg = neg.sort_values(["nps", "source_row"]).groupby("stage", dropna=False).head(QUOTES_PER_STAGE)
    pos = survey[(survey["field"] == "liked_most") & (survey["nps"] >= 9)].sort_values("source_row")
    pos = pos.groupby("stage", dropna=False).head(1).head(POSITIVE_QUOTES)
    out = []
    for row in pd.concat([neg, pos]).itertuples():
        valence = float(_valence(pd.Series([row.nps])).iloc[0])
        unhappy = row.field == "disliked_most"
        out.append(Exhibit(
            id=f"survey-{row.response_id}-{row.field}", kind="quote",
            title=titles.quote_title(row.text, project.ui_language, "ttl_unhappy" if unhappy else "ttl_liked",
                                     row.stage if isinstance(row.stage, str) else None,
                                     row.channel if isinstance(row.channel, str) else None),
            quote=row.text, stage=row.stage if isinstance(row.stage, str) else None,
            channel=row.channel if isinstance(row.channel, str) else None,
            segment=row.segment if isinstance(row.segment, str) else None,
            valence=valence, severity=round(max(0.0, -valence), 2) if unhappy else 0.0,
            lenses=["design"], lang=row.lang, tags=[row.field],
            evidence={"nps_of_author": int(row.nps), "responses": 1,
                      **({"sentiment": round(float(row.sentiment), 2)} if pd.notna(getattr(row, "sentiment", None)) else {})},
            source={"file": row.source, "locator": f"row {row.source_row}"}))
    return out


# --- the step ----------------------------------------------------------------------------------

@dataclass
class SurveyResult:
    """What the survey step made; figures are keyed by their exhibit id (the constants above)."""

    responses: int                          # accepted responses
    comments: int                           # open answers
    min_group_size: int                     # groups with fewer answers are too few to rank
    headline: dict[str, dict[str, float]]   # scores.headline: nps, csat, ces with intervals and n
    groups: dict[str, pd.DataFrame]         # "stage", "channel", "segment" -> scores.by_group
    weekly: pd.DataFrame                    # scores.by_period, weeks
    monthly: pd.DataFrame                   # scores.by_period, months
    gaps: pd.DataFrame                      # scores.actual_vs_ideal per stage
    drivers: pd.DataFrame                   # kit.analysis.drivers.key_drivers
    figures: dict[str, go.Figure]
    exhibits: list[Exhibit]
    summary: pd.DataFrame                   # the step's counts (Step.finish)


def run(step: Step, min_group_size: int = 0, *, png: bool = True) -> SurveyResult:
    """Score the run's responses overall, by group and by period, against the ideal and by theme; draw
    them; store metric, chart and quote exhibits and finish the step.

    ``min_group_size`` 0 uses project.yaml's; ``png`` False stores the charts without static images.
    """
    if isinstance(min_group_size, bool) or not isinstance(min_group_size, int):
        raise TypeError(f"min_group_size must be a whole number of answers, not {min_group_size!r}")
    p = step.project
    responses, comments = step.load_table("responses"), step.load_table("comments")
    min_n = min_group_size or p.min_group_size
    source = ", ".join(s.path for s in p.surveys) or "no survey"
    groups = {"stage": scores.by_group(responses, "stage", min_n, p.journey.stages),
              "channel": scores.by_group(responses, "channel", min_n, p.channels),
              "segment": scores.by_group(responses, "segment", min_n)}
    lang = p.ui_language
    # Trends in the project's calendar and time zone: a Persian project's months are Jalali (مهر ۱۴۰۴)
    when = dict(calendar=p.trend_calendar, tz=p.timezone, lang=lang)
    weekly, monthly = scores.by_period(responses, "W", min_n, **when), scores.by_period(responses, "M", min_n, **when)
    gaps = scores.actual_vs_ideal(groups["stage"], p.journey.ideal)
    themes = step.load_table("themes") if step.has_table("themes") else pd.DataFrame(columns=THEME_COLUMNS)
    drivers = key_drivers(comments, responses, themes, min_n)
    figures = {key: charts.distribution(scores.distribution(responses, score), score, lang)
               for score, key in DISTRIBUTIONS.items()}
    # A chart per group only where the surveys map that group (a survey without a channel column has no channels)
    if len(groups["stage"]):
        figures[NPS_STAGE] = charts.score_by_group(groups["stage"], "stage", "nps", p.journey.ideal, lang=lang)
    if len(groups["channel"]):
        figures[NPS_CHANNEL] = charts.score_by_group(groups["channel"], "channel", "nps", lang=lang)
        figures[CSAT_CHANNEL] = charts.score_by_group(groups["channel"], "channel", "csat", lang=lang)
    figures[NPS_TREND] = charts.nps_trend(weekly, freq_word="week", lang=lang)
    figures[NPS_TREND_MONTH] = charts.nps_trend(monthly, freq_word="month", lang=lang)
    if len(groups["segment"]):
        figures[NPS_SEGMENT] = charts.score_by_group(groups["segment"], "segment", "nps", lang=lang)
    if len(gaps):
        figures[IDEAL_GAP] = charts.actual_vs_ideal(gaps, "nps", p.journey.stages, lang=lang)
    if len(drivers):
        figures[KEY_DRIVERS] = charts.key_drivers(drivers, lang=lang)
    answered = int(responses["nps"].notna().sum())
    exhibits = (metric_exhibits(responses, source, p.ui_language) + gap_exhibits(gaps, source, p.ui_language)
                + [chart_exhibit(step.run_dir, key, figures[key], i18n.t(words, p.ui_language), {"responses": answered},
                                 source, png=png)
                   for key, words in CAPTION_KEYS.items() if key in figures]
                + quote_exhibits(responses, comments, p))
    return SurveyResult(
        responses=len(responses), comments=len(comments), min_group_size=min_n, headline=scores.headline(responses),
        groups=groups, weekly=weekly, monthly=monthly, gaps=gaps, drivers=drivers, figures=figures,
        exhibits=exhibits, summary=step.finish(exhibits))
