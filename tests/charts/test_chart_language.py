"""Charts in the project's language: a Persian chart has Persian words and digits everywhere a reader looks
(title, axis titles, legend, notes, tick labels, hover text), sequences run right to left, and English
charts are exactly what they were."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from kit.analysis import overload, pain, scores
from kit.charts import journey as overview_chart
from kit.charts import locale, ticks
from kit.charts import negative as nc
from kit.charts import survey as charts
from kit.charts import timeline as timeline_chart
from kit.core.exhibits import gallery_link

STAGES = ["awareness", "purchase", "onboarding", "support"]
CHANNELS = ["app", "email", "phone"]
IDEAL = {"purchase": {"nps": 40}, "support": {"nps": 30}}
ACRONYMS = ("NPS", "CSAT", "CES")
PERSIAN_NUMBER = re.compile(r"^[\u202a\u202c+\-−]*[۰-۹][۰-۹٬٫]*[\u202a\u202c]*$")
_PLACEHOLDER = re.compile(r"%\{[^}]*\}")
_TAG = re.compile(r"<[^>]*>")
_BIDI = re.compile("[\u202a-\u202e\u200e\u200f\u2066-\u2069]")


def _responses(n: int = 240) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame({
        "response_id": [f"r{i}" for i in range(n)], "customer_id": [f"c{i % 120}" for i in range(n)],
        "submitted_at": pd.Timestamp("2025-09-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 70 * 24, n), unit="h"),
        "nps": pd.array(rng.integers(0, 11, n), dtype="Int8"), "csat": pd.array(rng.integers(1, 6, n), dtype="Int8"),
        "ces": pd.array(rng.integers(1, 8, n), dtype="Int8"),
        "stage": [STAGES[i % 4] for i in range(n)], "channel": [CHANNELS[i % 3] for i in range(n)],
        "segment": ["Gold" if i % 5 else "Trial" for i in range(n)], "source_file": "s.csv", "source_row": range(n)})


def _customers() -> pd.DataFrame:
    per_week = [1.0, 3.0, 5.0, 9.0, 15.0, 16.5, 20.0, 31.0] * 15
    return pd.DataFrame({"customer_id": [f"c{i}" for i in range(120)], "per_week": per_week,
                         "complaints": [i % 4 == 0 for i in range(120)], "left_us": [i % 7 == 0 for i in range(120)]})


DRIVERS = pd.DataFrame({"label": ["late meals", "پرداخت"], "lang": ["en", "fa"], "too_few": [False, True],
                        "significant": [True, False], "difference": [-22.5, 8.0], "lo": [-35.0, -10.0],
                        "hi": [-10.0, 26.0], "n_with": [60, 12], "n_without": [180, 40]})
JOURNEY = pd.DataFrame({"stage": ["purchase", "support", "purchase", "support"],
                        "source": ["survey", "survey", "recording", "recording"], "valence": [0.2, -0.4, -0.1, -0.6],
                        "lo": [0.1, -0.5, -0.4, -0.9], "hi": [0.3, -0.3, 0.2, -0.3], "n": [1200, 800, 12, 9],
                        "ideal": [0.4, 0.3, 0.4, 0.3], "too_few": [False, False, False, True]})
GAPS = pd.DataFrame({"stage": ["support"], "valence": [-0.4], "ideal": [0.3], "gap": [-0.7]})
FLOW = pd.DataFrame({"stage": ["purchase", "support"], "entered": [1500, 300], "left": [20, 90]})
RANKED = [{"rank": 1, "title": "Support by phone: 90 customers unhappy", "score": 1200.0, "severity": 0.81, "reach": 90,
           "sources": ["survey", "recording"], "too_few": False},
          {"rank": 2, "title": "پرداخت در اپلیکیشن", "score": 40.0, "severity": 0.5, "reach": 12, "sources": ["photo"],
           "too_few": False}]
WIN = pd.DataFrame({"start_s": [0.0, 10, 20, 30], "end_s": [30.0, 40, 50, 60], "mid_s": [15.0, 25, 35, 45],
                    "valence": [0.2, -0.3, -0.6, 0.1], "lines": [3.0, 4, 4, 2]})
MOMENTS = pd.DataFrame({"moment_id": ["m1", "m2"], "start_s": [18.0, 41.0], "end_s": [26.0, 52.0],
                        "valence": [-0.7, 0.4], "coded_by": ["person", "auto"], "title": ["Card refused", "Coach calls"]})
# What customers and projects wrote themselves may be in any script: these are allowed to stay Latin.
CUSTOMER_TEXT = ["late meals", "Gold", "Trial", "Support by phone: 90 customers unhappy", "Card refused", "Coach calls",
                 "s01", "P01"] + [gallery_link(exhibit=m) for m in ("m1", "m2")]


def _survey_charts(lang: str) -> dict[str, go.Figure]:
    r = _responses()
    by_stage = scores.by_group(r, "stage", 30, STAGES)
    when = {"calendar": "jalali" if lang == "fa" else "gregorian", "tz": "Asia/Tehran", "lang": lang}
    bands = overload.dose_response(_customers(), r, 5)
    return {
        "nps_by_stage": charts.score_by_group(by_stage, "stage", "nps", IDEAL, lang=lang),
        "csat_by_channel": charts.score_by_group(scores.by_group(r, "channel", 30, CHANNELS), "channel", "csat", lang=lang),
        "nps_by_segment": charts.score_by_group(scores.by_group(r, "segment", 100), "segment", "nps", lang=lang),
        "trend": charts.nps_trend(scores.by_period(r, "M", 30, **when), freq_word="month", lang=lang),
        "distribution": charts.distribution(scores.distribution(r, "nps"), "nps", lang),
        "ces_distribution": charts.distribution(scores.distribution(r, "ces"), "ces", lang),
        "vs_ideal": charts.actual_vs_ideal(scores.actual_vs_ideal(by_stage, IDEAL), "nps", STAGES, lang=lang),
        "dose": charts.dose_response(bands, lang=lang),
        "drivers": charts.key_drivers(DRIVERS, lang=lang),
    }


def _negative_charts(lang: str) -> dict[str, go.Figure]:
    r, customers = _responses(), _customers()
    matrix = pain.pain_matrix(pain.observations(r, pd.DataFrame(), pd.DataFrame()), STAGES, CHANNELS, 30)
    return {
        "waterfall": nc.paper_waterfall(overload.overload_pile(customers, r), overload.dose_response(customers, r, 5),
                                        14, lang=lang),
        "journey_curve": nc.journey_curve(JOURNEY, GAPS, FLOW, STAGES, lang=lang),
        "pain": nc.pain_heatmap(matrix, STAGES, CHANNELS, lang=lang),
        "ranked": nc.ranked_bars(RANKED, lang=lang),
        "table": nc.table_figure(["NPS", "شکایت"], [["۱۲"], ["دیر رسید"]], "دیوار", lang=lang),
        "timeline": timeline_chart.figure(WIN, MOMENTS, lang=lang,
                                          title=timeline_chart.title_for("s01", "P01", 13, 2, lang)),
        "overview": overview_chart.journey_figure(JOURNEY, STAGES, lang),
    }


@cache
def _all(lang: str) -> dict[str, go.Figure]:
    return {**_survey_charts(lang), **_negative_charts(lang)}


def _words(fig: go.Figure) -> Iterator[tuple[str, str]]:
    """Every text a reader sees, with where it is: title, axes, legend, notes, ticks, colour bar, hover."""
    layout = fig.layout
    yield "title", layout.title.text or ""
    for name in ticks.axis_names(fig):
        axis = layout[name]
        yield f"{name} title", axis.title.text or ""
        for text in axis.ticktext or []:
            yield f"{name} tick", text
    for note in layout.annotations:
        yield "note", note.text or ""
    for trace in fig.data:
        if trace.type == "table":
            for text in list(trace.header.values) + [v for col in trace.cells.values for v in col]:
                yield "table", str(text)
            continue
        if trace.showlegend is not False and trace.name:
            yield "legend", trace.name
        yield "hover template", trace.hovertemplate if isinstance(trace.hovertemplate, str) else ""
        hover = trace.hovertext if trace.hovertext is not None else []
        for text in np.asarray(hover, dtype=object).ravel():
            yield "hover", str(text)
        if trace.type == "heatmap":
            yield "colour bar", trace.colorbar.title.text or ""
            for text in trace.colorbar.ticktext or []:
                yield "colour bar tick", text


def _bare(text: str) -> str:
    """Text without plotly's placeholders and tags, bidi controls, customer text and the score acronyms."""
    text = _BIDI.sub("", _TAG.sub(" ", _PLACEHOLDER.sub(" ", text)))
    for allowed in sorted(CUSTOMER_TEXT, key=len, reverse=True) + list(ACRONYMS):
        text = text.replace(allowed, " ")
    return text


