"""What a photo or recording really is, told by its first bytes, never by its name.

A file is opened by a decoder only when its content is one of the formats the kit reads and that
format belongs to its extension. A photo's format must be exactly the one its extension names (a
PNG named ``.jpg`` is refused with "rename it to .png"). A recording's container need only be a
video container for a video extension, an audio one for an audio extension: ``.mp4``, ``.mov`` and
``.m4a`` are all the one ISO base media format, and WebM is Matroska. Everything else is refused
with a reason that says what the content is ("content is HTML, not a JPEG image"): text, web
pages, SVG, playlists, ffmpeg concat lists, SDP files, documents, archives, empty files, bytes
that match nothing. What is sniffed also picks the one decoder that may read the file: Pillow's
plugin for that format (``Kind.pillow``), ffmpeg's demuxer for that container (``Kind.demuxer``,
passed as ``-f``), so no decoder ever guesses from the name or from the bytes on its own.

The signatures are a small table written here rather than a general magic-number library: the
kit reads a dozen formats, each with a fixed signature, and the table decides exactly what is
accepted (a general library answers for thousands of formats, by confidence, and still needs
this table to map its answers to decoders and extensions).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kit.core.errors import InputFileError

HEAD = 4096                                  # bytes read to decide; every signature sits well inside


@dataclass(frozen=True)
class Kind:
    """One kind of content: how a reason names it, what it may be used as, and what decodes it."""

    name: str
    label: str                               # as a reason says it: "a JPEG image", "HTML"
    families: frozenset[str] = frozenset()   # image, video, audio; empty: never read
    suffix: str = ""                         # the extension it belongs under
    pillow: str | None = None                # the one Pillow plugin that may open it
    demuxer: str | None = None               # the one ffmpeg demuxer that may open it (-f)


IMAGE, VIDEO, AUDIO, AV = (frozenset({"image"}), frozenset({"video"}), frozenset({"audio"}),
                           frozenset({"video", "audio"}))
JPEG = Kind("jpeg", "a JPEG image", IMAGE, ".jpg", pillow="JPEG")
PNG = Kind("png", "a PNG image", IMAGE, ".png", pillow="PNG")
WEBP = Kind("webp", "a WebP image", IMAGE, ".webp", pillow="WEBP")
HEIF = Kind("heif", "a HEIC/HEIF image", IMAGE, ".heic", pillow="HEIF")
MP4 = Kind("mp4", "an MP4/QuickTime video", AV, ".mp4", demuxer="mov")
M4A = Kind("mp4", "M4A audio", AV, ".m4a", demuxer="mov")
MATROSKA = Kind("matroska", "a WebM/Matroska video", AV, ".mkv", demuxer="matroska")
AVI = Kind("avi", "an AVI video", VIDEO, ".avi", demuxer="avi")
WAV = Kind("wav", "WAV audio", AUDIO, ".wav", demuxer="wav")
MP3 = Kind("mp3", "MP3 audio", AUDIO, ".mp3", demuxer="mp3")
OGG = Kind("ogg", "Ogg audio", AUDIO, ".ogg", demuxer="ogg")
FLAC = Kind("flac", "FLAC audio", AUDIO, ".flac", demuxer="flac")
# Recognised only to say what they are in a reason; never handed to a decoder.
EMPTY = Kind("empty", "empty (0 bytes)")
UNKNOWN = Kind("unknown", "no image, video or audio format the kit reads")
HTML = Kind("html", "HTML")
SVG = Kind("svg", "an SVG image (XML text)")
XML = Kind("xml", "an XML document")
HLS = Kind("hls", "an HLS playlist (a list of other files or URLs)")
CONCAT = Kind("concat", "an ffmpeg concat list (a list of other files)")
SDP = Kind("sdp", "an SDP session description (a network stream address)")
TEXT = Kind("text", "text")
OTHERS = {b"GIF87a": "a GIF image", b"GIF89a": "a GIF image", b"II*\x00": "a TIFF image", b"MM\x00*": "a TIFF image",
          b"%PDF-": "a PDF document", b"PK\x03\x04": "a ZIP archive (or an Office document)",
          b"\x1f\x8b": "a gzip archive", b"\x7fELF": "a program"}

# ISO base media brands (bytes 8-12 of an ftyp box) of still images; any other brand is a movie.
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
NOT_READ_BRANDS = {b"avif": "an AVIF image", b"avis": "an AVIF image sequence", b"crx ": "a Canon RAW photo",
                   b"jp2 ": "a JPEG 2000 image"}
# Top-level atoms an old QuickTime file may start with instead of ftyp.
QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


@dataclass(frozen=True)
class Expect:
    """What an extension promises: how a reason names it, its family, the kinds that keep the promise."""

    label: str
    family: str
    kinds: frozenset[str]


_VIDEO = frozenset({"mp4", "matroska", "avi"})
_AUDIO = frozenset({"mp4", "matroska", "wav", "mp3", "ogg", "flac"})
SUFFIXES = {
    ".jpg": Expect("a JPEG image", "image", frozenset({"jpeg"})),
    ".jpeg": Expect("a JPEG image", "image", frozenset({"jpeg"})),
    ".png": Expect("a PNG image", "image", frozenset({"png"})),
    ".webp": Expect("a WebP image", "image", frozenset({"webp"})),
    ".heic": Expect("a HEIC image", "image", frozenset({"heif"})),
    ".heif": Expect("a HEIF image", "image", frozenset({"heif"})),
    ".mp4": Expect("an MP4 video", "video", _VIDEO),
    ".m4v": Expect("an MP4 video", "video", _VIDEO),
    ".mov": Expect("a QuickTime video", "video", _VIDEO),
    ".3gp": Expect("a 3GP video", "video", _VIDEO),
    ".webm": Expect("a WebM video", "video", _VIDEO),
    ".mkv": Expect("a Matroska video", "video", _VIDEO),
    ".avi": Expect("an AVI video", "video", _VIDEO),
    ".m4a": Expect("M4A audio", "audio", _AUDIO),
    ".mka": Expect("Matroska audio", "audio", _AUDIO),
    ".wav": Expect("WAV audio", "audio", _AUDIO),
    ".mp3": Expect("MP3 audio", "audio", _AUDIO),
    ".ogg": Expect("Ogg audio", "audio", _AUDIO),
    ".oga": Expect("Ogg audio", "audio", _AUDIO),
    ".opus": Expect("Opus audio", "audio", _AUDIO),
    ".flac": Expect("FLAC audio", "audio", _AUDIO),
}
USES = {"image": ("image",), "recording": ("video", "audio")}    # what a photo and a recording may be


def suffixes(use: str) -> set[str]:
    """The extensions read as ``use`` ("image" or "recording")."""
    return {s for s, e in SUFFIXES.items() if e.family in USES[use]}


def identify(head: bytes) -> Kind:
    """The kind of content that starts with ``head`` (the first HEAD bytes, or all of a shorter file)."""
    if not head:
        return EMPTY
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"RIFF") and len(head) >= 12:
        return {b"WEBP": WEBP, b"WAVE": WAV, b"AVI ": AVI}.get(head[8:12], UNKNOWN)
    if head[4:8] == b"ftyp":
        return _iso_media(head)
    if head[4:8] in QUICKTIME_ATOMS and _text(head) is None:       # a real atom's size starts with NULs
        return MP4
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return MATROSKA
    if head.startswith(b"OggS"):
        return OGG
    if head.startswith(b"fLaC"):
        return FLAC
    if (head.startswith(b"ID3") and len(head) > 3 and head[3] in (2, 3, 4)) or _mp3_frame(head):
        return MP3
    for signature, label in OTHERS.items():
        if head.startswith(signature):
            return Kind("other", label)
    return _text(head) or UNKNOWN


def _iso_media(head: bytes) -> Kind:
    """An ISO base media file (MP4, MOV, M4A, HEIC ...) by its major brand."""
    brand = head[8:12]
    if brand in HEIF_BRANDS:
        return HEIF
    if brand in NOT_READ_BRANDS:
        return Kind("other", NOT_READ_BRANDS[brand])
    return M4A if brand in (b"M4A ", b"M4B ") else MP4


def _mp3_frame(head: bytes) -> bool:
    """An MPEG-1/2/2.5 layer III frame header: sync bits, no reserved version, bit rate or sample rate."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    return version != 1 and layer == 1 and bitrate not in (0, 15) and rate != 3


