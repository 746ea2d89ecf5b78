"""``clips_seek``: moments found in 10 hours of transcripts, and clips cut from an hour of video.

Moment finding: synthetic sessions (the Zoom, Teams and SRT styles ``cxkit synth`` writes) are
generated until they add up to 10 hours, then parsed, role-marked, sentiment-scored and searched
for moments exactly as the recordings step does. The reference is the length of the recordings
themselves: the ratio says what fraction of real time the analysis takes.

Clips: a one-hour test-pattern video with a tone (320x240 at 25 fps, the size of the sample's
recordings, made in about a minute) is cut at evenly spread points twice: by
``kit.evidence.media.cut_clip``, which seeks (``-ss`` before ``-i``), and by the same encode with ``-ss``
after ``-i``, which makes ffmpeg decode everything up to each cut. Target: seeking at least 10x
faster than decoding.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import record
from kit.analysis.moments import find_moments, score_customer_lines
from kit.evidence import media
from kit.evidence.transcripts import assign_roles, read_transcript
from kit.steps.recordings import _survey_scorer
from kit.synth import sessions

TRANSCRIPT_HOURS = 10.0
VIDEO_S = 3600
CUTS = 8                     # evenly spread over the hour, the last near its end
CLIP_S = 10.0


def transcripts(folder: Path, hours: float, seed: int = 5) -> tuple[list[Path], float]:
    """Generated session transcripts adding up to ``hours``; returns their files and total seconds."""
    rng = np.random.default_rng(seed)
    files, total, index = [], 0.0, 6
    while total < hours * 3600:
        s = sessions.generated(index, rng)
        path = folder / s.transcript_name
        path.write_text(s.transcript, encoding="utf-8")
        files.append(path)
        total += s.duration
        index += 1
    return files, total


def find_all(files: list[Path]) -> int:
    """What the recordings step does with each transcript, minus the media: the moments found."""
    scorer = _survey_scorer()
    found = 0
    for path in files:
        utts = assign_roles(read_transcript(path).utterances, ["Researcher", "Interviewer"])
        found += len(find_moments(score_customer_lines(utts, scorer)))
    return found


def test_video(out: Path, seconds: int = VIDEO_S) -> Path:
    """An hour of 320x240 test pattern at 25 fps with a 440 Hz tone (x264's usual keyframe spacing)."""
    proc = media.ffmpeg("-y", "-v", "error", "-f", "lavfi", "-i", f"testsrc=size=320x240:rate=25:duration={seconds}",
                        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=16000:duration={seconds}",
                        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                        "-c:a", "aac", "-b:a", "32k", "-shortest", str(out))
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode(errors="replace"))
    return out


def cut_by_decoding(src: Path, start_s: float, end_s: float, out: Path) -> Path:
    """The same clip as ``media.cut_clip`` with ``-ss`` after ``-i``: every frame before it is decoded."""
    w, h = media._clip_size(media.probe(src))
    proc = media.ffmpeg("-y", "-v", "error", "-i", str(src), "-ss", f"{start_s:.3f}", "-t", f"{end_s - start_s:.3f}",
                        "-map", "0:v:0", "-map", "0:a:0?", "-vf", f"scale={w}:{h}", *media._H264, *media._AAC,
                        "-movflags", "+faststart", str(out))
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode(errors="replace"))
    return out


def cut_points(duration_s: float, cuts: int = CUTS, clip_s: float = CLIP_S) -> list[float]:
    return [round((duration_s - clip_s - 1) * (i + 1) / cuts, 1) for i in range(cuts)]


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="cxkit-clips-") as tmp:
        folder = Path(tmp)
        files, recorded_s = transcripts(folder, TRANSCRIPT_HOURS)
        t0 = time.perf_counter()
        moments = find_all(files)
        finding = time.perf_counter() - t0

        t0 = time.perf_counter()
        video = test_video(folder / "hour.mp4")
        making = time.perf_counter() - t0
        info = media.probe(video)
        seek = decode = 0.0
        for i, start in enumerate(cut_points(info.duration_s)):
            t0 = time.perf_counter()
            a = media.cut_clip(video, start, start + CLIP_S, folder / f"seek{i}", info=info)
            seek += time.perf_counter() - t0
            t0 = time.perf_counter()
            b = cut_by_decoding(video, start, start + CLIP_S, folder / f"decode{i}.mp4")
            decode += time.perf_counter() - t0
            lengths = media.probe(a).duration_s, media.probe(b).duration_s
            if any(abs(x - CLIP_S) > 0.5 for x in lengths):
                raise RuntimeError(f"cut at {start} s gave clips of {lengths} s, not {CLIP_S} s")
    speedup = decode / seek
    print(f"  {len(files)} transcripts, {recorded_s / 3600:.1f} h, {moments} moments found in {finding:.1f} s; "
          f"hour of video made in {making:.1f} s; {CUTS} cuts: seek {seek:.2f} s, decode {decode:.2f} s")
    return [
        record("clips_seek.find_moments_10h_seconds", finding, "s", recorded_s,
               "ratio <= 0.005 (10 h of sessions in under 3 min)", finding / recorded_s <= 0.005),
        record("clips_seek.moments_found_10h", moments, "", None, "", None),
        record("clips_seek.seek_seconds_per_clip", seek / CUTS, "s", decode / CUTS, "ratio <= 0.1 (10x faster)",
               speedup >= 10),
        record("clips_seek.seek_speedup", speedup, "x", 1.0, ">= 10", speedup >= 10),
    ]
