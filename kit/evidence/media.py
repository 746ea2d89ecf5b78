"""Video and audio: probing, clips, frames, thumbnails and waveforms, all through one ffmpeg.

The ffmpeg binary comes from the imageio-ffmpeg wheel, so there is nothing to install and every
machine runs the same build. That build has no ffprobe, so ``probe`` reads what ``ffmpeg -i``
prints. Clips are re-encoded rather than stream-copied: a copy can only cut at keyframes and may
keep codecs a browser cannot play, while H.264/yuv420p/AAC with faststart plays everywhere.

ffmpeg reads a recording as what it is and reaches nothing else. Before any run, the file's first
bytes must show a video or audio container its extension allows (``kit.evidence.sniff``); every
invocation then names that container's demuxer (``-f mov``, ``-f matroska``, ``-f wav`` ...) and
allows the file protocol alone (``-protocol_whitelist file``; ``pipe`` only for the frames the kit
pipes in itself), all before ``-i`` (``source_args``). So a playlist, a concat list or any text
named ``.mp4`` is refused with a reason, and even a file that passed the sniffing cannot make
ffmpeg open another file or a URL: the demuxer that follows such lists is never chosen, and no
protocol but the local file is open to it. The MP4/QuickTime demuxer's references to other files
(``enable_drefs``, ``use_absolute_path``) are switched off by name, not left to ffmpeg's defaults.
A recording whose frames are larger than ``MAX_FRAME_PIXELS`` is refused as a possible
decompression bomb, as a photo larger than ``kit.evidence.photos.MAX_PIXELS`` is.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from imageio_ffmpeg import get_ffmpeg_exe
from PIL import Image, ImageDraw

from kit.core.errors import InputFileError, MissingDependencyError
from kit.evidence import sniff

MAX_CLIP_WIDTH = 854                       # 480p: modest files, still legible faces and screens
MAX_FRAME_PIXELS = 40_000_000              # above 8K UHD (33 MP); larger frames are refused unread
_TIMEOUT_S = 600
_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_STREAM = re.compile(r"Stream #\d+:\d+[^:]*: (Video|Audio): (\w+)(.*)")
_SIZE = re.compile(r", (\d{2,5})x(\d{2,5})")
_FPS = re.compile(r", ([\d.]+) (?:fps|tbr)")
_TIME = re.compile(r"time=(\d+):(\d\d):(\d\d(?:\.\d+)?)")


@dataclass(frozen=True)
class MediaInfo:
    """What a recording holds, as far as clips and thumbnails need to know."""

    duration_s: float
    has_video: bool
    has_audio: bool
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    codecs: tuple[str, ...] = ()


def ffmpeg(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run the bundled ffmpeg quietly, returning its output; never raises on a non-zero exit."""
    return subprocess.run([get_ffmpeg_exe(), "-hide_banner", "-nostdin", *args], input=stdin,
                          capture_output=True, timeout=_TIMEOUT_S, check=False)


def source_args(path: Path) -> tuple[str, ...]:
    """``-i path`` with what limits ffmpeg to that one local file, read as the container it holds.

    Raises InputFileError when the file is missing, or its content is not a video or audio
    container its extension allows (then ffmpeg is not run at all).
    """
    kind = sniff.check(path, "recording")
    assert kind.demuxer is not None
    own = ("-enable_drefs", "0", "-use_absolute_path", "0") if kind.demuxer == "mov" else ()
    return (*own, "-protocol_whitelist", "file", "-f", kind.demuxer, "-i", f"file:{path.resolve()}")


def _failed(src: Path, what: str, proc: subprocess.CompletedProcess[bytes]) -> InputFileError:
    """An InputFileError carrying ffmpeg's last words, which usually name the real problem."""
    lines = [ln.strip() for ln in proc.stderr.decode(errors="replace").splitlines() if ln.strip()]
    return InputFileError(src, f"{what} failed: {lines[-1] if lines else f'ffmpeg exit code {proc.returncode}'}")


