"""project.yaml's ``privacy.redact``: every run made from the project comes out without the words, its
report and exports included, and its manifest says so; a run that could not redact them is refused.

The word listed is the name of the coach the sample's customers talk about (not a participant, so
the pseudonyms leave it): said in two clips and written in survey answers.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from kit.core.errors import ProjectError
from kit.core.paths import SAMPLE_PROJECT
from tests.test_redact import _clip_sound, _line_in_clip, _texts, _tone_share, cxkit

COACH = "Sara"
COACH_RX = re.compile(rf"\b{COACH}\b", re.IGNORECASE)
COACH_CLIP = "rec-s01-0214"                       # "My coach, Sara. When I actually talk to her it's great."


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project, its project.yaml listing the coach's name under privacy.redact."""
    folder = tmp_path_factory.mktemp("project") / "sample"
    shutil.copytree(SAMPLE_PROJECT, folder)
    yaml = folder / "project.yaml"
    text = yaml.read_text(encoding="utf-8")
    assert "\nprivacy:\n" in text
    yaml.write_text(text.replace("\nprivacy:\n", f"\nprivacy:\n  redact: [{COACH}]\n"), encoding="utf-8")
    return folder


def test_a_run_without_a_redactor_is_refused_before_any_step(project: Path, tmp_path: Path) -> None:
    from kit import pipeline
    with pytest.raises(ProjectError, match="privacy.redact"):
        pipeline.run(project, tmp_path / "out", progress=False, say=lambda _: None)
    assert not any((tmp_path / "out").glob("*-*"))


@pytest.mark.browser
def test_cxkit_run_leaves_the_listed_words_out_of_everything(project: Path, tmp_path: Path) -> None:
    done = cxkit("run", str(project), "--out", str(tmp_path), "--run-id", "listed", "--quiet", timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    run = tmp_path / "listed"
    found = sorted(rel for rel, text in _texts(run).items() if COACH_RX.search(text))
    assert found == []
    entry = json.loads((run / "manifest.json").read_text(encoding="utf-8"))["redactions"][0]
    assert entry["by"] == "project.yaml privacy.redact" and entry["places"] >= 20
    assert not COACH_RX.search((run / "manifest.json").read_text(encoding="utf-8"))
    assert entry["clips"][f"media/{COACH_CLIP}.mp4"] == 1
    said_from, said_to = _line_in_clip(run, COACH_CLIP, re.compile(r"My coach, \[redacted\]"))
    sound, rate = _clip_sound(run / "media" / f"{COACH_CLIP}.mp4")
    assert _tone_share(sound[int(said_from * rate):int(said_to * rate)], rate) > 0.2
    assert _tone_share(sound[:int(max(said_from - 1.0, 0.5) * rate)], rate) < 0.05
