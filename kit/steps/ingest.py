"""The ingest step: every tabular input validated into the run's canonical tables.

Open answers and social posts are also understood here, once, so every later step reads the same
``comments.sentiment`` (-1..1, ``kit.analysis.sentiment``), ``comments.themes`` (labels separated by
`` | ``, ``kit.analysis.themes``) and, for social posts, ``comments.reach_weighted_severity``; and
``data/themes.parquet`` holds one row per theme.
"""

from __future__ import annotations

import pandas as pd

from kit.analysis import themes as themes_mod
from kit.analysis.sentiment import score
from kit.core.rejects import RejectLog
from kit.core.schema import COMMENT_COLUMNS
from kit.core.step import Step
from kit.evidence.contacts import read_contacts
from kit.evidence.social import read_social
from kit.evidence.surveys import read_surveys


def analyse_comments(comments: pd.DataFrame, responses: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``comments`` with sentiment and themes filled in, and the themes table.

    Social posts also get ``reach_weighted_severity`` (``kit.analysis.themes.post_severity``: negativity x
    log(1 + likes + shares)); survey answers get 0 there.
    """
    if comments.empty:
        return comments, pd.DataFrame(columns=themes_mod.THEME_COLUMNS)
    out = comments.reset_index(drop=True).copy()
    out["sentiment"] = score(out["text"].fillna("").astype(str).tolist(), out["lang"].tolist())
    found = themes_mod.find_themes(out, responses)
    out["themes"] = found.labels.astype("string")
    out["reach_weighted_severity"] = themes_mod.post_severity(out)
    return out, found.table


def run(step: Step) -> pd.DataFrame:
    """Write responses, comments (with sentiment and themes), themes and contacts; returns rows in/accepted/rejected per input."""
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
    merged, table = analyse_comments(merged, surveys.responses)
    step.save_table("comments", merged)
    step.save_table("themes", table)
    return step.finish()


def ensure_ingested(step: Step) -> None:
    """Make the canonical survey and contact tables when a notebook is run on its own."""
    if not step.has_table("responses"):
        run(Step("ingest", step.project, step.run_dir, RejectLog("ingest")))
