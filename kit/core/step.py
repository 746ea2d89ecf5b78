"""What every pipeline notebook shares: its project, its run folder, its tables and its rejects.

A notebook opens its step with ``open_step``; the step object knows where tables live in the run
folder and records what the step accepted and rejected, so the manifest can prove that rows in =
rows accepted + rows rejected. A notebook opened on its own (in JupyterLab, with the defaults)
gets the ingested tables it needs made for it, so every notebook runs as-is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kit.core import exhibits as ex
from kit.core import project as project_mod
from kit.core import runfolder
from kit.core.paths import SCRATCH_RUN, locate
from kit.core.project import Project
from kit.core.rejects import RejectLog


@dataclass
class Step:
    name: str
    project: Project
    run_dir: Path
    rejects: RejectLog
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def table_path(self, table: str) -> Path:
        return runfolder.table_path(self.run_dir, table)

    def has_table(self, table: str) -> bool:
        return runfolder.has_table(self.run_dir, table)

    def save_table(self, table: str, frame: pd.DataFrame) -> Path:
        """Write ``data/<table>.parquet``; a canonical table is checked against its columns first."""
        return runfolder.write_table(self.run_dir, table, frame)

    def load_table(self, table: str) -> pd.DataFrame:
        return runfolder.read_table(self.run_dir, table)

    def save_moments(self, frame: pd.DataFrame) -> Path:
        """This step's moments; the gallery step merges every step's part into ``moments``."""
        return runfolder.write_moment_part(self.run_dir, self.name, frame)

    def finish(self, exhibits: list[ex.Exhibit] | None = None) -> pd.DataFrame:
        """Write rejects, counts and exhibits of this step; returns the counts as a table to show."""
        self.rejects.save(self.run_dir)
        runfolder.write_counts(self.run_dir, self.name, self.counts)
        if exhibits is not None:
            ex.write_part(self.run_dir, self.name, exhibits)
        rows = [{"input": k, **v, "balanced": v["in"] == v["accepted"] + v["rejected"]}
                for k, v in self.counts.items()]
        return pd.DataFrame(rows, columns=["input", "in", "accepted", "rejected", "balanced"])


def open_step(name: str, project: str | Path, run_dir: str | Path = "") -> Step:
    """Load and check the project, make the run folder, and hand the notebook its step."""
    proj = project_mod.load(locate(project))
    run = locate(run_dir) if run_dir else SCRATCH_RUN
    run.mkdir(parents=True, exist_ok=True)
    return Step(name, proj, run, RejectLog(name))


