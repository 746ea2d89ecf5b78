"""The contact log read by DuckDB block by block gives exactly what the earlier pandas reader gave.

``pandas_reader`` below is that earlier reader (``kit.evidence.contacts.read_contacts`` before the
rules moved into SQL), kept here as the reference. Both read the same projects, and the counts, the
rejects (file, row, reason, in order) and the accepted rows (every value, in order) must be equal:
on every broken contact log of tests/fixtures/broken, the sample, the sample's Persian copy (Jalali
stamps in Persian digits, Tehran time, Persian channel names), and a log mixing every way of
writing a time, a channel and a cost.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kit.core import project
from kit.core.project import Project
from kit.core.rejects import RejectLog
from kit.core.schema import CONTACT_COLUMNS
from kit.core.spelling import Vocabulary
from kit.evidence import contacts
from kit.evidence.contacts import CONTACT_SCHEMA, Counts, _chunks, _log, dated
from kit.evidence.limits import MAX_CONTACTS_BYTES
from kit.synth.persian import persian_copy

ROOT = Path(__file__).resolve().parents[2]
BROKEN = sorted(p for p in (ROOT / "tests" / "fixtures" / "broken").glob("contacts_*") if (p / "contacts.csv").is_file())


def pandas_reader(proj: Project, out: Path, rejects: RejectLog) -> Counts:
    """The earlier reader: pandas chunk by chunk, a reason text built for every row."""
    counts = Counts()
    name = proj.contacts
    assert name
    path = proj.path(name, key="contacts")
    with pq.ParquetWriter(out, CONTACT_SCHEMA) as writer:
        for table in _chunks(path, name, CONTACT_COLUMNS, MAX_CONTACTS_BYTES):
            chunk = table.frame
            counts.rows_in += table.rows_in
            c = {k: chunk[k].astype("string").str.strip() for k in CONTACT_COLUMNS}
            at, reason = dated(c["at"], "at", proj)
            channels = Vocabulary(proj.channels)
            channel = channels.series(c["channel"])
            bad = (channel.isna() | (channel == "")).fillna(True).to_numpy(dtype=bool)
            if bad.any():
                why = c["channel"][bad].map({v: channels.why_not(v) for v in c["channel"][bad].unique()})
                reason[bad] = reason[bad] + "column 'channel': '" + c["channel"][bad] + "' " + why + "; "
            direction = Vocabulary(("inbound", "outbound")).series(c["direction"])
            bad = (direction.isna() | (direction == "")).fillna(True).to_numpy(dtype=bool)
            reason = reason.where(~bad, reason + "column 'direction': '" + c["direction"] + "' is not inbound/outbound; ")
            cost = pd.to_numeric(c["cost"], errors="coerce")
            bad = (((c["cost"] != "") & cost.isna()) | (cost < 0)).fillna(False)
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


def both(proj: Project, tmp_path: Path) -> Counts:
    """Read ``proj``'s contact log both ways and compare everything each gives."""
    old_rejects, new_rejects = RejectLog("ingest"), RejectLog("ingest")
    old = pandas_reader(proj, tmp_path / "old.parquet", old_rejects)
    new = contacts.read_contacts(proj, tmp_path / "new.parquet", new_rejects)
    assert new == old
    assert new.rows_in == new.accepted + new.rejected
    assert [vars(r) for r in new_rejects.items] == [vars(r) for r in old_rejects.items]
    was, now = pq.read_table(tmp_path / "old.parquet"), pq.read_table(tmp_path / "new.parquet")
    assert now.schema == was.schema
    assert now.num_rows == old.accepted
    assert now.to_pylist() == was.to_pylist()
    return new


@pytest.mark.parametrize("case", BROKEN, ids=[p.name for p in BROKEN])
def test_broken_contact_logs_read_as_before(case: Path, tmp_path: Path) -> None:
    proj = project.load(case)
    try:
        both(proj, tmp_path)
    except Exception as exc:  # noqa: BLE001 - a log refused whole must be refused the same way by both
        with pytest.raises(type(exc)) as old:
            pandas_reader(proj, tmp_path / "again.parquet", RejectLog("ingest"))
        assert str(old.value) == str(exc)


def test_sample_contact_log_read_as_before(tmp_path: Path) -> None:
    both(project.load(ROOT / "data" / "sample"), tmp_path)


def test_persian_contact_log_read_as_before(tmp_path: Path) -> None:
    folder = persian_copy(ROOT / "data" / "sample", tmp_path / "fa")
    proj = project.load(folder)
    assert proj.timezone == "Asia/Tehran"
    both(proj, tmp_path)


MIXED = """customer_id,at,channel,direction,kind,cost,outcome
A,2026-07-01T08:00:00Z,email,outbound,Meal_Plan,0.01,Delivered
A,2026-07-01 08:00:00,Email,Outbound,guide,1e-2,opened
A, 2026-07-01T08:00:00Z ,email ,outbound,guide,0.0100,opened
A,2026-07-08 08:00:00+03:30,email,outbound,guide,.5,opened
A,2026-07-08T08:00:00.123456Z,in store,inbound,complaint,5,
A,2026-02-30T08:00:00Z,email,outbound,guide,1,opened
A,2026-07-01T24:00:00Z,email,outbound,guide,1,opened
A,1404/04/10 14:30,تلفن,inbound,complaint,۱۲,resolved
A,۱۴۰۴/۰۴/۱۰ ۱۴:۳۰,تلفن,inbound,complaint,12,resolved
A,1404/12/30 10:00,phone,inbound,complaint,1,resolved
A,1403/12/30 02:15 ب.ظ,phone,inbound,complaint,1,resolved
A,2026-07-01T08:00:00Z,IN_STORE,inbound,complaint,nan,resolved
A,2026-07-01T08:00:00Z,ايميل,outbound,guide,1,opened
A,2026-07-01T08:00:00Z,fax,sideways,guide,-1,opened
,yesterday,,,guide,1 000,opened
B,2026/07/01 08:00,phone,INBOUND,PURCHASE,3,Purchased
B,2026-07-01T08:00:00+0000,phone,inbound,purchase,3,purchased
B,2026-07-01T08:00,phone,inbound,purchase,3,purchased
B,2026-07-01,phone,inbound,purchase,3,purchased
B,,phone,inbound,purchase,3,purchased
B,2026-07-01T08:00:00Z,phone,inbound,purchase,,purchased
,,,,,,

C,2026-07-02T09:00:00Z,app,outbound,reminder,0.001,ignored
"""


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tehran"])
@pytest.mark.parametrize("dates", ["auto", "gregorian", "jalali"])
def test_every_way_of_writing_a_value_read_as_before(tmp_path: Path, zone: str, dates: str) -> None:
    (tmp_path / "contacts.csv").write_text(MIXED, encoding="utf-8")
    (tmp_path / "project.yaml").write_text(
        "name: T\njourney: {stages: [purchase]}\nchannels: [email, phone, in_store, app, ایمیل, تلفن]\n"
        f"contacts: contacts.csv\ntimezone: {zone}\ndates: {dates}\n", encoding="utf-8")
    counts = both(project.load(tmp_path), tmp_path)
    assert counts.rows_in == MIXED.count("\n") - 3          # less the header, the blank row and the empty line
    assert counts.accepted >= 2 and counts.rejected >= 8
