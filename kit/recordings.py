"""Session recordings to utterances, moments, clips, thumbnails and exhibits.

A researcher's markers are taken as given; without them, moments are proposed from what the
customer (never the interviewer) says, by friction cues in English and Persian. Privacy comes
first in the order of work: consent is checked before a file is opened, text is redacted as soon
as it is parsed, and faces are blurred before a frame is written, so nothing unprotected ever
reaches the run folder.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from kit import media
from kit.errors import InputFileError
from kit.exhibits import LENSES, Exhibit
from kit.paths import inside
from kit.privacy import redact_pii
from kit.rejects import RejectLog
from kit.tables import detect_encoding, read_text_table
from kit.text import ascii_digits, detect_lang, normalize_fa
from kit.transcripts import CUSTOMER, Utterance, assign_roles, clock, read_transcript

UTTERANCE_COLUMNS = ["recording_id", "start_s", "end_s", "speaker", "role", "text", "lang"]
MOMENT_COLUMNS = ["moment_id", "source", "ref", "speaker", "start_s", "end_s", "stage", "channel",
                  "valence", "severity", "quote", "coded_by"]
MARKER_COLUMNS = ["start", "end", "stage", "channel", "valence", "note"]
MERGE_GAP_S = 10.0          # flagged lines closer than this are one moment
MAX_MOMENT_S = 60.0         # ...unless the moment would grow past a watchable clip
PAD_S = 1.0                 # context before and after the words themselves
DURATION_SLACK_S = 0.5      # container durations are rounded; markers at the very end are fine
QUOTE_CHARS = 600


@dataclass(frozen=True)
class Friction:
    """One kind of friction a customer can voice, how strongly it signals a bad moment, and cues."""

    tag: str
    title: str
    weight: float
    lens: str
    pattern: re.Pattern[str]


def _cues(*words: str) -> re.Pattern[str]:
    """English cues match whole words; Persian ones only at a word start, as Persian attaches
    plural and other suffixes to the word (پیام‌های زیادی, منتظرم)."""
    return re.compile("|".join(rf"(?<!\w){w}" + (r"(?!\w)" if w.isascii() else "") for w in words),
                      re.IGNORECASE)


FRICTIONS: tuple[Friction, ...] = (
    Friction("failure", "Something fails", 0.8, "engineering", _cues(
        r"fail(?:s|ed|ing|ure)?", r"crash(?:es|ed|ing)?", r"errors?", r"broken", r"bug(?:s|gy)?",
        r"fr[oe]ze?n?", r"freezes", r"(?:does|did|is)n'?t work(?:ing)?", r"not working", r"went wrong",
        r"خطا", r"ارور", r"کرش", r"خراب", r"کار\s?نمی\s?(?:کند|کنه)", r"کار نکرد", r"قطع\s?شد")),
    Friction("waiting", "Kept waiting", 0.6, "engineering", _cues(
        r"wait(?:s|ed|ing)?", r"on hold", r"took (?:forever|ages|so long)", r"forever", r"slow(?:ly)?",
        r"still loading", r"never (?:called|came|arrived|answered)", r"منتظر", r"انتظار", r"معطل",
        r"طول\s?کشید", r"هنوز\s?نیامده")),
    Friction("repeating", "Doing it again", 0.5, "engineering", _cues(
        r"again", r"repeat(?:ed|ing)?", r"once more", r"(?:two|three|four|five|many) times", r"twice",
        r"re-?enter(?:ed)?", r"start(?:ed)? over", r"دوباره", r"چند\s?بار", r"باز\s?هم", r"تکرار")),
    Friction("cancelling", "Ready to cancel", 0.8, "business", _cues(
        r"cancel(?:l?ed|l?ing|lation)?", r"unsubscrib\w*", r"gave up", r"give up", r"refund", r"switch(?:ing)? to",
        r"لغو", r"کنسل", r"انصراف", r"بازپرداخت")),
    Friction("confusion", "Confused", 0.5, "design", _cues(
        r"confus\w*", r"no idea", r"(?:do|did)n'?t (?:understand|know)", r"unclear",
        r"(?:got|get|getting|am|I'm|was) lost", r"not sure",
        r"where (?:is|do i|can i)", r"how do i", r"گیج", r"نفهمیدم", r"متوجه\s?نشدم", r"سردرگم", r"نمی\s?دانم")),
    Friction("overwhelmed", "Too much of it", 0.6, "design", _cues(
        r"too many", r"too much", r"overwhelm\w*", r"so many (?:messages|emails|notifications|instructions)",
        r"spam\w*", r"flood\w*", r"پیام\s?های\s?زیاد", r"پیام\s?زیاد", r"خیلی\s?پیام", r"بیش\s?از\s?حد")),
    Friction("frustration", "Frustrated", 0.7, "design", _cues(
        r"frustrat\w*", r"annoy\w*", r"angry", r"hate", r"terrible", r"awful", r"ridiculous", r"stress\w*",
        r"عصبانی", r"کلافه", r"اعصاب", r"افتضاح", r"ناراحت")),
)
_BY_TAG = {f.tag: f for f in FRICTIONS}


def friction_cues(text: str) -> dict[str, float]:
    """The friction tags a line of speech carries, with their weights ({} for none)."""
    plain = normalize_fa(pd.Series([text])).iloc[0].replace("\u200c", " ")
    return {f.tag: f.weight for f in FRICTIONS if f.pattern.search(plain)}


@dataclass
class RecordingsResult:
    """What the recordings step hands to the pipeline; every text is already redacted if asked."""

    utterances: pd.DataFrame
    moments: pd.DataFrame
    exhibits: list[Exhibit]
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class Moment:
    start_s: float
    end_s: float
    speaker: str
    quote: str
    valence: float
    severity: float
    coded_by: str
    tags: list[str]
    stage: str | None = None
    channel: str | None = None
    note: str = ""


@dataclass
class _Context:
    project_dir: Path
    run_dir: Path
    interviewers: list[str]
    redact: bool
    blur_faces: bool
    require_consent: bool
    rejects: RejectLog
    stages: list[str]
    channels: list[str]
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)

    def count(self, file: str, rows_in: int, accepted: int) -> None:
        """Add to a file's counts (two recordings may share one media file)."""
        c = self.counts.setdefault(file, {"in": 0, "accepted": 0, "rejected": 0})
        c["in"], c["accepted"], c["rejected"] = c["in"] + rows_in, c["accepted"] + accepted, c["rejected"] + rows_in - accepted

    def text(self, s: str) -> str:
        return redact_pii(s) if self.redact else s


