"""One exception tree for everything a user can fix.

Each class also inherits the nearest builtin, so callers that only know Python's own errors still
catch them. Messages name the file, row, column or key at fault and say what to do about it; the
command line prints them as they are and exits 2 (bad input) or 1 (internal fault).
"""

from __future__ import annotations

from pathlib import Path


class KitError(Exception):
    """Root of every error the kit raises on purpose."""

    exit_code = 1


class ProjectError(KitError, ValueError):
    """project.yaml is missing, malformed, or names something that is not there."""

    exit_code = 2


class UnsafePathError(ProjectError):
    """A configured path points outside the project folder; it is refused without being read."""


class InputFileError(KitError, ValueError):
    """An input file cannot be used as a whole (unreadable, wrong layout, a missing column)."""

    exit_code = 2

    def __init__(self, file: str | Path, problem: str, *, row: int | None = None,
                 column: str | None = None, fix: str = "") -> None:
        self.file, self.problem, self.row, self.column, self.fix = str(file), problem, row, column, fix
        where = self.file
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {problem}" + (f". {fix}" if fix else ""))


class ValidationFailed(KitError, ValueError):
    """Validation found problems that stop a run; carries every one of them, not just the first."""

    exit_code = 2

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("the project has problems that stop a run:\n  - " + "\n  - ".join(problems))


class RunNotFoundError(KitError, FileNotFoundError):
    """A run folder was asked for that does not exist (or no run has succeeded yet)."""

    exit_code = 2


class RunFileError(KitError, ValueError):
    """A file of a run folder is there but cannot be read as what it should be (kit.core.runfolder)."""

    exit_code = 2

    def __init__(self, file: str | Path, problem: str, *, fix: str = "") -> None:
        self.file, self.problem, self.fix = str(file), problem, fix
        super().__init__(f"{self.file}: {problem}" + (f"; {fix}" if fix else ""))


class TableColumnsError(KitError, ValueError):
    """The kit was about to write a canonical table without some of its columns (kit.core.schema)."""

    exit_code = 1

    def __init__(self, table: str, missing: list[str]) -> None:
        self.table, self.missing = table, missing
        super().__init__(f"table {table!r} lacks the column(s) {', '.join(missing)} that docs/design.md "
                         "declares for it (kit/core/schema.py); it was not written")


class PipelineError(KitError, RuntimeError):
    """A pipeline notebook failed; says which notebook and cell, and where the partial run is kept."""

    exit_code = 1

    def __init__(self, notebook: str, cell: int | None, error: str, kept_at: Path | None) -> None:
        self.notebook, self.cell, self.error, self.kept_at = notebook, cell, error, kept_at
        at = f" (cell {cell})" if cell is not None else ""
        keep = f"\nThe partial run is kept for debugging at {kept_at}" if kept_at else ""
        super().__init__(f"notebook {notebook}{at} failed: {error}{keep}")


class MissingDependencyError(KitError, ImportError):
    """An optional tool the step needs is not installed; says what to install."""

    exit_code = 2


class UsersError(KitError, ValueError):
    """A users file of the team server, or a ``cxkit users`` command, that cannot be used as asked.

    The message names the file or the user and says what to fix; it never holds a password or a hash.
    """

    exit_code = 2


class OutputFolderError(KitError, OSError):
    """The folder runs are written into (``--out``) cannot be created or written; found before any step runs."""

    exit_code = 2

    def __init__(self, folder: str | Path, problem: str) -> None:
        self.folder, self.problem = str(folder), problem
        super().__init__(f"cannot write runs into {self.folder}: {problem}; give another --out")


class RunInProgressError(KitError, RuntimeError):
    """Another ``cxkit run`` is writing into the same output folder; names it (pid, start time)."""

    exit_code = 2

    def __init__(self, folder: str | Path, holder: str) -> None:
        self.folder, self.holder = str(folder), holder
        super().__init__(f"another cxkit run is writing into {self.folder} ({holder}); wait until it "
                         "has finished, or give another --out")


class CurationError(KitError, ValueError):
    """A curation edit that cannot be made or read: names the journal line or the field and says what to fix."""

    exit_code = 2


class ClusterError(KitError, ConnectionError):
    """The Dask cluster a run was pointed at cannot take its work (unreachable, no workers, a worker
    without the kit or the project); says which address and what to start or share."""

    exit_code = 2
