"""Cutting new evidence in the page: a clip from a recording's transcript lines, a quote from an answer or a post.

The drawer of an exhibit that comes from a recording lists that recording's lines as the run
published them (redacted, speakers renamed: the run's ``utterances`` table); the analyst picks the
first and last line, reads the words and the length, and cuts. The Curation section finds open
answers and social posts by their words (the run's ``comments``, only answers whose respondent
consented) and makes one a quote exhibit. Each cut is made at once through the pipeline's own
privacy path (``kit.steps.curation.cut_now``: consent, redaction, face blur, the tone over words the
text lost) before its journal line is written, so a cut that cannot be made is refused with the
reason and never kept; the next run makes the same exhibit again, under the same id, from that line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from kit.core import i18n, runfolder
from kit.core.errors import CurationError
from kit.curation.cuts import MAX_CLIP_S, cut_id, problem
from kit.curation.journal import LIMITS, Edit
from kit.pages import theme_actions
from kit.pages.curation_actions import MAX_QUERY, _exhibit, _text
from kit.steps.curation import cut_now

if TYPE_CHECKING:
    from kit.pages.curation import Curator

MAX_LINES = 600            # lines a drawer offers (a session's transcript holds fewer than 200)
ANSWERS = 12               # answers and posts the search offers
SHOWN_CHARS = 240          # of each answer in the search's list (the quote made is the whole answer)


def table(cur: Curator, name: str) -> pd.DataFrame:
    """One of the run's tables, read once per page (empty when the run has none)."""
    if name not in cur.tables:
        run = cur.page.run_dir
        cur.tables[name] = runfolder.read_table(run, name) if runfolder.has_table(run, name) else pd.DataFrame()
    return cur.tables[name]


def _clock(seconds: float, lang: str) -> str:
    """mm:ss in the page's digits (a line's place in the recording)."""
    whole = int(seconds)
    text = f"{whole // 60:02d}:{whole % 60:02d}"
    return text.translate(i18n.PERSIAN_DIGITS) if i18n.language(lang) == "fa" else text


def _lines(cur: Curator, recording: str) -> pd.DataFrame:
    said = table(cur, "utterances")
    if said.empty:
        return said
    return said[said["recording_id"].astype(str) == recording].reset_index(drop=True).head(MAX_LINES)


def transcript(cur: Curator, rec: dict[str, Any]) -> dict[str, Any]:
    """The drawer's transcript of the exhibit's recording, the lines of the exhibit's own moment chosen."""
    recording = (rec.get("evidence") or {}).get("recording")
    lines = _lines(cur, str(recording)) if isinstance(recording, str) else pd.DataFrame()
    if lines.empty:
        return {}
    media = rec.get("media") or {}
    start, end = float(media.get("start_s") or 0.0), float(media.get("end_s") or 0.0)
    inside = [i for i, (s, e) in enumerate(zip(lines["start_s"], lines["end_s"], strict=True)) if s < end and e > start]
    return {"recording": recording,
            "lines": [{"i": i, "at": _clock(float(r.start_s), cur.lang), "end": _clock(float(r.end_s), cur.lang),
                       "s": round(float(r.start_s), 2), "e": round(float(r.end_s), 2), "who": str(r.speaker),
                       "text": str(r.text)} for i, r in enumerate(lines.itertuples())],
            "first": inside[0] if inside else 0, "last": inside[-1] if inside else 0, "max_s": MAX_CLIP_S}


def _made(cur: Curator, edit: Edit) -> list[Edit]:
    """The cut made now (kept for the page's replay), or refused with the reason; the edit to keep."""
    why = problem(edit.op, edit.after)
    if why:
        raise CurationError(why)
    cur.cuts[edit.id] = saved_or_made(cur, edit)
    cur.opened = cut_id(edit.id)               # the new exhibit opens, wherever the wall's order puts its card
    return [edit]


