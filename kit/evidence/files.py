"""Reading tabular input files (CSV, TSV, XLSX, Parquet) as text, whatever their encoding.

Everything is read as strings: validation, not the reader, decides what a value means, so a
rating of "ten" is reported as a bad value instead of silently becoming NaN.

Every table is read the same way (``read_table``, or ``stream_table`` for a file too large to
hold): a row that cannot be taken as it stands is a ``Fault`` with its row number and a plain
reason, and the rest of the file is read. Such rows have more or fewer cells than the header (a
quote never closed runs on as one cell, so its row has too few), a control character (a NUL byte,
an escape code; see ``kit.evidence.limits``), or a cell or row over its limit. A file larger than
its limit, or one that is no table at all, is refused whole with an ``InputFileError``.

Rows keep their place: row numbers are the ones a spreadsheet shows (the header is row 1), and a
blank line in a CSV is an empty row (not skipped, unless the caller asks). Quoted answers that
run over several lines are one row, as in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from kit.core.errors import InputFileError
from kit.evidence import limits
from kit.evidence.encodings import detect_encoding, separator, utf8_copy

SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".parquet")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
_FIX = "check that it is a CSV/TSV export with the same number of cells on every row"
_FIXES = {".xlsx": "check that it is an Excel workbook, saved again from the spreadsheet as .xlsx",
          ".parquet": "check that it is a Parquet file, written again by the program that made it"}


@dataclass
class Fault:
    """A row not taken as it stands: its number as a spreadsheet shows it (header = row 1), why, and
    its cells as far as they could be split (so a caller can tell which photo a bad caption row named)."""

    row: int
    reason: str
    cells: tuple[str, ...] = ()


@dataclass
class Table:
    """A table as read: the rows taken whole, and every other row as a ``Fault``.

    ``frame`` holds the cells as text ('' for empty); its index is each row's number as a spreadsheet
    shows it. Rows in = ``len(frame) + len(faults)``.
    """

    frame: pd.DataFrame
    faults: list[Fault] = field(default_factory=list)

    @property
    def rows_in(self) -> int:
        return len(self.frame) + len(self.faults)


@dataclass
class RawSurvey:
    """A survey file as read: its cells as text, and how a project.yaml mapping may name its columns.

    ``frame`` has one column per file column (unique names) and its index is the 0-based position
    of the data row in the file, so ``index + header_rows + 1`` is the row a spreadsheet shows.
    ``aliases`` maps other names of a column (a Qualtrics ImportId, a question text) to its name.
    ``parse_times`` turns the vendor's date-time text into UTC timestamps. ``faults`` are the data
    rows the reader could not take (see ``Table``): each is a reject, and counts as a row in.
    """

    frame: pd.DataFrame
    header_rows: int = 1
    aliases: dict[str, str] = field(default_factory=dict)
    parse_times: Callable[[pd.Series], pd.Series] | None = None
    faults: list[Fault] = field(default_factory=list)


def _cells_fault(row: pacsv.InvalidRow) -> str:
    """Why the parser could not take a row: its number of cells, and the likely cause."""
    got, want = row.actual_columns, row.expected_columns
    lines = row.text.count("\n") + 1
    if lines > 1 and '"' in row.text:
        return (f"a quote in this row is not closed, so the next {lines - 1} line(s) were read into it as one "
                f"cell and the row has {got} cell(s) where the header has {want}; close the quote")
    if got > want:
        return (f"the row has {got} cells where the header has {want}: a value holds the separator without "
                "quotes, or something was typed past the last column")
    return f"the row has {got} cell(s) where the header has {want}"


class _Numbering:
    """Row numbers for the rows the parser yields, around the rows it handed to ``skip``.

    Arrow's reader skips a malformed row and tells its number (read on one thread, so in order),
    before the batch holding the rows around it is yielded.
    """

    def __init__(self, first: int, sep: str) -> None:
        self.next, self.sep, self.skipped, self.done = first, sep, [], 0

    def skip(self, row: pacsv.InvalidRow) -> str:
        cells = next(csv.reader(io.StringIO(row.text, newline=""), delimiter=self.sep), []) \
            if len(row.text) <= limits.MAX_ROW_BYTES else []
        self.skipped.append(Fault(int(row.number), _cells_fault(row), tuple(cells)))
        return "skip"

    def take(self, n: int) -> tuple[np.ndarray, list[Fault]]:
        """Numbers of the next ``n`` rows read, and the skipped rows among or before them."""
        rows, pos, start = np.empty(n, dtype=np.int64), 0, self.done
        while pos < n:
            gap = self.skipped[self.done].row if self.done < len(self.skipped) else self.next + n - pos
            take = min(n - pos, gap - self.next)
            rows[pos:pos + take] = np.arange(self.next, self.next + take)
            pos, self.next = pos + take, self.next + take
            if pos < n:
                self.next, self.done = self.next + 1, self.done + 1
        while self.done < len(self.skipped) and self.skipped[self.done].row < self.next:
            self.done += 1
        return rows, self.skipped[start:self.done]

    def rest(self) -> list[Fault]:
        out, self.done = self.skipped[self.done:], len(self.skipped)
        return out


def _csv_options(path: Path, header: bool, on_invalid: Callable[[pacsv.InvalidRow], str],
                 threads: bool = False) -> tuple[pacsv.ReadOptions, pacsv.ParseOptions]:
    """How to read ``path``'s UTF-8 copy (``utf8_copy``): its separator is told by the file itself."""
    read = pacsv.ReadOptions(encoding="utf8", autogenerate_column_names=not header,
                             block_size=limits.READ_BLOCK_BYTES, use_threads=threads)
    parse = pacsv.ParseOptions(delimiter=separator(path, detect_encoding(path)), newlines_in_values=True,
                               ignore_empty_lines=False, invalid_row_handler=on_invalid)
    return read, parse


