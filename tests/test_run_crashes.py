"""`cxkit run` killed mid-step, started twice into one folder, or given a folder it cannot write.

Every case runs the command line as a separate process on a tiny synthetic project, as a user
would. Whatever happens, ``latest`` stays on the last good run, a killed run's partial folder says
who started it and when, no lock is left behind, and the next run succeeds.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kit.core import runs
from kit.core.paths import REPO_ROOT
from kit.synth import synthesize

CXKIT = [sys.executable, "-m", "kit.cli"]
RUN_TIMEOUT = 1500            # one run of the tiny project: about a minute on an idle machine, several on a busy one
STEPS = ("[1/", "00_ingest ...")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("crash-project") / "project"
    synthesize(folder, responses=40, photos=1, recordings=0, seed=11)
    return folder


def run_cli(*args: str | Path, timeout: float = RUN_TIMEOUT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CXKIT, *map(str, args)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout)


def start(project: Path, out: Path, run_id: str, log: Path) -> subprocess.Popen[bytes]:
    """`cxkit run` in a process group of its own, its output to ``log``."""
    with log.open("wb") as sink:
        return subprocess.Popen([*CXKIT, "run", str(project), "--out", str(out), "--run-id", run_id, "--quiet"],
                                cwd=REPO_ROOT, start_new_session=True, stdout=sink, stderr=subprocess.STDOUT)


def wait_for(ready: Callable[[], bool], proc: subprocess.Popen[bytes], what: str, timeout: float = RUN_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            pytest.fail(f"the run ended (exit {proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            kill_run(proc)
            pytest.fail(f"no {what} after {timeout} s")
        time.sleep(0.1)


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (its papermill kernels, which run in sessions of their own)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def kill_run(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the run's process group and each of its kernels' groups: nothing gets to clean up."""
    kernels = children(proc.pid)
    for group in [proc.pid, *kernels]:
        try:
            os.killpg(group, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    proc.wait(timeout=60)


def lock_is_free(out: Path) -> bool:
    with (out / runs.LOCK_FILE).open("rb") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(f, fcntl.LOCK_UN)
    return True


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory, project: Path) -> Path:
    """An output folder holding one good run, ``good``, that ``latest`` points at."""
    folder = tmp_path_factory.mktemp("crash-runs")
    done = run_cli("run", project, "--out", folder, "--run-id", "good", "--quiet")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (folder / "latest").resolve() == folder / "good"
    return folder


# the run is killed as soon as it is inside step 1, and again inside step 5 (04_negative)
KILL_AT = {"early": "00_ingest.ipynb", "late": "04_negative.ipynb"}


