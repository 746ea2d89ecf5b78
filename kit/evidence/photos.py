"""Photos of real situations: read, turned upright, stripped of metadata, blurred, thumbnailed.

Published copies carry no metadata at all (no EXIF, GPS, maker notes, XMP, comments or ICC
profile): colours are converted to sRGB, then the pixels are copied into a new image, so nothing
of the original file can travel with them. Capture time and camera stay in the run's ``photos``
table, never in a published file; GPS is never even read. ``strip_location`` is therefore met
whether it is on or off: turning it off keeps nothing more in published files, by design.

A file that does not decode, is not an image, or is larger than ``MAX_PIXELS`` (a possible
decompression bomb) is a reject with its reason, and the run goes on. So is a photo whose
``photos.csv`` row was rejected: publishing it as if undescribed would quietly drop what its row
said (its consent among it).

Speed: JPEGs are decoded with Pillow's draft mode at the smallest 1/2, 1/4 or 1/8 scale that
still covers the display size (the decoder skips most of the work), and many photos are spread
over a process pool.
"""

from __future__ import annotations

import hashlib
import io
import math
import multiprocessing
import re
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from PIL import Image, ImageCms, UnidentifiedImageError

from kit.core.errors import InputFileError, UnsafePathError
from kit.core.exhibits import Exhibit
from kit.core.paths import inside
from kit.core.rejects import RejectLog
from kit.evidence.files import read_text_table
from kit.evidence.privacy import redact_pii

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"}
SIDECAR = "photos.csv"
SIDECAR_COLUMNS = ["file", "caption", "stage", "channel", "valence", "participant", "consent"]
MAX_PIXELS = 80_000_000                      # larger images are refused as possible decompression bombs
# The display copy is sized for the largest place a photo is shown: the detail pane (at most 560
# CSS px, 1120 device px on a 2x screen) and a printed card's 92 x 128 mm (1000 px is ~200 dpi
# there). 1000 is also a quarter of a 12 MP phone photo's 4000-4032 px, so the JPEG decoder
# can produce it at 1/4 scale directly (see _draft_size), the cheapest decode that still fits.
DISPLAY_SIDE, THUMB_SIDE = 1000, 480
JPEG_QUALITY = 85
REDUCING_GAP = 1.0                           # box-average by the whole factor first, then filter the rest
POOL_THRESHOLD = 12                          # fewer photos than this: in-process (a spawned pool costs ~2 s)
CONSENT = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}
EXIF_IFD, EXIF_DATETIME_ORIGINAL, EXIF_DATETIME = 0x8769, 0x9003, 0x0132
EXIF_MAKE, EXIF_MODEL, EXIF_ORIENTATION = 0x010F, 0x0110, 0x0112
# EXIF orientation -> the turn that shows the picture upright (the same table as ImageOps.exif_transpose).
UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
           5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
           8: Image.Transpose.ROTATE_90}
_QUARTER_TURNS = {Image.Transpose.TRANSPOSE, Image.Transpose.ROTATE_270, Image.Transpose.TRANSVERSE,
                  Image.Transpose.ROTATE_90}          # these swap width and height
DIGITAL_CHANNELS = {"app", "website", "web", "online", "email", "chat", "social"}
PHOTO_COLUMNS = ["photo_id", "file", "caption", "stage", "channel", "valence", "participant", "consent",
                 "taken_at", "make", "model", "width", "height", "faces_blurred", "thumb", "display"]
MOMENT_COLUMNS = ["moment_id", "source", "ref", "speaker", "start_s", "end_s", "stage", "channel",
                  "valence", "severity", "quote", "coded_by"]


@dataclass
class PhotosResult:
    photos: pd.DataFrame                     # PHOTO_COLUMNS, one row per published photo
    moments: pd.DataFrame                    # MOMENT_COLUMNS (docs/design.md), one per published photo
    exhibits: list[Exhibit]
    # input -> {"in", "accepted", "rejected"}: "<folder>/photos.csv" (rows) and
    # "<folder>/ (image files)" (files found, published, rejected).
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


