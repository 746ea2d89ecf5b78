"""Printing HTML to PDF with Debian's Chromium, driven by Playwright (nothing is downloaded).

Both printed exports go through here: ``report.pdf`` (the report page with its interactive charts
swapped for images first, so no chart is cut at a page break) and ``cards.pdf``. A caller that
already holds a Playwright browser (a test session) passes it in; otherwise one is started and
closed for the job, because the sync API cannot start twice in one thread.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kit.core.errors import MissingDependencyError

CHROMIUM = Path(os.environ.get("CXKIT_CHROMIUM", "/usr/bin/chromium"))
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

# The printed column of an A4 page with the report's margins (12 mm each side), in CSS pixels (96 per inch).
A4_COLUMN_PX = round((210 - 2 * 12) / 25.4 * 96)

# Swaps every plotly chart for a PNG of itself, drawn by the same plotly.js at the width of the column
# it prints in (the page is laid out for print at that width first), so the picture is printed at its
# own size: nothing is cut off on the right and no label is shrunk (a 1200 px figure printed in a
# 700 px column would lose 40% of its type size).
CHARTS_TO_IMAGES = """
async () => {
  const MIN_PANELS_WIDTH = 900;
  const divs = [...document.querySelectorAll('.plotly-graph-div')];
  if (!window.Plotly) return -1;
  for (const d of divs) {
    const box = d.parentElement;
    const column = Math.floor((box || d).getBoundingClientRect().width) || 700;
    // a figure of side-by-side panels needs room for both: drawn wider and printed a little smaller
    const panels = Object.keys(d.layout || {}).filter(k => /^xaxis\\d*$/.test(k)).length;
    const w = panels > 1 ? Math.max(column, MIN_PANELS_WIDTH) : column;
    const h = (d.layout || {}).height || d.offsetHeight || 380;
    const url = await window.Plotly.toImage(d, {format: 'png', width: w, height: h, scale: 2});
    const img = document.createElement('img');
    img.className = 'cx-print-chart'; img.alt = 'chart'; img.src = url;
    await new Promise(ok => { img.onload = ok; img.onerror = ok; d.replaceWith(img); });
    if (box) { box.style.height = 'auto'; box.style.width = '100%'; }   // plotly's wrapper keeps the screen size otherwise
  }
  return divs.length;
}
"""


@contextmanager
def browser(given: Any = None) -> Iterator[Any]:
    """The caller's browser, or Debian's Chromium started for this job."""
    if given is not None:
        yield given
        return
    if not CHROMIUM.exists():
        raise MissingDependencyError(f"printing a PDF needs Chromium at {CHROMIUM}; install it with "
                                     "`apt-get install chromium` (or set CXKIT_CHROMIUM to its path)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise MissingDependencyError("printing a PDF needs the playwright package, which drives Chromium: "
                                     "reinstall the kit (`make install`, or `pip install -e .`)") from None
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield b
        finally:
            b.close()


def print_pdf(url: str, out: Path, *, charts_to_images: bool = False, given_browser: Any = None) -> Path:
    """Open ``url`` (a file:// page), optionally turn its charts into images, and print it to ``out``."""
    with browser(given_browser) as b:
        # laid out at the printed column's width, so what is measured on screen is what the paper holds
        page = b.new_page(viewport={"width": A4_COLUMN_PX if charts_to_images else 1000, "height": 1400})
        try:
            page.goto(url, wait_until="load", timeout=120_000)
            page.emulate_media(media="print")
            if charts_to_images:
                n = page.evaluate(CHARTS_TO_IMAGES)
                if n == -1 and page.locator(".plotly-graph-div").count():
                    raise RuntimeError(f"{url}: plotly.js is not on the page, its charts cannot be printed")
            page.evaluate("document.fonts.ready.then(() => true)")
            # page size and margins come from the page's own @page rule
            page.pdf(path=str(out), format="A4", print_background=True, prefer_css_page_size=True)
        finally:
            page.close()
    return out
