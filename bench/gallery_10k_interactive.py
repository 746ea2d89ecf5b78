"""``gallery_10k_interactive``: the gallery page with 10,000 synthetic exhibits, from request to interactive.

"Interactive" means the first page of cards is drawn by the grid widget, which happens only once
the browser is connected to the page's kernel (so filters, pages and opening a card now work).
Served as ``cxkit serve`` serves it (preheated kernels), loaded in Debian's Chromium, median of
several loads, each meeting a refilled pool whose page has run. Also measured: one filter change and one lens switch
(round trips to the kernel), and an empty Voilà notebook on the same server as the reference.
Target: under 3 s to interactive.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import _voila
from bench.common import record

EXHIBITS = 10_000
LOADS = 5
GRID_DONE = "() => document.querySelectorAll('.cx-cardgrid .cx-card').length > 0"
EMPTY_DONE = "() => (" + _voila.VOILA_DONE + ")() && !!document.querySelector('.jp-Cell')"


def _round_trip(page: Any, select: str, label: str, changed_js: str) -> float:
    """Seconds from choosing ``label`` in the ``select`` dropdown until ``changed_js`` holds."""
    t0 = time.perf_counter()
    page.locator(select).select_option(label=label)
    page.wait_for_function(changed_js, timeout=120_000, polling="raf")
    return time.perf_counter() - t0


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    from kit.synth import run_folder as synth_run
    with tempfile.TemporaryDirectory(prefix="cxkit-bench-10k-") as tmp:
        root = Path(tmp)
        folder = synth_run.write(root / "run", EXHIBITS)
        loads, empties, filters, lens_switches = [], [], [], []
        with _voila.server(folder, root) as (url, log):
            for b in _voila.browser():
                fills = {"exhibits.ipynb": 1, _voila.EMPTY: 1}
                for _ in range(LOADS):
                    for name, done, times in (("exhibits.ipynb", GRID_DONE, loads), (_voila.EMPTY, EMPTY_DONE, empties)):
                        _voila.wait_pools(log, list(fills), fills)   # no refill running while a page loads
                        times.append(_voila.timed_load(b, f"{url}/voila/render/{name}", done))
                        fills[name] += 1
                _voila.wait_pools(log, list(fills), fills)
                page = b.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"{url}/voila/render/exhibits.ipynb", wait_until="commit")
                page.wait_for_function(GRID_DONE, timeout=180_000)
                for kind in ("photo", "quote", "clip"):
                    before = page.inner_text(".cx-count")
                    filters.append(_round_trip(page, ".cx-f-kind select", kind,
                                               f"document.querySelector('.cx-count').textContent !== {before!r}"))
                for label in ("Design lens", "Engineering lens", "Business lens"):
                    first = page.eval_on_selector(".cx-cardgrid .cx-card", "c => c.dataset.id + c.innerText")
                    lens_switches.append(_round_trip(
                        page, ".cx-f-lens select", label,
                        "(() => { const c = document.querySelector('.cx-cardgrid .cx-card');"
                        f" return c && (c.dataset.id + c.innerText) !== {first!r}; }})()"))
                page.close()
    interactive, empty = _voila.median(loads), _voila.median(empties)
    return [
        record("gallery_10k_interactive.seconds", interactive, "s", empty, "< 3 s", interactive < 3.0),
        record("gallery_10k_interactive.filter_round_trip", _voila.median(filters), "s", None, "", None),
        record("gallery_10k_interactive.lens_switch", _voila.median(lens_switches), "s", None, "", None),
    ]
