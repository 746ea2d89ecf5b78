"""Run folders: published by rename, ``latest`` only ever points at a good run."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kit.core import runs
from kit.core.errors import OutputFolderError, RunInProgressError, RunNotFoundError
from kit.core.paths import REPO_ROOT


def make_partial(out: Path, run_id: str) -> Path:
    partial = out / f"{runs.PARTIAL_PREFIX}{run_id}"
    partial.mkdir(parents=True)
    runs.write_manifest(partial, {"run_id": run_id, "status": "succeeded"})
    return partial


def test_publish_renames_and_points_latest(tmp_path: Path) -> None:
    final = runs.publish(make_partial(tmp_path, "a"), tmp_path, "a")
    assert final == tmp_path / "a" and not (tmp_path / ".partial-a").exists()
    assert (tmp_path / "latest").resolve() == final
    runs.publish(make_partial(tmp_path, "b"), tmp_path, "b")
    assert (tmp_path / "latest").resolve() == tmp_path / "b"
    assert (tmp_path / "a" / "manifest.json").exists()          # the older run stays


def test_failed_run_is_kept_aside_and_latest_untouched(tmp_path: Path) -> None:
    runs.publish(make_partial(tmp_path, "good"), tmp_path, "good")
    kept = runs.keep_failed(make_partial(tmp_path, "bad"), tmp_path, "bad")
    assert kept.name == "failed-bad" and kept.exists()
    assert (tmp_path / "latest").resolve() == tmp_path / "good"


def test_resolve_run_accepts_a_run_an_out_folder_or_the_environment(tmp_path: Path, monkeypatch) -> None:
    runs.publish(make_partial(tmp_path, "r1"), tmp_path, "r1")
    assert runs.resolve_run(tmp_path / "r1") == tmp_path / "r1"
    assert runs.resolve_run(tmp_path) == tmp_path / "r1"
    monkeypatch.setenv("CXKIT_RUN", str(tmp_path / "r1"))
    assert runs.resolve_run() == tmp_path / "r1"


def test_resolve_run_without_a_run_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(RunNotFoundError, match="cxkit run data/sample"):
        runs.resolve_run(tmp_path / "nothing")


def test_run_ids_never_collide(tmp_path: Path) -> None:
    first = runs.new_run_id(tmp_path)
    (tmp_path / first).mkdir()
    assert runs.new_run_id(tmp_path) != first


def test_hashes_cover_every_input_file(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.csv").write_text("1")
    (tmp_path / "project.yaml").write_text("name: x")
    hashes = runs.hash_inputs(tmp_path)
    assert set(hashes) == {"a/x.csv", "project.yaml"}
    assert hashes["a/x.csv"] == hashlib.sha256(b"1").hexdigest()


def test_a_held_lock_refuses_a_second_run_and_names_the_first(tmp_path: Path) -> None:
    with runs.RunLock(tmp_path) as first:
        first.record("r1")
        with pytest.raises(RunInProgressError) as err, runs.RunLock(tmp_path):
            pass
        message = str(err.value)
        assert f"pid {os.getpid()}" in message and "run r1" in message and f"started {first.info['started']}" in message
        assert str(tmp_path) in message and err.value.exit_code == 2
    with runs.RunLock(tmp_path):            # released at the end of the first
        pass
    assert (tmp_path / runs.LOCK_FILE).read_text() == ""


HOLD = """
import sys, time
from pathlib import Path
from kit.core import runs
with runs.RunLock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_killed_holder_leaves_no_lock(tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(RunInProgressError, match=f"pid {holder.pid} "), runs.RunLock(tmp_path):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with runs.RunLock(tmp_path):
        pass


def test_an_output_folder_that_cannot_be_made_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputFolderError, match=f"{tmp_path / 'file'} is a file") as err:
        runs.prepare_out(tmp_path / "file" / "out")
    assert str(tmp_path / "file" / "out") in str(err.value) and err.value.exit_code == 2
    with pytest.raises(OutputFolderError, match="it is a file"):
        runs.prepare_out(tmp_path / "file")
    assert runs.prepare_out(tmp_path / "new" / "out").is_dir()


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root, where a read-only folder still takes writes")
def test_a_read_only_output_folder_is_refused_by_name(tmp_path: Path) -> None:
    out = tmp_path / "ro"
    out.mkdir(mode=0o555)
    try:
        with pytest.raises(OutputFolderError, match=f"{out}: it is read-only"):
            runs.prepare_out(out)
    finally:
        out.chmod(0o755)


def test_a_folder_the_user_may_not_write_is_refused_by_name_even_as_root(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(runs.os, "access", lambda *_args, **_kw: False)     # what a user meets in a 0555 folder
    with pytest.raises(OutputFolderError, match=f"{tmp_path}: it is read-only for this user"):
        runs.prepare_out(tmp_path)


def test_a_lock_file_that_cannot_be_opened_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / runs.LOCK_FILE).mkdir()
    with pytest.raises(OutputFolderError, match=rf"{tmp_path}: its lock file \.cxkit-run\.lock cannot be opened"), \
            runs.RunLock(tmp_path):
        pass


def test_stale_partials_are_listed_with_how_to_remove_them(tmp_path: Path) -> None:
    runs.publish(make_partial(tmp_path, "good"), tmp_path, "good")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    killed = tmp_path / ".partial-killed"
    killed.mkdir()
    runs.write_manifest(killed, {"run_id": "killed", "status": "running", "started": "T0", **runs.owner(), "pid": dead.pid})
    (tmp_path / ".partial-bare").mkdir()                # killed before it wrote its manifest
    going = tmp_path / ".partial-going"
    going.mkdir()
    runs.write_manifest(going, {"run_id": "going", "status": "running", **runs.owner(), "pid": os.getppid()})
    stale = runs.stale_partials(tmp_path)
    assert stale == [tmp_path / ".partial-bare", killed]
    note = runs.stale_note(tmp_path, stale)
    assert "\n" not in note and f".partial-killed (started T0, pid {dead.pid})" in note and ".partial-bare (no manifest)" in note
    assert note.endswith(f"rm -rf {tmp_path / '.partial-bare'} {killed}")
    assert runs.stale_note(tmp_path, []) == ""
    assert killed.is_dir() and (tmp_path / "latest").resolve() == tmp_path / "good"


def test_a_partial_folder_that_cannot_be_written_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / ".partial-x").write_text("in the way")
    with pytest.raises(OutputFolderError, match=r"\.partial-x cannot be written"):
        runs.start_partial(tmp_path / ".partial-x", {"run_id": "x"})


def test_describe_holder_waits_briefly_for_the_holder_to_write(tmp_path: Path) -> None:
    lock = tmp_path / runs.LOCK_FILE
    lock.write_text("")
    t0 = time.monotonic()
    assert "not written" in runs.describe_holder(lock, wait=0.2)
    assert time.monotonic() - t0 < 5
