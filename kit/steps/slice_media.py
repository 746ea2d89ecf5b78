"""Recordings and photos in a slice's run: kept only where they can honestly be tied to the slice.

The recordings and photos steps run as in any run; right after each, the pipeline calls
``Slice.after``, and this module keeps the moments (with their exhibits, media, transcript lines,
timelines and photo rows) that belong to the slice:

- ``channel``: a moment by its own channel (markers' and photos' sidecar ``channel``);
- ``segment`` / ``market``: a moment whose participant (a recording's ``participant``, a photo's
  ``participant``) is the customer id of one of the slice's responses; recordings and photos name
  participants (P01) that no survey row carries in most projects, and are then kept out;
- ``month`` / ``quarter``: a photo by the day it was taken (its EXIF time, read as the project's
  time zone); recordings carry no date, and are kept out.

Whatever is kept out is counted with its reason in the run's ``slice.json`` (``kit.steps.slicing``);
its media files are deleted from the run folder, so a slice's run never publishes another slice's faces.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kit.core import project as project_mod
from kit.core import runfolder

if TYPE_CHECKING:
    from kit.steps.slicing import Slice

STEPS = ("recordings", "photos")
SOURCE_TABLES = {"recordings": ("utterances", "timelines"), "photos": ("photos",)}


def moment_mask(moments: pd.DataFrame, sl: Slice, customers: set[str], taken: dict[str, str] | None = None) -> pd.Series:
    """Which moments belong to the slice (``taken``: photo moment id -> its period value)."""
    from kit.steps.slicing import COLUMNS
    if moments.empty:
        return pd.Series([], dtype=bool)
    if sl.by == "channel":
        keep = moments["channel"].astype("string") == sl.value
    elif sl.by in COLUMNS:
        keep = moments["speaker"].astype("string").isin(customers)
    else:
        keep = moments["moment_id"].astype(str).map(taken or {}).astype("string") == sl.value
    return keep.fillna(False).astype(bool)


def reason(sl: Slice, step: str) -> str:
    """Why a recording's or photo's moments are not in this slice."""
    if sl.by == "channel":
        return "another channel"
    if sl.by in ("segment", "market"):
        return f"participant is not a customer of this {sl.by}'s responses"
    return "recordings carry no date" if step == "recordings" else "taken in another period, or undated"


def photo_periods(run_dir: Path, sl: Slice, calendar: str, tz: str) -> dict[str, str]:
    """Each photo's month or quarter, from the time it was taken (the camera's clock, in the project's zone)."""
    from kit.steps.slicing import period_values
    if not runfolder.has_table(run_dir, "photos"):
        return {}
    photos = runfolder.read_table(run_dir, "photos")
    if photos.empty or "taken_at" not in photos.columns:
        return {}
    local = pd.to_datetime(photos["taken_at"], errors="coerce")
    if local.dt.tz is None:
        local = local.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    values = period_values(local.dt.tz_convert("UTC"), sl.by, calendar, tz)
    return {str(k): str(v) for k, v in zip(photos["photo_id"], values, strict=True) if not pd.isna(v)}


def cut_step(run_dir: Path, sl: Slice, step: str) -> dict[str, int]:
    """Keep the slice's part of what ``step`` (recordings or photos) wrote; returns rows kept out per kind."""
    from kit.steps.slicing import read_account_project, write_account
    part = runfolder.moment_part_path(run_dir, step)
    if not part.is_file():
        return {}
    project = project_mod.load(Path(read_account_project(run_dir)))
    moments = pd.read_parquet(part)
    responses = runfolder.read_table(run_dir, "responses") if runfolder.has_table(run_dir, "responses") else None
    customers = set() if responses is None else set(responses["customer_id"].dropna().astype(str))
    periodic = step == "photos" and sl.by not in ("segment", "channel", "market")
    taken = photo_periods(run_dir, sl, project.trend_calendar, project.timezone) if periodic else None
    keep = moment_mask(moments, sl, customers, taken).to_numpy(dtype=bool) if len(moments) else []
    kept = moments[keep] if len(moments) else moments
    kept.reset_index(drop=True).to_parquet(part, index=False)
    refs = set(kept["ref"].astype(str))
    dropped_exhibits = _cut_exhibits(run_dir, step, set(moments["moment_id"].astype(str)),
                                     set(kept["moment_id"].astype(str)), refs)
    _cut_source_tables(run_dir, step, refs, set(kept["moment_id"].astype(str)))
    left = {f"moments ({step})": len(moments) - len(kept), f"exhibits ({step})": dropped_exhibits}
    why = reason(sl, step)
    write_account(run_dir, sl, left, dict.fromkeys(left, why))
    return left


def _exhibit_ref(rec: dict[str, Any]) -> str | None:
    """The recording an exhibit that is no moment (a recording's timeline chart) was made from."""
    evidence = rec.get("evidence") or {}
    return str(evidence["recording"]) if isinstance(evidence, dict) and evidence.get("recording") else None


def _cut_exhibits(run_dir: Path, step: str, moment_ids: set[str], kept_ids: set[str], refs: set[str]) -> int:
    """Drop the exhibits of moments kept out (and a recording's chart when none of its moments is kept), with their media."""
    path = runfolder.exhibit_part_path(run_dir, step)
    if not path.is_file():
        return 0
    records = json.loads(path.read_text(encoding="utf-8"))
    keep, drop = [], []
    for rec in records:
        rid = str(rec.get("id"))
        if rid in moment_ids:
            ok = rid in kept_ids
        else:
            ref = _exhibit_ref(rec)
            ok = ref in refs if ref is not None else bool(kept_ids)
        (keep if ok else drop).append(rec)
    kept_set = {str(r.get("id")) for r in keep}
    for rec in keep:
        if "also" in rec:
            rec["also"] = [i for i in rec["also"] if i in kept_set]
            if not rec["also"]:
                del rec["also"]
        if rec.get("part_of") is not None and rec["part_of"] not in kept_set:
            del rec["part_of"]
    for rec in drop:
        _delete_media(run_dir, rec.get("media") or {})
    path.write_text(json.dumps(keep, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(drop)


def _delete_media(run_dir: Path, media: dict[str, Any]) -> None:
    """Remove a dropped exhibit's files (thumbnails, clips, images, charts) from the run folder."""
    root = Path(run_dir).resolve()
    for value in media.values():
        if isinstance(value, str) and value:
            target = (root / value).resolve()
            if target.is_relative_to(root) and target.is_file():
                target.unlink()


def _cut_source_tables(run_dir: Path, step: str, refs: set[str], kept_ids: set[str]) -> None:
    """Transcript lines and timelines of recordings with no kept moment, and photo rows kept out, go too."""
    for table in SOURCE_TABLES[step]:
        if not runfolder.has_table(run_dir, table):
            continue
        frame = runfolder.read_table(run_dir, table)
        if frame.empty:
            continue
        column, wanted = ("photo_id", kept_ids) if table == "photos" else ("recording_id", refs)
        runfolder.write_table(run_dir, table, frame[frame[column].astype(str).isin(wanted)].reset_index(drop=True))
