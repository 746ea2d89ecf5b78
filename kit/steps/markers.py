"""A researcher's marker file read as a recording's moments, every wrong row rejected with its reasons.

A marker row (start, end, stage, channel, valence, note) is taken as given once it holds together:
times in seconds or hh:mm:ss (Persian digits too) with the end after the start and not past the
media, a known stage and channel, a valence from -1 to 1. Its quote is what the customer says in
that time, its note is published as other free text is (``Recording.text``: redacted, names by
pseudonym). A file that cannot be read at all gives None, so the recordings step finds the
moments itself.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Protocol

import pandas as pd

from kit.analysis.moments import Moment, customer_words, friction_cues
from kit.core.errors import InputFileError
from kit.core.rejects import RejectLog
from kit.core.spelling import Vocabulary, near_miss
from kit.core.text import ascii_digits, strip_unsafe
from kit.evidence import media
from kit.evidence.files import read_notes_table
from kit.evidence.transcripts import Utterance, clock

MARKER_COLUMNS = ["start", "end", "stage", "channel", "valence", "note"]
DURATION_SLACK_S = 0.5      # container durations are rounded; markers at the very end are fine


class Recording(Protocol):
    """What reading markers needs of the recording being processed (the recordings step's context)."""

    rejects: RejectLog
    stages: list[str]
    channels: list[str]

    def count(self, file: str, rows_in: int, accepted: int) -> None:
        """Add to a file's counts."""

    def text(self, s: str) -> str:
        """Free text as published."""


def marker_moments(rel: str, path: Path, utts: list[Utterance], info: media.MediaInfo | None,
                   ctx: Recording) -> list[Moment] | None:
    """Moments as the researcher marked them; None when the file is unusable (then found instead)."""
    try:
        raw = read_notes_table(path, rel)
        missing = [c for c in MARKER_COLUMNS[:5] if c not in raw.columns]
        if missing:
            raise InputFileError(rel, f"missing column(s) {', '.join(missing)}",
                                 fix=f"the header must be {','.join(MARKER_COLUMNS)}")
    except InputFileError as exc:
        ctx.rejects.add(rel, "file", exc.problem + (f". {exc.fix}" if exc.fix else ""))
        ctx.count(rel, 1, 0)
        return None
    moments = []
    for i, row in enumerate(raw.to_dict("records")):
        moment, problems = _marker(row, utts, info, ctx)
        if problems:
            ctx.rejects.add(rel, f"row {i + 2}", "; ".join(problems))
        else:
            moments.append(moment)
    ctx.count(rel, len(raw), len(moments))
    return moments


def _marker(row: dict[str, str], utts: list[Utterance], info: media.MediaInfo | None,
            ctx: Recording) -> tuple[Moment | None, list[str]]:
    """One marker row as a moment, or the list of everything wrong with it."""
    start, end = seconds(row["start"]), seconds(row["end"])
    valence = _number(row["valence"])
    stages, channels = Vocabulary(ctx.stages), Vocabulary(ctx.channels)     # kept as project.yaml spells them
    stage, channel = row["stage"].strip() or None, row["channel"].strip() or None
    problems = [f"{name} {row[name]!r} is not a time (seconds, or hh:mm:ss)"
                for name, v in (("start", start), ("end", end)) if v is None]
    if start is not None and end is not None and end <= start:
        problems.append(f"end {row['end']!r} is not after start {row['start']!r}")
    if end is not None and info and end > info.duration_s + DURATION_SLACK_S:
        problems.append(f"end {row['end']!r} is after the end of the media ({clock(info.duration_s)})")
    if stage and stages.get(stage) is None:
        problems.append(f"unknown stage {stage!r}; use one of {', '.join(ctx.stages)}{near_miss(stage, ctx.stages)}")
    if channel and channels.get(channel) is None:
        problems.append(f"unknown channel {channel!r}; use one of {', '.join(ctx.channels)}"
                        f"{near_miss(channel, ctx.channels)}")
    if valence is None or not -1 <= valence <= 1:
        problems.append(f"valence {row['valence']!r} is not a number from -1 to 1")
    if problems:
        return None, problems
    assert start is not None and end is not None and valence is not None
    stage, channel = stage and stages.get(stage), channel and channels.get(channel)
    note = ctx.text(strip_unsafe(row.get("note", ""), keep="\t\n\r").strip())     # ZWNJ kept
    quote, speaker = customer_words(utts, start, end)
    tags = list(friction_cues(f"{note} {quote}"))
    return Moment(start, end, speaker, quote, valence, round(max(0.0, -valence), 2), "person", tags,
                  stage, channel, note), []


def seconds(value: str) -> float | None:
    """Seconds from '12.5', '06:52', '00:06:52.5' (Persian digits too); None when it is no time."""
    text = ascii_digits(pd.Series([value.strip()])).iloc[0]
    try:
        number = float(text)
    except ValueError:
        if text.count(":") not in (1, 2):
            return None
        try:
            number = pd.to_timedelta(text if text.count(":") == 2 else f"00:{text}").total_seconds()
        except ValueError:
            return None
    return number if math.isfinite(number) and number >= 0 else None


def _number(value: str) -> float | None:
    try:
        number = float(ascii_digits(pd.Series([value.strip()])).iloc[0])
    except ValueError:
        return None
    return number if math.isfinite(number) else None