def _column_names(path: Path, read: pacsv.ReadOptions, parse: pacsv.ParseOptions) -> list[str]:
    """The header's names (or f0, f1... without one), from the first MiB (the whole first block if the row is longer)."""
    head = pacsv.ReadOptions(encoding=read.encoding, autogenerate_column_names=read.autogenerate_column_names,
                             block_size=min(read.block_size, 1 << 20), use_threads=False)
    for options in (head, read):
        try:
            with pacsv.open_csv(path, read_options=options, parse_options=parse) as reader:
                return list(reader.schema.names)
        except pa.ArrowInvalid as exc:
            if options is read or "straddl" not in str(exc):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _convert(names: list[str], columns: list[str] | None) -> pacsv.ConvertOptions:
    return pacsv.ConvertOptions(strings_can_be_null=False, quoted_strings_can_be_null=False,
                                column_types=dict.fromkeys(names, pa.string()), include_columns=columns)


def _checked(batch: pa.Table | pa.RecordBatch, rows: np.ndarray, faults: list[Fault], drop_blank: bool) -> Table:
    """A batch as a Table: rows with a bad cell moved to ``faults``, blank rows dropped if asked."""
    frame = batch.to_pandas()
    frame.index = pd.Index(rows, dtype="int64")
    bad = limits.cell_faults(batch)
    if bad:
        faults = faults + [Fault(int(rows[i]), why, tuple(frame.iloc[i])) for i, why in bad.items()]
        frame = frame.drop(index=rows[list(bad)])
    if drop_blank and len(frame.columns):
        frame = frame[(frame != "").any(axis=1)]
    return Table(frame, sorted(faults, key=lambda f: f.row))


def _csv_stream(path: Path, header: bool, columns: list[str] | None, drop_blank: bool) -> Iterator[Table]:
    with utf8_copy(path) as text:
        yield from _batches(path, text, header, columns, drop_blank)


@dataclass
class Block:
    """One block of a CSV as read: its rows (None for the end), their row numbers in the file, the rows
    skipped before them (cannot be parsed), and the file's column names."""

    batch: pa.RecordBatch | None
    rows: np.ndarray
    skipped: list[Fault]
    names: list[str]


def csv_blocks(path: Path, text: Path, header: bool, columns: list[str] | None) -> Iterator[Block]:
    """``path`` a block at a time, read from ``text`` (its UTF-8 copy), every row numbered as in the file;
    last, a block without rows for what was skipped after the last block (or for a file with no row)."""
    read, parse = _csv_options(path, header, lambda row: "skip")
    numbering = _Numbering(2 if header else 1, parse.delimiter)
    parse.invalid_row_handler = numbering.skip
    names = _column_names(text, *_csv_options(path, header, lambda row: "skip"))
    yielded = False
    with pacsv.open_csv(text, read_options=read, parse_options=parse, convert_options=_convert(names, columns)) as reader:
        for batch in reader:
            rows, skipped = numbering.take(batch.num_rows)
            yielded = True
            yield Block(batch, rows, skipped, names)
    rest = numbering.rest()
    if rest or not yielded:
        yield Block(None, np.empty(0, dtype=np.int64), rest, names)


def _batches(path: Path, text: Path, header: bool, columns: list[str] | None, drop_blank: bool) -> Iterator[Table]:
    """``path`` a block at a time, read from ``text`` (its UTF-8 copy)."""
    for b in csv_blocks(path, text, header, columns):
        yield (_checked(b.batch, b.rows, b.skipped, drop_blank) if b.batch is not None
               else Table(pd.DataFrame(columns=columns or b.names, dtype=object), b.skipped))


