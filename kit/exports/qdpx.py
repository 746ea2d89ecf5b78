"""A run as a REFI-QDA project (``.qdpx``) for QDA tools: transcripts, open answers and photos, coded.

The archive holds ``project.qde`` (QDA-XML, checked against the standard's Project.xsd before it is
written) and a ``Sources`` folder. Sources are what the run publishes, after redaction, consent and
face blurring: one text per session transcript (only sessions with consent are in the run), one text
per open-answer question, and the gallery's photos. Coded segments carry the run's codes (stage,
channel, feeling, lens, theme, tag) at their character positions (Unicode code points, end
exclusive), coded by the pipeline or, where a person coded them (markers, photos.csv), by a person.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pandas as pd

from kit.core import i18n, runfolder
from kit.core.errors import OutputFolderError
from kit.exports import refi_codebook as refi
from kit.exports.refi_codebook import PROJECT_NS, Codebook

Q = f"{{{PROJECT_NS}}}"


@dataclass
class Segment:
    """A coded stretch of a text source: [start, end) in code points, its name and codes."""

    start: int
    end: int
    name: str
    codes: list[str]                  # code GUIDs
    user: str                         # user GUID


@dataclass
class TextDoc:
    """A text source to write: its GUID, name, content and coded segments."""

    guid: str
    name: str
    text: str
    segments: list[Segment]


def write_qdpx(run_dir: Path, out_dir: Path | None = None) -> Path:
    """``<run>.qdpx`` in ``out_dir`` (default: the run folder), written whole or not at all."""
    run_dir = Path(run_dir)
    summary, records = runfolder.read_summary(run_dir), runfolder.read_exhibits(run_dir)
    lang = i18n.language(summary.get("ui_language"))
    themes = _themes(run_dir)
    book = refi.build(run_dir.name, summary, records, themes, lang)
    users = {"pipeline": refi.guid(run_dir.name, "user", "pipeline"),
             "person": refi.guid(run_dir.name, "user", "person")}
    docs = transcripts(run_dir, records, book, users, lang) + answers(run_dir, book, users, lang)
    photos = [r for r in records if r.get("kind") == "photo" and (r.get("media") or {}).get("image")]
    root = _project(run_dir.name, summary, book, users, docs, photos, lang)
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    refi.check(data, "Project.xsd")
    return _archive(run_dir, out_dir or run_dir, data, docs, photos)


def write_qdc(run_dir: Path, out_dir: Path | None = None) -> Path:
    """``<run>.qdc``: the run's codebook alone."""
    run_dir = Path(run_dir)
    summary, records = runfolder.read_summary(run_dir), runfolder.read_exhibits(run_dir)
    book = refi.build(run_dir.name, summary, records, _themes(run_dir), i18n.language(summary.get("ui_language")))
    target = _folder(out_dir or run_dir) / f"{run_dir.name}.qdc"
    _atomic(target, refi.qdc_bytes(book))
    return target


def _themes(run_dir: Path) -> list[str]:
    if not runfolder.has_table(run_dir, "comments"):
        return []
    col = runfolder.read_table(run_dir, "comments").get("themes")
    return sorted({t for v in (col if col is not None else []) for t in _split_themes(v)})


def _split_themes(value: object) -> list[str]:
    return [t.strip() for t in str(value).split(" · ") if t.strip()] if isinstance(value, str) else []


def transcripts(run_dir: Path, records: list[dict[str, Any]], book: Codebook, users: dict[str, str],
                lang: str) -> list[TextDoc]:
    """One text per transcript, with each coded moment as a segment over the lines it spans."""
    if not runfolder.has_table(run_dir, "utterances"):
        return []
    lines = runfolder.read_table(run_dir, "utterances").sort_values(["recording_id", "start_s"])
    moments = runfolder.read_table(run_dir, "moments") if runfolder.has_table(run_dir, "moments") else pd.DataFrame()
    by_id = {r["id"]: r for r in records}
    docs = []
    for rec_id, group in lines.groupby("recording_id", sort=True):
        text, spans = _transcript_text(group)
        segments = []
        mine = moments[(moments.get("source") == "recording") & (moments.get("ref") == rec_id)] if len(moments) else moments
        for m in mine.itertuples(index=False):
            hit = [span for (start_s, end_s), span in spans if start_s < m.end_s and end_s > m.start_s]
            if not hit:
                continue
            exhibit = by_id.get(m.moment_id, {})
            codes = _codes(book, stage=m.stage, channel=m.channel, valence=m.valence, exhibit=exhibit)
            user = users["person"] if m.coded_by == "person" else users["pipeline"]
            segments.append(Segment(hit[0][0], hit[-1][1], exhibit.get("title") or str(m.quote)[:80], codes, user))
        docs.append(TextDoc(refi.guid(run_dir.name, "transcript", rec_id), i18n.t("qda_transcript", lang, id=rec_id),
                            text, segments))
    return docs


def _transcript_text(group: pd.DataFrame) -> tuple[str, list[tuple[tuple[float, float], tuple[int, int]]]]:
    """The transcript as lines "[mm:ss] speaker: text", and each line's time and character span."""
    parts, spans, pos = [], [], 0
    for u in group.itertuples(index=False):
        line = f"[{int(u.start_s) // 60:02d}:{int(u.start_s) % 60:02d}] {u.speaker}: {u.text}"
        spans.append(((float(u.start_s), float(u.end_s)), (pos, pos + len(line))))
        parts.append(line)
        pos += len(line) + 1
    return "\n".join(parts) + "\n", spans


