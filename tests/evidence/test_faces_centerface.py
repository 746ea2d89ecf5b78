"""CenterFace, the default face detector: finds the benchmark's faces, blurs only them, takes odd
input without crashing, and falls back to the Haar cascades when its model cannot load."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kit.core.errors import MissingDependencyError
from kit.evidence import centerface, faces
from kit.evidence.faces import PAD, blur_faces_array, blur_faces_image, detect_faces

SOURCES = Path(__file__).resolve().parents[2] / "bench" / "faces"
# Where the face is in each source (x0, y0, x1, y1), as bench/faces_recall.py labels it.
FACES = {"astronaut": (64, 61, 156, 164), "camera": (56, 57, 136, 152), "hopper": (77, 58, 187, 156)}


def source(name: str) -> np.ndarray:
    with Image.open(SOURCES / f"{name}.jpg") as img:
        return np.asarray(img.convert("RGB"))


def holds_centre(box: tuple[int, int, int, int], face: tuple[int, int, int, int]) -> bool:
    x, y, w, h = box
    cx, cy = (face[0] + face[2]) / 2, (face[1] + face[3]) / 2
    return x <= cx <= x + w and y <= cy <= y + h


@pytest.fixture
def fresh_choice() -> Iterator[None]:
    """The detector is chosen once per process; a test that breaks it must not leave its choice behind."""
    faces.active_detector.cache_clear()
    centerface.runner.cache_clear()
    yield
    faces.active_detector.cache_clear()
    centerface.runner.cache_clear()


def test_centerface_is_the_default() -> None:
    assert faces.active_detector() == "centerface" and centerface.runner()[0] == "onnxruntime"


@pytest.mark.parametrize("name", sorted(FACES))
def test_finds_the_face_in_each_source_and_blurs_only_there(name: str) -> None:
    frame = source(name)
    boxes = detect_faces(frame)
    assert len(boxes) == 1 and holds_centre(boxes[0], FACES[name]), boxes
    out, n = blur_faces_array(frame)
    x, y, w, h = boxes[0]
    px, py = round(w * PAD), round(h * PAD)
    inside = np.zeros(frame.shape[:2], bool)
    inside[max(0, y - py):y + h + py, max(0, x - px):x + w + px] = True
    assert n == 1
    changed = np.any(out != frame, axis=2)
    assert not changed[~inside].any()                           # nothing outside the padded box moves
    x0, y0, x1, y1 = FACES[name]
    assert changed[y0:y1, x0:x1].mean() > 0.9                   # almost every face pixel does


@pytest.mark.parametrize("name", sorted(FACES))
def test_a_small_turned_face_in_a_large_picture_is_found(name: str) -> None:
    """A face a twentieth of the picture wide, turned 25 degrees, on a dim 1600x1200 grey."""
    tile = Image.fromarray(source(name)).rotate(25, Image.Resampling.BICUBIC, expand=True, fillcolor=(90, 90, 90))
    small = tile.resize((tile.width * 80 // 255, tile.height * 80 // 255), Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", (1600, 1200), (90, 90, 90))
    canvas.paste(small, (700, 500))
    boxes = detect_faces(np.asarray(canvas))
    cx, cy = 700 + small.width / 2, 500 + small.height / 2
    assert any(x - 0.3 * w <= cx <= x + 1.3 * w and y - 0.3 * h <= cy <= y + 1.3 * h for x, y, w, h in boxes), boxes


def test_no_box_on_face_free_scenes() -> None:
    from kit.synth.photos import SCENES, upright
    rng = np.random.default_rng(7)
    found = {i: detect_faces(np.asarray(upright(i, rng))) for i in range(0, len(SCENES), 3)}   # a few kinds
    assert not any(found.values()), found


@pytest.mark.parametrize("frame", [
    np.zeros((1, 1, 3), np.uint8), np.full((1, 5000, 3), 200, np.uint8), np.zeros((0, 0, 3), np.uint8),
    np.full((240, 320), 128, np.uint8), np.full((240, 320, 1), 128, np.uint8), np.full((240, 320, 4), 255, np.uint8),
], ids=["1x1", "1x5000", "empty", "grey", "grey-1-channel", "rgba"])
def test_odd_frames_do_not_crash(frame: np.ndarray) -> None:
    assert detect_faces(frame) == []
    out, n = blur_faces_array(frame)
    assert n == 0 and out.shape == frame.shape


def test_grey_rgba_and_huge_pictures_are_searched_too() -> None:
    face = source("astronaut")
    grey = np.asarray(Image.fromarray(face).convert("L"))
    assert len(detect_faces(grey)) == 1
    rgba = np.concatenate([face, np.full(face.shape[:2] + (1,), 255, np.uint8)], axis=2)
    out, n = blur_faces_array(rgba)
    assert n == 1 and out.shape == rgba.shape and np.array_equal(out[:, :, 3], rgba[:, :, 3])
    huge = np.full((6000, 8000, 3), 120, np.uint8)                    # 48 MP: reduced before detection
    huge[2000:2000 + 267 * 4, 3000:3000 + 220 * 4] = np.asarray(Image.fromarray(face).resize((880, 1068)))
    boxes = detect_faces(huge)
    assert len(boxes) == 1 and holds_centre(boxes[0], (3000 + 64 * 4, 2000 + 61 * 4, 3000 + 156 * 4, 2000 + 164 * 4))


@pytest.mark.parametrize("mode", ["L", "RGBA", "P", "I;16", "CMYK"])
def test_any_pillow_mode_is_blurred(mode: str) -> None:
    img = Image.fromarray(source("hopper")).convert(mode)
    out, n = blur_faces_image(img)
    assert n == 1 and out.mode == "RGB" and out.size == img.size


def test_opencv_engine_finds_the_same_faces(monkeypatch: pytest.MonkeyPatch, fresh_choice: None) -> None:
    """Where onnxruntime cannot load, OpenCV's DNN module runs the same model (its arithmetic differs a
    little, so a stray box more may come with the face)."""
    def no_onnxruntime(path: Path) -> centerface.Runner:
        raise ImportError("No module named 'onnxruntime'")
    monkeypatch.setattr(centerface, "_onnxruntime", no_onnxruntime)
    assert faces.active_detector() == "centerface" and centerface.runner()[0] == "opencv-dnn"
    for name, face in FACES.items():
        boxes = detect_faces(source(name))
        assert any(holds_centre(b, face) for b in boxes) and len(boxes) <= 2, (name, boxes)


def test_falls_back_to_haar_when_the_model_is_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                      fresh_choice: None, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "centerface.onnx").write_bytes(b"not the model")       # altered: refused
    monkeypatch.setattr(centerface, "ASSETS_DIR", tmp_path)
    monkeypatch.setattr(centerface.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(MissingDependencyError, match="pip install"):
        centerface.model_path()
    assert faces.active_detector() == "haar"
    assert "Haar" in caplog.text
    boxes = detect_faces(source("astronaut"))
    assert boxes and any(holds_centre(b, FACES["astronaut"]) for b in boxes)


def test_unknown_detector_is_named() -> None:
    with pytest.raises(ValueError, match="centerface, haar"):
        detect_faces(source("camera"), detector="yolo")


def test_model_takes_any_input_size() -> None:
    """The rewritten model runs at sizes other than the 32x32 it was exported with."""
    run = centerface.runner()[1]
    for h, w in ((32, 64), (96, 160)):
        heat = run(np.zeros((1, 3, h, w), np.float32))[0]
        assert heat.shape == (1, 1, h // 4, w // 4)
