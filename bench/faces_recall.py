"""``faces_recall``: how many faces the blurring detector finds, on scenes whose faces are known.

The labelled set is made here, the same every run (fixed seed), from three public-domain / CC0
head-and-shoulders tiles in ``bench/faces/`` (see its ORIGIN.md): each scene is a 1600x1200
"photo" (the display size faces are blurred at) with one to four faces pasted into a face-free
background (the kit's drawn synthetic scenes, or a lit gradient), each face at its own size
(2 % to 30 % of the photo's longest side), position, turn (up to 20 degrees either way), mirror
and light (shadow on one side), then the whole photo dimmed or brightened, colour-cast, noised
and saved as a JPEG of middling quality. Every pasted face's box is known, so recall needs no
judgement: a face counts as found when a detected box holds its centre and is of about its size.

False positives are counted twice: boxes that match no face in those scenes, and boxes found in
face-free real photos (the sample project's and, where present, ``../shared/data``'s).

The reference, measured in the same run on the same scenes, is the detector as the kit had it
before: the same cascades on a copy reduced to 640 px, with no passes on turned copies.
"""

from __future__ import annotations

import argparse
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from bench.common import ROOT, record
from kit.evidence.faces import Box, detect_faces

TILES = ROOT / "bench" / "faces"
# Face box (x0, y0, x1, y1) inside each tile: forehead to chin, ear to ear.
FACES = {"astronaut": (64, 61, 156, 164), "camera": (56, 57, 136, 152), "hopper": (77, 58, 187, 156)}
CANVAS = (1600, 1200)
SCENES = 72
SEED = 20260611
# Face width as a share of the photo's longest side. kit.evidence.faces looks for faces from about 3 %.
SIZES = {"tiny (2-3 %, below the detector's minimum)": (0.02, 0.03), "small (3-6 %)": (0.03, 0.06),
         "medium (6-15 %)": (0.06, 0.15), "large (15-30 %)": (0.15, 0.30)}
LIGHTS = {"dim": (0.35, 0.6), "normal": (0.8, 1.1), "bright": (1.2, 1.5)}
FACE_FREE = ["data/sample/photos", "../shared/data/exif-orientation", "../shared/data/exif-samples/jpg"]
# The only real photos with faces among those folders (tests/evidence/test_faces.py says where they are).
HAS_FACES = {"no_exif.jpg", "image01137.jpg"}


@dataclass
class Face:
    box: Box                       # x, y, w, h of the face itself, upright size, centred where it was pasted
    size: str
    turned: bool                   # more than 10 degrees off upright
    light: str


def _tile(name: str) -> Image.Image:
    with Image.open(TILES / f"{name}.jpg") as img:
        return img.convert("RGB")


def _background(i: int, rng: np.random.Generator) -> Image.Image:
    """A face-free scene: the kit's drawn situations for two in three, a lit gradient otherwise."""
    if i % 3 != 2:
        from kit.synth.photos import SCENES as DRAWN
        from kit.synth.photos import upright
        return upright(i % len(DRAWN), rng).resize(CANVAS, Image.Resampling.BICUBIC)
    top, bottom = rng.integers(40, 230, 3), rng.integers(40, 230, 3)
    t = np.linspace(0, 1, CANVAS[1])[:, None, None]
    grad = top * (1 - t) + bottom * t + rng.normal(0, 6, (CANVAS[1], CANVAS[0], 3))
    return Image.fromarray(np.clip(grad, 0, 255).astype(np.uint8))


