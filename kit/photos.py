"""Photos of real situations: read, turned upright, stripped of metadata, blurred, thumbnailed.

Published copies carry no metadata at all (no EXIF, GPS, maker notes, XMP or ICC profile): they
are new images holding only pixels. A photo's capture time and camera stay in the run's ``photos``
table, never in a published file. A file that does not decode, is not an image, or is larger than
``MAX_PIXELS`` is a reject with its reason, and the run goes on.
"""

from __future__ import annotations

import re
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from PIL import Image, ImageOps, UnidentifiedImageError

from kit.errors import InputFileError, UnsafePathError
from kit.exhibits import Exhibit
from kit.paths import inside
from kit.privacy import redact_pii
from kit.rejects import RejectLog
from kit.tables import read_text_table

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"}
SIDECAR = "photos.csv"
SIDECAR_COLUMNS = ["file", "caption", "stage", "channel", "valence", "participant", "consent"]
MAX_PIXELS = 80_000_000                      # larger images are refused as possible decompression bombs
DISPLAY_SIDE, THUMB_SIDE = 1600, 480
JPEG_QUALITY = 85
POOL_THRESHOLD = 8                           # fewer photos than this are done in-process
CONSENT = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}
EXIF_DATETIME_ORIGINAL, EXIF_DATETIME, EXIF_MAKE, EXIF_MODEL = 0x9003, 0x0132, 0x010F, 0x0110
PHOTO_COLUMNS = ["photo_id", "file", "caption", "stage", "channel", "valence", "participant", "consent",
                 "taken_at", "make", "model", "width", "height", "faces_blurred", "thumb", "display"]
MOMENT_COLUMNS = ["moment_id", "source", "ref", "speaker", "start_s", "end_s", "stage", "channel",
                  "valence", "severity", "quote", "coded_by"]


@dataclass
class PhotosResult:
    photos: pd.DataFrame
    moments: pd.DataFrame
    exhibits: list[Exhibit]
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class SidecarRow:
    row: int
    caption: str
    stage: str | None
    channel: str | None
    valence: float | None
    participant: str | None
    consent: bool | None


def _register_heif() -> None:
    from pillow_heif import register_heif_opener
    register_heif_opener()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "photo"


def read_sidecar(project_dir: Path, folder_rel: str, rejects: RejectLog, stages: list[str],
                 channels: list[str]) -> tuple[dict[Path, SidecarRow], dict[str, int]]:
    """Rows of ``photos.csv`` keyed by the resolved photo path; bad rows are rejected and logged."""
    name = f"{folder_rel.rstrip('/')}/{SIDECAR}"
    path = inside(project_dir, name, key="photos sidecar")
    if not path.is_file():
        return {}, {}
    table = read_text_table(path, name)
    missing = [c for c in ("file",) if c not in table.columns]
    if missing:
        raise InputFileError(name, f"missing column(s) {', '.join(missing)}; the file has {', '.join(table.columns)}",
                             row=1, fix=f"the header must be {','.join(SIDECAR_COLUMNS)}")
    rows: dict[Path, SidecarRow] = {}
    rejected = 0
    for i, rec in enumerate(table.to_dict("records")):
        row = i + 2
        get = {c: str(rec.get(c, "") or "").strip() for c in SIDECAR_COLUMNS}
        problems = []
        try:
            target = inside(project_dir, f"{folder_rel.rstrip('/')}/{get['file']}", key="file")
        except UnsafePathError:
            rejects.add(name, f"row {row}, column 'file'",
                        f"'{get['file']}' leaves the project folder; the file was not opened")
            rejected += 1
            continue
        if not get["file"] or not target.is_file():
            problems.append(f"column 'file': '{get['file']}' is not in {folder_rel}")
        stage = get["stage"].lower() or None
        if stage and stage not in stages:
            problems.append(f"column 'stage': '{get['stage']}' is not one of {', '.join(stages)}")
        channel = get["channel"].lower() or None
        if channel and channel not in channels:
            problems.append(f"column 'channel': '{get['channel']}' is not one of {', '.join(channels)}")
        valence = None
        if get["valence"]:
            try:
                valence = float(get["valence"])
                if not -1 <= valence <= 1:
                    raise ValueError
            except ValueError:
                problems.append(f"column 'valence': '{get['valence']}' is not a number from -1 to 1")
        consent = CONSENT.get(get["consent"].lower()) if get["consent"] else None
        if get["consent"] and consent is None:
            problems.append(f"column 'consent': '{get['consent']}' is not yes/no")
        if target in rows:
            problems.append(f"'{get['file']}' is already described in row {rows[target].row}")
        if problems:
            rejects.add(name, f"row {row}", "; ".join(problems))
            rejected += 1
            continue
        rows[target] = SidecarRow(row, get["caption"], stage, channel, valence, get["participant"] or None, consent)
    return rows, {"in": len(table), "accepted": len(table) - rejected, "rejected": rejected}