ALL_CHARTS = sorted(_all("en"))


@pytest.fixture(scope="module")
def persian() -> dict[str, go.Figure]:
    return _all("fa")


@pytest.mark.parametrize("name", ALL_CHARTS)
def test_persian_chart_has_no_latin_words_or_digits(persian: dict[str, go.Figure], name: str) -> None:
    found = [(where, text) for where, text in _words(persian[name]) if re.search(r"[A-Za-z0-9]", _bare(text))]
    assert not found, found[:5]


@pytest.mark.parametrize("name", ALL_CHARTS)
def test_persian_numeric_ticks_are_persian_numbers(persian: dict[str, go.Figure], name: str) -> None:
    fig = persian[name]
    numeric = [a for a in ticks.axis_names(fig) if fig.layout[a].type not in ("category", "date")
               and fig.layout[a].ticktext is not None and not ticks.categories(fig, a)]
    for axis in numeric:
        texts = [_BIDI.sub("", t) for t in fig.layout[axis].ticktext]
        if name in ("trend", "timeline") and axis == "xaxis":
            continue                                       # periods and hh:mm:ss, checked below
        assert texts and all(PERSIAN_NUMBER.match(t) for t in texts), (axis, texts)


def test_a_persian_chart_names_every_numeric_axis_tick(persian: dict[str, go.Figure]) -> None:
    fig = persian["nps_by_stage"]
    values = list(fig.layout.yaxis.tickvals)
    assert 0 in values and len(values) >= 3 and len(set(np.diff(values).round(6))) == 1     # evenly spaced, round
    assert fig.layout.yaxis.ticktext[list(fig.layout.yaxis.tickvals).index(0)] == "۰"
    waterfall = persian["waterfall"]
    assert list(waterfall.layout.yaxis2.tickvals) == [-100, -50, 0, 50, 100]        # the dose-response's fixed range
    assert [t.strip("\u202a\u202c") for t in waterfall.layout.yaxis2.ticktext] == ["-۱۰۰", "-۵۰", "۰", "۵۰", "۱۰۰"]
    ranked = persian["ranked"]
    assert ranked.layout.xaxis.type == "log" and {50, 100, 1000} <= set(ranked.layout.xaxis.tickvals)


