"""The negative-experiences step: each view computed, drawn, stored as a chart exhibit, and the ranking written.

``run`` makes every view in turn and finishes the step; the notebook ``04_negative`` shows them. Outputs in the run folder:
``charts/<id>.json|png`` (kit.charts.store), ``exhibits/negative.json`` (via the step), ``data/journey.parquet``
(stage, source, valence, lo, hi, n, ideal, too_few), ``data/wall.parquet`` (the detractor wall's quotes) and
``negatives.json`` (the ranked list the pages show).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from kit.analysis import contact_log, journey, pain, scorecard, titles, wall
from kit.analysis import overload as negative
from kit.charts import journey as overview_chart
from kit.charts import negative as nc
from kit.charts import store as figures
from kit.charts.locale import num, pct
from kit.charts.survey import group_names
from kit.core import i18n, runfolder
from kit.core.exhibits import JOURNEY_ID, PAIN_ID, RANKED_ID, SCORECARD_ID, WALL_ID, WATERFALL_ID, Exhibit
from kit.core.money import money
from kit.core.schema import MOMENT_COLUMNS
from kit.core.step import Step

WALL_COLUMNS = ["comment_id", "text", "lang", "severity", "theme", "theme_answers", "stage", "channel", "source",
                "locator", "exhibit", "said_by"]


@dataclass
class Inputs:
    responses: pd.DataFrame
    comments: pd.DataFrame
    moments: pd.DataFrame
    customers: pd.DataFrame          # one row per customer of the contact log (DuckDB aggregate)
    channels: pd.DataFrame           # one row per channel of the contact log (DuckDB aggregate)
    records: list[dict[str, Any]] = field(default_factory=list)   # exhibits the earlier steps made


def read_moments(run_dir: Path) -> pd.DataFrame:
    """Merged moments when the gallery step already ran, else every step's part merged here."""
    if runfolder.has_table(run_dir, "moments"):
        return runfolder.read_table(run_dir, "moments")
    parts = [pd.read_parquet(p) for p in runfolder.moment_parts(run_dir, leave_out="negative")]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=MOMENT_COLUMNS)


def read_part_exhibits(run_dir: Path) -> list[dict[str, Any]]:
    out = []
    for path in runfolder.exhibit_parts(run_dir):
        if path.stem != "negative":
            out += json.loads(path.read_text(encoding="utf-8"))
    return out


def load_inputs(step: Step) -> Inputs:
    comments = step.load_table("comments") if step.has_table("comments") else pd.DataFrame()
    has_contacts = step.has_table("contacts")
    return Inputs(
        responses=step.load_table("responses"), comments=comments, moments=read_moments(step.run_dir),
        customers=contact_log.customer_contacts(step.table_path("contacts")) if has_contacts else pd.DataFrame(),
        channels=contact_log.channel_contacts(step.table_path("contacts")) if has_contacts else pd.DataFrame(),
        records=read_part_exhibits(step.run_dir))


def _chart(step: Step, ex_id: str, fig: go.Figure, **fields: Any) -> Exhibit:
    media = figures.save_figure(step.run_dir, ex_id, fig)
    return Exhibit(id=ex_id, kind="chart", media=media, **fields)


def waterfall(step: Step, inp: Inputs, tolerance: float) -> tuple[go.Figure, list[Exhibit], dict[str, float]]:
    """The paper waterfall with its dose-response, as a chart exhibit, plus the overload metric exhibit."""
    pile = negative.overload_pile(inp.customers, inp.responses)
    bands = negative.dose_response(inp.customers, inp.responses, step.project.min_group_size)
    summary = negative.overload_summary(inp.customers, inp.responses, tolerance)
    fig = nc.paper_waterfall(pile, bands, tolerance, lang=step.project.ui_language)
    share = 100 * summary["lost_over"] / summary["over"] if summary["over"] else 0.0
    rest = 100 * summary["lost_rest"] / summary["rest"] if summary["rest"] else 0.0
    source = step.project.contacts or ""
    lang = step.project.ui_language
    title = i18n.t("ttl_waterfall", lang, share=i18n.number(share, lang), limit=i18n.number(tolerance, lang))
    ex = _chart(step, WATERFALL_ID, fig, title=title,
                caption=i18n.t("cap_waterfall", lang, n=i18n.number(summary["over"], lang), limit=i18n.number(tolerance, lang),
                               share=i18n.number(share, lang), rest=i18n.number(rest, lang)),
                valence=-round(min(1.0, share / 100), 2), severity=round(min(1.0, max(0.0, (share - rest) / 100)), 2),
                lenses=["business", "design"], tags=["overload", "messages"],
                evidence={"customers": int(summary["customers"]), "over": int(summary["over"]),
                          "lost_over": int(summary["lost_over"]), "tolerance_per_week": tolerance},
                source={"file": source, "locator": "outbound contacts per customer per week, joined to answers"})
    return fig, [ex] + negative.overload_exhibits(summary, tolerance, source, lang), summary


