"""``pipeline_cluster``: one project run three ways, side by side: in the steps' own process (the default),
on a local cluster of two workers (``--workers 2``), and through a ``dask scheduler`` and two ``dask
worker`` processes started apart on 127.0.0.1 (``--scheduler``), as a team runs a shared cluster.

Targets: two local workers at least 1.7x faster than the default, the separate cluster within 1.2x
of it, and all three runs holding the same exhibits and tables (times and paths left out). The
project is the synthetic one ``--scale`` times the sample (``--scale 1``: the sample itself).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from bench._cluster import comparable, loopback_cluster
from bench.common import cxkit, record
from bench.pipeline_sample import SAMPLE


def _project(tmp: Path, scale: int) -> str:
    if scale <= 1:
        return "data/sample"
    cxkit("synth", str(tmp / "big"), *[f"--{k}={v * scale}" for k, v in SAMPLE.items()], "--seed=11")
    return str(tmp / "big")


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    scale = args.scale
    with tempfile.TemporaryDirectory(prefix="cxkit-bench-") as folder:
        tmp = Path(folder)
        project = _project(tmp, scale)
        out = tmp / "runs"
        local, _ = cxkit("run", project, "--out", str(out), "--run-id", "local", "--quiet")
        two, _ = cxkit("run", project, "--out", str(out), "--run-id", "two", "--quiet", "--workers", "2")
        with loopback_cluster(tmp / "dask") as (address, _):
            apart, _ = cxkit("run", project, "--out", str(out), "--run-id", "apart", "--quiet", "--scheduler", address)
        same = comparable(out / "local") == comparable(out / "two") == comparable(out / "apart")
    name = f"pipeline_cluster.x{scale}"
    return [
        record(f"{name}_in_process_seconds", local, "s", None, "", None),
        record(f"{name}_two_local_workers_speedup", local / two, "x", None, ">= 1.7", local / two >= 1.7),
        record(f"{name}_scheduler_apart_seconds", apart, "s", local, "ratio <= 1.2", apart / local <= 1.2),
        record(f"{name}_same_results", float(same), "", None, "1 (equal)", same),
    ]
