"""The photos step: consent checked, each photo published (upright, clean, faces blurred), and its
moments and exhibits made. Participants are credited by pseudonym, and a participant's known name
in a caption is replaced by it (``kit.evidence.pseudonyms``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kit.analysis import titles
from kit.core import i18n, runfolder
from kit.core.errors import InputFileError
from kit.core.exhibits import Exhibit
from kit.core.paths import inside
from kit.core.rejects import RejectLog
from kit.core.schema import MOMENT_COLUMNS
from kit.core.step import Step
from kit.evidence import photodups, pseudonyms
from kit.evidence.photos import (
    DIGITAL_CHANNELS,
    IMAGE_SUFFIXES,
    PHOTO_COLUMNS,
    SIDECAR,
    UNDESCRIBED,
    SidecarRow,
    publish_all,
    read_sidecar,
    slug,
)
from kit.evidence.privacy import redact_pii
from kit.evidence.pseudonyms import Pseudonyms


@dataclass
class PhotosResult:
    photos: pd.DataFrame                     # PHOTO_COLUMNS, one row per published photo
    moments: pd.DataFrame                    # MOMENT_COLUMNS (docs/design.md), one per published photo
    exhibits: list[Exhibit]
    # input -> {"in", "accepted", "rejected"}: "<folder>/photos.csv" (rows) and
    # "<folder>/ (image files)" (files found, published, rejected).
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)   # the step's counts, set by ``run``
    note: str = ""                           # why nothing was done, when nothing was


def _photo_ids(files: list[Path], root: Path) -> dict[Path, str]:
    """Readable ids from file names; names that slug alike ('a.jpg', 'A.png', 'x/a.jpg') get a hash suffix."""
    slugs = {p: f"photo-{slug(p.stem)}" for p in files}
    taken = list(slugs.values())
    return {p: s if taken.count(s) == 1 else
            f"{s}-{hashlib.sha1(p.relative_to(root).as_posix().encode()).hexdigest()[:8]}"
            for p, s in slugs.items()}


def _consent_problem(row: SidecarRow | None, require_consent: bool) -> str:
    """Why a photo may not be published ("" when it may).

    An explicit "no" is always honoured; ``require_consent`` only decides whether a missing answer
    counts as no.
    """
    if row is not None and row.consent is False:
        return "no consent: the participant said no, so the photo is not published"
    if not require_consent or (row is not None and row.consent is True):
        return ""
    where = "its consent cell in photos.csv is empty" if row is not None else "it has no row in photos.csv"
    return f"no consent recorded ({where}; require_consent counts that as no); add consent=yes to publish it"


def _lenses(channel: str | None, valence: float | None) -> list[str]:
    """Design always (a photo shows the felt situation); engineering when a digital channel is in the
    picture; business when the moment is strongly negative (loyalty at risk)."""
    lenses = ["design"]
    if channel in DIGITAL_CHANNELS:
        lenses.append("engineering")
    if valence is not None and valence <= -0.5:
        lenses.append("business")
    return lenses


def _exhibit(rec: dict[str, Any], lang: str = "en") -> Exhibit:
    caption, v = rec["caption"], rec["valence"]
    where = titles.place(rec["stage"], rec["channel"], lang) if rec["stage"] or rec["channel"] else ""
    untitled = i18n.t("ttl_photo_at", lang, place=where) if where else i18n.t("ttl_photo", lang)
    return Exhibit(     # the caption's words, else a sentence: never the file's name
        id=rec["photo_id"], kind="photo", title=titles.shorten(caption, 80) or untitled, caption=caption,
        stage=rec["stage"], channel=rec["channel"], valence=v, severity=max(0.0, -v) if v is not None else None,
        lenses=_lenses(rec["channel"], v), media={"thumb": rec["thumb"], "image": rec["display"]},
        lang="fa" if re.search(r"[\u0600-\u06ff]", caption) else "en",
        source={"file": rec["file"], "locator": "file"}, evidence={"faces_blurred": rec["faces_blurred"]})


@dataclass
class PhotoExhibit(Exhibit):
    """A photo exhibit that may stand for near-duplicates (``kit.evidence.photodups``).

    ``also``: on the photo that leads a group, the ids of the photos shown with it (its card says
    "2 photos", votes go to it). ``part_of``: on each of those, the leader's id; the gallery shows
    no card of its own for it and opens the leader instead. Both stay out of the record when
    empty, so a photo without near-duplicates is written exactly as before.
    """

    also: list[str] = field(default_factory=list)
    part_of: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        for key in ("also", "part_of"):
            if not out[key]:
                del out[key]
        return out


def _exhibits(photos: list[dict[str, Any]], lang: str = "en") -> list[Exhibit]:
    """One exhibit per published photo, near-duplicates tied to the photo that leads their group."""
    groups = photodups.grouping(photos)
    leader_of = {member: lead for lead, members in groups.items() for member in members}
    out: list[Exhibit] = []
    for rec in photos:
        base = _exhibit(rec, lang)
        ex = PhotoExhibit(**{**base.to_dict(), "also": groups.get(rec["photo_id"], []),
                             "part_of": leader_of.get(rec["photo_id"], "")})
        out.append(ex)
    return out


def _tables(photos: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    text = ("photo_id", "file", "caption", "stage", "channel", "participant", "make", "model", "thumb", "display")
    table = pd.DataFrame(photos, columns=PHOTO_COLUMNS).astype({
        **dict.fromkeys(text, "string"), "valence": "float64", "consent": "boolean", "taken_at": "datetime64[us]",
        "width": "int64", "height": "int64", "faces_blurred": "int64"})
    moments = pd.DataFrame({
        "moment_id": table["photo_id"], "source": "photo", "ref": table["file"], "speaker": table["participant"],
        "start_s": np.nan, "end_s": np.nan, "stage": table["stage"], "channel": table["channel"],
        "valence": table["valence"], "severity": (-table["valence"]).clip(lower=0.0) + 0.0,   # NaN: not rated
        "quote": table["caption"], "coded_by": table["valence"].notna().map({True: "person", False: None})},
        columns=MOMENT_COLUMNS).astype({"source": "string", "coded_by": "string"})
    return table, moments


def process_photos(project_dir: Path, folder: str, run_dir: Path, *, blur_faces: bool, strip_location: bool,
                   require_consent: bool, redact: bool, rejects: RejectLog, stages: list[str],
                   channels: list[str], workers: int = 2, names: Pseudonyms | None = None,
                   lang: str = "en") -> PhotosResult:
    """Publish every usable photo of ``folder`` with its exhibit; everything else is a reject.

    ``strip_location`` needs no branch: published copies only ever hold pixels (module docstring).
    ``names`` is the project's pseudonym mapping (``pseudonyms.for_project``); by default the
    sidecar's own participants written as names are given pseudonyms.
    """
    del strip_location
    root = inside(project_dir, folder, key="photos.folder")
    if not root.is_dir():
        raise InputFileError(folder, "the photos folder does not exist", fix="check photos.folder in project.yaml")
    folder_rel = root.relative_to(project_dir.resolve()).as_posix()
    sidecar = read_sidecar(project_dir, folder_rel, rejects, stages, channels)
    if names is None:
        names = pseudonyms.build(pseudonyms.photo_people([r.participant for r in sidecar.rows.values() if r.participant], ""))
    media = run_dir / runfolder.MEDIA
    media.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != SIDECAR and not p.name.startswith("."))
    ids = _photo_ids(files, root)
    jobs, kept, rejected = [], [], 0
    for path in files:
        rel = path.relative_to(project_dir.resolve()).as_posix()
        row = sidecar.rows.get(path.resolve())
        why = ""
        if not path.resolve().is_relative_to(root):
            why = "a link to a file outside the photos folder; the file was not opened"
        elif path.suffix.lower() not in IMAGE_SUFFIXES:
            why = f"not an image type the kit reads ({', '.join(sorted(IMAGE_SUFFIXES))})"
        elif path.resolve() in sidecar.refused:
            why = f"its row {sidecar.refused[path.resolve()]} in {folder_rel}/{SIDECAR} was rejected; fix that row"
        else:
            why = _consent_problem(row, require_consent)
        if why:
            rejects.add(rel, "file", why)
            rejected += 1
            continue
        display, thumb = media / f"{ids[path]}.jpg", media / f"{ids[path]}-thumb.jpg"
        jobs.append((str(path), str(display), str(thumb), blur_faces))
        kept.append((ids[path], rel, row, display, thumb))
    photos = []
    for (pid, rel, row, display, thumb), res in zip(kept, publish_all(jobs, workers), strict=True):
        if "error" in res:
            rejects.add(rel, "file", res["error"])
            rejected += 1
            continue
        meta = row or UNDESCRIBED
        who = pseudonyms.participant(names, meta.participant)
        caption = pseudonyms.text(names, redact_pii(meta.caption) if redact else meta.caption, [who or ""])
        photos.append({
            "photo_id": pid, "file": rel, "caption": caption,
            "stage": meta.stage, "channel": meta.channel, "valence": meta.valence, "participant": who,
            "consent": meta.consent, **res,
            "thumb": thumb.relative_to(run_dir).as_posix(), "display": display.relative_to(run_dir).as_posix()})
    table, moments = _tables(photos)
    counts = {f"{folder_rel}/ (image files)": {"in": len(files), "accepted": len(photos), "rejected": rejected}}
    if sidecar.counts:
        counts[f"{folder_rel}/{SIDECAR}"] = sidecar.counts
    return PhotosResult(table, moments, _exhibits(photos, lang), counts)


def run(step: Step) -> PhotosResult:
    """The project's photos published with its privacy settings, their table, moments and exhibits
    written, and the step finished; a project without a ``photos:`` section gets an empty result."""
    p = step.project
    if p.photos is None:
        result = PhotosResult(*_tables([]), [], note="project.yaml has no photos: section; nothing to do")
    else:
        result = process_photos(p.root, p.photos.folder, step.run_dir, blur_faces=p.privacy.blur_faces,
                                strip_location=p.privacy.strip_location, require_consent=p.privacy.require_consent,
                                redact=p.privacy.redact_pii, rejects=step.rejects, stages=p.journey.stages,
                                channels=p.channels, names=pseudonyms.for_project(p), lang=p.ui_language)
        step.counts.update(result.counts)
        step.save_table("photos", result.photos)
        step.save_moments(result.moments)
    result.summary = step.finish(result.exhibits)
    return result
