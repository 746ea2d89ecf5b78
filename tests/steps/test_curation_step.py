"""A fresh run replays the project's curation journal: edits kept, set-aside exhibits and orphans written down."""

from __future__ import annotations

import shutil
from pathlib import Path

from kit.core import runfolder
from kit.core.paths import SAMPLE_PROJECT
from kit.core.step import open_step
from kit.curation import journal
from kit.steps.curation import curate

RECORDS = [{"id": "photo-1", "kind": "photo", "title": "Fridge door", "stage": "coaching", "tags": []},
           {"id": "photo-2", "kind": "photo", "title": "Fridge door", "stage": "coaching", "tags": []},
           {"id": "quote-1", "kind": "quote", "title": "Too many messages", "stage": "support", "tags": []}]


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(SAMPLE_PROJECT / "project.yaml", project / "project.yaml")
    return project


def test_no_journal_changes_nothing(tmp_path: Path) -> None:
    step = open_step("gallery", _project(tmp_path), tmp_path / "run")
    assert curate(step, RECORDS) == RECORDS
    assert runfolder.read_curation(step.run_dir) == {}


def test_journal_is_replayed_and_accounted(tmp_path: Path) -> None:
    project = _project(tmp_path)
    path = project / journal.JOURNAL
    edits = [journal.make(who="ana", role="analyst", op="merge", exhibit="photo-1", after=["photo-2"]),
             journal.make(who="ana", role="analyst", op="recode", exhibit="quote-1", field="stage", after="renewal"),
             journal.make(who="bo", role="analyst", op="hide", exhibit="gone-9", reason="from an old run")]
    for e in edits:
        journal.append(path, e)
    step = open_step("gallery", project, tmp_path / "run")
    shown = curate(step, RECORDS)
    assert [r["id"] for r in shown] == ["photo-1", "quote-1"]
    assert shown[1]["stage"] == "renewal" and shown[0]["merged"][0]["id"] == "photo-2"
    written = runfolder.read_curation(step.run_dir)
    assert written["journal_sha256"] == journal.digest(path)
    assert [r["id"] for r in written["set_aside"]] == ["photo-2"]
    assert written["orphans"][0]["exhibit"] == "gone-9" and "no longer in the run" in written["orphans"][0]["why"]
    assert step.counts[journal.JOURNAL] == {"in": 3, "accepted": 2, "rejected": 1}
    assert step.finish()["balanced"].all()                 # counted as every input is: in = accepted + rejected


def test_coders_readings_give_agreement_without_changing_the_wall(tmp_path: Path) -> None:
    project = _project(tmp_path)
    path = project / journal.JOURNAL
    for who, unit, stage in (("ana", "photo-1", "coaching"), ("bo", "photo-1", "coaching"),
                             ("ana", "quote-1", "support"), ("bo", "quote-1", "renewal")):
        journal.append(path, journal.make(who=who, role="analyst", op="code", exhibit=unit, field="stage", after=stage))
    step = open_step("gallery", project, tmp_path / "run")
    assert curate(step, RECORDS) == RECORDS
    rows = runfolder.read_curation(step.run_dir)["agreement"]
    assert rows[0]["code"] == "stage" and rows[0]["measure"] == "kappa" and rows[0]["units"] == 2
    assert rows[0]["disagreements"] == [{"unit": "quote-1", "codes": {"ana": "support", "bo": "renewal"}}]
