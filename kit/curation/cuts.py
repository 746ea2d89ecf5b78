"""New evidence cut by hand from what a project holds: a clip from a recording's transcript, a quote
from an open answer or a social post. This module is the pure part: what a cut line says, whether
it is whole, and the exhibit id it gets.

A cut line names its source and where in it (a recording and its seconds or its transcript lines;
a survey answer by response id and field, or a post by its comment id) and may carry the words as
the analyst saw them. Those words are kept for the record only: the exhibit's quote is made again
from the source, through the same privacy path as the pipeline's own quotes, on every replay (the
run's step does it, ``kit.steps.cuts``), so a journal line can never put an unredacted word on the
wall. The exhibit id comes from the edit's id, so a re-run gives the cut the same id and media.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

CUT_OPS = ("cut_clip", "cut_quote")
CLIP_KEYS = {"recording", "start_s", "end_s", "lines", "quote", "title", "stage", "channel", "valence"}
QUOTE_KEYS = {"response", "field", "post", "quote", "title", "stage", "channel", "valence"}
MAX_CLIP_S = 600.0            # a cut longer than ten minutes is not a moment but a session


@dataclass(frozen=True)
class ClipCut:
    """Where a clip is cut: a recording and either its seconds or its transcript lines (first, last; 0 first)."""

    recording: str
    start_s: float | None = None
    end_s: float | None = None
    lines: tuple[int, int] | None = None
    title: str = ""
    stage: str | None = None
    channel: str | None = None
    valence: float | None = None


@dataclass(frozen=True)
class QuoteCut:
    """Which answer or post a quote is cut from: its comment id (``<response>:<field>`` or ``social:<row>``)."""

    comment: str
    title: str = ""
    stage: str | None = None
    channel: str | None = None
    valence: float | None = None


def cut_id(edit_id: str) -> str:
    """The exhibit id of a cut: from its edit's id, so every replay names (and files) it the same."""
    return f"cut-{edit_id[:16]}"


def problem(op: str, after: object) -> str:
    """What a cut line lacks or gets wrong ('' when it is whole)."""
    if not isinstance(after, dict):
        return f"a {op} describes its source in after (an object)"
    allowed = CLIP_KEYS if op == "cut_clip" else QUOTE_KEYS
    unknown = sorted(set(after) - allowed)
    if unknown:
        return f"a {op} does not take {', '.join(unknown)}; it takes {', '.join(sorted(allowed))}"
    for key in ("quote", "title", "stage", "channel"):
        if key in after and after[key] is not None and not isinstance(after[key], str):
            return f"{key} is text"
    valence = after.get("valence")
    if valence is not None and not (_number(valence) and -1.0 <= float(valence) <= 1.0):
        return f"valence must be a number from -1 to 1, not {valence!r}"
    return _clip_problem(after) if op == "cut_clip" else _quote_problem(after)


def _clip_problem(after: dict[str, Any]) -> str:
    if not _text(after.get("recording")):
        return "a cut_clip names its recording (recording: the id in project.yaml)"
    lines, start, end = after.get("lines"), after.get("start_s"), after.get("end_s")
    if lines is not None:
        ok = (isinstance(lines, list) and len(lines) == 2 and all(isinstance(v, int) and not isinstance(v, bool)
                                                                  for v in lines) and 0 <= lines[0] <= lines[1])
        return "" if ok else "lines is [first, last], whole numbers from 0, first not after last"
    if not (_number(start) and _number(end)):
        return "a cut_clip gives start_s and end_s (seconds) or lines ([first, last])"
    if not 0 <= float(start) < float(end):
        return f"start_s ({start}) must be 0 or more and before end_s ({end})"
    if float(end) - float(start) > MAX_CLIP_S:
        return f"a cut is at most {MAX_CLIP_S:.0f} seconds long"
    return ""


def _quote_problem(after: dict[str, Any]) -> str:
    if _text(after.get("post")):
        return "" if "response" not in after else "a cut_quote names a response or a post, not both"
    if not (_text(after.get("response")) and _text(after.get("field"))):
        return "a cut_quote names a survey answer (response and field) or a social post (post: its comment id)"
    return ""


def clip_cut(after: dict[str, Any]) -> ClipCut:
    """A checked cut_clip line's ``after`` as a ClipCut."""
    lines = after.get("lines")
    return ClipCut(str(after["recording"]), _float(after.get("start_s")), _float(after.get("end_s")),
                   (int(lines[0]), int(lines[1])) if lines is not None else None, str(after.get("title") or ""),
                   after.get("stage"), after.get("channel"), _float(after.get("valence")))


def quote_cut(after: dict[str, Any]) -> QuoteCut:
    """A checked cut_quote line's ``after`` as a QuoteCut."""
    comment = str(after["post"]) if _text(after.get("post")) else f"{after['response']}:{after['field']}"
    return QuoteCut(comment, str(after.get("title") or ""), after.get("stage"), after.get("channel"),
                    _float(after.get("valence")))


def chosen_lines(times: Sequence[tuple[float, float]], cut: ClipCut) -> tuple[int, int] | None:
    """The first and last transcript line a cut holds (by index, or every line overlapping its seconds);
    None when it holds none (the transcript is shorter, or says nothing then)."""
    if cut.lines is not None:
        first, last = cut.lines
        return (first, last) if last < len(times) else None
    assert cut.start_s is not None and cut.end_s is not None
    inside = [i for i, (s, e) in enumerate(times) if s < cut.end_s and e > cut.start_s]
    return (inside[0], inside[-1]) if inside else None


def span(times: Sequence[tuple[float, float]], cut: ClipCut, chosen: tuple[int, int]) -> tuple[float, float]:
    """The seconds a cut covers: those given, else from its first line's start to its last line's end."""
    if cut.start_s is not None and cut.end_s is not None and cut.lines is None:
        return cut.start_s, cut.end_s
    return times[chosen[0]][0], times[chosen[1]][1]


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _float(value: object) -> float | None:
    return float(value) if _number(value) else None  # type: ignore[arg-type]
