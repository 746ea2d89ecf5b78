"""One complete run per slice, then the index that compares them.

Each slice is an ordinary ``kit.pipeline.run`` (validated, every notebook executed, published by
rename), cut to its slice by ``kit.steps.slicing``. It is written into a staging folder of its own
(``DIR/.<run-id>-staging/<key>/``, so slices running side by side never contend for one output
folder's lock) and renamed to ``DIR/<run-id>-<key>`` when it succeeds (``DIR/failed-<run-id>-<key>``
when it fails). The batch holds ``DIR``'s run lock meanwhile, so no other run writes there.
``DIR/latest`` is left as it was: no single slice is "the" latest run of the project.

Slices run one after another in this process; with ``--scheduler`` or ``--workers N`` they run side
by side as Dask tasks on that one cluster, and each slice's clips and photos go to the same cluster
(a slice's task leaves its worker's slot while it waits on them, ``distributed.secede``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kit import pipeline
from kit.core import engine, runs
from kit.core.errors import KitError
from kit.core.paths import REPORTS_DIR, locate
from kit.core.project import Project
from kit.slices import index
from kit.slices.plan import Planned, plan
from kit.steps.slicing import Slice

DONE, SKIPPED, FAILED = "done", "skipped", "failed"


@dataclass
class Outcome:
    """What became of one slice: done (its run folder), skipped or failed (with the reason)."""

    planned: Planned
    status: str
    reason: str = ""
    folder: str | None = None           # the run folder's name in DIR (failed-<run-id>-<key> for a failed one)


@dataclass
class Batch:
    """A finished ``--each`` run: where it wrote, and each slice's outcome in slice order."""

    out_dir: Path
    run_id: str
    by: str
    outcomes: list[Outcome] = field(default_factory=list)
    index_dir: Path | None = None

    @property
    def ok(self) -> bool:
        """Whether every slice that was run succeeded (a skipped slice is not a failure)."""
        return all(o.status != FAILED for o in self.outcomes)


def _silent(_message: str) -> None:
    """A slice running on a worker says nothing there: its outcome is reported here when it ends."""


def run_slice(project_dir: str, staging: str, out_dir: str, run_id: str, sl: Slice,
              parameters: dict[str, Any], address: str | None = None, progress: bool = False,
              say: Callable[[str], None] = _silent) -> tuple[str, str, str | None]:
    """Run one slice and move its folder into ``out_dir``; ``(status, reason, folder)``, never raising.

    On a cluster (``address``) this is a Dask task: it leaves its worker's thread slot first, so the
    slice's own clip and photo tasks can run on that worker while it waits for them.
    """
    if address is not None:
        _leave_slot(address)
    here, name = Path(staging) / sl.key, f"{run_id}-{sl.key}"
    try:
        final = pipeline.run(project_dir, here, name, parameters, progress=progress, say=say,
                             scheduler=address, workers=None if address else 1, slice_=sl)
    except Exception as exc:  # noqa: BLE001 - one failed slice must not stop the others
        failed = here / f"{runs.FAILED_PREFIX}{name}"
        kept = None
        if failed.is_dir():
            kept = failed.name
            os.replace(failed, Path(out_dir) / kept)
        reason = str(exc) if isinstance(exc, KitError) else f"{type(exc).__name__}: {exc}"
        return FAILED, reason, kept
    os.replace(final, Path(out_dir) / name)
    return DONE, "", name


def _leave_slot(address: str) -> None:
    """On a worker: stop holding its thread (the slice mostly waits), and keep the scheduler set for its kernels."""
    from distributed import secede
    try:
        secede()
    except ValueError:           # not inside a task (called directly): nothing to leave
        pass
    os.environ[engine.SCHEDULER_ENV] = address


