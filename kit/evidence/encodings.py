"""Which text encoding a table file is in, and the file as UTF-8 for the CSV reader.

Exports come as UTF-8 (with or without a byte-order mark), UTF-16 (Excel's "Unicode text") or a
Windows code page (Excel's plain "CSV" on a Persian or Western Windows). The CSV reader (Arrow)
reads UTF-8 itself; any other encoding is decoded here first, into a UTF-8 copy. Why not let Arrow
decode it: Arrow decodes other encodings by calling Python from its own read-ahead threads, and a
read stopped early (a header checked, a file refused) can leave such a thread running as the
program ends, where it dies waiting for the interpreter and takes the process with it (SIGABRT,
"terminate called without an active exception") after the work is done.
"""

from __future__ import annotations

import codecs
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from charset_normalizer import from_bytes

from kit.core.errors import InputFileError

_SNIFF_BYTES = 1 << 18
_COPY_CHUNK = 1 << 20
# Files that are not UTF-8/UTF-16 come from Excel on Windows: Persian (cp1256) or Western (cp1252).
# Limiting the candidates keeps detection right on short files, where an open guess often is not.
LEGACY_ENCODINGS = ["cp1256", "cp1252", "iso8859_6", "latin_1"]
UTF8 = ("utf-8", "utf-8-sig")


def detect_encoding(path: Path) -> str:
    """The file's text encoding: its BOM, else UTF-8 if it decodes, else charset-normalizer's pick."""
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    bom = head.startswith(b"\xef\xbb\xbf")
    try:
        head.decode("utf-8")
        return "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4 and len(head) == _SNIFF_BYTES:     # a character cut at the end of the sample
            return "utf-8-sig" if bom else "utf-8"
        line = head[:exc.start].count(b"\n") + 1
    if bom:
        raise InputFileError(path, f"starts with the byte-order mark of UTF-8, but line {line} holds bytes that are not "
                             "UTF-8 (text pasted in from another encoding?)",
                             fix="save it again from the spreadsheet as CSV UTF-8")
    best = from_bytes(head, cp_isolation=LEGACY_ENCODINGS).best()
    if best is None:
        raise InputFileError(path, f"the text encoding could not be recognised (line {line} is not UTF-8, and neither "
                             "Windows-1256 nor Windows-1252 reads the file: mixed encodings, or not text at all)",
                             fix="save it as UTF-8 (in Excel: 'CSV UTF-8')")
    return best.encoding


def separator(path: Path, encoding: str) -> str:
    """Tab for .tsv and for Excel's "Unicode text" (UTF-16, always tab-separated), else comma."""
    return "\t" if path.suffix.lower() == ".tsv" or encoding == "utf-16" else ","



@contextmanager
def utf8_copy(path: Path) -> Iterator[Path]:
    """``path`` itself when it is UTF-8, else a UTF-8 copy of it that lives as long as the ``with`` block.

    Decoded a chunk at a time (memory stays bounded); a byte the encoding has no character for is a
    UnicodeDecodeError, as from any decoder. The copy keeps the file's name, so a message naming
    ``copy.name`` names the user's file.
    """
    encoding = detect_encoding(path)
    if encoding in UTF8:
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="cxkit-text-") as folder:
        copy = Path(folder) / path.name
        decoder = codecs.getincrementaldecoder(encoding)()
        with path.open("rb") as source, copy.open("w", encoding="utf-8", newline="") as target:
            while chunk := source.read(_COPY_CHUNK):
                target.write(decoder.decode(chunk))
            target.write(decoder.decode(b"", final=True))
        yield copy
