"""The static exports of a run, made the way a user makes them: ``cxkit report RUN`` (all four).

The run is a copy of the session's sample run with a hostile exhibit added, so every export is also
checked for escaping. PDFs are checked as files (pypdf: pages, page size, text) and as pictures
(a page rendered to PNG by pdftoppm must not be blank; the PNGs are kept in the test's folder).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from kit.core.exhibits import short_ids
from kit.core.paths import REPO_ROOT
from kit.exports import cards
from tests.exports.conftest import EXPORTS, HOSTILE

pytestmark = pytest.mark.browser

A4_POINTS = (595.92, 842.88)


def _png(pdf: Path, page: int, out: Path) -> Path:
    """One page of a PDF as a PNG, drawn by poppler's pdftoppm."""
    if shutil.which("pdftoppm") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but pdftoppm is missing; .ci/run installs the Debian package poppler-utils")
        pytest.skip("pdftoppm not installed (apt-get install poppler-utils)")
    prefix = out / f"{pdf.stem}-p{page}"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(prefix)],
                   check=True)
    return prefix.with_suffix(".png")


def _not_blank(png: Path) -> float:
    """Standard deviation of the grey levels: a blank (one-colour) page gives 0."""
    from PIL import Image, ImageStat
    grey = Image.open(png).convert("L")
    return ImageStat.Stat(grey).stddev[0]


