"""Which slices a project has, how many survey responses each holds, and which are too small to run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kit.core.errors import ProjectError
from kit.core.project import CANONICAL_SURVEY_COLUMNS, Project
from kit.core.rejects import RejectLog
from kit.evidence.surveys import read_surveys
from kit.steps.slicing import COLUMNS, DIMENSIONS, PERIODS, Slice, response_values, slice_key
from kit.validate import validate_project


@dataclass(frozen=True)
class Planned:
    """One slice of the batch: what it is, its survey responses, and why it is skipped (None: it runs)."""

    slice: Slice
    responses: int
    skip: str | None = None


def check_dimension(by: str, responses: pd.DataFrame) -> None:
    """Refuse a dimension the canonical tables cannot slice by, before any work, saying what to add."""
    if by not in DIMENSIONS:
        raise ProjectError(f"--each {by!r} is not a slice; choose one of {', '.join(DIMENSIONS)}")
    if by in COLUMNS and by not in responses.columns:
        mappable = ", ".join(CANONICAL_SURVEY_COLUMNS)
        raise ProjectError(
            f"--each {by} needs a {by} column in the canonical survey responses, and project.yaml cannot map "
            f"one: surveys[].columns take only {mappable}. To compare {by}s, map the column that holds them as "
            f"the segment (`segment: <your {by} column>` under surveys[].columns) and run --each segment")


def order(values: pd.Series, by: str, project: Project) -> list[str]:
    """Periods in time order, channels in project.yaml's order, segments and markets largest first."""
    counts = values.value_counts()
    if by in PERIODS:
        return sorted(counts.index.astype(str))
    if by == "channel":
        known = [c for c in project.channels if c in counts.index]
        return known + [str(v) for v in counts.index if v not in known]
    return [str(v) for v in counts.sort_values(ascending=False, kind="stable").index]


def plan_frame(responses: pd.DataFrame, by: str, project: Project) -> list[Planned]:
    """The slices of ``responses`` by ``by``: each with its responses, skipped under ``min_group_size``."""
    check_dimension(by, responses)
    values = response_values(responses, by, project)
    counts = values.value_counts()
    if counts.empty:
        what = "submitted_at" if by in PERIODS else by
        raise ProjectError(f"--each {by}: no survey response has a {what}; map the column that holds it under "
                           f"surveys[].columns in project.yaml ({what}: <your column>)")
    planned = []
    for i, value in enumerate(order(values, by, project), 1):
        n = int(counts[value])
        skip = (f"{n} survey responses, fewer than min_group_size {project.min_group_size}"
                if n < project.min_group_size else None)
        planned.append(Planned(Slice(by, value, slice_key(i, value)), n, skip))
    return planned


def plan(project_dir: Path, by: str) -> tuple[Project, list[Planned], int]:
    """Validate the project once, read its survey responses, and plan the slices (and how many responses have none)."""
    if by not in DIMENSIONS:
        check_dimension(by, pd.DataFrame())
    report = validate_project(project_dir)
    report.raise_if_blocking()
    assert report.project is not None
    responses = read_surveys(report.project, RejectLog("slices")).responses
    planned = plan_frame(responses, by, report.project)
    unassigned = int(response_values(responses, by, report.project).isna().sum())
    return report.project, planned, unassigned