def process_recordings(project_dir: Path, recordings: list[dict[str, Any]], run_dir: Path, *,
                       interviewers: list[str], redact: bool, blur_faces: bool, require_consent: bool,
                       rejects: RejectLog, stages: list[str], channels: list[str]) -> RecordingsResult:
    """Turn each configured recording into utterances, moments and exhibits (clips under run_dir/media)."""
    ctx = _Context(Path(project_dir), Path(run_dir), interviewers, redact, blur_faces, require_consent,
                   rejects, stages, channels)
    utterances, moments, exhibits = [], [], []
    for rec in recordings:
        utts, found, made = _process_one(rec, ctx)
        utterances.append(_utterance_frame(rec["id"], utts))
        moments += [_moment_row(rec["id"], e.id, m) for m, e in zip(found, made, strict=True)]
        exhibits += made
    frames = [f for f in utterances if len(f)]
    return RecordingsResult(
        utterances=pd.concat(frames, ignore_index=True) if frames else _utterance_frame("", []),
        moments=_typed(pd.DataFrame(moments, columns=MOMENT_COLUMNS)),
        exhibits=exhibits, counts=ctx.counts)


def _process_one(rec: dict[str, Any], ctx: _Context) -> tuple[list[Utterance], list[Moment], list[Exhibit]]:
    files = {k: rec[k] for k in ("media", "transcript", "markers") if rec.get(k)}
    if ctx.require_consent and not rec.get("consent"):
        for rel in files.values():
            ctx.rejects.add(rel, "file", f"no consent: recording {rec['id']!r} has consent: false, "
                                         "so nothing from it is used")
            ctx.count(rel, 1, 0)
        return [], [], []
    paths = {k: inside(ctx.project_dir, rel, key=f"recordings {rec['id']}.{k}") for k, rel in files.items()}
    utts = _utterances(files.get("transcript"), paths.get("transcript"), ctx)
    info = _media_info(files.get("media"), paths.get("media"), ctx)
    found = None
    if "markers" in files:
        found = _marker_moments(files["markers"], paths["markers"], utts, info, ctx)
    if found is None:
        found = find_moments(utts, info.duration_s if info else None)
    made = [_exhibit(rec, m, files, paths, info, ctx) for m in found]
    return utts, found, made


