"""The contact log and social posts: read in chunks, validated like survey rows.

A contact log can hold tens of millions of rows, so it is read in chunks of ``CHUNK_ROWS`` and each
accepted chunk is appended to a Parquet file: memory stays bounded by the chunk, not the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kit.core import schema
from kit.core.errors import InputFileError
from kit.core.project import Project
from kit.core.rejects import RejectLog
from kit.core.schema import CONTACT_COLUMNS
from kit.core.text import parse_times
from kit.evidence.files import detect_encoding

CHUNK_ROWS = 500_000
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


def _chunks(path: Path, name: str, required: list[str]) -> pd.io.parsers.TextFileReader:
    enc = detect_encoding(path)
    header = pd.read_csv(path, nrows=0, encoding=enc).columns.str.strip().tolist()
    missing = [c for c in required if c not in header]
    if missing:
        raise InputFileError(name, f"missing column(s) {', '.join(missing)}; the file has {', '.join(header)}",
                             row=1, fix=f"the header must be {','.join(required)}")
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=enc, chunksize=CHUNK_ROWS)


def _log(rejects: RejectLog, name: str, rows: pd.Series, reasons: pd.Series) -> None:
    for row, why in zip(rows, reasons, strict=True):
        rejects.add(name, f"row {row}", why.rstrip("; "))


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
        for chunk in _chunks(path, name, CONTACT_COLUMNS):
            chunk.columns = chunk.columns.str.strip()
            first_row = counts.rows_in + 2
            counts.rows_in += len(chunk)
            c = {k: chunk[k].astype("string").str.strip() for k in CONTACT_COLUMNS}
            reason = pd.Series("", index=chunk.index, dtype="string")
            at = parse_times(c["at"])
            reason = reason.where(~at.isna(), reason + "column 'at': '" + c["at"] + "' is not a date and time; ")
            channel = c["channel"].str.lower()
            bad = ~channel.isin(project.channels)
            reason = reason.where(~bad, reason + "column 'channel': '" + c["channel"] + "' is not one of "
                                  + ", ".join(project.channels) + "; ")
            direction = c["direction"].str.lower()
            bad = ~direction.isin(DIRECTIONS)
            reason = reason.where(~bad, reason + "column 'direction': '" + c["direction"] + "' is not inbound/outbound; ")
            cost = pd.to_numeric(c["cost"], errors="coerce")
            bad = (((c["cost"] != "") & cost.isna()) | (cost < 0)).fillna(False)   # a blank cost is allowed
            reason = reason.where(~bad, reason + "column 'cost': '" + c["cost"] + "' is not an amount >= 0; ")
            bad = c["customer_id"] == ""
            reason = reason.where(~bad, reason + "column 'customer_id' is empty; ")
            rows = pd.Series(np.arange(len(chunk)) + first_row, index=chunk.index)
            ok = reason == ""
            _log(rejects, name, rows[~ok], reason[~ok])
            table = pd.DataFrame({"customer_id": c["customer_id"], "at": at, "channel": channel,
                                  "direction": direction, "kind": c["kind"].str.lower(), "cost": cost,
                                  "outcome": c["outcome"].str.lower(), "source_row": rows})[ok]
            writer.write_table(pa.Table.from_pandas(table, schema=CONTACT_SCHEMA, preserve_index=False))
            counts.accepted += int(ok.sum())
            counts.rejected += int((~ok).sum())
    return counts


# ---------------------------------------------------------------- aggregates over the stored log
# The views need one row per customer or per channel, never the events themselves: DuckDB reads the
# Parquet written above in streaming fashion, so tens of millions of contacts stay within a bounded memory.


