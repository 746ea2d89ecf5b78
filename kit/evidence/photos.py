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

A photo is opened only when its first bytes show the very format its extension names
(``kit.evidence.sniff``: HTML or SVG named ``.jpg``, a video named ``.jpg``, a PNG named ``.jpg``
are refused before any decoder sees them), and then only by that format's Pillow plugin. A photo
whose EXIF is larger than ``MAX_EXIF_BYTES`` is refused too: a camera's EXIF fits one 64 KB JPEG
segment, so more is not a photo's metadata, and publishing it without its EXIF would lose the
orientation that shows it upright.

Speed: JPEGs are decoded with Pillow's draft mode at the smallest 1/2, 1/4 or 1/8 scale that
still covers the display size (the decoder skips most of the work), and many photos are spread
over the run's Dask cluster (``kit.core.engine``).
"""

from __future__ import annotations

import io
import math
import re
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageCms, UnidentifiedImageError

from kit.core import engine
from kit.core.errors import InputFileError, UnsafePathError
from kit.core.paths import inside, name_problem
from kit.core.rejects import RejectLog
from kit.core.spelling import Vocabulary
from kit.core.spelling import consent as consent_word
from kit.core.text import strip_unsafe
from kit.evidence import sniff
from kit.evidence.files import read_text_table
from kit.evidence.photodups import phash

IMAGE_SUFFIXES = sniff.suffixes("image")    # .jpg .jpeg .png .webp .heic .heif
SIDECAR = "photos.csv"
SIDECAR_COLUMNS = ["file", "caption", "stage", "channel", "valence", "participant", "consent"]
MAX_PIXELS = 80_000_000                      # larger images are refused as possible decompression bombs
MAX_EXIF_BYTES = 65_536                      # one JPEG APP1 segment's worth; a photo with more is refused
# The display copy is sized for the largest place a photo is shown: the detail pane (at most 560
# CSS px, 1120 device px on a 2x screen) and a printed card's 92 x 128 mm (1000 px is ~200 dpi
# there). 1000 is also a quarter of a 12 MP phone photo's 4000-4032 px, so the JPEG decoder
# can produce it at 1/4 scale directly (see _draft_size), the cheapest decode that still fits.
DISPLAY_SIDE, THUMB_SIDE = 1000, 480
JPEG_QUALITY = 85
REDUCING_GAP = 1.0                           # box-average by the whole factor first, then filter the rest
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
    """A photo that decodes but must not be published (too large, too much EXIF); carries the reason."""


@cache
def _register_heif() -> None:
    """HEIC/HEIF through pillow-heif, which also applies the file's rotation and resets its tag to 1."""
    from pillow_heif import register_heif_opener
    register_heif_opener()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48] or "photo"