def journey_view(step: Step, inp: Inputs) -> tuple[go.Figure, Exhibit, pd.DataFrame]:
    """The journey curve (also written to ``data/journey.parquet`` for the overview page)."""
    p = step.project
    table = journey.journey_table(inp.responses, inp.moments, inp.comments, p.journey.stages, p.journey.ideal, p.min_group_size)
    step.save_table("journey", table)
    overview_chart.write_svg(step.run_dir, table, p.journey.stages, p.ui_language)
    gaps = journey.widest_gaps(table)
    flow = journey.entries_exits(inp.responses, inp.customers, p.journey.stages) if len(inp.customers) else pd.DataFrame()
    fig = nc.journey_curve(table, gaps, flow, p.journey.stages, lang=p.ui_language)
    worst = gaps.iloc[0] if len(gaps) else None
    caption = (i18n.t("cap_journey_gap", p.ui_language, stage=worst["stage"],
                      gap=i18n.number(worst["gap"], p.ui_language, 2, sign=True))
               if worst is not None else i18n.t("cap_journey_fine", p.ui_language))
    title = (i18n.t("ttl_journey_gap", p.ui_language, stage=titles.place(str(worst["stage"]), None, p.ui_language))
             if worst is not None else i18n.t("ttl_journey_fine", p.ui_language))
    ex = _chart(step, JOURNEY_ID, fig, title=title, caption=caption,
                stage=str(worst["stage"]) if worst is not None else None,
                valence=round(max(-1.0, min(1.0, float(worst["valence"]))), 2) if worst is not None else None,
                lenses=["design", "business"], tags=["journey"],
                evidence={"observations": int(table["n"].sum()), "sources": sorted(table["source"].unique())},
                source={"file": runfolder.table_rel("journey"), "locator": "valence per stage and source"})
    return fig, ex, table


def pain_view(step: Step, inp: Inputs) -> tuple[go.Figure, Exhibit, pd.DataFrame, pd.DataFrame]:
    p = step.project
    obs = pain.observations(inp.responses, inp.moments, inp.comments, p.channels)
    matrix = pain.pain_matrix(obs, p.journey.stages, p.channels, p.min_group_size)
    fig = nc.pain_heatmap(matrix, p.journey.stages, p.channels, lang=p.ui_language)
    top = matrix.sort_values("pain", ascending=False).iloc[0] if len(matrix) else None
    lang = p.ui_language
    title = (i18n.t("ttl_pain_worst", lang, place=titles.place(top["stage"], top["channel"], lang)) if top is not None
             else i18n.t("ttl_pain_none", lang))
    ex = _chart(step, PAIN_ID, fig, title=title,
                caption=(i18n.t("cap_pain_worst", lang, place=titles.place(top["stage"], top["channel"], lang),
                                negatives=i18n.number(int(top["negatives"]), lang), n=i18n.number(int(top["n"]), lang))
                         if top is not None else ""),
                severity=round(float(top["severity"]), 2) if top is not None else None,
                lenses=["design", "engineering", "business"], tags=["pain"],
                evidence={"observations": int(matrix["n"].sum())},
                source={"file": runfolder.table_rel("responses"), "locator": "survey answers and moments by stage and channel"})
    return fig, ex, matrix, obs