def run_each(project: str | Path, by: str, out: str | Path | None = None, run_id: str | None = None,
             parameters: dict[str, Any] | None = None, progress: bool = True, say: Callable[[str], None] = print,
             scheduler: str | None = None, workers: int | None = None) -> Batch:
    """Plan the slices, run each (skipping those under min_group_size), write the index; the outcomes in slice order."""
    project_dir = locate(project)
    proj, planned, unassigned = plan(project_dir, by)
    pipeline.check_parameters(parameters or {}, pipeline.declared_parameters(pipeline.pipeline_notebooks()))
    out_dir = runs.prepare_out(locate(out) if out else REPORTS_DIR)
    with runs.RunLock(out_dir) as lock:
        run_id = run_id or runs.new_run_id(out_dir)
        _refuse_taken(out_dir, run_id, planned)
        lock.record(run_id)
        staging = out_dir / f".{run_id}-staging"
        batch = Batch(out_dir, run_id, by)
        done: dict[str, Outcome] = {}
        for p in planned:
            if p.skip:
                done[p.slice.key] = Outcome(p, SKIPPED, p.skip)
                say(f"{_name(p)}: skipped: {p.skip}")
        runnable = [p for p in planned if not p.skip]
        try:
            for outcome in _run_all(project_dir, staging, out_dir, run_id, runnable, parameters or {},
                                    progress, say, scheduler, workers, proj):
                done[outcome.planned.slice.key] = outcome
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        batch.outcomes = [done[p.slice.key] for p in planned]
        batch.index_dir = index.write_index(out_dir / f"{run_id}-{index.SUFFIX}", proj, batch_record(batch, unassigned))
    return batch


def _name(p: Planned) -> str:
    return f"{p.slice.by} {p.slice.value} ({p.slice.key})"


def _refuse_taken(out_dir: Path, run_id: str, planned: list[Planned]) -> None:
    """Every folder the batch would write must be free before the first slice starts."""
    names = [f"{run_id}-{p.slice.key}" for p in planned] + [f"{run_id}-{index.SUFFIX}"]
    for name in names:
        if any((out_dir / f"{pre}{name}").exists() for pre in ("", runs.PARTIAL_PREFIX, runs.FAILED_PREFIX)):
            raise KitError(f"a run called {name!r} already exists in {out_dir}; choose another --run-id")


def _report(p: Planned, result: tuple[str, str, str | None], say: Callable[[str], None]) -> Outcome:
    status, reason, folder = result
    say(f"{_name(p)}: {status}" + (f": {reason}" if reason else f" ({p.responses} responses) -> {folder}"))
    return Outcome(p, status, reason, folder)


def _run_all(project_dir: Path, staging: Path, out_dir: Path, run_id: str, runnable: list[Planned],
             parameters: dict[str, Any], progress: bool, say: Callable[[str], None],
             scheduler: str | None, workers: int | None, project: Project) -> list[Outcome]:
    """Each slice in turn in this process, or all at once on the run's cluster when one was asked for."""
    if not runnable:
        return []
    items = max(len(runnable), pipeline.media_items(project))
    with engine.for_run(scheduler, items, shared=[project_dir, out_dir], workers=workers) as cluster:
        if cluster is None:
            return [_report(p, run_slice(str(project_dir), str(staging), str(out_dir), run_id, p.slice, parameters,
                                         progress=progress, say=lambda m, p=p: say(f"[{p.slice.key}] {m}")), say)
                    for p in runnable]
        say(f"{len(runnable)} slices run side by side on: {cluster.describe()}")
        return _on_cluster(cluster.address, project_dir, staging, out_dir, run_id, runnable, parameters, say)


def _on_cluster(address: str, project_dir: Path, staging: Path, out_dir: Path, run_id: str,
                runnable: list[Planned], parameters: dict[str, Any], say: Callable[[str], None]) -> list[Outcome]:
    """Submit every slice through one client; report each as it ends."""
    from distributed import Client, as_completed
    outcomes = []
    with Client(address, set_as_default=False, timeout=engine.CONNECT_TIMEOUT_S) as client:
        futures = {client.submit(run_slice, str(project_dir), str(staging), str(out_dir), run_id, p.slice, parameters,
                                 address, key=f"slice-{run_id}-{p.slice.key}", pure=False, retries=0): p
                   for p in runnable}
        for future in as_completed(list(futures), loop=client.loop):
            p = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - a worker lost mid-slice fails that slice only
                result = (FAILED, f"{type(exc).__name__}: {exc}", None)
            outcomes.append(_report(p, result, say))
    return outcomes


def batch_record(batch: Batch, unassigned: int) -> dict[str, Any]:
    """What the index needs of the batch: the slices' outcomes, run folders and reasons."""
    return {"by": batch.by, "run_id": batch.run_id, "unassigned": unassigned,
            "slices": [{**o.planned.slice.record(), "responses_planned": o.planned.responses, "status": o.status,
                        "reason": o.reason, "folder": o.folder} for o in batch.outcomes],
            "out_dir": str(batch.out_dir)}
