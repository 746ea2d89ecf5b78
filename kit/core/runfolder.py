"""The run folder (``reports/<run-id>/``, docs/design.md): every name in it, and its readers and writers.

This module is the one place that spells a run's file and folder names; every other module reads and
writes a run through it (the run's lifecycle, ids, manifest and publishing, is ``kit.core.runs``)::

    manifest.json           the run: id, parameters, input hashes, rows, versions, status (kit.core.runs)
    summary.json            what the pages show first
    exhibits.json           every exhibit (kit.core.exhibits checks its schema)
    negatives.json          the ranked negative experiences
    lenses.json             each lens's order and card labels, precomputed (kit.analysis.lenses)
    exhibits/<step>.json    one step's exhibits, merged into exhibits.json by the gallery step
    parts/moments-<step>.parquet   one step's moments, merged into data/moments.parquet
    counts/<step>.json      rows in / accepted / rejected per input, gathered into the manifest
    data/<table>.parquet    the tables; the canonical ones are checked against kit.core.schema when written
    charts/<id>.json|png|svg        chart exhibits (kit.charts.store)
    media/                  thumbnails, clips, published photos (privacy applied)
    notebooks/              the executed pipeline notebooks
    report.html, report.pdf, gallery.html, cards.pdf, workshop.sqlite

Readers share one policy. A missing file is normal (a step that did not run, an older run): the
reader returns the empty value its callers expect (``{}``, ``[]`` or ``None``, as each says). A file
that is there but cannot be read as what it should be raises ``RunFileError`` naming the file; pages
catch it (a ``KitError``) and degrade to a plain message or a fallback, the pipeline and the exports
stop on it.

A path that a record names (``media.thumb``, ``media.clip``, ``media.figure``, a negative's
``thumb``) becomes a file only through ``media_path``, which refuses any that leaves the run.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

from kit.core import schema
from kit.core.errors import RunFileError

# files
MANIFEST = "manifest.json"
SUMMARY = "summary.json"
EXHIBITS = "exhibits.json"
NEGATIVES = "negatives.json"
CURATION = "curation.json"              # what the curation journal did to this run (kit.steps.curation)
LENSES_FILE = "lenses.json"          # not LENSES: that is the tuple of lens names (kit.core.exhibits)
REPORT_HTML = "report.html"
REPORT_PDF = "report.pdf"
GALLERY_HTML = "gallery.html"
CARDS_PDF = "cards.pdf"
WORKSHOP_DB = "workshop.sqlite"
CUT_ID = re.compile(r"cut-[0-9a-f]{16}")     # kit.curation.cuts.cut_id: a file name that stays in its folder
# folders
CUTS = "cuts"                        # exhibits cut in a served page since the run, one JSON each (write_cut)
DATA = "data"
MEDIA = "media"
CHARTS = "charts"
NOTEBOOKS = "notebooks"
EXHIBIT_PARTS = "exhibits"
MOMENT_PARTS = "parts"
COUNTS = "counts"

_REMAKE = "make the run again (cxkit run), or re-run the step that writes it"


# ---- paths named by records -------------------------------------------------------------------

def media_path(run_dir: str | Path, rel: str | None, *, must_exist: bool = True) -> Path | None:
    """The file a record names by ``rel`` (relative to the run), or None when it must not be opened.

    None when ``rel`` is empty or absolute, when it leads outside the run once resolved (``..``, or a
    symlink to somewhere else: links are followed), and, with ``must_exist``, when it is not a file.
    The path returned is resolved.
    """
    if not rel or Path(rel).is_absolute():
        return None
    root = Path(run_dir).resolve()
    path = (root / rel).resolve()
    if not path.is_relative_to(root):
        return None
    if must_exist and not path.is_file():
        return None
    return path


def media_rel(name: str) -> str:
    """How a record names a file of the run's ``media/`` folder."""
    return f"{MEDIA}/{name}"


def chart_rel(exhibit_id: str, suffix: str = "json") -> str:
    """How a record names a chart file: ``charts/<id>.<suffix>``."""
    return f"{CHARTS}/{exhibit_id}.{suffix}"


def chart_path(run_dir: str | Path, exhibit_id: str, suffix: str = "json") -> Path:
    return Path(run_dir) / chart_rel(exhibit_id, suffix)


