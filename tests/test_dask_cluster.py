"""`cxkit run --scheduler`: the sample project's clips and photos made by `dask worker` processes.

A `dask scheduler` and two `dask worker` processes are started on loopback (random ports) as a
user would start them on a cluster. The run made through them must hold exactly what a run on the
local cluster holds (exhibits, tables, rejects; everything but times and run paths), and one
worker is killed while it is making a clip: Dask gives its task to the other worker, the run
finishes, and ``latest`` points at it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench._cluster import comparable, loopback_cluster, started, stop, wait_until
from kit.core import runfolder
from kit.core.paths import REPO_ROOT

pytestmark = pytest.mark.notebook

CXKIT = [sys.executable, "-m", "kit.cli"]
SAMPLE = REPO_ROOT / "data" / "sample"
RUN_TIMEOUT = 2400             # the sample: two minutes on an idle machine, many more on a shared one


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """A scheduler on a random loopback port and two one-thread workers, stopped after the module."""
    with loopback_cluster(tmp_path_factory.mktemp("dask")) as (address, workers):
        yield address, workers


def cxkit_run(out: Path, run_id: str, *extra: str) -> subprocess.Popen[bytes]:
    return started([*CXKIT, "run", str(SAMPLE), "--out", str(out), "--run-id", run_id, "--quiet", *extra],
                   out.parent / f"{run_id}.log")


def finished(proc: subprocess.Popen[bytes], log: Path) -> str:
    try:
        proc.wait(RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        stop(proc)
        pytest.fail(f"the run did not finish in {RUN_TIMEOUT} s:\n{log.read_text()[-3000:]}")
    text = log.read_text()
    assert proc.returncode == 0, text[-3000:]
    return text


def test_a_run_on_a_dask_cluster_survives_a_killed_worker_and_matches_a_local_run(
        cluster: tuple[str, list[subprocess.Popen[bytes]]], tmp_path: Path) -> None:
    address, workers = cluster
    from distributed import Client
    out = tmp_path / "runs"
    run = cxkit_run(out, "remote", "--scheduler", address)
    with Client(address, timeout=30, set_as_default=False) as client:
        doomed = _worker_making_a_clip(client, run)
        victim = next(p for p, w in zip(workers, _worker_names(client, workers), strict=True) if w == doomed)
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(30)
    text = finished(run, out.parent / "remote.log")
    assert f"recordings and photos run on: scheduler {address} (2 workers)" in text
    assert (out / "latest").resolve() == (out / "remote").resolve()
    manifest = json.loads((out / "remote" / runfolder.MANIFEST).read_text())
    assert manifest["status"] == "succeeded"
    assert manifest["cluster"] == {"local": False, "workers": 2, "scheduler": address}

    local = cxkit_run(out, "local")
    text = finished(local, out.parent / "local.log")
    assert "recordings and photos run in this process" in text          # the default: no cluster
    remote, here = comparable(out / "remote"), comparable(out / "local")
    assert remote["exhibits"] == here["exhibits"]
    assert remote["tables"].keys() == here["tables"].keys()
    for name in here["tables"]:
        assert remote["tables"][name] == here["tables"][name], name
    clips = [e for e in here["exhibits"] if e["kind"] == "clip"]
    assert clips and all((out / "remote" / e["media"]["clip"]).is_file() for e in clips)


def _worker_making_a_clip(client, run: subprocess.Popen[bytes]) -> str:  # noqa: ANN001 - a distributed Client
    """The address of a worker busy with a clip task, once one is (the run must still be going)."""
    found: list[str] = []

    def busy() -> bool:
        if run.poll() is not None:
            pytest.fail(f"the run ended (exit {run.returncode}) before any clip was being made")
        found[:] = [w for w, keys in client.processing().items() if any(str(k).startswith("make_clip") for k in keys)]
        return bool(found)

    wait_until(busy, "clip task on a worker", timeout=RUN_TIMEOUT)
    return found[0]


def _worker_names(client, workers: list[subprocess.Popen[bytes]]) -> list[str]:  # noqa: ANN001
    """Each started worker's address, in the order they were started (named w0, w1)."""
    by_name = {info["name"]: addr for addr, info in client.scheduler_info(n_workers=-1)["workers"].items()}
    return [by_name[f"w{i}"] for i in range(len(workers))]
