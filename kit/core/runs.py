"""Run folders: written aside, published by one rename, and described by their manifest.

A run is built in ``<out>/.partial-<run-id>/``. Only when every step succeeded is it renamed to
``<out>/<run-id>/`` and ``<out>/latest`` re-pointed at it (a symlink swapped with ``os.replace``,
so a reader never sees it missing). A failed run is renamed ``failed-<run-id>`` and kept for
debugging; a killed run stays ``.partial-...``. Neither ever touches ``latest``. What a run folder
holds, and the names of its files, is ``kit.core.runfolder``'s.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from kit.core import exhibits as ex
from kit.core import runfolder
from kit.core.errors import RunNotFoundError
from kit.core.paths import REPORTS_DIR, RUN_ENV_VAR, locate
from kit.core.runfolder import MANIFEST

LATEST = "latest"
PARTIAL_PREFIX = ".partial-"
FAILED_PREFIX = "failed-"
MAIN_DEPENDENCIES = ("papermill", "pandas", "plotly", "pyarrow", "voila", "nbconvert", "pillow",
                     "webvtt-py", "imageio-ffmpeg", "opencv-python-headless", "pydantic")


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def new_run_id(out: Path) -> str:
    """A sortable id from the clock; a suffix keeps two runs in the same second apart."""
    base = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    run_id, n = base, 1
    while any((out / f"{p}{run_id}").exists() for p in ("", PARTIAL_PREFIX, FAILED_PREFIX)):
        n += 1
        run_id = f"{base}-{n}"
    return run_id


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def hash_inputs(project_dir: Path) -> dict[str, str]:
    """sha256 of every file in the project folder, keyed by its relative path."""
    return {p.relative_to(project_dir).as_posix(): sha256(p)
            for p in sorted(project_dir.rglob("*")) if p.is_file()}


def versions() -> dict[str, str]:
    from kit import __version__
    out = {"cxkit": __version__, "python": platform.python_version()}
    for name in MAIN_DEPENDENCIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def write_manifest(run_dir: Path, manifest: dict[str, Any]) -> None:
    tmp = run_dir / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    os.replace(tmp, run_dir / MANIFEST)


def read_manifest(run_dir: Path) -> dict[str, Any]:
    path = run_dir / MANIFEST
    if not path.is_file():
        raise RunNotFoundError(f"{run_dir} is not a run folder (no {MANIFEST})")
    return json.loads(path.read_text(encoding="utf-8"))


def publish(partial: Path, out: Path, run_id: str) -> Path:
    """Rename the finished run into place and point ``latest`` at it."""
    final = out / run_id
    os.replace(partial, final)
    link_tmp = out / f".{LATEST}.{run_id}"
    if link_tmp.is_symlink() or link_tmp.exists():
        link_tmp.unlink()
    link_tmp.symlink_to(run_id, target_is_directory=True)
    os.replace(link_tmp, out / LATEST)
    return final


def keep_failed(partial: Path, out: Path, run_id: str) -> Path:
    failed = out / f"{FAILED_PREFIX}{run_id}"
    os.replace(partial, failed)
    return failed


def resolve_run(run: str | Path | None = None) -> Path:
    """The run folder to show: the one given (a path, or a run id in reports/), else $CXKIT_RUN, else reports/latest."""
    chosen = run or os.environ.get(RUN_ENV_VAR) or REPORTS_DIR / LATEST
    path = locate(chosen)
    if not path.exists() and (REPORTS_DIR / str(chosen)).is_dir():
        path = REPORTS_DIR / str(chosen)          # a run id, as the pages name earlier runs
    if (path / LATEST).exists() and not (path / MANIFEST).exists():
        path = path / LATEST          # an --out folder was given: take its latest run
    if not (path / MANIFEST).is_file():
        raise RunNotFoundError(f"no run folder at {path}; run `cxkit run data/sample` first, "
                               "or name a run folder (reports/<run-id>)")
    return path.resolve()


def load_run(run: str | Path | None = None) -> tuple[Path, dict[str, Any], list[dict[str, Any]]]:
    """The run folder, its summary and its exhibits (raises RunNotFoundError with the fix)."""
    run_dir = resolve_run(run)
    return run_dir, runfolder.read_summary(run_dir), ex.load(run_dir)