@pytest.fixture(scope="module")
def killed(out: Path, project: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    """Two runs into ``out`` killed with SIGKILL during a step; their pids by run id."""
    logs = tmp_path_factory.mktemp("crash-logs")
    pids = {}
    for run_id, notebook in KILL_AT.items():
        proc = start(project, out, run_id, logs / f"{run_id}.log")
        step_output = out / f"{runs.PARTIAL_PREFIX}{run_id}" / "notebooks" / notebook
        wait_for(step_output.exists, proc, f"{notebook} in the partial folder")
        time.sleep(1)                               # inside the step: its kernel is running cells
        kill_run(proc)
        assert proc.returncode == -signal.SIGKILL, (logs / f"{run_id}.log").read_text()[-3000:]
        pids[run_id] = proc.pid
    return pids


@pytest.mark.notebook
def test_a_killed_run_leaves_latest_alone_and_its_partial_folder_marked(out: Path, killed: dict[str, int]) -> None:
    assert (out / "latest").resolve() == out / "good"
    for run_id, pid in killed.items():
        partial = out / f"{runs.PARTIAL_PREFIX}{run_id}"
        manifest = json.loads((partial / "manifest.json").read_text())
        assert manifest["status"] == "running" and manifest["finished"] is None
        assert manifest["pid"] == pid and manifest["host"] and manifest["started"]
        assert not (out / run_id).exists() and not (out / f"{runs.FAILED_PREFIX}{run_id}").exists()
    assert (out / f"{runs.PARTIAL_PREFIX}late" / "notebooks" / "03_photos.ipynb").exists()
    assert lock_is_free(out), "a killed run left the output folder locked"


@pytest.mark.notebook
def test_validate_does_not_mind_left_over_partial_folders(out: Path, project: Path, killed: dict[str, int]) -> None:
    done = run_cli("validate", project, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


@pytest.fixture(scope="module")
def two_at_once(out: Path, project: Path, killed: dict[str, int],
                tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, subprocess.CompletedProcess[str]]:
    """The run after the killed ones (``after``), and a second one started while it runs (``second``)."""
    log = tmp_path_factory.mktemp("crash-logs") / "after.log"
    first = start(project, out, "after", log)
    wait_for((out / f"{runs.PARTIAL_PREFIX}after" / "manifest.json").exists, first, "partial folder of the first run")
    second = run_cli("run", project, "--out", out, "--run-id", "second", "--quiet", timeout=600)
    still_running = first.poll() is None
    try:
        first.wait(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        kill_run(first)
    assert still_running, "the first run finished before the second one started; nothing was tested"
    assert first.returncode == 0, log.read_text()[-3000:]
    return first.pid, log.read_text(), second


@pytest.mark.notebook
def test_a_second_run_into_the_same_folder_is_refused_with_the_first_ones_pid(
        out: Path, two_at_once: tuple[int, str, subprocess.CompletedProcess[str]]) -> None:
    first_pid, _log, second = two_at_once
    assert second.returncode == 2, second.stdout[-3000:] + second.stderr[-3000:]
    assert "another cxkit run is writing into" in second.stderr and str(out) in second.stderr
    assert f"pid {first_pid} " in second.stderr and "run after" in second.stderr and "started 20" in second.stderr
    assert not any(step in second.stdout for step in STEPS)
    assert not [p for p in out.iterdir() if p.name.endswith("second")]


@pytest.mark.notebook
def test_the_next_run_succeeds_and_lists_the_left_over_partial_folders(
        out: Path, killed: dict[str, int], two_at_once: tuple[int, str, subprocess.CompletedProcess[str]]) -> None:
    _pid, log, _second = two_at_once
    assert (out / "latest").resolve() == out / "after"
    manifest = json.loads((out / "after" / "manifest.json").read_text())
    assert manifest["status"] == "succeeded" and len(manifest["steps"]) == 7
    note = next(line for line in log.splitlines() if line.startswith("note: "))
    for run_id, pid in killed.items():
        partial = out / f"{runs.PARTIAL_PREFIX}{run_id}"
        assert f"{partial.name} (started " in note and f"pid {pid})" in note and str(partial) in note
        assert partial.is_dir()                                 # listed, never deleted
    assert "rm -rf " in note
    assert (out / "good" / "manifest.json").exists() and lock_is_free(out)


def test_an_output_folder_under_a_file_is_refused_before_any_step(project: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    target = tmp_path / "file" / "out"
    done = run_cli("run", project, "--out", target, "--quiet", timeout=600)
    assert done.returncode == 2, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"cannot write runs into {target}" in done.stderr and f"{tmp_path / 'file'} is a file" in done.stderr
    assert not any(step in done.stdout for step in STEPS)


def test_a_read_only_output_folder_is_refused_before_any_step(project: Path, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root, where a folder's mode 0555 does not stop writes "
                    "(the folder-under-a-file case covers the refusal)")
    target = tmp_path / "read-only"
    target.mkdir(mode=0o555)
    try:
        done = run_cli("run", project, "--out", target, "--quiet", timeout=600)
    finally:
        target.chmod(0o755)
    assert done.returncode == 2, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"cannot write runs into {target}: it is read-only" in done.stderr
    assert not any(step in done.stdout for step in STEPS) and not list(target.iterdir())