def probe(path: Path) -> MediaInfo:
    """Duration and streams from ``ffmpeg -i``; InputFileError for a missing, mistyped or corrupt file."""
    proc = ffmpeg(*source_args(path))
    text = proc.stderr.decode(errors="replace")
    streams = [(kind, codec, rest) for kind, codec, rest in _STREAM.findall(text)
               if "attached pic" not in rest]                   # cover art is not video
    if not streams:
        raise _failed(path, "reading the media", proc) if "Error" in text else InputFileError(
            path, "holds no audio or video stream")
    video = next(((c, r) for k, c, r in streams if k == "Video"), None)
    size = _SIZE.search(video[1]) if video else None
    if size and int(size.group(1)) * int(size.group(2)) > MAX_FRAME_PIXELS:
        raise InputFileError(path, f"its frames are {size.group(1)}x{size.group(2)}, more than {MAX_FRAME_PIXELS:,} "
                                   "pixels; refused as a possible decompression bomb")
    fps = _FPS.search(video[1]) if video else None
    return MediaInfo(duration_s=_duration(path, text), has_video=video is not None,
                     has_audio=any(k == "Audio" for k, _, _ in streams),
                     width=int(size.group(1)) if size else None, height=int(size.group(2)) if size else None,
                     fps=float(fps.group(1)) if fps else None, codecs=tuple(c for _, c, _ in streams))


def _duration(path: Path, header: str) -> float:
    """The header's duration, or (for streams that do not state one) the time reached by decoding."""
    m = _DURATION.search(header)
    if m:
        return _seconds(m)
    proc = ffmpeg(*source_args(path), "-f", "null", "-")
    times = list(_TIME.finditer(proc.stderr.decode(errors="replace")))
    if not times:
        raise _failed(path, "measuring the duration", proc)
    return _seconds(times[-1])


def _seconds(m: re.Match[str]) -> float:
    return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))


def clip_suffix(info: MediaInfo) -> str:
    """.mp4 for video, .m4a for audio-only sources (what a browser's <video>/<audio> expects)."""
    return ".mp4" if info.has_video else ".m4a"


