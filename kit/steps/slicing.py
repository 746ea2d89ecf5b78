"""One slice of a project (a segment, a channel, a market, a month or a quarter) cut from the canonical tables.

``cxkit run PROJECT --each segment`` makes one complete run per slice. Each run reads every input
like any run (the same rejects, the same row counts), then keeps only the slice's rows: the
pipeline calls ``Slice.after`` when a step has written its tables, so every later step (scores,
negatives, gallery, report) only ever sees the slice. Rows kept out of a slice are not rejects: they
belong to another slice. They are counted per input as ``other_slice`` (rows in = accepted +
rejected + other_slice) and per table, with the reason, in the run's ``slice.json``.

What follows a response into its slice:
- ``responses``: by their own segment, channel, market or submitted_at (in the project's calendar
  and time zone, Jalali months for ``calendar: jalali``);
- ``comments``: survey answers with their response; social posts only by their date (month or
  quarter slices), since a post has no segment, market or survey channel;
- ``contacts``: by their channel or date, and for segment and market by the customers of the
  slice's responses;
- recordings and photos: ``kit.steps.slice_media``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kit.analysis import themes as themes_mod
from kit.core import periods, runfolder, runs
from kit.core import project as project_mod
from kit.core.project import Project

COLUMNS = ("segment", "channel", "market")     # slices read from a column of the responses
PERIODS = ("month", "quarter")                 # slices read from the responses' submitted_at
DIMENSIONS = COLUMNS + PERIODS
ACCOUNT = "slice.json"                         # the run's account of its slice: what was kept out and why
OTHER = "other_slice"                          # the per-input count of rows that belong to another slice


@dataclass(frozen=True)
class Slice:
    """One slice a run is cut to: ``by`` one of DIMENSIONS, ``value`` as the data writes it, ``key`` safe for a folder."""

    by: str
    value: str
    key: str

    def record(self) -> dict[str, str]:
        """The slice as the manifest keeps it."""
        return {"by": self.by, "value": self.value, "key": self.key}

    def after(self, stem: str, run_dir: Path) -> None:
        """Cut what the step ``stem`` just wrote into ``run_dir`` down to this slice (called by the pipeline)."""
        from kit.steps import slice_media
        name = stem.split("_", 1)[-1]
        if name == "ingest":
            cut_tables(run_dir, self)
        elif name in slice_media.STEPS:
            slice_media.cut_step(run_dir, self, name)


# ---- which slice a row belongs to ----------------------------------------------------------------

def slug(value: str) -> str:
    """An ASCII, folder-safe rendering of ``value`` ("" for a name with no Latin letters or digits)."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40]


def slice_key(index: int, value: str) -> str:
    """``01-premium``; a Persian value keeps only its index (``02``): the real name stays in the manifest."""
    tail = slug(value)
    return f"{index:02d}-{tail}" if tail else f"{index:02d}"


def period_values(at: pd.Series, by: str, calendar: str = "gregorian", tz: str = "UTC") -> pd.Series:
    """Each time's month (``2026-07``, ``1405-05``) or quarter (``2026-Q3``, ``1405-Q2``) in ``calendar``; NA when undated."""
    out = pd.Series(pd.NA, index=at.index, dtype="string")
    stamps = pd.to_datetime(at, utc=True, errors="coerce")
    dated = stamps.notna()
    if not dated.any():
        return out
    starts = periods.starts(stamps[dated], "M", calendar, tz)
    months = pd.Series([periods.key(s, "M", calendar) for s in starts], index=starts.index, dtype="string")
    if by == "quarter":
        months = months.map(lambda k: f"{k[:4]}-Q{(int(k[5:7]) - 1) // 3 + 1}").astype("string")
    elif by != "month":
        raise ValueError(f"a period slice is month or quarter, not {by!r}")
    out[dated] = months
    return out


def response_values(responses: pd.DataFrame, by: str, project: Project) -> pd.Series:
    """The slice each response belongs to (NA: none, e.g. no segment written)."""
    if by in COLUMNS:
        if by not in responses.columns:
            raise KeyError(by)
        return responses[by].astype("string").str.strip().replace("", pd.NA)
    return period_values(responses["submitted_at"], by, project.trend_calendar, project.timezone)


# ---- cutting the tables ---------------------------------------------------------------------------

@dataclass
class Cut:
    """The slice's part of each table, and per table how many rows went to other slices and why."""

    tables: dict[str, pd.DataFrame]
    left_out: dict[str, int]
    reasons: dict[str, str]


def cut_frames(tables: dict[str, pd.DataFrame], sl: Slice, project: Project) -> Cut:
    """The slice's rows of ``responses``, ``comments`` and ``contacts`` (any may be missing from ``tables``)."""
    responses = tables["responses"]
    mine = (response_values(responses, sl.by, project) == sl.value).fillna(False).to_numpy()
    kept = {"responses": responses[mine]}
    left = {"responses": int((~mine).sum())}
    reasons = {"responses": f"another {sl.by}"}
    customers = set(kept["responses"]["customer_id"].dropna().astype(str))
    if "comments" in tables:
        keep = _comment_mask(tables["comments"], set(kept["responses"]["response_id"].astype(str)), sl, project)
        kept["comments"], left["comments"] = tables["comments"][keep], int((~keep).sum())
        reasons["comments"] = ("answers of another slice's responses; social posts outside the period"
                               if sl.by in PERIODS else f"answers of another slice's responses; social posts (no {sl.by})")
    if "contacts" in tables:
        keep = _contact_mask(tables["contacts"], customers, sl, project)
        kept["contacts"], left["contacts"] = tables["contacts"][keep], int((~keep).sum())
        reasons["contacts"] = (f"customers of no response in this {sl.by}" if sl.by in ("segment", "market")
                               else f"another {sl.by}")
    return Cut(kept, left, reasons)


