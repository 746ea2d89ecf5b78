"""Bleeping or muting stretches of a published clip's sound, its picture left as it is.

A word found in a clip's transcript after the clip was cut (a name, a number) must not be heard
either. The clip's sound is decoded to samples through the kit's one ffmpeg (``kit.evidence.media``:
the same input limits as every other read), the stretches are overwritten by a 1 kHz tone (what a
listener recognises as "something was taken out") or by silence, and the sound is encoded again
beside the untouched picture (stream copy: no second loss of image quality, no new face-blurring
pass). The new file replaces the old one only once it is complete.

A transcript gives each line's start and end, not each word's, so where a word is said is
estimated (``spoken_at``): from its place in the line (characters before it / characters in the
line, spoken at an even pace), widened by ``PAD_S`` or a tenth of the line, whichever is more,
either side, as speech is not even and a name half-heard is still heard. The recordings step
(words its text functions took out) and ``cxkit redact`` (words taken out later) share it, so a
word is covered the same way whenever it is taken out.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import numpy as np

from kit.core.errors import InputFileError
from kit.evidence import media

TONE_HZ = 1000.0
TONE_LEVEL = 0.25                 # of full scale: clearly heard, never louder than speech peaks
FADE_S = 0.005                    # a 5 ms ramp at each edge, so the cut does not click
PAD_S = 0.35                      # least widening of a word's estimated time, either side
_AUDIO = re.compile(r"Stream #\d+:\d+[^:]*: Audio: [^,]+(?:\([^)]*\))*, (\d+) Hz, ([^,]+)")
_LAYOUTS = {"mono": 1, "stereo": 2, "2.1": 3, "quad": 4, "5.0": 5, "5.1": 6, "7.1": 8}


def spoken_at(start_s: float, end_s: float, length: int,
              chars: list[tuple[int, int]]) -> list[tuple[float, float]]:
    """Where, in recording time, each (start, end) character range of a line of ``length`` characters,
    spoken from start_s to end_s, is said; a span never leaves the line's time plus its margin."""
    if not chars or end_s <= start_s:
        return []
    length, dur = max(length, 1), end_s - start_s
    pad = max(PAD_S, dur / 10)
    return [(max(start_s + dur * s / length - pad, start_s - pad), min(start_s + dur * e / length + pad, end_s + pad))
            for s, e in chars]


def audio_format(path: Path) -> tuple[int, int] | None:
    """(sample rate, channels) of the file's first audio stream, or None when it has no sound."""
    text = media.ffmpeg(*media.source_args(path)).stderr.decode(errors="replace")
    m = _AUDIO.search(text)
    if not m:
        return None
    layout = m.group(2).strip()
    channels = _LAYOUTS.get(layout.split("(")[0].strip())
    if channels is None:
        n = re.match(r"(\d+) channels", layout)
        channels = int(n.group(1)) if n else 2
    return int(m.group(1)), channels


def decode_audio(path: Path, rate: int, channels: int) -> np.ndarray:
    """The first audio stream as float32 samples, shape (frames, channels)."""
    proc = media.ffmpeg("-v", "error", *media.source_args(path), "-map", "0:a:0", "-vn",
                        "-ac", str(channels), "-ar", str(rate), "-f", "f32le", "-")
    if proc.returncode != 0:
        raise InputFileError(path, "decoding its sound failed: " + proc.stderr.decode(errors="replace").strip()[-300:])
    return np.frombuffer(proc.stdout, dtype="<f4").reshape(-1, channels).copy()


def cover(samples: np.ndarray, rate: int, spans: list[tuple[float, float]], *, mute: bool = False) -> int:
    """Overwrite each (start_s, end_s) of ``samples`` in place by a tone or silence; returns how many were covered."""
    covered = 0
    ramp = max(1, int(FADE_S * rate))
    for start_s, end_s in spans:
        i0, i1 = max(0, int(start_s * rate)), min(len(samples), int(np.ceil(end_s * rate)))
        if i1 <= i0:
            continue
        n = i1 - i0
        if mute:
            fill = np.zeros(n, dtype=np.float32)
        else:
            t = np.arange(n, dtype=np.float64) / rate
            fill = (TONE_LEVEL * np.sin(2 * np.pi * TONE_HZ * t)).astype(np.float32)
            edge = min(ramp, n // 2)
            if edge:
                fill[:edge] *= np.linspace(0, 1, edge, dtype=np.float32)
                fill[n - edge:] *= np.linspace(1, 0, edge, dtype=np.float32)
        samples[i0:i1, :] = fill[:, None]
        covered += 1
    return covered


def _encode(path: Path, samples: np.ndarray, rate: int, has_video: bool, out: Path) -> None:
    """Write ``out``: ``samples`` as AAC with ``path``'s picture copied unchanged (if it has one)."""
    with tempfile.NamedTemporaryFile(suffix=".f32", dir=out.parent) as raw:
        raw.write(np.ascontiguousarray(samples, dtype="<f4").tobytes())
        raw.flush()
        sound = ("-protocol_whitelist", "file", "-f", "f32le", "-ar", str(rate), "-ac", str(samples.shape[1]),
                 "-i", f"file:{Path(raw.name).resolve()}")
        if has_video:
            maps = (*media.source_args(path), "-map", "1:v:0", "-map", "0:a:0", "-c:v", "copy")
        else:
            maps = ("-map", "0:a:0", "-vn")
        proc = media.ffmpeg("-y", "-v", "error", *sound, *maps, "-c:a", "aac", "-b:a", "96k",
                            "-movflags", "+faststart", "-f", "mp4", str(out))
    if proc.returncode != 0 or not out.is_file():
        raise InputFileError(path, "writing its bleeped sound failed: "
                             + proc.stderr.decode(errors="replace").strip()[-300:])


def bleep_file(path: Path, spans: list[tuple[float, float]], *, mute: bool = False) -> int:
    """Cover ``spans`` (seconds from the file's start) of ``path``'s sound in place; returns how many.

    0, and the file untouched, when there is nothing to cover or the file has no sound.
    """
    spans = sorted((max(0.0, s), e) for s, e in spans if e > s)
    if not spans:
        return 0
    fmt = audio_format(path)
    if fmt is None:
        return 0
    rate, channels = fmt
    samples = decode_audio(path, rate, channels)
    covered = cover(samples, rate, spans, mute=mute)
    if not covered:
        return 0
    info = media.probe(path)
    fd, tmp_name = tempfile.mkstemp(suffix=path.suffix, prefix=".bleep-", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _encode(path, samples, rate, info.has_video, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return covered
