"""Running the pipeline: validate, execute the numbered notebooks with papermill, publish the run.

Notebooks run one after another through papermill's Python API in this process (its import cost
is paid once). Each gets the same parameters: ``project`` and ``run_dir`` (absolute paths), plus
any ``-p KEY=VALUE`` the user gave. The executed notebooks are the run's record of what was done.

The steps' per-item work (recordings' clips, photos) runs as Dask tasks on one cluster for the
whole run (``kit.core.engine``) when the run asks for one: the scheduler given by ``--scheduler`` /
``CXKIT_SCHEDULER``, or a LocalCluster of ``--workers`` / ``CXKIT_WORKERS`` processes started here
and closed when the run ends; the kernels find it through ``CXKIT_SCHEDULER``, which the run sets
while its notebooks execute. Otherwise each step does that work in its own process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kit.core import engine, runfolder, runs
from kit.core.errors import KitError, PipelineError, ProjectError
from kit.core.notebooks import REPORT_RENDERER, execute, failure
from kit.core.paths import NOTEBOOKS_DIR, REPORTS_DIR, locate
from kit.core.project import Project
from kit.exports import gallery_file
from kit.redaction import project_list
from kit.steps.slicing import Slice
from kit.validate import validate_project


def pipeline_notebooks(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The numbered notebooks, in the order they run (``00_ingest.ipynb``, ``01_...``)."""
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def declared_parameters(notebooks: list[Path]) -> dict[Path, set[str]]:
    """The names each notebook's ``parameters`` cell declares (read, not executed)."""
    import papermill as pm
    return {nb: set(pm.inspect_notebook(str(nb))) for nb in notebooks}


def check_parameters(given: dict[str, Any], declared: dict[Path, set[str]]) -> None:
    """Refuse a ``-p`` name no notebook takes: a typo must not be silently ignored."""
    known = set().union(*declared.values()) - {"project", "run_dir"}
    unknown = sorted(set(given) - known - {"project", "run_dir"})
    if unknown:
        raise ProjectError(f"unknown parameter(s) {', '.join(unknown)}; the notebooks take: {', '.join(sorted(known))}")
    reserved = sorted(set(given) & {"project", "run_dir"})
    if reserved:
        raise ProjectError(f"-p {', '.join(reserved)} is set by cxkit run itself; give the project as the "
                           "argument and the output folder with --out")


REDACTIONS = "redactions"        # the manifest's list of redactions (kit.redaction.MANIFEST_KEY)


def media_items(project: Project | None) -> int:
    """How many recordings and photo files the run may cut and publish: what a local cluster is sized by."""
    if project is None:
        return 0
    photos = 0
    if project.photos is not None and (folder := project.root / project.photos.folder).is_dir():
        photos = sum(1 for p in folder.rglob("*") if p.is_file())
    return len(project.recordings) + photos


def run(project: str | Path, out: str | Path | None = None, run_id: str | None = None,
        parameters: dict[str, Any] | None = None, progress: bool = True,
        say: Callable[[str], None] = print, scheduler: str | None = None, workers: int | None = None,
        slice_: Slice | None = None) -> Path:
    """Validate, run every notebook into a new run folder, publish it; returns its path.

    Everything that can refuse the run (the project, the parameters, an output folder that cannot
    be written, another run writing into it, a scheduler that cannot take the work) is checked
    before the first step. The whole run holds the output folder's lock (``kit.core.runs.RunLock``).
    ``scheduler``: a Dask scheduler's address (else ``CXKIT_SCHEDULER``); else ``workers`` (else
    ``CXKIT_WORKERS``) above 1 starts a local cluster of that many processes; else the steps work in-process.
    ``slice_``: the run is cut to one slice of the project after each step (``kit.steps.slicing``).
    """
    project_dir = locate(project)
    report = validate_project(project_dir)
    report.raise_if_blocking()
    listed = list(report.project.privacy.redact) if report.project else []
    notebooks = pipeline_notebooks()
    declared = declared_parameters(notebooks)
    check_parameters(parameters or {}, declared)
    out_dir = runs.prepare_out(locate(out) if out else REPORTS_DIR)
    with runs.RunLock(out_dir) as lock:
        run_id = run_id or runs.new_run_id(out_dir)
        if any((out_dir / f"{p}{run_id}").exists() for p in ("", runs.PARTIAL_PREFIX, runs.FAILED_PREFIX)):
            raise KitError(f"a run called {run_id!r} already exists in {out_dir}; choose another --run-id")
        lock.record(run_id)
        note = runs.stale_note(out_dir, runs.stale_partials(out_dir))
        if note:
            say(note)
        partial = out_dir / f"{runs.PARTIAL_PREFIX}{run_id}"
        params = {"project": str(project_dir), "run_dir": str(partial), **(parameters or {})}
        manifest: dict[str, Any] = {
            "run_id": run_id, "status": "running", "started": runs.now(), "finished": None, **runs.owner(),
            "project": str(project_dir), "parameters": params, "inputs": runs.hash_inputs(project_dir),
            "versions": runs.versions(), "steps": [], **({"slice": slice_.record()} if slice_ else {}),
        }
        listed_redact = (lambda run_dir: project_list(run_dir, listed, say=say)) if listed else None
        items = media_items(report.project)
        with engine.for_run(scheduler, items, shared=[project_dir, out_dir], workers=workers) as cluster:
            say(f"recordings and photos run on: {cluster.describe()}" if cluster
                else "recordings and photos run in this process" if items else "no recordings or photos to process")
            manifest["cluster"] = _cluster_record(cluster)
            runs.start_partial(partial, manifest)
            _steps(notebooks, declared, params, partial, manifest, out_dir, progress, say, listed_redact, slice_)
        return runs.publish(partial, out_dir, run_id)


