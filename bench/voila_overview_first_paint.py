"""``voila_overview_first_paint``: the overview page's first full paint against an empty Voilà notebook.

Both pages are served by one Voilà server, as ``cxkit serve`` starts it (preheated kernels, one
per page), and loaded alternately in Debian's Chromium; each load waits until the pools are
refilled and has run its page, so every load meets a warm kernel. "Full paint" for the overview:
Voilà has shown every cell, the three score tiles and the worst experiences are on the page and
the journey chart is drawn (its SVG image decoded; or plotly's SVG for a run without the image).
For the empty notebook: Voilà has shown its cell. Target: ratio <= 1.5.
The same is measured once without preheated kernels, for reference.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from bench import _voila
from bench.common import record

LOADS = 5
# The journey chart counts as drawn once its SVG image has decoded (or, for a run without it, once
# plotly has drawn it in the page).
CHART_DRAWN = ("(() => { const img = document.querySelector('.cx-journey img');"
               " return img ? img.complete && img.naturalWidth > 0"
               " : !!document.querySelector('.js-plotly-plot .main-svg'); })()")
OVERVIEW_DONE = ("() => (" + _voila.VOILA_DONE + ")() && document.querySelectorAll('.cx-tile').length === 3"
                 " && " + CHART_DRAWN + " && !!document.querySelector('.cx-page h3')")
EMPTY_DONE = "() => (" + _voila.VOILA_DONE + ")() && !!document.querySelector('.jp-Cell')"


def _run_folder(tmp: Path) -> Path:
    """The latest real run if there is one (reports/latest), else a small synthetic run."""
    from kit.core.errors import RunNotFoundError
    from kit.core.runs import resolve_run
    try:
        return resolve_run(None)
    except RunNotFoundError:
        from kit.synth import run_folder as synth_run
        return synth_run.write(tmp / "run", 120)


def measure(run: Path, tmp: Path, preheat: bool, loads: int) -> tuple[float, float]:
    """Median seconds to full paint: (overview, empty notebook)."""
    overview, empty = [], []
    with _voila.server(run, tmp, preheat=preheat) as (url, log):
        for b in _voila.browser():
            fills = {"overview.ipynb": 1, _voila.EMPTY: 1}
            for _ in range(loads):
                for name, done, times in (("overview.ipynb", OVERVIEW_DONE, overview), (_voila.EMPTY, EMPTY_DONE, empty)):
                    if preheat:                    # no refill running in the background while a page loads
                        _voila.wait_pools(log, list(fills), fills)
                    times.append(_voila.timed_load(b, f"{url}/voila/render/{name}", done))
                    fills[name] += 1
    return _voila.median(overview), _voila.median(empty)


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="cxkit-bench-voila-") as tmp:
        root = Path(tmp)
        folder = _run_folder(root)
        warm, warm_empty = measure(folder, root, True, LOADS)
        cold, cold_empty = measure(folder, root, False, 1)
    return [
        record("voila_overview_first_paint.preheated_seconds", warm, "s", warm_empty, "ratio <= 1.5",
               warm <= 1.5 * warm_empty),
        record("voila_overview_first_paint.cold_seconds", cold, "s", cold_empty, "", None),
    ]