# ---- JSON files -------------------------------------------------------------------------------

def _read_json(path: Path, missing: Any) -> Any:
    if not path.is_file():
        return missing
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RunFileError(path, f"is not readable JSON ({exc})", fix=_REMAKE) from None


def _write_json(path: Path, data: Any, *, indent: int | None = 1) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=indent, default=str), encoding="utf-8")
    return path


def _read_object(path: Path) -> dict[str, Any]:
    """A run file holding one JSON object; ``{}`` when it is missing."""
    data = _read_json(path, {})
    if not isinstance(data, dict):
        raise RunFileError(path, "is not a JSON object", fix=_REMAKE)
    return data


def read_summary(run_dir: str | Path) -> dict[str, Any]:
    """``summary.json``; ``{}`` when the run has none."""
    return _read_object(Path(run_dir) / SUMMARY)


def write_summary(run_dir: str | Path, summary: dict[str, Any]) -> Path:
    return _write_json(Path(run_dir) / SUMMARY, summary)


def read_exhibits(run_dir: str | Path) -> list[dict[str, Any]]:
    """``exhibits.json`` as stored; ``[]`` when the run has none. Use ``kit.core.exhibits.load``,
    which also refuses records of a schema this kit does not know."""
    path = Path(run_dir) / EXHIBITS
    data = _read_json(path, [])
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise RunFileError(path, "is not a list of exhibit records", fix=_REMAKE)
    return data


def write_exhibits(run_dir: str | Path, records: list[dict[str, Any]]) -> Path:
    return _write_json(Path(run_dir) / EXHIBITS, records)


def exhibit_part_path(run_dir: str | Path, step: str) -> Path:
    """``exhibits/<step>.json``: the exhibits one step made."""
    return Path(run_dir) / EXHIBIT_PARTS / f"{step}.json"


def exhibit_parts(run_dir: str | Path) -> list[Path]:
    """Every step's exhibit part, in step order."""
    return sorted((Path(run_dir) / EXHIBIT_PARTS).glob("*.json"))


def read_negatives(run_dir: str | Path) -> list[dict[str, Any]] | None:
    """The ranked negative experiences of ``negatives.json``, by rank; None when the run has none.

    The file is the list the negative step writes; an object holding that list under ``negatives``
    (or ``items``) is read too. Entries that are not objects are left out; entries without a numeric
    rank come last, in file order. A file that is not JSON, or holds no such list, raises
    ``RunFileError``; the pages catch it and show what they show for a run without a ranking.
    """
    path = Path(run_dir) / NEGATIVES
    data = _read_json(path, None)
    if data is None:
        return None
    if isinstance(data, dict):
        data = data.get("negatives", data.get("items"))
    if not isinstance(data, list):
        raise RunFileError(path, "holds no list of negative experiences", fix=_REMAKE)

    def rank(entry: dict[str, Any]) -> float:
        r = entry.get("rank")
        return float(r) if isinstance(r, int | float) and not isinstance(r, bool) else float("inf")

    return sorted((e for e in data if isinstance(e, dict)), key=rank)


def write_negatives(run_dir: str | Path, ranked: list[dict[str, Any]]) -> Path:
    return _write_json(Path(run_dir) / NEGATIVES, ranked)


def read_lenses(run_dir: str | Path) -> dict[str, Any] | None:
    """``lenses.json``; None when the run has none."""
    path = Path(run_dir) / LENSES_FILE
    data = _read_json(path, None)
    if data is not None and not isinstance(data, dict):
        raise RunFileError(path, "is not a JSON object", fix=_REMAKE)
    return data


def write_lenses(run_dir: str | Path, data: dict[str, Any]) -> Path:
    return _write_json(Path(run_dir) / LENSES_FILE, data, indent=None)


def write_curation(run_dir: str | Path, data: dict[str, Any]) -> Path:
    return _write_json(Path(run_dir) / CURATION, data)


def read_curation(run_dir: str | Path) -> dict[str, Any]:
    """``curation.json``: the journal's effect on this run (``{}`` when the project has no journal)."""
    return _read_object(Path(run_dir) / CURATION)


