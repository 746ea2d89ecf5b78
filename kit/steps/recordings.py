"""Session recordings to utterances, moments, clips, thumbnails and exhibits.

A researcher's markers are taken as given; without them, moments are proposed from what the
customer (never the interviewer) says: friction cues in English and Persian, and the negative
peaks of the customer's sentiment over time (``kit.analysis.timeline``, scored as survey answers are, by
``kit.analysis.sentiment``). Privacy comes
first in the order of work: consent is checked before a file is opened, text is redacted and
speakers take their pseudonyms as soon as it is parsed, faces are blurred before a frame is
written, and what the text lost is covered by a tone in a clip's sound before the clip is published
(``kit.evidence.clips``), so nothing unprotected ever reaches the run folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kit.analysis import moments as moment_text
from kit.analysis import timeline, titles
from kit.analysis.moments import Moment, Scorer, find_moments, score_customer_lines, telling_time
from kit.charts import timeline as timeline_chart
from kit.core import engine, i18n, runfolder
from kit.core.errors import InputFileError
from kit.core.exhibits import Exhibit
from kit.core.paths import inside
from kit.core.rejects import Reject, RejectLog
from kit.core.schema import MOMENT_COLUMNS, UTTERANCE_COLUMNS
from kit.core.step import Step
from kit.core.text import detect_lang, hms
from kit.evidence import clips, media, pseudonyms
from kit.evidence.privacy import redact_pii
from kit.evidence.pseudonyms import Pseudonyms
from kit.evidence.transcripts import Utterance, assign_roles, clock, read_transcript, speakers_of
from kit.steps.markers import MARKER_COLUMNS as MARKER_COLUMNS  # still importable from the step, as before
from kit.steps.markers import marker_moments as _marker_moments
from kit.steps.markers import seconds as seconds

CLIP_PAD_S = 2.0            # a clip starts and ends this much beyond its moment, as a viewer needs a lead-in


@dataclass
class RecordingsResult:
    """What the recordings step hands to the pipeline; every text is already redacted if asked."""

    utterances: pd.DataFrame
    moments: pd.DataFrame
    exhibits: list[Exhibit]
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    timeline: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=timeline.TIMELINE_COLUMNS))
    durations: dict[str, float] = field(default_factory=dict)
    # set by ``run``: the recordings as configured, their timeline charts (figure, exhibit), the step's counts
    recordings: list[dict[str, Any]] = field(default_factory=list)
    charts: list[tuple[Any, Exhibit]] = field(default_factory=list)
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def all_exhibits(self) -> list[Exhibit]:
        """Clips and quotes, then the timeline charts: everything the step stores."""
        return self.exhibits + [chart for _, chart in self.charts]


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
    scorer: Scorer
    names: Pseudonyms                          # the project's; while a recording is processed, with its speakers
    recording: str = ""                        # the recording being processed (whose speakers names refer to)
    lang: str = "en"                           # the project's ui_language: the words of kit-written titles
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    windows: list[pd.DataFrame] = field(default_factory=list)
    durations: dict[str, float] = field(default_factory=dict)
    spoken: list[Utterance] = field(default_factory=list)          # the recording's lines as said, never written
    said: list[tuple[float, float]] = field(default_factory=list)  # where it says what its text lost

    def count(self, file: str, rows_in: int, accepted: int) -> None:
        """Add to a file's counts (two recordings may share one media file)."""
        c = self.counts.setdefault(file, {"in": 0, "accepted": 0, "rejected": 0})
        c["in"], c["accepted"], c["rejected"] = c["in"] + rows_in, c["accepted"] + accepted, c["rejected"] + rows_in - accepted

    def pii(self, s: str) -> str:
        return redact_pii(s) if self.redact else s

    def text(self, s: str) -> str:
        """Free text as published: PII redacted if asked, known names by their pseudonyms."""
        return pseudonyms.text(self.names, self.pii(s), pseudonyms.scope(self.names, self.recording))