def _clip_size(info: MediaInfo) -> tuple[int, int]:
    """Output frame size: at most MAX_CLIP_WIDTH wide, even sides (yuv420p needs them even)."""
    w, h = info.width or 2, info.height or 2
    scale = min(1.0, MAX_CLIP_WIDTH / w)
    return max(2, int(w * scale) // 2 * 2), max(2, int(h * scale) // 2 * 2)


_H264 = ("-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-pix_fmt", "yuv420p")
_AAC = ("-c:a", "aac", "-b:a", "96k")


def cut_clip(src: Path, start_s: float, end_s: float, out: Path, *, info: MediaInfo | None = None,
             blur_faces: bool = False) -> Path:
    """Cut [start_s, end_s) into a browser-playable file; returns its path (suffix from clip_suffix).

    ``-ss`` before ``-i`` seeks by index instead of decoding from the start, so a clip from the end
    of a two-hour call costs the same as one from its beginning.
    """
    info = info or probe(src)
    if end_s <= start_s:
        raise ValueError(f"clip end {end_s} is not after its start {start_s}")
    out = out.with_suffix(clip_suffix(info))
    out.parent.mkdir(parents=True, exist_ok=True)
    if info.has_video and blur_faces:
        return _cut_blurred(src, start_s, end_s, out, info)
    span = ("-ss", f"{start_s:.3f}", *source_args(src), "-t", f"{end_s - start_s:.3f}")
    if info.has_video:
        w, h = _clip_size(info)
        codec = ("-map", "0:v:0", "-map", "0:a:0?", "-vf", f"scale={w}:{h}", *_H264, *_AAC)
    else:
        codec = ("-map", "0:a:0", "-vn", *_AAC)
    proc = ffmpeg("-y", "-v", "error", *span, *codec, "-movflags", "+faststart", str(out))
    if proc.returncode != 0 or not out.is_file():
        raise _failed(src, f"cutting {start_s:.1f}-{end_s:.1f}s", proc)
    return out


def _blur_function():
    """The kit's face blurrer for one image; imported on demand, so clips without blurring need no OpenCV."""
    try:
        from kit.evidence.faces import blur_faces_array
    except ImportError as exc:
        raise MissingDependencyError(f"face blurring needs kit.evidence.faces and its detector ({exc})") from None
    return blur_faces_array


class ClipBlurrer:
    """Blurs faces through a clip with the kit's one detector, running it only when it can matter.

    Detection runs at most ``per_second`` times a second (as ``kit.evidence.faces.VideoBlurrer``), and a
    scheduled look is skipped while the picture is the same as at the last look: compared on a
    grid of cells half the smallest detectable face wide, so a face that appears, leaves or moves
    changes at least one cell, while encoder noise (averaged over a cell) does not. A look at the
    same pixels can only find the same faces, so nothing is lost; on screen shares, slides and the
    held frames of low-frame-rate recordings most looks go. A cut to a new scene is looked at on
    the frame it happens, and no box is held longer than ``max_hold_s`` without a fresh look.

    Frames between two looks wait (``push`` returns them once the next look is done) and are
    blurred with the boxes of the look before them, the one after them and the one before that:
    a face coming into view is covered from its first frame, not from the next look, and one
    on its way out stays covered until it is gone.
    """

    CHANGED = 8.0          # grey levels, mean within a cell: more than noise, less than a face arriving
    CUT = 40.0             # a cell this different ...
    CUT_SHARE = 0.3        # ... in this share of the picture: a new scene, look now

    def __init__(self, fps: float, per_second: float = 2.0, max_hold_s: float = 2.0) -> None:
        self.every = max(1, round(fps / per_second))
        self.max_hold = max(self.every, round(fps * max_hold_s))
        self.since = 0                                 # frames since the last look
        self.seen: np.ndarray | None = None            # the grid at the last look
        self.recent: list[list[tuple[int, int, int, int]]] = [[], []]
        self.pending: list[np.ndarray] = []
        self.detections = 0

    def push(self, frame: np.ndarray) -> list[np.ndarray]:
        """Take the next frame; returns the frames now ready, blurred, in order (maybe none)."""
        from kit.evidence import faces
        self.since += 1
        if not self._look_now(frame):
            self.pending.append(frame)
            return []
        found = faces.detect_faces(frame)
        self.detections += 1
        waiting = self.recent[0] + self.recent[1] + found
        ready = [self._blur(f, waiting) for f in self.pending]
        self.recent, self.pending, self.since = [self.recent[1], found], [], 0
        return [*ready, self._blur(frame, self.recent[0] + found)]

    def flush(self) -> list[np.ndarray]:
        """The frames after the last look, blurred with the last two looks' boxes."""
        ready = [self._blur(f, self.recent[0] + self.recent[1]) for f in self.pending]
        self.pending = []
        return ready

    def _look_now(self, frame: np.ndarray) -> bool:
        grid = self._grid(frame)
        if self.seen is None or self.seen.shape != grid.shape:
            self.seen = grid
            return True
        diff = np.abs(grid - self.seen)
        due = self.since >= self.every and float(diff.max()) > self.CHANGED
        cut = float((diff > self.CUT).mean()) > self.CUT_SHARE
        if due or cut or self.since >= self.max_hold:
            self.seen = grid
            return True
        return False

    @staticmethod
    def _blur(frame: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> np.ndarray:
        from kit.evidence import faces
        return faces.blur_boxes(frame, boxes) if boxes else frame

    @staticmethod
    def _grid(frame: np.ndarray) -> np.ndarray:
        """Mean grey per cell, cells half the smallest face the detector finds (at its own scale)."""
        import cv2

        from kit.evidence import faces
        h, w = frame.shape[:2]
        scale = min(1.0, faces.DETECT_SIDE / max(h, w))
        cell = max(2.0, faces.MIN_FACE / 2 / scale)
        size = (max(1, round(w / cell)), max(1, round(h / cell)))
        grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
        return cv2.resize(grey, size, interpolation=cv2.INTER_AREA).astype(np.float32)


def _cut_blurred(src: Path, start_s: float, end_s: float, out: Path, info: MediaInfo) -> Path:
    """Decode raw RGB frames through a pipe, blur faces in each, re-encode with the clip's audio."""
    _blur_function()                            # the detector is there, or a clear error
    blur = ClipBlurrer(info.fps or 25)
    w, h = _clip_size(info)
    fps = f"{info.fps or 25:.3f}"
    source = ("-ss", f"{start_s:.3f}", "-t", f"{end_s - start_s:.3f}", *source_args(src))
    decode = [get_ffmpeg_exe(), "-v", "error", "-nostdin", *source,
              "-vf", f"scale={w}:{h}", "-r", fps, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    encode = [get_ffmpeg_exe(), "-y", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
              "-s", f"{w}x{h}", "-r", fps, "-protocol_whitelist", "pipe", "-i", "pipe:0", *source,
              "-map", "0:v:0", "-map", "1:a:0?", *_H264, *_AAC, "-shortest", "-movflags", "+faststart",
              str(out)]
    frame_bytes = w * h * 3
    with tempfile.TemporaryFile() as dec_err, tempfile.TemporaryFile() as enc_err:
        dec = subprocess.Popen(decode, stdout=subprocess.PIPE, stderr=dec_err)
        enc = subprocess.Popen(encode, stdin=subprocess.PIPE, stderr=enc_err)
        assert dec.stdout is not None and enc.stdin is not None
        try:
            while len(raw := dec.stdout.read(frame_bytes)) == frame_bytes:
                for frame in blur.push(np.frombuffer(raw, np.uint8).reshape(h, w, 3)):
                    enc.stdin.write(np.ascontiguousarray(frame, dtype=np.uint8).tobytes())
            for frame in blur.flush():
                enc.stdin.write(np.ascontiguousarray(frame, dtype=np.uint8).tobytes())
            enc.stdin.close()
        except BrokenPipeError:                 # the encoder stopped; its stderr says why
            dec.kill()
        codes = dec.wait(_TIMEOUT_S), enc.wait(_TIMEOUT_S)
        if any(codes) or not out.is_file():
            enc_err.seek(0)
            dec_err.seek(0)
            message = (enc_err.read() + dec_err.read()).decode(errors="replace").strip().splitlines()
            raise InputFileError(src, f"cutting a face-blurred clip failed: {message[-1] if message else codes}")
    return out


def frame_at(src: Path, t: float) -> np.ndarray:
    """The frame shown at ``t`` seconds, as an HxWx3 uint8 RGB array."""
    proc = ffmpeg("-v", "error", "-ss", f"{max(t, 0):.3f}", *source_args(src), "-frames:v", "1",
                  "-f", "image2pipe", "-c:v", "png", "-")
    if proc.returncode != 0 or not proc.stdout:
        raise _failed(src, f"reading a frame at {t:.1f}s", proc) if proc.returncode else InputFileError(
            src, f"no video frame at {t:.1f}s")
    with Image.open(io.BytesIO(proc.stdout), formats=["PNG"]) as img:
        return np.asarray(img.convert("RGB"))


def thumbnail(src: Path, t: float, out: Path, width: int = 480, *, blur_faces: bool = False) -> Path:
    """A JPEG of the frame at ``t``, ``width`` pixels wide, faces blurred when asked."""
    frame = frame_at(src, t)
    if blur_faces:
        frame, _ = _blur_function()(frame)
    img = Image.fromarray(np.ascontiguousarray(frame, dtype=np.uint8))
    img = img.resize((width, max(1, round(img.height * width / img.width))), Image.Resampling.LANCZOS)
    out.parent.mkdir(parents=True, exist_ok=True)
    img.save(out, "JPEG", quality=85, optimize=True)
    return out


def waveform_png(src: Path, start_s: float, end_s: float, out: Path,
                 size: tuple[int, int] = (480, 120)) -> Path:
    """A picture of the sound between start_s and end_s, the thumbnail of an audio-only moment.

    Scaled to the loudest sample, so a quiet phone call is as readable as a loud one; near-silence
    (below 1/256 of full scale) is not blown up into noise.
    """
    rate = 8000
    proc = ffmpeg("-v", "error", "-ss", f"{start_s:.3f}", *source_args(src), "-t", f"{end_s - start_s:.3f}",
                  "-vn", "-ac", "1", "-ar", str(rate), "-f", "s16le", "-")
    if proc.returncode != 0:
        raise _failed(src, "decoding audio", proc)
    samples = np.frombuffer(proc.stdout, dtype="<i2").astype(np.float32)
    samples /= max(float(np.abs(samples).max(initial=0)), 128.0)   # quiet speech still shows its shape
    width, height = size
    img = Image.new("RGB", size, (250, 250, 248))
    draw = ImageDraw.Draw(img)
    mid = height / 2
    draw.line([(0, mid), (width, mid)], fill=(200, 200, 200))
    for x, column in enumerate(np.array_split(samples, width) if samples.size >= width else []):
        lo, hi = float(column.min()), float(column.max())
        draw.line([(x, mid - hi * (mid - 2)), (x, mid - lo * (mid - 2))], fill=(40, 70, 120))
    out.parent.mkdir(parents=True, exist_ok=True)
    img.save(out, "PNG", optimize=True)
    return out