UNDESCRIBED = SidecarRow(0, "", None, None, None, None, None)     # a photo with no row in photos.csv


@dataclass
class Sidecar:
    rows: dict[Path, SidecarRow] = field(default_factory=dict)      # by resolved photo path
    refused: dict[Path, int] = field(default_factory=dict)          # photo path -> its rejected row
    counts: dict[str, int] = field(default_factory=dict)


class Refused(Exception):
    """A photo that decodes but must not be published (too large); carries the reason."""


@cache
def _register_heif() -> None:
    """HEIC/HEIF through pillow-heif, which also applies the file's rotation and resets its tag to 1."""
    from pillow_heif import register_heif_opener
    register_heif_opener()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48] or "photo"


def _label(value: str) -> str:
    """Stage and channel spelled the way survey ingest spells them ('In store' -> 'in_store')."""
    return re.sub(r"[\s-]+", "_", value.strip().lower())


def _target(project_dir: Path, root: Path, folder_rel: str, file: str) -> tuple[Path | None, str]:
    """The photo a sidecar row names, or why it is refused; decided on the path alone, nothing opened."""
    rel = Path(file)
    try:                                                    # an absolute path is refused by inside() itself
        target = inside(project_dir, rel if rel.is_absolute() else Path(folder_rel) / rel, key="file")
    except UnsafePathError:
        return None, f"column 'file': '{file}' leaves the project folder; the file was not opened"
    if not target.is_relative_to(root):
        return None, f"column 'file': '{file}' is outside {folder_rel}/, where photos are read; the file was not opened"
    return target, ""


def _check_row(get: dict[str, str], stages: list[str], channels: list[str]) -> tuple[list[str], dict[str, Any]]:
    """Problems with one row's values, and the values as the kit keeps them."""
    problems: list[str] = []
    stage, channel = _label(get["stage"]) or None, _label(get["channel"]) or None
    if stage and stage not in stages:
        problems.append(f"column 'stage': '{get['stage']}' is not one of {', '.join(stages)}")
    if channel and channel not in channels:
        problems.append(f"column 'channel': '{get['channel']}' is not one of {', '.join(channels)}")
    valence = None
    if get["valence"]:
        try:
            valence = float(get["valence"])
        except ValueError:
            valence = math.nan
        if not -1 <= valence <= 1:
            problems.append(f"column 'valence': '{get['valence']}' is not a number from -1 to 1")
    consent = CONSENT.get(get["consent"].lower()) if get["consent"] else None
    if get["consent"] and consent is None:
        problems.append(f"column 'consent': '{get['consent']}' is not one of yes/no/true/false/1/0")
    return problems, {"stage": stage, "channel": channel, "valence": valence, "consent": consent}


def read_sidecar(project_dir: Path, folder_rel: str, rejects: RejectLog, stages: list[str],
                 channels: list[str]) -> Sidecar:
    """Rows of ``photos.csv`` keyed by the photo they describe; bad rows are rejected and logged."""
    name = f"{folder_rel}/{SIDECAR}"
    root = inside(project_dir, folder_rel, key="photos.folder")
    path = inside(project_dir, name, key="photos sidecar")
    out = Sidecar()
    if not path.is_file():
        return out
    table = read_text_table(path, name)
    if "file" not in table.columns:
        raise InputFileError(name, f"has no 'file' column; its columns are {', '.join(map(str, table.columns))}",
                             row=1, fix=f"the header must be {','.join(SIDECAR_COLUMNS)}")
    for i, rec in enumerate(table.to_dict("records")):
        row = i + 2                                      # as a spreadsheet shows it: the header is row 1
        get = {c: str(rec.get(c, "") or "").strip() for c in SIDECAR_COLUMNS}
        target, unsafe = _target(project_dir, root, folder_rel, get["file"]) if get["file"] else (None, "")
        if unsafe:
            rejects.add(name, f"row {row}, column 'file'", unsafe)
            continue
        problems, values = _check_row(get, stages, channels)
        if target is None or not target.is_file():
            problems.insert(0, f"column 'file': '{get['file']}' is not a file in {folder_rel}/")
        elif target in out.rows or target in out.refused:
            first = out.rows[target].row if target in out.rows else out.refused[target]
            problems.insert(0, f"'{get['file']}' is already described in row {first}; only that row counts")
        if problems:
            rejects.add(name, f"row {row}", "; ".join(problems))
            if target is not None and target not in out.rows:
                out.refused.setdefault(target, row)
            continue
        out.rows[target] = SidecarRow(row, get["caption"], values["stage"], values["channel"], values["valence"],
                                      get["participant"] or None, values["consent"])
    out.counts = {"in": len(table), "accepted": len(out.rows), "rejected": len(table) - len(out.rows)}
    return out


