"""Hostile photos and recordings: each is refused with its reason, nothing it points at is opened,
and the valid files beside it are still published."""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import threading
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import kit.evidence.photos
from kit.core.errors import InputFileError
from kit.core.rejects import RejectLog
from kit.evidence import media, sniff
from kit.evidence.photos import MAX_EXIF_BYTES, publish_one
from kit.steps.photos import process_photos
from kit.steps.recordings import process_recordings
from tests.evidence.test_media import make_audio, make_video

PROMPT_S = 30            # far above what a refusal takes; a blocked open of the named pipe never returns


# ---- hostile files -----------------------------------------------------------------------------

def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb_header(width: int = 30_000, height: int = 30_000) -> bytes:
    """A valid, tiny PNG whose IHDR claims width x height pixels (a few hundred bytes on disk)."""
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + png_chunk(b"IEND", b""))


def jpeg_bytes(size: tuple[int, int] = (64, 48), **save: object) -> bytes:
    rng = np.random.default_rng(1)
    buf = io.BytesIO()
    Image.fromarray((rng.random((size[1], size[0], 3)) * 255).astype("uint8")).save(buf, "JPEG", **save)
    return buf.getvalue()


def jpeg_with_huge_exif(total: int = 1 << 20) -> bytes:
    """A JPEG carrying ``total`` bytes of EXIF in as many APP1 'Exif' segments as it takes (each at most 64 KB)."""
    exif = Image.Exif()
    exif[0x010F] = "Camera"
    payloads = [exif.tobytes().ljust(65_000, b"\x00")]
    while sum(map(len, payloads)) < total:
        payloads.append(b"Exif\x00\x00".ljust(65_000, b"\x00"))
    segments = b"".join(b"\xff\xe1" + struct.pack(">H", len(p) + 2) + p for p in payloads)
    plain = jpeg_bytes()
    return plain[:2] + segments + plain[2:]


def png_with_exif(size: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), "red").save(buf, "PNG", exif=b"Exif\x00\x00MM\x00*\x00\x00\x00\x08" + b"\x00" * size)
    return buf.getvalue()


HTML = b"<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>\n"
SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b"<script>alert(1)</script></svg>\n")


@pytest.fixture(scope="module")
def small_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_video(tmp_path_factory.mktemp("video") / "small.mp4", seconds=1.0, size="160x120")


# ---- photos ------------------------------------------------------------------------------------