def wall_view(step: Step, inp: Inputs, limit: int = 12) -> tuple[go.Figure, Exhibit, pd.DataFrame]:
    ids = {r["id"] for r in inp.records}
    quotes = wall.wall(inp.comments, inp.responses, ids, limit) if len(inp.comments) else pd.DataFrame(columns=WALL_COLUMNS)
    step.save_table("wall", quotes)                    # the negative-room page draws the wall from it (RTL, escaped)
    n, lang = len(quotes), step.project.ui_language
    said_by = [int(v) for v in quotes.get("said_by", [])]
    fig = nc.table_figure(
        [i18n.t(f"ch_wall_{h}", lang) for h in ("complaint", "severity", "said_by", "theme", "where")],
        [list(quotes.get("text", [])), [num(v, lang, ".2f") for v in quotes.get("severity", [])],
         said_by if lang == "en" else [num(v, lang, "") for v in said_by], [t or "—" for t in quotes.get("theme", [])],
         [titles.place(s, c, lang) for s, c in zip(quotes.get("stage", []), quotes.get("channel", []), strict=True)]],
        i18n.t("ch_ttl_wall", lang, n=num(n, lang, ""), customers=num(sum(said_by), lang, "")),
        height=130 + 66 * max(1, n), widths=[5, 1, 1.3, 2, 2.4], lang=lang)
    ex = _chart(step, WALL_ID, fig, title=titles.counted("ttl_wall", n, step.project.ui_language),
                caption=i18n.t("cap_wall", step.project.ui_language, n=i18n.number(n, step.project.ui_language)),
                lenses=["design", "business"], tags=["quotes", "detractors"],
                severity=round(float(quotes["severity"].max()), 2) if n else None, evidence={"quotes": n},
                source={"file": runfolder.table_rel("comments"), "locator": "disliked_most answers and social posts"})
    return fig, ex, quotes


def scorecard_view(step: Step, inp: Inputs) -> tuple[go.Figure, Exhibit, pd.DataFrame, dict[str, Any]]:
    p = step.project
    table = scorecard.scorecard(inp.channels, inp.responses, inp.comments, p.channels, p.min_group_size)
    ans = scorecard.answers(table)

    lang = p.ui_language

    def f(v: float, fmt: str) -> str:
        return "—" if pd.isna(v) else num(v, lang, fmt)

    def cost(v: float, none: str) -> str:        # cents where they matter, fractions of a cent below one
        return f"— ({i18n.t(none, lang)})" if pd.isna(v) else money(v, p.currency, p.ui_language, 2 if v >= 1 else 3)
    channels = ([str(c).replace("_", " ") for c in table["channel"]] if lang == "en"
                else group_names(table["channel"], "channel", lang))
    fig = nc.table_figure(
        [i18n.t(f"ch_sc_{h}", lang) for h in ("channel", "contacts", "inbound", "purchases", "purchase_share")]
        + ["CSAT", "CES", "NPS"] + [i18n.t(f"ch_sc_{h}", lang) for h in ("answers", "cost_contact", "cost_purchase", "posts")],
        [channels, [f(v, ",") for v in table["contacts"]], [f(v, ",") for v in table["inbound"]],
         [f(v, ",") for v in table["purchases"]], [pct(v, lang) if pd.notna(v) else "—" for v in table["purchase_share"]],
         [f(v, ".2f") + (i18n.t("ch_too_few_paren", lang) if few else "")
          for v, few in zip(table["csat"], table["too_few"], strict=True)],
         [f(v, ".2f") for v in table["ces"]], [f(v, ".0f") for v in table["nps"]],
         list(table["responses"]) if lang == "en" else [f(v, ",") for v in table["responses"]],
         [cost(v, "ch_sc_no_costs") for v in table["cost_per_contact"]],
         [cost(v, "ch_sc_no_purchases") for v in table["cost_per_purchase"]],
         [f(n, ",") + (f" ({f(s, '+.2f')})" if pd.notna(s) else "") if n else i18n.t("ch_sc_no_posts", lang)
          for n, s in zip(table["posts"], table["post_sentiment"], strict=True)]],
        i18n.t("ch_ttl_scorecard", lang, contacts=num(int(table["contacts"].sum()), lang, ","),
               answers=num(int(table["responses"].sum()), lang, ",")),
        height=140 + 30 * len(table), lang=lang)
    ex = _chart(step, SCORECARD_ID, fig, title=i18n.t("ttl_scorecard", p.ui_language),
                caption=" ".join(scorecard.answers_text(ans, p.ui_language)),
                lenses=["business", "engineering"], tags=["channels", "cost"],
                evidence={k: v for k, v in ans.items() if isinstance(v, str)},
                source={"file": step.project.contacts or runfolder.table_rel("responses"),
                        "locator": "contacts and answers by channel"})
    return fig, ex, table, ans