def _text(value: Any) -> str | None:
    """An EXIF string without the NULs and spaces some cameras pad it with."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = str(value).replace("\x00", "").strip() if value is not None else ""
    return text or None


def _taken_at(value: Any) -> datetime | None:
    """EXIF 'YYYY:MM:DD HH:MM:SS' (camera local time, no zone); blank or impossible dates are None."""
    text = _text(value)
    try:
        return datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S") if text else None
    except ValueError:
        return None


def _exif_facts(img: Image.Image) -> dict[str, Any]:
    """Orientation, capture time and camera, read defensively: broken EXIF must not lose the photo."""
    try:
        exif = img.getexif()
        sub = exif.get_ifd(EXIF_IFD)
        orientation = exif.get(EXIF_ORIENTATION)
        return {"orientation": orientation if orientation in UPRIGHT else 1,      # 0, junk, missing: as stored
                "taken_at": _taken_at(sub.get(EXIF_DATETIME_ORIGINAL) or exif.get(EXIF_DATETIME)),
                "make": _text(exif.get(EXIF_MAKE)), "model": _text(exif.get(EXIF_MODEL))}
    except Exception:  # noqa: BLE001 - unreadable EXIF is common and harmless here
        return {"orientation": 1, "taken_at": None, "make": None, "model": None}


def _draft_size(width: int, height: int) -> tuple[int, int]:
    """The smallest stored size still covering the display size: draft keeps both sides at least this."""
    scale = min(1.0, DISPLAY_SIDE / max(width, height))
    return max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))


def _to_srgb(img: Image.Image) -> Image.Image:
    """8-bit sRGB pixels: embedded colour profiles applied, transparency laid on white, 16-bit scaled."""
    if img.mode.startswith("I;16") or img.mode in ("I", "F"):
        arr = np.asarray(img, dtype=np.float32)
        top = 65535.0 if img.mode.startswith("I;16") or arr.max() > 255 else 255.0
        img = Image.fromarray((arr * (255.0 / top)).clip(0, 255).astype(np.uint8), "L")
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        img = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    icc = img.info.get("icc_profile")
    if icc:
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(img, src, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass                                            # a broken or mismatched profile: plain conversion
    return img if img.mode == "RGB" else img.convert("RGB")       # the caller copies the pixels out later


def _pixels_only(img: Image.Image) -> Image.Image:
    """A new RGB image with the same pixels and nothing else (no EXIF, XMP, ICC, comments)."""
    clean = Image.new("RGB", img.size)
    clean.paste(img)
    return clean


def _decode(src: str, draft: bool) -> tuple[Image.Image, dict[str, Any], Image.Transpose | None]:
    """The photo in sRGB as stored (not yet upright), its facts and the turn that makes it upright.

    Turning and cleaning wait until the picture is down to display size: both copy every pixel,
    and doing them on a 12 MP original costs more than the whole draft decode.
    """
    _register_heif()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(src) as img:
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise Refused(f"{width}x{height} is larger than {MAX_PIXELS:,} pixels; refused as a possible "
                              "decompression bomb (reduce it before adding it)")
            facts = _exif_facts(img)
            if draft and img.format == "JPEG":
                img.draft("RGB", _draft_size(width, height))
            img.load()
            turn = UPRIGHT.get(facts.pop("orientation"))
            if turn in _QUARTER_TURNS:
                width, height = height, width
            return _to_srgb(img), {**facts, "width": width, "height": height}, turn


def _upright_clean(img: Image.Image, turn: Image.Transpose | None) -> Image.Image:
    """``img`` turned upright, as a new image holding its pixels and nothing else."""
    return _pixels_only(img.transpose(turn) if turn is not None else img)


def publish_one(src: str, display_out: str, thumb_out: str, blur: bool, draft: bool = True) -> dict[str, Any]:
    """Decode one photo upright and write its display copy and thumbnail (run in a worker).

    Never raises: whatever goes wrong with one file becomes that file's reason, so one bad
    upload cannot stop the pool or the run. Nothing is left behind for a failed file.
    """
    try:
        stored, facts, turn = _decode(src, draft)
        # The draft is at most 2x the display size, where a bilinear filter (scaled to the
        # reduction, so still anti-aliased) looks the same as bicubic at two thirds of the time.
        stored.thumbnail((DISPLAY_SIDE, DISPLAY_SIDE), Image.Resampling.BILINEAR, reducing_gap=REDUCING_GAP)
        shown = _upright_clean(stored, turn)
        faces = 0
        if blur:
            from kit.evidence.faces import blur_faces_image
            shown, faces = blur_faces_image(shown)
        shown.save(display_out, "JPEG", quality=JPEG_QUALITY)
        shown.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
        shown.save(thumb_out, "JPEG", quality=JPEG_QUALITY)
        return {**facts, "faces_blurred": faces}
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        why = f"larger than {MAX_PIXELS:,} pixels, refused as a possible decompression bomb ({exc})"
    except Refused as exc:
        why = str(exc)
    except UnidentifiedImageError:
        why = "not an image Pillow can read (or not an image at all)"
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        why = f"the image does not decode ({exc})"
    except Exception as exc:  # noqa: BLE001 - any other failure of one file is that file's reject
        why = f"the image could not be processed ({type(exc).__name__}: {exc})"
    for out in (display_out, thumb_out):
        Path(out).unlink(missing_ok=True)
    return {"error": why}


def thumbnail_reference(path: Path, out: Path) -> Path:
    """The plain way, for benchmarks: full decode, turn upright, resize (no draft mode, no pool)."""
    stored, _, turn = _decode(str(path), draft=False)
    shown = _upright_clean(stored, turn)
    shown.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    shown.save(out, "JPEG", quality=JPEG_QUALITY)
    return out


def _one_thread_per_worker() -> None:
    """The pool already fills the cores; OpenCV's own threads in every worker would only fight it."""
    import cv2
    cv2.setNumThreads(1)


