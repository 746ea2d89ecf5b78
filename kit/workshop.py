"""Workshop mode: votes and notes of the people who walk a run's gallery together.

Everything lives in the run folder's ``workshop.sqlite``, so the findings of a workshop belong to
the run it reviewed.
"""

from __future__ import annotations

from pathlib import Path

DB_NAME = "workshop.sqlite"


def findings_html(run_dir: Path) -> str:
    """The report's "workshop findings" section for one run (a plain note when none was held)."""
    if not (Path(run_dir) / DB_NAME).exists():
        return "<p>No workshop has reviewed this run yet.</p>"
    raise NotImplementedError("workshop findings")
