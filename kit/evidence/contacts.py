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

from kit.core.errors import InputFileError
from kit.core.project import Project
from kit.core.rejects import RejectLog
from kit.core.text import detect_lang, normalize_fa, parse_times
from kit.evidence.files import detect_encoding
from kit.evidence.privacy import redact_pii

CHUNK_ROWS = 500_000
CONTACT_COLUMNS = ["customer_id", "at", "channel", "direction", "kind", "cost", "outcome"]
SOCIAL_COLUMNS = ["at", "platform", "author", "text", "likes", "shares"]
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


def read_social(project: Project, rejects: RejectLog) -> tuple[pd.DataFrame, Counts]:
    """Social posts as comments (source 'social'); text redacted and normalised like survey answers."""
    assert project.social
    name = project.social
    path = project.path(name, key="social")
    if not path.is_file():
        raise InputFileError(name, "file not found", fix="check social: in project.yaml")
    frames, counts = [], Counts()
    for chunk in _chunks(path, name, SOCIAL_COLUMNS):
        first_row = counts.rows_in + 2
        counts.rows_in += len(chunk)
        text = chunk["text"].astype("string").str.strip()
        at = parse_times(chunk["at"].astype("string").str.strip())
        rows = pd.Series(np.arange(len(chunk)) + first_row, index=chunk.index)
        reason = pd.Series("", index=chunk.index, dtype="string")
        reason = reason.where(text != "", reason + "column 'text' is empty; ")
        reason = reason.where(~at.isna(), reason + "column 'at': '" + chunk["at"] + "' is not a date and time; ")
        ok = reason == ""
        _log(rejects, name, rows[~ok], reason[~ok])
        t = normalize_fa(text[ok])
        if project.privacy.redact_pii:
            t = t.map(redact_pii).astype("string")
        frames.append(pd.DataFrame({
            "comment_id": "social:" + rows[ok].astype(str), "response_id": pd.NA, "field": "social_post",
            "text": t, "lang": detect_lang(t), "sentiment": np.nan,
            "themes": "", "source": name, "platform": chunk.loc[ok, "platform"].astype("string").str.lower(),
            "at": at[ok], "likes": pd.to_numeric(chunk.loc[ok, "likes"], errors="coerce"),
            "shares": pd.to_numeric(chunk.loc[ok, "shares"], errors="coerce"),
        }))
        counts.accepted += int(ok.sum())
        counts.rejected += int((~ok).sum())
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(), counts


# ---------------------------------------------------------------- aggregates over the stored log
# The views need one row per customer or per channel, never the events themselves: DuckDB reads the
# Parquet written above in streaming fashion, so tens of millions of contacts stay within a bounded memory.

DUCKDB_MEMORY = "1GB"


def _query(sql: str, params: list[object]) -> pd.DataFrame:
    import duckdb

    with duckdb.connect(config={"memory_limit": DUCKDB_MEMORY, "threads": 2}) as con:
        con.execute("SET enable_progress_bar = false")
        return con.execute(sql, params).df()


def _to_utc(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Nanoseconds since 1970 (as queried, to stay clear of time-zone casts) back to UTC times."""
    for col in cols:
        frame[col] = pd.to_datetime(frame[col].astype("int64"), unit="ns", utc=True)
    return frame


def customer_contacts(parquet: Path) -> pd.DataFrame:
    """One row per customer of the contact log: outbound volume per week, complaints, leaving, buying, first and last contact.

    ``per_week`` follows ``scores.weekly_outbound``: outbound messages over the span between the first and
    last outbound message, at least one week; it is missing for customers never written to.
    """
    sql = """
    SELECT customer_id,
      count(*) FILTER (WHERE direction = 'outbound') AS outbound,
      count(*) FILTER (WHERE direction = 'outbound')
        / greatest(1.0, (max(t) FILTER (WHERE direction = 'outbound')
                         - min(t) FILTER (WHERE direction = 'outbound')) / 604800e9) AS per_week,
      count(*) FILTER (WHERE direction = 'inbound') AS inbound,
      count(*) FILTER (WHERE direction = 'inbound' AND kind = 'complaint') AS complaints,
      bool_or(kind = 'cancellation' OR outcome = 'cancelled') AS left_us,
      bool_or(kind = 'purchase' OR outcome = 'purchased') AS purchased,
      min(t) AS first_at, max(t) AS last_at,
      arg_min(channel, t) AS first_channel, arg_max(channel, t) AS last_channel,
      arg_min(kind, t) AS first_kind, arg_max(kind, t) AS last_kind
    FROM (SELECT *, epoch_ns("at") AS t FROM read_parquet(?)) GROUP BY customer_id ORDER BY customer_id"""
    frame = _to_utc(_query(sql, [str(parquet)]), ["first_at", "last_at"])
    frame.loc[frame["outbound"] == 0, "per_week"] = np.nan
    return frame


def channel_contacts(parquet: Path) -> pd.DataFrame:
    """One row per channel of the contact log: volume each way, customers reached, purchases, complaints and cost."""
    sql = """
    SELECT channel, count(*) AS contacts,
      count(*) FILTER (WHERE direction = 'inbound') AS inbound,
      count(*) FILTER (WHERE direction = 'outbound') AS outbound,
      count(DISTINCT customer_id) AS customers,
      count(*) FILTER (WHERE kind = 'purchase' OR outcome = 'purchased') AS purchases,
      count(*) FILTER (WHERE direction = 'inbound' AND kind = 'complaint') AS complaints,
      coalesce(sum(cost), 0) AS cost, count(cost) AS costed
    FROM read_parquet(?) GROUP BY channel ORDER BY channel"""
    return _query(sql, [str(parquet)])