def publish_all(jobs: list[tuple[str, str, str, bool]], workers: int) -> list[dict[str, Any]]:
    """``publish_one`` over every (source, display, thumbnail, blur) job, on a pool of ``workers`` processes."""
    if len(jobs) < POOL_THRESHOLD or workers <= 1:
        return [publish_one(*job) for job in jobs]
    # Spawned, not forked: forking a process whose OpenCV threads are running (faces were blurred
    # in-process earlier, in a notebook kernel say) deadlocked the workers.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_one_thread_per_worker) as pool:
        return list(pool.map(publish_one, *zip(*jobs, strict=True), chunksize=2))


def _photo_ids(files: list[Path], root: Path) -> dict[Path, str]:
    """Readable ids from file names; names that slug alike ('a.jpg', 'A.png', 'x/a.jpg') get a hash suffix."""
    slugs = {p: f"photo-{_slug(p.stem)}" for p in files}
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


def _exhibit(rec: dict[str, Any]) -> Exhibit:
    caption, v = rec["caption"], rec["valence"]
    title = caption if len(caption) <= 80 else caption[:79].rstrip() + "…"
    return Exhibit(
        id=rec["photo_id"], kind="photo", title=title or Path(rec["file"]).name, caption=caption,
        stage=rec["stage"], channel=rec["channel"], valence=v, severity=max(0.0, -v) if v is not None else None,
        lenses=_lenses(rec["channel"], v), media={"thumb": rec["thumb"], "image": rec["display"]},
        lang="fa" if re.search(r"[\u0600-\u06ff]", caption) else "en",
        source={"file": rec["file"], "locator": "file"}, evidence={"faces_blurred": rec["faces_blurred"]})


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
                   channels: list[str], workers: int = 2) -> PhotosResult:
    """Publish every usable photo of ``folder`` with its exhibit; everything else is a reject.

    ``strip_location`` needs no branch: published copies only ever hold pixels (module docstring).
    """
    del strip_location
    root = inside(project_dir, folder, key="photos.folder")
    if not root.is_dir():
        raise InputFileError(folder, "the photos folder does not exist", fix="check photos.folder in project.yaml")
    folder_rel = root.relative_to(project_dir.resolve()).as_posix()
    sidecar = read_sidecar(project_dir, folder_rel, rejects, stages, channels)
    media = run_dir / "media"
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
        photos.append({
            "photo_id": pid, "file": rel, "caption": redact_pii(meta.caption) if redact else meta.caption,
            "stage": meta.stage, "channel": meta.channel, "valence": meta.valence, "participant": meta.participant,
            "consent": meta.consent, **res,
            "thumb": thumb.relative_to(run_dir).as_posix(), "display": display.relative_to(run_dir).as_posix()})
    table, moments = _tables(photos)
    counts = {f"{folder_rel}/ (image files)": {"in": len(files), "accepted": len(photos), "rejected": rejected}}
    if sidecar.counts:
        counts[f"{folder_rel}/{SIDECAR}"] = sidecar.counts
    return PhotosResult(table, moments, [_exhibit(r) for r in photos], counts)


