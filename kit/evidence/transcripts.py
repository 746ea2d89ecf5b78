"""Session transcripts (WebVTT, SRT, SBV) read into utterances: who said what, when.

Parsing is left to webvtt-py, which already copes with BOMs, CRLF, NOTE/STYLE blocks, inline
timing and style tags, and the hour-less stamps Teams writes (``0:0:0.0``). This module adds what
a subtitle library does not know about: who is speaking (Zoom ``Name: text``, Teams ``<v Name>``,
Otter ``Speaker 1:``), whether that speaker is the interviewer or the customer, and an account of
every cue that could not be used, so that cues in = cues accepted + cues rejected.
"""

from __future__ import annotations

import html
import io
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError
from webvtt.sbv import SBVCueBlock
from webvtt.srt import SRTCueBlock
from webvtt.vtt import WebVTTCueBlock

from kit.core.errors import InputFileError
from kit.core.text import name_key, strip_unsafe
from kit.evidence.encodings import detect_encoding

FORMATS = {".vtt": "vtt", ".srt": "srt", ".sbv": "sbv"}
CUSTOMER, INTERVIEWER, UNKNOWN = "customer", "interviewer", "unknown"

# How each format writes a cue timing line, as the library itself recognises it.
_TIMING = {"vtt": WebVTTCueBlock.CUE_TIMINGS_PATTERN, "srt": SRTCueBlock.CUE_TIMINGS_PATTERN,
           "sbv": SBVCueBlock.CUE_TIMINGS_PATTERN}
# A line with an arrow, or one that starts with a time stamp (a timing line whose arrow is mistyped:
# an SRT parser would glue its cue, number and all, to the text of the cue before).
_STAMP_FIRST = r"|^\s*(?:\d+:)?\d{1,2}:\d{2}[.,]\d+\s*(?:[-–—=>]|$)"
_LOOKS_LIKE_TIMING = {"vtt": re.compile("-->" + _STAMP_FIRST), "srt": re.compile("-->" + _STAMP_FIRST),
                      "sbv": re.compile(r"^\s*\d+:\d+:\S*,\d+:")}

# "Name: text". The name part is checked by _looks_like_name, not by this pattern.
_PREFIX = re.compile(r"^(?P<name>[^:\n]{1,48}?)\s*:\s+(?P<rest>\S.*)$", re.DOTALL)
_NAME_WORD = re.compile(r"^[^\W\d_][\w'’.\-\u200c]*$")        # ZWNJ: Persian names are written with it (علی‌رضا)
# Capitalised words that open ordinary sentences as labels ("Note: ...", "Update: ...").
_LABELS = frozenset(["note", "notes", "warning", "caution", "example", "examples", "question", "answer", "q",
    "a", "update", "reminder", "tip", "step", "edit", "summary", "important", "result", "results", "error",
    "errors", "re", "ps", "fyi", "subject", "time", "date", "price", "total", "status", "reason", "problem",
    "issue", "todo", "nb", "info", "tl;dr", "bottom", "line", "fact", "truth", "translation", "transcript",
    "caption", "captions", "music", "applause", "laughter"])
_PARTICLES = frozenset(["van", "von", "der", "de", "da", "di", "del", "la", "le", "bin", "ibn", "al", "el"])
_SENTENCE_END = ("." , "!", "?", "…", "؟", "。")
_QUESTION_END = ("?", "؟")
_CONTINUATION_GAP_S = 2.0
_SKIPPED = "a cue block skipped by the parser: no text, a timing line inside cue text, or no blank line"
_SPACES = re.compile(r"[\s\u00a0\u2007\u202f]+")


@dataclass(frozen=True)
class Utterance:
    """One cue of speech; ``role`` is filled by assign_roles, ``sentiment`` (-1..1, customer lines
    only) by the recordings step."""

    start_s: float
    end_s: float
    speaker: str
    text: str
    role: str = ""
    sentiment: float | None = None


@dataclass
class Transcript:
    """A parsed transcript and every cue that was not taken, as (locator, reason)."""

    file: str
    utterances: list[Utterance]
    rejected: list[tuple[str, str]] = field(default_factory=list)

    @property
    def cues_in(self) -> int:
        return len(self.utterances) + len(self.rejected)


