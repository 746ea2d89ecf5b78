"""The contact log's rules as one DuckDB query per block: a reason per row, written only where a rule fails.

A log of tens of millions of rows cannot afford Python per row, nor pandas building a reason text
for every row to keep the few that have one. So each block (``kit.evidence.batches``) goes through
one SQL query over the block's Arrow columns, and the accepted rows are taken from those same
columns (no text goes through DuckDB and back):

- rules that need the kit's own Python (a channel as project.yaml spells it however the file writes
  it, ``kit.core.spelling``; a cost as ``pandas.to_numeric`` reads it; a Jalali or vendor time,
  ``kit.core.calendars``) run once per *distinct* value of the block, a few hundred, and are spread
  back by Arrow's dictionary indices;
- a plain ISO time (``2026-07-01T08:00:00Z``, or ``2026-07-01 08:00:00`` in a UTC project: the bulk
  of a big log) is read in SQL; every other time text goes to ``read_times``, distinct texts only.

The reasons, their order and the accepted values are the ones the earlier pandas reader gave
(tests/evidence/test_contact_rules.py compares both, on every broken contact log of the corpus too).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kit.core.calendars import read_times
from kit.core.project import Project
from kit.core.spelling import Vocabulary
from kit.evidence.limits import date_window, window_text

DIRECTIONS = ("inbound", "outbound")
CACHE_MOST = 100_000           # distinct channel/direction spellings remembered across blocks
# An ISO time SQL reads exactly as pandas does: a year of the date window, real hours, minutes and
# seconds; no fraction, no offset (those, and anything else, go to ``read_times``).
_PLAIN = (r"^(?:199\d|20\d\d)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[T ](?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d"
          r"{zone}$")
_AT = "'column ''at'': ''' || \"at\" || ''' is "
_SQL = f"""
SELECT ns,
  CASE WHEN why <> '' THEN {_AT}not a Jalali date: ' || why || '; '
       WHEN ns IS NULL THEN {_AT}not a date and time; '
       WHEN ns < $lo OR ns > $hi THEN {_AT}' || $window || '; '
       ELSE '' END
  || CASE WHEN ch IS NULL THEN 'column ''channel'': ''' || channel || ''' ' || ch_why || '; ' ELSE '' END
  || CASE WHEN dir IS NULL THEN 'column ''direction'': ''' || direction || ''' is not inbound/outbound; ' ELSE '' END
  || CASE WHEN cost_bad THEN 'column ''cost'': ''' || cost || ''' is not an amount >= 0; ' ELSE '' END
  || CASE WHEN customer_id = '' THEN 'column ''customer_id'' is empty; ' ELSE '' END AS reason
FROM (SELECT *, CASE WHEN plain THEN epoch_ns(try_strptime(replace(replace("at", 'T', ' '), 'Z', ''), '%Y-%m-%d %H:%M:%S'))
                     ELSE t_ns END AS ns FROM b)
"""
ACCEPTED = pa.schema([("customer_id", pa.string()), ("at", pa.timestamp("ns", tz="UTC")), ("channel", pa.string()),
                      ("direction", pa.string()), ("kind", pa.string()), ("cost", pa.float64()),
                      ("outcome", pa.string()), ("source_row", pa.int64())])


@dataclass
class Checked:
    """One block checked: the accepted rows (``ACCEPTED``) and the refused ones as (row, reason)."""

    accepted: pa.Table
    refused: list[tuple[int, str]] = field(default_factory=list)


def _array(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def _costs(column: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Each cost as ``pandas.to_numeric`` reads it, per distinct text; bad: text that is no number, or below 0."""
    encoded = pc.dictionary_encode(column)
    text = pd.Series(encoded.dictionary.to_pylist(), dtype="string")
    cost = pd.to_numeric(text, errors="coerce")
    bad = (((text != "") & cost.isna()) | (cost < 0)).fillna(False).to_numpy(dtype=bool)
    value = pa.array(cost.astype(float).to_numpy(), pa.float64(), from_pandas=True)
    return pc.take(value, encoded.indices), pc.take(pa.array(bad), encoded.indices)


class ContactRules:
    """Every rule of the contact log for one project, applied block by block on one DuckDB connection."""

    def __init__(self, project: Project) -> None:
        import duckdb

        self.project = project
        self.channels = Vocabulary(project.channels)           # kept as project.yaml spells them
        self.directions = Vocabulary(DIRECTIONS)
        self._spelled: dict[tuple[str, str], tuple[str | None, str]] = {}
        lo, hi = date_window()
        self.params = {"lo": int(lo.value), "hi": int(hi.value), "window": window_text()}
        zone = "Z?" if project.timezone == "UTC" else "Z"       # a time with no zone is the project's wall clock
        self.plain = None if project.dates == "jalali" else _PLAIN.format(zone=zone)
        self.con = duckdb.connect(config={"threads": 2, "memory_limit": "1GB"})
        self.con.execute("SET enable_progress_bar = false")

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> ContactRules:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _spelling(self, kind: str, column: pa.Array) -> tuple[pa.Array, pa.Array]:
        """Each cell as the project spells it (null: refused; '' is refused too) and why not, per distinct value."""
        vocabulary = self.channels if kind == "channel" else self.directions
        if len(self._spelled) > CACHE_MOST:
            self._spelled.clear()
        encoded = pc.dictionary_encode(column)
        out: list[str | None] = []
        why: list[str] = []
        for value in encoded.dictionary.to_pylist():
            key = (kind, value)
            if key not in self._spelled:
                got = vocabulary.get(value) if value != "" else None
                self._spelled[key] = (got, "" if got else (vocabulary.why_not(value) if kind == "channel" else ""))
            out.append(self._spelled[key][0])
            why.append(self._spelled[key][1])
        return pc.take(pa.array(out, pa.string()), encoded.indices), pc.take(pa.array(why, pa.string()), encoded.indices)

    def _times(self, at: pa.Array, plain: np.ndarray) -> tuple[pa.Array, pa.Array]:
        """UTC nanoseconds and why not a day of the time texts SQL does not read, by ``read_times`` per distinct text."""
        if plain.all():
            return pa.nulls(len(at), pa.int64()), pa.nulls(len(at), pa.string())
        rest = pc.unique(pc.filter(at, pa.array(~plain)))
        read = read_times(pd.Series(rest.to_pylist(), dtype="string"), dates=self.project.dates,
                          tz=self.project.timezone)
        ns = read.at.astype("datetime64[ns, UTC]").to_numpy(dtype="datetime64[ns]").astype(np.int64)
        ns_of = pa.array(ns, pa.int64(), mask=~read.at.notna().to_numpy(dtype=bool))
        why_of = pa.array(read.not_a_day.astype(str).to_numpy(dtype=object), pa.string())
        where = pc.if_else(pa.array(plain), pa.scalar(None, pa.int32()), pc.index_in(at, value_set=rest))
        return pc.take(ns_of, where), pc.take(why_of, where)

    def check(self, columns: dict[str, pa.Array | pa.ChunkedArray], rows: np.ndarray) -> Checked:
        """Apply every rule to one block: ``columns`` are the seven contact columns as text, ``rows`` their numbers."""
        c = {k: pc.utf8_trim_whitespace(_array(v)) for k, v in columns.items()}
        plain = (pc.match_substring_regex(c["at"], self.plain).to_numpy(zero_copy_only=False)
                 if self.plain else np.zeros(len(rows), dtype=bool))
        ch, ch_why = self._spelling("channel", c["channel"])
        direction, _ = self._spelling("direction", c["direction"])
        cost, cost_bad = _costs(c["cost"])
        t_ns, why = self._times(c["at"], plain)
        block = pa.table({"customer_id": c["customer_id"], "at": c["at"], "plain": pa.array(plain), "t_ns": t_ns,
                          "why": pc.fill_null(why, ""), "channel": c["channel"], "ch": ch, "ch_why": ch_why,
                          "direction": c["direction"], "dir": direction, "cost": c["cost"], "cost_bad": cost_bad})
        self.con.register("b", block)
        try:
            done = self.con.sql(_SQL, params=self.params).to_arrow_table()
        finally:
            self.con.unregister("b")
        ok = _array(pc.equal(done["reason"], ""))
        source_row = pa.array(rows, pa.int64())
        accepted = pa.table([c["customer_id"], pc.cast(done["ns"], pa.int64()).cast(pa.timestamp("ns", tz="UTC")), ch,
                             direction, pc.utf8_lower(c["kind"]), cost, pc.utf8_lower(c["outcome"]), source_row],
                            schema=ACCEPTED).filter(ok)
        bad = pc.invert(ok)
        refused = list(zip(source_row.filter(bad).to_pylist(), _array(done["reason"]).filter(bad).to_pylist(), strict=True))
        return Checked(accepted, refused)
