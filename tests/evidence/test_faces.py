"""The face blurrer on real photos: finds the real faces among the sample photos, no others, and hides them for good.

CenterFace on the benchmark's own sources, odd input and the fallback: tests/evidence/test_faces_centerface.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from kit.evidence.faces import blur_boxes, blur_faces_array, blur_faces_image, detect_faces

# Two photos with one visible face among the real samples, and where the face is
# (x0, y0, x1, y1 of the face itself, checked by eye).
REAL_FACES = {"exif-samples/jpg/xmp/no_exif.jpg": (205, 20, 240, 67),           # three-quarter view
              "exif-samples/jpg/invalid/image01137.jpg": (15, 22, 42, 55)}      # frontal, 88x64 px


def rgb(path: Path) -> np.ndarray:
    with Image.open(path) as img:
        return np.asarray(ImageOps.exif_transpose(img).convert("RGB"))


def covers(box: tuple[int, int, int, int], face: tuple[int, int, int, int]) -> bool:
    x, y, w, h = box
    cx, cy = (face[0] + face[2]) / 2, (face[1] + face[3]) / 2
    return x <= cx <= x + w and y <= cy <= y + h


@pytest.mark.parametrize("name", sorted(REAL_FACES))
@pytest.mark.parametrize("mirrored", [False, True])
def test_finds_each_real_face_once_either_way_round(shared_data: Path, name: str, mirrored: bool) -> None:
    frame = rgb(shared_data / name)
    x0, y0, x1, y1 = REAL_FACES[name]
    if mirrored:                       # the profile cascade knows one side; its mirror run the other
        frame = frame[:, ::-1].copy()
        x0, x1 = frame.shape[1] - x1, frame.shape[1] - x0
    boxes = detect_faces(frame)
    assert len(boxes) == 1 and covers(boxes[0], (x0, y0, x1, y1)), boxes


def test_finds_the_faces_the_cascades_missed(shared_data: Path) -> None:
    """Two more real photos hold faces: a laughing child among adults, and a face cut by the top edge."""
    child = detect_faces(rgb(shared_data / "exif-samples/jpg/invalid/image00971.jpg"))
    assert any(covers(b, (505, 55, 550, 110)) for b in child), child
    cut = detect_faces(rgb(shared_data / "exif-samples/jpg/invalid/image01088.jpg"))
    assert any(covers(b, (275, 0, 325, 35)) for b in cut), cut


def test_no_face_found_in_the_face_free_samples(shared_data: Path) -> None:
    names = ["exif-orientation/Portrait_1.jpg",            # a person seen from behind
             "exif-orientation/Landscape_1.jpg", "exif-samples/jpg/gps/DSCN0010.jpg",
             "exif-samples/jpg/tests/45-gps_ifd.jpg", "exif-samples/jpg/orientation/portrait_1.jpg"]
    found = {n: detect_faces(rgb(shared_data / n)) for n in names}
    # Recall comes first (kit.evidence.faces): the passes on turned copies find one box on the back of the
    # head in Portrait_1 (a blurred patch of hair); no other face-free photo may get one.
    assert sum(len(b) for b in found.values()) <= 1 and not any(found[n] for n in names[1:]), found


def test_a_blurred_face_keeps_no_features(shared_data: Path) -> None:
    """CenterFace still sees a head where a face was blurred (it finds blurred faces on purpose),
    but the features the cascades look for (eyes, nose, mouth) are gone."""
    frame = rgb(shared_data / "exif-samples/jpg/xmp/no_exif.jpg")
    out, n = blur_faces_array(frame)
    assert n == 1 and detect_faces(frame, detector="haar") and detect_faces(out, detector="haar") == []
    img, n_img = blur_faces_image(Image.fromarray(frame))
    assert n_img == 1 and np.array_equal(np.asarray(img), out)


def test_no_face_leaves_the_frame_unchanged() -> None:
    frame = (np.random.default_rng(1).random((240, 320, 3)) * 255).astype("uint8")
    out, n = blur_faces_array(frame)
    assert n == 0 and np.array_equal(out, frame) and out is not frame


@pytest.mark.parametrize("side", [40, 400])
def test_a_blurred_box_keeps_no_detail_whatever_its_size(side: int) -> None:
    frame = (np.random.default_rng(2).random((800, 800, 3)) * 255).astype("uint8")
    out = blur_boxes(frame, [(150, 150, side, side)])
    top = 150 - side // 4                                       # the padded box starts here
    inner = out[150:150 + side, 150:150 + side].astype(float)
    # Neighbouring pixels differ by a few levels at most: only a few blobs of colour remain.
    assert np.abs(np.diff(inner, axis=1)).mean() < 3, side
    assert np.abs(np.diff(inner, axis=1)).mean() < np.abs(np.diff(frame.astype(float), axis=1)).mean() / 20
    # Outside the padded box: untouched.
    assert np.array_equal(out[:top], frame[:top]) and np.array_equal(out[:, :top], frame[:, :top])


def test_rejects_anything_but_uint8_pictures() -> None:
    for bad in (np.zeros((10, 10, 3), dtype="float32"), np.zeros((10, 10, 2), dtype="uint8"),
                np.zeros((2, 10, 10, 3), dtype="uint8"), np.zeros(10, dtype="uint8")):
        with pytest.raises(ValueError, match="HxWx3 uint8"):
            detect_faces(bad)
        with pytest.raises(ValueError, match="HxWx3 uint8"):
            blur_boxes(bad, [])


def test_recall_set_labels_sit_on_the_pasted_faces(monkeypatch: pytest.MonkeyPatch) -> None:
    """The benchmark's face boxes follow each face through scaling, mirroring and turning.

    A stand-in tile whose face box is pure red on green replaces the portraits: wherever a label
    says a face is, the pixel at its centre must be red (the scene's light and colour cast only
    scale it; its noise and JPEG blur it a little).
    """
    from PIL import Image as PILImage

    import bench.faces_recall as fr
    tile = PILImage.new("RGB", (200, 240), (0, 255, 0))
    tile.paste((255, 0, 0), (60, 50, 140, 150))
    monkeypatch.setattr(fr, "_tile", lambda name: tile.copy())
    monkeypatch.setattr(fr, "FACES", {"stand-in": (60, 50, 140, 150)})
    checked = 0
    for i in range(8):
        rgb, faces = fr.scene(i)
        for face in faces:
            x, y, w, h = face.box
            if w < 40:
                continue                                  # tiny faces: JPEG and noise dominate a few pixels
            r, g, _ = rgb[y + h // 2, x + w // 2].astype(int)
            assert r > 2 * g, (i, face, r, g)
            checked += 1
    assert checked >= 8
