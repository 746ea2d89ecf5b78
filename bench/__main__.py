"""Run the benchmarks and record them.

Every figure is compared with a reference measured in the same run on the same machine, never
with a number from elsewhere. Results go to ``bench/results/latest.json`` as records of
``{name, value, unit, reference, ratio, target, meets}``.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "latest.json"
SAMPLE = {"responses": 1500, "photos": 24, "recordings": 5}


def _cxkit(*args: str) -> tuple[float, float]:
    """Seconds and peak memory (MB of the largest process) of one ``cxkit`` command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kit.cli", *args], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - t0
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return seconds, peak / 1024


def record(name: str, value: float, unit: str, reference: float | None, target: str,
           meets: bool | None) -> dict[str, Any]:
    ratio = value / reference if reference else None
    return {"name": name, "value": round(value, 3), "unit": unit,
            "reference": round(reference, 3) if reference is not None else None,
            "ratio": round(ratio, 3) if ratio is not None else None, "target": target, "meets": meets}


def pipeline_sample(scale: int) -> list[dict[str, Any]]:
    """The whole pipeline on the sample and on a synthetic project ``scale`` times its size.

    The exponent k in time ~ size^k says how the run grows: 1 is linear, the target is <= 1.1.
    """
    with tempfile.TemporaryDirectory(prefix="cxkit-bench-") as tmp:
        big = Path(tmp) / "big"
        _cxkit("synth", str(big), *[f"--{k}={v * scale}" for k, v in SAMPLE.items()], "--seed=11")
        t1, m1 = _cxkit("run", "data/sample", "--out", f"{tmp}/runs", "--quiet")
        tn, mn = _cxkit("run", str(big), "--out", f"{tmp}/runs", "--quiet")
    exponent = math.log(tn / t1) / math.log(scale)
    return [
        record("pipeline_sample.sample_seconds", t1, "s", None, "", None),
        record("pipeline_sample.sample_peak_memory", m1, "MB", None, "", None),
        record(f"pipeline_sample.x{scale}_seconds", tn, "s", t1, f"ratio <= {scale ** 1.1:.1f}",
               tn / t1 <= scale ** 1.1),
        record(f"pipeline_sample.x{scale}_peak_memory", mn, "MB", m1, "", None),
        record("pipeline_sample.time_exponent", exponent, "", 1.0, "<= 1.1", exponent <= 1.1),
    ]


BENCHMARKS = {"pipeline_sample": lambda args: pipeline_sample(args.scale)}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all): {', '.join(BENCHMARKS)}")
    parser.add_argument("--scale", type=int, default=10, help="size of the large synthetic project")
    args = parser.parse_args()
    unknown = set(args.names) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(sorted(unknown))}; choose from {', '.join(BENCHMARKS)}")
    results: list[dict[str, Any]] = []
    for name in args.names or list(BENCHMARKS):
        print(f"running {name} ...", flush=True)
        results += BENCHMARKS[name](args)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"\n{'name':<40} {'value':>10} {'unit':<5} {'reference':>10} {'ratio':>7}  target")
    for r in results:
        ref = "" if r["reference"] is None else f"{r['reference']:.2f}"
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        verdict = "" if r["meets"] is None else ("  ok" if r["meets"] else "  MISSED")
        print(f"{r['name']:<40} {r['value']:>10.2f} {r['unit']:<5} {ref:>10} {ratio:>7}  {r['target']}{verdict}")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
