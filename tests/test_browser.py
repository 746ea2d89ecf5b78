"""The pages as a person sees them: Voilà and gallery.html in a real headless Chromium.

The served run is a copy of the sample run with one hostile exhibit added, so every page is also
checked for escaping: the text must show literally and its script must never run.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kit import export
from tests.browser_support import open_page as _open
from tests.browser_support import voila_server

pytestmark = pytest.mark.browser
HOSTILE = '<img src=x onerror="window.__xss=1">'


@pytest.fixture(scope="module")
def hostile_run(sample_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    run = tmp_path_factory.mktemp("served") / "run"
    shutil.copytree(sample_run, run, symlinks=True)
    records = json.loads((run / "exhibits.json").read_text())
    records.insert(0, {**records[0], "id": "hostile-1", "kind": "quote", "title": HOSTILE, "quote": HOSTILE,
                       "caption": HOSTILE, "valence": -1.0, "severity": 1.0, "media": {}, "stage": records[0]["stage"]})
    (run / "exhibits.json").write_text(json.dumps(records))
    export.gallery_html(run)
    return run


@pytest.fixture(scope="module")
def voila(hostile_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with voila_server(hostile_run, tmp_path_factory.mktemp("voila-home")) as (url, _):
        yield url


def test_overview_shows_scores_chart_and_worst_exhibits(browser, voila: str, tmp_path: Path) -> None:
    page = _open(browser, f"{voila}/voila/render/overview.ipynb")
    page.wait_for_selector(".cx-tile", timeout=90_000)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    assert page.locator(".cx-tile").count() == 3
    assert "NPS" in page.inner_text(".cx-tiles")
    assert not page.remote, page.remote                             # nothing fetched from off this machine
    cards = page.locator(".cx-card")
    assert 1 <= cards.count() <= 5
    assert page.locator(".cx-card", has_text=HOSTILE).count() == 1     # shown as text, not as an <img>
    assert page.evaluate("window.__xss === undefined")
    assert "Traceback" not in page.inner_text("body")
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)


def test_gallery_page_filters_exhibits(browser, voila: str, tmp_path: Path) -> None:
    page = _open(browser, f"{voila}/voila/render/exhibits.ipynb")
    page.wait_for_selector(".cx-card", timeout=90_000)
    total = page.locator(".cx-card").count()
    assert total > 10
    kind = page.locator("select").nth(2)
    kind.select_option("photo")
    page.wait_for_function(f"document.querySelectorAll('.cx-card').length !== {total}", timeout=30_000)
    photos = page.locator(".cx-card")
    assert 0 < photos.count() < total
    assert all(t == "photo" for t in photos.locator(".cx-tag.kind").all_inner_texts())
    assert page.locator(".cx-card img.thumb").count() == photos.count()
    assert page.evaluate("window.__xss === undefined")
    assert "Traceback" not in page.inner_text("body")
    page.screenshot(path=str(tmp_path / "exhibits.png"), full_page=False)


def test_one_file_gallery_works_offline_and_escapes(browser, hostile_run: Path, tmp_path: Path) -> None:
    page = _open(browser, (hostile_run / "gallery.html").as_uri())
    page.wait_for_selector(".card")
    total = page.locator(".card").count()
    assert total == len(json.loads((hostile_run / "exhibits.json").read_text()))
    assert page.locator(".card", has_text=HOSTILE).count() == 1
    page.select_option("#f-kind", "clip")
    clips = page.locator(".card").count()
    assert 0 < clips < total
    page.locator(".card").first.click()
    page.wait_for_selector("dialog[open] video, dialog[open] audio")
    assert page.evaluate("window.__xss === undefined")
    assert not page.errors and not page.remote
