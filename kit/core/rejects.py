"""Rejected inputs: every row or file not taken is written down with where and why.

Readers append to a ``RejectLog``; the ingest step writes it as ``<run>/data/rejects.parquet`` and
adds the per-file counts to the manifest, so rows in = rows accepted + rows rejected can be
checked for every input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kit.core import runfolder
from kit.core.schema import REJECT_COLUMNS as COLUMNS


@dataclass
class Reject:
    source_file: str      # relative to the project folder
    locator: str          # "row 12", "row 12, column 'Q1'", "00:01:02.5", "file", "byte 2048"
    reason: str
    step: str = ""


@dataclass
class RejectLog:
    """Collects rejects from one step; appended to the run's table when the step ends."""

    step: str
    items: list[Reject] = field(default_factory=list)

    def add(self, source_file: str | Path, locator: str, reason: str) -> None:
        self.items.append(Reject(str(source_file), locator, reason, self.step))

    def __len__(self) -> int:
        return len(self.items)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([vars(r) for r in self.items], columns=COLUMNS).astype("string")

    def save(self, run_dir: Path) -> Path:
        """Replace this step's rows in rejects.parquet (a re-run of a step never doubles them)."""
        old = runfolder.read_table(run_dir, "rejects") if runfolder.has_table(run_dir, "rejects") \
            else pd.DataFrame(columns=COLUMNS)
        old = old[old["step"] != self.step]
        frames = [f for f in (old.astype("string"), self.frame()) if len(f)]
        table = pd.concat(frames, ignore_index=True) if frames else self.frame()
        return runfolder.write_table(run_dir, "rejects", table)