def _comment_mask(comments: pd.DataFrame, response_ids: set[str], sl: Slice, project: Project) -> pd.Series:
    """Survey answers follow their response; a social post is in a period slice by its date, else in none."""
    ids = comments["response_id"].astype("string")
    keep = ids.isin(response_ids).fillna(False)
    if sl.by in PERIODS and "at" in comments.columns:
        social = ids.isna() | (ids == "")
        post = period_values(comments["at"], sl.by, project.trend_calendar, project.timezone) == sl.value
        keep = keep | (social & post.fillna(False))
    return keep.to_numpy(dtype=bool)


def _contact_mask(contacts: pd.DataFrame, customers: set[str], sl: Slice, project: Project) -> pd.Series:
    if sl.by == "channel":
        keep = contacts["channel"].astype("string") == sl.value
    elif sl.by in PERIODS:
        keep = period_values(contacts["at"], sl.by, project.trend_calendar, project.timezone) == sl.value
    else:
        keep = contacts["customer_id"].astype("string").isin(customers)
    return keep.fillna(False).to_numpy(dtype=bool)


def cut_tables(run_dir: Path, sl: Slice) -> Cut:
    """After the ingest step: the slice's responses, comments (themes found again on them) and contacts.

    The ingest step's counts get ``other_slice`` per input and lose those rows from ``accepted``, so
    rows in = accepted + rejected + other_slice holds for every input.
    """
    project = project_mod.load(Path(read_account_project(run_dir)))
    names = [n for n in ("responses", "comments", "contacts") if runfolder.has_table(run_dir, n)]
    tables = {n: runfolder.read_table(run_dir, n) for n in names}
    cut = cut_frames(tables, sl, project)
    if "comments" in cut.tables:
        comments, themes = _themes_again(cut.tables["comments"], cut.tables["responses"])
        cut.tables["comments"] = comments
        runfolder.write_table(run_dir, "themes", themes)
    for name, frame in cut.tables.items():
        runfolder.write_table(run_dir, name, frame.reset_index(drop=True))
    _recount(run_dir, tables, cut, project)
    write_account(run_dir, sl, cut.left_out, cut.reasons)
    return cut


def _themes_again(comments: pd.DataFrame, responses: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The slice's themes: found on its own answers, not the whole project's."""
    out = comments.reset_index(drop=True).copy()
    if out.empty:
        return out, pd.DataFrame(columns=themes_mod.THEME_COLUMNS)
    found = themes_mod.find_themes(out, responses)
    out["themes"] = found.labels.astype("string")
    return out, found.table


def _recount(run_dir: Path, before: dict[str, pd.DataFrame], cut: Cut, project: Project) -> None:
    """Move the rows of other slices from ``accepted`` to ``other_slice`` in the ingest step's counts."""
    path = Path(run_dir) / runfolder.COUNTS / "ingest.json"
    counts: dict[str, dict[str, int]] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    moved: dict[str, int] = {}
    responses = before["responses"]
    gone = responses.loc[~responses["response_id"].isin(cut.tables["responses"]["response_id"]), "source_file"]
    for source, n in gone.astype(str).value_counts().items():
        moved[str(source)] = int(n)
    if project.contacts and "contacts" in cut.left_out:
        moved[project.contacts] = cut.left_out["contacts"]
    if project.social and "comments" in before:
        c = before["comments"]
        social = c["source"].astype(str) == project.social
        kept_ids = set(cut.tables["comments"]["comment_id"].astype(str))
        moved[project.social] = int((social & ~c["comment_id"].astype(str).isin(kept_ids)).sum())
    for source, n in moved.items():
        if source in counts:
            counts[source]["accepted"] -= n
            counts[source][OTHER] = n
    path.write_text(json.dumps(counts, indent=1, ensure_ascii=False), encoding="utf-8")


# ---- the run's account of its slice ---------------------------------------------------------------

def read_account_project(run_dir: Path) -> str:
    """The project folder of the run being written (its manifest says it)."""
    return str(runs.read_manifest(Path(run_dir))["project"])


def read_account(run_dir: Path) -> dict[str, Any]:
    """``slice.json``: ``{}`` for a run of the whole project."""
    path = Path(run_dir) / ACCOUNT
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def write_account(run_dir: Path, sl: Slice, left_out: dict[str, int], reasons: dict[str, str]) -> Path:
    """Add ``left_out`` (rows per table kept out, with their reason) to the run's ``slice.json``."""
    account = read_account(run_dir) or {**sl.record(), "left_out": {}}
    for table, n in left_out.items():
        account["left_out"][table] = {"rows": int(n), "reason": reasons.get(table, "")}
    path = Path(run_dir) / ACCOUNT
    path.write_text(json.dumps(account, indent=1, ensure_ascii=False), encoding="utf-8")
    return path
