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

# Swaps every plotly chart for a PNG of itself, drawn by the same plotly.js, at print width.
CHARTS_TO_IMAGES = """
async () => {
  const divs = [...document.querySelectorAll('.plotly-graph-div')];
  if (!window.Plotly) return -1;
  for (const d of divs) {
    const lay = d.layout || {};
    const w = lay.width || 900, h = lay.height || d.offsetHeight || 380;   // the figure's own size, if it has one
    const url = await window.Plotly.toImage(d, {format: 'png', width: w, height: h, scale: 2});
    const img = document.createElement('img');
    img.className = 'cx-print-chart'; img.alt = 'chart'; img.src = url;
    const box = d.parentElement;
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
        page = b.new_page(viewport={"width": 1000, "height": 1400})
        try:
            page.goto(url, wait_until="load", timeout=120_000)
            if charts_to_images:
                n = page.evaluate(CHARTS_TO_IMAGES)
                if n == -1 and page.locator(".plotly-graph-div").count():
                    raise RuntimeError(f"{url}: plotly.js is not on the page, its charts cannot be printed")
            page.emulate_media(media="print")
            page.evaluate("document.fonts.ready.then(() => true)")
            # page size and margins come from the page's own @page rule
            page.pdf(path=str(out), format="A4", print_background=True, prefer_css_page_size=True)
        finally:
            page.close()
    return out
