"""``jalali_dates``: a survey export with Jalali stamps read as fast as the same one with ISO stamps.

Two 100,000-row survey exports that differ only in how ``submitted_at`` is written: Gregorian ISO
8601 (``2025-10-04 14:30:05``) and Jalali with Persian digits (``۱۴۰۴/۰۷/۱۲ ۱۴:۳۰:۰۵``, one row in
eight with a Persian AM/PM word instead). The instants are the same, drawn to the second over 90
days, so most stamps are distinct (the costly case: a real export repeats its stamps more). Both
projects are in Asia/Tehran, so both pay for the zone. Each is timed in this process, alternately,
best of ``ROUNDS``:

- **ingest**: ``kit.evidence.surveys.read_surveys`` on the whole file;
- **dates**: ``kit.core.calendars.read_times`` on the date column alone.

Target: Jalali at most 2x Gregorian for the ingest. The dates-only ratio is recorded for scale.
The same instants must come out of both files.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jdatetime
import numpy as np
import pandas as pd

from bench.common import record

ROWS = 100_000
ROUNDS = 5
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
PROJECT_YAML = """\
name: jalali_dates
timezone: Asia/Tehran
journey: {stages: [purchase, support]}
channels: [app, phone]
surveys:
  - path: answers.csv
    columns: {response_id: id, submitted_at: at, nps: nps, stage: stage, channel: channel}
"""


def _instants(n: int) -> pd.Series:
    rng = np.random.default_rng(7)
    start = pd.Timestamp("2025-08-01 00:00:00")
    return pd.Series(start + pd.to_timedelta(np.sort(rng.integers(0, 90 * 86400, n)), unit="s"))


def jalali_text(local: pd.Series) -> pd.Series:
    """Tehran wall-clock times written as a Persian export writes them (every eighth with ق.ظ/ب.ظ)."""
    days = {d: jdatetime.date.fromgregorian(date=d.date()) for d in local.dt.normalize().unique()}
    date = local.dt.normalize().map(lambda d: f"{days[d].year}/{days[d].month:02d}/{days[d].day:02d}")
    clock = local.dt.strftime("%H:%M:%S")
    twelve = local.dt.strftime("%I:%M:%S") + np.where(local.dt.hour < 12, " ق.ظ", " ب.ظ")
    clock = clock.where(np.arange(len(local)) % 8 != 0, twelve)
    return (date + " " + clock).str.translate(PERSIAN)


def _write(folder: Path, at: pd.Series) -> Path:
    folder.mkdir(parents=True)
    (folder / "project.yaml").write_text(PROJECT_YAML, encoding="utf-8")
    n = len(at)
    pd.DataFrame({"id": [f"r{i}" for i in range(n)], "at": at, "nps": np.arange(n) % 11,
                  "stage": np.where(np.arange(n) % 2, "purchase", "support"),
                  "channel": np.where(np.arange(n) % 3, "app", "phone")}).to_csv(folder / "answers.csv", index=False)
    return folder


def _best(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def run(args: argparse.Namespace | None = None) -> list[dict[str, Any]]:
    from kit.core import project
    from kit.core.calendars import read_times
    from kit.core.rejects import RejectLog
    from kit.evidence.surveys import read_surveys

    local = _instants(ROWS)
    texts = {"gregorian": local.dt.strftime("%Y-%m-%d %H:%M:%S"), "jalali": jalali_text(local)}
    best: dict[str, dict[str, float]] = {k: {"ingest": np.inf, "dates": np.inf} for k in texts}
    stored: dict[str, pd.Series] = {}
    with tempfile.TemporaryDirectory(prefix="bench-jalali-") as tmp:
        projects = {k: project.load(_write(Path(tmp) / k, t)) for k, t in texts.items()}
        for _ in range(ROUNDS):
            for kind, p in projects.items():
                seconds, result = _best(lambda p=p: read_surveys(p, RejectLog("ingest")))
                best[kind]["ingest"] = min(best[kind]["ingest"], seconds)
                stored[kind] = result.responses["submitted_at"]
                seconds, _ = _best(lambda k=kind: read_times(texts[k], tz="Asia/Tehran"))
                best[kind]["dates"] = min(best[kind]["dates"], seconds)
    same = stored["jalali"].equals(stored["gregorian"]) and len(stored["jalali"]) == ROWS
    distinct = int(texts["jalali"].nunique())
    g, j = best["gregorian"], best["jalali"]
    return [
        record("jalali_dates: ingest 100k Jalali rows", j["ingest"], "s", g["ingest"],
               f"<= 2x ISO stamps ({distinct:,} distinct stamps; same instants: {same})",
               same and j["ingest"] <= 2 * g["ingest"]),
        record("jalali_dates: read_times 100k Jalali stamps", j["dates"], "s", g["dates"],
               "for scale: the date column alone vs ISO", None),
    ]


if __name__ == "__main__":
    for r in run():
        print(r)
