"""Store a plotly figure for a chart exhibit: JSON for pages, a PNG for cards, PDFs and thumbnails.

Pages redraw a chart from ``<run>/charts/<id>.json`` (interactive, offline: plotly.js ships with
the page). A static PNG beside it serves places that cannot run JavaScript (printed cards, PDF,
gallery thumbnails). The PNG needs Chromium through kaleido; when none is installed, or it fails,
the run goes on without the PNG and says so in the log: a missing thumbnail never fails a run.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from kit.core import runfolder

log = logging.getLogger("cxkit.figures")

PNG_WIDTH, PNG_HEIGHT, PNG_SCALE = 1100, 620, 1      # used when the figure sets no width or height
PNG_TIMEOUT_S = 90.0
NO_PNG_ENV = "CXKIT_NO_PNG"          # set to 1 to skip static images (e.g. on a machine without Chromium)
_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
_state: dict[str, Any] = {"server": False, "broken": ""}
_lock = threading.Lock()


def browser_path() -> str | None:
    """The Chromium kaleido would use (``BROWSER_PATH`` first), or None; never downloads one."""
    env = os.environ.get("BROWSER_PATH")
    if env and Path(env).is_file():
        return env
    for name in _BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def _png_disabled() -> str:
    """Why static images are off for this process ('' when they are on)."""
    if os.environ.get(NO_PNG_ENV, "").strip() not in ("", "0"):
        return f"{NO_PNG_ENV} is set"
    if _state["broken"]:
        return _state["broken"]
    if browser_path() is None:
        return "no Chromium found (install chromium or set BROWSER_PATH)"
    return ""


def _start_server() -> None:
    """Start kaleido's shared browser once (~3 s), so each later image costs ~0.2 s."""
    if _state["server"]:
        return
    import kaleido

    kaleido.start_sync_server(silence_warnings=True)
    _state["server"] = True


def _render(fig: go.Figure, fmt: str) -> bytes:
    """Image bytes (``png`` or ``svg``) from kaleido, in a worker thread so a stuck browser cannot hang the run."""
    result: dict[str, Any] = {}

    def work() -> None:
        try:
            with _lock:
                _start_server()
                import kaleido

                opts = {"format": fmt, "width": fig.layout.width or PNG_WIDTH, "height": fig.layout.height or PNG_HEIGHT,
                        "scale": PNG_SCALE}
                result["image"] = kaleido.calc_fig_sync(fig.to_dict(), opts=opts)
        except Exception as exc:  # noqa: BLE001 - any browser failure only costs the thumbnail
            result["error"] = exc

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(PNG_TIMEOUT_S)
    if worker.is_alive():
        raise TimeoutError(f"no image from Chromium after {PNG_TIMEOUT_S:g} s")
    if "error" in result:
        raise result["error"]
    return result["image"]


def write_image(fig: go.Figure, path: Path) -> bool:
    """Write ``fig`` as a PNG or SVG (by ``path``'s suffix); False (with a logged note) when it cannot be made here."""
    why = _png_disabled()
    if why:
        log.info("static image %s skipped: %s", path.name, why)
        return False
    try:
        data = _render(fig, path.suffix.lower().lstrip("."))
    except Exception as exc:  # noqa: BLE001
        _state["broken"] = f"Chromium failed earlier in this run ({type(exc).__name__}: {exc})"
        log.warning("static image %s skipped: %s: %s", path.name, type(exc).__name__, exc)
        return False
    path.write_bytes(data)
    return True


def save_figure(run_dir: Path, exhibit_id: str, fig: go.Figure, *, png: bool = True) -> dict[str, str]:
    """Store ``fig`` for exhibit ``exhibit_id``; returns the exhibit's ``media`` dict (paths relative to the run).

    ``media["thumb"]`` is present only when the PNG was written, so readers never follow a dead link.
    """
    if not exhibit_id or "/" in exhibit_id or "\\" in exhibit_id or exhibit_id.startswith("."):
        raise ValueError(f"exhibit id {exhibit_id!r} cannot name a file")
    path = runfolder.chart_path(run_dir, exhibit_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(fig.to_json(), encoding="utf-8")
    media = {"figure": runfolder.chart_rel(exhibit_id)}
    png_path = runfolder.chart_path(run_dir, exhibit_id, "png")
    if png and write_image(fig, png_path):
        media["thumb"] = runfolder.chart_rel(exhibit_id, "png")
    elif png_path.exists():
        png_path.unlink()                       # a stale image from an earlier run would show old numbers
    return media


def load_figure(run_dir: Path, rel: str) -> go.Figure:
    """The figure stored at ``rel`` (as in ``media["figure"]``), refusing paths that leave the run folder."""
    path = runfolder.media_path(run_dir, rel, must_exist=False)
    if path is None:
        raise ValueError(f"figure path {rel!r} leaves the run folder")
    return pio.from_json(path.read_text(encoding="utf-8"), output_type="Figure", skip_invalid=True)
