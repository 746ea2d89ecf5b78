"""The ingest step: every tabular input validated into the run's canonical tables."""

from __future__ import annotations

import pandas as pd

from kit.contacts import read_contacts, read_social
from kit.steps import Step
from kit.surveys import COMMENT_COLUMNS, read_surveys


def run(step: Step) -> pd.DataFrame:
    """Write responses, comments and contacts; returns rows in/accepted/rejected per input."""
    surveys = read_surveys(step.project, step.rejects)
    step.counts.update(surveys.counts)
    comments = [surveys.comments]
    if step.project.contacts:
        step.counts[step.project.contacts] = read_contacts(
            step.project, step.table_path("contacts"), step.rejects).as_dict()
    if step.project.social:
        social, counts = read_social(step.project, step.rejects)
        step.counts[step.project.social] = counts.as_dict()
        comments.append(social)
    step.save_table("responses", surveys.responses)
    frames = [c for c in comments if len(c)]
    merged = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COMMENT_COLUMNS)
    step.save_table("comments", merged)
    return step.finish()
