"""The recordings step's clips as tasks: exhibits and rejects in input order, whatever the tasks did."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.core import engine
from kit.core.errors import InputFileError
from kit.core.step import open_step
from kit.evidence import clips
from kit.steps import recordings
from kit.steps.recordings import make_clip

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def test_a_clip_that_cannot_be_made_is_a_value_not_an_exception(tmp_path: Path) -> None:
    """A task that raised would be retried and then fail the step; a bad clip is only a quote."""
    from kit.evidence.media import MediaInfo
    info = MediaInfo(duration_s=10.0, has_video=False, has_audio=True, width=None, height=None, fps=None)
    why = make_clip(tmp_path / "missing.m4a", info, 5.0, 2.0, tmp_path, "rec-x-0005", 3.0, False, [])
    assert isinstance(why, str) and why


def test_clip_rejects_sit_after_their_recording_and_before_the_next(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Every clip of the sample fails: each recording's 'no clip made' rejects come right after its own
    text's, before the next recording's (s05's no-consent rejects stay last), as when cut one by one."""
    def fail(src: Path, *args: object, **kwargs: object) -> clips.Clip:
        raise InputFileError(src, "ffmpeg gave up")

    monkeypatch.setattr(clips, "make", fail)
    monkeypatch.delenv(engine.SCHEDULER_ENV, raising=False)              # no cluster: the tasks run here
    monkeypatch.delenv(engine.SCHEDULER_ENV, raising=False)
    step = open_step("recordings", SAMPLE, tmp_path / "run")
    result = recordings.run(step)
    assert result.exhibits and {e.kind for e in result.exhibits} == {"quote"}
    order = [(r.source_file, r.reason.split(":")[0]) for r in step.rejects.items]
    clip_files = [f for f, why in order if why == "no clip made"]
    assert clip_files == sorted(clip_files)                          # s01's, then s02's, ...
    assert len(clip_files) == len(result.exhibits)                   # every sample recording has media
    assert [why for _, why in order[-2:]] == ["no consent", "no consent"]
    ids = [e.id for e in result.exhibits]
    assert ids == sorted(ids, key=lambda i: (i.split("-")[1], ids.index(i)))   # recordings in input order
