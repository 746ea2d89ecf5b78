"""Reading tabular input files (CSV, TSV, XLSX, Parquet) as text, whatever their encoding.

Everything is read as strings: validation, not the reader, decides what a value means, so a
rating of "ten" is reported as a bad value instead of silently becoming NaN.

Rows keep their place: a blank line in a CSV is read as an empty row (not skipped), so the row
numbers that rejects and quotes point to are the ones a spreadsheet shows. Quoted answers that
run over several lines are one row, as in a spreadsheet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from charset_normalizer import from_bytes

from kit.core.errors import InputFileError

SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".parquet")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
_SNIFF_BYTES = 1 << 18
# Files that are not UTF-8/UTF-16 come from Excel on Windows: Persian (cp1256) or Western (cp1252).
# Limiting the candidates keeps detection right on short files, where an open guess often is not.
LEGACY_ENCODINGS = ["cp1256", "cp1252", "iso8859_6", "latin_1"]
ARROW_ENCODINGS = {"utf-8": "utf8", "utf-8-sig": "utf8"}


@dataclass
class RawSurvey:
    """A survey file as read: its cells as text, and how a project.yaml mapping may name its columns.

    ``frame`` has one column per file column (unique names) and its index is the 0-based position
    of the data row in the file, so ``index + header_rows + 1`` is the row a spreadsheet shows.
    ``aliases`` maps other names of a column (a Qualtrics ImportId, a question text) to its name.
    ``parse_times`` turns the vendor's date-time text into UTC timestamps.
    """

    frame: pd.DataFrame
    header_rows: int = 1
    aliases: dict[str, str] = field(default_factory=dict)
    parse_times: Callable[[pd.Series], pd.Series] | None = None


def detect_encoding(path: Path) -> str:
    """The file's text encoding: its BOM, else UTF-8 if it decodes, else charset-normalizer's pick."""
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
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


def separator(path: Path, encoding: str) -> str:
    """Tab for .tsv and for Excel's "Unicode text" (UTF-16, always tab-separated), else comma."""
    return "\t" if path.suffix.lower() == ".tsv" or encoding == "utf-16" else ","


def _arrow_csv(path: Path, encoding: str, sep: str, header: bool, columns: list[str] | None = None) -> pd.DataFrame:
    """A CSV read by pyarrow (multi-line quoted cells, blank lines kept as empty rows), as strings."""
    read = pacsv.ReadOptions(encoding=ARROW_ENCODINGS.get(encoding, encoding), autogenerate_column_names=not header,
                             block_size=1 << 24)
    parse = pacsv.ParseOptions(delimiter=sep, newlines_in_values=True, ignore_empty_lines=False)
    names = columns or _arrow_header(path, read, parse) if header else None
    convert = pacsv.ConvertOptions(strings_can_be_null=False, quoted_strings_can_be_null=False,
                                   column_types={c: pa.string() for c in names} if names else None,
                                   include_columns=columns)
    table = pacsv.read_csv(path, read_options=read, parse_options=parse, convert_options=convert)
    if not header:
        table = table.cast(pa.schema([(f.name, pa.string()) for f in table.schema]))
    frame = table.to_pandas()
    return frame.fillna("") if not header else frame


def _arrow_header(path: Path, read: pacsv.ReadOptions, parse: pacsv.ParseOptions) -> list[str]:
    with pacsv.open_csv(path, read_options=read, parse_options=parse) as reader:
        return list(reader.schema.names)


def read_cells(path: Path, display_name: str, header: bool = True, columns: list[str] | None = None) -> pd.DataFrame:
    """All cells as strings ('' for empty), the first row as column names unless ``header=False``.

    ``columns`` (CSV and TSV only) reads just those columns: a mapped survey rarely needs all.
    Raises InputFileError naming the file when it cannot be read.
    """
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputFileError(display_name, "file not found", fix="check the path in project.yaml")
    try:
        if suffix == ".parquet":
            frame = pd.read_parquet(path).astype("string").fillna("").astype(str)
            return frame if header else pd.concat([pd.DataFrame([frame.columns], columns=frame.columns), frame],
                                                  ignore_index=True)
        if suffix == ".xlsx":
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, header=0 if header else None)
            return frame.fillna("").astype(str)
        if suffix in TEXT_SUFFIXES:
            encoding = detect_encoding(path)
            return _arrow_csv(path, encoding, separator(path, encoding), header, columns)
    except (ValueError, UnicodeDecodeError, OSError, pa.ArrowException, KeyError) as exc:
        raise InputFileError(display_name, f"cannot be read as a table ({exc})",
                             fix="check that it is a CSV/TSV export with the same number of cells on every row") from None
    raise InputFileError(display_name, f"unsupported file type {suffix!r}", fix=f"use one of {', '.join(SUFFIXES)}")


def read_header(path: Path, display_name: str) -> list[str]:
    """Only the column names (CSV/TSV read no further than the first block; others read whole)."""
    if path.suffix.lower() in TEXT_SUFFIXES and path.is_file():
        encoding = detect_encoding(path)
        try:
            return _arrow_header(path, pacsv.ReadOptions(encoding=ARROW_ENCODINGS.get(encoding, encoding)),
                                 pacsv.ParseOptions(delimiter=separator(path, encoding), newlines_in_values=True))
        except (pa.ArrowException, UnicodeDecodeError, OSError) as exc:
            raise InputFileError(display_name, f"cannot be read as a table ({exc})") from None
    return [str(c) for c in read_cells(path, display_name).columns]


def read_text_table(path: Path, display_name: str, header_rows: int = 1) -> pd.DataFrame:
    """All cells as strings ('' for empty), blank lines skipped; raises InputFileError naming the file on failure.

    Used for side tables (photo captions, markers). Survey files go through ``read_cells``, which
    keeps blank lines so row numbers match the spreadsheet.
    """
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputFileError(display_name, "file not found", fix="check the path in project.yaml")
    try:
        if suffix == ".parquet":
            return pd.read_parquet(path).astype("string").fillna("")
        if suffix == ".xlsx":
            return pd.read_excel(path, dtype=str, keep_default_na=False, header=header_rows - 1)
        if suffix in TEXT_SUFFIXES:
            encoding = detect_encoding(path)
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding, sep=separator(path, encoding),
                               header=header_rows - 1, skiprows=range(1, header_rows) if header_rows > 1 else None)
    except (ValueError, UnicodeDecodeError, OSError, pd.errors.ParserError) as exc:
        raise InputFileError(display_name, f"cannot be read as a table ({exc})") from None
    raise InputFileError(display_name, f"unsupported file type {suffix!r}", fix=f"use one of {', '.join(SUFFIXES)}")


def read_notes_table(path: Path, display_name: str) -> pd.DataFrame:
    """A side table whose last column is a note typed by hand (recording markers): in a CSV, a note
    with unquoted commas keeps them instead of breaking its row. Other types as ``read_text_table``."""
    if path.suffix.lower() != ".csv" or not path.is_file():
        return read_text_table(path, display_name)
    try:
        encoding = detect_encoding(path)
        width = len(pd.read_csv(path, nrows=0, encoding=encoding).columns)
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding, engine="python",
                           on_bad_lines=lambda f: [*f[:width - 1], ",".join(f[width - 1:])])
    except (ValueError, UnicodeDecodeError, OSError, pd.errors.ParserError) as exc:
        raise InputFileError(display_name, f"cannot be read as a table ({exc})") from None
