"""Evidence cut by hand (the journal's ``cut_clip`` and ``cut_quote``) made through the pipeline's own
privacy path, so a clip an analyst cuts is as safe as one the recordings step found.

A clip: the recording's consent is checked first (no consent, nothing opened); its transcript is
parsed, redacted and its speakers renamed by the recordings step's own functions
(``kit.steps.recordings``: ``_utterances``, ``_named``); where the run already holds the recording's
published lines (``data/utterances``, which a later ``privacy.redact`` or ``cxkit redact`` has
redacted further) those are the words shown. The clip and its thumbnail are cut by the same
``_media_for`` as the step's moments: faces blurred, and every stretch whose words the published
text lost covered by the tone (``kit.evidence.clips``). A quote: the run's ``comments`` row, already
redacted at ingest, shown only if its respondent consented. Whatever is missing (the recording, its
transcript, the answer, the consent) is the reason the cut is an orphan, never a silent gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kit.analysis import moments as moment_text
from kit.analysis import titles
from kit.analysis.moments import Moment, customer_words, telling_time
from kit.core import runfolder
from kit.core.exhibits import Exhibit
from kit.core.project import Project, Recording
from kit.core.rejects import RejectLog
from kit.curation import cuts
from kit.curation.journal import Edit
from kit.evidence import clips, pseudonyms
from kit.evidence.privacy import redact_pii
from kit.evidence.transcripts import CUSTOMER, Utterance
from kit.steps import recordings as rec_step

SEPARATOR = " | "                 # comments.themes, as kit.analysis.themes writes it


def _no_scores(texts: Any, langs: Any = None) -> np.ndarray:
    """Cuts never score lines: the run's published lines carry their sentiment already."""
    return np.full(len(texts), np.nan)