def _shade(tile: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Light from one side: one edge of the tile darker than the other."""
    lo = float(rng.uniform(0.45, 1.0))
    ramp = np.linspace(lo, 1.0, tile.width) if rng.random() < 0.5 else np.linspace(1.0, lo, tile.width)
    return Image.fromarray(np.clip(np.asarray(tile, dtype=np.float32) * ramp[None, :, None], 0, 255).astype(np.uint8))


def _paste_face(canvas: Image.Image, taken: list[tuple[int, int, int, int]], band: tuple[float, float],
                rng: np.random.Generator) -> tuple[Box, bool] | None:
    """Paste one face tile somewhere free; its face box (upright size, pasted centre) or None if no room."""
    name = sorted(FACES)[int(rng.integers(len(FACES)))]
    x0, y0, x1, y1 = FACES[name]
    tile = _shade(_tile(name), rng)
    face_w = rng.uniform(*band) * max(CANVAS)
    scale = face_w / (x1 - x0)
    tile = tile.resize((max(2, round(tile.width * scale)), max(2, round(tile.height * scale))), Image.Resampling.LANCZOS)
    cx, cy = (x0 + x1) / 2 * scale, (y0 + y1) / 2 * scale
    if rng.random() < 0.5:
        tile, cx = ImageOps.mirror(tile), tile.width - cx
    mask = Image.new("L", tile.size, 0)
    ImageDraw.Draw(mask).ellipse((0, 0, tile.width - 1, tile.height - 1), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(max(1, tile.width // 25)))
    angle = float(rng.uniform(-20, 20))
    w0, h0 = tile.size
    tile = tile.rotate(angle, Image.Resampling.BICUBIC, expand=True)
    mask = mask.rotate(angle, Image.Resampling.BICUBIC, expand=True)
    # Where the face centre went: rotate it about the tile centre (PIL turns counter-clockwise, y down).
    a = math.radians(angle)
    dx, dy = cx - w0 / 2, cy - h0 / 2
    cx, cy = tile.width / 2 + dx * math.cos(a) + dy * math.sin(a), tile.height / 2 - dx * math.sin(a) + dy * math.cos(a)
    for _ in range(60):
        px, py = int(rng.integers(0, max(1, CANVAS[0] - tile.width))), int(rng.integers(0, max(1, CANVAS[1] - tile.height)))
        spot = (px, py, px + tile.width, py + tile.height)
        if all(spot[2] <= t[0] or t[2] <= spot[0] or spot[3] <= t[1] or t[3] <= spot[1] for t in taken):
            canvas.paste(tile, (px, py), mask)
            taken.append(spot)
            fw, fh = (x1 - x0) * scale, (y1 - y0) * scale
            return (round(px + cx - fw / 2), round(py + cy - fh / 2), round(fw), round(fh)), abs(angle) > 10
    return None


def scene(i: int) -> tuple[np.ndarray, list[Face]]:
    """Scene ``i`` of the labelled set (the same on every machine): its RGB pixels and its faces."""
    rng = np.random.default_rng([SEED, i])
    canvas = _background(i, rng)
    light = list(LIGHTS)[i % len(LIGHTS)]
    faces: list[Face] = []
    taken: list[tuple[int, int, int, int]] = []
    bands = list(SIZES)
    for j in range(1 + i % 4):
        size = bands[(i + j) % len(bands)]
        placed = _paste_face(canvas, taken, SIZES[size], rng)
        if placed is not None:
            faces.append(Face(placed[0], size, placed[1], light))
    px = np.asarray(canvas, dtype=np.float32) * float(rng.uniform(*LIGHTS[light])) * rng.uniform(0.88, 1.12, 3)
    px += rng.normal(0, float(rng.uniform(2, 7)), px.shape)
    buf = io.BytesIO()
    Image.fromarray(np.clip(px, 0, 255).astype(np.uint8)).save(buf, "JPEG", quality=int(rng.integers(60, 91)))
    with Image.open(buf) as img:
        return np.asarray(img.convert("RGB")), faces


def found(face: Box, boxes: list[Box]) -> int | None:
    """Index of the detected box that holds the face's centre and is of about its size, if any."""
    cx, cy = face[0] + face[2] / 2, face[1] + face[3] / 2
    side = math.sqrt(face[2] * face[3])
    for k, (x, y, w, h) in enumerate(boxes):
        if x <= cx <= x + w and y <= cy <= y + h and 0.5 <= math.sqrt(w * h) / side <= 2.5:
            return k
    return None


def before(rgb: np.ndarray) -> list[Box]:
    """The reference: the same cascades as kit.evidence.faces used before, at 640 px and with no turned passes."""
    return detect_faces(rgb, detect_side=640, turns=(0,))


def evaluate(detector: Callable[[np.ndarray], list[Box]], scenes: int | None = None) -> dict[str, Any]:
    """Faces found and missed per condition, and boxes that are no face, over the labelled scenes."""
    scenes = scenes or SCENES
    hits: list[tuple[Face, bool]] = []
    stray = 0
    for i in range(scenes):
        rgb, faces = scene(i)
        boxes = list(detector(rgb))
        used: set[int] = set()
        for face in faces:
            k = found(face.box, [b if n not in used else (0, 0, 0, 0) for n, b in enumerate(boxes)])
            hits.append((face, k is not None))
            if k is not None:
                used.add(k)
        stray += len(boxes) - len(used)
    return {"hits": hits, "stray": stray, "scenes": scenes}


def recall(hits: list[tuple[Face, bool]], keep: Callable[[Face], bool] = lambda f: True) -> tuple[float, int]:
    """Share of the kept faces that were found, and how many faces that share is of."""
    chosen = [ok for f, ok in hits if keep(f)]
    return (sum(chosen) / len(chosen) if chosen else math.nan), len(chosen)


def face_free_photos() -> list[Path]:
    """Real photos known to hold no face (the shared folders only where they exist)."""
    out = []
    for folder in FACE_FREE:
        root = (ROOT / folder).resolve()
        if root.is_dir():
            out += sorted(p for p in root.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg") and p.name not in HAS_FACES)
    return out


def false_hits_on(photos: list[Path], detector: Callable[[np.ndarray], list[Box]]) -> int:
    """Boxes found in face-free photos, each shown upright at no more than the display size."""
    total = 0
    for path in photos:
        try:
            with Image.open(path) as img:
                img = ImageOps.exif_transpose(img).convert("RGB")
                img.thumbnail((1600, 1600))
                total += len(detector(np.asarray(img)))
        except OSError:
            continue                                     # the broken files of the shared folder
    return total


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    del args
    kit, stock = evaluate(detect_faces), evaluate(before)
    minimum = lambda f: not f.size.startswith("tiny")  # noqa: E731 - faces at or above the detector's minimum size
    r_kit, n = recall(kit["hits"], minimum)
    r_stock, _ = recall(stock["hits"], minimum)
    out = [record(f"faces_recall.recall_from_3pct ({n} faces)", 100 * r_kit, "%", 100 * r_stock, ">= 90 %",
                  r_kit >= 0.9)]
    groups: dict[str, Callable[[Face], bool]] = {f"size {s}": (lambda f, s=s: f.size == s) for s in SIZES}
    groups |= {f"light {name}": (lambda f, name=name: f.light == name and minimum(f)) for name in LIGHTS}
    groups |= {"turned 0-10 deg": lambda f: not f.turned and minimum(f), "turned 10-20 deg": lambda f: f.turned and minimum(f)}
    for label, keep in groups.items():
        r, n = recall(kit["hits"], keep)
        ref, _ = recall(stock["hits"], keep)
        out.append(record(f"faces_recall.{label} ({n} faces)", 100 * r, "%", 100 * ref, "", None))
    out.append(record(f"faces_recall.stray_boxes_in_{kit['scenes']}_scenes", kit["stray"], "boxes", stock["stray"], "", None))
    photos = face_free_photos()
    fp_kit, fp_stock = false_hits_on(photos, detect_faces), false_hits_on(photos, before)
    out.append(record(f"faces_recall.false_boxes_in_{len(photos)}_face_free_photos", fp_kit, "boxes", fp_stock,
                      "", None))
    return out