def _cluster_record(cluster: engine.Cluster | None) -> dict[str, Any] | None:
    """Where the run's tasks ran, for the manifest: a local cluster's address is a throwaway port, so not kept."""
    if cluster is None:
        return None
    return {"local": cluster.local, "workers": cluster.workers, **({} if cluster.local else {"scheduler": cluster.address})}


def _redact_listed(partial: Path, redact: Callable[[Path], dict[str, Any] | None], manifest: dict[str, Any],
                   say: Callable[[str], None]) -> None:
    """Apply project.yaml's ``privacy.redact`` to the run's data before the report and the exports read it."""
    entry = redact(partial)
    if entry is not None:
        manifest.setdefault(REDACTIONS, []).append(entry)
        say(f"privacy.redact: {entry.get('places', 0)} place(s) redacted")


def _steps(notebooks: list[Path], declared: dict[Path, set[str]], params: dict[str, Any], partial: Path,
           manifest: dict[str, Any], out_dir: Path, progress: bool, say: Callable[[str], None],
           redact: Callable[[Path], dict[str, Any] | None] | None = None, slice_: Slice | None = None) -> None:
    """Execute the notebooks into ``partial`` and write its exports; a failure keeps it as ``failed-<id>``.

    Words listed in project.yaml's ``privacy.redact`` are redacted from what the steps made just before
    the report notebook runs (or after the last step, without one), so the report and exports never see them.
    """
    run_id = manifest["run_id"]
    pending = redact is not None
    for i, nb in enumerate(notebooks, 1):
        say(f"[{i}/{len(notebooks)}] {nb.stem} ...")
        t0 = time.perf_counter()
        try:
            if redact is not None and pending and nb.stem.endswith("report"):
                _redact_listed(partial, redact, manifest, say)
                pending = False
            own = {k: v for k, v in params.items() if k in declared[nb]}
            execute(nb, partial / runfolder.NOTEBOOKS / nb.name, own, progress=progress,
                    renderer=REPORT_RENDERER if nb.stem.endswith("report") else None)
            if slice_ is not None:
                slice_.after(nb.stem, partial)
        except Exception as exc:  # noqa: BLE001 - any failure must still leave a readable run
            cell, error = failure(exc)
            manifest.update(status="failed", finished=runs.now(),
                            error={"notebook": nb.name, "cell": cell, "error": error})
            runs.write_manifest(partial, manifest)
            kept = runs.keep_failed(partial, out_dir, run_id)
            raise PipelineError(nb.name, cell, error, kept / runfolder.NOTEBOOKS / nb.name) from None
        seconds = round(time.perf_counter() - t0, 2)
        manifest["steps"].append({"notebook": nb.name, "seconds": seconds})
        say(f"[{i}/{len(notebooks)}] {nb.stem} done in {seconds:.1f} s")
    if redact is not None and pending:
        _redact_listed(partial, redact, manifest, say)
    from kit.exports import report as export
    export.report_html(partial)
    gallery_file.gallery_html(partial)
    manifest["rows"] = runfolder.read_counts(partial)
    manifest.update(runs.evidence_account(partial))
    manifest.update(status="succeeded", finished=runs.now())
    runs.write_manifest(partial, manifest)