@dataclass
class Cutter:
    """Makes each cut's exhibit record in one run folder (tables read once); ``cutter(edit)`` is the
    record, or the reason it cannot be made."""

    project: Project
    run_dir: Path
    members: dict[str, list[str]] = field(default_factory=dict)    # answer -> its themes as the pipeline made them
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    _names: pseudonyms.Pseudonyms | None = None

    def __call__(self, e: Edit) -> dict[str, Any] | str:
        try:
            return self.clip(e) if e.op == "cut_clip" else self.quote(e)
        except (KeyError, ValueError, OSError) as exc:          # a source that changed under the cut
            return f"the cut could not be made from its source: {exc}"

    # ---- clips -------------------------------------------------------------------------------

    def clip(self, e: Edit) -> dict[str, Any] | str:
        """A clip (or, without usable media, a quote) of a recording's transcript lines."""
        cut = cuts.clip_cut(e.after)
        p = self.project
        rec = next((r for r in p.recordings if r.id == cut.recording), None)
        why = self._recording_problem(cut, rec)
        if why or rec is None:
            return why
        ctx = self._context()
        utts = self._published(rec, ctx)
        if not utts:
            return f"the transcript of recording {rec.id} has no usable line"
        times = [(u.start_s, u.end_s) for u in utts]
        chosen = cuts.chosen_lines(times, cut)
        if chosen is None:
            return f"the transcript of recording {rec.id} ({len(utts)} lines) has no line where the cut is"
        start, end = cuts.span(times, cut, chosen)
        m, felt = self._moment(cut, utts[chosen[0]:chosen[1] + 1], start, end)
        return self._clip_exhibit(e, rec, m, utts, chosen, ctx, felt).to_dict()

    def _recording_problem(self, cut: cuts.ClipCut, rec: Recording | None) -> str:
        p = self.project
        if rec is None:
            return f"recording {cut.recording} is no longer in project.yaml"
        if p.privacy.require_consent and not rec.consent:
            return f"no consent: recording {rec.id} has consent: false, so nothing from it is used"
        if not rec.transcript:
            return f"recording {rec.id} has no transcript to cut from"
        if not p.path(rec.transcript, key=f"recordings {rec.id}.transcript").is_file():
            return f"the transcript of recording {rec.id} ({rec.transcript}) is gone"
        return self._place_problem(cut.stage, cut.channel)

    def _place_problem(self, stage: str | None, channel: str | None) -> str:
        if stage and stage not in self.project.journey.stages:
            return f"stage {stage} is not one of project.yaml's journey stages"
        if channel and channel not in self.project.channels:
            return f"channel {channel} is not one of project.yaml's channels"
        return ""

    def _context(self) -> rec_step._Context:
        p = self.project
        if self._names is None:
            self._names = pseudonyms.for_project(p)
        return rec_step._Context(p.root, self.run_dir, p.interviewers, p.privacy.redact_pii, p.privacy.blur_faces,
                                 p.privacy.require_consent, RejectLog("curation"), p.journey.stages, p.channels,
                                 _no_scores, self._names, lang=p.ui_language)

    def _published(self, rec: Recording, ctx: rec_step._Context) -> list[Utterance]:
        """The recording's lines as published (ctx.said set to where the sound must be covered)."""
        assert rec.transcript is not None
        path = self.project.path(rec.transcript, key=f"recordings {rec.id}.transcript")
        utts = rec_step._utterances(rec.transcript, path, ctx)
        if not utts:
            return []
        named = {**rec.model_dump(), "participant": pseudonyms.participant(ctx.names, rec.participant)}
        utts = self._as_run_shows(rec.id, rec_step._named(named, utts, ctx))
        ctx.said = clips.taken_out(ctx.spoken, utts) if ctx.spoken else []
        return utts

    def _as_run_shows(self, recording: str, utts: list[Utterance]) -> list[Utterance]:
        """The lines with the run's published words and sentiment, where the run holds the same lines."""
        table = self._table("utterances")
        if table.empty:
            return utts
        mine = table[table["recording_id"].astype(str) == recording]
        if len(mine) != len(utts) or not np.allclose(mine["start_s"].to_numpy(float), [u.start_s for u in utts]):
            return utts
        return [replace(u, text=str(row.text), speaker=str(row.speaker),
                        sentiment=None if pd.isna(row.sentiment) else float(row.sentiment))
                for u, row in zip(utts, mine.itertuples(), strict=True)]

    def _moment(self, cut: cuts.ClipCut, lines: list[Utterance], start: float, end: float) -> tuple[Moment, bool]:
        """The cut as a moment coded by a person, and whether its feeling is known (given, or scored)."""
        quote, speaker = customer_words(lines, start - 1e-6, end + 1e-6)
        if not quote:                                    # no customer in it: the lines as they are
            quote, speaker = " ".join(u.text for u in lines), lines[0].speaker
        felt = [u.sentiment for u in lines if u.role == CUSTOMER and u.sentiment is not None]
        valence = cut.valence if cut.valence is not None else (round(float(np.mean(felt)), 2) if felt else None)
        tags = sorted(moment_text.friction_cues(quote))
        severity = round(max(0.0, -valence), 2) if valence is not None else 0.0
        return Moment(round(start, 3), round(end, 3), speaker, quote, valence if valence is not None else 0.0,
                      severity, "person", tags, cut.stage, cut.channel, cut.title), valence is not None

    def _clip_exhibit(self, e: Edit, rec: Recording, m: Moment, utts: list[Utterance], chosen: tuple[int, int],
                      ctx: rec_step._Context, felt: bool) -> Exhibit:
        """The exhibit as the recordings step writes its own (``make_clip``, ``_exhibit``), under the cut's id:
        the moment padded by CLIP_PAD_S, faces blurred, its sound covered where the text lost words."""
        eid = cuts.cut_id(e.id)
        files = {k: v for k, v in (("media", rec.media), ("transcript", rec.transcript)) if v}
        mpath = self.project.path(rec.media, key=f"recordings {rec.id}.media") if rec.media else None
        info = rec_step._media_info(rec.media, mpath, ctx) if rec.media and mpath and mpath.is_file() else None
        made = None
        if info is not None and mpath is not None:
            start, end = max(0.0, m.start_s - rec_step.CLIP_PAD_S), min(m.end_s + rec_step.CLIP_PAD_S, info.duration_s)
            clip = rec_step.make_clip(mpath, info, start, end, self.run_dir / runfolder.MEDIA, eid,
                                      telling_time(m, utts), ctx.blur_faces, list(ctx.said))
            made = clip if not isinstance(clip, str) else None
        named = {**rec.model_dump(), "participant": pseudonyms.participant(ctx.names, rec.participant)}
        ex = rec_step._exhibit(named, m, files, eid, made, ctx)
        ex.evidence["lines"] = list(chosen)
        if not felt:                                    # no feeling given or scored: none claimed
            ex.valence = ex.severity = None
        return ex

    # ---- quotes ------------------------------------------------------------------------------

    def quote(self, e: Edit) -> dict[str, Any] | str:
        """A quote exhibit of one open answer or social post, as the run published its words."""
        cut = cuts.quote_cut(e.after)
        comments = self._table("comments")
        found = comments[comments["comment_id"].astype(str) == cut.comment] if len(comments) else comments
        answer = self._answer_of(cut.comment)
        why = self._answer_problem(cut.comment, found, answer) or self._place_problem(cut.stage, cut.channel)
        if why:
            return why
        record = self._quote_exhibit(e, cut, found.iloc[0], answer).to_dict()
        if self.members.get(cut.comment):          # the answer's themes as made: the theme edits relabel them
            record["themes"] = list(self.members[cut.comment])
        return record

    def _answer_of(self, comment: str) -> pd.Series | None:
        if comment.startswith("social:"):
            return None
        responses = self._table("responses")
        rid = comment.rsplit(":", 1)[0]
        hit = responses[responses["response_id"].astype(str) == rid] if len(responses) else responses
        return hit.iloc[0] if len(hit) else None

    def _answer_problem(self, comment: str, found: pd.DataFrame, answer: pd.Series | None) -> str:
        social = comment.startswith("social:")
        if not social and answer is None:
            return f"response {comment.rsplit(':', 1)[0]} is no longer in the surveys"
        if not social and self.project.privacy.require_consent and answer is not None and not _yes(answer["consent"]):
            return (f"no consent: response {comment.rsplit(':', 1)[0]} did not consent (or withdrew it), "
                    "so its words are not used")
        if found.empty:
            return f"{'social post' if social else 'answer'} {comment} is no longer in the run"
        return ""

    def _quote_exhibit(self, e: Edit, cut: cuts.QuoteCut, row: Any, answer: pd.Series | None) -> Exhibit:
        p = self.project
        text = str(row["text"])
        text = redact_pii(text) if p.privacy.redact_pii else text
        stage = cut.stage or _text(answer, "stage")
        channel = cut.channel or _text(answer, "channel")
        nps = answer["nps"] if answer is not None and pd.notna(answer["nps"]) else None
        felt = row.get("sentiment")
        valence = cut.valence if cut.valence is not None else (
            round(max(-1.0, min(1.0, float(nps) / 5 - 1)), 2) if nps is not None else
            (round(float(felt), 2) if felt is not None and pd.notna(felt) else None))
        key = "ttl_unhappy" if (valence or 0) < 0 else "ttl_liked"
        row_no = _text(answer, "source_row") or str(cut.comment).rsplit(":", 1)[-1]
        return Exhibit(
            id=cuts.cut_id(e.id), kind="quote", title=cut.title or titles.quote_title(text, p.ui_language, key, stage, channel),
            quote=text, stage=stage, channel=channel, segment=_text(answer, "segment"), valence=valence,
            severity=round(max(0.0, -valence), 2) if valence is not None else None, lenses=["design"],
            tags=[str(row["field"])], lang=str(row["lang"]) if pd.notna(row["lang"]) else "en",
            source={"file": str(row["source"]), "locator": f"row {row_no}"},
            evidence={"comment": cut.comment, "responses": 1, "coded_by": "person",
                      **({"nps_of_author": int(nps)} if nps is not None else {})})

    def _table(self, name: str) -> pd.DataFrame:
        if name not in self._tables:
            has = runfolder.has_table(self.run_dir, name)
            self._tables[name] = runfolder.read_table(self.run_dir, name) if has else pd.DataFrame()
        return self._tables[name]


def _yes(value: object) -> bool:
    """A consent cell that says yes (pandas' boolean NA, a missing cell, is not a yes)."""
    return not pd.isna(value) and bool(value)


def _text(row: pd.Series | None, key: str) -> str | None:
    if row is None or key not in row or pd.isna(row[key]):
        return None
    return str(row[key])
