"""``survey_1m``: survey ingest and every score by channel and stage on a million responses, against DuckDB.

One synthetic survey export of 1,000,000 responses (``kit.synth.tables``, bad rows included) is
written once. Then, each in its own process so time and peak memory are its own:

- **kit**: ``kit.evidence.surveys.read_surveys`` (read, validate, open answers redacted and normalised),
  then NPS, CSAT, top-2-box and CES with intervals and tests by channel and by stage, and weekly
  and monthly NPS;
- **duckdb**: NPS by channel in plain SQL from the same file, with no acceptance rules at all
  (every readable 0-10 rating counts): the figure to beat. Then, for the check only, the same
  figures with the kit's acceptance rules written in SQL (valid ratings or empty, known stage and
  channel, a readable time, yes/no consent, the first copy of a repeated response id).

The kit's NPS by channel must equal the rules-in-SQL figures (count and NPS per channel); the
kit's time is compared with DuckDB's plain NPS by channel. Targets: at most 5x that time, peak
memory under 2 GB. Times are the work inside each process (imports and interpreter start left
out of both).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.common import ROOT, record

RESPONSES = 1_000_000
PROJECT_YAML = """\
name: survey_1m
journey: {stages: [awareness, consideration, purchase, onboarding, coaching, support, renewal]}
channels: [email, phone, in_store, website, app, social]
surveys:
  - path: surveys/q3_responses.csv
    columns: {response_id: ResponseId, customer_id: ExternalReference, submitted_at: EndDate, nps: Q1_NPS,
              csat: Q2_CSAT, ces: Q3_CES, stage: Stage, channel: Channel, segment: Segment, consent: Consent}
    text: {liked_most: Q4_LikedMost, disliked_most: Q5_Unhappy}
"""

KIT_CHILD = """
import json, sys, time
from kit.core import project
from kit.analysis import scores
from kit.core.rejects import RejectLog
from kit.evidence.surveys import read_surveys
t0, c0 = time.perf_counter(), time.process_time()
p = project.load(sys.argv[1])
result = read_surveys(p, RejectLog("ingest"))
r = result.responses
head = scores.headline(r)
by_channel = scores.by_group(r, "channel", p.min_group_size, p.channels)
by_stage = scores.by_group(r, "stage", p.min_group_size, p.journey.stages)
weeks, months = scores.by_period(r, "W"), scores.by_period(r, "M")
seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
peak_mb = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb,
                  "counts": result.counts, "comments": len(result.comments),
                  "nps": {row.channel: [int(row.nps_n), float(row.nps)] for row in by_channel.itertuples()}}))
"""

DUCKDB_CHILD = r"""
import json, sys, time
import duckdb
digits = "translate(trim({c}), '۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩', '01234567890123456789')"
def rating(col, lo, hi):
    v = f"try_cast({digits.format(c=col)} AS DOUBLE)"
    ok = f"({v} IS NOT NULL AND {v} BETWEEN {lo} AND {hi} AND {v} = round({v}))"
    return f"(trim({col}) = '' OR {ok})", f"CASE WHEN {ok} THEN CAST({v} AS INTEGER) END"
slug = "regexp_replace(lower(trim({c})), '[\\s-]+', '_', 'g')"
stages = "['awareness','consideration','purchase','onboarding','coaching','support','renewal']"
channels = "['email','phone','in_store','website','app','social']"
COLUMNS = ["ResponseId", "EndDate", "Q1_NPS", "Q2_CSAT", "Q3_CES", "Stage", "Channel", "Consent"]
nps_ok, nps_val = rating("Q1_NPS", 0, 10)
csat_ok, _ = rating("Q2_CSAT", 1, 5)
ces_ok, _ = rating("Q3_CES", 1, 7)
sql = f'''
WITH raw AS (SELECT {", ".join(f"coalesce({c}, '') AS {c}" for c in COLUMNS)}, row_number() OVER () AS rn
             FROM read_csv('{sys.argv[1]}', all_varchar = true, header = true)),
firsts AS (SELECT *, row_number() OVER (PARTITION BY trim(ResponseId) ORDER BY rn) AS copy FROM raw)
SELECT {slug.format(c="Channel")} AS channel, count({nps_val}) AS n,
       100 * (avg(CASE WHEN {nps_val} >= 9 THEN 1.0 WHEN {nps_val} IS NOT NULL THEN 0.0 END)
            - avg(CASE WHEN {nps_val} <= 6 THEN 1.0 WHEN {nps_val} IS NOT NULL THEN 0.0 END)) AS nps
FROM firsts
WHERE trim(ResponseId) <> '' AND copy = 1 AND {nps_ok} AND {csat_ok} AND {ces_ok}
  AND (trim(Stage) = '' OR list_contains({stages}, {slug.format(c="Stage")}))
  AND (trim(Channel) = '' OR list_contains({channels}, {slug.format(c="Channel")}))
  AND (trim(EndDate) = '' OR try_cast(trim(EndDate) AS TIMESTAMPTZ) IS NOT NULL)
  AND (trim(Consent) = '' OR lower(trim(Consent)) IN ('yes','y','true','1','agree','no','n','false','0','disagree'))
  AND trim(Channel) <> ''
GROUP BY 1
'''
# The figure to beat: NPS by channel with no acceptance rules at all (every readable 0-10 rating counts).
t1, c1 = time.perf_counter(), time.process_time()
plain_sql = ("SELECT Channel, count(n), 100 * (avg((n >= 9)::INT) - avg((n <= 6)::INT)) FROM (SELECT Channel, "
             "CASE WHEN regexp_full_match(Q1_NPS, '[0-9]|10') THEN CAST(Q1_NPS AS INTEGER) END AS n "
             f"FROM read_csv('{sys.argv[1]}', all_varchar = true, header = true)) GROUP BY 1")
