"""The journal's theme edits written into a run's tables: ``comments.themes``, ``data/themes`` and the
detractor wall's ``theme``, so the report, the negative room and the REFI-QDA export read the themes
as the analysts named them.

The labels the pipeline made are kept on first use (``parts/themes-as-made.parquet`` and
``parts/comment-themes-as-made.parquet``) and every replay starts from them, so replaying the same
journal twice on one run gives the same tables, and undoing a theme edit brings the made label back.
A merged theme's counts are the sums of its parts (shares recomputed from them); a theme split off
holds its answers with their count and words, its other figures left empty.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kit.core import runfolder
from kit.curation.themes import ThemeBook

SEPARATOR = " | "
SUMS = ["n_answers", "n_survey", "n_social", "n_respondents", "n_detractors", "n_promoters", "reach",
        "reach_weighted_severity"]
LISTS = ["quotes", "quote_ids"]


def _made(run_dir: Path, table: str, columns: list[str], keep: bool = True) -> pd.DataFrame:
    """The table as the pipeline made it: the kept copy, else the run's table (kept now, unless ``keep`` is
    False: a reader that will not rewrite the tables, such as a page listing the themes, writes nothing)."""
    kept = runfolder.as_made_path(run_dir, table)
    if kept.is_file():
        return pd.read_parquet(kept)
    if not runfolder.has_table(run_dir, table):
        return pd.DataFrame(columns=columns)
    frame = runfolder.read_table(run_dir, table)
    frame = frame[columns] if table == "comments" else frame
    if keep:
        kept.parent.mkdir(parents=True, exist_ok=True)
        frame.to_parquet(kept, index=False)
    return frame


def made_labels(run_dir: Path, keep: bool = True) -> pd.DataFrame:
    """comment_id -> themes (the string the pipeline wrote), as made."""
    return _made(run_dir, "comments", ["comment_id", "themes"], keep)


def book(run_dir: Path, keep: bool = True) -> ThemeBook:
    """The run's theme labels and every answer's labels, as the pipeline made them (``keep``: see ``_made``)."""
    table = _made(run_dir, "themes", ["label"], keep)
    labels = made_labels(run_dir, keep)
    members = {str(c): split(t) for c, t in zip(labels["comment_id"], labels["themes"], strict=True)}
    return ThemeBook([str(v) for v in table["label"]], members)


def split(value: object) -> list[str]:
    return [t for t in str(value).split(SEPARATOR) if t] if isinstance(value, str) else []


def publish(run_dir: Path, themes: ThemeBook) -> None:
    """Write the tables with the themes as edited (from the pipeline's, so a replay never compounds)."""
    if not runfolder.has_table(run_dir, "comments"):
        return
    made = made_labels(run_dir)
    relabelled = {str(c): SEPARATOR.join(themes.relabel(str(c), split(t)))
                  for c, t in zip(made["comment_id"], made["themes"], strict=True)}
    comments = runfolder.read_table(run_dir, "comments")
    comments["themes"] = comments["comment_id"].astype(str).map(relabelled).fillna(comments["themes"]).astype("string")
    runfolder.write_table(run_dir, "comments", comments)
    table = _made(run_dir, "themes", ["label"])
    if len(table):
        runfolder.write_table(run_dir, "themes", theme_table(table, comments, themes))
    if runfolder.has_table(run_dir, "wall"):
        wall = runfolder.read_table(run_dir, "wall")
        wall["theme"] = [(themes.relabel(str(c), [t]) or [t])[0] if isinstance(t, str) and t else t
                         for c, t in zip(wall["comment_id"], wall["theme"], strict=True)]
        runfolder.write_table(run_dir, "wall", wall)


def theme_table(made: pd.DataFrame, comments: pd.DataFrame, themes: ThemeBook) -> pd.DataFrame:
    """The themes table with labels as edited: answers split off moved to their theme, same labels merged."""
    rows = [dict(r) for r in made.to_dict("records")]
    text = dict(zip(comments["comment_id"].astype(str), comments["text"], strict=True))
    langs = dict(zip(comments["comment_id"].astype(str), comments["lang"], strict=True))
    for row in rows:
        row["label"] = themes.current.get(str(row["label"]), row["label"])
    for answer, moved in themes.split_off.items():
        for old, new in moved.items():
            _take_out(rows, old, answer, themes)
            rows.append({"theme": f"split-{new}", "lang": langs.get(answer, "en"), "label": new, "terms": new,
                         "n_answers": 1, "n_survey": int(not answer.startswith("social:")),
                         "n_social": int(answer.startswith("social:")), "quotes": [text.get(answer, "")],
                         "quote_ids": [answer]})
    frame = pd.DataFrame(rows)
    return _merged(frame, list(made.columns))


def _take_out(rows: list[dict[str, object]], made_label: str, answer: str, themes: ThemeBook) -> None:
    """The answer leaves the row of the theme it was split off (its count less one, its words gone)."""
    now = themes.current.get(made_label, made_label)
    for row in rows:
        if row["label"] != now:
            continue
        ids = list(row.get("quote_ids") if row.get("quote_ids") is not None else [])
        row["n_answers"] = max(0, int(row.get("n_answers") or 0) - 1)
        if answer in ids:
            i = ids.index(answer)
            row["quote_ids"] = ids[:i] + ids[i + 1:]
            quotes = list(row.get("quotes") if row.get("quotes") is not None else [])
            row["quotes"] = quotes[:i] + quotes[i + 1:]
        return


def _merged(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Rows that now share a language and a label as one: sums added, shares and sentiment recomputed."""
    out = []
    for _, group in frame.groupby(["lang", "label"], sort=False, dropna=False):
        row = dict(group.iloc[0])
        if len(group) > 1:
            for col in (c for c in SUMS if c in group):
                row[col] = pd.to_numeric(group[col], errors="coerce").sum()
            for col in (c for c in LISTS if c in group):
                row[col] = [v for items in group[col] if items is not None for v in items]
            weights = pd.to_numeric(group["n_answers"], errors="coerce").fillna(0).to_numpy(float)
            if "mean_sentiment" in group and weights.sum():
                row["mean_sentiment"] = float(np.nansum(group["mean_sentiment"].astype(float) * weights) / weights.sum())
            if row.get("n_respondents"):
                row["detractor_share"] = row["n_detractors"] / row["n_respondents"]
                row["promoter_share"] = row["n_promoters"] / row["n_respondents"]
            row["terms"] = " · ".join(dict.fromkeys(str(t) for t in group["terms"] if isinstance(t, str)))
        out.append(row)
    result = pd.DataFrame(out)
    return result[[c for c in columns if c in result]]
