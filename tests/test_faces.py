"""The face blurrer: finds a real face, leaves an empty scene alone, makes a blurred box unreadable."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from kit.faces import blur_boxes, blur_faces_array, detect_faces


def test_no_face_leaves_the_frame_unchanged() -> None:
    frame = (np.random.default_rng(1).random((240, 320, 3)) * 255).astype("uint8")
    out, n = blur_faces_array(frame)
    assert n == 0 and np.array_equal(out, frame) and out is not frame


def test_blurred_box_loses_its_detail() -> None:
    frame = (np.random.default_rng(2).random((200, 200, 3)) * 255).astype("uint8")
    out = blur_boxes(frame, [(50, 50, 80, 80)])
    inner, before = out[60:120, 60:120].astype(float), frame[60:120, 60:120].astype(float)
    assert inner.std() < before.std() / 3
    assert np.array_equal(out[:30, :30], frame[:30, :30])        # outside the padded box: untouched


def test_finds_the_person_in_a_real_photo(shared_data: Path) -> None:
    img = ImageOps.exif_transpose(Image.open(shared_data / "exif-orientation" / "Portrait_1.jpg")).convert("RGB")
    boxes = detect_faces(np.asarray(img))
    assert len(boxes) >= 1
    x, y, w, h = boxes[0]
    assert 400 < x < 700 and 1300 < y < 1600 and w > 100
