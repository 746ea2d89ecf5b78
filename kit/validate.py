"""Checking a project before a run: what stops it, and (on request) what would be rejected.

Blocking problems (a broken project.yaml, a missing survey or contact file, a column mapping that
names a column the file lacks, a file over its size limit) stop ``cxkit run`` with exit 2 before
any work is done. Rows that would be rejected do not block: a run takes the good rows and writes
the bad ones down. Warnings do not block either: an input with a header and no rows, a recording's
markers file the run will set aside, a missing photos folder.

``cxkit validate`` (``dry_run``) reads every input the way its step does, into a folder it then
deletes: the tables are ingested; transcripts and markers are parsed and media probed as the
recordings step does (no clip is cut; a recording without consent is not opened, as in a run);
photos are sniffed and decoded as the photos step does (faces are not looked for).

Nothing is withheld in silence: a survey with open answers but no consent column while
``privacy.require_consent`` is on is a warning before anything is read (every open answer of it
would be withheld), and the dry run lists, per input file and reason, every piece of evidence a run
would hold back (open answers withheld for consent, photos and recordings without consent, files
that cannot be used), each as a warning (``ValidationReport.held_back``).
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
from kit.core.rejects import ALL_RESPONDENTS, HeldBack, RejectLog, held_back
from kit.evidence.files import SUFFIXES, TEXT_SUFFIXES, read_header
from kit.evidence.surveys import check_columns, reader_for, resolve_columns


@dataclass
class ValidationReport:
    project: Project | None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    rejects: pd.DataFrame = field(default_factory=pd.DataFrame)
    held_back: list[HeldBack] = field(default_factory=list)     # what a run would keep off every page, and why

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


def consent_warning(project: Project, survey: Survey) -> str | None:
    """The warning for a survey whose open answers would all be withheld for want of a consent column."""
    if not (project.privacy.require_consent and survey.text and "consent" not in survey.columns
            and survey.consent != ALL_RESPONDENTS):
        return None
    return (f"{survey.path}: open answers ({', '.join(survey.text)}) but no consent column, and "
            "privacy.require_consent is on: every open answer of this survey will be withheld from pages and "
            "exports (its rows are accepted and their scores still count). Map the consent column under "
            f"columns (consent: <column>), or add consent: {ALL_RESPONDENTS} to this survey in project.yaml "
            "if its own consent notice covered everyone who answered, or set privacy.require_consent: false "
            "knowingly")


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
        if warning := consent_warning(project, survey):
            report.warnings.append(warning)
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


def small_groups(responses: pd.DataFrame, min_group_size: int, listed: int = 12) -> str | None:
    """The stages, channels and segments with fewer NPS answers than ``min_group_size``: shown, never ranked.

    Nothing of theirs is withheld; the line says so, so a group missing from a ranking is not a surprise.
    """
    answered = responses[responses["nps"].notna()] if "nps" in responses else responses.iloc[:0]
    few = [f"{key} {value} ({n})" for key in ("stage", "channel", "segment") if key in answered
           for value, n in answered[key].dropna().value_counts().sort_index().items() if n < min_group_size]
    if not few:
        return None
    more = f" and {len(few) - listed} more" if len(few) > listed else ""
    return (f"groups with fewer than {min_group_size} answers (min_group_size) are shown with their numbers but never "
            f"ranked or tested; nothing of theirs is withheld: {', '.join(few[:listed])}{more}")


def _no_rows(name: str) -> str:
    return f"{name} has a header but no rows; it adds nothing to the run"


def _check_side_tables(project: Project, report: ValidationReport, rejects: RejectLog, scratch: Path) -> None:
    """Recordings and photos, read as their steps read them (module docstring): warnings, counts, rejects."""
    from kit.evidence import pseudonyms
    from kit.steps import recordings as rec_step
    from kit.steps.photos import process_photos
    ctx = rec_step._Context(project.root, scratch, project.interviewers, False, False, project.privacy.require_consent,
                            rejects, project.journey.stages, project.channels, lambda texts, langs: [0.0] * len(texts),
                            pseudonyms.for_project(project))
    for rec in project.recordings:
        if project.privacy.require_consent and not rec.consent:
            rec_step._process_one(rec.model_dump(), ctx)       # rejects and counts its files, opens none
            continue
        files = {k: rel for k in ("media", "transcript", "markers") if (rel := getattr(rec, k))}
        paths = {k: project.path(rel, key=f"recordings {rec.id}.{k}") for k, rel in files.items()}
        utterances = rec_step._utterances(files.get("transcript"), paths.get("transcript"), ctx)
        info = rec_step._media_info(files.get("media"), paths.get("media"), ctx)
        if "markers" in files and rec_step._marker_moments(files["markers"], paths["markers"], utterances, info, ctx) is None:
            report.warnings.append(f"recording {rec.id}: the run sets {files['markers']} aside (see its reject) and "
                                   "finds the recording's moments itself")
    report.counts.update(ctx.counts)
    if not project.photos or not inside(project.root, project.photos.folder, key="photos.folder").is_dir():
        return
    try:
        photos = process_photos(project.root, project.photos.folder, scratch, blur_faces=False, strip_location=True,
                                require_consent=project.privacy.require_consent, redact=False, rejects=rejects,
                                stages=project.journey.stages, channels=project.channels)
    except InputFileError as exc:
        report.problems.append(str(exc))
        return
    report.counts.update(photos.counts)


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
            _check_side_tables(project, report, sides, Path(tmp))
            report.warnings += [_no_rows(name) for name, c in report.counts.items()
                                if c["in"] == 0 and Path(name).suffix.lower() in SUFFIXES]
            frames = [f for f in (step.rejects.frame(), sides.frame()) if len(f)]
            report.rejects = pd.concat(frames, ignore_index=True) if frames else step.rejects.frame()
            report.held_back = held_back(report.rejects, step.rejects.answers)
            report.warnings += [h.sentence() for h in report.held_back]
            if step.has_table("responses") and (few := small_groups(step.load_table("responses"), project.min_group_size)):
                report.warnings.append(few)
    return report
