"""A small copy of data/sample for the runs-per-slice tests: one recording, the photos, every survey row.

The sample's four segments hold 523, 510, 278 and 181 survey responses; ``min_group_size: 300``
makes the two smaller ones (premium, corporate) slices that are skipped with their reason, and one recording keeps
each slice's run short while still showing how recordings are kept out of a segment's run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "sample"

KEPT_RECORDING = "s03"
MIN_GROUP = 300


def make_project(dest: Path) -> Path:
    """Copy data/sample into ``dest`` with one recording and min_group_size 300; returns the folder."""
    shutil.copytree(SAMPLE_DIR, dest, ignore=shutil.ignore_patterns("s0[12459]*"))
    config = yaml.safe_load((dest / "project.yaml").read_text(encoding="utf-8"))
    config["recordings"] = [r for r in config["recordings"] if r["id"] == KEPT_RECORDING]
    config["min_group_size"] = MIN_GROUP
    (dest / "project.yaml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dest
