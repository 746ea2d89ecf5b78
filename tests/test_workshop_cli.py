"""``cxkit workshop export`` and ``import``: safe CSV for spreadsheets, paper votes merged by short id."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kit.core import exhibits
from kit.core.errors import InputFileError
from kit.core.paths import REPO_ROOT
from kit.workshop.paper import export_csv, import_csv, neutralise
from kit.workshop.store import Workshop

IDS = ["ex-a", "ex-b", "ex-c"]


def cxkit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kit.cli", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def run(tmp_path: Path) -> Path:
    run = tmp_path / "20260101-000000"
    run.mkdir()
    (run / "manifest.json").write_text("{}")
    (run / "exhibits.json").write_text(json.dumps(
        [{"id": i, "kind": "quote", "title": f"=HYPERLINK(\"http://x\",\"{i}\")", "schema": 1, "source": {"file": "a"}}
         for i in IDS]))
    return run


@pytest.fixture
def short(run: Path) -> dict[str, str]:
    return exhibits.short_ids(IDS)


def test_neutralise_only_formula_starts() -> None:
    assert [neutralise(c) for c in ["=1+1", "+3", "-2", "@SUM(A1)", "\tx", "\rx", "plain", "a=b", 3, -1]] == \
        ["'=1+1", "'+3", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "plain", "a=b", 3, -1]


def test_export_neutralises_every_text_cell(run: Path) -> None:
    shop = Workshop(run, votes_per_person=5)
    a = shop.join("=cmd|' /C calc'!A0", "design").token
    b = shop.join("Bahar", "business").token
    shop.set_dots(a, "ex-a", 2)
    shop.note(a, "ex-a", "@SUM(1+1) slow")
    shop.rate(b, "ex-b", 4)
    shop.note(b, "ex-b", "-ve: \"quoted\", comma\nnew line")
    out = run / "workshop.csv"
    assert export_csv(run, out) == 2
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                               # BOM: spreadsheets read UTF-8
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(keepends=True)))
    assert rows[0] == ["exhibit_id", "short_id", "title", "name", "department", "source", "votes", "severity", "note",
                       "updated_at"]
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    by_ex = {r[0]: r for r in rows[1:]}
    assert by_ex["ex-a"][2:9] == ["'=HYPERLINK(\"http://x\",\"ex-a\")", "'=cmd|' /C calc'!A0", "design", "browser", "2", "",
                                  "'@SUM(1+1) slow"]
    assert by_ex["ex-b"][3:9] == ["Bahar", "business", "browser", "0", "4", "'-ve: \"quoted\", comma\nnew line"]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_import_merges_paper_votes_and_is_idempotent(run: Path, short: dict[str, str], tmp_path: Path) -> None:
    shop = Workshop(run, votes_per_person=3)
    web = shop.join("Web person", "design").token
    shop.vote(web, "ex-a")
    paper = write(tmp_path / "paper.csv",
                  "Short_ID,name,department,votes,severity,note\n"
                  f"{short['ex-a'].lower()},Reza,engineering,2,3,timeouts\n"
                  f"{short['ex-b']},Reza,engineering,1,,\n"
                  f"{short['ex-b']},Sam,Business,,1,cheap fix\n"
                  ",,,,,\n")
    assert import_csv(run, paper) == {"rows": 3, "changed": 3, "new_participants": 2}
    before = shop.rows()
    assert import_csv(run, paper) == {"rows": 3, "changed": 0, "new_participants": 0}
    assert shop.rows() == before
    assert shop.tally("ex-a")["votes"] == 3 and shop.tally("ex-b")["votes"] == 1
    assert {(r["name"], r["exhibit_id"]): (r["votes"], r["severity"], r["note"], r["source"]) for r in before} == {
        ("Web person", "ex-a"): (1, None, "", "browser"),
        ("Reza", "ex-a"): (2, 3, "timeouts", "paper"),
        ("Reza", "ex-b"): (1, None, "", "paper"),
        ("Sam", "ex-b"): (0, 1, "cheap fix", "paper")}
    fixed = write(tmp_path / "fixed.csv", f"short_id,name,department,votes\n{short['ex-a']},Reza,engineering,0\n")
    import_csv(run, fixed)                                                     # a corrected card withdraws
    assert shop.tally("ex-a")["votes"] == 1


def test_import_without_votes_column_counts_one_dot_per_row(run: Path, short: dict[str, str], tmp_path: Path) -> None:
    paper = write(tmp_path / "p.csv", f"short_id,name,department\n{short['ex-a']},Ana,design\n{short['ex-c']},Ana,design\n")
    import_csv(run, paper)
    assert [Workshop(run).tally(i)["votes"] for i in IDS] == [1, 0, 1]


def test_import_lists_every_bad_row_and_imports_nothing(run: Path, short: dict[str, str], tmp_path: Path) -> None:
    Workshop(run, votes_per_person=3)
    bad = write(tmp_path / "bad.csv",
                "short_id,name,department,votes,severity\n"
                f"{short['ex-a']},Ana,design,1,2\n"          # row 2: fine
                "ZZZZ,Ana,design,1,\n"                       # row 3: unknown card
                f"{short['ex-b']},Ben,sales,1,\n"            # row 4: unknown department
                f"{short['ex-b']},Cy,design,two,9\n"         # row 5: votes and severity not numbers in range
                f"{short['ex-a']},ana,design,1,\n"           # row 6: repeats row 2
                f"{short['ex-c']},Dee,design,2,\n"           # rows 7, 8: 2 + 2 > 3 dots
                f"{short['ex-b']},Dee,design,2,\n")
    with pytest.raises(InputFileError) as caught:
        import_csv(run, bad)
    msg = str(caught.value)
    assert "row 3, column 'short_id': 'ZZZZ' is not a card of this run" in msg
    assert "row 4, column 'department': 'sales'" in msg
    assert "row 5, column 'votes': 'two'" in msg and "row 5, column 'severity': '9'" in msg
    assert "row 6: repeats row 2" in msg
    assert "rows 7, 8: Dee (design) has 4 dots; each participant has 3" in msg
    assert "nothing was imported" in msg
    assert Workshop(run).rows() == []


def test_import_refuses_a_file_without_the_columns(run: Path, tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="header lacks name, department"):
        import_csv(run, write(tmp_path / "x.csv", "short_id,votes\nAAAA,1\n"))


def test_commands_round_trip(run: Path, short: dict[str, str], tmp_path: Path) -> None:
    done = cxkit("workshop", "export", str(run))
    assert done.returncode == 2 and "No workshop" in done.stderr
    paper = write(tmp_path / "paper.csv", f"short_id,name,department,votes,note\n{short['ex-b']},Ana,design,2,=1+2\n")
    done = cxkit("workshop", "import", str(run), str(paper))
    assert done.returncode == 0, done.stderr
    assert "read 1 rows" in done.stdout and "1 new paper participant" in done.stdout
    bad = write(tmp_path / "bad.csv", "short_id,name,department\nQQQQ,Ana,design\n")
    done = cxkit("workshop", "import", str(run), str(bad))
    assert done.returncode == 2 and "row 2, column 'short_id': 'QQQQ'" in done.stderr and "Traceback" not in done.stderr
    out = tmp_path / "export.csv"
    done = cxkit("workshop", "export", str(run), "--out", str(out))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["short_id"], r["name"], r["votes"], r["note"], r["source"]) for r in rows] == \
        [(short["ex-b"], "Ana", "2", "'=1+2", "paper")]
    for sub in ("export", "import"):
        assert cxkit("workshop", sub, "--help").returncode == 0
