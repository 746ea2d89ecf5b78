"""A moment's clip as published: cut from its recording, faces blurred, its sound covered where a word
taken out of the transcript is said, and its thumbnail.

The transcript's text is redacted (``kit.evidence.privacy``) and its customers renamed
(``kit.evidence.pseudonyms``) as soon as it is parsed, but the recording's sound knows nothing of
that: a clip whose caption reads "call me on [phone]" would still say the number aloud. What was
taken out is found by comparing each line as spoken with the line as published, so whatever the
text functions replaced, under the settings they ran with, is what is covered, with no second
search that could disagree with them: an interviewer's name they keep stays audible, and with
``privacy.redact_pii`` and ``privacy.pseudonymize`` off nothing differs and nothing is covered.
Each replaced stretch's time is estimated from its place in the line (``kit.evidence.bleep.spoken_at``,
as ``cxkit redact`` estimates it) and becomes a 1 kHz tone before the clip is published; a clip
whose sound could not be covered is removed, never left with the words in it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from kit.core import runfolder
from kit.evidence import bleep, media
from kit.evidence.transcripts import Utterance

ANCHOR = 3      # unchanged runs shorter than this (characters), between two changes, belong to the change
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Clip:
    """A published clip: its ``media`` record (thumb, clip, start_s, end_s) and how many stretches of
    its sound were covered by the tone."""

    media: dict[str, Any]
    bleeped: int = 0


def replaced(spoken: str, published: str) -> list[tuple[int, int]]:
    """The character ranges of ``spoken`` that ``published`` does not keep, each taken out whole.

    Lines are compared word by word (a word, a space or a sign at a time): labels and pseudonyms
    replace whole words and stretches, and a character diff would read the letters a label shares
    with what it replaced ("mail" in "[email]" and "gmail.com") as kept. Unchanged runs shorter than
    ``ANCHOR`` characters between two changes ("Tom, Anna") are part of them.
    """
    if spoken == published:
        return []
    before, after = _TOKEN.findall(spoken), _TOKEN.findall(published)
    at = [0]
    for token in before:
        at.append(at[-1] + len(token))
    out: list[tuple[int, int]] = []
    for tag, i1, i2, _, _ in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if out and at[i1] - out[-1][1] < ANCHOR:
            out[-1] = (out[-1][0], at[i2])
        else:
            out.append((at[i1], at[i2]))
    return [(s, e) for s, e in out if e > s]          # words added, none taken out: nothing to cover


def taken_out(spoken: list[Utterance], published: list[Utterance]) -> list[tuple[float, float]]:
    """Where, in recording time, a word of a line is said that its published text replaced.

    ``spoken`` and ``published`` are the same lines in the same order, as parsed and as published.
    """
    if len(spoken) != len(published):
        raise ValueError(f"{len(spoken)} lines as spoken but {len(published)} as published")
    return [span for said, shown in zip(spoken, published, strict=True)
            for span in bleep.spoken_at(said.start_s, said.end_s, len(said.text), replaced(said.text, shown.text))]


def in_clip(spans: list[tuple[float, float]], start_s: float, end_s: float) -> list[tuple[float, float]]:
    """The ``spans`` (recording time) heard in the clip from start_s to end_s, in clip time, merged."""
    inside = sorted((max(0.0, s - start_s), min(end_s - start_s, e - start_s)) for s, e in spans)
    merged: list[tuple[float, float]] = []
    for s, e in (span for span in inside if span[1] > span[0]):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return [(round(s, 3), round(e, 3)) for s, e in merged]


def make(src: Path, info: media.MediaInfo, start_s: float, end_s: float, folder: Path, name: str, *,
         telling_s: float, blur_faces: bool, said: Sequence[tuple[float, float]] = ()) -> Clip:
    """The clip of ``src`` from start_s to end_s as ``folder/name`` (suffix from ``media.clip_suffix``)
    with the ``said`` spans (recording time) covered, and its thumbnail: the frame at ``telling_s``,
    or for sound alone a waveform of the clip. Raises InputFileError or ValueError when ffmpeg
    cannot make them.
    """
    clip = media.cut_clip(src, start_s, end_s, folder / name, info=info, blur_faces=blur_faces)
    try:
        bleeped = bleep.bleep_file(clip, in_clip(list(said), start_s, end_s))
    except BaseException:
        clip.unlink(missing_ok=True)            # never left with the words it should not say
        raise
    if info.has_video:
        thumb = media.thumbnail(src, min(telling_s, info.duration_s - 0.05), folder / f"{name}.jpg",
                                blur_faces=blur_faces)
    else:
        thumb = media.waveform_png(src, start_s, end_s, folder / f"{name}.png")
    return Clip({"thumb": runfolder.media_rel(thumb.name), "clip": runfolder.media_rel(clip.name),
                 "start_s": round(start_s, 3), "end_s": round(end_s, 3)}, bleeped)
