"""The contact log and social posts: read in blocks, validated like survey rows.

A contact log can hold tens of millions of rows, so it is read a block at a time (about 16 MiB of
text: ``kit.evidence.batches``), each block checked by one DuckDB query (``kit.evidence.contact_rules``)
and its accepted rows appended to a Parquet file: memory stays bounded by the block, not the file.
Rows the reader cannot take (a wrong number of cells, a control character, a cell over its limit)
and times outside ``kit.evidence.limits.date_window`` are rejects like any other, so rows in =
accepted + rejected holds for the whole file. Social posts (``kit.evidence.social``) are few and
still read in pandas chunks (``_chunks``, ``dated``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kit.core import schema
from kit.core.calendars import read_times
from kit.core.errors import InputFileError
from kit.core.project import Project
from kit.core.rejects import RejectLog
from kit.core.schema import CONTACT_COLUMNS
from kit.core.spelling import closest, near_miss
from kit.core.text import match_key
from kit.evidence import limits
from kit.evidence.batches import ahead, stream_batches
from kit.evidence.contact_rules import ContactRules
from kit.evidence.files import Fault, Table, stream_table
from kit.evidence.limits import outside_window, window_text

CONTACT_SCHEMA = pa.schema([("customer_id", pa.string()), ("at", pa.timestamp("ns", tz="UTC")),
                            ("channel", pa.string()), ("direction", pa.string()), ("kind", pa.string()),
                            ("cost", pa.float64()), ("outcome", pa.string()), ("source_row", pa.int64())])
# Dictionaries only where values repeat (customer ids and times hardly do), and no column statistics:
# the log is only ever read whole by DuckDB's aggregates; this halves the time to write it.
WRITE = {"use_dictionary": ["channel", "direction", "kind", "outcome"], "write_statistics": False}


@dataclass
class Counts:
    rows_in: int = 0
    accepted: int = 0
    rejected: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"in": self.rows_in, "accepted": self.accepted, "rejected": self.rejected}


def checked_header(columns: list[object], name: str, required: list[str]) -> list[str]:
    """The file's column names as the kit reads them (``header_names``); InputFileError when one of
    ``required`` is missing or named twice."""
    written = [str(c).strip() for c in columns]
    names = header_names(written, required)
    missing = [c for c in required if c not in names]
    if missing:
        near = "".join(f"; for {c!r}" + near_miss(c, written, "the kit", "the file") for c in missing
                       if closest(c, written))
        raise InputFileError(name, f"missing column(s) {', '.join(missing)}; the file has "
                             f"{', '.join(written)}{near}", row=1, fix=f"the header must be {','.join(required)}")
    twice = [c for c in required if names.count(c) > 1]
    if twice:
        raise InputFileError(name, f"the header names column(s) {', '.join(twice)} more than once, so it is not "
                             "clear which one to read", row=1, fix=f"the header must be {','.join(required)}")
    return names


def _chunks(path: Path, name: str, required: list[str], limit: int | None = None) -> Iterator[Table]:
    """The file in chunks (``kit.evidence.files.stream_table``), its header checked for ``required`` first."""
    first = True
    for table in stream_table(path, name, limit=limit):
        if first:
            table.frame.columns = checked_header(list(table.frame.columns), name, required)
        else:
            table.frame.columns = header_names([str(c).strip() for c in table.frame.columns], required)
        first = False
        yield table


def header_names(written: list[str], required: list[str]) -> list[str]:
    """The file's column names, each one that matches a required name however typed (case, Arabic or
    Persian letters, ZWNJ or space: ``kit.core.text.match_key``) given that name."""
    wanted = {match_key(c): c for c in required}
    return [c if c in required else wanted.get(match_key(c), c) for c in written]


def _log(rejects: RejectLog, name: str, rows: pd.Series, reasons: pd.Series, faults: list[Fault]) -> None:
    """Rejects of one chunk in row order: rows the reader could not take, then those validation refused."""
    _log_refused(rejects, name, list(zip(rows, reasons, strict=True)), faults)


def dated(text: pd.Series, column: str, project: Project | None = None) -> tuple[pd.Series, pd.Series]:
    """UTC times of a column (NaT where not a time, or outside the date window) and the reason per row ('' if none).

    Jalali or Gregorian as the project's ``dates:`` says; zone-less times in its ``timezone:`` (UTC without a project).
    """
    read = read_times(text, dates=project.dates if project else "auto", tz=project.timezone if project else "UTC")
    at, why = read.at, read.not_a_day.astype("string")
    reason = pd.Series("", index=text.index, dtype="string")
    reason = reason.where(~at.isna(), f"column '{column}': '" + text + "' is not a date and time; ")
    reason = reason.where(why == "", f"column '{column}': '" + text + "' is not a Jalali date: " + why + "; ")
    far = outside_window(at)
    if far.any():
        reason[far] = f"column '{column}': '" + text[far] + "' is " + window_text() + "; "
        at = at.where(~far)
    return at.astype("datetime64[ns, UTC]"), reason


def read_contacts(project: Project, out: Path, rejects: RejectLog) -> Counts:
    """Validate ``contacts:`` block by block into ``out`` (Parquet); returns rows in/accepted/rejected."""
    counts = Counts()
    assert project.contacts
    name = project.contacts
    path = project.path(name, key="contacts")
    if not path.is_file():
        raise InputFileError(name, "file not found", fix="check contacts: in project.yaml")
    out.parent.mkdir(parents=True, exist_ok=True)
    schema.check("contacts", CONTACT_SCHEMA)          # written block by block, so checked by its schema
    first = True
    with pq.ParquetWriter(out, CONTACT_SCHEMA, **WRITE) as writer, ContactRules(project) as rules:
        for batch in ahead(stream_batches(path, name, limit=limits.MAX_CONTACTS_BYTES)):
            names = checked_header(batch.table.column_names, name, CONTACT_COLUMNS) if first else \
                header_names([str(c).strip() for c in batch.table.column_names], CONTACT_COLUMNS)
            first = False
            columns = {k: batch.table.column(names.index(k)) for k in CONTACT_COLUMNS}
            done = rules.check(columns, batch.rows)
            _log_refused(rejects, name, done.refused, batch.faults)
            writer.write_table(done.accepted.cast(CONTACT_SCHEMA))
            counts.rows_in += batch.rows_in
            counts.accepted += done.accepted.num_rows
            counts.rejected += len(done.refused) + len(batch.faults)
    return counts


def _log_refused(rejects: RejectLog, name: str, refused: list[tuple[int, str]], faults: list[Fault]) -> None:
    """Rejects of one block in row order: rows the reader could not take, then those validation refused."""
    found = [(int(r), str(why).rstrip("; ")) for r, why in refused]
    for row, why in sorted(found + [(f.row, f.reason) for f in faults]):
        rejects.add(name, f"row {row}", why)


# ---------------------------------------------------------------- aggregates over the stored log
# The views need one row per customer or per channel, never the events themselves: DuckDB reads the
# Parquet written above in streaming fashion, so tens of millions of contacts stay within a bounded memory.


