"""The kit's one face detector and blurrer, for photos and video frames alike.

The detector is OpenCV's Haar cascades, which ship inside the ``opencv-python-headless`` 4.x
wheel (5.x ships none): nothing is downloaded at run time. Measured on the real photos beside the
project, the frontal ``alt2`` cascade found the one real face there (a three-quarter view) with
1 false hit on 44 face-free photos, where ``default`` missed it and fired 16-18 times on rock,
foliage and lettering; the profile cascade runs on the image and on its mirror, since it only
knows faces turned one way.

Privacy asks for recall over precision: blurring a patch of wall costs nothing, a missed face
exposes a person. Boxes are padded generously and the blur is destructive: the padded box is
reduced to ``CELLS`` cells across whatever its size (a 400 px face and a 40 px face keep the
same, too small, amount of detail), then smoothed so no block edges remain.

Detection runs on a grey copy reduced to at most ``DETECT_SIDE`` on its longest side, so a 12 MP
photo costs about what a 960 px one does; the smallest face found is about ``MIN_FACE`` px there
(2 % of a large photo's longest side). Smaller frames are not enlarged: on 320x240 video frames
that made detection ~6x slower and found no face more among the samples. On the labelled scenes
of ``bench/faces_recall.py`` (first 14 scenes), 960 px found 70 % of faces of 3 % and more
against 55 % at 640 px (small faces of 3-6 %: 57 % against 14 %), with no more stray boxes, for
about 2.3x the detection time. Frontal passes on copies turned 15 degrees either way then raised
it to 85 % (faces tilted 10-20 degrees: 91 % against 64 %) for 4 stray boxes in 14 scenes
instead of 1, and about 1.6x the time again; on 320x240 video frames that is 5 passes instead of 3.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image

Box = tuple[int, int, int, int]              # x, y, width, height
CASCADES = ("haarcascade_frontalface_alt2.xml", "haarcascade_profileface.xml")
DETECT_SIDE = 960
MIN_FACE = 20                                # pixels, at DETECT_SIDE
TURNS = (0, -15, 15)                         # degrees the grey image is also turned for the frontal cascade
SCALE_FACTOR = 1.1
MIN_NEIGHBORS = 5
PAD = 0.25                                   # blur a quarter of the box beyond it on every side
CELLS = 6                                    # pixelation cells across a padded box
SAME_FACE = 0.5                              # overlap (of the smaller box) above which two boxes are one face


@cache
def _detectors() -> list[object]:
    """Frontal and profile cascades, loaded once per process (each pool worker loads its own)."""
    import cv2
    found = []
    for name in CASCADES:
        path = Path(cv2.data.haarcascades) / name
        clf = cv2.CascadeClassifier(str(path))
        if clf.empty():
            from kit.core.errors import MissingDependencyError
            raise MissingDependencyError(f"the face detector {path} could not be loaded; "
                                         "reinstall with pip install 'opencv-python-headless<5'")
        found.append(clf)
    return found


def _check_rgb(frame: np.ndarray) -> None:
    if frame.ndim != 3 or frame.shape[2] != 3 or frame.dtype != np.uint8:
        raise ValueError(f"expected an HxWx3 uint8 RGB array, got shape {frame.shape} and dtype {frame.dtype}")


def _overlap(a: Box, b: Box) -> float:
    """Intersection over the smaller box's area."""
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(0, w) * max(0, h) / max(1, min(a[2] * a[3], b[2] * b[3]))


def _merge(boxes: list[Box]) -> list[Box]:
    """One box per face: a face found by two cascades is counted once (the larger box is kept)."""
    kept: list[Box] = []
    for box in sorted(boxes, key=lambda b: b[2] * b[3], reverse=True):
        if all(_overlap(box, k) < SAME_FACE for k in kept):
            kept.append(box)
    return kept


def _find(clf: object, gray: np.ndarray) -> list[Box]:
    return [tuple(int(v) for v in b) for b in clf.detectMultiScale(  # type: ignore[attr-defined]
        gray, scaleFactor=SCALE_FACTOR, minNeighbors=MIN_NEIGHBORS, minSize=(MIN_FACE, MIN_FACE))]


def _find_turned(clf: object, gray: np.ndarray, angle: float) -> list[Box]:
    """Faces tilted by about ``angle`` degrees: look on a copy turned upright, map the centres back.

    The copy is enlarged to hold the whole turned picture, so no corner (and no face in it) is cut.
    """
    import cv2
    h, w = gray.shape
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(turn[0, 0]), abs(turn[0, 1])
    nw, nh = int(h * sin + w * cos) + 1, int(h * cos + w * sin) + 1
    turn[0, 2] += nw / 2 - w / 2
    turn[1, 2] += nh / 2 - h / 2
    turned = cv2.warpAffine(gray, turn, (nw, nh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    back = cv2.invertAffineTransform(turn)
    out = []
    for x, y, bw, bh in _find(clf, turned):
        cx, cy = back @ np.array([x + bw / 2, y + bh / 2, 1.0])
        out.append((int(cx - bw / 2), int(cy - bh / 2), int(bw), int(bh)))
    return out


def detect_faces(rgb: np.ndarray, *, detect_side: int | None = None, turns: tuple[float, ...] | None = None) -> list[Box]:
    """Boxes of faces in an HxWx3 uint8 RGB image (profiles looked for both ways round).

    ``detect_side`` and ``turns`` default to ``DETECT_SIDE`` and ``TURNS``; the recall benchmark
    passes other values to measure what each costs and finds.
    """
    import cv2
    _check_rgb(rgb)
    side = DETECT_SIDE if detect_side is None else detect_side
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    scale = min(1.0, side / max(gray.shape))
    if scale < 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    gray = cv2.equalizeHist(gray)
    w = gray.shape[1]
    boxes: list[Box] = []
    frontal, profile = _detectors()
    for clf, flipped in ((frontal, False), (profile, False), (profile, True)):
        img = cv2.flip(gray, 1) if flipped else gray
        for x, y, bw, bh in _find(clf, img):
            boxes.append((int(w - x - bw) if flipped else int(x), int(y), int(bw), int(bh)))
    for angle in TURNS if turns is None else turns:
        if angle:
            boxes += _find_turned(frontal, gray, angle)
    return _merge([(round(x / scale), round(y / scale), round(bw / scale), round(bh / scale))
                   for x, y, bw, bh in boxes])


def blur_boxes(rgb: np.ndarray, boxes: list[Box]) -> np.ndarray:
    """A copy with each padded box pixelated to ``CELLS`` across, then smoothed: no face left to read."""
    import cv2
    _check_rgb(rgb)
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
        out[y0:y1, x0:x1] = cv2.GaussianBlur(coarse, (0, 0), sigmaX=max(1.0, (x1 - x0) / CELLS / 2))
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