def answers(run_dir: Path, book: Codebook, users: dict[str, str], lang: str) -> list[TextDoc]:
    """One text per open-answer question, each answer a segment coded with its themes, feeling, stage, channel."""
    if not runfolder.has_table(run_dir, "comments"):
        return []
    comments = runfolder.read_table(run_dir, "comments")
    comments = comments[comments["platform"].isna()] if "platform" in comments else comments
    places = _places(run_dir)
    docs = []
    for field_name, group in comments.groupby("field", sort=True):
        parts, segments, pos = [], [], 0
        for c in group.itertuples(index=False):
            text = str(c.text)
            stage, channel = places.get(c.response_id, (None, None))
            codes = _codes(book, stage=stage, channel=channel, valence=c.sentiment,
                           themes=_split_themes(c.themes))
            segments.append(Segment(pos, pos + len(text), str(c.response_id), codes, users["pipeline"]))
            parts.append(text)
            pos += len(text) + 2
        docs.append(TextDoc(refi.guid(run_dir.name, "answers", field_name),
                            i18n.t("qda_answers", lang, field=field_name), "\n\n".join(parts) + "\n", segments))
    return docs


def _places(run_dir: Path) -> dict[str, tuple[Any, Any]]:
    """response id -> (stage, channel), from the responses table."""
    if not runfolder.has_table(run_dir, "responses"):
        return {}
    r = runfolder.read_table(run_dir, "responses")
    cols = [c for c in ("response_id", "stage", "channel") if c in r]
    if "response_id" not in cols:
        return {}
    r = r[cols].copy()
    for c in ("stage", "channel"):
        if c not in r:
            r[c] = None
    return {row.response_id: (row.stage, row.channel) for row in r.itertuples(index=False)}


def _codes(book: Codebook, *, stage: Any = None, channel: Any = None, valence: Any = None,
           exhibit: dict[str, Any] | None = None, themes: list[str] | None = None) -> list[str]:
    exhibit = exhibit or {}
    found = [book.guid("stage", _value(stage)), book.guid("channel", _value(channel)),
             book.guid("feeling", refi.feeling_code(_value(valence)))]
    found += [book.guid("lens", lens) for lens in exhibit.get("lenses") or []]
    found += [book.guid("tag", t) for t in exhibit.get("tags") or []]
    found += [book.guid("theme", t) for t in themes or []]
    return list(dict.fromkeys(g for g in found if g))


def _value(v: Any) -> Any:
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v


def _project(name: str, summary: dict[str, Any], book: Codebook, users: dict[str, str], docs: list[TextDoc],
             photos: list[dict[str, Any]], lang: str) -> ET.Element:
    ET.register_namespace("", PROJECT_NS)
    root = ET.Element(f"{Q}Project", {"name": str(summary.get("name") or name), "origin": refi.ORIGIN,
                                     "creatingUserGUID": users["pipeline"]})
    people = ET.SubElement(root, f"{Q}Users")
    ET.SubElement(people, f"{Q}User", {"guid": users["pipeline"], "name": i18n.t("qda_pipeline", lang)})
    ET.SubElement(people, f"{Q}User", {"guid": users["person"], "name": i18n.t("qda_person", lang)})
    refi.code_elements(ET.SubElement(ET.SubElement(root, f"{Q}CodeBook"), f"{Q}Codes"), book.codes, PROJECT_NS)
    sources = ET.SubElement(root, f"{Q}Sources")
    for doc in docs:
        src = ET.SubElement(sources, f"{Q}TextSource", {"guid": doc.guid, "name": doc.name,
                                                         "plainTextPath": f"internal://{doc.guid}.txt"})
        for i, seg in enumerate(doc.segments):
            sel = ET.SubElement(src, f"{Q}PlainTextSelection", {
                "guid": refi.guid(doc.guid, "segment", i), "name": seg.name, "startPosition": str(seg.start),
                "endPosition": str(seg.end), "creatingUser": seg.user})
            _codings(sel, seg.codes, seg.user, f"{doc.guid}/{i}")
    for rec in photos:
        pid = refi.guid(name, "photo", rec["id"])
        src = ET.SubElement(sources, f"{Q}PictureSource", {"guid": pid, "name": str(rec.get("title") or rec["id"]),
                                                            "path": f"internal://{pid}.jpg"})
        if rec.get("caption"):
            ET.SubElement(src, f"{Q}Description").text = str(rec["caption"])
        codes = _codes(book, stage=rec.get("stage"), channel=rec.get("channel"), valence=rec.get("valence"), exhibit=rec)
        _codings(src, codes, users["person"], pid)
    ET.indent(root)
    return root


def _codings(parent: ET.Element, codes: list[str], user: str, key: str) -> None:
    for code in codes:
        coding = ET.SubElement(parent, f"{Q}Coding", {"guid": refi.guid(key, "coding", code), "creatingUser": user})
        ET.SubElement(coding, f"{Q}CodeRef", {"targetGUID": code})


def _archive(run_dir: Path, out_dir: Path, qde: bytes, docs: list[TextDoc], photos: list[dict[str, Any]]) -> Path:
    target = _folder(out_dir) / f"{run_dir.name}.qdpx"
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".qdpx-", suffix=".tmp")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("project.qde", qde)
            for doc in docs:
                z.writestr(f"Sources/{doc.guid}.txt", doc.text.encode("utf-8"))
            for rec in photos:
                path = runfolder.media_path(run_dir, rec["media"]["image"], must_exist=False)
                if path is not None and path.is_file():
                    z.write(path, f"Sources/{refi.guid(run_dir.name, 'photo', rec['id'])}.jpg", zipfile.ZIP_STORED)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


def _folder(out_dir: Path) -> Path:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputFolderError(out_dir, exc.strerror or str(exc)) from None
    return out_dir


def _atomic(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".qdc-", suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, target)