def _exif_facts(img: Image.Image) -> dict[str, Any]:
    """Capture time and camera, read defensively: broken EXIF must not lose the photo."""
    try:
        exif = img.getexif()
        sub = exif.get_ifd(0x8769)
        taken = sub.get(EXIF_DATETIME_ORIGINAL) or exif.get(EXIF_DATETIME)
        clean = lambda v: str(v).replace("\x00", "").strip() or None  # noqa: E731
        return {"taken_at": clean(taken) if taken else None,
                "make": clean(exif.get(EXIF_MAKE)) if exif.get(EXIF_MAKE) else None,
                "model": clean(exif.get(EXIF_MODEL)) if exif.get(EXIF_MODEL) else None}
    except Exception:  # noqa: BLE001 - unreadable EXIF is common and harmless here
        return {"taken_at": None, "make": None, "model": None}


def _pixels_only(img: Image.Image) -> Image.Image:
    """A new RGB image with the same pixels and nothing else (no EXIF, XMP, ICC, comments)."""
    rgb = img.convert("RGB")
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    return clean


def publish_one(src: str, display_out: str, thumb_out: str, blur: bool, draft: bool = True) -> dict[str, Any]:
    """Decode one photo upright and write its display copy and thumbnail (run in a worker)."""
    _register_heif()
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(src) as img:
                facts = _exif_facts(img)
                if draft and img.format == "JPEG":
                    img.draft("RGB", (DISPLAY_SIDE, DISPLAY_SIDE))    # decode at a reduced scale
                upright = ImageOps.exif_transpose(img)
                upright.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        return {"error": f"larger than {MAX_PIXELS:,} pixels, refused as a possible decompression bomb ({exc})"}
    except UnidentifiedImageError:
        return {"error": "not an image Pillow can read (or not an image at all)"}
    except (OSError, SyntaxError, ValueError) as exc:
        return {"error": f"the image does not decode ({exc})"}
    shown = _pixels_only(upright)
    width, height = shown.size
    shown.thumbnail((DISPLAY_SIDE, DISPLAY_SIDE))
    faces = 0
    if blur:
        from kit.faces import blur_faces_image
        shown, faces = blur_faces_image(shown)
    shown.save(display_out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    thumb = shown.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    thumb.save(thumb_out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return {**facts, "width": width, "height": height, "faces_blurred": faces}


def thumbnail_reference(path: Path, out: Path) -> Path:
    """The plain way, for benchmarks: full decode, then resize (no draft mode, no pool)."""
    with Image.open(path) as img:
        upright = ImageOps.exif_transpose(img)
        upright = upright.convert("RGB")
        upright.thumbnail((THUMB_SIDE, THUMB_SIDE))
        upright.save(out, "JPEG", quality=JPEG_QUALITY)
    return out


def _run_jobs(jobs: list[tuple[str, str, str, bool]], workers: int) -> list[dict[str, Any]]:
    if len(jobs) < POOL_THRESHOLD or workers <= 1:
        return [publish_one(*job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(publish_one, *zip(*jobs, strict=True), chunksize=4))


def process_photos(project_dir: Path, folder: str, run_dir: Path, *, blur_faces: bool, strip_location: bool,
                   require_consent: bool, redact: bool, rejects: RejectLog, stages: list[str],
                   channels: list[str], workers: int = 2) -> PhotosResult:
    """Publish every usable photo of ``folder`` with its exhibit; everything else is a reject.

    ``strip_location`` is honoured by never writing metadata to published files at all, whether
    it is on or off: published copies only ever hold pixels.
    """
    del strip_location                        # published files never carry metadata; see docstring
    root = inside(project_dir, folder, key="photos.folder")
    folder_rel = root.relative_to(project_dir.resolve()).as_posix()
    sidecar, sidecar_counts = read_sidecar(project_dir, folder_rel, rejects, stages, channels)
    media = run_dir / "media"
    media.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != SIDECAR and not p.name.startswith("."))
    jobs, kept, rejected = [], [], 0
    for path in files:
        rel = path.relative_to(project_dir.resolve()).as_posix()
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            rejects.add(rel, "file", f"not an image type the kit reads ({', '.join(sorted(IMAGE_SUFFIXES))})")
            rejected += 1
            continue
        row = sidecar.get(path.resolve())
        consent = row.consent if row else None
        if require_consent and consent is not True:
            why = ("no consent: the participant said no" if consent is False else
                   "no consent recorded (no photos.csv row or an empty consent cell); "
                   "add consent=yes to publish it")
            rejects.add(rel, "file", why)
            rejected += 1
            continue
        pid = f"photo-{_slug(path.stem)}"
        display, thumb = media / f"{pid}.jpg", media / f"{pid}-thumb.jpg"
        jobs.append((str(path), str(display), str(thumb), blur_faces))
        kept.append((pid, rel, row, display, thumb))
    results = _run_jobs(jobs, workers)
    photos, exhibits = [], []
    for (pid, rel, row, display, thumb), res in zip(kept, results, strict=True):
        if "error" in res:
            rejects.add(rel, "file", res["error"])
            rejected += 1
            continue
        caption = (row.caption if row else "") or ""
        if redact:
            caption = redact_pii(caption)
        rec = {"photo_id": pid, "file": rel, "caption": caption, "stage": row.stage if row else None,
               "channel": row.channel if row else None, "valence": row.valence if row else None,
               "participant": row.participant if row else None, "consent": row.consent if row else None,
               **res, "thumb": thumb.relative_to(run_dir).as_posix(), "display": display.relative_to(run_dir).as_posix()}
        photos.append(rec)
        v = rec["valence"]
        exhibits.append(Exhibit(
            id=pid, kind="photo", title=caption or Path(rel).name, caption=caption, stage=rec["stage"],
            channel=rec["channel"], valence=v, severity=round(max(0.0, -v), 2) if v is not None else None,
            lenses=["design"], media={"thumb": rec["thumb"], "image": rec["display"]},
            lang="fa" if re.search(r"[\u0600-\u06ff]", caption) else "en",
            source={"file": rel, "locator": "file"}, evidence={"faces_blurred": res["faces_blurred"]}))
    table = pd.DataFrame(photos, columns=PHOTO_COLUMNS)
    moments = pd.DataFrame({
        "moment_id": table["photo_id"], "source": "photo", "ref": table["file"], "speaker": table["participant"],
        "start_s": None, "end_s": None, "stage": table["stage"], "channel": table["channel"],
        "valence": table["valence"], "severity": [max(0.0, -v) if pd.notna(v) else None for v in table["valence"]],
        "quote": table["caption"], "coded_by": "person"}, columns=MOMENT_COLUMNS)
    counts = {f"{folder_rel}/ (image files)": {"in": len(files), "accepted": len(photos), "rejected": rejected}}
    if sidecar_counts:
        counts[f"{folder_rel}/{SIDECAR}"] = sidecar_counts
    return PhotosResult(table, moments, exhibits, counts)
