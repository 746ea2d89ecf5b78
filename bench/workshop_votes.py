"""``workshop_votes``: how long a dot vote takes when 20 participants vote at once.

Each of 20 processes (one per participant, as each Voilà visitor has a kernel of their own) joins
and spends its whole budget on ``kit.workshop.store.Workshop``; every vote is timed. The reference is
the same votes cast one after another by a single process on a fresh workshop: the ratio says what
waiting for SQLite's write lock adds. Target: the slowest 5% of votes under contention still
answer within a second (a click should feel immediate).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import record
from kit.workshop.fields import DEPARTMENTS
from kit.workshop.store import Workshop

PEOPLE = 20
BUDGET = 10
EXHIBITS = [f"ex-{i}" for i in range(12)]


def _run_folder(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "exhibits.json").write_text(json.dumps([{"id": i, "kind": "quote", "title": i, "schema": 1,
                                                    "source": {"file": "x"}} for i in EXHIBITS]))
    Workshop(root, votes_per_person=BUDGET)
    return root


def _voter(args: tuple[str, int]) -> list[float]:
    run, i = args
    shop = Workshop(Path(run))
    token = shop.join(f"P{i}", DEPARTMENTS[i % len(DEPARTMENTS)]).token
    times = []
    for k in range(BUDGET):
        t0 = time.perf_counter()
        shop.vote(token, EXHIBITS[(i + k) % len(EXHIBITS)])
        times.append(time.perf_counter() - t0)
    return times


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def run(args: argparse.Namespace | None = None) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        alone = _run_folder(Path(tmp) / "alone")
        sequential = [t for i in range(PEOPLE) for t in _voter((str(alone), i))]
        together = _run_folder(Path(tmp) / "together")
        ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        with ctx.Pool(processes=PEOPLE) as pool:
            concurrent = [t for times in pool.map(_voter, [(str(together), i) for i in range(PEOPLE)], chunksize=1)
                          for t in times]
        lost = PEOPLE * BUDGET - Workshop(together).totals()["votes"]
    p95 = _p95(concurrent)
    return [record("workshop_vote_p95_20_at_once", p95 * 1000, "ms", _p95(sequential) * 1000,
                   "p95 under 1000 ms with 20 participants voting at once", p95 < 1.0),
            record("workshop_votes_lost_20_at_once", lost, "votes", 0, "0 votes lost", lost == 0)]