def read_transcript(path: Path, name: str | None = None) -> Transcript:
    """Parse a transcript file; raises InputFileError (naming ``name``) when nothing is usable."""
    name = name or path.name
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        if _is_zoom_chat(path):
            raise InputFileError(name, "a Zoom chat log (time, name and message per line), not a transcript of "
                                 "what was said", fix="use the recording's audio transcript (.vtt) instead")
        raise InputFileError(name, f"unsupported transcript type {path.suffix!r}",
                             fix="export the transcript as .vtt, .srt or .sbv")
    lines = _read_lines(path, name)
    try:
        captions = webvtt.from_buffer(io.StringIO("\n".join(lines)), format=fmt).captions
    except (MalformedFileError, MalformedCaptionError) as exc:
        raise InputFileError(name, f"not a valid {fmt.upper()} file ({exc})",
                             fix=_FORMAT_HINT[fmt]) from None
    rejected = _unreadable_timings(lines, fmt)
    missing = sum(1 for ln in lines if _LOOKS_LIKE_TIMING[fmt].search(ln)) - len(captions) - len(rejected)
    rejected += [("file", _SKIPPED)] * max(missing, 0)
    utterances = []
    for cap in captions:
        problem = _cue_problem(cap, fmt)
        if problem:
            rejected.append((clock(cap.start_time.in_milliseconds() / 1000), problem))
        else:
            utterances.append(_utterance(cap))
    if not utterances:
        raise InputFileError(name, "no usable cues (every cue is empty or malformed)" if rejected
                             else "no cues found", fix="check that the file holds timed captions")
    return Transcript(name, _attribute_speakers(sorted(utterances, key=lambda u: (u.start_s, u.end_s))),
                      rejected)


_FORMAT_HINT = {"vtt": "a WebVTT file starts with the line WEBVTT",
                "srt": "an SRT file starts with a cue number, then a line like 00:00:01,000 --> 00:00:02,000",
                "sbv": "an SBV file starts with a line like 0:00:01.000,0:00:02.000"}


_ZOOM_CHAT = re.compile(r"^\d{1,2}:\d\d:\d\d\t[^\t]+:\t")


def _is_zoom_chat(path: Path) -> bool:
    """Zoom's saved chat: ``hh:mm:ss<TAB>Name:<TAB>message`` lines (a .txt next to the transcript)."""
    if path.suffix.lower() != ".txt" or not path.is_file():
        return False
    with path.open(encoding="utf-8", errors="replace") as f:
        head = [ln for ln in (f.readline() for _ in range(5)) if ln.strip()]
    return bool(head) and all(_ZOOM_CHAT.match(ln.lstrip("\ufeff")) for ln in head)


def _read_lines(path: Path, name: str) -> list[str]:
    """The file's lines, decoded by BOM or detection (older exports are not always UTF-8)."""
    if not path.is_file():
        raise InputFileError(name, "file not found", fix="check the transcript path in project.yaml")
    try:
        text = path.read_text(encoding=detect_encoding(path))
    except (UnicodeDecodeError, LookupError, OSError) as exc:
        raise InputFileError(name, f"cannot be read as text ({exc})", fix="save it as UTF-8") from None
    return text.lstrip("\ufeff").splitlines()


def _unreadable_timings(lines: list[str], fmt: str) -> list[tuple[str, str]]:
    """Timing lines the library skips because a stamp is malformed (``00:00:1d.890``)."""
    return [(f"line {i}", f"cue timing cannot be read: {ln.strip()!r}")
            for i, ln in enumerate(lines, start=1)
            if _LOOKS_LIKE_TIMING[fmt].search(ln) and not _TIMING[fmt].match(ln)]


def _cue_problem(cap: webvtt.Caption, fmt: str) -> str:
    glued = next((ln for ln in cap.lines if _LOOKS_LIKE_TIMING[fmt].search(ln)), None)
    if glued is not None:
        return (f"the next cue ran into this one: its timing line {glued.strip()!r} cannot be read, "
                "so both are left out")
    if cap.end_time < cap.start_time:
        return f"cue ends ({cap.end}) before it starts ({cap.start})"
    if not clean_text(cap.text):
        return "cue has no text"
    return ""


def clean_text(text: str) -> str:
    """Cue text as one plain line: entities decoded, non-breaking and repeated spaces collapsed, control
    and format characters (bidi overrides, a stray U+FEFF) dropped; ZWNJ kept (``strip_unsafe``)."""
    return _SPACES.sub(" ", strip_unsafe(html.unescape(text), keep="\t\n\r")).strip()