def _squeeze(text: str) -> str:
    """Text without whitespace: a PDF's extracted text breaks lines wherever the layout did."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))       # NFKC: the font's "ﬁ" ligature is "fi"


def _a4(page: object) -> bool:
    box = page.mediabox  # type: ignore[attr-defined]
    return abs(float(box.width) - A4_POINTS[0]) < 2 and abs(float(box.height) - A4_POINTS[1]) < 2


def test_every_export_is_written_and_the_report_rerun(exported: tuple[Path, str]) -> None:
    run, said = exported
    for name in EXPORTS:
        assert (run / name).is_file() and (run / name).stat().st_size > 1000, name
        assert f"wrote {run / name}" in said
    assert "re-ran the report notebook" in said
    assert not (run / "notebooks" / "06_report.failed.ipynb").exists()


def test_report_html_has_no_code_no_cdn_no_traceback_and_escapes(exported: tuple[Path, str]) -> None:
    run, _ = exported
    html = (run / "report.html").read_text(encoding="utf-8")
    assert '<div class="highlight' not in html and 'class="jp-CodeMirrorEditor' not in html     # no code cell shown
    for code in ("report.headline_html(r)", "open_step(", "ensure_ingested", "kit.views.workshop.findings_html"):
        assert code not in html
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=[\"']?(https?:)?//", html, re.IGNORECASE)
    assert "Traceback" not in html and 'data-mime-type="application/vnd.jupyter.stderr"' not in html
    assert "<img src=x" not in html
    assert re.search(r"&lt;img src=x onerror=(&quot;|\")window.__xss=1(&quot;|\")&gt;", html)     # shown as text
    for section in ("Scores against the targets", "The three worst experiences", "What customers felt against what was designed",
                    "How NPS moved", "The negative experiences", "Workshop findings", "Evidence accounted for"):
        assert section in html
    assert html.count('class="plotly-graph-div') >= 3       # stage, trend and contact charts, offline


def test_report_pdf_is_a4_charts_whole_and_not_blank(exported: tuple[Path, str], tmp_path: Path) -> None:
    from pypdf import PdfReader
    run, _ = exported
    pdf = PdfReader(str(run / "report.pdf"))
    html = (run / "report.html").read_text(encoding="utf-8")
    charts = html.count('class="plotly-graph-div')
    assert len(pdf.pages) >= 3 and all(_a4(p) for p in pdf.pages)
    text = _squeeze("".join(p.extract_text() for p in pdf.pages))
    for words in ("Scores against the targets", "Evidence accounted for", "Workshop findings", HOSTILE):
        assert _squeeze(words) in text, words
    # every chart is printed as one wide image on exactly one page: a chart cut at a page break
    # would be placed on two pages
    # (page 1 is the summary, whose pictures are the run's stills and thumbnails, not printed charts)
    placed = [img.image.width for p in pdf.pages[1:] for img in p.images if img.image.width >= 1200]
    assert len(placed) == charts
    for n in range(1, len(pdf.pages) + 1):
        assert _not_blank(_png(run / "report.pdf", n, tmp_path)) > 5


def test_cards_pdf_two_per_a4_most_severe_first_and_escaped(exported: tuple[Path, str], tmp_path: Path) -> None:
    from pypdf import PdfReader
    run, _ = exported
    records = json.loads((run / "exhibits.json").read_text())
    pdf = PdfReader(str(run / "cards.pdf"))
    assert len(pdf.pages) == math.ceil(len(records) / 2)
    assert all(_a4(p) for p in pdf.pages)
    first = _squeeze(pdf.pages[0].extract_text())
    short = short_ids([r["id"] for r in records])
    assert short["hostile-1"] in first and _squeeze(HOSTILE) in first          # severity 1.0 comes first
    second = cards.order(records)[1]
    assert short[second["id"]] in first
    for n in (1, 2, len(pdf.pages)):
        png = _png(run / "cards.pdf", n, tmp_path)
        assert _not_blank(png) > 5, png


def test_gallery_html_has_every_filter_and_keeps_text_as_data(exported: tuple[Path, str]) -> None:
    run, _ = exported
    html = (run / "gallery.html").read_text(encoding="utf-8")
    for f in ("f-stage", "f-channel", "f-segment", "f-kind", "f-valence", "f-source", "f-search"):
        assert f'id="{f}"' in html
    assert "<img src=x" not in html                                   # only as escaped JSON data
    data = json.loads(re.search(r'<script id="cx-data" type="application/json">(.*?)</script>', html, re.DOTALL).group(1))
    assert data["exhibits"][0]["title"] == HOSTILE
    assert {r.get("source_kind") for r in data["exhibits"]} >= {"survey"}
    charts = [r for r in data["exhibits"] if r["kind"] == "chart" and (r.get("media") or {}).get("thumb")]
    assert all(r["media"]["thumb_src"].startswith("data:image/png;base64,") for r in charts)


def test_unknown_export_is_refused_with_the_choices(sample_run: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "kit.cli", "report", str(sample_run), "--to", "html,docx"],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "docx" in done.stderr and "html, pdf, cards, gallery" in done.stderr


def test_gallery_html_filters_and_lens_in_a_browser(browser, exported: tuple[Path, str], tmp_path: Path) -> None:
    from tests.browser_support import open_page
    run, _ = exported
    records = json.loads((run / "exhibits.json").read_text())
    page = open_page(browser, (run / "gallery.html").as_uri())
    page.wait_for_selector(".card")
    assert page.locator(".card").count() == len(records)
    page.select_option("#f-source", "survey")
    from kit.core.exhibits import source_kind
    expected = sum(1 for r in records if source_kind(r) == "survey")
    assert 0 < page.locator(".card").count() == expected < len(records)
    page.select_option("#f-source", "")
    segments = sorted({r["segment"] for r in records if r.get("segment")})
    if segments:
        page.select_option("#f-segment", segments[0])
        assert page.locator(".card").count() == sum(1 for r in records if r.get("segment") == segments[0])
        page.select_option("#f-segment", "")
    before = page.locator(".card").evaluate_all("cs => cs.map(c => c.dataset.id)")
    page.select_option("#f-lens", "engineering")
    after = page.locator(".card").evaluate_all("cs => cs.map(c => c.dataset.id)")
    assert sorted(after) == sorted(before) and after != before             # re-ranked, nothing hidden
    assert page.locator(".card .why").count() == len(records)
    assert page.locator(".card", has_text=HOSTILE).count() == 1
    assert page.evaluate("window.__xss === undefined") and not page.errors and not page.remote
    page.screenshot(path=str(tmp_path / "gallery-lens.png"))


def test_gallery_data_is_strict_json_whatever_the_scores() -> None:
    """The one-file gallery reads its data with JSON.parse, which refuses NaN: a week too thin for an interval is null."""
    from kit.exports.gallery_file import _json_for_script
    text = _json_for_script({"summary": {"weekly": [{"nps": float("nan"), "nps_lo": float("inf"), "n": 3}]},
                             "exhibits": [{"title": "</script><script>x()</script>"}]})
    data = json.loads(text)
    assert data["summary"]["weekly"] == [{"nps": None, "nps_lo": None, "n": 3}]
    assert "</script>" not in text and data["exhibits"][0]["title"] == "</script><script>x()</script>"
