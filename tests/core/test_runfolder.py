"""The run folder has one owner (kit.core.runfolder): its names, its readers and writers, the media path check."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from kit.core import runfolder, schema
from kit.core.errors import KitError, RunFileError, TableColumnsError
from kit.core.paths import KIT_DIR
from kit.core.rejects import RejectLog
from kit.pages import overview as overview_page

OWNER = "core/runfolder.py"
FILES = {runfolder.MANIFEST, runfolder.SUMMARY, runfolder.EXHIBITS, runfolder.NEGATIVES, runfolder.LENSES_FILE,
         runfolder.REPORT_HTML, runfolder.REPORT_PDF, runfolder.GALLERY_HTML, runfolder.CARDS_PDF, runfolder.WORKSHOP_DB}
FOLDERS = {runfolder.DATA, runfolder.MEDIA, runfolder.CHARTS, runfolder.NOTEBOOKS, runfolder.EXHIBIT_PARTS,
           runfolder.MOMENT_PARTS, runfolder.COUNTS}
# Same spelling, another thing: the checkout's own folders, and the asset the one-file gallery is made from.
NOT_THE_RUN = {("core/paths.py", "data"), ("core/paths.py", "notebooks"), ("exports/gallery_file.py", "gallery.html")}


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def spellings(source: str) -> list[tuple[int, str]]:
    """Where a module spells a run's file or folder name: as a whole string, a path join or a path prefix."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and isinstance(node.right, ast.Constant) \
                and node.right.value in FOLDERS | FILES:
            found.append((node.lineno, node.right.value))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value
            if text in FILES or any(text.startswith(f"{d}/") for d in FOLDERS) or text.endswith(".parquet") \
                    and text != ".parquet" or "moments-" in text:
                found.append((node.lineno, text))
    return sorted(set(found))


def test_no_module_but_the_owner_spells_a_run_folder_name() -> None:
    offenders = {}
    for path in sorted(KIT_DIR.rglob("*.py")):
        rel = path.relative_to(KIT_DIR).as_posix()
        if rel == OWNER:
            continue
        hits = [(n, s) for n, s in spellings(path.read_text(encoding="utf-8")) if (rel, s) not in NOT_THE_RUN]
        if hits:
            offenders[rel] = hits
    assert not offenders, f"name these through kit.core.runfolder: {offenders}"


def test_the_check_itself_finds_each_way_of_spelling() -> None:
    source = ('"""Reads summary.json."""\n'
              'a = run / "summary.json"\nb = run / "data" / "x.parquet"\nc = f"media/{n}"\nd = "negatives.json"\n'
              'e = "no summary.json here, says a message"\n')
    assert [s for _, s in spellings(source)] == ["summary.json", "data", "x.parquet", "media/", "negatives.json"]


# ---- media_path ---------------------------------------------------------------------------------

@pytest.fixture
def run(tmp_path: Path) -> Path:
    run = tmp_path / "run"
    (run / "media").mkdir(parents=True)
    (run / "media" / "a.jpg").write_bytes(b"jpg")
    (tmp_path / "secret.txt").write_text("not the run's")
    return run


def test_media_path_inside_the_run_is_the_resolved_file(run: Path) -> None:
    assert runfolder.media_path(run, "media/a.jpg") == (run / "media" / "a.jpg").resolve()
    assert runfolder.media_path(run, "media/../media/a.jpg") == (run / "media" / "a.jpg").resolve()
    os.symlink(run / "media" / "a.jpg", run / "media" / "link.jpg")
    assert runfolder.media_path(run, "media/link.jpg") == (run / "media" / "a.jpg").resolve()


@pytest.mark.parametrize("rel", ["../secret.txt", "media/../../secret.txt", "", None, "media/missing.jpg", "media"])
def test_media_path_refuses_what_leaves_the_run_or_is_no_file(run: Path, rel: str | None) -> None:
    assert runfolder.media_path(run, rel) is None


def test_media_path_refuses_absolute_paths_even_into_the_run(run: Path) -> None:
    assert runfolder.media_path(run, str(run.parent / "secret.txt")) is None
    assert runfolder.media_path(run, str(run / "media" / "a.jpg")) is None


def test_media_path_refuses_a_symlink_out_of_the_run(run: Path) -> None:
    os.symlink(run.parent / "secret.txt", run / "media" / "out.jpg")
    os.symlink(run.parent, run / "media" / "up")
    assert runfolder.media_path(run, "media/out.jpg") is None
    assert runfolder.media_path(run, "media/up/secret.txt") is None


def test_media_path_may_name_a_file_still_to_come(run: Path) -> None:
    assert runfolder.media_path(run, "charts/new.json", must_exist=False) == (run / "charts" / "new.json").resolve()
    assert runfolder.media_path(run, "../new.json", must_exist=False) is None


# ---- negatives.json -----------------------------------------------------------------------------

def test_negatives_missing_is_none(tmp_path: Path) -> None:
    assert runfolder.read_negatives(tmp_path) is None


