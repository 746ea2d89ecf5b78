"""The runs a server serves: one run folder, or the finished runs in a folder of runs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kit.core import paths
from kit.core.errors import RunNotFoundError
from kit.server.catalog import Catalog, RunEntry, catalog_for, users_beside

HOUR = 3600.0


def make_run(runs_dir: Path, run_id: str, name: str = "Alpha", *, age_hours: float = 0.0, lang: str = "en",
             summary: dict | None = None, manifest: bool = True) -> Path:
    """A finished run as the pipeline leaves it, as far as the catalog reads it."""
    run = runs_dir / run_id
    run.mkdir(parents=True)
    (run / "summary.json").write_text(json.dumps(summary if summary is not None else {
        "name": name, "ui_language": lang, "headline": {"nps": {"value": 14.2, "lo": 10, "hi": 18}}, "exhibits": 5,
    }), encoding="utf-8")
    if manifest:
        (run / "manifest.json").write_text(json.dumps({"run_id": run_id, "status": "succeeded"}), encoding="utf-8")
        stamp = 1_800_000_000 - age_hours * HOUR
        os.utime(run / "manifest.json", (stamp, stamp))
    return run


@pytest.fixture
def runs(tmp_path: Path) -> Path:
    """Three finished runs and everything that is not one."""
    d = tmp_path / "reports"
    make_run(d, "20260101-090000", "Alpha", age_hours=48)
    make_run(d, "20260102-090000", "Beta", age_hours=24, lang="fa")
    make_run(d, "20260103-090000", "Alpha", age_hours=1)
    make_run(d, ".partial-20260104-090000", "Partial")
    make_run(d, "failed-20260104-100000", "Failed")
    make_run(d, "no-manifest", "Nothing", manifest=False)
    (d / "latest").symlink_to("20260103-090000", target_is_directory=True)
    (d / "elsewhere").symlink_to(tmp_path / "outside", target_is_directory=True)
    make_run(tmp_path, "outside", "Outside")
    for odd in ("with space", "ümlaut", "semi;colon", "-dash-first", "_under"):
        make_run(d, odd, "Odd")
    (d / "users.json").write_text("{}", encoding="utf-8")
    (d / "notes.txt").write_text("not a run", encoding="utf-8")
    return d


def test_a_folder_of_runs_serves_its_finished_runs_newest_first(runs: Path) -> None:
    catalog = Catalog(runs_dir=runs)
    assert [e.id for e in catalog.entries()] == ["20260103-090000", "20260102-090000", "20260101-090000"]
    assert [i for i in catalog.ids() if catalog.path(i)] == ["20260103-090000", "20260102-090000", "20260101-090000"]
    assert catalog.newest().id == "20260103-090000"


def test_partial_failed_linked_and_oddly_named_folders_are_left_out(runs: Path) -> None:
    catalog = Catalog(runs_dir=runs)
    ids = set(catalog.ids())
    for left_out in (".partial-20260104-090000", "failed-20260104-100000", "latest", "elsewhere", "with space",
                     "ümlaut", "semi;colon", "-dash-first", "_under", "users.json", "notes.txt"):
        assert left_out not in ids
        assert catalog.path(left_out) is None and catalog.get(left_out) is None
    assert {e.project for e in catalog.entries()} == {"Alpha", "Beta"}


@pytest.mark.parametrize("run_id", ["../x", "..", ".", "", "20260101-090000/../20260102-090000", "/etc",
                                    "20260101-090000/", "20260101-090000\x00", "../reports/20260101-090000",
                                    "x" * 101, "nope", "no-manifest", "latest", "..%2f"])
def test_path_refuses_anything_but_a_served_run(runs: Path, run_id: str) -> None:
    catalog = Catalog(runs_dir=runs)
    assert catalog.path(run_id) is None
    assert catalog.get(run_id) is None


def test_path_of_a_served_run_is_its_folder(runs: Path) -> None:
    catalog = Catalog(runs_dir=runs)
    assert catalog.path("20260102-090000") == runs / "20260102-090000"


def test_a_run_whose_manifest_goes_away_is_no_longer_served(runs: Path) -> None:
    catalog = Catalog(runs_dir=runs)
    (runs / "20260103-090000" / "manifest.json").unlink()
    assert catalog.path("20260103-090000") is None
    assert catalog.newest().id == "20260102-090000"


def test_a_run_finished_while_serving_appears(runs: Path) -> None:
    catalog = Catalog(runs_dir=runs)
    make_run(runs, "20260105-090000", "Gamma")
    assert catalog.newest().project == "Gamma"


def test_entries_carry_what_the_landing_page_shows(runs: Path) -> None:
    beta = Catalog(runs_dir=runs).get("20260102-090000")
    assert isinstance(beta, RunEntry)
    assert beta.id == "20260102-090000" and beta.path == runs / "20260102-090000"
    assert beta.project == "Beta" and beta.language == "fa"
    assert (beta.nps, beta.nps_lo, beta.nps_hi) == (14.2, 10.0, 18.0)
    assert beta.exhibits == 5 and beta.workshop is False
    assert beta.finished == "2027-01-14 08:00"       # the manifest's time, in UTC


def test_a_summary_with_gaps_still_makes_an_entry(tmp_path: Path) -> None:
    make_run(tmp_path, "bare", summary={})
    make_run(tmp_path, "nan", summary={"name": "N", "headline": {"nps": {"value": "NaN", "lo": None, "hi": "x"}},
                                       "exhibits": None})
    catalog = Catalog(runs_dir=tmp_path)
    bare, nan = catalog.get("bare"), catalog.get("nan")
    assert bare.project == "bare" and bare.language == "en" and bare.nps is None and bare.exhibits == 0
    assert nan.project == "N" and nan.nps is None and nan.nps_lo is None and nan.nps_hi is None


def test_an_unreadable_summary_leaves_the_run_off_the_list(tmp_path: Path) -> None:
    make_run(tmp_path, "good")
    bad = make_run(tmp_path, "bad")
    (bad / "summary.json").write_text("[1, 2", encoding="utf-8")
    listed = make_run(tmp_path, "listed")
    (listed / "summary.json").write_text("[]", encoding="utf-8")
    assert [e.id for e in Catalog(runs_dir=tmp_path).entries()] == ["good"]


def test_a_held_workshop_is_shown(runs: Path) -> None:
    from kit.workshop.store import Workshop
    Workshop(runs / "20260101-090000").join("Mina", "other")
    catalog = Catalog(runs_dir=runs)
    assert catalog.get("20260101-090000").workshop is True
    assert catalog.get("20260102-090000").workshop is False


def test_one_run_serves_that_run_only(runs: Path) -> None:
    run = runs / "20260102-090000"
    catalog = Catalog(run=run)
    assert catalog.ids() == ["20260102-090000"]
    assert catalog.path("20260102-090000") == run
    for other in ("20260101-090000", "20260103-090000", "../x", "latest", ""):
        assert catalog.path(other) is None
    assert [e.project for e in catalog.entries()] == ["Beta"]
    assert catalog.newest().id == "20260102-090000"


def test_a_catalog_is_one_run_or_a_folder_of_runs(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        Catalog()
    with pytest.raises(ValueError):
        Catalog(run=tmp_path, runs_dir=tmp_path)


def test_an_empty_folder_of_runs_serves_nothing(tmp_path: Path) -> None:
    catalog = Catalog(runs_dir=tmp_path)
    assert catalog.ids() == [] and catalog.entries() == [] and catalog.newest() is None


@pytest.fixture
def reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The kit's reports folder, moved to a temporary folder."""
    d = tmp_path / "kit-reports"
    d.mkdir()
    monkeypatch.setattr(paths, "REPORTS_DIR", d)
    return d