def strongest(photos: pd.DataFrame, n: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``n`` most negative and ``n`` most positive rated photos, strongest first.

    Unrated photos (no valence in photos.csv) are left out rather than counted as neutral; ties
    are broken by photo id so the choice is the same on every run.
    """
    rated = photos[photos["valence"].notna()]
    negative = rated[rated["valence"] < 0].sort_values(["valence", "photo_id"]).head(n)
    positive = rated[rated["valence"] > 0].sort_values(["valence", "photo_id"], ascending=[False, True]).head(n)
    return negative, positive


def strongest_html(photos: pd.DataFrame, exhibits: list[Exhibit], run_dir: Path, n: int = 3) -> str:
    """Cards of the strongest negative and positive photos, as the gallery draws them (text escaped there)."""
    from kit.views.html import CSS, grid_html
    by_id = {e.id: e.to_dict() for e in exhibits}
    negative, positive = strongest(photos, n)
    parts = [CSS]
    for heading, chosen in (("Most negative", negative), ("Most positive", positive)):
        records = [by_id[i] for i in chosen["photo_id"] if i in by_id]
        parts.append(f"<h4>{heading} ({len(records)})</h4>" + (grid_html(records, run_dir) if records else
                                                                "<p>No photo rated this way.</p>"))
    return "".join(parts)


def exhibit_table(exhibits: list[Exhibit]) -> pd.DataFrame:
    """Photo exhibits as a table to read: caption, stage, channel, valence and the file each came from."""
    rows = [{"id": e.id, "caption": e.caption, "stage": e.stage, "channel": e.channel, "valence": e.valence,
             "source": e.source["file"], "faces blurred": e.evidence.get("faces_blurred", 0)} for e in exhibits]
    return pd.DataFrame(rows, columns=["id", "caption", "stage", "channel", "valence", "source", "faces blurred"])
