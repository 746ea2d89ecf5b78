"""What the recordings notebook shows: per-recording summaries, the strongest moments with their
clips, and the exhibits with the point in the original file each one comes from.

Everything here only reads what ``kit.steps.recordings`` produced. Untrusted text (quotes, speaker
names, titles) is escaped; clips are inlined as data URIs so the executed notebook and any HTML
made from it play them without the run folder beside them.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from kit.analysis.timeline import hms
from kit.core.exhibits import Exhibit
from kit.core.runfolder import media_path
from kit.evidence.transcripts import CUSTOMER, INTERVIEWER
from kit.steps.recordings import RecordingsResult
from kit.views.html import data_uri
from kit.core.exhibits import gallery_link

SUMMARY_COLUMNS = ["recording", "participant", "length", "media", "customers", "interviewers",
                   "customer lines", "moments", "coded by a person", "found automatically"]


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
    if not exhibits:
        return f"<h4>{escape(heading)}</h4><p>none</p>"
    cards = "".join(_card(e, Path(run_dir)) for e in exhibits)
    return (f"<h4>{escape(heading)}</h4><div style='display:grid;grid-template-columns:repeat(auto-fill,"
            f"minmax(300px,1fr));gap:14px'>{cards}</div>")


def _card(e: Exhibit, run_dir: Path) -> str:
    clip = e.media.get("clip")
    path, thumb = media_path(run_dir, clip), media_path(run_dir, e.media.get("thumb"))
    if path is not None:
        uri = data_uri(path)
        poster = f' poster="{data_uri(thumb)}"' if thumb is not None and clip.endswith(".mp4") else ""
        player = (f'<video controls preload="metadata" width="100%"{poster} src="{uri}"></video>' if clip.endswith(".mp4")
                  else (f'<img src="{data_uri(thumb)}" width="100%" alt="waveform">' if thumb is not None else "")
                  + f'<audio controls preload="metadata" style="width:100%" src="{uri}"></audio>')
    else:
        player = "<p><i>no clip: the media could not be used; the transcript gives the quote</i></p>"
    coded = "coded by a researcher" if e.evidence.get("coded_by") == "person" else "found automatically"
    where = f"{e.source.get('file', '')} at {e.source.get('locator', '')}"
    direction = ' dir="rtl"' if e.lang == "fa" else ""
    return (f"<div style='border:1px solid #ddd;border-radius:8px;padding:10px'>{player}"
            f"<b>{escape(e.title)}</b> <span style='color:#566573'>valence {e.valence:+.2f}, {coded}</span>"
            f"<blockquote{direction} style='margin:6px 0;font-style:italic'>{escape(e.quote)}</blockquote>"
            f"<div style='font-size:12px;color:#566573'>{escape(e.caption)}<br>source: {escape(where)} · "
            f"<a href=\"{escape(gallery_link(exhibit=e.id))}\">{escape(e.id)} in the gallery</a></div></div>")


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
    rows = "".join(
        f"<tr><td>{n}</td><td>{hms(m.start_s)}</td><td>{m.valence:+.2f}</td><td>{escape(str(m.coded_by))}</td>"
        f"<td>{escape(str(m.title))}</td><td><a href=\"{escape(gallery_link(exhibit=m.moment_id))}\" target=\"_top\">"
        f"{escape(str(m.moment_id))}</a></td></tr>"
        for n, m in enumerate(moments.itertuples(), start=1))
    return ("<table><thead><tr><th>#</th><th>at</th><th>valence</th><th>coded by</th><th>moment</th>"
            f"<th>clip in the gallery</th></tr></thead><tbody>{rows}</tbody></table>")