def ranking(step: Step, inp: Inputs, obs: pd.DataFrame, overload: dict[str, float], tolerance: float,
            own: list[Exhibit]) -> tuple[go.Figure, Exhibit, list[dict[str, Any]]]:
    """Rank every negative experience found, write ``negatives.json`` and the ranking chart."""
    records = inp.records + [e.to_dict() for e in own]
    lang = step.project.ui_language
    entries = pain.cell_entries(obs, records, step.project.min_group_size, lang)
    if overload.get("over"):
        kinds = ["contact"] + (["survey"] if overload["nps_over_n"] else [])
        title = titles.counted("ttl_overload", int(overload["over"]), lang, limit=i18n.number(tolerance, lang))
        entries.append({"title": title, "quote": "", "stage": None, "channel": None,
                        "severity": round(overload["lost_over"] / overload["over"], 3), "reach": int(overload["over"]),
                        "evidence_strength": round(pain.evidence_strength(len(kinds), int(overload["over"])), 3),
                        "sources": kinds, "observations": int(overload["over"]),
                        "exhibits": [WATERFALL_ID, "metric-contact-overload"],
                        "thumb": (own[0].media.get("thumb") if own else None), "too_few": False,
                        "evidence": {"tolerance_per_week": tolerance, "lost": int(overload["lost_over"])}})
    ranked = pain.rank(entries)
    runfolder.write_negatives(step.run_dir, ranked)
    fig = nc.ranked_bars(ranked, lang=lang)
    first = i18n.t("ttl_ranked", lang, first=ranked[0]["title"]) if ranked else i18n.t("ttl_ranked_none", lang)
    ex = _chart(step, RANKED_ID, fig, title=first,
                caption=i18n.t("cap_ranked_sep", lang).join(
                    i18n.t("cap_ranked_item", lang, rank=i18n.number(e["rank"], lang), title=e["title"]) for e in ranked[:5]),
                lenses=["business", "design", "engineering"],
                tags=["ranking"], evidence={"entries": len(ranked)},
                source={"file": runfolder.NEGATIVES, "locator": "severity x reach x evidence strength"})
    return fig, ex, ranked


@dataclass
class NegativeResult:
    """Every view the step made; figures are keyed by their exhibit id (``kit.core.exhibits``)."""

    inputs: Inputs
    figures: dict[str, go.Figure]       # the waterfall only with a contact log
    exhibits: list[Exhibit]
    waterfall: list[Exhibit]            # the waterfall chart and the overload metric
    overload: dict[str, float]          # kit.analysis.overload.overload_summary
    journey: pd.DataFrame               # data/journey.parquet
    pain: pd.DataFrame                  # the stage x channel matrix
    observations: pd.DataFrame          # what the pain map and the ranking count
    wall: pd.DataFrame                  # data/wall.parquet
    scorecard: pd.DataFrame
    answers: dict[str, Any]             # the scorecard's answers (kit.analysis.scorecard.answers)
    ranked: list[dict[str, Any]]        # negatives.json
    summary: pd.DataFrame               # the step's counts (Step.finish)


def run(step: Step, tolerance_per_week: float = 14) -> NegativeResult:
    """Every view of the negative experiences, stored as chart exhibits, the ranking written, the step finished."""
    inp = load_inputs(step)             # the contact log is aggregated by DuckDB, never loaded whole
    # The waterfall needs a contact log; without one there is nothing to say about overload
    water_fig, made, overload = waterfall(step, inp, tolerance_per_week) if len(inp.customers) else (None, [], {})
    journey_fig, journey_ex, journey_table = journey_view(step, inp)
    pain_fig, pain_ex, matrix, obs = pain_view(step, inp)
    wall_fig, wall_ex, quotes = wall_view(step, inp)
    card_fig, card_ex, card, ans = scorecard_view(step, inp)
    exhibits = made + [journey_ex, pain_ex, wall_ex, card_ex]
    ranked_fig, ranked_ex, ranked = ranking(step, inp, obs, overload, tolerance_per_week, exhibits)
    exhibits.append(ranked_ex)
    drawn = {WATERFALL_ID: water_fig, JOURNEY_ID: journey_fig, PAIN_ID: pain_fig, WALL_ID: wall_fig,
             SCORECARD_ID: card_fig, RANKED_ID: ranked_fig}
    figures = {key: fig for key, fig in drawn.items() if fig is not None}
    return NegativeResult(inp, figures, exhibits, made, overload, journey_table, matrix, obs, quotes, card, ans, ranked,
                          step.finish(exhibits))
