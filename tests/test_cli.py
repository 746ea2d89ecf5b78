"""The command line as a user meets it: exit codes and messages that say what to fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kit.core.paths import REPO_ROOT, SAMPLE_PROJECT


def cxkit(*args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kit.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_help_lists_every_command() -> None:
    done = cxkit("--help")
    assert done.returncode == 0
    for command in ("run", "validate", "serve", "report", "synth"):
        assert command in done.stdout


def test_validate_sample_lists_rejects_and_passes() -> None:
    done = cxkit("validate", str(SAMPLE_PROJECT))
    assert done.returncode == 0, done.stderr
    assert "surveys/q3_responses.csv:" in done.stdout and "rejected" in done.stdout
    assert "row " in done.stdout and "The project is ready to run." in done.stdout


def test_validate_broken_project_exits_2_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / "project.yaml").write_text(
        "name: x\njourney: {stages: [a]}\nchannels: [email]\nsurveys: [{path: s.csv, columns: {response_id: Id}}]\n"
        "privacy: {blur_face: false}\n")
    done = cxkit("validate", str(tmp_path))
    assert done.returncode == 2
    assert "did you mean 'blur_faces'" in done.stderr
    assert "Traceback" not in done.stderr


def test_run_refuses_missing_column_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "project.yaml").write_text(
        "name: x\njourney: {stages: [a]}\nchannels: [email]\n"
        "surveys: [{path: s.csv, columns: {response_id: ResponseID, nps: Q1}}]\n")
    (tmp_path / "s.csv").write_text("ResponseId,Q1\nr1,9\n")
    done = cxkit("run", str(tmp_path), "--out", str(tmp_path / "runs"))
    assert done.returncode == 2
    assert "s.csv" in done.stderr and "'ResponseID'" in done.stderr and "closest column is 'ResponseId'" in done.stderr
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


def test_bad_parameter_syntax_is_a_usage_error() -> None:
    done = cxkit("run", str(SAMPLE_PROJECT), "-p", "novalue")
    assert done.returncode == 2 and "KEY=VALUE" in done.stderr


def test_serve_without_a_run_says_how_to_make_one(tmp_path: Path) -> None:
    done = cxkit("serve", str(tmp_path / "none"))
    assert done.returncode == 2 and "cxkit run data/sample" in done.stderr


@pytest.mark.notebook
def test_report_rewrites_the_static_exports(sample_run: Path) -> None:
    (sample_run / "gallery.html").unlink()
    done = cxkit("report", str(sample_run), "--to", "html,gallery")
    assert done.returncode == 0, done.stderr
    assert (sample_run / "gallery.html").stat().st_size > 10_000
    assert cxkit("report", str(sample_run), "--to", "docx").returncode == 2


def test_synth_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine")
    done = cxkit("synth", str(tmp_path / "x"), "--responses", "10", "--photos", "0", "--recordings", "0")
    assert done.returncode == 2
    assert (tmp_path / "x" / "keep.txt").read_text() == "mine"


def test_unknown_notebook_parameter_is_refused_with_the_known_ones(tmp_path: Path) -> None:
    done = cxkit("run", str(SAMPLE_PROJECT), "--out", str(tmp_path), "-p", "tolerance_per_wek=3")
    assert done.returncode == 2
    assert "unknown parameter(s) tolerance_per_wek" in done.stderr and "tolerance_per_week" in done.stderr
    assert not any(tmp_path.iterdir())