def _csv_whole(path: Path, header: bool, columns: list[str] | None, drop_blank: bool) -> Table:
    """The whole CSV: on all cores when every row parses, else once more on one, to number the bad rows."""
    invalid: list[int] = []
    read, parse = _csv_options(path, header, lambda row: invalid.append(1) or "skip", threads=True)
    with utf8_copy(path) as text:
        names = _column_names(text, *_csv_options(path, header, lambda row: "skip"))
        table = pacsv.read_csv(text, read_options=read, parse_options=parse, convert_options=_convert(names, columns))
        if not invalid:       # one chunk per column: pandas' take and masks on hundreds of chunks cost 4x
            for i in range(table.num_columns):
                table = table.set_column(i, table.field(i), table.column(i).combine_chunks())
            return _checked(table, np.arange(table.num_rows, dtype=np.int64) + (2 if header else 1), [], drop_blank)
        parts = list(_batches(path, text, header, columns, drop_blank))
    frame = pd.concat([p.frame for p in parts]) if parts else pd.DataFrame(columns=names)
    return Table(frame, [f for p in parts for f in p.faults])


def _frame_table(frame: pd.DataFrame, first: int, drop_blank: bool) -> Table:
    """An XLSX or Parquet file as read (cells already text), checked like a CSV."""
    frame = frame.astype(object).fillna("").astype(str)
    frame.index = pd.RangeIndex(first, first + len(frame))
    bad = limits.frame_cell_faults(frame)
    faults = [Fault(int(frame.index[i]), why, tuple(frame.iloc[i])) for i, why in bad.items()]
    frame = frame.drop(index=frame.index[list(bad)])
    if drop_blank and len(frame.columns):
        frame = frame[(frame != "").any(axis=1)]
    return Table(frame, faults)


def _open_failed(name: str, exc: Exception) -> InputFileError:
    if isinstance(exc, InputFileError):         # already says what is wrong: named as the user names the file
        return InputFileError(name, exc.problem, row=exc.row, column=exc.column, fix=exc.fix)
    text = str(exc)
    if "straddl" in text:
        return InputFileError(name, f"has a row longer than {limits.size_text(limits.READ_BLOCK_BYTES)} (the reader's "
                              "limit): most likely a quote that is never closed, so the rest of the file reads as "
                              "one cell", fix="close the quote, or save the file again from the spreadsheet")
    if "field larger than field limit" in text:
        return InputFileError(name, f"has a cell of more than {limits.MAX_CELL_CHARS:,} characters, the limit for a cell",
                              fix="shorten it, or check that it is the right file")
    if "invalid UTF8" in text or "invalid utf8" in text.lower():
        return InputFileError(name, "holds bytes that are not UTF-8 after a start that is (text pasted in from "
                              "another encoding?)", fix="save it again from the spreadsheet as CSV UTF-8")
    if "Empty CSV file" in text:
        return InputFileError(name, "is empty: not even a header row", fix="export the table again with its header")
    return InputFileError(name, f"cannot be read as a table ({text.splitlines()[0] if text else type(exc).__name__})",
                          fix=_FIXES.get(Path(name).suffix.lower(), _FIX))


def _check_file(path: Path, name: str, limit: int | None) -> str:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputFileError(name, "file not found", fix="check the path in project.yaml")
    if suffix not in SUFFIXES:
        raise InputFileError(name, f"unsupported file type {suffix!r}", fix=f"use one of {', '.join(SUFFIXES)}")
    limits.check_size(path, name, limits.MAX_TABLE_BYTES if limit is None else limit)
    return suffix


_READ_ERRORS = (ValueError, UnicodeError, OSError, pa.ArrowException, KeyError, LookupError)


def read_table(path: Path, name: str, *, header: bool = True, columns: list[str] | None = None,
               limit: int | None = None, drop_blank: bool = False) -> Table:
    """Every row of a CSV, TSV, XLSX or Parquet file as text, each bad row a ``Fault`` (module docstring).

    ``header=False`` reads the first row as data (column names ``f0``, ``f1``... for a CSV);
    ``columns`` (CSV and TSV) reads just those; ``drop_blank`` leaves out rows with no text at all;
    ``limit`` is the largest file read, in bytes (``kit.evidence.limits.MAX_TABLE_BYTES`` unless given).
    Raises InputFileError naming the file when it cannot be read as a table at all.
    """
    suffix = _check_file(path, name, limit)
    try:
        if suffix == ".parquet":
            frame = pd.read_parquet(path).astype("string").fillna("")
            if not header:
                frame = pd.concat([pd.DataFrame([frame.columns], columns=frame.columns), frame], ignore_index=True)
            return _frame_table(frame, 2 if header else 1, drop_blank)
        if suffix == ".xlsx":
            return _frame_table(_workbook(path, name, header), 2 if header else 1, drop_blank)
        return _csv_whole(path, header, columns, drop_blank)
    except _READ_ERRORS as exc:
        raise _open_failed(name, exc) from None


