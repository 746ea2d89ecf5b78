"""A clip says nothing its transcript's text took out: a phone number and a customer's name are covered
by the tone as the recordings step cuts the clip, an interviewer's name and the rest stay as they were."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kit.core.rejects import RejectLog
from kit.evidence import bleep, clips, pseudonyms
from kit.evidence.bleep import TONE_HZ, audio_format, decode_audio
from kit.evidence.transcripts import Utterance
from kit.steps.recordings import RecordingsResult, process_recordings
from tests.evidence.test_media import make_audio

LINE = "Anna speaking, I told Lena twice and it failed, call me on +98 912 345 6789"
LINE_START, LINE_END = 4.0, 10.0
CLIP_START = 2.0                  # the marked moment (the line) less the step's 2 s lead-in
RATE = 44100                      # the generated recording's, kept by its clip
VTT = f"""WEBVTT

00:00:02.200 --> 00:00:03.500
Lena: How did the payment go?

00:00:04.000 --> 00:00:10.000
Anna Berg: {LINE}
"""
MARKERS = "start,end,stage,channel,valence,note\n4,10,purchase,app,-0.6,Payment failed twice\n"
RECORDING = {"id": "s01", "participant": "P07", "media": "recordings/s01.m4a", "transcript": "recordings/s01.vtt",
             "markers": "recordings/s01_markers.csv", "consent": True}


def _said(word: str) -> tuple[float, float]:
    """Where the step estimates ``word`` of the line is said, in seconds from the clip's start."""
    at = LINE.index(word)
    (span,) = bleep.spoken_at(LINE_START, LINE_END, len(LINE), [(at, at + len(word))])
    return span[0] - CLIP_START, span[1] - CLIP_START


NAME, NUMBER = _said("Anna"), _said("+98 912 345 6789")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    (root / "recordings").mkdir()
    make_audio(root / "recordings/s01.m4a", seconds=12.0)
    (root / "recordings/s01.vtt").write_text(VTT, encoding="utf-8")
    (root / "recordings/s01_markers.csv").write_text(MARKERS, encoding="utf-8")
    return root


def _run(project: Path, run_dir: Path, *, redact: bool, pseudonymize: bool) -> tuple[RecordingsResult, RejectLog]:
    rejects = RejectLog("recordings")
    names = pseudonyms.build(interviewers=["Lena"], enabled=pseudonymize)
    result = process_recordings(project, [RECORDING], run_dir, interviewers=["Lena"], redact=redact, blur_faces=False,
                                require_consent=True, rejects=rejects, stages=["purchase"], channels=["app"],
                                scorer=lambda texts, langs=None: np.zeros(len(texts)), names=names)
    return result, rejects


@pytest.fixture(scope="module")
def runs(project: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[bool, bool], tuple[RecordingsResult, Path]]:
    """The same recording under each setting of (redact_pii, pseudonymize)."""
    out = {}
    for redact in (True, False):
        for pseudonymize in (True, False):
            run_dir = tmp_path_factory.mktemp("run")
            out[redact, pseudonymize] = _run(project, run_dir, redact=redact, pseudonymize=pseudonymize)[0], run_dir
    return out


def _sound(result: RecordingsResult, run_dir: Path) -> tuple[np.ndarray, int]:
    (clip,) = result.exhibits
    assert clip.kind == "clip" and clip.media["start_s"] == CLIP_START
    path = run_dir / clip.media["clip"]
    fmt = audio_format(path)
    assert fmt is not None
    return decode_audio(path, *fmt).mean(axis=1), fmt[0]


