"""Media: probing, clips, frames, thumbnails and waveforms on a real file and generated ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kit.core.errors import InputFileError
from kit.evidence import media


def make_video(out: Path, seconds: float = 4.0, size: str = "320x240") -> Path:
    """A test pattern with a tone: every frame differs and the audio is never silent."""
    proc = media.ffmpeg("-y", "-v", "error", "-f", "lavfi", "-i", f"testsrc=duration={seconds}:size={size}:rate=25",
                        "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
                        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def make_audio(out: Path, seconds: float = 4.0) -> Path:
    proc = media.ffmpeg("-y", "-v", "error", "-f", "lavfi", "-i", f"sine=frequency=300:duration={seconds}",
                        "-c:a", "aac", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("media")
    return {"video": make_video(folder / "v.mp4"), "audio": make_audio(folder / "a.m4a")}


def test_probe_real_file(shared_data: Path) -> None:
    info = media.probe(shared_data / "video/in1.mp4")
    assert info == media.MediaInfo(7.04, True, True, 320, 240, 29.97, ("h264", "aac"))


def test_probe_audio_only(generated: dict[str, Path]) -> None:
    info = media.probe(generated["audio"])
    assert (info.has_video, info.has_audio, info.width, info.codecs) == (False, True, None, ("aac",))
    assert info.duration_s == pytest.approx(4.0, abs=0.1)


def test_probe_corrupt_and_missing(tmp_path: Path, shared_data: Path) -> None:
    truncated = tmp_path / "cut.mp4"
    truncated.write_bytes((shared_data / "video/in1.mp4").read_bytes()[:100_000])
    with pytest.raises(InputFileError, match="Invalid data found when processing input") as err:
        media.probe(truncated)
    assert err.value.file == str(truncated)
    with pytest.raises(InputFileError, match="file not found"):
        media.probe(tmp_path / "none.mp4")


def test_cut_clip_real_file_is_browser_playable(tmp_path: Path, shared_data: Path) -> None:
    out = media.cut_clip(shared_data / "video/in1.mp4", 1.5, 4.5, tmp_path / "clip")
    assert out.suffix == ".mp4"
    info = media.probe(out)
    assert info.duration_s == pytest.approx(3.0, abs=0.5)
    assert info.codecs == ("h264", "aac") and (info.width, info.height) == (320, 240)
    data = out.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")                    # +faststart: plays while loading
    assert out.stat().st_size < 200_000


def test_cut_clip_shrinks_wide_video(tmp_path: Path) -> None:
    src = make_video(tmp_path / "wide.mp4", seconds=1.0, size="1280x720")
    info = media.probe(media.cut_clip(src, 0.0, 1.0, tmp_path / "clip"))
    assert (info.width, info.height) == (854, 480)


def test_cut_clip_audio_only_gives_m4a(tmp_path: Path, generated: dict[str, Path]) -> None:
    out = media.cut_clip(generated["audio"], 0.5, 2.5, tmp_path / "clip.mp4")
    assert out.name == "clip.m4a"
    info = media.probe(out)
    assert (info.has_video, info.codecs) == (False, ("aac",))
    assert info.duration_s == pytest.approx(2.0, abs=0.5)


def test_frame_and_thumbnail(tmp_path: Path, generated: dict[str, Path]) -> None:
    frame = media.frame_at(generated["video"], 1.0)
    assert frame.shape == (240, 320, 3) and frame.dtype == np.uint8 and frame.std() > 20
    out = media.thumbnail(generated["video"], 1.0, tmp_path / "t.jpg", width=160)
    with Image.open(out) as img:
        assert (img.format, img.size, img.mode) == ("JPEG", (160, 120), "RGB")


def test_waveform_shows_the_tone(tmp_path: Path, generated: dict[str, Path]) -> None:
    out = media.waveform_png(generated["audio"], 0.0, 2.0, tmp_path / "w.png", size=(200, 80))
    pixels = np.asarray(Image.open(out))
    assert pixels.shape == (80, 200, 3)
    drawn_rows = np.nonzero((pixels == (40, 70, 120)).all(axis=2).any(axis=1))[0]
    assert drawn_rows.max() - drawn_rows.min() > 40                   # scaled to its peak: the tone fills the height


@pytest.fixture()
def fixed_face(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The real blurrer with a detector that always 'finds' one face box; records each detection."""
    import kit.evidence.faces
    calls: list[int] = []

    def detect(frame: np.ndarray) -> list[tuple[int, int, int, int]]:
        calls.append(frame.shape[0])
        return [(100, 60, 80, 80)]

    monkeypatch.setattr(kit.evidence.faces, "detect_faces", detect)
    return calls


def _detail(img: np.ndarray) -> float:
    """Sharpness inside the face box: energy of the differences between neighbouring pixels."""
    region = img[70:130, 110:170].astype(float)
    return float((np.diff(region, axis=0) ** 2).mean() + (np.diff(region, axis=1) ** 2).mean())


