"""What every benchmark shares: how to time a ``cxkit`` command and how to write a record.

Every figure is compared with a reference measured in the same run on the same machine, never
with a number from elsewhere.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def cxkit(*args: str) -> tuple[float, float]:
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
    """One result line: ``ratio`` is value / reference when there is a reference."""
    ratio = value / reference if reference else None
    return {"name": name, "value": round(value, 3), "unit": unit,
            "reference": round(reference, 3) if reference is not None else None,
            "ratio": round(ratio, 3) if ratio is not None else None, "target": target, "meets": meets}