plain = duckdb.sql(plain_sql).fetchall()
plain_seconds, plain_cpu = time.perf_counter() - t1, time.process_time() - c1
# The check: the same figures under the kit's acceptance rules, written in SQL.
t0 = time.perf_counter()
rows = duckdb.sql(sql).fetchall()
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "plain_seconds": plain_seconds, "plain_cpu": plain_cpu,
                  "peak_mb": int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024,
                  "nps": {ch: [int(n), float(v)] for ch, n, v in rows}}))
"""


def write_survey(folder: Path, responses: int, seed: int = 11) -> Path:
    """The synthetic survey export (only the survey: no photos, recordings or contact log) and its project.yaml."""
    import numpy as np

    from kit.synth import tables
    rng = np.random.default_rng(seed)
    frame, _bad = tables.responses_frame(rng, tables.draw_customers(rng, responses))
    tables.write_responses(folder / "surveys" / "q3_responses.csv", frame)
    (folder / "project.yaml").write_text(PROJECT_YAML, encoding="utf-8")
    return folder / "surveys" / "q3_responses.csv"


def child(code: str, arg: Path) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", code, str(arg)], check=True, cwd=ROOT, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def max_difference(kit: dict[str, list[float]], duck: dict[str, list[float]]) -> float:
    """Largest NPS difference per channel (infinite when the channels or their counts differ)."""
    if set(kit) != set(duck) or any(kit[c][0] != duck[c][0] for c in kit):
        return float("inf")
    return max(abs(kit[c][1] - duck[c][1]) for c in kit)


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    n = getattr(args, "responses", None) or RESPONSES
    with tempfile.TemporaryDirectory(prefix="cxkit-survey1m-") as tmp:
        csv = write_survey(Path(tmp), n)
        duck = child(DUCKDB_CHILD, csv)
        kit = child(KIT_CHILD, Path(tmp))
    diff = max_difference(kit["nps"], duck["nps"])
    ratio = kit["seconds"] / duck["plain_seconds"]
    counts = next(iter(kit["counts"].values()))
    print(f"survey_1m: {counts['in']:,} rows in, {counts['accepted']:,} accepted, {counts['rejected']:,} rejected, "
          f"{kit['comments']:,} open answers; kit {kit['seconds']:.2f} s vs DuckDB's plain NPS by channel "
          f"{duck['plain_seconds']:.2f} s (x{ratio:.2f}; DuckDB with the kit's rules {duck['seconds']:.2f} s); "
          f"processor time kit {kit['cpu']:.2f} s vs {duck['plain_cpu']:.2f} s (x{kit['cpu'] / duck['plain_cpu']:.2f}); "
          f"peak memory kit {kit['peak_mb']:,.0f} MB, DuckDB {duck['peak_mb']:,.0f} MB; NPS by channel differs "
          f"from the rules in SQL by at most {diff:.2e} points", flush=True)
    return [
        record("survey_1m.duckdb_seconds", duck["plain_seconds"], "s", None, "plain NPS by channel, no rules", None),
        record("survey_1m.duckdb_rules_seconds", duck["seconds"], "s", None, "NPS by channel with the kit's rules", None),
        record("survey_1m.kit_seconds", kit["seconds"], "s", duck["plain_seconds"], "ratio <= 5", ratio <= 5),
        record("survey_1m.kit_cpu_seconds", kit["cpu"], "s", duck["plain_cpu"], "information: processor time, all "
               "threads (less sensitive than wall time to a loaded machine)", None),
        record("survey_1m.kit_peak_memory", kit["peak_mb"], "MB", duck["peak_mb"], "< 2048 MB", kit["peak_mb"] < 2048),
        record("survey_1m.nps_by_channel_max_diff", diff, "pts", None, "< 1e-9", diff < 1e-9),
    ]