def test_blurred_thumbnail_and_clip_go_through_the_blur(tmp_path: Path, generated: dict[str, Path],
                                                        fixed_face: list[int]) -> None:
    src = generated["video"]
    plain = media.frame_at(src, 1.0)
    thumb = np.asarray(Image.open(media.thumbnail(src, 1.0, tmp_path / "t.jpg", width=320, blur_faces=True)))
    assert _detail(thumb) < _detail(plain) / 2
    clip = media.cut_clip(src, 0.0, 2.0, tmp_path / "c", blur_faces=True)
    info = media.probe(clip)
    assert info.codecs == ("h264", "aac") and info.duration_s == pytest.approx(2.0, abs=0.5)
    assert len(fixed_face) == 1 + 5          # the thumbnail, then 2 s at 25 fps detected twice a second
    assert _detail(media.frame_at(clip, 0.5)) < _detail(media.frame_at(src, 0.5)) / 2


def test_copy_of_real_file_still_probes_after_rename(tmp_path: Path, shared_data: Path) -> None:
    odd = tmp_path / "session one (final).MP4"
    shutil.copy(shared_data / "video/in1.mp4", odd)
    assert media.probe(odd).duration_s == 7.04


def _detector(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A detector that 'finds' a face wherever the frame has its bright 40x40 patch; logs each call."""
    import kit.evidence.faces
    calls: list[int] = []

    def detect(frame: np.ndarray) -> list[tuple[int, int, int, int]]:
        calls.append(1)
        return [(100, 60, 40, 40)] if frame[80, 120, 0] == 250 else []

    monkeypatch.setattr(kit.evidence.faces, "detect_faces", detect)
    return calls


def _scene(n: int, face_from: int | None = None, noise: int = 0, seed: int = 0) -> list[np.ndarray]:
    """n frames of a textured still, the face patch from frame ``face_from``, optional pixel noise."""
    rng = np.random.default_rng(seed)
    base = (np.indices((240, 320)).sum(axis=0) % 200).astype(np.uint8)[..., None].repeat(3, axis=2)
    frames = []
    for i in range(n):
        f = base.copy()
        if noise:
            f = np.clip(f.astype(int) + rng.integers(-noise, noise + 1, f.shape), 0, 255).astype(np.uint8)
        if face_from is not None and i >= face_from:
            f[60:100, 100:140] = 250
        frames.append(f)
    return frames


def _blurred(blur: media.ClipBlurrer, frames: list[np.ndarray]) -> list[np.ndarray]:
    out = [f for frame in frames for f in blur.push(frame)] + blur.flush()
    assert len(out) == len(frames)
    return out


def test_clip_blurrer_skips_looks_at_an_unchanged_picture(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _detector(monkeypatch)
    _blurred(media.ClipBlurrer(25), _scene(100, noise=3))    # 4 s of a still with encoder-like noise
    # The first frame, then only the 2-second refreshes (frames 50): 2 looks, not the 8 of a fixed schedule.
    assert len(calls) == 2


def test_clip_blurrer_covers_a_face_from_the_frame_it_arrives(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _detector(monkeypatch)
    frames = _scene(40, face_from=30)
    out = _blurred(media.ClipBlurrer(25), frames)
    assert len(calls) == 2                         # frame 0, then frame 30, the frame the face arrives
    assert np.array_equal(out[0], frames[0])       # nothing found before the face
    assert all(not np.array_equal(o, f) for o, f in zip(out[1:], frames[1:], strict=True))   # held frames too


def test_clip_blurrer_a_face_between_looks_is_blurred_from_its_first_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _detector(monkeypatch)
    frames = []
    for i in range(30):                            # a bar sweeping across: every frame differs
        f = _scene(1, face_from=0 if i >= 17 else None)[0]
        f[:, 200 + i * 3:210 + i * 3] = 0
        frames.append(f)
    out = _blurred(media.ClipBlurrer(25), frames)
    assert len(calls) == 3                         # frames 0, 12, 24: the face arrives at 17, between looks
    assert all(not np.array_equal(out[i][60:100, 100:140], frames[i][60:100, 100:140]) for i in range(17, 30))


def test_clip_blurrer_keeps_twice_a_second_on_moving_pictures(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _detector(monkeypatch)
    frames = []
    for i in range(50):                            # a bar sweeping across: every frame differs
        f = _scene(1)[0]
        f[:, (i * 6) % 300:(i * 6) % 300 + 20] = 0
        frames.append(f)
    _blurred(media.ClipBlurrer(25), frames)
    assert len(calls) == 5                         # frames 0, 12, 24, 36, 48


def test_clip_blurrer_looks_at_a_cut_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _detector(monkeypatch)
    still = _scene(1)[0]
    _blurred(media.ClipBlurrer(25), [still if i < 5 else 255 - still for i in range(10)])   # a new scene at frame 5
    assert len(calls) == 2
