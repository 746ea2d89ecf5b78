"""The command line as a user meets it: exit codes and messages that say what to fix."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
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
        "surveys: [{path: s.csv, columns: {response_id: Response_ID, nps: Q1}}]\n")
    (tmp_path / "s.csv").write_text("ResponseId,Q1\nr1,9\n")
    done = cxkit("run", str(tmp_path), "--out", str(tmp_path / "runs"))
    assert done.returncode == 2
    assert "s.csv" in done.stderr and "'Response_ID'" in done.stderr and "closest column is 'ResponseId'" in done.stderr
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


# ---- broken copies of the sample: rejects with their row, warnings, plain limits; never a traceback ----

def sample_copy(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(SAMPLE_PROJECT, root)
    return root


def edit_line(path: Path, number: int, change: Callable[[str], str]) -> str:
    """Change line ``number`` (1 = the header) of a file of one-line rows; returns the new line."""
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[number - 1] = change(lines[number - 1])
    path.write_text("\n".join(lines), encoding="utf-8", newline="")
    return lines[number - 1]


def counted(stdout: str, name: str) -> tuple[int, int, int]:
    found = re.search(rf"^{re.escape(name)}: (\d+) rows in, (\d+) accepted, (\d+) rejected$", stdout, re.MULTILINE)
    assert found, stdout
    rows_in, accepted, rejected = map(int, found.groups())
    assert rows_in == accepted + rejected
    return rows_in, accepted, rejected


def test_validate_lists_malformed_rows_as_rejects(tmp_path: Path) -> None:
    root = sample_copy(tmp_path)
    contacts_in = len((root / "contacts.csv").read_text(encoding="utf-8").splitlines()) - 1
    edit_line(root / "contacts.csv", 4, lambda line: line + ",extra,cells")
    edit_line(root / "contacts.csv", 5, lambda line: re.sub(r",[0-9]{4}-[^,]+,", ",9999-12-31T00:00:00Z,", line, count=1))
    edit_line(root / "social.csv", 3, lambda line: line + ",more,cells")
    edit_line(root / "surveys" / "q3_responses.csv", 5, lambda line: line.replace(",", ",\x00", 1))
    done = cxkit("validate", str(root), "--show", "1000")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "contacts.csv, row 4: the row has 9 cells where the header has 7" in done.stdout
    assert "contacts.csv, row 5: column 'at': '9999-12-31T00:00:00Z' is outside 1990-01-01 to" in done.stdout
    assert "social.csv, row 3: the row has 8 cells where the header has 6" in done.stdout
    assert "surveys/q3_responses.csv, row 5: column 'ExternalReference' holds a NUL byte (U+0000)" in done.stdout
    assert counted(done.stdout, "contacts.csv")[0] == contacts_in
    assert counted(done.stdout, "contacts.csv")[2] >= 2
    counted(done.stdout, "social.csv")
    counted(done.stdout, "surveys/q3_responses.csv")
    assert "The project is ready to run." in done.stdout


def test_validate_warns_about_inputs_with_a_header_and_no_rows(tmp_path: Path) -> None:
    root = sample_copy(tmp_path)
    for rel in ("surveys/q3_responses.csv", "photos/photos.csv", "recordings/s01_markers.csv"):
        path = root / rel
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    done = cxkit("validate", str(root))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    for rel in ("surveys/q3_responses.csv", "photos/photos.csv", "recordings/s01_markers.csv"):
        assert f"warning: {rel} has a header but no rows" in done.stdout
    assert counted(done.stdout, "surveys/q3_responses.csv") == (0, 0, 0)


def test_validate_refuses_a_file_over_its_limit_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from kit.cli import app
    from kit.evidence import limits
    (tmp_path / "project.yaml").write_text("name: x\njourney: {stages: [a]}\nchannels: [email]\ncontacts: contacts.csv\n")
    (tmp_path / "contacts.csv").write_text("customer_id,at,channel,direction,kind,cost,outcome\n"
                                           + "A,2026-07-01T08:00:00Z,email,outbound,guide,0.01,opened\n" * 20)
    monkeypatch.setattr(limits, "MAX_CONTACTS_BYTES", 512)
    done = CliRunner().invoke(app, ["validate", str(tmp_path)])
    assert done.exit_code == 2
    assert "error: contacts.csv: is 1.1 KiB, more than the 512 bytes the kit reads for this input" in done.output
