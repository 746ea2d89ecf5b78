"""What the page benchmarks share: a Voilà server as ``cxkit serve`` starts it, and timed page loads.

The server serves a copy of gallery/ plus ``empty.ipynb`` (one cell that shows nothing and only
logs that it ran), so a page and the empty reference are measured by the same server, with the
same kernels and options, in the same run.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat

from kit.core.paths import GALLERY_DIR
from kit.pages.page import READY_MARK
from kit.server.voila import voila_command, voila_env

CHROMIUM = "/usr/bin/chromium"
EMPTY = "empty.ipynb"
# Voilà has drawn every cell of the page (its loading spinner is gone and the cells are shown).
VOILA_DONE = ("() => { const cells = document.querySelector('#rendered_cells');"
              " return !document.querySelector('#loading') && (!cells || cells.style.display !== 'none'); }")


def pages_folder(root: Path) -> Path:
    """gallery/ copied beside an empty notebook (the reference page)."""
    folder = root / "pages"
    shutil.copytree(GALLERY_DIR, folder)
    nb = nbformat.v4.new_notebook()
    # Nothing to show; its one line only tells the log the page has run, as the real pages do.
    nb.cells = [nbformat.v4.new_code_cell(f"import sys\nprint({READY_MARK + ' ' + EMPTY!r}, file=sys.__stderr__)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / EMPTY)
    return folder


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(run: Path, root: Path, *, preheat: bool = True) -> Iterator[tuple[str, Path]]:
    """Voilà over a copy of the pages for ``run``; yields (base URL, log file)."""
    folder = pages_folder(root) if not (root / "pages").exists() else root / "pages"
    port = _free_port()
    command = voila_command(port, preheat=preheat)
    command[command.index(str(GALLERY_DIR))] = str(folder)
    home = root / f"home-{port}"
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **voila_env(), "CXKIT_RUN": str(run), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTER_CONFIG_DIR": str(home / "config"), "IPYTHONDIR": str(home / "ipython"),
           "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    log = root / f"voila-{port}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "/", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        try:
            yield url, log
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def wait_pools(log: Path, notebooks: list[str], fills: dict[str, int], timeout: float = 300) -> None:
    """Wait until each notebook's preheated kernel has been readied ``fills[nb]`` times (read from the log).

    Ready means more than Voilà's "pool is filled" (logged once the kernel has started, while the
    page may still be running in it): the page itself logs when it has run and waits for its
    visitor (``kit.pages.gallery.READY_MARK``), so every timed load meets a kernel that is really warm.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if all(text.count(f"Kernel pool of {nb} is filled") >= fills.get(nb, 1)
               and text.count(f"{READY_MARK} {nb}") >= fills.get(nb, 1) for nb in notebooks):
            return
        time.sleep(0.2)
    raise TimeoutError(f"preheated pages {notebooks} not ready within {timeout:.0f} s; see {log}")


def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-quic",
                                                             "--disable-background-networking"])
        yield b
        b.close()


def timed_load(b: object, url: str, ready_js: str, timeout_ms: int = 180_000) -> float:
    """Seconds from navigation start until ``ready_js`` (a function body returning true) holds."""
    page = b.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    try:
        page.goto(url, wait_until="commit", timeout=timeout_ms)
        page.wait_for_function(ready_js, timeout=timeout_ms, polling="raf")
        return page.evaluate("performance.now()") / 1000
    finally:
        page.close()


def median(values: list[float]) -> float:
    return statistics.median(values)
