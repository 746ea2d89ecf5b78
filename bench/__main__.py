"""Run the benchmarks and record them.

Each benchmark is a module ``bench/<name>.py`` with a ``run(args)`` function returning records
(see ``bench.common.record``); a new module is picked up by name. Every figure is compared with
a reference measured in the same run on the same machine. Results go to
``bench/results/latest.json`` as records of ``{name, value, unit, reference, ratio, target, meets}``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
from pathlib import Path
from typing import Any

import bench
from bench.common import ROOT

RESULTS = ROOT / "bench" / "results" / "latest.json"
NOT_BENCHMARKS = {"common", "__main__"}


def benchmarks() -> list[str]:
    """Names of the benchmark modules, in alphabetical order (the slow pipeline ones last)."""
    names = [m.name for m in pkgutil.iter_modules([str(Path(bench.__file__).parent)])
             if m.name not in NOT_BENCHMARKS and not m.name.startswith("_")]
    return sorted(names, key=lambda n: (n.startswith("pipeline_"), n))


def main() -> None:
    names = benchmarks()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all): {', '.join(names)}")
    parser.add_argument("--scale", type=int, default=10, help="size of the synthetic project (pipeline_*)")
    args = parser.parse_args()
    unknown = set(args.names) - set(names)
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(sorted(unknown))}; choose from {', '.join(names)}")
    results: list[dict[str, Any]] = []
    for name in args.names or names:
        print(f"running {name} ...", flush=True)
        results += importlib.import_module(f"bench.{name}").run(args)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else []
    fresh = {r["name"] for r in results}
    merged = [r for r in previous if r["name"] not in fresh] + results
    RESULTS.write_text(json.dumps(merged, indent=2), encoding="utf-8")
    print(f"\n{'name':<44} {'value':>10} {'unit':<5} {'reference':>10} {'ratio':>7}  target")
    for r in results:
        ref = "" if r["reference"] is None else f"{r['reference']:.2f}"
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        verdict = "" if r["meets"] is None else ("  ok" if r["meets"] else "  MISSED")
        print(f"{r['name']:<44} {r['value']:>10.2f} {r['unit']:<5} {ref:>10} {ratio:>7}  {r['target']}{verdict}")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)} (results of benchmarks not run this time are kept)")


if __name__ == "__main__":
    main()
