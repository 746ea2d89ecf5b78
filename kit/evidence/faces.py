"""The kit's one face detector and blurrer, for photos, thumbnails and video frames alike.

The detector is CenterFace (``kit.evidence.centerface``): a small network, MIT-licensed, run on
the CPU by ``onnxruntime``. OpenCV's Haar cascades (``kit.evidence.haar``) remain the fallback
for a machine where the model cannot load; the fallback is logged, since it finds fewer faces.

Privacy asks for recall over precision: blurring a patch of wall costs nothing, a missed face
exposes a person. CenterFace finds faces down to about 24 px reliably, so every picture is
looked at with its longest side brought to ``DETECT_SIDE`` (a face 1 % of the picture wide is
then 24 px), and again at ``LARGE_SIDE`` for faces that fill much of it. A small picture is
enlarged no more than ``MAX_ENLARGE`` times (enlarging a 255 px portrait nine times made boxes
of its cap badge), and boxes under ``MIN_BOX`` px as the network saw them are dropped.
On the 341 labelled faces of ``bench/faces_recall.py`` (1 % to 30 % of the longest side; turned,
turned away, blurred, dark, covered, in crowds), one pass at 1280 px found 83 % at this
threshold, 1600 px 90 %, 2400 px 97 %; the pass at 640 px brought that to 98 % (faces of 15-30 %:
100 % against 86 %). A threshold of 0.15 rather than 0.3 raised recall from 91 % to 98 % for 13
stray boxes in 108 scenes instead of 2, none on 24 face-free scenes, and about one box in three
real face-free photos (foliage, clouds: the price of the low threshold).

Boxes are padded generously and the blur is destructive: the padded box is reduced to ``CELLS``
cells across whatever its size (a 400 px face and a 40 px face keep the same, too small, amount
of detail), then smoothed so no block edges remain.
"""

from __future__ import annotations

import logging
from functools import cache

import numpy as np
from PIL import Image

from kit.core.errors import MissingDependencyError

Box = tuple[int, int, int, int]              # x, y, width, height
DETECT_SIDE = 2400                           # every picture is looked at with this longest side ...
LARGE_SIDE = 640                             # ... and with this one, for faces that fill much of it
MAX_ENLARGE = 2.5                            # but a small picture is enlarged no more than this
MIN_FACE = 24                                # pixels at DETECT_SIDE: the smallest face found reliably
MIN_BOX = 12                                 # pixels as the network saw them: smaller boxes are noise, not faces
THRESHOLD = 0.15                             # heatmap score above which a face is taken
PAD = 0.25                                   # blur a quarter of the box beyond it on every side
CELLS = 6                                    # pixelation cells across a padded box
SAME_FACE = 0.5                              # overlap (of the smaller box) above which two boxes are one face
DETECTORS = ("centerface", "haar")

log = logging.getLogger(__name__)


def _as_rgb(frame: np.ndarray) -> np.ndarray:
    """An HxWx3 uint8 view or copy of an RGB, RGBA or grey uint8 frame; anything else is refused."""
    if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8 or frame.ndim not in (2, 3) \
            or (frame.ndim == 3 and frame.shape[2] not in (1, 3, 4)):
        shape, dtype = getattr(frame, "shape", None), getattr(frame, "dtype", type(frame).__name__)
        raise ValueError(f"expected an HxWx3 uint8 RGB array (or HxW grey, HxWx4 RGBA), got shape {shape} "
                         f"and dtype {dtype}; convert the picture with PIL's .convert('RGB') first")
    if frame.ndim == 2:
        return np.repeat(frame[:, :, None], 3, axis=2)
    if frame.shape[2] == 1:
        return np.repeat(frame, 3, axis=2)
    return frame[:, :, :3]


def _overlap(a: Box, b: Box) -> float:
    """Intersection over the smaller box's area."""
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(0, w) * max(0, h) / max(1, min(a[2] * a[3], b[2] * b[3]))


def _merge(boxes: list[Box]) -> list[Box]:
    """One box per face: a face found twice (two passes, two cascades) is counted once, the larger box kept."""
    kept: list[Box] = []
    for box in sorted(boxes, key=lambda b: b[2] * b[3], reverse=True):
        if all(_overlap(box, k) < SAME_FACE for k in kept):
            kept.append(box)
    return kept


@cache
def active_detector() -> str:
    """``centerface`` when its model and an engine load, else ``haar`` (logged once per process)."""
    from kit.evidence import centerface
    try:
        centerface.runner()
        return "centerface"
    except MissingDependencyError as exc:
        log.warning("face blurring falls back to OpenCV's Haar cascades, which find fewer faces: %s", exc)
        return "haar"


