"""project.yaml's ``privacy.redact``: every run made from the project comes out without the words, its
report and exports included, and its manifest says so. The bundled sample lists one such word.

The word listed is the name of the coach the sample's customers talk about (not a participant, so
the pseudonyms leave it): said in two clips and written in survey answers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kit.core.paths import SAMPLE_PROJECT
from tests.test_redact import _clip_sound, _line_in_clip, _texts, _tone_share

COACH = "Sara"
COACH_RX = re.compile(rf"\b{COACH}\b", re.IGNORECASE)
COACH_CLIP = "rec-s01-0214"                       # "My coach, Sara. When I actually talk to her it's great."


@pytest.fixture(scope="module")
def run(sample_run: Path) -> Path:
    """The session's run of the bundled sample, whose project.yaml lists the coach's name under privacy.redact."""
    assert COACH in SAMPLE_PROJECT.joinpath("project.yaml").read_text(encoding="utf-8")
    return sample_run


@pytest.mark.notebook
def test_a_run_leaves_the_listed_words_out_of_everything(run: Path) -> None:
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
