"""``curation_10k_edit``: on the 10,000-exhibit gallery, from an analyst's click to the edit shown on the page.

The synthetic run of ``gallery_10k_interactive``, its manifest pointed at an empty project folder,
served as ``cxkit serve`` serves it on one's own machine (single-user: the visitor curates), in
Debian's Chromium. Timed: Hide (the card leaves the grid) and a title edit (the card shows the new
title), each from the click until the page shows it: the kernel appends to the journal, replays it
over the run's records in memory and redraws the cards. Median of several edits; the reference
is one filter change on the same page (a round trip that also redraws the cards).
Target: under 0.5 s.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import _voila
from bench.common import record

EXHIBITS = 10_000
EDITS = 5
GRID_DONE = "() => document.querySelectorAll('.cx-cardgrid .cx-card').length > 0"
CONTROLS = ".cx-overlay .cx-cur-body .cx-cur-hide"


def _open(page: Any, index: int) -> str:
    """Open the ``index``-th card of the page; its id, once its drawer shows the curation controls."""
    card = page.locator(".cx-cardgrid .cx-card").nth(index)
    exhibit_id = card.get_attribute("data-id")
    card.click()
    page.wait_for_selector(f'.cx-overlay .cx-cur[data-exhibit="{exhibit_id}"] .cx-cur-hide', timeout=60_000)
    return exhibit_id


def _timed(page: Any, click: str, done_js: str) -> float:
    t0 = time.perf_counter()
    page.click(click)
    page.wait_for_function(done_js, timeout=60_000, polling="raf")
    return time.perf_counter() - t0


def _hide(page: Any, i: int) -> float:
    exhibit_id = _open(page, 0)
    page.fill(".cx-overlay .cx-cur-reason", f"bench {i}")
    return _timed(page, CONTROLS, f"!document.querySelector('.cx-card[data-id=\"{exhibit_id}\"]')")


def _retitle(page: Any, i: int) -> float:
    exhibit_id = _open(page, 1)
    title = f"Retitled by the bench {i}"
    page.fill(".cx-overlay .cx-cur-title", title)
    return _timed(page, ".cx-overlay .cx-cur-save-text",
                  f"(document.querySelector('.cx-card[data-id=\"{exhibit_id}\"] h4') || {{}}).textContent === {title!r}")


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    from kit.synth import run_folder as synth_run
    hides, titles, filters = [], [], []
    with tempfile.TemporaryDirectory(prefix="cxkit-bench-curation-") as tmp:
        root = Path(tmp)
        folder = synth_run.write(root / "run", EXHIBITS)
        (root / "project").mkdir()
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        (folder / "manifest.json").write_text(json.dumps({**manifest, "project": str(root / "project")}), encoding="utf-8")
        with _voila.server(folder, root) as (url, _log):
            for b in _voila.browser():
                page = b.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"{url}/voila/render/exhibits.ipynb", wait_until="commit")
                page.wait_for_function(GRID_DONE, timeout=180_000)
                page.wait_for_selector(".cx-cur-section", timeout=180_000)       # the visitor is known: controls on
                for i in range(EDITS):
                    hides.append(_hide(page, i))
                    titles.append(_retitle(page, i))
                page.click(".cx-close")
                for kind in ("photo", "quote", "clip"):
                    before = page.inner_text(".cx-count")
                    t0 = time.perf_counter()
                    page.locator(".cx-f-kind select").select_option(label=kind)
                    page.wait_for_function(f"document.querySelector('.cx-count').textContent !== {before!r}",
                                           timeout=60_000, polling="raf")
                    filters.append(time.perf_counter() - t0)
                page.close()
    hide, title, ref = _voila.median(hides), _voila.median(titles), _voila.median(filters)
    return [
        record("curation_10k_edit.hide_shown", hide, "s", ref, "< 0.5 s", hide < 0.5),
        record("curation_10k_edit.title_shown", title, "s", ref, "< 0.5 s", title < 0.5),
    ]