def _workbook(path: Path, name: str, header: bool) -> pd.DataFrame:
    """The first sheet of an XLSX file as text; a damaged workbook (its zip, its XML) is an InputFileError."""
    try:
        return pd.read_excel(path, dtype=str, keep_default_na=False, header=0 if header else None)
    except Exception as exc:  # noqa: BLE001 - a damaged workbook fails anywhere in zipfile, zlib or openpyxl
        text = str(exc).splitlines()[0] if str(exc) else ""
        raise InputFileError(name, f"cannot be read as an Excel workbook ({type(exc).__name__}{': ' + text if text else ''})",
                             fix=_FIXES[".xlsx"]) from None


def stream_table(path: Path, name: str, *, limit: int | None = None, drop_blank: bool = True) -> Iterator[Table]:
    """A CSV or TSV file in chunks of about ``READ_BLOCK_BYTES`` (memory stays bounded), as ``read_table`` reads it.

    Other file types come as one chunk. Blank rows are left out unless ``drop_blank=False``.
    """
    suffix = _check_file(path, name, limit)
    if suffix not in TEXT_SUFFIXES:
        yield read_table(path, name, limit=limit, drop_blank=drop_blank)
        return
    try:
        yield from _csv_stream(path, True, None, drop_blank)
    except _READ_ERRORS as exc:
        raise _open_failed(name, exc) from None


def read_header(path: Path, display_name: str) -> list[str]:
    """Only the column names (CSV/TSV read no further than the first block; others read whole)."""
    if path.suffix.lower() in TEXT_SUFFIXES and path.is_file():
        limits.check_size(path, display_name, limits.MAX_TABLE_BYTES)
        try:
            with utf8_copy(path) as text:
                return _column_names(text, *_csv_options(path, True, lambda row: "skip"))
        except _READ_ERRORS as exc:
            raise _open_failed(display_name, exc) from None
    return [str(c) for c in read_table(path, display_name).frame.columns]


def read_notes_table(path: Path, display_name: str) -> pd.DataFrame:
    """A side table whose last column is a note typed by hand (recording markers), all cells as text.

    Typed by hand, so forgiven: in a CSV, a note with unquoted commas keeps them instead of breaking
    its row, and a row short of cells has the missing ones empty. Blank rows are left out. A row with
    a control character or over a limit stops the file: InputFileError naming each such row.
    """
    suffix = _check_file(path, display_name, None)
    table = _hand_typed_csv(path, display_name) if suffix == ".csv" else read_table(path, display_name, drop_blank=True)
    if table.faults:
        more = f" (and {len(table.faults) - 10} more rows)" if len(table.faults) > 10 else ""
        raise InputFileError(display_name, "; ".join(f"row {f.row}: {f.reason}" for f in table.faults[:10]) + more,
                             fix="correct those rows; until then the recording's moments are found, not read")
    return table.frame.reset_index(drop=True)


def _hand_typed_csv(path: Path, name: str) -> Table:
    try:
        encoding = detect_encoding(path)
        text = path.read_text(encoding=encoding).lstrip("\ufeff")
        records = csv.reader(io.StringIO(text, newline=""), delimiter=separator(path, encoding))
        names = next(records, [])
        width, kept = len(names), {}
        for number, cells in enumerate(records, start=2):
            if width and any(c.strip() for c in cells):
                kept[number] = [*cells[:width - 1], ",".join(cells[width - 1:])] if len(cells) > width \
                    else cells + [""] * (width - len(cells))
    except (*_READ_ERRORS, csv.Error) as exc:
        raise _open_failed(name, exc) from None
    frame = pd.DataFrame(list(kept.values()), index=pd.Index(list(kept), dtype="int64"), columns=names, dtype=object)
    bad = limits.frame_cell_faults(frame)
    faults = [Fault(int(frame.index[i]), why, tuple(frame.iloc[i])) for i, why in bad.items()]
    return Table(frame.drop(index=frame.index[list(bad)]), faults)


def read_text_table(path: Path, display_name: str) -> Table:
    """A side table (photo captions) with its faults; blank rows left out. See ``read_table``."""
    return read_table(path, display_name, drop_blank=True)