# A concat list's entry: file, then a quoted name, a path, a URL or a bare name with an extension.
_CONCAT_LINE = re.compile(r"^[ \t]*file[ \t]+(['\"]|[/~]|\w+://|[\w.-]+\.\w+[ \t]*$)", re.MULTILINE)


def _text(head: bytes) -> Kind | None:
    """Text (HTML, SVG, a playlist, a concat list ...) or None when the bytes are not text."""
    if b"\x00" in head:
        return None
    printable = sum(b >= 0x20 or b in b"\t\n\r\f" for b in head)
    if printable < 0.95 * len(head):
        return None
    text = head.decode("utf-8", "replace").lstrip("\ufeff \t\r\n").lower()
    if text.startswith("#extm3u") or "#ext-x-" in text:
        return HLS
    if text.startswith("ffconcat") or _CONCAT_LINE.search(text):
        return CONCAT
    if re.match(r"v=0\s", text):
        return SDP
    if re.search(r"<svg[\s>]", text):
        return SVG
    if text.startswith(("<!doctype html", "<html")) or re.search(r"<(html|head|body|script|iframe|meta)[\s>/]", text):
        return HTML
    if text.startswith("<?xml"):
        return XML
    return TEXT


def open_file(path: Path) -> BinaryIO:
    """``path`` open for reading when it is a regular file; a named pipe or a device is refused unopened.

    The open itself does not wait (a named pipe with no writer would hold it forever), and the
    check is made on what was opened, so a file swapped for a pipe in between is refused too.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InputFileError(path, "file not found") from None
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputFileError(path, "not a regular file (a folder, a named pipe or a device); refused unread")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def read_head(path: Path) -> bytes:
    """The first HEAD bytes of a regular file."""
    with open_file(path) as fh:
        return fh.read(HEAD)


def check(path: Path, use: str, head: bytes | None = None) -> Kind:
    """The kind of ``path`` when it may be read as ``use`` ("image" or "recording"), else InputFileError.

    ``head`` is the file's first HEAD bytes when the caller already holds them open.
    """
    expect = SUFFIXES.get(path.suffix.lower())
    if expect is None or expect.family not in USES[use]:
        names = ", ".join(sorted(suffixes(use)))
        raise InputFileError(path, f"'{path.suffix or path.name}' is not {'an image' if use == 'image' else 'a video or audio'} "
                                   f"type the kit reads ({names})")
    kind = identify(read_head(path) if head is None else head)
    if kind.name in expect.kinds:
        return kind
    if kind is EMPTY:
        raise InputFileError(path, f"the file is empty, not {expect.label}")
    if kind is UNKNOWN:
        raise InputFileError(path, f"content is not {expect.label}: its first bytes match no image, video or "
                                   "audio format the kit reads")
    fix = f"; rename it to {kind.suffix} to use it" if kind.families & set(USES[use]) else ""
    raise InputFileError(path, f"content is {kind.label}, not {expect.label}{fix}")