def process_recordings(project_dir: Path, recordings: list[dict[str, Any]], run_dir: Path, *,
                       interviewers: list[str], redact: bool, blur_faces: bool, require_consent: bool,
                       rejects: RejectLog, stages: list[str], channels: list[str],
                       scorer: Scorer | None = None, names: Pseudonyms | None = None,
                       lang: str = "en") -> RecordingsResult:
    """Turn each configured recording into utterances, moments and exhibits (clips under run_dir/media).

    ``scorer(texts, langs)`` gives sentiment -1..1 per text; by default the survey's own method
    (``kit.analysis.sentiment.score``), so a complaint weighs the same in a survey and in a session.
    ``names``: the project's pseudonyms (``pseudonyms.for_project``); by default only each recording's own.
    """
    ctx = _Context(Path(project_dir), Path(run_dir), interviewers, redact, blur_faces, require_consent,
                   rejects, stages, channels, scorer or _survey_scorer(), names or pseudonyms.build(interviewers=interviewers),
                   lang=lang)
    utterances, moments, exhibits, pending = [], [], [], []
    for rec in recordings:                 # the text in turn: each recording's names build on those before
        utts, waiting = _process_one(rec, ctx)
        utterances.append(_utterance_frame(rec["id"], utts))
        pending.append(waiting)
    for waiting, made in zip(pending, _exhibits(pending, ctx), strict=True):    # every clip cut as a task
        moments += [_moment_row(waiting.rec["id"], p.eid, p.m) for p in waiting.planned]
        exhibits += made
    frames = [f for f in utterances if len(f)]
    wins = [w for w in ctx.windows if len(w)]
    return RecordingsResult(
        utterances=pd.concat(frames, ignore_index=True) if frames else _utterance_frame("", []),
        moments=_typed(pd.DataFrame(moments, columns=MOMENT_COLUMNS)),
        exhibits=exhibits, counts=ctx.counts,
        timeline=pd.concat(wins, ignore_index=True) if wins else timeline.windows(_utterance_frame("", [])),
        durations=ctx.durations)


def _survey_scorer() -> Scorer:
    """The survey's sentiment method, imported when first needed (it loads lexicons)."""
    from kit.analysis.sentiment import score
    return score


def _process_one(rec: dict[str, Any], ctx: _Context) -> tuple[list[Utterance], _Pending]:
    """A recording's text read and its moments found; their clips are cut later, all recordings' at once."""
    files = {k: rec[k] for k in ("media", "transcript", "markers") if rec.get(k)}
    if ctx.require_consent and not rec.get("consent"):
        for rel in files.values():
            ctx.rejects.add(rel, "file", f"no consent: recording {rec['id']!r} has consent: false, "
                                         "so nothing from it is used")
            ctx.count(rel, 1, 0)
        return [], _Pending(rec, files, [], ctx.names, len(ctx.rejects))
    paths = {k: inside(ctx.project_dir, rel, key=f"recordings {rec['id']}.{k}") for k, rel in files.items()}
    ctx.spoken = []
    utts = score_customer_lines(_named(rec, _utterances(files.get("transcript"), paths.get("transcript"), ctx), ctx),
                                ctx.scorer)
    ctx.said = clips.taken_out(ctx.spoken, utts) if ctx.spoken else []
    info = _media_info(files.get("media"), paths.get("media"), ctx)
    duration = info.duration_s if info else None
    ctx.durations[rec["id"]] = duration if duration is not None else max((u.end_s for u in utts), default=0.0)
    ctx.windows.append(timeline.windows(_utterance_frame(rec["id"], utts), rec["id"], duration_s=duration))
    found = None
    if "markers" in files:
        found = _marker_moments(files["markers"], paths["markers"], utts, info, ctx)
    if found is None:
        found = find_moments(utts, duration)
    planned = [_plan(rec, m, paths, info, utts, ctx) for m in found]
    return utts, _Pending(rec, files, planned, ctx.names, len(ctx.rejects))


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
    ctx.spoken = transcript.utterances
    redacted = [replace(u, text=ctx.pii(u.text)) for u in transcript.utterances]
    return assign_roles(redacted, ctx.interviewers)


def _named(rec: dict[str, Any], utts: list[Utterance], ctx: _Context) -> list[Utterance]:
    """The recording's speakers given pseudonyms (kept for its marker notes) and its lines renamed."""
    ctx.names = pseudonyms.for_recording(ctx.names, rec["id"], rec.get("participant"), *speakers_of(utts, ctx.interviewers))
    ctx.recording = rec["id"]
    return pseudonyms.utterances(ctx.names, utts, rec["id"]) if ctx.names.enabled else utts


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
                         columns=UTTERANCE_COLUMNS[:-2]).astype({"start_s": float, "end_s": float})
    frame = frame.astype({c: "string" for c in ("recording_id", "speaker", "role", "text")})
    frame["lang"] = detect_lang(frame["text"]) if len(frame) else pd.Series(dtype="string")
    frame["sentiment"] = pd.Series([np.nan if u.sentiment is None else u.sentiment for u in utts], dtype=float)
    return frame