def write_cut(run_dir: str | Path, record: dict[str, Any]) -> Path:
    """``cuts/<id>.json``: an exhibit cut in a served page since the run, so every other page of the run
    shows the same record without cutting its media again. Written whole or not at all."""
    path = _cut_path(run_dir, str(record["id"]))
    if path is None:
        raise ValueError(f"{record['id']!r} is not the id of a cut")
    tmp = _write_json(path.with_name(f".{path.name}.{os.getpid()}"), record)
    os.replace(tmp, path)
    return path


def read_cut(run_dir: str | Path, exhibit_id: str) -> dict[str, Any] | None:
    """The record a page saved for the cut ``exhibit_id`` (None when none did, or the id is not a cut's)."""
    path = _cut_path(run_dir, exhibit_id)
    found = _read_object(path) if path is not None else {}
    return found or None


def _cut_path(run_dir: str | Path, exhibit_id: str) -> Path | None:
    return Path(run_dir) / CUTS / f"{exhibit_id}.json" if CUT_ID.fullmatch(exhibit_id) else None


def write_counts(run_dir: str | Path, step: str, counts: dict[str, dict[str, int]]) -> Path:
    """``counts/<step>.json``: rows in / accepted / rejected per input file, as the step saw them."""
    return _write_json(Path(run_dir) / COUNTS / f"{step}.json", counts)


def read_counts(run_dir: str | Path) -> dict[str, dict[str, int]]:
    """Rows in / accepted / rejected per input file, gathered from every step's counts."""
    counts: dict[str, dict[str, int]] = {}
    for part in sorted((Path(run_dir) / COUNTS).glob("*.json")):
        data = _read_json(part, {})
        if not isinstance(data, dict):
            raise RunFileError(part, "is not a JSON object", fix=_REMAKE)
        counts.update(data)
    return counts


# ---- tables -----------------------------------------------------------------------------------

def table_files(run_dir: str | Path) -> list[Path]:
    """Every Parquet table of the run: the tables in ``data/``, then the steps' parts in ``parts/``."""
    run_dir = Path(run_dir)
    return sorted((run_dir / DATA).glob("*.parquet")) + sorted((run_dir / MOMENT_PARTS).glob("*.parquet"))


def table_rel(table: str) -> str:
    """How a record names a table of the run: ``data/<table>.parquet``."""
    return f"{DATA}/{table}.parquet"


def table_path(run_dir: str | Path, table: str) -> Path:
    return Path(run_dir) / table_rel(table)


def has_table(run_dir: str | Path, table: str) -> bool:
    return table_path(run_dir, table).exists()


def read_table(run_dir: str | Path, table: str) -> pd.DataFrame:
    return pd.read_parquet(table_path(run_dir, table))


def write_table(run_dir: str | Path, table: str, frame: pd.DataFrame) -> Path:
    """Write ``data/<table>.parquet``; a canonical table must carry its columns (``kit.core.schema.check``)."""
    schema.check(table, frame)
    path = table_path(run_dir, table)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path, index=False)
    return path


AS_MADE = {"themes": "themes-as-made.parquet", "comments": "comment-themes-as-made.parquet"}


def as_made_path(run_dir: str | Path, table: str) -> Path:
    """``parts/<table>-as-made.parquet``: a table as the pipeline made it, kept before hand edits relabel it."""
    return Path(run_dir) / MOMENT_PARTS / AS_MADE[table]


def moment_part_path(run_dir: str | Path, step: str) -> Path:
    """``parts/moments-<step>.parquet``: the moments one step found."""
    return Path(run_dir) / MOMENT_PARTS / f"moments-{step}.parquet"


def write_moment_part(run_dir: str | Path, step: str, frame: pd.DataFrame) -> Path:
    """Write one step's moments (checked against the ``moments`` columns: they are merged into it)."""
    schema.check("moments", frame)
    path = moment_part_path(run_dir, step)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path, index=False)
    return path


def moment_parts(run_dir: str | Path, *, leave_out: str | None = None) -> list[Path]:
    """Every step's moments part, in step order (``leave_out`` names a step whose part is skipped)."""
    skip = moment_part_path(run_dir, leave_out).name if leave_out else None
    return [p for p in sorted((Path(run_dir) / MOMENT_PARTS).glob("moments-*.parquet")) if p.name != skip]
