"""Broken tables: every malformed row is a reject naming its row and why, the rest of the file is read.

Rows in = accepted + rejected holds for each file; nothing here may end in a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kit.core import project
from kit.core.errors import InputFileError
from kit.core.rejects import RejectLog
from kit.evidence import contacts, files, limits, social, surveys
from kit.evidence.files import read_notes_table, read_table, stream_table
from kit.evidence.photos import read_sidecar
from kit.workshop.paper import PaperFileError, read_paper_csv


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    return path


def faults(table: files.Table) -> dict[int, str]:
    return {f.row: f.reason for f in table.faults}


def located(rejects: RejectLog, name: str) -> dict[str, str]:
    return {r.locator: r.reason for r in rejects.items if r.source_file == name}


# ---- the reader -------------------------------------------------------------------------------

def test_rows_with_too_many_or_too_few_cells_are_faults_and_the_rest_is_read(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", 'a,b,c\n1,2,3\n"x\ny",2,3\n4,5\n\n6,7,8,9\n10,11,12\n')
    table = read_table(path, "t.csv")
    assert list(table.frame.index) == [2, 3, 5, 7]               # row 3 runs over two lines and is one row
    assert table.frame.loc[3, "a"] == "x\ny" and (table.frame.loc[5] == "").all()   # a blank line keeps its place
    assert faults(table) == {4: "the row has 2 cell(s) where the header has 3",
                             6: "the row has 4 cells where the header has 3: a value holds the separator without "
                                "quotes, or something was typed past the last column"}
    assert table.rows_in == 6


def test_a_quote_never_closed_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", 'a,b,c\n1,2,3\n4,"5,6\n7,8,9\n10,11,12\n')
    table = read_table(path, "t.csv")
    assert list(table.frame.index) == [2]
    assert faults(table)[3].startswith("a quote in this row is not closed, so the next 2 line(s) were read into it")


def test_control_characters_are_faults_tabs_and_new_lines_are_text(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", 'id,text\r\n1,"tab\there, two\r\nlines"\r\n2,nul\x00here\r\n3,esc\x1b[31m\r\n'
                                     "4,c1\x85\r\n5,fine\r\n")
    table = read_table(path, "t.csv")
    assert list(table.frame.index) == [2, 6]
    assert table.frame.loc[2, "text"] == "tab\there, two\r\nlines"
    assert faults(table) == {
        3: "column 'text' holds a NUL byte (U+0000); save the file again as plain text (CSV UTF-8)",
        4: "column 'text' holds the control character U+001B; save the file again as plain text (CSV UTF-8)",
        5: "column 'text' holds the control character U+0085; save the file again as plain text (CSV UTF-8)"}


def test_cells_and_rows_over_their_limits_are_faults(tmp_path: Path) -> None:
    wide = ",".join(["y" * 99_000] * 11)
    path = write(tmp_path / "t.csv", "a," + ",".join(f"c{i}" for i in range(10)) + "\n"
                 + "1," + "x" * 100_001 + ",1" * 9 + "\n" + wide + "\n" + "ok" + ",1" * 10 + "\n")
    table = read_table(path, "t.csv")
    assert list(table.frame.index) == [4]
    assert faults(table)[2] == "column 'c0' holds 100,001 characters; a cell may hold at most 100,000"
    assert faults(table)[3] == "the row is 1,089,010 bytes long; a row may be at most 1 MiB"


def test_rows_are_numbered_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "READ_BLOCK_BYTES", 1024)          # many small chunks
    lines, bad = ["id,at,text"], set()
    for row in range(2, 2002):
        if row % 97 == 0:
            lines.append(f"{row},x"), bad.add(row)
        elif row % 89 == 0:
            lines.append(f'{row},x,"two\nlines"')
        elif row % 83 == 0:
            lines.append(f"{row},x,nul\x00"), bad.add(row)
        else:
            lines.append(f"{row},x,text")
    path = write(tmp_path / "t.csv", "\n".join(lines) + "\n")
    chunks = list(stream_table(path, "t.csv"))
    assert len(chunks) > 10
    taken = [int(r) for c in chunks for r in c.frame.index]
    assert taken == [int(i) for c in chunks for i in c.frame["id"]]     # each row carries its own number
    assert sorted(f.row for c in chunks for f in c.faults) == sorted(bad)
    assert sorted(taken + sorted(bad)) == list(range(2, 2002))
    whole = read_table(path, "t.csv")                               # the whole-file path numbers the same
    assert list(whole.frame.index) == taken and sorted(faults(whole)) == sorted(bad)


def test_header_only_and_empty_files(tmp_path: Path) -> None:
    table = read_table(write(tmp_path / "h.csv", "a,b\n"), "h.csv")
    assert table.rows_in == 0 and list(table.frame.columns) == ["a", "b"]
    assert [c.rows_in for c in stream_table(tmp_path / "h.csv", "h.csv")] == [0]
    with pytest.raises(InputFileError, match=r"e\.csv: is empty: not even a header row"):
        read_table(write(tmp_path / "e.csv", ""), "e.csv")


def test_a_file_over_its_limit_is_refused_naming_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_TABLE_BYTES", 1024)
    path = write(tmp_path / "big.csv", "a\n" + "x\n" * 600)
    with pytest.raises(InputFileError) as caught:
        read_table(path, "surveys/big.csv")
    assert str(caught.value).startswith("surveys/big.csv: is 1.2 KiB, more than the 1 KiB the kit reads for this input")


def test_parquet_cells_are_checked_too(tmp_path: Path) -> None:
    pd.DataFrame({"id": ["1", "2"], "text": ["fine", "bell\x07"]}).to_parquet(tmp_path / "t.parquet")
    table = read_table(tmp_path / "t.parquet", "t.parquet")
    assert list(table.frame.index) == [2] and faults(table)[3].startswith("column 'text' holds the control character U+0007")


# ---- contacts and social posts ------------------------------------------------------------------

YAML = """\
name: T
journey: {stages: [purchase, support]}
channels: [email, app, phone]
contacts: contacts.csv
social: social.csv
surveys:
  - path: s.csv
    columns: {response_id: Id, submitted_at: When, nps: Q1}
    text: {liked_most: Q4}