def _utterances(rel: str | None, path: Path | None, ctx: _Context) -> list[Utterance]:
    """Parsed, redacted, role-marked utterances; an unusable transcript is a reject, not a failure."""
    if rel is None or path is None:
        return []
    try:
        transcript = read_transcript(path, rel)
    except InputFileError as exc:
        ctx.rejects.add(rel, "file", exc.problem + (f". {exc.fix}" if exc.fix else ""))
        ctx.count(rel, 1, 0)
        return []
    for locator, reason in transcript.rejected:
        ctx.rejects.add(rel, locator, reason)
    ctx.count(rel, transcript.cues_in, len(transcript.utterances))
    redacted = [replace(u, text=ctx.text(u.text)) for u in transcript.utterances]
    return assign_roles(redacted, ctx.interviewers)


def _media_info(rel: str | None, path: Path | None, ctx: _Context) -> media.MediaInfo | None:
    """Probe the media; a missing or corrupt file is rejected and the transcript still serves."""
    if rel is None or path is None:
        return None
    try:
        info = media.probe(path)
    except InputFileError as exc:
        ctx.rejects.add(rel, "file", f"{exc.problem}; its transcript is still used, as quotes")
        ctx.count(rel, 1, 0)
        return None
    ctx.count(rel, 1, 1)
    return info


def _typed(moments: pd.DataFrame) -> pd.DataFrame:
    """Numbers as floats, the rest as pandas strings (missing stage or channel is <NA>)."""
    numbers = {"start_s", "end_s", "valence", "severity"}
    return moments.astype({c: float if c in numbers else "string" for c in moments.columns})


def _utterance_frame(recording_id: str, utts: list[Utterance]) -> pd.DataFrame:
    frame = pd.DataFrame([{"recording_id": recording_id, "start_s": u.start_s, "end_s": u.end_s,
                           "speaker": u.speaker, "role": u.role, "text": u.text} for u in utts],
                         columns=UTTERANCE_COLUMNS[:-1]).astype({"start_s": float, "end_s": float})
    frame = frame.astype({c: "string" for c in ("recording_id", "speaker", "role", "text")})
    frame["lang"] = detect_lang(frame["text"]) if len(frame) else pd.Series(dtype="string")
    return frame


# ---- markers ---------------------------------------------------------------------------------

def _marker_moments(rel: str, path: Path, utts: list[Utterance], info: media.MediaInfo | None,
                    ctx: _Context) -> list[Moment] | None:
    """Moments as the researcher marked them; None when the file is unusable (then found instead)."""
    try:
        raw = _read_markers(path, rel)
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


def _read_markers(path: Path, rel: str) -> pd.DataFrame:
    """The markers table; in a CSV, a note with unquoted commas (common when typed by hand) keeps
    them instead of breaking its row, as the note is the last column."""
    if path.suffix.lower() != ".csv" or not path.is_file():
        return read_text_table(path, rel)
    try:
        encoding = detect_encoding(path)
        width = len(pd.read_csv(path, nrows=0, encoding=encoding).columns)
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding, engine="python",
                           on_bad_lines=lambda f: [*f[:width - 1], ",".join(f[width - 1:])])
    except (ValueError, UnicodeDecodeError, OSError, pd.errors.ParserError) as exc:
        raise InputFileError(rel, f"cannot be read as a table ({exc})") from None


