"""Page building blocks: labels and numbers per language, filters, escaping, trend, the overview's pieces."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from kit.charts import journey as overview_chart
from kit.core import i18n
from kit.core.exhibits import gallery_link, source_kind
from kit.core.runs import load_run
from kit.pages import gallery as dashboard
from kit.pages import overview as overview_page
from kit.pages import page as page_mod
from kit.pages.gallery import card_data, filter_exhibits
from kit.steps import gallery
from kit.views import html as pages

HOSTILE = '<img src=x onerror="window.__xss=1">'


def rec(id_: str, **kw) -> dict:
    base = {"id": id_, "kind": "quote", "title": "t", "caption": "", "quote": "", "stage": None, "channel": None,
            "segment": None, "valence": None, "severity": None, "lenses": [], "tags": [], "media": {},
            "evidence": {}, "source": {"file": "surveys/q3.csv", "locator": "row 2"}, "lang": "en", "schema": 1}
    return {**base, **kw}


def test_numbers_in_english_and_persian() -> None:
    assert i18n.number(1234.5, "en", 1) == "1,234.5"
    assert i18n.number(1234.5, "fa", 1) == "۱٬۲۳۴٫۵"
    assert i18n.number(-12, "fa") == "-۱۲"
    assert i18n.number(0.25, "en", 2, sign=True) == "+0.25"
    assert i18n.number(float("nan"), "fa") == "–"
    assert i18n.number(None) == "–"


def test_labels_directions_and_fallbacks() -> None:
    assert i18n.t("gallery", "fa") == "گالری"
    assert i18n.t("answers", "en", n="12") == "12 answers"
    assert i18n.t("gallery", "de") == "Gallery"                # unknown language: English
    assert i18n.direction("fa") == "rtl" and i18n.direction("en") == "ltr"
    assert i18n.text_dir("fa") == "rtl" and i18n.text_dir(None) == "ltr"
    assert all(set(v) - {"en_one"} == {"en", "fa"} and all(v.values()) for v in i18n.LABELS.values())


def test_filters_combine_and_keep_order() -> None:
    records = [rec("a", stage="purchase", channel="app", valence=-0.8, segment="new", quote="Payment failed"),
               rec("b", stage="purchase", channel="web", valence=0.5, kind="photo",
                   source={"file": "photos/p1.jpg", "locator": ""}),
               rec("c", stage="support", channel="app", valence=0.0, tags=["waiting"],
                   source={"file": "recordings/s01.mp4", "locator": "00:01:00"})]
    ids = lambda rs: [r["id"] for r in rs]  # noqa: E731
    assert ids(filter_exhibits(records, stage="purchase")) == ["a", "b"]
    assert ids(filter_exhibits(records, channel="app", valence="neg")) == ["a"]
    assert ids(filter_exhibits(records, feeling="mid")) == ["c"]
    assert ids(filter_exhibits(records, segment="new")) == ["a"]
    assert ids(filter_exhibits(records, source="photo")) == ["b"]
    assert ids(filter_exhibits(records, source="recording")) == ["c"]
    assert ids(filter_exhibits(records, q="PAYMENT")) == ["a"]
    assert ids(filter_exhibits(records, q="wait")) == ["c"]          # tags are searched too
    assert ids(filter_exhibits(records, kind="photo", stage="support")) == []
    assert ids(filter_exhibits(list(reversed(records)))) == ["c", "b", "a"]


def test_source_kind_reads_the_source_file() -> None:
    assert source_kind(rec("x", source={"file": "all surveys", "locator": ""})) == "survey"
    assert source_kind(rec("x", source={"file": "contacts.csv", "locator": ""})) == "contact"
    assert source_kind(rec("x", source={"file": "social.csv", "locator": ""})) == "social"
    assert source_kind(rec("x", source={"file": "notes/wall.txt", "locator": ""})) == "notes"


def test_untrusted_text_is_escaped_everywhere(tmp_path: Path) -> None:
    r = rec("h<1>", title=HOSTILE, quote=HOSTILE, caption=HOSTILE, segment=HOSTILE,
            source={"file": HOSTILE, "locator": HOSTILE}, evidence={"note": HOSTILE})
    for html in (pages.card_html(r, tmp_path, label=HOSTILE), pages.detail_html(r, tmp_path, lang="fa"),
                 overview_page.negatives_html([{"rank": 1, "title": HOSTILE, "stage": HOSTILE, "exhibits": ['"><x']}],
                                          tmp_path, "en")):
        assert "<img" not in html and "&lt;img src=x" in html
        assert '"><x' not in html
    data = card_data(r, tmp_path, label=HOSTILE)
    assert data["title"] == HOSTILE            # raw: the grid writes it with textContent
    assert data["thumb"] == ""


def test_card_data_inlines_only_its_own_thumb(tmp_path: Path) -> None:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    r = rec("a", kind="photo", media={"thumb": "media/a.png"}, valence=-0.5, stage="purchase", lang="fa")
    data = card_data(r, tmp_path, lang="fa")
    assert data["thumb"].startswith("data:image/png;base64,")
    assert data["tags"] == ["عکس", "purchase", "▼ منفی"]          # a feeling in words and a mark, not a number
    assert data["band"] == "neg" and data["dir"] == "rtl"
    outside = rec("b", media={"thumb": "../../etc/passwd"})
    assert card_data(outside, tmp_path)["thumb"] == ""


def test_trend_by_month_matches_hand_counts() -> None:
    responses = pd.DataFrame({
        "submitted_at": pd.to_datetime(["2026-07-03", "2026-07-20", "2026-07-30", "2026-08-02", "2026-08-15"], utc=True),
        "nps": [10, 0, 9, 10, 10], "csat": [5, 1, 4, 5, 4], "ces": [7, 1, 5, 6, 7]})
    t = gallery.trend(responses)
    assert [p["period"] for p in t["periods"]] == ["2026-07-01", "2026-08-01"]
    july, august = t["periods"]
    assert july["responses"] == 3 and july["nps"] == pytest.approx(100 * (2 / 3 - 1 / 3), abs=1e-3)
    assert july["csat"] == pytest.approx(10 / 3, abs=1e-3) and july["ces"] == pytest.approx(13 / 3, abs=1e-3)
    assert august["nps"] == 100 and august["csat"] == 4.5 and august["ces"] == 6.5


def test_trend_tile_says_the_change_since_the_first_month_only_when_it_is_real() -> None:
    summary = {"headline": {"nps": {"n": 5, "value": 40, "lo": 10, "hi": 70},
                            "csat": {"n": 5, "value": 3.8, "lo": 3, "hi": 4.6, "top2box": 80},
                            "ces": {"n": 5, "value": 5.2, "lo": 4, "hi": 6.4}},
               "trend": {"periods": [{"period": "2026-07-01", "nps": 33.333, "nps_lo": 10, "nps_hi": 55,
                                      "csat": 3.333, "csat_lo": 2.5, "csat_hi": 4.6, "ces": 4.333},
                                     {"period": "2026-08-01", "nps": 100.0, "nps_lo": 80, "nps_hi": 100,
                                      "csat": 4.5, "csat_lo": 4.0, "csat_hi": 5.0, "ces": 4.333}]}}
    html = re.sub(r"</?bdi[^>]*>", "", pages.tiles_html(summary))     # the words, without their isolating elements
    assert "▲ 67 since July 2026 (significant)" in html              # the intervals part: a real change
    assert html.count("no significant change since July 2026") == 2   # CSAT's overlap, CES has no interval
    assert "▲ 1.17" not in html
    fa = re.sub(r"</?bdi[^>]*>", "", pages.tiles_html(summary, "fa"))
    assert "▲ ۶۷ از ژوئیه ۲۰۲۶ (معنادار)" in fa and "۴۰" in fa
    assert pages.tiles_html({"headline": summary["headline"]}).count('class="t') == 0   # no trend, no line


def test_worst_ids_and_overview_fallbacks(tmp_path: Path) -> None:
    records = [rec("a", valence=-0.5, severity=0.2), rec("b", valence=-0.9), rec("c", valence=-0.5, severity=0.9),
               rec("d", valence=0.3)]
    assert gallery.worst(records) == ["b", "c", "a"]
    assert overview_page._read_negatives(tmp_path) is None and overview_page._read_journey(tmp_path) is None
    (tmp_path / "negatives.json").write_text(json.dumps([{"rank": 2, "title": "two"}, {"rank": 1, "title": "one"}]))
    assert [n["title"] for n in overview_page._read_negatives(tmp_path)] == ["one", "two"]


def test_journey_figure_draws_sources_and_ideal_in_stage_order() -> None:
    journey = pd.DataFrame({"stage": ["support", "purchase", "support", "purchase"], "source": ["survey", "survey",
                            "recording", "recording"], "valence": [-0.4, 0.2, -0.6, 0.1], "lo": [-0.5, 0.1, -0.8, 0.0],
                            "hi": [-0.3, 0.3, -0.4, 0.2], "n": [40, 60, 5, 7], "ideal": [0.3, 0.5, 0.3, 0.5]})
    fig = overview_chart.journey_figure(journey, ["purchase", "support"])
    names = [t.name for t in fig.data]
    assert names == ["actual: recording", "actual: survey", "ideal (designed)"]
    assert list(fig.data[1].x) == ["purchase", "support"] and list(fig.data[1].y) == [0.2, -0.4]
    assert list(fig.data[2].y) == [0.5, 0.3]
    assert "n = 112" in fig.layout.title.text


def test_gallery_link_round_trips_through_the_query_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    link = gallery_link(exhibit="rec-s01-1", stage="purchase", q="late delivery")
    monkeypatch.setenv("QUERY_STRING", link.split("?", 1)[1])
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    assert page_mod.query_params() == {"exhibit": "rec-s01-1", "stage": "purchase", "q": "late delivery"}


def test_gallery_page_presets_ranks_pages_and_opens(tmp_path: Path) -> None:
    from kit.synth import run_folder as synth_run
    run = synth_run.write(tmp_path / "run", 130, thumbs=4)
    run_dir, summary, records = load_run(run)
    page = dashboard.GalleryPage(run_dir, summary, records)
    page.shown = page.filtered()
    page.render()
    page.show()                                                      # observers attached, as on the page
    page.visit({"stage": "purchase", "lens": "engineering", "kind": "nonsense", "q": ""})
    assert page.grid.query["stage"] == "purchase" and page.grid.query["kind"] == ""          # unknown value ignored
    expected = [r["id"] for r in lenses_rank(records, "engineering") if r["stage"] == "purchase"]
    assert [r["id"] for r in page.shown] == expected and len(expected) == sum(r["stage"] == "purchase" for r in records)
    assert len(page.grid.cards) == min(dashboard.PAGE_SIZE, len(expected))
    assert all(c["label"] for c in page.grid.cards)
    page.grid.query = {**page.grid.query, "stage": ""}               # as the browser sends a filter change
    assert len(page.grid.cards) == dashboard.PAGE_SIZE and page.grid.pages == 3 and page.grid.page == 1
    assert page.grid.count == "130 of 130 exhibits · page 1 of 3"
    page.grid.page = 3                                               # the visitor's "next" twice
    assert len(page.grid.cards) == 130 - 2 * dashboard.PAGE_SIZE and page.grid.count.endswith("page 3 of 3")
    page.grid.page = 9                                               # typed past the end: the last page
    assert page.grid.page == 3 and len(page.grid.cards) == 130 - 2 * dashboard.PAGE_SIZE
    page.grid.query = {**page.grid.query, "kind": "<script>", "q": "  "}   # not offered: dropped, not failed
    assert page.grid.query["kind"] == "" and page.grid.query["q"] == "" and page.grid.page == 1
    assert page.grid.message == ""
    page.grid.query = {**page.grid.query, "q": "no such words anywhere"}
    assert page.grid.cards == [] and page.grid.pages == 1 and page.grid.count.startswith("0 of 130")
    page.open(records[5]["id"])
    assert page.detail.layout.display == "flex" and len(page.detail.children) >= 3
    page.close()
    assert page.detail.layout.display == "none" and page.grid.selected == ""
    page.open("no-such-id")
    assert "no-such-id" in page.detail.children[1].value


def test_chart_detail_is_wide_and_keeps_the_figures_design(tmp_path: Path) -> None:
    import plotly.graph_objects as go

    from kit.pages import plotly as page_plotly
    from kit.synth import run_folder as synth_run
    run = synth_run.write(tmp_path / "run", 12, thumbs=0)
    (run / "charts").mkdir(exist_ok=True)
    go.Figure(go.Bar(x=["a"], y=[1]), layout={"width": 1200, "height": 620, "margin": {"l": 70, "r": 20}}).write_json(
        run / "charts" / "c.json")
    run_dir, summary, records = load_run(run)
    records[0]["media"] = {**(records[0].get("media") or {}), "figure": "charts/c.json"}
    page = dashboard.GalleryPage(run_dir, summary, records)
    page.open(records[0]["id"])
    chart = next(c for c in page.detail.children if isinstance(c, page_plotly.Chart))
    layout = chart.figure["layout"]
    assert "cx-wide" in page.detail._dom_classes                       # a chart gets the room it was designed for
    assert "width" not in layout and layout["height"] == 620 and layout["margin"]["r"] == 20
    page.open(records[1]["id"])
    assert "cx-wide" not in page.detail._dom_classes


def test_gallery_page_failure_shows_a_plain_message(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from kit.synth import run_folder as synth_run
    run_dir, summary, records = load_run(synth_run.write(tmp_path / "run", 20, thumbs=0))
    page = dashboard.GalleryPage(run_dir, summary, records)
    page.show()

    def broken() -> list:
        raise RuntimeError("disk gone")
    page.filtered = broken
    page.grid.query = {**page.grid.query, "valence": "neg"}
    assert page.grid.message == "This part of the page could not be drawn. The server log has the details."
    assert "disk gone" in caplog.text and "Traceback" not in page.grid.message


def lenses_rank(records, lens):
    from kit.analysis import lenses
    return lenses.rank(records, lens)
