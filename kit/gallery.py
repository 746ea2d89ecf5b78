"""Gallery assembly: every step's exhibits and moments merged, and the summary pages show first."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from kit import exhibits as ex
from kit import scores
from kit.steps import Step

MOMENT_COLUMNS = ["moment_id", "source", "ref", "speaker", "start_s", "end_s", "stage", "channel",
                  "valence", "severity", "quote", "coded_by"]


def merge_moments(step: Step) -> pd.DataFrame:
    parts = [pd.read_parquet(p) for p in sorted((step.run_dir / "parts").glob("moments-*.parquet"))]
    parts = [p for p in parts if len(p)]
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=MOMENT_COLUMNS)
    step.save_table("moments", table)
    return table


def summary(step: Step, records: list[dict[str, Any]]) -> dict[str, Any]:
    """What the pages show before anything else, computed once here so pages stay light."""
    p = step.project
    responses = step.load_table("responses")
    head = scores.headline(responses)
    return {
        "name": p.name, "run_id": step.run_dir.name.removeprefix(".partial-"), "ui_language": p.ui_language,
        "languages": p.languages, "stages": p.journey.stages, "channels": p.channels,
        "ideal": p.journey.ideal, "min_group_size": p.min_group_size, "headline": head,
        "by_stage": scores.by_group(responses, "stage", p.min_group_size, p.journey.stages).to_dict("records"),
        "exhibits": len(records),
        "exhibits_by_kind": pd.Series([r["kind"] for r in records]).value_counts().to_dict() if records else {},
    }


def assemble(step: Step) -> list[dict[str, Any]]:
    """Write ``exhibits.json``, ``data/moments.parquet`` and ``summary.json``; returns the exhibits."""
    records = ex.merge_parts(step.run_dir)
    (step.run_dir / "exhibits.json").write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    merge_moments(step)
    (step.run_dir / "summary.json").write_text(
        json.dumps(summary(step, records), ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    step.finish()
    return records