def test_catalog_for_a_run_folder_serves_that_run(runs: Path, reports: Path) -> None:
    catalog = catalog_for(runs / "20260101-090000")
    assert catalog.run == (runs / "20260101-090000").resolve() and catalog.runs_dir is None
    assert catalog_for(str(runs / "20260101-090000")).ids() == ["20260101-090000"]


def test_catalog_for_a_run_id_finds_it_in_the_reports_folder(reports: Path, monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path) -> None:
    make_run(reports, "20260201-120000", "Delta")
    monkeypatch.chdir(tmp_path)
    catalog = catalog_for("20260201-120000")
    assert catalog.run == (reports / "20260201-120000").resolve()
    assert catalog.get("20260201-120000").project == "Delta"


def test_catalog_for_a_folder_of_runs_serves_them_all(runs: Path, reports: Path) -> None:
    catalog = catalog_for(runs)
    assert catalog.runs_dir == runs.resolve() and catalog.run is None
    assert len(catalog.entries()) == 3


def test_catalog_for_nothing_serves_the_reports_folder(reports: Path) -> None:
    make_run(reports, "20260201-120000", "Delta")
    catalog = catalog_for(None)
    assert catalog.runs_dir == reports.resolve()
    assert [e.project for e in catalog.entries()] == ["Delta"]


@pytest.mark.parametrize("where", ["empty", "missing", "no-manifests", "file"])
def test_catalog_for_a_folder_without_runs_says_how_to_make_one(reports: Path, tmp_path: Path, where: str) -> None:
    folder = tmp_path / where
    if where == "empty":
        folder.mkdir()
    elif where == "no-manifests":
        make_run(folder, "20260101-090000", manifest=False)
        make_run(folder, ".partial-20260102-090000", manifest=False)
    elif where == "file":
        folder.write_text("x", encoding="utf-8")
    with pytest.raises(RunNotFoundError) as caught:
        catalog_for(folder)
    assert "cxkit run" in str(caught.value) and str(folder.name) in str(caught.value)
    assert caught.value.exit_code == 2


def test_a_folder_whose_only_run_is_still_running_or_failed_serves_nothing_yet(reports: Path, tmp_path: Path) -> None:
    make_run(tmp_path / "out", ".partial-20260102-090000", "Running")
    make_run(tmp_path / "out", "failed-20260101-090000", "Failed")
    catalog = catalog_for(tmp_path / "out")
    assert catalog.runs_dir == (tmp_path / "out").resolve()
    assert catalog.ids() == [] and catalog.entries() == []
    make_run(tmp_path / "out", "20260102-090000", "Finished")
    assert [e.project for e in catalog.entries()] == ["Finished"]


def test_catalog_for_an_empty_reports_folder_says_how_to_make_a_run(reports: Path) -> None:
    with pytest.raises(RunNotFoundError, match="cxkit run"):
        catalog_for(None)


def test_the_users_file_sits_beside_the_runs(runs: Path) -> None:
    assert users_beside(Catalog(runs_dir=runs)) == runs / "users.json"
    assert users_beside(Catalog(run=runs / "20260101-090000")) == runs / "users.json"