def _marker(row: dict[str, str], utts: list[Utterance], info: media.MediaInfo | None,
            ctx: _Context) -> tuple[Moment | None, list[str]]:
    """One marker row as a moment, or the list of everything wrong with it."""
    start, end = seconds(row["start"]), seconds(row["end"])
    valence = _number(row["valence"])
    stage, channel = row["stage"].strip() or None, row["channel"].strip() or None
    problems = [f"{name} {row[name]!r} is not a time (seconds, or hh:mm:ss)"
                for name, v in (("start", start), ("end", end)) if v is None]
    if start is not None and end is not None and end <= start:
        problems.append(f"end {row['end']!r} is not after start {row['start']!r}")
    if end is not None and info and end > info.duration_s + DURATION_SLACK_S:
        problems.append(f"end {row['end']!r} is after the end of the media ({clock(info.duration_s)})")
    if stage and stage not in ctx.stages:
        problems.append(f"unknown stage {stage!r}; use one of {', '.join(ctx.stages)}")
    if channel and channel not in ctx.channels:
        problems.append(f"unknown channel {channel!r}; use one of {', '.join(ctx.channels)}")
    if valence is None or not -1 <= valence <= 1:
        problems.append(f"valence {row['valence']!r} is not a number from -1 to 1")
    if problems:
        return None, problems
    assert start is not None and end is not None and valence is not None
    note = ctx.text(row.get("note", "").strip())
    quote, speaker = _customer_words(utts, start, end)
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


# ---- moments found automatically ---------------------------------------------------------------

def find_moments(utts: list[Utterance], duration_s: float | None = None) -> list[Moment]:
    """Customer lines with friction cues, merged into windows and scored by the cues they carry.

    Severity grows with the summed weight of the cues (1 - e^-strength): one strong cue is about
    0.55, two or three distinct ones 0.75-0.9; valence mirrors it, as every found moment is friction.
    """
    flagged = [(u, cues) for u in utts if u.role == CUSTOMER and (cues := friction_cues(u.text))]
    windows: list[list[tuple[Utterance, dict[str, float]]]] = []
    for u, cues in flagged:
        last = windows[-1] if windows else None
        if last and u.start_s - last[-1][0].end_s <= MERGE_GAP_S and u.end_s - last[0][0].start_s <= MAX_MOMENT_S:
            last.append((u, cues))
        else:
            windows.append([(u, cues)])
    return [_found(w, utts, duration_s) for w in windows]


def _found(window: list[tuple[Utterance, dict[str, float]]], utts: list[Utterance],
           duration_s: float | None) -> Moment:
    start = round(max(0.0, window[0][0].start_s - PAD_S), 3)
    end = round(window[-1][0].end_s + PAD_S, 3)
    if duration_s is not None:
        end = min(end, duration_s)
    weights: dict[str, float] = {}
    for _, cues in window:
        for tag, w in cues.items():
            weights[tag] = weights.get(tag, 0.0) + w
    severity = round(1 - math.exp(-sum(weights.values())), 2)
    quote, speaker = _customer_words(utts, window[0][0].start_s, window[-1][0].end_s)
    tags = sorted(weights, key=lambda t: -weights[t])
    return Moment(start, end, speaker, quote, -severity, severity, "auto", tags)