def _centerface(rgb: np.ndarray, side: int, threshold: float) -> list[Box]:
    """Boxes from a pass at ``side`` and one at ``LARGE_SIDE`` (x, y, w, h; not yet merged)."""
    from kit.evidence import centerface
    h, w = rgb.shape[:2]
    out = []
    for scale in dict.fromkeys(min(MAX_ENLARGE, s / max(h, w)) for s in (side, LARGE_SIDE)):
        for x0, y0, x1, y1, _ in centerface.detect(rgb, scale, threshold):
            x0, y0, x1, y1 = max(0.0, x0), max(0.0, y0), min(float(w), x1), min(float(h), y1)
            if min(x1 - x0, y1 - y0) * scale >= MIN_BOX:
                out.append((round(x0), round(y0), max(1, round(x1 - x0)), max(1, round(y1 - y0))))
    return out


def detect_faces(rgb: np.ndarray, *, detect_side: int | None = None, turns: tuple[float, ...] | None = None,
                 detector: str | None = None, threshold: float | None = None) -> list[Box]:
    """Boxes of faces in an HxWx3 uint8 RGB image (grey and RGBA are taken too).

    ``detector`` is ``centerface`` or ``haar`` (default: ``active_detector()``); ``detect_side``,
    ``turns`` (Haar only) and ``threshold`` (CenterFace only) default to the module's settings.
    The recall benchmark passes other values to measure what each costs and finds.
    """
    rgb = _as_rgb(rgb)
    if rgb.size == 0:
        return []
    name = detector or active_detector()
    if name == "centerface":
        boxes = _centerface(rgb, detect_side or DETECT_SIDE, THRESHOLD if threshold is None else threshold)
    elif name == "haar":
        from kit.evidence import haar
        boxes = haar.detect(rgb, detect_side=detect_side, turns=turns)
    else:
        raise ValueError(f"unknown face detector {name!r}; choose one of {', '.join(DETECTORS)}")
    return _merge(boxes)


def blur_boxes(rgb: np.ndarray, boxes: list[Box]) -> np.ndarray:
    """A copy with each padded box pixelated to ``CELLS`` across, then smoothed: no face left to read.

    Works on RGB, RGBA and grey uint8 frames alike; the copy has the frame's own shape.
    """
    import cv2
    _as_rgb(rgb)
    out = rgb.copy()
    h, w = out.shape[:2]
    for x, y, bw, bh in boxes:
        px, py = round(bw * PAD), round(bh * PAD)
        x0, y0, x1, y1 = max(0, x - px), max(0, y - py), min(w, x + bw + px), min(h, y + bh + py)
        if x1 - x0 < 2 or y1 - y0 < 2:
            continue
        rows = max(1, round(CELLS * (y1 - y0) / (x1 - x0)))
        cells = cv2.resize(out[y0:y1, x0:x1], (CELLS, rows), interpolation=cv2.INTER_AREA)
        coarse = cv2.resize(cells, (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST)
        smooth = cv2.GaussianBlur(coarse, (0, 0), sigmaX=max(1.0, (x1 - x0) / CELLS / 2))
        out[y0:y1, x0:x1] = smooth.reshape(out[y0:y1, x0:x1].shape)
    return out


def blur_faces_array(frame: np.ndarray) -> tuple[np.ndarray, int]:
    """Blurred copy of an HxWx3 uint8 RGB frame and the number of faces found."""
    boxes = detect_faces(frame)
    return (blur_boxes(frame, boxes) if boxes else frame.copy()), len(boxes)


def blur_faces_image(img: Image.Image) -> tuple[Image.Image, int]:
    """The same for a Pillow image (converted to RGB); the result holds pixels only, no metadata."""
    arr, n = blur_faces_array(np.asarray(img.convert("RGB")))
    return Image.fromarray(arr), n


class VideoBlurrer:
    """Blurs faces across a clip's frames, detecting only every ``every`` frames.

    Faces move little in a fraction of a second, so each frame is blurred with the boxes of the
    last two detections (the older one covers a face on its way out). On a 2-core machine this
    cuts a clip's blurring time several-fold against detecting on every frame.
    """

    def __init__(self, fps: float, detections_per_second: float = 2.0) -> None:
        self.every = max(1, round(fps / detections_per_second))
        self.frame = 0
        self.recent: list[list[Box]] = [[], []]
        self.faces_seen = 0

    def __call__(self, frame: np.ndarray) -> tuple[np.ndarray, int]:
        if self.frame % self.every == 0:
            found = detect_faces(frame)
            self.recent = [self.recent[-1], found]
            self.faces_seen = max(self.faces_seen, len(found))
        self.frame += 1
        boxes = self.recent[0] + self.recent[1]
        return (blur_boxes(frame, boxes) if boxes else frame), len(self.recent[1])
