"""``contacts_10m``: a contact log of ``--scale`` million rows (10 by default), read by the kit and by DuckDB alone.

The log is synthesised by DuckDB straight to CSV (a few seconds per million rows): 100 000 customers,
six channels, times with and without zones, and about one row in five thousand broken (bad time, unknown
channel) so the reject path is exercised. The kit's path is what the pipeline does: validate block by
block to Parquet (``kit.evidence.contacts.read_contacts``: every rule in one DuckDB query per block), then
aggregate per customer and per channel with DuckDB. The reference is DuckDB alone reading the same CSV
and computing the same per-customer aggregate, without any validation. Each side runs in its own
process, so its time and peak memory (max RSS) are its own; times leave out imports and interpreter start.
Targets: the kit's time at most 2x DuckDB's; its peak memory under 2 GB, whatever the size of the log.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT, record

PEAK_TARGET_MB = 2048
RATIO_TARGET = 2.0

SYNTH = """
COPY (
  SELECT 'NP-' || lpad(CAST(i % 100000 AS VARCHAR), 7, '0') AS customer_id,
    CASE WHEN i % 9973 = 7 THEN 'not a time'
         WHEN i % 3 = 0 THEN strftime(TIMESTAMP '2026-07-01' + to_seconds(i % 7776000), '%Y-%m-%d %H:%M:%S')
         ELSE strftime(TIMESTAMP '2026-07-01' + to_seconds(i % 7776000), '%Y-%m-%dT%H:%M:%SZ') END AS "at",
    CASE WHEN i % 9967 = 13 THEN 'fax' ELSE (['email','phone','in_store','website','app','social'])[1 + i % 6] END AS channel,
    CASE WHEN i % 5 = 0 THEN 'inbound' ELSE 'outbound' END AS direction,
    CASE WHEN i % 5 = 0 THEN (['complaint','support_request','purchase','cancellation'])[1 + i % 4]
         ELSE (['reminder','meal_plan','guide','newsletter'])[1 + i % 4] END AS kind,
    round((i % 97) / 1000.0, 4) AS cost,
    (['delivered','opened','ignored','resolved','purchased'])[1 + i % 5] AS outcome
  FROM range(?) t(i)
) TO '{path}' (HEADER, DELIMITER ',')
"""

KIT = """
import json, sys, time
from pathlib import Path
import duckdb  # imported before the clock starts, as in the reference
from kit.analysis import contact_log
from kit.evidence import contacts
from kit.core import project
from kit.core.rejects import RejectLog
folder, out = Path(sys.argv[1]), Path(sys.argv[2])
t0, c0 = time.perf_counter(), time.process_time()
counts = contacts.read_contacts(project.load(folder), out, RejectLog("bench"))
customers = contact_log.customer_contacts(out)
channels = contact_log.channel_contacts(out)
print(json.dumps({"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "counts": counts.as_dict(),
                  "customers": len(customers),
                  "peak_mb": int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024}))
"""

REFERENCE = """
import json, sys, time
import duckdb
t0, c0 = time.perf_counter(), time.process_time()
with duckdb.connect(config={"threads": 2}) as con:
    con.execute("SET enable_progress_bar = false")
    n = con.execute('''SELECT count(*) FROM (SELECT customer_id, count(*) FILTER (WHERE direction = 'outbound') AS o,
        bool_or(kind = 'cancellation') AS l FROM read_csv(?, all_varchar = true) GROUP BY customer_id)''',
        [sys.argv[1]]).fetchone()[0]
print(json.dumps({"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "customers": n,
                  "peak_mb": int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024}))
"""

PROJECT = ("name: bench\njourney: {stages: [purchase]}\nchannels: [email, phone, in_store, website, app, social]\n"
           "contacts: contacts.csv\n")


def _child(code: str, *argv: str) -> tuple[dict[str, Any], float]:
    """Run ``code`` in a fresh interpreter; its JSON answer and its own peak memory in MB (it measures itself)."""
    out = subprocess.run([sys.executable, "-c", code, *argv], check=True, cwd=ROOT, capture_output=True, text=True)
    answer = json.loads(out.stdout.strip().splitlines()[-1])
    return answer, float(answer["peak_mb"])


def synth(folder: Path, rows: int) -> float:
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "project.yaml").write_text(PROJECT, encoding="utf-8")
    t0 = time.perf_counter()
    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        con.execute(SYNTH.format(path=str(folder / "contacts.csv")), [rows])
    return time.perf_counter() - t0


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    rows = int(getattr(args, "scale", 10) or 10) * 1_000_000
    with tempfile.TemporaryDirectory(prefix="cxkit-contacts-") as tmp:
        folder = Path(tmp) / "project"
        made = synth(folder, rows)
        ref, ref_peak = _child(REFERENCE, str(folder / "contacts.csv"))
        kit, kit_peak = _child(KIT, str(folder), str(Path(tmp) / "contacts.parquet"))
    c = kit["counts"]
    balanced = c["in"] == rows and c["in"] == c["accepted"] + c["rejected"]
    millions = rows / 1e6
    ratio = kit["seconds"] / ref["seconds"]
    print(f"contacts_{millions:g}m: {c['in']:,} rows in, {c['accepted']:,} accepted, {c['rejected']:,} rejected; "
          f"kit {kit['seconds']:.1f} s vs DuckDB alone {ref['seconds']:.1f} s (x{ratio:.2f}); peak memory kit "
          f"{kit_peak:,.0f} MB, DuckDB {ref_peak:,.0f} MB; processor time kit {kit['cpu']:.1f} s, DuckDB {ref['cpu']:.1f} s "
          f"(x{kit['cpu'] / ref['cpu']:.2f}); customers {kit['customers']:,} vs {ref['customers']:,}",
          flush=True)
    return [
        record(f"contacts_{millions:g}m_synth_s", made, "s", None, "information", None),
        record(f"contacts_{millions:g}m_kit_s", kit["seconds"], "s", ref["seconds"], f"ratio <= {RATIO_TARGET:g} "
               "(validate + aggregate against DuckDB aggregating the raw CSV)", ratio <= RATIO_TARGET),
        record(f"contacts_{millions:g}m_kit_cpu_s", kit["cpu"], "s", ref["cpu"], "information: processor time, "
               "all threads (less sensitive than wall time to a loaded machine)", None),
        record(f"contacts_{millions:g}m_kit_peak_mb", kit_peak, "MB", ref_peak, f"< {PEAK_TARGET_MB} MB",
               kit_peak < PEAK_TARGET_MB),
        record(f"contacts_{millions:g}m_rows_balanced", float(balanced), "bool", None, "rows in = accepted + rejected",
               balanced and kit["customers"] == ref["customers"]),
    ]