def _customer_words(utts: list[Utterance], start: float, end: float) -> tuple[str, str]:
    """What customers said overlapping [start, end], and who said most of it."""
    said = [u for u in utts if u.role == CUSTOMER and u.start_s < end and u.end_s > start]
    quote = " ".join(u.text for u in said)
    if len(quote) > QUOTE_CHARS:
        quote = quote[:QUOTE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    speakers = Counter(u.speaker for u in said if u.speaker)
    return quote, speakers.most_common(1)[0][0] if speakers else ""


# ---- exhibits ------------------------------------------------------------------------------------

def _exhibit(rec: dict[str, Any], m: Moment, files: dict[str, str], paths: dict[str, Path],
             info: media.MediaInfo | None, ctx: _Context) -> Exhibit:
    eid = _unique_id(f"rec-{rec['id']}-{int(m.start_s):04d}", ctx.ids)
    clip = _media_for(eid, m, files.get("media", ""), paths.get("media"), info, ctx) if info else {}
    source_file = files["media"] if clip else (files.get("transcript") or files.get("markers") or files["media"])
    who = rec.get("participant") or "A customer"
    where = " · ".join(x for x in (m.stage, m.channel) if x)
    caption = f"{who}, {hms(m.start_s)}-{hms(m.end_s)}" + (f" ({where})" if where else "")
    return Exhibit(
        id=eid, kind="clip" if clip else "quote", title=_title(m), caption=caption,
        stage=m.stage, channel=m.channel, valence=m.valence, severity=m.severity,
        lenses=_lenses(m), tags=m.tags, media=clip, quote=m.quote,
        source={"file": source_file, "locator": hms(m.start_s)},
        evidence={"recording": rec["id"], "coded_by": m.coded_by},
        lang=str(detect_lang(pd.Series([m.quote or m.note])).iloc[0]))


def _media_for(eid: str, m: Moment, rel: str, path: Path | None, info: media.MediaInfo,
               ctx: _Context) -> dict[str, Any]:
    """Clip and thumbnail under run_dir/media; {} (and a reject) when ffmpeg cannot make them."""
    assert path is not None
    folder = ctx.run_dir / "media"
    end = min(m.end_s, info.duration_s)
    try:
        clip = media.cut_clip(path, m.start_s, end, folder / eid, info=info, blur_faces=ctx.blur_faces)
        if info.has_video:
            thumb = media.thumbnail(path, (m.start_s + end) / 2, folder / f"{eid}.jpg", blur_faces=ctx.blur_faces)
        else:
            thumb = media.waveform_png(path, m.start_s, end, folder / f"{eid}.png")
    except (InputFileError, ValueError) as exc:
        ctx.rejects.add(rel, clock(m.start_s), f"no clip made: {exc}; shown as a quote")
        return {}
    return {"thumb": f"media/{thumb.name}", "clip": f"media/{clip.name}", "start_s": m.start_s, "end_s": end}


def _unique_id(base: str, taken: set[str]) -> str:
    eid, n = base, 2
    while eid in taken:
        eid, n = f"{base}-{n}", n + 1
    taken.add(eid)
    return eid


def _title(m: Moment) -> str:
    """The researcher's note when there is one, else the strongest frictions in plain words."""
    if m.note:
        return m.note if len(m.note) <= 60 else m.note[:59].rsplit(" ", 1)[0] + "…"
    names = [_BY_TAG[t].title for t in m.tags[:2]]
    return ", ".join(names) if names else "Marked moment"


def _lenses(m: Moment) -> list[str]:
    """Engineering for failures and waits, design for confusion and feelings, business for churn."""
    chosen = {_BY_TAG[t].lens for t in m.tags} or {"design"}
    if "business" in chosen:
        chosen.add("design")
    return [lens for lens in LENSES if lens in chosen]


def _moment_row(recording_id: str, moment_id: str, m: Moment) -> dict[str, Any]:
    return {"moment_id": moment_id, "source": "recording", "ref": recording_id, "speaker": m.speaker,
            "start_s": m.start_s, "end_s": m.end_s, "stage": m.stage, "channel": m.channel,
            "valence": m.valence, "severity": m.severity, "quote": m.quote, "coded_by": m.coded_by}


def hms(seconds_: float) -> str:
    """hh:mm:ss, the locator an exhibit shows for a point in a recording."""
    s = int(seconds_)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"