def _tone_share(samples: np.ndarray) -> float:
    """The share of a stretch's energy within 30 Hz of the tone (as tests/test_redact.py measures it)."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples)))) ** 2
    freqs = np.fft.rfftfreq(len(samples), 1 / RATE)
    return float(spectrum[np.abs(freqs - TONE_HZ) < 30].sum() / max(spectrum.sum(), 1e-12))


def _part(samples: np.ndarray, rate: int, span: tuple[float, float], inset: float = 0.05) -> np.ndarray:
    return samples[int((span[0] + inset) * rate):int((span[1] - inset) * rate)]


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


@pytest.mark.parametrize(("redact", "pseudonymize", "covered", "heard"), [
    (True, True, [NAME, NUMBER], []),
    (True, False, [NUMBER], [NAME]),
    (False, True, [NAME], [NUMBER]),
    (False, False, [], [NAME, NUMBER]),
], ids=["both", "pii-only", "names-only", "neither"])
def test_what_the_text_lost_the_sound_does_not_say(runs: dict, redact: bool, pseudonymize: bool,
                                                   covered: list[tuple[float, float]],
                                                   heard: list[tuple[float, float]]) -> None:
    result, run_dir = runs[redact, pseudonymize]
    plain, rate = _sound(*runs[False, False])
    sound, rate_after = _sound(result, run_dir)
    assert rate == rate_after == RATE and abs(len(sound) - len(plain)) <= rate // 10
    (clip,) = result.exhibits
    assert clip.evidence.get("bleeped", 0) == len(covered)
    assert ("[phone]" in clip.quote) is redact and ("P07" in clip.quote) is pseudonymize and "Lena" in clip.quote
    for span in covered:                                      # the estimated span is the tone
        assert _tone_share(_part(sound, rate, span)) > 0.9, span
    for span in heard:                                        # a word not taken out is heard as it was
        assert _tone_share(_part(sound, rate, span)) < 0.01, span
    # everywhere else, the interviewer's name included, the sound keeps its level
    edges = [0.0, *sorted(x for s in covered for x in s), len(plain) / rate]
    for gap in zip(edges[::2], edges[1::2], strict=True):
        if gap[1] - gap[0] < 0.4:
            continue
        before, after = _part(plain, rate, gap, 0.1), _part(sound, rate, gap, 0.1)
        assert abs(_rms(after) - _rms(before)) <= 0.1 * _rms(before), gap
        assert _tone_share(after) < 0.01, gap


def test_a_clip_whose_sound_cannot_be_covered_is_not_published(project: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from kit.core.errors import InputFileError

    def fail(path: Path, spans: list[tuple[float, float]], *, mute: bool = False) -> int:
        raise InputFileError(path, "writing its bleeped sound failed: disk full")

    monkeypatch.setattr(bleep, "bleep_file", fail)
    result, rejects = _run(project, tmp_path, redact=True, pseudonymize=True)
    assert [e.kind for e in result.exhibits] == ["quote"]
    assert not list((tmp_path / "media").glob("*.m4a"))
    assert any(r.reason.startswith("no clip made") and "bleeped sound" in r.reason for r in rejects.items)


@pytest.mark.parametrize(("spoken", "published", "taken"), [
    ("Hi Tom, call 0912 345 6789", "Hi [name], call [phone]", ["Tom", "0912 345 6789"]),
    ("mail anna.berg@example.com now", "mail [email] now", ["anna.berg@example.com"]),
    ("my email, maryam.h.1987@gmail.com, twice", "my email, [email], twice", ["maryam.h.1987@gmail.com"]),
    ("Okay. Tom, Anna, thanks", "Okay. P02-1, P02-2, thanks", ["Tom, Anna"]),
    ("گفتم ۰۹۱۲۳۴۵۶۷۸۹، ولی", "گفتم [phone]، ولی", ["۰۹۱۲۳۴۵۶۷۸۹"]),
    ("Maryam said so", "P07 said so", ["Maryam"]),
    ("Lena asked twice", "Lena asked twice", []),
])
def test_replaced_ranges_are_whole_words(spoken: str, published: str, taken: list[str]) -> None:
    assert [spoken[s:e] for s, e in clips.replaced(spoken, published)] == taken


def test_taken_out_and_in_clip() -> None:
    said = [Utterance(10.0, 14.0, "Anna", "call 0912 345 6789 now"), Utterance(20.0, 21.0, "Lena", "fine")]
    shown = [Utterance(10.0, 14.0, "P07", "call [phone] now"), Utterance(20.0, 21.0, "Lena", "fine")]
    (span,) = clips.taken_out(said, shown)
    assert span == bleep.spoken_at(10.0, 14.0, 22, [(5, 18)])[0]
    assert clips.in_clip([span], 9.0, 13.0) == [(round(span[0] - 9.0, 3), 4.0)]
    assert clips.in_clip([span, (span[1] - 0.1, span[1] + 1)], 0.0, 30.0) == [(round(span[0], 3), round(span[1] + 1, 3))]
    assert clips.in_clip([span], 20.0, 30.0) == []
    with pytest.raises(ValueError, match="lines"):
        clips.taken_out(said, shown[:1])
