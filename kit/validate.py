"""Checking a project before a run: what stops it, and (on request) what would be rejected.

Blocking problems (a broken project.yaml, a missing survey or contact file, a column mapping that
names a column the file lacks, a file over its size limit) stop ``cxkit run`` with exit 2 before
any work is done. Rows that would be rejected do not block: a run takes the good rows and writes
the bad ones down. Warnings do not block either: an input with a header and no rows, a recording's
markers file the run will set aside, a missing photos folder.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kit.core import project as project_mod
from kit.core.errors import InputFileError, KitError, ValidationFailed
from kit.core.paths import inside
from kit.core.project import Project, Survey
from kit.core.rejects import RejectLog
from kit.evidence.files import TEXT_SUFFIXES, read_header, read_notes_table
from kit.evidence.photos import SIDECAR, read_sidecar
from kit.evidence.surveys import check_columns, reader_for, resolve_columns


@dataclass
class ValidationReport:
    project: Project | None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    rejects: pd.DataFrame = field(default_factory=pd.DataFrame)

    def raise_if_blocking(self) -> None:
        if self.problems:
            raise ValidationFailed(self.problems)


def _check_survey(project: Project, i: int, survey: Survey) -> None:
    """Raise when the survey's mapping names a column its file lacks (a generic CSV: header only)."""
    path = project.path(survey.path, key=f"surveys[{i}].path")
    if survey.format == "generic" and path.suffix.lower() in TEXT_SUFFIXES:
        resolve_columns(read_header(path, survey.path), {}, survey)
    else:
        check_columns(reader_for(survey)(path, survey.path), survey)


def _check_files(project: Project, report: ValidationReport) -> None:
    for i, survey in enumerate(project.surveys):
        path = project.path(survey.path, key=f"surveys[{i}].path")
        if not path.is_file():
            report.problems.append(f"surveys[{i}].path: {survey.path} not found in {project.root}")
            continue
        try:
            _check_survey(project, i, survey)
        except KitError as exc:
            report.problems.append(str(exc))
    for key in ("contacts", "social"):
        rel = getattr(project, key)
        if rel and not project.path(rel, key=key).is_file():
            report.problems.append(f"{key}: {rel} not found in {project.root}")
    for rec in project.recordings:
        for kind in ("media", "transcript", "markers"):
            rel = getattr(rec, kind)
            if rel and not project.path(rel, key=f"recordings {rec.id}.{kind}").is_file():
                report.warnings.append(f"recording {rec.id}: {kind} {rel} not found; it will be rejected "
                                       "and the rest of the recording used")
    if project.photos and not project.path(project.photos.folder, key="photos.folder").is_dir():
        report.warnings.append(f"photos.folder: {project.photos.folder} is not a folder; no photos will be shown")


def _no_rows(name: str) -> str:
    return f"{name} has a header but no rows; it adds nothing to the run"


def _check_side_tables(project: Project, report: ValidationReport, rejects: RejectLog) -> None:
    """Recording markers and photos.csv, read as their steps read them: warnings, counts, rejects."""
    for rec in project.recordings:
        path = project.path(rec.markers, key=f"recordings {rec.id}.markers") if rec.markers else None
        if path is None or not path.is_file():
            continue
        try:
            if read_notes_table(path, rec.markers).empty:
                report.warnings.append(_no_rows(rec.markers))
        except InputFileError as exc:
            report.warnings.append(f"recording {rec.id}: {exc}; the run sets the markers file aside and finds the "
                                   "recording's moments itself")
    if not project.photos:
        return
    root = inside(project.root, project.photos.folder, key="photos.folder")
    if not root.is_dir() or not (root / SIDECAR).is_file():
        return
    folder = root.relative_to(project.root.resolve()).as_posix()
    try:
        sidecar = read_sidecar(project.root, folder, rejects, project.journey.stages, project.channels)
    except InputFileError as exc:
        report.problems.append(str(exc))
        return
    report.counts[f"{folder}/{SIDECAR}"] = sidecar.counts


def validate_project(project_dir: Path, *, dry_run: bool = False) -> ValidationReport:
    """Check project.yaml and the inputs; with ``dry_run``, also ingest aside to list rejects."""
    try:
        project = project_mod.load(project_dir)
    except KitError as exc:
        return ValidationReport(None, str(exc).splitlines())
    report = ValidationReport(project)
    _check_files(project, report)
    if dry_run and not report.problems:
        from kit.core.rejects import RejectLog
        from kit.core.step import Step
        from kit.steps import ingest
        with tempfile.TemporaryDirectory(prefix="cxkit-validate-") as tmp:
            step = Step("ingest", project, Path(tmp), RejectLog("ingest"))
            try:
                ingest.run(step)
            except InputFileError as exc:
                report.problems.append(str(exc))
            report.counts = dict(step.counts)
            sides = RejectLog("validate")
            _check_side_tables(project, report, sides)
            report.warnings += [_no_rows(name) for name, c in report.counts.items() if c["in"] == 0]
            frames = [f for f in (step.rejects.frame(), sides.frame()) if len(f)]
            report.rejects = pd.concat(frames, ignore_index=True) if frames else step.rejects.frame()
    return report