def _utterance(cap: webvtt.Caption) -> Utterance:
    text = clean_text(cap.text)
    speaker = clean_text(cap.voice or "")
    if not speaker:
        speaker, text = split_speaker(text)
    return Utterance(cap.start_time.in_milliseconds() / 1000, cap.end_time.in_milliseconds() / 1000,
                     speaker, text)


def split_speaker(text: str) -> tuple[str, str]:
    """("Dr. Mona Lisa", "rest") for "Dr. Mona Lisa: rest"; ("", text) when the prefix is no name."""
    m = _PREFIX.match(text)
    if m and _looks_like_name(m.group("name")):
        return m.group("name").strip(), m.group("rest").strip()
    return "", text


def _looks_like_name(candidate: str) -> bool:
    """1-4 capitalised words (or caseless script, or 'Speaker 2'); not a label like 'Note'."""
    words = candidate.split()
    if not 1 <= len(words) <= 4 or words[0].rstrip(".").casefold() in _LABELS:
        return False
    if not _NAME_WORD.match(words[0]) or not _capitalised(words[0]):
        return False
    return all(w.isdigit() or w.casefold() in _PARTICLES or (_NAME_WORD.match(w) and _capitalised(w))
               for w in words[1:])


def _capitalised(word: str) -> bool:
    """Upper-case first letter, or a script without case (Persian, Arabic)."""
    first = word[0]
    return first.isupper() or (first.isalpha() and not first.islower())


def _attribute_speakers(utts: list[Utterance]) -> list[Utterance]:
    """Give an unnamed cue the previous speaker only when it plainly continues their sentence."""
    out: list[Utterance] = []
    for u in utts:
        prev = out[-1] if out else None
        if not u.speaker and prev and prev.speaker and _continues(prev, u):
            u = replace(u, speaker=prev.speaker)
        out.append(u)
    return out


def _continues(prev: Utterance, cur: Utterance) -> bool:
    close = cur.start_s - prev.end_s <= _CONTINUATION_GAP_S
    unfinished = not prev.text.endswith(_SENTENCE_END)
    return close and (unfinished or cur.text[:1].islower())


def assign_roles(utts: list[Utterance], interviewers: list[str]) -> list[Utterance]:
    """Mark each utterance interviewer or customer.

    Listed interviewers (case-insensitive, Arabic or Persian yeh and kaf alike) win. If no speaker
    is listed, the speaker who asks the most questions is taken for the interviewer, as in any
    research interview. Unnamed cues in a transcript that names its speakers are 'unknown', so an
    interviewer's line is never mistaken for customer evidence; a transcript with no names at all
    is taken as the customer's words.
    """
    speakers = [u.speaker for u in utts if u.speaker]
    listed = {name_key(n) for n in interviewers}
    chosen = {s for s in speakers if name_key(s) in listed} or _most_questions(utts)
    def role(u: Utterance) -> str:
        if u.speaker in chosen:
            return INTERVIEWER
        return CUSTOMER if u.speaker or not speakers else UNKNOWN
    return [replace(u, role=role(u)) for u in utts]


def _most_questions(utts: list[Utterance]) -> set[str]:
    """The one speaker who asks the most questions, when at least two people speak."""
    speakers = Counter(u.speaker for u in utts if u.speaker)
    questions = Counter(u.speaker for u in utts if u.speaker and u.text.endswith(_QUESTION_END))
    if len(speakers) < 2 or not questions:
        return set()
    return {questions.most_common(1)[0][0]}


def clock(seconds: float) -> str:
    """hh:mm:ss.mmm, the way rejects and exhibits point into a recording."""
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    return f"{h:02d}:{m:02d}:{rest / 1000:06.3f}"


def speakers_of(utts: list[Utterance], interviewers: list[str]) -> tuple[list[str], list[str]]:
    """Role-marked utterances' customer speakers in the order they first speak, and the speakers
    taken for the interviewer without being listed as one (what pseudonyms are given for)."""
    listed = {name_key(n) for n in interviewers}
    customers = [u.speaker for u in utts if u.speaker and u.role == CUSTOMER]
    others = [u.speaker for u in utts if u.speaker and u.role == INTERVIEWER and name_key(u.speaker) not in listed]
    return list(dict.fromkeys(customers)), list(dict.fromkeys(others))


def speakers_by_role(path: Path, interviewers: list[str]) -> tuple[list[str], list[str]]:
    """``speakers_of`` a transcript file; an unreadable one names nobody (its reject comes later)."""
    try:
        transcript = read_transcript(path)
    except InputFileError:
        return [], []
    return speakers_of(assign_roles(transcript.utterances, interviewers), interviewers)