def test_persian_hover_text_carries_persian_numbers(persian: dict[str, go.Figure]) -> None:
    bar = persian["nps_by_stage"].data[0]
    assert bar.hovertemplate == "%{hovertext}<extra></extra>"
    first = bar.hovertext[0]
    assert "آشنایی" in first and "پاسخ" in first and not re.search(r"[0-9]", first)
    assert re.search(r"[۰-۹]+٫[۰-۹]", first)                                    # %{y:.1f} in Persian digits
    pain_cell = persian["pain"].data[0]
    assert np.asarray(pain_cell.hovertext).shape == np.asarray(pain_cell.z).shape
    assert list(pain_cell.customdata[0]) == list(_negative_charts("en")["pain"].data[0].customdata[0])   # links kept


def test_persian_trend_names_jalali_months() -> None:
    fig = _survey_charts("fa")["trend"]
    labels = [_BIDI.sub("", t) for t in fig.layout.xaxis.ticktext]
    assert "مهر ۱۴۰۴" in labels and all(not re.search(r"[0-9A-Za-z]", t) for t in labels)
    assert fig.layout.xaxis.autorange == "reversed"


def test_persian_timeline_writes_times_in_persian_digits(persian: dict[str, go.Figure]) -> None:
    axis = persian["timeline"].layout.xaxis
    assert "۰۰:۰۰:۳۰" in list(axis.ticktext) and axis.autorange == "reversed"


@pytest.mark.parametrize("name", ["journey_curve", "overview", "trend", "timeline"])
def test_sequences_run_right_to_left_in_persian_only(persian: dict[str, go.Figure], name: str) -> None:
    fa, en = persian[name], _all("en")[name]
    fa_x = fa.layout.xaxis
    assert fa_x.autorange == "reversed" or (fa_x.range is not None and fa_x.range[0] > fa_x.range[1])
    assert fa.layout.yaxis.side == "right"
    assert en.layout.xaxis.autorange != "reversed" and en.layout.yaxis.side != "right"


def test_persian_title_and_legend_sit_on_the_right(persian: dict[str, go.Figure]) -> None:
    fig = persian["journey_curve"]
    assert fig.layout.title.xanchor == "right" and fig.layout.title.x == 1
    assert fig.layout.legend.xanchor == "right" and fig.layout.font.family.startswith("Vazirmatn")
    assert fig.layout.title.text.startswith(locale.RLE)          # NPS at the start of a Persian title stays on the right
    gap = next(a for a in fig.layout.annotations if "فاصله" in a.text)
    assert gap.xshift < 0                                         # the gap label stays beside its point, on the left


def test_persian_table_keeps_its_columns_in_reading_order_aligned_right(persian: dict[str, go.Figure]) -> None:
    table = persian["table"].data[0]            # the report turns a table figure into an HTML table, mirrored by the page
    assert [_BIDI.sub("", v) for v in table.header.values] == ["<b>NPS</b>", "<b>شکایت</b>"]
    assert table.cells.align == "right" and table.header.align == "right"


