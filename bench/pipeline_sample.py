"""``pipeline_sample``: the whole pipeline on the sample and on a synthetic project N times its size.

The exponent k in time ~ size^k says how the run grows: 1 is linear, the target is <= 1.1.
"""

from __future__ import annotations

import argparse
import math
import tempfile
from pathlib import Path
from typing import Any

from bench.common import cxkit, record

SAMPLE = {"responses": 1500, "photos": 24, "recordings": 5}


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    scale = args.scale
    with tempfile.TemporaryDirectory(prefix="cxkit-bench-") as tmp:
        big = Path(tmp) / "big"
        cxkit("synth", str(big), *[f"--{k}={v * scale}" for k, v in SAMPLE.items()], "--seed=11")
        t1, m1 = cxkit("run", "data/sample", "--out", f"{tmp}/runs", "--quiet")
        tn, mn = cxkit("run", str(big), "--out", f"{tmp}/runs", "--quiet")
    exponent = math.log(tn / t1) / math.log(scale)
    return [
        record("pipeline_sample.sample_seconds", t1, "s", None, "", None),
        record("pipeline_sample.sample_peak_memory", m1, "MB", None, "", None),
        record(f"pipeline_sample.x{scale}_seconds", tn, "s", t1, f"ratio <= {scale ** 1.1:.1f}",
               tn / t1 <= scale ** 1.1),
        record(f"pipeline_sample.x{scale}_peak_memory", mn, "MB", m1, "", None),
        record("pipeline_sample.time_exponent", exponent, "", 1.0, "<= 1.1", exponent <= 1.1),
    ]
