"""Where in a clip a redacted word is heard, from the transcript lines it was cut with.

A transcript gives each line's start and end, not each word's. A word's time is estimated from its
place in the line and widened either side (``kit.evidence.bleep.spoken_at``, shared with the
recordings step, which covers what it redacts when it cuts a clip). Spans are found before the
transcript's text is redacted, so a second redaction finds none.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kit.core import runfolder
from kit.evidence.bleep import PAD_S, spoken_at
from kit.redaction.terms import Matcher

__all__ = ["PAD_S", "Spoken", "line_spans", "spoken_terms"]


@dataclass(frozen=True)
class Spoken:
    """One clip file and the stretches (seconds from the clip's start) to bleep in it."""

    rel: str
    spans: tuple[tuple[float, float], ...]


def line_spans(start_s: float, end_s: float, text: str, matcher: Matcher) -> list[tuple[float, float]]:
    """Where, in recording time, each term of ``text`` (a line spoken from start_s to end_s) is said."""
    return spoken_at(start_s, end_s, len(text), [(s, e) for s, e, _ in matcher.spans(text)])


def _recording(rec: dict[str, Any]) -> str | None:
    """The recording a clip exhibit was cut from (its evidence says; else the id ``rec-<recording>-<s>``)."""
    rid = (rec.get("evidence") or {}).get("recording")
    if rid:
        return str(rid)
    parts = str(rec.get("id", "")).split("-")
    return "-".join(parts[1:-1]) if len(parts) >= 3 and parts[0] == "rec" else None


def _merge(spans: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    merged: list[tuple[float, float]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return tuple((round(s, 3), round(e, 3)) for s, e in merged)


def spoken_terms(run_dir: Path, records: list[dict[str, Any]], matcher: Matcher,
                 leave_out: frozenset[str] = frozenset()) -> list[Spoken]:
    """Every clip in which a term is heard, with the stretches to bleep (clips of ``leave_out`` skipped)."""
    if not matcher.active or not runfolder.has_table(run_dir, "utterances"):
        return []
    lines = runfolder.read_table(run_dir, "utterances")
    if lines.empty:
        return []
    by_recording = {str(k): g for k, g in lines.groupby(lines["recording_id"].astype(str))}
    out = []
    for rec in records:
        media = rec.get("media") or {}
        clip, rid = media.get("clip"), _recording(rec)
        if rec.get("kind") != "clip" or not clip or rec.get("id") in leave_out or rid not in by_recording:
            continue
        if runfolder.media_path(run_dir, clip) is None:
            continue
        c0, c1 = float(media.get("start_s") or 0.0), float(media.get("end_s") or 0.0)
        spans = []
        for u in by_recording[rid].itertuples():
            if pd.isna(u.start_s) or pd.isna(u.end_s) or u.end_s <= c0 or u.start_s >= c1 or not isinstance(u.text, str):
                continue
            spans += [(max(0.0, s - c0), min(c1 - c0, e - c0)) for s, e in
                      line_spans(float(u.start_s), float(u.end_s), u.text, matcher)]
        spans = [(s, e) for s, e in spans if e > s]
        if spans:
            out.append(Spoken(clip, _merge(spans)))
    return out