def saved_or_made(cur: Curator, edit: Edit) -> dict[str, Any]:
    """The cut's record as a page of this run saved it (``runfolder.write_cut``), or made now and saved
    for the others: a workshop's thirty pages show a new clip without thirty cuts of its media."""
    saved = runfolder.read_cut(cur.page.run_dir, cut_id(edit.id))
    if saved is not None:
        return saved
    made = cut_now(cur.page.run_dir, cur.path.parent, edit)
    runfolder.write_cut(cur.page.run_dir, made)
    return made


def _index(msg: dict[str, Any], key: str) -> int:
    value = msg.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise CurationError(f"choose the {key} line of the cut")
    return value


def cut_clip(cur: Curator, msg: dict[str, Any]) -> list[Edit]:
    """A clip of the opened exhibit's recording, from its first to its last chosen transcript line."""
    rec = _exhibit(cur, msg)
    recording = (rec.get("evidence") or {}).get("recording")
    lines = _lines(cur, str(recording)) if isinstance(recording, str) else pd.DataFrame()
    if lines.empty:
        raise CurationError("this exhibit has no transcript to cut from")
    first, last = _index(msg, "first"), _index(msg, "last")
    if not first <= last < len(lines):
        raise CurationError(f"the cut runs from a line to a later one, within the {len(lines)} lines")
    if float(lines["end_s"][last]) - float(lines["start_s"][first]) > MAX_CLIP_S:
        raise CurationError(f"a cut is at most {MAX_CLIP_S / 60:.0f} minutes long: choose fewer lines")
    words = " ".join(str(t) for t in lines["text"][first:last + 1])[: LIMITS["quote"]]
    title = _text(msg, "title", LIMITS["title"], "title")
    after = {"recording": recording, "lines": [first, last], "quote": words, **({"title": title} if title else {})}
    return _made(cur, cur.make("cut_clip", exhibit=None, after=after))


def _consented(cur: Curator) -> set[str]:
    answers = table(cur, "responses")
    if answers.empty or "consent" not in answers:
        return set()
    yes = answers["consent"].fillna(False).astype(bool)
    return set(answers.loc[yes, "response_id"].astype(str))


def find_answers(cur: Curator, msg: dict[str, Any]) -> None:
    """Open answers and social posts holding the words (consented answers only): the quote cut's choices."""
    typed = _text(msg, "q", MAX_QUERY, "search")
    q = typed.casefold()
    said = table(cur, "comments")
    cur.answers, cur.answers_q = [], typed
    if not q or said.empty:
        return None
    social = said["comment_id"].astype(str).str.startswith("social:")
    allowed = social | said["response_id"].astype(str).isin(_consented(cur))
    hits = said[allowed & said["text"].astype(str).str.casefold().str.contains(q, regex=False)].head(ANSWERS)
    cur.answers = [{"id": str(r.comment_id), "text": str(r.text)[:SHOWN_CHARS],
                    "from": "social" if str(r.comment_id).startswith("social:") else "survey",
                    "themes": theme_actions.of_answer(cur, str(r.comment_id))}
                   for r in hits.itertuples()]
    return None


def cut_quote(cur: Curator, msg: dict[str, Any]) -> list[Edit]:
    """A quote exhibit of one answer or post the search offered (its words as the run published them)."""
    comment = _text(msg, "comment", MAX_QUERY, "answer")
    offered = {a["id"]: a for a in cur.answers}
    if comment not in offered:
        raise CurationError("find the answer or post first, then make it a quote")
    where = {"post": comment} if comment.startswith("social:") else dict(zip(("response", "field"),
                                                                             comment.rsplit(":", 1), strict=True))
    title = _text(msg, "title", LIMITS["title"], "title")
    after = {**where, "quote": offered[comment]["text"], **({"title": title} if title else {})}
    return _made(cur, cur.make("cut_quote", exhibit=None, after=after))


HANDLERS = {"cut_clip": cut_clip, "find_answers": find_answers, "cut_quote": cut_quote}