"""
CONTACTS = """customer_id,at,channel,direction,kind,cost,outcome
A,2026-07-01T08:00:00Z,email,outbound,meal_plan,0.01,delivered
A,2026-07-02T08:00:00Z,email,outbound,guide,0.01,opened,extra,cells
B,9999-12-31T00:00:00Z,app,outbound,reminder,0.001,ignored
B,1900-01-01,app,outbound,reminder,0.001,ignored
C,2026-07-05T12:00:00Z,phone,inbound
C,2026-07-05T12:00:00Z,phone,inbound,support_request,1,res\x00olved
C,2026-07-06T12:00:00Z,phone,inbound,support_request,1,resolved
"""
SOCIAL = """at,platform,author,text,likes,shares
2026-07-01T01:00:00Z,x,@a,Too many messages,3,0
2026-07-02T01:00:00Z,x,@b,Hello, world,1,0
3000-01-01,x,@c,from the future,0,0
2026-07-03T01:00:00Z,x,@d,fine,0,0
"""
SURVEY = """Id,When,Q1,Q4
r1,2026-07-01T10:00:00Z,9,good
r2,2026-07-02,8,a NUL\x00 in an answer
r3,2026-07-03,7
r4,9999-12-31,6,far future
r5,2026-07-05,5,extra,x
r6,2026-07-06,10,fine
"""


@pytest.fixture
def proj(tmp_path: Path) -> project.Project:
    write(tmp_path / "project.yaml", YAML)
    write(tmp_path / "contacts.csv", CONTACTS)
    write(tmp_path / "social.csv", SOCIAL)
    write(tmp_path / "s.csv", SURVEY)
    return project.load(tmp_path)


def test_contacts_bad_rows_are_rejects_and_the_rest_is_stored(proj: project.Project, tmp_path: Path) -> None:
    rejects = RejectLog("ingest")
    counts = contacts.read_contacts(proj, tmp_path / "out" / "contacts.parquet", rejects)
    assert counts.as_dict() == {"in": 7, "accepted": 2, "rejected": 5}
    why = located(rejects, "contacts.csv")
    assert why["row 3"].startswith("the row has 9 cells where the header has 7")
    assert why["row 4"].startswith("column 'at': '9999-12-31T00:00:00Z' is outside 1990-01-01 to ")
    assert why["row 5"].startswith("column 'at': '1900-01-01' is outside 1990-01-01 to ")
    assert why["row 6"] == "the row has 4 cell(s) where the header has 7"
    assert why["row 7"].startswith("column 'outcome' holds a NUL byte")
    assert [r.locator for r in rejects.items] == ["row 3", "row 4", "row 5", "row 6", "row 7"]   # in row order
    stored = pd.read_parquet(tmp_path / "out" / "contacts.parquet")
    assert stored["source_row"].tolist() == [2, 8] and stored["customer_id"].tolist() == ["A", "C"]


def test_contacts_over_their_limit_are_refused(proj: project.Project, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CONTACTS_BYTES", 100)
    with pytest.raises(InputFileError, match=r"^contacts\.csv: is .* more than the 100 bytes the kit reads"):
        contacts.read_contacts(proj, tmp_path / "out" / "contacts.parquet", RejectLog("ingest"))


def test_social_bad_rows_are_rejects(proj: project.Project) -> None:
    rejects = RejectLog("ingest")
    posts, counts = social.read_social(proj, rejects)
    assert counts.as_dict() == {"in": 4, "accepted": 2, "rejected": 2}
    why = located(rejects, "social.csv")
    assert why["row 3"].startswith("the row has 7 cells where the header has 6")
    assert why["row 4"].startswith("column 'at': '3000-01-01' is outside")
    assert posts["comment_id"].tolist() == ["social:2", "social:5"]


# ---- surveys, every layout ----------------------------------------------------------------------

def test_generic_survey_bad_rows_are_rejects(proj: project.Project) -> None:
    rejects = RejectLog("ingest")
    result = surveys.read_surveys(proj, rejects)
    assert result.counts["s.csv"] == {"in": 6, "accepted": 2, "rejected": 4}
    why = located(rejects, "s.csv")
    assert why["row 3"].startswith("column 'Q4' holds a NUL byte")
    assert why["row 4"] == "the row has 3 cell(s) where the header has 4"
    assert why["row 5"].startswith("column 'When' (submitted_at): '9999-12-31' is outside 1990-01-01 to ")
    assert why["row 6"].startswith("the row has 5 cells where the header has 4")
    assert result.responses["source_row"].tolist() == [2, 7]


def vendor_project(tmp_path: Path, fmt: str, columns: str, text: str) -> project.Project:
    write(tmp_path / "project.yaml", f"name: T\njourney: {{stages: [a]}}\nchannels: [email]\nprivacy: "
          f"{{require_consent: false}}\nsurveys:\n  - {{path: v.csv, format: {fmt}, columns: {columns}}}\n")
    write(tmp_path / "v.csv", text)
    return project.load(tmp_path)


QUALTRICS = ('ResponseId,Q1\nResponse ID,How likely?\n{"ImportId":"_recordId"},{"ImportId":"QID1"}\n'
             "R_1,9\nR_2,8,extra\nR_3,7\x00\nR_4,6\n")


def test_qualtrics_bad_rows_keep_their_row_numbers(tmp_path: Path) -> None:
    p = vendor_project(tmp_path, "qualtrics", "{response_id: ResponseId, nps: QID1}", QUALTRICS)
    rejects = RejectLog("ingest")
    result = surveys.read_surveys(p, rejects)
    assert result.counts["v.csv"] == {"in": 4, "accepted": 2, "rejected": 2}
    assert list(located(rejects, "v.csv")) == ["row 5", "row 6"]
    assert result.responses["source_row"].tolist() == [4, 7]


def test_a_broken_header_row_stops_the_file(tmp_path: Path) -> None:
    text = QUALTRICS.replace("How likely?", "How likely?,extra")
    p = vendor_project(tmp_path, "qualtrics", "{response_id: ResponseId, nps: QID1}", text)
    with pytest.raises(InputFileError, match=r"v\.csv, row 2: its header row cannot be read: the row has 3 cells"):
        surveys.read_surveys(p, RejectLog("ingest"))


def test_surveymonkey_and_google_forms_bad_rows(tmp_path: Path) -> None:
    monkey = vendor_project(tmp_path / "m", "surveymonkey", "{response_id: Respondent ID, nps: Score}",
                            "Respondent ID,Score\n,Response\n1,9\n2\n3,8\n")
    rejects = RejectLog("ingest")
    result = surveys.read_surveys(monkey, rejects)
    assert result.counts["v.csv"] == {"in": 3, "accepted": 2, "rejected": 1} and list(located(rejects, "v.csv")) == ["row 4"]
    forms = vendor_project(tmp_path / "g", "google_forms", "{response_id: _row, submitted_at: Timestamp, nps: Score}",
                           "Timestamp,Score\n2026/09/14 10:22:31 AM GMT+3:30,9\nbad,row,extra\n9999/09/15 10:00:00,8\n"
                           "2026/09/15 10:00:00 AM GMT+3:30,8\n")
    rejects = RejectLog("ingest")
    result = surveys.read_surveys(forms, rejects)
    assert result.counts["v.csv"] == {"in": 4, "accepted": 2, "rejected": 2}
    assert result.responses["response_id"].tolist() == ["v.csv#2", "v.csv#5"]
    assert located(rejects, "v.csv")["row 4"].startswith("column 'Timestamp' (submitted_at): '9999/09/15 10:00:00' is "
                                                         "outside")


def test_header_only_survey_counts_nothing(tmp_path: Path) -> None:
    p = vendor_project(tmp_path, "generic", "{response_id: Id}", "Id,Q1\n")
    result = surveys.read_surveys(p, RejectLog("ingest"))
    assert result.counts["v.csv"] == {"in": 0, "accepted": 0, "rejected": 0}


# ---- side tables: photos.csv, recording markers, paper votes ----------------------------------------

def test_a_broken_sidecar_row_is_a_reject_and_still_refuses_its_photo(tmp_path: Path) -> None:
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        (tmp_path / "photos").mkdir(exist_ok=True)
        (tmp_path / "photos" / name).write_bytes(b"not decoded here")
    write(tmp_path / "photos" / "photos.csv", "file,caption,stage,channel,valence,participant,consent\n"
          "a.jpg,cap\x00tion,a,email,-0.5,P1,no\n"
          "b.jpg,Hello, world,a,email,-0.5,P1,no\n"
          "c.jpg,fine,a,email,-0.5,P1,yes\n")
    rejects = RejectLog("photos")
    sidecar = read_sidecar(tmp_path, "photos", rejects, ["a"], ["email"])
    assert sidecar.counts == {"in": 3, "accepted": 1, "rejected": 2}
    assert list(located(rejects, "photos/photos.csv")) == ["row 2", "row 3"]
    assert {p.name: row for p, row in sidecar.refused.items()} == {"a.jpg": 2, "b.jpg": 3}


def test_markers_forgive_hand_typing_but_not_a_broken_row(tmp_path: Path) -> None:
    path = write(tmp_path / "m.csv", "start,end,stage,channel,valence,note\n1,2,a,app,-0.5,slow, then fast\n\n"
                 "3,4,a,app,-0.2\n")
    frame = read_notes_table(path, "m.csv")
    assert frame.values.tolist() == [["1", "2", "a", "app", "-0.5", "slow, then fast"], ["3", "4", "a", "app", "-0.2", ""]]
    write(path, "start,end,stage,channel,valence,note\n1,2,a,app,-0.5,ok\n3,4,a,app,-0.2,bad\x00note\n")
    with pytest.raises(InputFileError, match=r"m\.csv: row 3: column 'note' holds a NUL byte"):
        read_notes_table(path, "m.csv")


def test_paper_votes_list_malformed_rows(tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", "short_id,name,department,votes\nAAAA,Ana,design,1\nAAAA,Ben,design,1,extra\n"
                 "AAAA,Cy\nAAAA,D\x00e,design,1\nAAAA,\"Eve\"x,design,1\nAAAA,Fay,design,1\n")
    with pytest.raises(PaperFileError) as caught:
        read_paper_csv(path, {"AAAA": "ex-a"}, 5)
    assert caught.value.problems == [
        "row 3: the row has 5 cells where the header has 4; quote a cell that holds a comma",
        "row 4: the row has 2 cell(s) where the header has 4",
        "row 5, column 'name': holds the control character U+0000; save the file again from the spreadsheet",
        "row 6: its quoting is broken (',' expected after '\"'); write a cell holding a quote or a comma inside double quotes"]
    assert caught.value.rows == 6
