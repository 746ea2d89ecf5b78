"""The overview's journey curve, drawn once by the pipeline as an SVG that the page shows as an image.

The overview is the page an executive opens first, so it must paint fast. An interactive plotly
chart there costs the browser about a second of script work (plotly.js evaluated and drawn)
before anything shows; an SVG image costs next to nothing, stays sharp at any size and prints
well. The pipeline therefore renders the figure with kaleido into ``charts/overview-journey.svg``
in the run's page language; the page embeds it as an ``<img>`` data URI (an SVG shown through
``<img>`` runs no script, whatever a run folder holds). The interactive curve stays one click
away in the negative room. When the SVG is missing (no Chromium when the run was made, or an
older run), the page falls back to drawing the same figure with plotly.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from kit.charts import store as figures
from kit.charts import survey as charts
from kit.charts.locale import localize, num
from kit.charts.negative import source_name
from kit.charts.palette import OKABE_ITO
from kit.core import i18n, runfolder
from kit.core.templates import plain

SVG = runfolder.chart_rel("overview-journey", "svg")
WIDTH, HEIGHT = 1100, 400
REQUIRED = {"stage", "source", "valence", "lo", "hi", "n"}     # columns of data/journey.parquet it draws


def journey_figure(journey: pd.DataFrame, stages: list[str], lang: str = "en") -> go.Figure:
    """The journey curve: felt valence per stage and source (95% interval), against the designed ideal.

    Stages are a sequence: in a right-to-left language the first one is on the right.
    """
    order = {s: i for i, s in enumerate(stages)}
    journey = journey.assign(_o=journey["stage"].map(lambda s: order.get(s, len(order)))).sort_values(["_o", "stage"])
    if i18n.language(lang) != "en":
        journey = journey.assign(stage=charts.group_names(journey["stage"], "stage", lang))
    x_order = list(dict.fromkeys(journey["stage"]))
    fig = go.Figure()
    for i, (source, g) in enumerate(journey.groupby("source", sort=True)):
        color = OKABE_ITO[i % len(OKABE_ITO)]
        fig.add_trace(go.Scatter(
            x=g["stage"], y=g["valence"], mode="lines+markers", name=f"{i18n.t('actual', lang)}: {source_name(source, lang)}",
            line=dict(color=color, width=3), marker=dict(size=9, color=color),
            error_y=dict(type="data", symmetric=False, array=g["hi"] - g["valence"], arrayminus=g["valence"] - g["lo"],
                         color=color, thickness=1.2),
            customdata=g["n"],
            hovertemplate=i18n.t("ch_hover_overview", lang) + "<extra>" + plain(source_name(source, lang)) + "</extra>"))
    ideal = journey.dropna(subset=["ideal"]).drop_duplicates("stage") if "ideal" in journey else journey.iloc[:0]
    if len(ideal):
        fig.add_trace(go.Scatter(x=ideal["stage"], y=ideal["ideal"], mode="lines+markers", name=i18n.t("ideal", lang),
                                 line=dict(color="#17202a", dash="dash", width=2), marker=dict(symbol="diamond", size=9)))
    n = int(journey["n"].sum()) if "n" in journey else 0
    fig.update_layout(**{**charts.LAYOUT, "height": HEIGHT},
                      title=f"{i18n.t('journey_title', lang)} {i18n.t('ch_n_paren', lang, n=num(n, lang, ','))}",
                      yaxis=dict(title=i18n.t("valence_axis", lang), range=[-1.05, 1.05], zeroline=True),
                      xaxis=dict(categoryorder="array", categoryarray=x_order, title=i18n.t("stage", lang)),
                      legend=dict(orientation="h", y=-0.25))
    return localize(fig, lang, sequence=True)


def write_svg(run_dir: Path, journey: pd.DataFrame, stages: list[str], lang: str) -> bool:
    """Render the overview's journey curve to ``<run>/charts/overview-journey.svg``; False when it cannot be.

    A stale SVG from an earlier run in the same folder is removed first, so the page never shows
    numbers that are not this run's.
    """
    path = Path(run_dir) / SVG
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    if journey.empty or REQUIRED - set(journey.columns):
        return False
    fig = journey_figure(journey, stages, lang).update_layout(width=WIDTH, height=HEIGHT)
    return figures.write_image(fig, path)