# ---- exhibits ------------------------------------------------------------------------------------

@dataclass
class _Planned:
    """A moment with its exhibit id, and the arguments of ``make_clip`` when its recording has media."""

    m: Moment
    eid: str
    job: tuple[Any, ...] | None = None


@dataclass
class _Pending:
    """A recording whose text is read, waiting for its clips: what its exhibits need then."""

    rec: dict[str, Any]
    files: dict[str, str]
    planned: list[_Planned]
    names: Pseudonyms              # the pseudonyms as they stood for this recording
    rejects_at: int                # its clips' rejects go here, after its own text's (as when cut in turn)


def _plan(rec: dict[str, Any], m: Moment, paths: dict[str, Path], info: media.MediaInfo | None,
          utts: list[Utterance], ctx: _Context) -> _Planned:
    """The moment's exhibit id, given in input order, and its clip's job: the moment padded by
    CLIP_PAD_S, its sound covered where the text lost words, its thumbnail its most telling frame."""
    eid = _unique_id(f"rec-{rec['id']}-{int(m.start_s):04d}", ctx.ids)
    if info is None or paths.get("media") is None:
        return _Planned(m, eid)
    start, end = max(0.0, m.start_s - CLIP_PAD_S), min(m.end_s + CLIP_PAD_S, info.duration_s)
    return _Planned(m, eid, (paths["media"], info, start, end, ctx.run_dir / runfolder.MEDIA, eid,
                             telling_time(m, utts), ctx.blur_faces, list(ctx.said)))


def make_clip(src: Path, info: media.MediaInfo, start_s: float, end_s: float, folder: Path, name: str,
              telling_s: float, blur_faces: bool, said: list[tuple[float, float]]) -> clips.Clip | str:
    """One moment's clip and thumbnail under the run's media folder, made as a task on a worker
    (``kit.core.engine``); when ffmpeg cannot make them, why, as text: the moment is then a quote."""
    try:
        return clips.make(src, info, start_s, end_s, folder, name, telling_s=telling_s, blur_faces=blur_faces,
                          said=said)
    except (InputFileError, ValueError) as exc:
        return str(exc)


def _exhibits(pending: list[_Pending], ctx: _Context) -> list[list[Exhibit]]:
    """Every planned clip cut at once on the cluster, then each recording's exhibits in input order,
    with a clip that could not be made rejected where a sequential run would have rejected it."""
    results = iter(engine.run_all(make_clip, [p.job for w in pending for p in w.planned if p.job is not None]))
    out, shift = [], 0
    for waiting in pending:
        ctx.names, made, failed = waiting.names, [], []
        for p in waiting.planned:
            clip = next(results) if p.job is not None else None
            if isinstance(clip, str):
                failed.append(Reject(waiting.files["media"], clock(p.m.start_s), f"no clip made: {clip}; shown as "
                                     "a quote", ctx.rejects.step))
                clip = None
            made.append(_exhibit(waiting.rec, p.m, waiting.files, p.eid, clip, ctx))
        at = waiting.rejects_at + shift
        ctx.rejects.items[at:at] = failed
        shift += len(failed)
        out.append(made)
    return out


def _exhibit(rec: dict[str, Any], m: Moment, files: dict[str, str], eid: str, made: clips.Clip | None,
             ctx: _Context) -> Exhibit:
    clip = made.media if made else {}
    bleeped = {"bleeped": made.bleeped} if made and made.bleeped else {}     # stretches of its sound covered
    source_file = files["media"] if clip else (files.get("transcript") or files.get("markers") or files["media"])
    who = pseudonyms.participant(ctx.names, rec.get("participant")) or i18n.t("cap_someone", ctx.lang)
    caption = titles.clip_caption(who, m.start_s, m.end_s, m.stage, m.channel, ctx.lang)
    return Exhibit(
        id=eid, kind="clip" if clip else "quote", title=_title(m, ctx.lang), caption=caption,
        stage=m.stage, channel=m.channel, valence=m.valence, severity=m.severity,
        lenses=moment_text.lenses(m), tags=m.tags, media=clip, quote=m.quote,
        source={"file": source_file, "locator": hms(m.start_s)},
        evidence={"recording": rec["id"], "coded_by": m.coded_by, **bleeped},
        lang=str(detect_lang(pd.Series([m.quote or m.note])).iloc[0]))


