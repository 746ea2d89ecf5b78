"""Reading tabular input files (CSV, TSV, XLSX, Parquet) as text, whatever their encoding.

Everything is read as strings: validation, not the reader, decides what a value means, so a
rating of "ten" is reported as a bad value instead of silently becoming NaN.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from charset_normalizer import from_bytes

from kit.errors import InputFileError

SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".parquet")
_SNIFF_BYTES = 1 << 18
# Files that are not UTF-8/UTF-16 come from Excel on Windows: Persian (cp1256) or Western (cp1252).
# Limiting the candidates keeps detection right on short files, where an open guess often is not.
LEGACY_ENCODINGS = ["cp1256", "cp1252", "iso8859_6", "latin_1"]


def detect_encoding(path: Path) -> str:
    """The file's text encoding: its BOM, else UTF-8 if it decodes, else charset-normalizer's pick."""
    head = path.open("rb").read(_SNIFF_BYTES)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:      # a character cut at the end of the sample
            return "utf-8"
    best = from_bytes(head, cp_isolation=LEGACY_ENCODINGS).best()
    if best is None:
        raise InputFileError(path, "the text encoding could not be recognised",
                             fix="save it as UTF-8 (in Excel: 'CSV UTF-8')")
    return best.encoding


def read_text_table(path: Path, display_name: str, header_rows: int = 1) -> pd.DataFrame:
    """All cells as strings ('' for empty); raises InputFileError naming the file on failure."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputFileError(display_name, "file not found", fix="check the path in project.yaml")
    try:
        if suffix == ".parquet":
            return pd.read_parquet(path).astype("string").fillna("")
        if suffix == ".xlsx":
            return pd.read_excel(path, dtype=str, keep_default_na=False, header=header_rows - 1)
        if suffix in (".csv", ".tsv", ".txt"):
            encoding = detect_encoding(path)
            sep = "\t" if suffix == ".tsv" or encoding == "utf-16" else ","
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding, sep=sep,
                               header=header_rows - 1, skiprows=range(1, header_rows) if header_rows > 1 else None)
    except (ValueError, UnicodeDecodeError, OSError, pd.errors.ParserError) as exc:
        raise InputFileError(display_name, f"cannot be read as a table ({exc})") from None
    raise InputFileError(display_name, f"unsupported file type {suffix!r}",
                         fix=f"use one of {', '.join(SUFFIXES)}")