def test_negatives_are_read_by_rank_in_either_shape(tmp_path: Path) -> None:
    ranked = [{"rank": 2, "title": "two"}, "not an entry", {"title": "unranked"}, {"rank": 1, "title": "one"}]
    runfolder.write_negatives(tmp_path, ranked)
    assert [n["title"] for n in runfolder.read_negatives(tmp_path)] == ["one", "two", "unranked"]
    (tmp_path / runfolder.NEGATIVES).write_text(json.dumps({"negatives": ranked}))
    assert [n["title"] for n in runfolder.read_negatives(tmp_path)] == ["one", "two", "unranked"]
    (tmp_path / runfolder.NEGATIVES).write_text("[]")
    assert runfolder.read_negatives(tmp_path) == []


@pytest.mark.parametrize("text", ["[{\"rank\": 1,", "\"a string\"", "{\"other\": []}", "\xff\xfe"])
def test_negatives_malformed_names_the_file(tmp_path: Path, text: str) -> None:
    (tmp_path / runfolder.NEGATIVES).write_text(text, encoding="latin-1")
    with pytest.raises(RunFileError, match=r"negatives\.json") as caught:
        runfolder.read_negatives(tmp_path)
    assert isinstance(caught.value, KitError) and isinstance(caught.value, ValueError)
    assert "cxkit run" in str(caught.value)


def test_the_overview_degrades_on_a_malformed_ranking(tmp_path: Path) -> None:
    (tmp_path / runfolder.NEGATIVES).write_text("{not json")
    assert overview_page._read_negatives(tmp_path) is None       # the page shows its worst exhibits instead


def test_summary_exhibits_and_counts_round_trip(tmp_path: Path) -> None:
    assert runfolder.read_summary(tmp_path) == {} and runfolder.read_exhibits(tmp_path) == []
    assert runfolder.read_lenses(tmp_path) is None and runfolder.read_counts(tmp_path) == {}
    runfolder.write_summary(tmp_path, {"name": "Ü", "at": pd.Timestamp("2026-01-02")})
    assert runfolder.read_summary(tmp_path) == {"name": "Ü", "at": "2026-01-02 00:00:00"}
    runfolder.write_counts(tmp_path, "ingest", {"a.csv": {"in": 3, "accepted": 2, "rejected": 1}})
    runfolder.write_counts(tmp_path, "photos", {"photos/": {"in": 1, "accepted": 1, "rejected": 0}})
    assert list(runfolder.read_counts(tmp_path)) == ["a.csv", "photos/"]
    (tmp_path / runfolder.SUMMARY).write_text("[1, 2]")
    with pytest.raises(RunFileError, match=r"summary\.json: is not a JSON object"):
        runfolder.read_summary(tmp_path)


# ---- canonical table columns --------------------------------------------------------------------

def test_a_canonical_table_without_its_columns_is_not_written(tmp_path: Path) -> None:
    frame = pd.DataFrame(columns=[c for c in schema.RESPONSE_COLUMNS if c not in ("nps", "consent")])
    with pytest.raises(TableColumnsError, match=r"table 'responses' lacks the column\(s\) nps, consent") as caught:
        runfolder.write_table(tmp_path, "responses", frame)
    assert caught.value.missing == ["nps", "consent"] and caught.value.exit_code == 1
    assert not runfolder.has_table(tmp_path, "responses")


def test_extra_columns_and_other_tables_pass(tmp_path: Path) -> None:
    comments = pd.DataFrame(columns=schema.COMMENT_COLUMNS + ["reach_weighted_severity"])
    assert runfolder.write_table(tmp_path, "comments", comments) == tmp_path / "data" / "comments.parquet"
    assert list(runfolder.read_table(tmp_path, "comments").columns) == list(comments.columns)
    runfolder.write_table(tmp_path, "journey", pd.DataFrame({"anything": [1]}))
    schema.check("contacts", pa.schema([(c, pa.string()) for c in schema.CONTACT_COLUMNS]))
    with pytest.raises(TableColumnsError, match="'moments' lacks the column"):
        runfolder.write_moment_part(tmp_path, "photos", pd.DataFrame({"moment_id": ["m1"]}))


@pytest.mark.parametrize("table", sorted(schema.CANONICAL))
def test_every_canonical_table_is_checked(table: str) -> None:
    schema.check(table, pd.DataFrame(columns=schema.CANONICAL[table]))
    with pytest.raises(TableColumnsError, match=schema.CANONICAL[table][0]):
        schema.check(table, pd.DataFrame(columns=schema.CANONICAL[table][1:]))


def test_rejects_are_written_through_the_check(tmp_path: Path) -> None:
    log = RejectLog("ingest")
    log.add("a.csv", "row 2", "empty")
    assert log.save(tmp_path) == runfolder.table_path(tmp_path, "rejects")
    assert list(runfolder.read_table(tmp_path, "rejects").columns) == schema.REJECT_COLUMNS
