"""The report's summary page, its Persian wording and direction, and figures fitted to the report's column."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import plotly.graph_objects as go
import pytest
import yaml
from markupsafe import escape

from kit.core.paths import ASSETS_DIR
from kit.exports.report import with_direction
from kit.views import report_figures, report_summary

JPG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb004300") + b"\x08" * 64 + bytes.fromhex("ffd9")
HOSTILE = '<img src=x onerror="window.__xss=1">'
SUMMARY = {"name": "Diet app", "ui_language": "en",
           "headline": {"nps": {"n": 1480, "value": 14.3, "lo": 10.2, "hi": 18.4},
                        "csat": {"n": 1450, "value": 3.82, "lo": 3.77, "hi": 3.87},
                        "ces": {"n": 1434, "value": 5.6, "lo": 5.52, "hi": 5.68}},
           "targets": {"nps": 5, "csat": 4.2, "ces": 5.6}}


def _run(tmp_path: Path) -> tuple[Path, list[dict], list[dict]]:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "p.jpg").write_bytes(JPG)
    (tmp_path / "media" / "chart.png").write_bytes(JPG)
    exhibits = [{"id": "ph", "kind": "photo", "title": "photo", "media": {"image": "media/p.jpg"}},
                {"id": "q", "kind": "quote", "title": "quote", "quote": HOSTILE, "lang": "en", "media": {}},
                {"id": "fa", "kind": "quote", "title": "quote", "quote": "پرداخت شکست خورد", "lang": "fa", "media": {}}]
    negatives = [{"rank": 1, "title": "Buried in messages", "reach": 470, "exhibits": ["chart-x"], "thumb": "media/chart.png"},
                 {"rank": 2, "title": "Pain at coaching", "stage": "coaching", "channel": "app", "reach": 62,
                  "exhibits": ["q", "ph"]},
                 {"rank": 3, "title": "Too few", "reach": 1, "exhibits": [], "too_few": True},
                 {"rank": 4, "title": "Payment", "stage": "purchase", "reach": 9, "exhibits": ["q", "fa"]}]
    return tmp_path, exhibits, negatives


def test_the_summary_holds_the_headline_three_worst_with_pictures_and_scores_against_targets(tmp_path: Path) -> None:
    run, exhibits, negatives = _run(tmp_path)
    html = report_summary.summary_html(run, SUMMARY, negatives, exhibits, SUMMARY["targets"], "en", "1,480 answers")
    for sentence in report_summary.headline(SUMMARY, negatives, "en"):
        assert sentence and str(escape(sentence)) in html
    worst = re.findall(r"<li>(.*?)</li>", html)
    assert len(worst) == 3                                  # ranked ones first: "Too few" gives way to rank 4
    assert 'class="chart"' in worst[0] and "Buried in messages" in worst[0]     # only a chart: shown whole
    assert "data:image/jpeg;base64," in worst[1] and "<blockquote" not in worst[1]   # a photo beats a quote
    assert "<blockquote" in worst[2] and "&lt;img src=x" in worst[2] and "<img src=x" not in html
    scores = re.findall(r'<div class="cx-r-score (\w+)" data-score="(\w+)">', html)
    assert scores == [("above", "nps"), ("below", "csat"), ("on", "ces")]     # 5.6 lies in 5.52..5.68
    assert "target <bdi>4.2</bdi>" in html and "4.20" not in html


def test_on_target_when_the_interval_holds_it() -> None:
    assert report_summary.judgement(10.2, 18.4, 12) == "on"
    assert report_summary.judgement(10.2, 18.4, 30) == "below"
    assert report_summary.judgement(10.2, 18.4, 5) == "above"
    assert report_summary.judgement(10.2, 18.4, None) is None


def test_targets_come_from_the_run_else_from_the_project() -> None:
    assert report_summary.targets_of({"targets": {"nps": 30}}, {"nps": 10, "csat": 4}) == {"nps": 30.0}
    assert report_summary.targets_of({}, {"nps": 10, "csat": 4, "other": 1}) == {"nps": 10.0, "csat": 4.0}


def test_without_the_shared_headline_a_plain_sentence_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "kit.analysis.headline", None)           # import fails
    said = report_summary.headline(SUMMARY, [{"title": "Buried in messages", "reach": 470}], "en")
    assert said == ["The worst experience: Buried in messages, felt by 470 customers.", "NPS is 14."]


def test_a_persian_summary_reads_right_to_left_in_persian_digits(tmp_path: Path) -> None:
    run, exhibits, negatives = _run(tmp_path)
    html = report_summary.summary_html(run, {**SUMMARY, "ui_language": "fa"}, negatives, exhibits,
                                       SUMMARY["targets"], "fa")
    assert '<section class="cx-r-summary" lang="fa" dir="rtl">' in html
    assert "سه تجربهٔ بد" in html and "۴٫۲" in html and "4.2" not in html
    page = with_direction('<!DOCTYPE html>\n<html lang="en">\n<head>', "fa")
    assert '<html lang="fa" dir="rtl">' in page


def test_every_report_and_card_message_has_a_persian_translation() -> None:
    messages = yaml.safe_load((ASSETS_DIR / "messages" / "report.yaml").read_text(encoding="utf-8"))
    persian = re.compile(r"[\u0600-\u06FF]")
    for key, entry in messages.items():
        assert entry.get("fa") and persian.search(entry["fa"]), key
        assert set(re.findall(r"{\w+}", entry["en"])) == set(re.findall(r"{\w+}", entry["fa"])), key


def test_a_fixed_width_figure_follows_its_column_and_a_long_title_wraps() -> None:
    fig = go.Figure(go.Scatter(x=[1, 2], y=[1, 2]), layout={"width": 1200, "height": 500, "margin": {"r": 10},
                                                           "title": {"text": "A title " * 12}})
    fitted = report_figures.fit(fig)
    assert fitted.layout.width is None and fitted.layout.autosize and fitted.layout.height == 500
    assert fitted.layout.margin.r >= report_figures.MIN_RIGHT_MARGIN
    assert fitted.layout.title.text.count("<br>") == 1


def test_a_table_figure_becomes_a_readable_html_table() -> None:
    fig = go.Figure(go.Table(header={"values": ["<b>complaint</b>", "said by"]},
                             cells={"values": [[HOSTILE, "too<br>many"] + ["x"] * 30, [3, 12] + [1] * 30]}))
    html = report_figures.table_html(fig)
    assert "<th>complaint</th><th class=n>said by</th>" in html
    assert "<img src=x" not in html and "too many" in html
    assert html.count("<tr>") == 1 + report_figures.MAX_ROWS and "7 more rows" in html


def test_a_wide_short_table_is_turned_on_its_side() -> None:
    header = ["channel"] + [f"m{i}" for i in range(10)]
    rows = [["app"] + [str(i) for i in range(10)], ["email"] + [str(10 + i) for i in range(10)]]
    turned, body = report_figures.reflow(header, rows)
    assert turned == ["channel", "app", "email"] and body[0] == ["m0", "0", "10"] and len(body) == 10
    assert report_figures.reflow(header[:4], [r[:4] for r in rows]) == (header[:4], [r[:4] for r in rows])
