"""Survey exports in, the canonical ``responses`` and ``comments`` tables out.

A survey's ``format:`` picks its reader from ``READERS``; every reader returns the raw cells as
text with the file's own column names, and one validation, shared by all formats, decides what
is accepted. Rows in = rows accepted + rows rejected, for every file: each reject names the file,
the row (as a spreadsheet shows it: the header is row 1) and the column at fault.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kit.errors import InputFileError, ProjectError
from kit.privacy import redact_pii
from kit.project import Project, Survey
from kit.rejects import RejectLog
from kit.tables import read_text_table
from kit.text import ascii_digits, detect_lang, normalize_fa, parse_times

Reader = Callable[[Path, str], tuple[pd.DataFrame, int]]
RATINGS = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
CONSENT_VALUES = {"yes": True, "y": True, "true": True, "1": True, "agree": True,
                  "no": False, "n": False, "false": False, "0": False, "disagree": False}
RESPONSE_COLUMNS = ["response_id", "customer_id", "submitted_at", "nps", "csat", "ces", "stage",
                    "channel", "segment", "consent", "source_file", "source_row"]
COMMENT_COLUMNS = ["comment_id", "response_id", "field", "text", "lang", "sentiment", "themes", "source"]


def read_generic(path: Path, name: str) -> tuple[pd.DataFrame, int]:
    """CSV, TSV, XLSX or Parquet with one header row; returns the cells and the header row count."""
    return read_text_table(path, name), 1


READERS: dict[str, Reader] = {"generic": read_generic}


@dataclass
class SurveyResult:
    responses: pd.DataFrame
    comments: pd.DataFrame
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def reader_for(survey: Survey) -> Reader:
    try:
        return READERS[survey.format]
    except KeyError:
        raise ProjectError(f"survey {survey.path}: format {survey.format!r} has no reader in this version; "
                           f"available: {', '.join(READERS)}. Export the file as plain CSV and use "
                           "format: generic") from None


def check_columns(raw: pd.DataFrame, survey: Survey) -> None:
    """Stop when the mapping names a column the file lacks, listing what exists and the nearest name."""
    present = [str(c) for c in raw.columns]
    for key, col in {**survey.columns, **survey.text}.items():
        if col not in present:
            near = difflib.get_close_matches(col, present, n=1, cutoff=0.5)
            hint = f" The closest column is {near[0]!r}." if near else ""
            raise InputFileError(survey.path, f"project.yaml maps {key} to column {col!r}, which the file "
                                 f"does not have.{hint} Columns in the file: {', '.join(present)}",
                                 column=col)


def _slug(s: pd.Series) -> pd.Series:
    return s.str.strip().str.lower().str.replace(r"[\s-]+", "_", regex=True)


def validate(raw: pd.DataFrame, survey: Survey, project: Project, header_rows: int,
             rejects: RejectLog) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The accepted rows (canonical, and as read); every other row is logged with its reasons."""
    cols = survey.columns
    n = len(raw)
    cell = {key: raw[col].astype("string").fillna("").str.strip() for key, col in cols.items()}
    reason = pd.Series([""] * n, index=raw.index, dtype="string")

    def flag(mask: pd.Series, text: pd.Series | str) -> None:
        nonlocal reason
        reason = reason.where(~mask, reason + text + "; ")

    out = pd.DataFrame(index=raw.index)
    out["response_id"] = cell["response_id"]
    flag(out["response_id"] == "", f"column {cols['response_id']!r} (response_id) is empty")
    for key, (lo, hi) in RATINGS.items():
        if key not in cell:
            out[key] = pd.array([pd.NA] * n, dtype="Int8")
            continue
        s = ascii_digits(cell[key])
        num = pd.to_numeric(s, errors="coerce")
        bad = (s != "") & (num.isna() | (num < lo) | (num > hi) | (num != num.round()))
        flag(bad, f"column {cols[key]!r} ({key}): '" + cell[key] + f"' is not a whole number {lo}-{hi}")
        out[key] = num.where(~bad).round().astype("Int8")
    if "submitted_at" in cell:
        s = cell["submitted_at"]
        at = parse_times(s)
        flag(at.isna() & (s != ""), f"column {cols['submitted_at']!r} (submitted_at): '" + s + "' is not a date and time")
        out["submitted_at"] = at
    else:
        out["submitted_at"] = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns, UTC]")
    for key, allowed in (("stage", project.journey.stages), ("channel", project.channels)):
        s = _slug(cell[key]) if key in cell else pd.Series([""] * n, index=raw.index, dtype="string")
        bad = (s != "") & ~s.isin(allowed)
        flag(bad, f"column {cols.get(key)!r} ({key}): '" + (cell.get(key, s)) + f"' is not one of {', '.join(allowed)}")
        out[key] = s.replace("", pd.NA)
    for key in ("customer_id", "segment"):
        out[key] = cell[key].replace("", pd.NA) if key in cell else pd.Series(pd.NA, index=raw.index, dtype="string")
    if "consent" in cell:
        s = cell["consent"].str.lower()
        mapped = s.map(CONSENT_VALUES)
        flag((s != "") & mapped.isna(), f"column {cols['consent']!r} (consent): '" + cell["consent"]
             + "' is not yes/no")
        out["consent"] = mapped.astype("boolean")
    else:
        out["consent"] = pd.array([pd.NA] * n, dtype="boolean")
    ok = reason == ""
    dup = ok & out["response_id"].duplicated(keep="first") & out["response_id"].ne("")
    flag(dup, f"column {cols['response_id']!r} (response_id): '" + out["response_id"]
         + "' repeats an earlier response; the first copy is kept")
    out["source_file"] = survey.path
    out["source_row"] = np.arange(n, dtype="int64") + header_rows + 1
    bad_rows = reason != ""
    for row, why in zip(out.loc[bad_rows, "source_row"], reason[bad_rows], strict=True):
        rejects.add(survey.path, f"row {row}", why.rstrip("; "))
    return out.loc[~bad_rows, RESPONSE_COLUMNS].reset_index(drop=True), raw.loc[~bad_rows].reset_index(drop=True)


