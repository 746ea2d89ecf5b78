"""project.yaml: typos are caught with a suggestion, paths cannot leave the project folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.core import project
from kit.core.errors import ProjectError, UnsafePathError

MINIMAL = """\
name: Test
journey: {stages: [purchase, support], ideal: {purchase: {nps: 40}}}
channels: [email, app]
surveys:
  - path: s.csv
    columns: {response_id: Id, nps: Q1}
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "project.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "s.csv").write_text("Id,Q1\nr1,9\n", encoding="utf-8")
    return tmp_path


def test_minimal_project_loads_with_privacy_on_by_default(tmp_path: Path) -> None:
    p = project.load(write(tmp_path, MINIMAL))
    assert p.journey.stages == ["purchase", "support"]
    assert p.privacy.redact_pii and p.privacy.blur_faces and p.privacy.strip_location and p.privacy.require_consent
    assert p.min_group_size == 30


def test_unknown_key_names_the_key_and_suggests_the_right_one(tmp_path: Path) -> None:
    with pytest.raises(ProjectError) as err:
        project.load(write(tmp_path, MINIMAL + "privacy: {requre_consent: false}\n"))
    assert "privacy.requre_consent" in str(err.value)
    assert "did you mean 'require_consent'" in str(err.value)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = MINIMAL.replace("channels:", "chanels:") + "langauges: [en]\n"
    with pytest.raises(ProjectError) as err:
        project.load(write(tmp_path, text))
    msg = str(err.value)
    assert "did you mean 'channels'" in msg and "did you mean 'languages'" in msg
    assert "channels is required" in msg


def test_unknown_survey_field_suggests_the_canonical_name(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="did you mean 'nps'"):
        project.load(write(tmp_path, MINIMAL.replace("nps: Q1", "nsp: Q1")))


def test_ideal_for_a_stage_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="'loyalty', which is not in journey.stages"):
        project.load(write(tmp_path, MINIMAL.replace("ideal: {purchase", "ideal: {loyalty")))


def test_path_leaving_the_project_folder_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    with pytest.raises(UnsafePathError, match="leaves the project folder"):
        project.load(write(root, MINIMAL.replace("path: s.csv", "path: ../../etc/passwd")))


def test_absolute_path_and_symlink_escape_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "link.csv").symlink_to(tmp_path / "outside.csv")
    for bad in ("/etc/passwd", "link.csv"):
        with pytest.raises(UnsafePathError):
            project.load(write(root, MINIMAL.replace("path: s.csv", f"path: {bad}")))


def test_broken_yaml_says_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=r"project.yaml, line \d+, column \d+: not valid YAML"):
        project.load(write(tmp_path, "name: x\njourney: [unclosed\n"))


def test_missing_project_file_says_how_to_start(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="copy data/sample/project.yaml"):
        project.load(tmp_path)
