"""The negative room in a browser, on a desktop and on a phone: findings in words, nothing spilling out.

At 1440x900 and 390x844 the page must not scroll sideways, no chart's drawing may be wider than its
box, the text a visitor reads holds no ids or file names and no "1 answers", and the detractor
wall shows each complaint once.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser_support import voila_server

pytestmark = pytest.mark.browser
LOAD_MS = 240_000
VIEWPORTS = [(1440, 900), (390, 844)]
INTERNALS = [r"survey-R_", r"rec-s\d", r"photo-[a-z]", r"chart-[a-z]", r"\.parquet", r"\.json", r"\.csv\b",
             r"\b1 answers\b", r"\b1 customers\b", r"\bnan\b", r"Pain at \w+ through"]
MEASURE = """() => {
  const width = window.innerWidth;
  const scroller = document.scrollingElement;
  const wide = [];
  for (const el of document.querySelectorAll('.cx-rank li, .cx-wq, .cx-chart, .cx-chart-note, .jp-OutputArea-output')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 1) wide.push(el.className + ' ' + Math.round(r.right));
  }
  const charts = [];
  for (const box of document.querySelectorAll('.cx-chart')) {
    const w = box.getBoundingClientRect().width;
    for (const svg of box.querySelectorAll('svg.main-svg')) {
      charts.push([Math.round(w), Math.round(svg.getBoundingClientRect().width)]);
    }
  }
  return {scroll: scroller.scrollWidth, width, wide, charts};
}"""


@pytest.fixture(scope="module")
def room(sample_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    copy = tmp_path_factory.mktemp("negative-room") / sample_run.name
    shutil.copytree(sample_run, copy, symlinks=True)
    with voila_server(copy, tmp_path_factory.mktemp("voila-home")) as (url, _):
        yield f"{url}/voila/render/negative.ipynb"


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_negative_room_reads_as_findings_and_fits(browser, room: str, width: int, height: int, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        page.goto(room, wait_until="domcontentloaded", timeout=LOAD_MS)
        page.wait_for_selector(".cx-rank li", timeout=LOAD_MS)
        page.wait_for_selector(".cx-wall .cx-wq", timeout=LOAD_MS)
        page.wait_for_function("document.querySelectorAll('.cx-chart svg.main-svg').length >= 3", timeout=LOAD_MS)
        page.wait_for_timeout(1500)                                   # the last charts settle to their boxes
        m = page.evaluate(MEASURE)
        assert m["scroll"] <= width + 1, f"the page scrolls sideways: {m['scroll']} > {width}"
        assert not m["wide"], f"wider than the screen: {m['wide']}"
        assert m["charts"] and all(svg <= box + 1 for box, svg in m["charts"]), m["charts"]
        text = page.inner_text("body")
        for pattern in INTERNALS:
            assert not re.search(pattern, text), f"{pattern!r} shows on the page"
        assert page.locator(".js-plotly-plot .modebar").count() == 0                       # no plotly toolbar
        quotes = page.locator(".cx-wall .cx-wq blockquote").all_inner_texts()
        assert len(quotes) >= 2 and len(set(quotes)) == len(quotes)                         # each complaint once
        assert page.locator(".cx-wall .cx-said").count() == len(quotes)
        assert "see the evidence" in text and "Where it hurts most:" in text
        if width > 600:                                  # the scorecard's costs in the sample's currency (EUR)
            assert "€" in text and re.search(r"\(no\s*purchases\)", text)   # a table cell may wrap its words
        page.screenshot(path=str(tmp_path / f"negative-{width}.png"))
    finally:
        page.close()