def comments_from(accepted_raw: pd.DataFrame, responses: pd.DataFrame, survey: Survey,
                  project: Project) -> pd.DataFrame:
    """Open answers of accepted rows, one per answer; redacted and normalised before being kept.

    With ``require_consent`` on, answers of respondents who did not consent are left out: their
    ratings still count in the scores, but their words never reach a page.
    """
    frames = []
    keep = responses["consent"].fillna(False).astype(bool) if project.privacy.require_consent else \
        pd.Series(True, index=responses.index)
    for name, col in survey.text.items():
        text = accepted_raw[col].astype("string").fillna("").str.strip()
        mask = keep & (text != "")
        t = normalize_fa(text[mask])
        if project.privacy.redact_pii:
            t = t.map(redact_pii).astype("string")
        frames.append(pd.DataFrame({
            "comment_id": responses.loc[mask, "response_id"] + ":" + name,
            "response_id": responses.loc[mask, "response_id"],
            "field": name, "text": t, "lang": detect_lang(t),
            "sentiment": np.nan, "themes": "", "source": survey.path,
        }))
    if not frames:
        return pd.DataFrame(columns=COMMENT_COLUMNS)
    return pd.concat(frames, ignore_index=True)[COMMENT_COLUMNS]


def read_surveys(project: Project, rejects: RejectLog) -> SurveyResult:
    """Every configured survey, validated, concatenated into the canonical tables."""
    responses, comments, counts = [], [], {}
    for i, survey in enumerate(project.surveys):
        path = project.path(survey.path, key=f"surveys[{i}].path")
        raw, header_rows = reader_for(survey)(path, survey.path)
        check_columns(raw, survey)
        before = len(rejects)
        accepted, accepted_raw = validate(raw, survey, project, header_rows, rejects)
        counts[survey.path] = {"in": len(raw), "accepted": len(accepted), "rejected": len(rejects) - before}
        responses.append(accepted)
        comments.append(comments_from(accepted_raw, accepted, survey, project))
    if not responses:
        return SurveyResult(pd.DataFrame(columns=RESPONSE_COLUMNS), pd.DataFrame(columns=COMMENT_COLUMNS), {})
    return SurveyResult(pd.concat(responses, ignore_index=True), pd.concat(comments, ignore_index=True), counts)
