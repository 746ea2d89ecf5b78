"""``report_10m``: the report of a run whose contact log has ten million rows, within 2 GB.

A synthetic project with ten times the sample's survey answers is run through the pipeline; its
run's contact table is then replaced by ``--scale`` million rows (10 by default) of contacts by the
same customers, written by DuckDB. Measured, each in its own process (peak memory is the largest
process's max RSS):

- the gallery step's summary, which aggregates the contact log with DuckDB for the report's
  dose-response (NPS by messages a week), and
- ``cxkit report RUN --to html``: the report notebook re-run against the run and exported.

The reference is what the report used to do: load the whole contact table into pandas and compute
the dose-response there. Target: both kit figures under 2 GB, whatever the size of the log.
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

from bench.common import ROOT, cxkit, record

PEAK_TARGET_MB = 2048
RESPONSES = 15_000          # ten times the sample's survey answers

CONTACTS = """
COPY (
  WITH people AS (
    SELECT row_number() OVER () - 1 AS k, customer_id
    FROM (SELECT DISTINCT customer_id FROM read_parquet(?) WHERE customer_id IS NOT NULL ORDER BY customer_id))
  SELECT p.customer_id,
    TIMESTAMPTZ '2026-07-01 00:00:00+00' + to_seconds(i % 7776000) AS "at",
    (['email','phone','in_store','website','app','social'])[1 + i % 6] AS channel,
    CASE WHEN i % 5 = 0 THEN 'inbound' ELSE 'outbound' END AS direction,
    CASE WHEN i % 5 = 0 THEN (['complaint','support_request','purchase','cancellation'])[1 + i % 4]
         ELSE (['reminder','meal_plan','guide','newsletter'])[1 + i % 4] END AS kind,
    round((i % 97) / 1000.0, 4) AS cost,
    (['delivered','opened','ignored','resolved','purchased'])[1 + i % 5] AS outcome
  FROM range(?) t(i) JOIN people p ON p.k = (i * 7919) % ?
) TO '{out}' (FORMAT parquet)
"""

ASSEMBLE = """
import json, resource, sys, time
from pathlib import Path
from kit.core.step import open_step
from kit.steps import gallery
run = Path(sys.argv[1])
t0 = time.perf_counter()
step = open_step("gallery", sys.argv[2], run)
gallery.assemble(step)
bands = json.loads((run / "summary.json").read_text())["contact_bands"]
print(json.dumps({"seconds": time.perf_counter() - t0, "bands": len(bands),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

REFERENCE = """
import json, resource, sys, time
import pandas as pd
from pathlib import Path
t0 = time.perf_counter()
run = Path(sys.argv[1])
contacts = pd.read_parquet(run / "data" / "contacts.parquet")
responses = pd.read_parquet(run / "data" / "responses.parquet")
out = contacts[contacts["direction"] == "outbound"]
span = out.groupby("customer_id")["at"].agg(["min", "max", "size"])
weeks = ((span["max"] - span["min"]).dt.total_seconds() / 604800).clip(lower=1)
per_week = (span["size"] / weeks).rename("per_week")
joined = responses.dropna(subset=["customer_id"]).join(per_week, on="customer_id", how="inner")
joined["band"] = pd.cut(joined["per_week"], bins=[0, 3, 7, 14, 28, float("inf")], right=False)
n = joined.groupby("band", observed=False)["nps"].size()
print(json.dumps({"seconds": time.perf_counter() - t0, "bands": len(n),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _child(code: str, *argv: str) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter; its JSON answer (it measures its own peak memory)."""
    out = subprocess.run([sys.executable, "-c", code, *argv], check=True, cwd=ROOT, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def big_contacts(run: Path, rows: int) -> float:
    """Replace the run's contact table by ``rows`` contacts of its own customers; seconds taken."""
    import duckdb

    target = run / "data" / "contacts.parquet"
    t0 = time.perf_counter()
    with duckdb.connect(config={"threads": 2}) as con:
        con.execute("SET enable_progress_bar = false")
        con.execute("SET TimeZone = 'UTC'")
        responses = str(run / "data" / "responses.parquet")
        people = con.execute("SELECT count(DISTINCT customer_id) FROM read_parquet(?)", [responses]).fetchone()[0]
        con.execute(CONTACTS.format(out=str(target)), [responses, rows, people])
    return time.perf_counter() - t0


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    rows = int(getattr(args, "scale", 10) or 10) * 1_000_000
    millions = rows / 1e6
    with tempfile.TemporaryDirectory(prefix="cxkit-report-") as tmp:
        project = Path(tmp) / "big"
        cxkit("synth", str(project), f"--responses={RESPONSES}", "--seed=11")
        cxkit("run", str(project), "--out", f"{tmp}/runs", "--quiet")
        run_dir = (Path(tmp) / "runs" / "latest").resolve()
        made = big_contacts(run_dir, rows)
        assembled = _child(ASSEMBLE, str(run_dir), str(project))
        report_s, report_mb = cxkit("report", str(run_dir), "--to", "html")
        ref = _child(REFERENCE, str(run_dir))
    return [
        record(f"report_{millions:g}m.contacts_written_s", made, "s", None, "information", None),
        record(f"report_{millions:g}m.summary_peak_mb", assembled["peak_mb"], "MB", ref["peak_mb"],
               f"< {PEAK_TARGET_MB} MB", assembled["peak_mb"] < PEAK_TARGET_MB),
        record(f"report_{millions:g}m.summary_s", assembled["seconds"], "s", ref["seconds"], "information", None),
        record(f"report_{millions:g}m.report_peak_mb", report_mb, "MB", ref["peak_mb"], f"< {PEAK_TARGET_MB} MB",
               report_mb < PEAK_TARGET_MB),
        record(f"report_{millions:g}m.report_s", report_s, "s", None, "information", None),
        record(f"report_{millions:g}m.bands", float(assembled["bands"]), "", None, "> 0", assembled["bands"] > 0),
    ]
