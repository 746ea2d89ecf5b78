"""Run folders: written aside, published by one rename, and described by their manifest.

A run is built in ``<out>/.partial-<run-id>/``. Only when every step succeeded is it renamed to
``<out>/<run-id>/`` and ``<out>/latest`` re-pointed at it (a symlink swapped with ``os.replace``,
so a reader never sees it missing). A failed run is renamed ``failed-<run-id>`` and kept for
debugging; a killed run stays ``.partial-...``. Neither ever touches ``latest``. What a run folder
holds, and the names of its files, is ``kit.core.runfolder``'s.

One run at a time writes into an output folder: it holds ``<out>/.cxkit-run.lock`` with
``flock`` from before its partial folder is made until it is published or kept as failed. The
kernel drops the lock when the process ends, however it ends (``kill -9`` too), so a lock is never
left behind; a second run finds it held and stops at once with the first one's pid and start time
(RunInProgressError, exit 2). The lock file itself stays: only the ``flock`` on it counts, and
what it holds (pid, host, run id, start) is the last holder's, read only while the lock is held.

A partial folder's manifest says ``status: running``, when it started, and the pid and host of
the process writing it, from before the first step; only publishing or failing changes it. A run
killed on the way leaves it so. Nothing reads a partial folder (pages and the server take only
published runs), and a later run lists the ones it finds (one line, with the ``rm -rf`` that
removes them) but never deletes them: they are there to be looked at.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import platform
import shlex
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from kit.core import exhibits as ex
from kit.core import rejects, runfolder
from kit.core.errors import OutputFolderError, RunInProgressError, RunNotFoundError
from kit.core.paths import REPORTS_DIR, RUN_ENV_VAR, locate
from kit.core.runfolder import MANIFEST

LATEST = "latest"
PARTIAL_PREFIX = ".partial-"
FAILED_PREFIX = "failed-"
LOCK_FILE = ".cxkit-run.lock"
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


def evidence_account(run_dir: Path) -> dict[str, Any]:
    """What the manifest says of evidence held back, read from the run folder once its steps have run.

    ``held_back``: per input file, each kind (open answers withheld, no consent, consent unknown, file
    not usable) with its count and reason; ``open_answers``: per survey file, accepted = shown +
    withheld by reason, and where consent came from; ``consent_declared``: the surveys that declare
    ``consent: all_respondents``. Withheld answers are not rejects: their rows are counted as accepted
    in ``rows``. The pipeline adds it with ``manifest.update(runs.evidence_account(partial))``.
    """
    table = runfolder.read_table(run_dir, "rejects") if runfolder.has_table(run_dir, "rejects") else \
        rejects.RejectLog("").frame()
    answers = rejects.read_answers(run_dir)
    return rejects.summary(rejects.held_back(table, answers), answers)


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


def owner() -> dict[str, Any]:
    """Who writes a run: recorded in the lock file and in the manifest of a partial folder."""
    return {"pid": os.getpid(), "host": platform.node()}


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def prepare_out(out: Path) -> Path:
    """Create the output folder if need be; OutputFolderError (exit 2) if runs cannot be written there."""
    blocker = next((p for p in (out, *out.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise OutputFolderError(out, "it is a file" if blocker == out else f"{blocker} is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputFolderError(out, f"it cannot be created ({_reason(exc)})") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise OutputFolderError(out, "it is read-only for this user (make it writable)")
    return out


def start_partial(partial: Path, manifest: dict[str, Any]) -> Path:
    """Make the partial folder with its first manifest (``status: running``, pid, start)."""
    try:
        (partial / runfolder.NOTEBOOKS).mkdir(parents=True)
        write_manifest(partial, manifest)
    except OSError as exc:
        raise OutputFolderError(partial.parent, f"{partial.name} cannot be written there ({_reason(exc)})") from None
    return partial


class RunLock:
    """``<out>/.cxkit-run.lock`` held with ``flock`` while a run writes into ``<out>`` (see above)."""

    def __init__(self, out: Path) -> None:
        self.out, self.path = out, out / LOCK_FILE
        self.fd: int | None = None
        self.info: dict[str, Any] = {**owner(), "started": now(), "run_id": None}

    def __enter__(self) -> RunLock:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputFolderError(self.out, f"its lock file {LOCK_FILE} cannot be opened ({_reason(exc)})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise RunInProgressError(self.out, describe_holder(self.path)) from None
            raise OutputFolderError(self.out, f"{LOCK_FILE} cannot be locked ({_reason(exc)})") from None
        self.fd = fd
        self.record()
        return self

    def record(self, run_id: str | None = None) -> None:
        """Write who holds the lock (and, once chosen, the run id) for a run that finds it held."""
        assert self.fd is not None
        if run_id is not None:
            self.info["run_id"] = run_id
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, json.dumps(self.info).encode(), 0)

    def __exit__(self, *_exc: object) -> None:
        if self.fd is not None:
            fd, self.fd = self.fd, None
            try:
                os.ftruncate(fd, 0)
            finally:
                os.close(fd)          # closing the file releases the lock


def describe_holder(lock_file: Path, wait: float = 1.0) -> str:
    """``pid N on HOST, run ID, started T`` from a held lock file (its holder may be writing it just now)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            info = json.loads(lock_file.read_text(encoding="utf-8"))
            return (f"pid {info['pid']} on {info['host']}"
                    + (f", run {info['run_id']}" if info.get("run_id") else "") + f", started {info['started']}")
        except (OSError, ValueError, KeyError, TypeError):
            if time.monotonic() > deadline:
                return f"its pid and start time are not written in {lock_file} yet"
            time.sleep(0.05)


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_partials(out: Path) -> list[Path]:
    """The ``.partial-`` folders in ``out`` that no process is writing any more (ask while holding the RunLock).

    Under the lock no other run writes into ``out``, so each one is left over from a run that was
    killed or crashed; one whose manifest names a process still alive on this host is left out all
    the same, in case something writes it without the lock.
    """
    found = []
    for path in sorted(out.glob(f"{PARTIAL_PREFIX}*")):
        if not path.is_dir() or path.is_symlink():
            continue
        try:
            m = read_manifest(path)
        except (OSError, ValueError, RunNotFoundError):
            m = {}
        if not (m.get("host") == platform.node() and _alive(m.get("pid"))):
            found.append(path)
    return found


def stale_note(out: Path, stale: list[Path]) -> str:
    """One line naming the left-over partial folders and how to remove them ("" when there are none)."""
    if not stale:
        return ""

    def what(path: Path) -> str:
        try:
            m = read_manifest(path)
            return f"{path.name} (started {m.get('started', '?')}, pid {m.get('pid', '?')})"
        except (OSError, ValueError, RunNotFoundError):
            return f"{path.name} (no manifest)"

    named = ", ".join(what(p) for p in stale[:3]) + (f" and {len(stale) - 3} more" if len(stale) > 3 else "")
    remove = ("rm -rf " + " ".join(shlex.quote(str(p)) for p in stale) if len(stale) <= 5 else
              f"rm -rf {shlex.quote(str(out))}/{PARTIAL_PREFIX}* while no cxkit run writes into it")
    return (f"note: {len(stale)} unfinished run folder(s) left by runs stopped before they finished: {named}. "
            f"Nothing reads them and latest never pointed at them; once looked at, remove them: {remove}")


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
