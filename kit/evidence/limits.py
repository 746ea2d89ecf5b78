"""Limits a real export never reaches, kept in one place: the sizes and dates every table reader checks.

A whole file over its limit is refused (``InputFileError`` naming the file and the limit):

- ``MAX_CONTACTS_BYTES``, 4 GiB, for the contact log: about 50 million contacts. It is read in
  chunks, so this guards against a wrong file rather than memory.
- ``MAX_TABLE_BYTES``, 1 GiB, for every other table (surveys, social posts, recording markers,
  ``photos.csv``): a million survey responses with two open answers are about 300 MB.

A row over one of these is a reject (row, column and reason), and the rest of the file is read:

- ``MAX_ROW_BYTES``: a row of more than 1 MiB of text.
- ``MAX_CELL_CHARS``: a cell of more than 100,000 characters (Excel keeps at most 32,767 in a cell).
- a control character in a cell: NUL and the rest of U+0000-U+001F, U+007F-U+009F. Tab, line feed
  and carriage return are text (a quoted answer may run over several lines).
- a date outside ``date_window()``: before ``EARLIEST_DATE`` (1990-01-01) or more than
  ``LATEST_AHEAD`` (365 days) after today, for survey ``submitted_at`` and the ``at`` of contacts
  and social posts. That catches placeholders ("9999-12-31" for "never"), spreadsheet zero dates
  ("1899-12-30") and typed years ("2062" for "2026"): none is a time a customer met the company,
  and each would stretch every chart's time axis over centuries.

A row longer than the reader's block (``READ_BLOCK_BYTES``, 16 MiB: nearly always a quote that is
never closed, so the rest of the file reads as one cell) stops the file with a message naming it.
Paper votes (``kit.workshop.paper``, a package beside this one) keep their own, smaller file limit
and the workshop's limits on a name and a note.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kit.core.errors import InputFileError

MiB = 1 << 20
GiB = 1 << 30
MAX_CONTACTS_BYTES = 4 * GiB
MAX_TABLE_BYTES = 1 * GiB
MAX_ROW_BYTES = 1 * MiB
MAX_CELL_CHARS = 100_000
READ_BLOCK_BYTES = 16 * MiB
EARLIEST_DATE = pd.Timestamp("1990-01-01", tz="UTC")
LATEST_AHEAD = pd.Timedelta(days=365)
# Control characters in RE2 syntax: C0 but tab, line feed and carriage return; DEL; C1.
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{7f}-\x{9f}]"


def size_text(n: float) -> str:
    """1536 -> '1.5 KiB'; sizes as people read them."""
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:,.0f} bytes" if unit == "bytes" else f"{n:,.1f} {unit}".replace(".0 ", " ")
        n /= 1024
    return f"{n:,.1f} GiB"   # pragma: no cover - the loop always returns


def check_size(path: Path, name: str, limit: int) -> None:
    """Refuse a file larger than ``limit`` bytes (InputFileError naming the file and the limit)."""
    size = path.stat().st_size
    if size > limit:
        raise InputFileError(name, f"is {size_text(size)}, more than the {size_text(limit)} the kit reads for this "
                             "input (kit/evidence/limits.py)",
                             fix="check that it is the right file; a larger export can be split into several files")


def date_window(now: pd.Timestamp | None = None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The earliest and latest dates the kit takes as real: 1990-01-01 to a year after today (UTC)."""
    today = (now or pd.Timestamp.now(tz="UTC")).normalize()
    return EARLIEST_DATE, today + LATEST_AHEAD


def outside_window(at: pd.Series) -> np.ndarray:
    """Which parsed times fall outside ``date_window()`` (missing times do not)."""
    lo, hi = date_window()
    return (at.notna() & ((at < lo) | (at > hi))).to_numpy(dtype=bool, na_value=False)


def window_text() -> str:
    lo, hi = date_window()
    return f"outside {lo:%Y-%m-%d} to {hi:%Y-%m-%d}, the dates the kit takes as real (a placeholder or a typo?)"


def _char_name(text: str) -> str:
    for ch in text:
        code = ord(ch)
        if (code < 0x20 and ch not in "\t\n\r") or 0x7F <= code <= 0x9F:
            return "a NUL byte (U+0000)" if code == 0 else f"the control character U+{code:04X}"
    return "a control character"


def _may_hold_control(column: pa.Array | pa.ChunkedArray) -> bool:
    """A quick scan of the column's bytes; True only means the exact (slower) test must run."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    for chunk in chunks:
        buffers = chunk.buffers()
        if len(buffers) < 3 or buffers[2] is None:
            continue
        b = np.frombuffer(buffers[2], dtype=np.uint8)
        low = np.flatnonzero(b < 0x20)                        # few in text: line breaks in quoted cells, tabs
        if len(low) and np.isin(b[low], (9, 10, 13), invert=True).any():
            return True
        lead = np.flatnonzero((b[:-1] == 0xC2) | (b[:-1] == 0x7F))   # DEL; U+0080-U+009F are C2 80 .. C2 9F in UTF-8
        if len(lead) and ((b[lead] == 0x7F) | ((b[lead + 1] >= 0x80) & (b[lead + 1] <= 0x9F))).any():
            return True
        if len(b) and b[-1] == 0x7F:
            return True
    return False


def cell_faults(table: pa.Table | pa.RecordBatch) -> dict[int, str]:
    """Reasons to reject rows of a table of strings, by row position: a control character, a cell or a
    row over its limit. Built as text only for the rows that have one (a clean chunk costs a byte scan)."""
    found: dict[int, list[str]] = {}
    row_bytes = np.full(table.num_rows, max(table.num_columns - 1, 0), dtype=np.int64)    # the separators
    for name, column in zip(table.column_names, table.columns, strict=True):
        if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
            column = pc.cast(column, pa.string())
        nbytes = pc.binary_length(column).fill_null(0).to_numpy(zero_copy_only=False)
        row_bytes += nbytes
        if len(nbytes) and nbytes.max() > MAX_CELL_CHARS:       # fewer bytes than that are fewer characters too
            chars = pc.utf8_length(column).fill_null(0).to_numpy(zero_copy_only=False)
            for i in np.flatnonzero(chars > MAX_CELL_CHARS):
                found.setdefault(int(i), []).append(f"column {name!r} holds {chars[i]:,} characters; a cell may hold "
                                                    f"at most {MAX_CELL_CHARS:,}")
        if _may_hold_control(column):
            hit = pc.match_substring_regex(column, _CONTROL).fill_null(False).to_numpy(zero_copy_only=False)
            for i in np.flatnonzero(hit):
                found.setdefault(int(i), []).append(f"column {name!r} holds {_char_name(column[int(i)].as_py())}; "
                                                    "save the file again as plain text (CSV UTF-8)")
    for i in np.flatnonzero(row_bytes > MAX_ROW_BYTES):
        found.setdefault(int(i), []).insert(0, f"the row is {row_bytes[i]:,} bytes long; a row may be at most "
                                               f"{size_text(MAX_ROW_BYTES)}")
    return {i: "; ".join(reasons) for i, reasons in sorted(found.items())}


def frame_cell_faults(frame: pd.DataFrame) -> dict[int, str]:
    """``cell_faults`` of a pandas frame of text (an XLSX or Parquet file as read), by row position."""
    if not frame.shape[1]:
        return {}
    arrays = [pa.array(frame.iloc[:, i].astype(str).to_numpy(dtype=object), pa.string()) for i in range(frame.shape[1])]
    return cell_faults(pa.RecordBatch.from_arrays(arrays, names=[str(c) for c in frame.columns]))