def _title(m: Moment, lang: str) -> str:
    """The researcher's note; a moment found automatically is titled by the customer's own words."""
    if m.note or not m.quote:
        return moment_text.title(m, lang)
    return titles.excerpt(m.quote) or moment_text.title(m, lang)


def _unique_id(base: str, taken: set[str]) -> str:
    eid, n = base, 2
    while eid in taken:
        eid, n = f"{base}-{n}", n + 1
    taken.add(eid)
    return eid


def _moment_row(recording_id: str, moment_id: str, m: Moment) -> dict[str, Any]:
    return {"moment_id": moment_id, "source": "recording", "ref": recording_id, "speaker": m.speaker,
            "start_s": m.start_s, "end_s": m.end_s, "stage": m.stage, "channel": m.channel,
            "valence": m.valence, "severity": m.severity, "quote": m.quote, "coded_by": m.coded_by}


# ---- emotional timelines -----------------------------------------------------------------------

def timeline_charts(result: RecordingsResult, recordings: list[dict[str, Any]],
                    run_dir: Path, *, png: bool = True, lang: str = "en") -> list[tuple[Any, Exhibit]]:
    """Per recording with customer speech: its timeline figure and a chart exhibit that stores it.

    The figure is stored with ``kit.charts.store.save_figure`` (plotly JSON as ``media.figure``, a PNG
    as ``media.thumb`` where Chromium is at hand); its moment numbers link to the moments' clips
    in the gallery page.
    """
    from kit.charts.store import save_figure
    titles = {e.id: e.title for e in result.exhibits}
    out = []
    for rec in recordings:
        rid = rec["id"]
        win = result.timeline[result.timeline["recording_id"] == rid]
        if not win["valence"].notna().any():
            continue
        moments = result.moments[result.moments["ref"] == rid].sort_values("start_s").copy()
        moments["title"] = [titles.get(m, "") for m in moments["moment_id"]]
        lines = result.utterances[(result.utterances["recording_id"] == rid) & result.utterances["sentiment"].notna()]
        title = timeline_chart.title_for(rid, rec.get("participant"), len(lines), len(moments), lang)
        fig = timeline_chart.figure(win, moments, title=title, lang=lang)
        eid = f"chart-rec-{rid}-timeline"
        person = int((moments["coded_by"] == "person").sum())
        who = rec.get("participant")                       # already the participant id, never a name
        exhibit = Exhibit(
            id=eid, kind="chart", title=i18n.t("ttl_timeline", lang, who=who or i18n.t("ttl_someone", lang)),
            caption=i18n.t("cap_timeline", lang, window=i18n.number(int(timeline.WINDOW_S), lang),
                           lines=i18n.number(len(lines), lang), moments=i18n.number(len(moments), lang),
                           person=i18n.number(person, lang), auto=i18n.number(len(moments) - person, lang)),
            lenses=["design"], tags=["timeline"],
            media=save_figure(run_dir, eid, fig, png=png),
            source={"file": rec.get("transcript") or rec.get("media") or rid,
                    "locator": f"00:00:00-{hms(result.durations.get(rid, 0.0))}"},
            evidence={"recording": rid, "customer_lines": len(lines), "moments": len(moments),
                      "moment_ids": moments["moment_id"].tolist()})
        out.append((fig, exhibit))
    return out


# ---- the step ------------------------------------------------------------------------------------

def run(step: Step) -> RecordingsResult:
    """Every recording of the project, with its privacy settings: utterances, timelines, moments and
    exhibits written to the run folder, and the step finished."""
    p = step.project
    names = pseudonyms.for_project(p)
    recordings = [{**r.model_dump(), "participant": pseudonyms.participant(names, r.participant)} for r in p.recordings]
    result = process_recordings(p.root, recordings, step.run_dir, interviewers=p.interviewers,
                                redact=p.privacy.redact_pii, blur_faces=p.privacy.blur_faces,
                                require_consent=p.privacy.require_consent, rejects=step.rejects,
                                stages=p.journey.stages, channels=p.channels, names=names, lang=p.ui_language)
    result.recordings, result.charts = recordings, timeline_charts(result, recordings, step.run_dir, lang=p.ui_language)
    step.counts.update(result.counts)
    step.save_table("utterances", result.utterances)
    step.save_table("timelines", result.timeline)
    step.save_moments(result.moments)
    result.summary = step.finish(result.all_exhibits)
    return result
