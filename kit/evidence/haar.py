"""OpenCV's Haar cascades: the kit's fallback face detector, for when CenterFace cannot load.

The cascades ship inside the ``opencv-python-headless`` 4.x wheel (5.x ships none): nothing is
downloaded at run time. Measured on the real photos beside the project, the frontal ``alt2``
cascade found the one real face there (a three-quarter view) with 1 false hit on 44 face-free
photos, where ``default`` missed it and fired 16-18 times on rock, foliage and lettering; the
profile cascade runs on the image and on its mirror, since it only knows faces turned one way.

Detection runs on a grey copy reduced to at most ``DETECT_SIDE`` on its longest side; the
smallest face found is about ``MIN_FACE`` px there. Smaller frames are not enlarged: on 320x240
video frames that made detection ~6x slower and found no face more among the samples. On the
first labelled scenes of ``bench/faces_recall.py``, 960 px found 70 % of faces of 3 % and more
against 55 % at 640 px, and frontal passes on copies turned 15 degrees either way raised that to
85 % (faces tilted 10-20 degrees: 91 % against 64 %), for about 1.6x the time. CenterFace, on the
same scenes, finds more faces with fewer stray boxes (``kit.evidence.faces``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

Box = tuple[int, int, int, int]              # x, y, width, height
CASCADES = ("haarcascade_frontalface_alt2.xml", "haarcascade_profileface.xml")
DETECT_SIDE = 960
MIN_FACE = 20                                # pixels, at DETECT_SIDE
TURNS = (0, -15, 15)                         # degrees the grey image is also turned for the frontal cascade
SCALE_FACTOR = 1.1
MIN_NEIGHBORS = 5


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


def detect(rgb: np.ndarray, *, detect_side: int | None = None, turns: tuple[float, ...] | None = None) -> list[Box]:
    """Boxes (not yet merged: a face may have several) in an HxWx3 uint8 RGB image.

    ``detect_side`` and ``turns`` default to ``DETECT_SIDE`` and ``TURNS``; the recall benchmark
    passes other values to measure what each costs and finds.
    """
    import cv2
    side = DETECT_SIDE if detect_side is None else detect_side
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    scale = min(1.0, side / max(gray.shape))
    if scale < 1.0:
        gray = cv2.resize(gray, (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale))),
                          interpolation=cv2.INTER_AREA)
        scale = gray.shape[1] / rgb.shape[1]
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
    return [(round(x / scale), round(y / scale), round(bw / scale), round(bh / scale)) for x, y, bw, bh in boxes]
