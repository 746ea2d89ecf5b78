"""What the recordings notebook shows: per-recording summaries, the strongest moments with their
clips, and the exhibits with the point in the original file each one comes from.

Everything here only reads what ``kit.steps.recordings`` produced. The HTML is the templates under
kit/assets/templates/recordings, which escape quotes, speaker names and titles; clips are inlined
as data URIs so the executed notebook and any HTML made from it play them without the run folder
beside them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from kit.analysis.timeline import hms
from kit.core.exhibits import Exhibit, gallery_link
from kit.core.runfolder import media_path
from kit.core.templates import Markup, render
from kit.evidence.transcripts import CUSTOMER, INTERVIEWER
from kit.steps.recordings import RecordingsResult
from kit.views.html import data_uri

SUMMARY_COLUMNS = ["recording", "participant", "length", "media", "customers", "interviewers",
                   "customer lines", "moments", "coded by a person", "found automatically"]


def headline(result: RecordingsResult) -> str:
    """What the step made, in one line."""
    return (f"{len(result.recordings)} recordings, {len(result.utterances)} utterances, {len(result.moments)} moments, "
            f"{len(result.charts)} timelines")


def summary(result: RecordingsResult, recordings: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per configured recording: its length, who speaks in which role, and its moments."""
    rows = []
    for rec in recordings:
        rid = rec["id"]
        utts = result.utterances[result.utterances["recording_id"] == rid]
        moments = result.moments[result.moments["ref"] == rid]
        person = int((moments["coded_by"] == "person").sum())
        rows.append({
            "recording": rid, "participant": rec.get("participant") or "",
            "length": hms(result.durations[rid]) if rid in result.durations else "not used (no consent)",
            "media": _media_kind(rec, result, rid),
            "customers": ", ".join(_speakers(utts, CUSTOMER)) or ("(unnamed)" if (utts["role"] == CUSTOMER).any() else ""),
            "interviewers": ", ".join(_speakers(utts, INTERVIEWER)),
            "customer lines": int((utts["role"] == CUSTOMER).sum()), "moments": len(moments),
            "coded by a person": person, "found automatically": len(moments) - person})
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def _speakers(utts: pd.DataFrame, role: str) -> list[str]:
    return [str(s) for s in dict.fromkeys(utts.loc[(utts["role"] == role) & (utts["speaker"] != ""), "speaker"])]


def _media_kind(rec: dict[str, Any], result: RecordingsResult, rid: str) -> str:
    if not rec.get("media"):
        return "transcript only"
    clips = [e for e in result.exhibits if e.evidence.get("recording") == rid and e.kind == "clip"]
    if rid not in result.durations:
        return ""
    if not clips:
        return "unusable (see rejects); quotes only"
    return "audio" if str(clips[0].media.get("clip", "")).endswith(".m4a") else "video"


def strongest(result: RecordingsResult, n: int = 3) -> tuple[list[Exhibit], list[Exhibit]]:
    """The n most negative and the n most positive moments (as their exhibits), strongest first."""
    moment_exhibits = [e for e in result.exhibits if e.kind in ("clip", "quote") and e.valence is not None]
    negative = sorted((e for e in moment_exhibits if e.valence < 0), key=lambda e: (e.valence, -(e.severity or 0), e.id))
    positive = sorted((e for e in moment_exhibits if e.valence > 0), key=lambda e: (-e.valence, e.id))
    return negative[:n], positive[:n]


def moments_html(exhibits: list[Exhibit], run_dir: Path, heading: str) -> str:
    """Cards with the clip (video or audio, inlined), the quote, where it is in the original file,
    and who coded it."""
    return render("recordings/moments.html.j2", heading=heading, cards=[Markup(_card(e, Path(run_dir))) for e in exhibits])


def _card(e: Exhibit, run_dir: Path) -> str:
    clip = e.media.get("clip")
    path, thumb = media_path(run_dir, clip), media_path(run_dir, e.media.get("thumb"))
    return render("recordings/moment.html.j2", clip=data_uri(path) if path is not None else None,
                  video=str(clip).endswith(".mp4"), poster=data_uri(thumb) if thumb is not None else None,
                  title=e.title, valence=e.valence, quote=e.quote, caption=e.caption, rtl=e.lang == "fa", id=e.id,
                  coded="coded by a researcher" if e.evidence.get("coded_by") == "person" else "found automatically",
                  where=f"{e.source.get('file', '')} at {e.source.get('locator', '')}", href=gallery_link(exhibit=e.id))


def exhibit_table(exhibits: list[Exhibit]) -> pd.DataFrame:
    """The step's exhibits with the file and hh:mm:ss each points back to."""
    return pd.DataFrame([{"exhibit": e.id, "kind": e.kind, "title": e.title, "valence": e.valence,
                          "coded by": e.evidence.get("coded_by", ""), "source file": e.source.get("file", ""),
                          "at": e.source.get("locator", "")} for e in exhibits],
                        columns=["exhibit", "kind", "title", "valence", "coded by", "source file", "at"])


def timeline_links(result: RecordingsResult, recording_id: str) -> str:
    """The table of links under a recording's timeline (numbers as on the chart)."""
    titles = {e.id: e.title for e in result.exhibits}
    moments = result.moments[result.moments["ref"] == recording_id].sort_values("start_s").copy()
    moments["title"] = [titles.get(m, "") for m in moments["moment_id"]]
    return links_table(moments)


def links_table(moments: pd.DataFrame) -> str:
    """The moments as an HTML table with links to their clips: the static counterpart of the chart."""
    return render("recordings/links.html.j2", moments=[
        {"at": hms(m.start_s), "valence": m.valence, "coded_by": m.coded_by, "title": m.title, "id": m.moment_id,
         "href": gallery_link(exhibit=m.moment_id)} for m in moments.itertuples()])
