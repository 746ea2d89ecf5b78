"""``cxkit run PROJECT --each segment`` end to end: one complete run per segment, the small ones skipped, the index.

The project is data/sample with one recording and ``min_group_size: 300`` (tests/slices_project.py):
its returning and new segments run, premium and corporate are skipped with the reason.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kit import pipeline
from tests.slices_project import MIN_GROUP, make_project

CXKIT = str(Path(sys.executable).parent / "cxkit")
RUN_FILES = ("manifest.json", "summary.json", "exhibits.json", "negatives.json", "report.html", "gallery.html",
             "slice.json", "data/responses.parquet", "data/comments.parquet", "data/contacts.parquet")


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    root = tmp_path_factory.mktemp("slices")
    project = make_project(root / "project")
    out = root / "runs"
    done = subprocess.run([CXKIT, "run", str(project), "--each", "segment", "--out", str(out), "--run-id", "q3", "--quiet"],
                          capture_output=True, text=True, timeout=1800)
    return out, done


@pytest.mark.notebook
def test_each_segment_gets_a_complete_run_and_the_small_ones_are_skipped(batch) -> None:
    out, done = batch
    assert done.returncode == 0, done.stdout + done.stderr
    assert "returning (01-returning): done -> q3-01-returning" in done.stdout
    assert "new (02-new): done -> q3-02-new" in done.stdout
    assert f"premium (03-premium): skipped: 278 survey responses, fewer than min_group_size {MIN_GROUP}" in done.stdout
    assert f"index:  {out / 'q3-slices' / 'index.html'}" in done.stdout
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["q3-01-returning", "q3-02-new", "q3-slices"]
    for key, segment in (("01-returning", "returning"), ("02-new", "new")):
        run = out / f"q3-{key}"
        for name in RUN_FILES:
            assert (run / name).is_file(), f"{run.name}: {name} missing"
        manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["status"] == "succeeded"
        assert manifest["slice"] == {"by": "segment", "value": segment, "key": key}
        assert [s["notebook"] for s in manifest["steps"]] == [p.name for p in pipeline.pipeline_notebooks()]
        responses = pd.read_parquet(run / "data" / "responses.parquet")
        assert len(responses) > MIN_GROUP and set(responses["segment"]) == {segment}
        for source, c in manifest["rows"].items():                 # rows in = accepted + rejected + other slices
            assert c["in"] == c["accepted"] + c["rejected"] + c.get("other_slice", 0), source
        assert manifest["rows"]["surveys/q3_responses.csv"]["accepted"] == len(responses)


@pytest.mark.notebook
def test_recordings_and_photos_not_tied_to_the_segment_are_kept_out_with_the_reason(batch) -> None:
    out, _ = batch
    run = out / "q3-01-returning"
    account = json.loads((run / "slice.json").read_text(encoding="utf-8"))
    photos = account["left_out"]["moments (photos)"]
    assert photos["rows"] > 0 and "participant" in photos["reason"]
    kinds = {e["kind"] for e in json.loads((run / "exhibits.json").read_text(encoding="utf-8"))}
    assert "photo" not in kinds and "clip" not in kinds
    assert not list((run / "media").glob("photo-*")), "another slice's photos stayed in the run folder"


@pytest.mark.notebook
def test_the_index_compares_the_slices_as_their_runs_say(batch) -> None:
    out, _ = batch
    folder = out / "q3-slices"
    data = json.loads((folder / "slices.json").read_text(encoding="utf-8"))
    assert [s["value"] for s in data["slices"]] == ["returning", "new"]
    assert [(s["value"], s["responses"]) for s in data["skipped"]] == [("premium", 278), ("corporate", 181)]
    assert all("min_group_size" in s["reason"] for s in data["skipped"]) and data["failed"] == []
    page = (folder / "index.html").read_text(encoding="utf-8")
    for s in data["slices"]:
        summary = json.loads((out / s["run"] / "summary.json").read_text(encoding="utf-8"))
        assert s["nps"]["value"] == pytest.approx(summary["headline"]["nps"]["value"])
        assert s["nps"]["lo"] == pytest.approx(summary["headline"]["nps"]["lo"])
        stages = {r["stage"]: r["nps"] for r in summary["by_stage"]}
        assert {k: v["nps"] for k, v in s["by_stage"].items()} == pytest.approx(stages)
        assert 1 <= len(s["negatives"]) <= 3 and all(n["title"] for n in s["negatives"])
        assert f'href="../{s["run"]}/report.html"' in page
    assert "premium" in page and "Slices not run" in page
    assert (folder / "report.html").is_file()