def _target(project_dir: Path, root: Path, folder_rel: str, file: str) -> tuple[Path | None, str]:
    """The photo a sidecar row names, or why it is refused; decided on the path alone, nothing opened."""
    problem = name_problem(file)
    if problem:
        shown = file if len(file) <= 60 else file[:57] + "..."
        return None, f"column 'file': {shown!r} {problem}; the file was not opened"
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
    found: dict[str, str | None] = {}
    for key, allowed in (("stage", stages), ("channel", channels)):    # kept as project.yaml spells them
        words = Vocabulary(allowed)
        found[key] = words.get(get[key]) if get[key] else None
        if get[key] and found[key] is None:
            problems.append(f"column {key!r}: '{get[key]}' {words.why_not(get[key])}")
    stage, channel = found["stage"], found["channel"]
    valence = None
    if get["valence"]:
        try:
            valence = float(get["valence"])
        except ValueError:
            valence = math.nan
        if not -1 <= valence <= 1:
            problems.append(f"column 'valence': '{get['valence']}' is not a number from -1 to 1")
    consent = consent_word(get["consent"]) if get["consent"] else None
    if get["consent"] and consent is None:
        problems.append(f"column 'consent': '{get['consent']}' is not one of yes/no/true/false/1/0/بله/خیر")
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
    read = read_text_table(path, name)
    table = read.frame
    if "file" not in table.columns:
        raise InputFileError(name, f"has no 'file' column; its columns are {', '.join(map(str, table.columns))}",
                             row=1, fix=f"the header must be {','.join(SIDECAR_COLUMNS)}")
    at = list(table.columns).index("file")
    faults = {f.row: f for f in read.faults}
    records = dict(zip(table.index.astype(int).tolist(), table.to_dict("records"), strict=True))
    for row in sorted([*records, *faults]):                 # row as a spreadsheet shows it: the header is row 1
        if row in faults:                                   # a row the reader could not take still refuses its photo
            rejects.add(name, f"row {row}", faults[row].reason)
            named = faults[row].cells[at].strip() if len(faults[row].cells) > at else ""
            target = _target(project_dir, root, folder_rel, named)[0] if named else None
            if target is not None and target not in out.rows:
                out.refused.setdefault(target, row)
            continue
        rec = records[row]
        get = {c: str(rec.get(c, "") or "").strip() for c in SIDECAR_COLUMNS}
        for c in ("caption", "participant"):           # bidi overrides and other format characters out, ZWNJ kept
            get[c] = strip_unsafe(get[c], keep="\t\n\r").strip()
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
    rows_in = read.rows_in
    out.counts = {"in": rows_in, "accepted": len(out.rows), "rejected": rows_in - len(out.rows)}
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
    with sniff.open_file(Path(src)) as fh, warnings.catch_warnings():
        kind = sniff.check(Path(src), "image", fh.read(sniff.HEAD))     # InputFileError: the reason
        fh.seek(0)
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(fh, formats=[kind.pillow]) as img:
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise Refused(f"{width}x{height} is larger than {MAX_PIXELS:,} pixels; refused as a possible "
                              "decompression bomb (reduce it before adding it)")
            _check_exif(img)
            facts = _exif_facts(img)
            if draft and img.format == "JPEG":
                img.draft("RGB", _draft_size(width, height))
            img.load()
            _check_exif(img)                                # a PNG may keep its eXIf chunk after the pixels
            turn = UPRIGHT.get(facts.pop("orientation"))
            if turn in _QUARTER_TURNS:
                width, height = height, width
            return _to_srgb(img), {**facts, "width": width, "height": height}, turn


def _check_exif(img: Image.Image) -> None:
    """Refused when the EXIF Pillow holds (every APP1 Exif segment of a JPEG, joined) exceeds MAX_EXIF_BYTES."""
    size = len(img.info.get("exif") or b"")
    if size > MAX_EXIF_BYTES:
        raise Refused(f"its EXIF metadata is {size:,} bytes, more than the {MAX_EXIF_BYTES:,} a camera writes; "
                      "refused (save the photo again without its metadata to use it)")


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
        return {**facts, "faces_blurred": faces, "phash": phash(shown)}     # of what is published: near-duplicates
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        why = f"larger than {MAX_PIXELS:,} pixels, refused as a possible decompression bomb ({exc})"
    except Refused as exc:
        why = str(exc)
    except InputFileError as exc:                           # missing, or not the image its name says
        why = exc.problem
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


def publish_all(jobs: list[tuple[str, str, str, bool]], workers: int = 0) -> list[dict[str, Any]]:
    """``publish_one`` over every (source, display, thumbnail, blur) job as Dask tasks (``kit.core.engine``),
    results in the order of ``jobs``; ``workers=1`` publishes them here, one after another."""
    if workers == 1:
        return [publish_one(*job) for job in jobs]
    return engine.run_all(publish_one, jobs)




def sidecar_participants(project_dir: Path, folder: str) -> list[str]:
    """The participant column of ``photos.csv`` as written (to know the names it may hold); an
    unreadable or absent sidecar gives none, and is reported by ``read_sidecar`` in its own step."""
    try:
        root = inside(project_dir, folder, key="photos.folder")
        path = root / SIDECAR
        if not path.is_file():
            return []
        frame = read_text_table(path, SIDECAR).frame
    except (InputFileError, UnsafePathError):
        return []
    if "participant" not in frame.columns:
        return []
    cleaned = (strip_unsafe(x, keep="\t\n\r").strip() for x in frame["participant"] if isinstance(x, str))
    return [v for v in dict.fromkeys(cleaned) if v]                 # cleaned as read_sidecar cleans them
