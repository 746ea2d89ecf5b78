"""Executing a kit notebook with papermill: one way, for the pipeline and for ``cxkit report``.

Notebooks run in the notebooks' folder with the ``python3`` kernel, quietly (a kernel logs a
transport warning at every start; a run's own output says what matters). A failure is described by
the cell that failed and its error, which is what the user needs to find it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kit.core.paths import NOTEBOOKS_DIR

KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]
# The report notebook embeds plotly.js once (offline), so nbconvert's HTML keeps its charts.
REPORT_RENDERER = "notebook"


@contextmanager
def _plotly_renderer(renderer: str | None) -> Iterator[None]:
    """Set the kernels' plotly renderer (inherited through the environment) for one execution."""
    before = os.environ.get("PLOTLY_RENDERER")
    if renderer:
        os.environ["PLOTLY_RENDERER"] = renderer
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PLOTLY_RENDERER", None)
        else:
            os.environ["PLOTLY_RENDERER"] = before


def execute(notebook: Path, out: Path, parameters: dict[str, Any], *, progress: bool = False,
            renderer: str | None = None) -> None:
    """Run ``notebook`` into ``out`` with ``parameters`` injected; papermill's error propagates."""
    import papermill as pm
    with _plotly_renderer(renderer):
        pm.execute_notebook(notebook, out, parameters=parameters, kernel_name="python3", progress_bar=progress,
                            cwd=str(NOTEBOOKS_DIR), log_output=False, extra_arguments=KERNEL_ARGUMENTS)


def failure(exc: BaseException) -> tuple[int | None, str]:
    """Which cell failed and why, from papermill's execution error (or any other exception)."""
    cell = getattr(exc, "exec_count", None)
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    return cell, f"{ename}: {evalue}" if ename else f"{type(exc).__name__}: {exc}"
