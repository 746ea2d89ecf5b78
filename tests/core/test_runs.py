"""Run folders: published by rename, ``latest`` only ever points at a good run."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kit.core import runs
from kit.core.errors import RunNotFoundError


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