# --- English stays as it was --------------------------------------------------------------------------

def test_english_figures_keep_their_words() -> None:
    figs = _all("en")
    stage = figs["nps_by_stage"]
    assert stage.layout.title.text == "NPS by stage (95% interval) · 240 answers"
    assert stage.data[0].hovertemplate == "%{x}: %{y:.1f}<br>%{customdata[0]} answers %{customdata[1]}<extra></extra>"
    assert [t.name for t in stage.data] == ["actual", "ideal (designed)"] and stage.data[0].hovertext is None
    assert list(stage.data[0].x) == STAGES
    assert figs["trend"].data[1].hovertemplate.startswith("%{x|%Y-%m-%d}: %{y:.1f}")
    assert figs["trend"].layout.xaxis.tickvals is None and figs["trend"].layout.xaxis.autorange is None
    curve = figs["journey_curve"]
    assert curve.layout.title.text == ("The journey as customers feel it, against the designed ideal "
                                       "(n = 2,021 observations)")
    assert [t.name for t in curve.data if t.showlegend is not False][:2] == ["recording (n=21)", "survey (n=2,000)"]
    assert curve.layout.yaxis.title.text == "valence (-1 bad … 1 good)" and curve.layout.yaxis.tickvals is None
    assert curve.layout.font.family == "DejaVu Sans, Arial, sans-serif" and curve.layout.title.x is None
    assert any(a.text == "<b>tolerance: 14 a week</b> → too much" for a in figs["waterfall"].layout.annotations)
    assert figs["timeline"].layout.title.text == "How P01 felt through recording s01 (13 customer lines, 2 moments)"
    assert figs["ranked"].data[0].text[-1] == "sev 0.81 · 90 customers · survey, recording"


@pytest.mark.parametrize("make", [lambda: go.Figure(go.Bar(x=["a", "b"], y=[1.5, -2], hovertemplate="%{y:.1f}")),
                                  lambda: _survey_charts("en")["drivers"], lambda: _negative_charts("en")["pain"]])
def test_localize_leaves_english_figures_byte_identical(make: Callable[[], go.Figure]) -> None:
    fig = make()
    before = fig.to_json()
    assert locale.localize(fig, "en", sequence=True).to_json() == before


# --- the parts ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("lo", "hi", "expected"), [
    (0, 100, [0, 20, 40, 60, 80, 100]), (-1.05, 1.05, [-1.0, -0.5, 0.0, 0.5, 1.0]), (0, 7, [0, 2, 4, 6]),
    (3.2, 4.1, [3.2, 3.4, 3.6, 3.8, 4.0])])
def test_nice_ticks_inside_a_fixed_range(lo: float, hi: float, expected: list[float]) -> None:
    assert ticks.nice_ticks(lo, hi, inside=True) == pytest.approx(expected)


def test_nice_ticks_cover_data_past_both_ends_and_label_with_enough_places() -> None:
    assert ticks.nice_ticks(3, 97) == [0, 20, 40, 60, 80, 100]
    assert ticks.decimals(0.25) == 2 and ticks.decimals(5.0) == 0 and ticks.decimals(0.5) == 1
    assert ticks.labels([0, 0.25, 1500], "fa", 2) == ["۰٫۰۰", "۰٫۲۵", "۱٬۵۰۰٫۰۰"]
    assert ticks.log_ticks(3, 400) == [2, 5, 10, 20, 50, 100, 200, 500]


def test_time_ticks_are_round_and_in_the_page_digits() -> None:
    seconds, texts = ticks.time_ticks(0, 95, "fa")
    assert seconds == [0, 15, 30, 45, 60, 75, 90, 105] and texts[4] == "۰۰:۰۱:۰۰"


def test_numbers_in_chart_text() -> None:
    assert locale.num(1234.5, "en", ",.1f") == "1,234.5" and locale.num(-3.14159, "en", "+.2f") == "-3.14"
    assert locale.num(1234.5, "fa", ",.1f") == "۱٬۲۳۴٫۵"
    assert locale.num(-0.5, "fa", ".2f") == locale.LRE + "-۰٫۵۰" + locale.PDF      # the sign stays left of the digits
    assert locale.num(14, "fa", "g") == "۱۴" and locale.num(2.5, "fa", "g") == "۲٫۵"
    assert locale.pct(45, "fa") == "۴۵٪" and locale.pct(45, "en") == "45%"
    assert locale.plain(locale.rtl("NPS در هر مرحله")) == "NPS در هر مرحله"
    assert locale.rtl("only Latin") == "only Latin"