def test_hostile_photos_are_refused_with_reasons_and_the_run_goes_on(tmp_path: Path, small_video: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    photos = tmp_path / "p" / "photos"
    photos.mkdir(parents=True)
    nikon_like = jpeg_bytes((400, 300), quality=95)
    hostile = {
        "page.jpg": HTML, "drawing.png": SVG, "bomb.png": png_bomb_header(), "cut.jpg": nikon_like[: len(nikon_like) // 2],
        "fat-exif.jpg": jpeg_with_huge_exif(), "fat-exif.png": png_with_exif(200_000), "empty.jpg": b"",
        "really-png.jpg": png_with_exif(0), "clip.jpg": small_video.read_bytes(),
        "noise.webp": np.random.default_rng(5).bytes(2048),
    }
    for name, data in hostile.items():
        (photos / name).write_bytes(data)
    good = {"ok.jpg": jpeg_bytes(), "ok.png": png_with_exif(0)}
    for name, data in good.items():
        (photos / name).write_bytes(data)
    Image.new("RGB", (30, 20), "blue").save(photos / "ok.webp")
    opened: list[str] = []
    real_open = Image.open
    def spied_open(fp: object, *a: object, **k: object) -> Image.Image:
        name = getattr(fp, "name", fp)                     # a path, or a file object (whose name may be a descriptor)
        opened.append(Path(name).name if isinstance(name, (str, Path)) else repr(name))
        return real_open(fp, *a, **k)

    monkeypatch.setattr(kit.evidence.photos.Image, "open", spied_open)
    rejects = RejectLog("photos")
    res = process_photos(tmp_path / "p", "photos", tmp_path / "run", blur_faces=False, strip_location=True,
                         require_consent=False, redact=False, rejects=rejects, stages=["purchase"], channels=["app"])
    reasons = {Path(r.source_file).name: r.reason for r in rejects.items}
    assert reasons["page.jpg"] == "content is HTML, not a JPEG image"
    assert reasons["drawing.png"] == "content is an SVG image (XML text), not a PNG image"
    assert "decompression bomb" in reasons["bomb.png"] and "900000000 pixels" in reasons["bomb.png"]
    assert reasons["cut.jpg"].startswith("the image does not decode")
    assert reasons["fat-exif.jpg"].startswith("its EXIF metadata is 1,") and f"{MAX_EXIF_BYTES:,}" in reasons["fat-exif.jpg"]
    assert reasons["fat-exif.png"].startswith("its EXIF metadata is 200,")
    assert reasons["empty.jpg"] == "the file is empty, not a JPEG image"
    assert reasons["really-png.jpg"] == "content is a PNG image, not a JPEG image; rename it to .png to use it"
    assert reasons["clip.jpg"] == "content is an MP4/QuickTime video, not a JPEG image"
    assert reasons["noise.webp"].startswith("content is not a WebP image: its first bytes match no image")
    assert set(reasons) == set(hostile)
    assert sorted(res.photos["file"]) == ["photos/ok.jpg", "photos/ok.png", "photos/ok.webp"]
    assert res.counts["photos/ (image files)"] == {"in": 13, "accepted": 3, "rejected": 10}
    refused_unread = {"page.jpg", "drawing.png", "empty.jpg", "really-png.jpg", "clip.jpg", "noise.webp"}
    assert not refused_unread & set(opened), opened            # no decoder saw them
    written = {p.name for p in (tmp_path / "run" / "media").iterdir()}
    assert written == {Path(f).name for f in [*res.photos["display"], *res.photos["thumb"]]} and len(written) == 6


def test_bomb_header_is_refused_without_decoding(tmp_path: Path) -> None:
    (tmp_path / "bomb.png").write_bytes(png_bomb_header())
    assert (tmp_path / "bomb.png").stat().st_size < 2000
    out = publish_one(str(tmp_path / "bomb.png"), str(tmp_path / "d.jpg"), str(tmp_path / "t.jpg"), False)
    assert "decompression bomb" in out["error"]
    assert not (tmp_path / "d.jpg").exists() and not (tmp_path / "t.jpg").exists()


def test_exif_just_under_the_cap_is_read(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x010F], exif[0x0112] = "Camera", 6
    (tmp_path / "a.jpg").write_bytes(jpeg_bytes((40, 30), exif=exif))
    out = publish_one(str(tmp_path / "a.jpg"), str(tmp_path / "d.jpg"), str(tmp_path / "t.jpg"), False)
    assert (out["make"], out["width"], out["height"]) == ("Camera", 30, 40)           # turned upright


def test_a_named_pipe_is_refused_unopened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.jpg")
    with ThreadPoolExecutor(1) as pool:
        out = pool.submit(publish_one, str(tmp_path / "pipe.jpg"), str(tmp_path / "d.jpg"), str(tmp_path / "t.jpg"),
                          False).result(timeout=PROMPT_S)
    assert "not a regular file" in out["error"]


# ---- the sniffer ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("head", "name"), [
    (b"\xff\xd8\xff\xe0", "jpeg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"RIFF\0\0\0\0WEBPVP8 ", "webp"),
    (b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", "heif"), (b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2", "mp4"),
    (b"\0\0\0\x14ftypqt  \0\0\x02\0qt  ", "mp4"), (b"\0\0\0\x08wide\0\0\x10\0mdat", "mp4"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81", "matroska"), (b"RIFF\0\0\0\0WAVEfmt ", "wav"), (b"RIFF\0\0\0\0AVI LIST", "avi"),
    (b"ID3\x04\0\0\0\0\0\0", "mp3"), (b"\xff\xfb\x90\x64", "mp3"), (b"OggS\0\x02", "ogg"), (b"fLaC\0\0\0\x22", "flac"),
    (b"\0\0\0\x1cftypavif\0\0\0\0avifmif1", "other"), (b"GIF89a\x01\0", "other"), (b"%PDF-1.7\n", "other"),
    (b"", "empty"), (b"#EXTM3U\n#EXTINF:1,\nx.ts\n", "hls"), (b"ffconcat version 1.0\nfile 'a.mp4'\n", "concat"),
    (b"# list\nfile '/etc/passwd'\n", "concat"), (b"v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\n", "sdp"), (SVG, "svg"),
    (b"\xef\xbb\xbf  <html><p>hi", "html"), (HTML, "html"), (b"<?xml version='1.0'?><a/>", "xml"),
    (b"file naming: use dates\nthe free text\n", "text"), (b"\xff\xd8\x00junk", "unknown"),
])
def test_identify_by_first_bytes(head: bytes, name: str) -> None:
    assert sniff.identify(head).name == name


def test_suffix_tables_agree_with_the_photo_step() -> None:
    assert sniff.suffixes("image") == kit.evidence.photos.IMAGE_SUFFIXES == {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"}
    assert {".mp4", ".mov", ".m4a", ".webm", ".mkv", ".wav", ".mp3"} <= sniff.suffixes("recording")
    assert not sniff.suffixes("image") & sniff.suffixes("recording")


# ---- recordings --------------------------------------------------------------------------------

@pytest.fixture()
def server() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that answers 404 to everything and records every path asked for."""
    hits: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}", hits
    srv.shutdown()
    srv.server_close()


@pytest.fixture()
def outside(tmp_path: Path, small_video: Path) -> dict[str, Path]:
    """Targets outside the project: a real small video, and a named pipe (opening it would block)."""
    folder = tmp_path / "outside"
    folder.mkdir()
    shutil.copy(small_video, folder / "real.mp4")
    os.mkfifo(folder / "pipe.ts")
    return {"real": folder / "real.mp4", "pipe": folder / "pipe.ts"}


def hls(target: str) -> str:
    return f"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\n{target}\n#EXT-X-ENDLIST\n"


def concat(target: str) -> str:
    return f"ffconcat version 1.0\nfile '{target}'\n"


def lists(folder: Path, outside: dict[str, Path], url: str) -> dict[str, str]:
    """Every list named .mp4 that points outside, by file name -> the kind its reason must name."""
    made = {}
    for kind, write in (("HLS playlist", hls), ("ffmpeg concat list", concat)):
        for target_name, target in (("real", str(outside["real"])), ("pipe", str(outside["pipe"])),
                                    ("url", f"{url}/{kind.split()[-2].lower()}.mp4")):
            name = f"{kind.split()[-2].lower()}-{target_name}.mp4"
            (folder / name).write_text(write(target), encoding="utf-8")
            made[name] = kind
    return made


def within(seconds: float, fn, *args):
    """fn(*args) in a thread; fails the test if it has not returned in ``seconds`` (it is blocked)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args).result(timeout=seconds)


def test_lists_named_mp4_are_refused_and_nothing_they_name_is_opened(tmp_path: Path, outside: dict[str, Path],
                                                                   server: tuple[str, list[str]]) -> None:
    url, hits = server
    project = tmp_path / "p"
    (project / "recordings").mkdir(parents=True)
    made = lists(project / "recordings", outside, url)
    make_video(project / "recordings" / "good.mp4", seconds=1.0, size="160x120")
    recordings = [{"id": Path(n).stem, "media": f"recordings/{n}", "consent": True} for n in [*made, "good.mp4"]]
    rejects = RejectLog("recordings")
    res = within(PROMPT_S, lambda: process_recordings(
        project, recordings, tmp_path / "run", interviewers=[], redact=False, blur_faces=False, require_consent=True,
        rejects=rejects, stages=["purchase"], channels=["app"], scorer=lambda texts, langs: np.zeros(len(texts))))
    reasons = {r.source_file: r.reason for r in rejects.items}
    for name, kind in made.items():
        assert reasons[f"recordings/{name}"].startswith(f"content is an {kind} "), reasons[f"recordings/{name}"]
        assert ", not an MP4 video" in reasons[f"recordings/{name}"]
        assert res.counts[f"recordings/{name}"] == {"in": 1, "accepted": 0, "rejected": 1}
    assert res.counts["recordings/good.mp4"] == {"in": 1, "accepted": 1, "rejected": 0}
    assert res.durations["good"] == pytest.approx(1.0, abs=0.1) and len(rejects) == len(made)
    assert hits == []


def test_ffmpeg_itself_is_held_to_the_file_even_if_the_sniffing_were_fooled(
        tmp_path: Path, outside: dict[str, Path], server: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    """Every list is taken for an MP4 here: the forced demuxer and the protocol whitelist alone keep ffmpeg home."""
    url, hits = server
    made = lists(tmp_path, outside, url)
    monkeypatch.setattr(sniff, "identify", lambda head: sniff.MP4)
    for name in made:
        with pytest.raises(InputFileError) as err:
            within(PROMPT_S, media.probe, tmp_path / name)
        assert "Invalid data found" in err.value.problem or "moov atom not found" in err.value.problem, err.value.problem
    assert hits == []


def test_the_traps_are_real_without_the_kit(tmp_path: Path, outside: dict[str, Path], server: tuple[str, list[str]]) -> None:
    """Guessing the demuxer, or forcing the list's own, ffmpeg follows these lists: the checks above prove something."""
    url, hits = server
    lists(tmp_path, outside, url)
    exe = media.get_ffmpeg_exe()
    real = subprocess.run([exe, "-v", "error", "-nostdin", "-f", "concat", "-safe", "0", "-i", tmp_path / "concat-real.mp4",
                           "-f", "null", "-"], capture_output=True, timeout=60, check=False)
    assert real.returncode == 0, real.stderr                       # the outside video was read through the list
    with pytest.raises(subprocess.TimeoutExpired):                 # blocked opening the named pipe
        subprocess.run([exe, "-v", "error", "-nostdin", "-f", "concat", "-safe", "0", "-i", tmp_path / "concat-pipe.mp4",
                        "-f", "null", "-"], capture_output=True, timeout=3, check=False)
    subprocess.run([exe, "-v", "error", "-nostdin", "-protocol_whitelist", "file,http,tcp", "-f", "hls",
                    "-i", tmp_path / "hls-url.mp4", "-f", "null", "-"], capture_output=True, timeout=60, check=False)
    assert hits and set(hits) == {"/hls.mp4"}


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("notes.mp4", b"Interview notes, not a video.\n", "content is text, not an MP4 video"),
    ("empty.mp4", b"", "the file is empty, not an MP4 video"),
    ("noise.mov", np.random.default_rng(11).bytes(4096),
     "content is not a QuickTime video: its first bytes match no image, video or audio format the kit reads"),
    ("page.webm", HTML, "content is HTML, not a WebM video"),
    ("stream.mp4", b"v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\nc=IN IP4 127.0.0.1\r\nm=video 5004 RTP/AVP 96\r\n",
     "content is an SDP session description (a network stream address), not an MP4 video"),
    ("photo.mp4", b"\xff\xd8\xff\xe0\x00\x10JFIF", "content is a JPEG image, not an MP4 video"),
    ("call.txt", b"hello", "'.txt' is not a video or audio type the kit reads"),
])
def test_files_that_are_not_the_recording_they_claim_are_refused(tmp_path: Path, name: str, data: bytes,
                                                                 reason: str) -> None:
    (tmp_path / name).write_bytes(data)
    with pytest.raises(InputFileError) as err:
        media.probe(tmp_path / name)
    assert err.value.problem.startswith(reason), err.value.problem


def test_audio_named_as_video_is_told_its_name(tmp_path: Path) -> None:
    wav = tmp_path / "call.wav"
    assert media.ffmpeg("-v", "error", "-f", "lavfi", "-i", "sine=duration=1", str(wav)).returncode == 0
    shutil.copy(wav, tmp_path / "call.mp4")
    with pytest.raises(InputFileError, match=r"content is WAV audio, not an MP4 video; rename it to \.wav"):
        media.probe(tmp_path / "call.mp4")
    os.mkfifo(tmp_path / "live.mp4")
    with pytest.raises(InputFileError, match="not a regular file"):
        within(PROMPT_S, media.probe, tmp_path / "live.mp4")


ENCODE = {"v.webm": ("-c:v", "libvpx", "-c:a", "libopus"), "v.mkv": ("-c:v", "libx264", "-c:a", "flac"),
          "v.mov": ("-c:v", "libx264", "-c:a", "aac"), "v.avi": ("-c:v", "mpeg4", "-c:a", "pcm_s16le"),
          "a.wav": ("-vn",), "a.mp3": ("-vn", "-c:a", "libmp3lame"), "a.ogg": ("-vn", "-c:a", "libvorbis"),
          "a.opus": ("-vn", "-c:a", "libopus"), "a.flac": ("-vn",), "a.mka": ("-vn", "-c:a", "flac")}


@pytest.mark.parametrize("name", sorted(ENCODE))
def test_every_container_the_kit_reads_probes_and_cuts(tmp_path: Path, name: str) -> None:
    src = tmp_path / name
    proc = media.ffmpeg("-v", "error", "-f", "lavfi", "-i", "testsrc=duration=2:size=160x120:rate=25",
                        "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-shortest", *ENCODE[name], str(src))
    assert proc.returncode == 0, proc.stderr
    info = media.probe(src)
    assert info.has_audio and info.has_video == name.startswith("v.") and info.duration_s == pytest.approx(2.0, abs=0.2)
    clip = media.cut_clip(src, 0.5, 1.5, tmp_path / "clip", info=info)
    assert media.probe(clip).duration_s == pytest.approx(1.0, abs=0.3)
    if info.has_video:
        assert media.frame_at(src, 1.0).shape == (120, 160, 3)
    else:
        assert media.waveform_png(src, 0.0, 1.0, tmp_path / "w.png").is_file()


def test_every_ffmpeg_run_on_a_user_file_names_its_demuxer_and_the_file_protocol(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kit.evidence.faces
    src = make_video(tmp_path / "s.mp4", seconds=1.0, size="160x120")
    audio = make_audio(tmp_path / "s.m4a", seconds=1.0)
    commands: list[list[str]] = []
    for name in ("run", "Popen"):
        real = getattr(subprocess, name)
        monkeypatch.setattr(media.subprocess, name,
                            lambda cmd, *a, _real=real, **k: commands.append([*map(str, cmd)]) or _real(cmd, *a, **k))
    monkeypatch.setattr(kit.evidence.faces, "detect_faces", lambda frame: [])
    info = media.probe(src)
    media.cut_clip(src, 0.0, 1.0, tmp_path / "c1", info=info)
    media.cut_clip(src, 0.0, 1.0, tmp_path / "c2", info=info, blur_faces=True)
    media.thumbnail(src, 0.5, tmp_path / "t.jpg")
    media.waveform_png(audio, 0.0, 1.0, tmp_path / "w.png")
    inputs = [(cmd[i - 4:i], cmd[i + 1]) for cmd in commands for i, arg in enumerate(cmd) if arg == "-i"]
    assert len(inputs) >= 7
    for before, url in inputs:
        if url == "pipe:0":
            assert before[-2:] == ["-protocol_whitelist", "pipe"]
        else:
            assert before == ["-protocol_whitelist", "file", "-f", "mov"] and url.startswith("file:/"), (before, url)
    drefs = [cmd[i - 8:i - 4] for cmd in commands for i, arg in enumerate(cmd) if arg == "-i" and cmd[i - 1] == "mov"]
    assert drefs and all(d == ["-enable_drefs", "0", "-use_absolute_path", "0"] for d in drefs)


def test_a_recording_with_giant_frames_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = make_video(tmp_path / "big.mp4", seconds=1.0, size="400x300")
    monkeypatch.setattr(media, "MAX_FRAME_PIXELS", 100_000)
    with pytest.raises(InputFileError, match="its frames are 400x300, more than 100,000 pixels; refused as a possible"):
        media.probe(src)
