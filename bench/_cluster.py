"""A Dask scheduler and workers started as processes of their own on 127.0.0.1, as a team would run them,
and what a run holds once times and its own path are left out (to compare runs made in different places).

Used by ``bench.pipeline_cluster`` and by ``tests/test_dask_cluster.py``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from bench.common import ROOT
from kit.core import runfolder

DASK = Path(sys.executable).parent / "dask"
START_TIMEOUT = 120


def started(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    """A process in a session of its own (so its children can be killed with it), its output to ``log``."""
    with log.open("wb") as sink:
        return subprocess.Popen(args, cwd=ROOT, start_new_session=True, stdout=sink, stderr=subprocess.STDOUT)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(30)


def wait_until(ready, what: str, timeout: float = START_TIMEOUT) -> None:  # noqa: ANN001 - a predicate
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {what} after {timeout} s")
        time.sleep(0.2)


@contextmanager
def loopback_cluster(folder: Path, workers: int = 2) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """A scheduler on a random loopback port and ``workers`` one-thread workers; their logs in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    info = folder / "scheduler.json"
    scheduler = started([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                         "--scheduler-file", str(info)], folder / "scheduler.log")
    procs: list[subprocess.Popen[bytes]] = []
    try:
        wait_until(info.exists, "scheduler file")
        wait_until(lambda: "address" in info.read_text() if info.stat().st_size else False, "scheduler address")
        address = json.loads(info.read_text())["address"]
        procs = [started([str(DASK), "worker", address, "--nthreads", "1", "--no-dashboard", "--name", f"w{i}",
                          "--host", "127.0.0.1"], folder / f"worker{i}.log") for i in range(workers)]
        yield address, procs
    finally:
        for proc in [*procs, scheduler]:
            stop(proc)


def comparable(run: Path) -> dict[str, object]:
    """What a run holds, without times and without its own folder's path."""
    exhibits = json.loads((run / runfolder.EXHIBITS).read_text(encoding="utf-8"))
    tables = {}
    for path in sorted((run / "data").glob("*.parquet")):
        frame = pd.read_parquet(path)
        tables[path.stem] = frame.astype(str).replace(str(run), "<run>", regex=False).to_dict("records")
    return {"exhibits": exhibits, "tables": tables}
