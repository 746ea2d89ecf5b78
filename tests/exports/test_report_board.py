"""report.html and report.pdf as a board reads them: the summary first, plain words, nothing cut off, type readable.

Uses the session's one exported sample run (tests/exports/conftest.py) and the session's Chromium.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from kit.core import runfolder
from kit.exports.printing import A4_COLUMN_PX, CHARTS_TO_IMAGES
from kit.views import report_summary

pytestmark = pytest.mark.browser

# Words of the tool, not of the experience: a command, file names, notebook keys, exhibit ids.
NARRATION = re.compile(
    r"cxkit|\.parquet|\.ipynb|\b\w+\.json\b|project\.yaml|journey\.ideal|min_group_size|all_respondents|require_consent"
    r"|\b[\w-]+/[\w.-]+\.(csv|tsv|xlsx|mp4|m4a|vtt|srt|jpe?g|png)\b"
    r"|\b(rec-s\d+|photo-[a-z]+-\d|survey-R_|chart-[a-z]+-|metric-[a-z]+-)", re.IGNORECASE)

# Every figure's drawn box (a plotly chart's outer SVG, a printed chart's image, a table) against its output area.
OVERFLOW = """() => [...document.querySelectorAll('.js-plotly-plot .main-svg:first-of-type, img.cx-print-chart, table.cx-r')]
  .map(e => {
    const box = (e.closest('.jp-OutputArea-output') || e.parentElement).getBoundingClientRect();
    const r = e.getBoundingClientRect();
    return {what: e.tagName + '.' + (e.getAttribute('class') || ''), left: r.left - box.left, right: r.right - box.right};
  }).filter(x => x.right > 1 || x.left < -1)"""


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def run(exported: tuple[Path, str]) -> Path:
    return exported[0]


def _page(browser, run: Path, width: int, media: str = "screen"):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": width, "height": 1200})
    page.emulate_media(media=media)
    page.goto((run / "report.html").as_uri(), wait_until="load")
    page.wait_for_function("!window.Plotly || [...document.querySelectorAll('.plotly-graph-div')]"
                           ".every(d => d.querySelector('.main-svg'))")
    return page


def test_report_opens_with_the_summary_headline_three_worst_with_pictures_and_scores_against_targets(
        browser, run: Path) -> None:
    summary = runfolder.read_summary(run)
    page = _page(browser, run, 1280)
    try:
        first = page.locator(".jp-OutputArea-output").first
        assert first.locator(".cx-r-summary").count() == 1           # the summary is the report's first output
        sentences = report_summary.headline(summary, runfolder.read_negatives(run), "en")
        assert sentences and all(s in first.inner_text() for s in sentences)
        worst = first.locator("ol.cx-r-worst > li")
        assert worst.count() == 3
        for i in range(3):
            item = worst.nth(i)
            assert item.locator("img").count() + item.locator("blockquote").count() == 1
            if item.locator("img").count():
                assert item.locator("img").evaluate("i => i.complete && i.naturalWidth > 50")
        scores = first.locator(".cx-r-score")
        assert scores.count() == 3
        texts = scores.all_inner_texts()
        targets = summary.get("targets") or {"nps": 30, "csat": 4.2, "ces": 5.5}      # the sample's project.yaml
        assert f"target {targets['nps']:g}" in texts[0] and f"target {targets['csat']:g}" in texts[1]
        assert all(re.search(r"(below|above) target|within reach of the target", t) for t in texts)
        assert page.locator("html").get_attribute("dir") == "ltr" and page.locator("html").get_attribute("lang") == "en"
    finally:
        page.close()


def test_report_speaks_plain_words_no_file_names_ids_or_code(browser, run: Path) -> None:
    from pypdf import PdfReader
    page = _page(browser, run, 1280)
    try:
        text = page.locator("body").inner_text()
        assert page.locator("code, pre").count() == 0                # no code font anywhere
    finally:
        page.close()
    # the inputs the evidence count names by their path in the project (its own names for its files) may be
    # shown; nothing the kit made (tables, notebooks, ids) may
    inputs = sorted(runfolder.read_counts(run), key=len, reverse=True)
    assert any(name in text for name in inputs)
    found = sorted({m.group(0) for m in NARRATION.finditer(_without(text, inputs))})
    assert not found, found
    pdf = " ".join(p.extract_text() for p in PdfReader(str(run / "report.pdf")).pages)
    found = sorted({m.group(0) for m in NARRATION.finditer(_without(pdf, inputs))})
    assert not found, found


def _without(text: str, names: list[str]) -> str:
    for name in names:
        text = text.replace(name, " ")
    return text


@pytest.mark.parametrize(("width", "media"), [(1280, "screen"), (900, "screen"), (A4_COLUMN_PX, "print")])
def test_no_figure_or_table_overflows_its_column(browser, run: Path, width: int, media: str) -> None:
    """At the HTML's widths and in print emulation at the PDF's column, and again once charts are print images."""
    page = _page(browser, run, width, media)
    try:
        assert page.locator(".plotly-graph-div").count() >= 3
        assert page.evaluate(OVERFLOW) == []
        if media == "print":
            assert page.evaluate(CHARTS_TO_IMAGES) >= 3
            assert page.locator("img.cx-print-chart").count() >= 3
            assert page.evaluate(OVERFLOW) == []
    finally:
        page.close()


def test_printed_tables_are_at_least_nine_points(browser, run: Path) -> None:
    page = _page(browser, run, A4_COLUMN_PX, "print")
    try:
        sizes = page.evaluate("() => [...document.querySelectorAll('table.cx-r td, table.cx-r th')]"
                              ".map(c => parseFloat(getComputedStyle(c).fontSize))")
        assert page.locator("table.cx-fig, table.cx-r-fig").count() >= 1        # the detractor wall as a table
    finally:
        page.close()
    assert sizes and min(sizes) >= 12          # 12 CSS px = 9 pt


def test_pdf_page_one_is_the_summary_with_the_headline(run: Path) -> None:
    from pypdf import PdfReader
    summary = runfolder.read_summary(run)
    first = _squeeze(PdfReader(str(run / "report.pdf")).pages[0].extract_text())
    for sentence in report_summary.headline(summary, runfolder.read_negatives(run), "en"):
        assert _squeeze(sentence) in first
    for words in ("The three worst experiences", "Scores against the targets", "below target"):
        assert _squeeze(words) in first
    negatives = json.loads((run / "negatives.json").read_text())
    assert _squeeze(negatives[0]["title"]) in first
