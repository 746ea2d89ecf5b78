"""The contact log and social posts: read in chunks, validated like survey rows.

A contact log can hold tens of millions of rows, so it is read in chunks (``kit.evidence.files.stream_table``,
about 16 MiB of text each) and each accepted chunk is appended to a Parquet file: memory stays
bounded by the chunk, not the file. Rows the reader cannot take (a wrong number of cells, a control
character, a cell over its limit) and times outside ``kit.evidence.limits.date_window`` are rejects
like any other, so rows in = accepted + rejected holds for the whole file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kit.core import schema
from kit.core.calendars import read_times
from kit.core.errors import InputFileError
from kit.core.project import Project
from kit.core.rejects import RejectLog
from kit.core.schema import CONTACT_COLUMNS
from kit.core.spelling import Vocabulary, closest, near_miss
from kit.core.text import match_key
from kit.evidence import limits
from kit.evidence.files import Fault, Table, stream_table
from kit.evidence.limits import outside_window, window_text

DIRECTIONS = ("inbound", "outbound")
CONTACT_SCHEMA = pa.schema([("customer_id", pa.string()), ("at", pa.timestamp("ns", tz="UTC")),
                            ("channel", pa.string()), ("direction", pa.string()), ("kind", pa.string()),
                            ("cost", pa.float64()), ("outcome", pa.string()), ("source_row", pa.int64())])


@dataclass
class Counts:
    rows_in: int = 0
    accepted: int = 0
    rejected: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"in": self.rows_in, "accepted": self.accepted, "rejected": self.rejected}


def _chunks(path: Path, name: str, required: list[str], limit: int | None = None) -> Iterator[Table]:
    """The file in chunks (``kit.evidence.files.stream_table``), its header checked for ``required`` first."""
    first = True
    for table in stream_table(path, name, limit=limit):
        written = [str(c).strip() for c in table.frame.columns]
        table.frame.columns = header_names(written, required)
        missing = [c for c in required if c not in table.frame.columns] if first else []
        if missing:
            near = "".join(f"; for {c!r}" + near_miss(c, written, "the kit", "the file") for c in missing
                           if closest(c, written))
            raise InputFileError(name, f"missing column(s) {', '.join(missing)}; the file has "
                                 f"{', '.join(written)}{near}", row=1, fix=f"the header must be {','.join(required)}")
        twice = [c for c in required if list(table.frame.columns).count(c) > 1] if first else []
        if twice:
            raise InputFileError(name, f"the header names column(s) {', '.join(twice)} more than once, so it is not "
                                 "clear which one to read", row=1, fix=f"the header must be {','.join(required)}")
        first = False
        yield table


def header_names(written: list[str], required: list[str]) -> list[str]:
    """The file's column names, each one that matches a required name however typed (case, Arabic or
    Persian letters, ZWNJ or space: ``kit.core.text.match_key``) given that name."""
    wanted = {match_key(c): c for c in required}
    return [c if c in required else wanted.get(match_key(c), c) for c in written]


def _log(rejects: RejectLog, name: str, rows: pd.Series, reasons: pd.Series, faults: list[Fault]) -> None:
    """Rejects of one chunk in row order: rows the reader could not take, then those validation refused."""
    found = [(int(r), str(why).rstrip("; ")) for r, why in zip(rows, reasons, strict=True)]
    for row, why in sorted(found + [(f.row, f.reason) for f in faults]):
        rejects.add(name, f"row {row}", why)


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
    """Validate ``contacts:`` chunk by chunk into ``out`` (Parquet); returns rows in/accepted/rejected."""
    counts = Counts()
    assert project.contacts
    name = project.contacts
    path = project.path(name, key="contacts")
    if not path.is_file():
        raise InputFileError(name, "file not found", fix="check contacts: in project.yaml")
    out.parent.mkdir(parents=True, exist_ok=True)
    schema.check("contacts", CONTACT_SCHEMA)          # written chunk by chunk, so checked by its schema
    with pq.ParquetWriter(out, CONTACT_SCHEMA) as writer:
        for table in _chunks(path, name, CONTACT_COLUMNS, limits.MAX_CONTACTS_BYTES):
            chunk = table.frame
            counts.rows_in += table.rows_in
            c = {k: chunk[k].astype("string").str.strip() for k in CONTACT_COLUMNS}
            at, reason = dated(c["at"], "at", project)
            channels = Vocabulary(project.channels)            # kept as project.yaml spells them
            channel = channels.series(c["channel"])
            bad = (channel.isna() | (channel == "")).fillna(True).to_numpy(dtype=bool)
            if bad.any():
                why = c["channel"][bad].map({v: channels.why_not(v) for v in c["channel"][bad].unique()})
                reason[bad] = reason[bad] + "column 'channel': '" + c["channel"][bad] + "' " + why + "; "
            direction = Vocabulary(DIRECTIONS).series(c["direction"])
            bad = (direction.isna() | (direction == "")).fillna(True).to_numpy(dtype=bool)
            reason = reason.where(~bad, reason + "column 'direction': '" + c["direction"] + "' is not inbound/outbound; ")
            cost = pd.to_numeric(c["cost"], errors="coerce")
            bad = (((c["cost"] != "") & cost.isna()) | (cost < 0)).fillna(False)   # a blank cost is allowed
            reason = reason.where(~bad, reason + "column 'cost': '" + c["cost"] + "' is not an amount >= 0; ")
            bad = c["customer_id"] == ""
            reason = reason.where(~bad, reason + "column 'customer_id' is empty; ")
            rows = pd.Series(chunk.index.to_numpy(dtype=np.int64), index=chunk.index)
            ok = reason == ""
            _log(rejects, name, rows[~ok], reason[~ok], table.faults)
            frame = pd.DataFrame({"customer_id": c["customer_id"], "at": at, "channel": channel,
                                  "direction": direction, "kind": c["kind"].str.lower(), "cost": cost.astype(float),
                                  "outcome": c["outcome"].str.lower(), "source_row": rows})[ok]
            writer.write_table(pa.Table.from_pandas(frame, schema=CONTACT_SCHEMA, preserve_index=False))
            counts.accepted += int(ok.sum())
            counts.rejected += int((~ok).sum()) + len(table.faults)
    return counts


# ---------------------------------------------------------------- aggregates over the stored log
# The views need one row per customer or per channel, never the events themselves: DuckDB reads the
# Parquet written above in streaming fashion, so tens of millions of contacts stay within a bounded memory.


