"""Generic survey ingest: nothing lost, nothing silently changed, every reject located."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.core import project
from kit.core.errors import InputFileError
from kit.core.rejects import RejectLog
from kit.evidence import surveys

YAML = """\
name: T
journey: {stages: [purchase, support]}
channels: [email, app]
surveys:
  - path: surveys/s.csv
    columns: {response_id: Id, customer_id: Cust, submitted_at: When, nps: Q1, csat: Q2,
              stage: Stage, channel: Channel, consent: Consent}
    text: {disliked_most: Q5}
"""
CSV = """Id,Cust,When,Q1,Q2,Stage,Channel,Consent,Q5
r1,c1,2026-07-01T10:00:00Z,9,5,purchase,App,yes,"reach me at a@b.com, ok?"
r2,c2,2026-07-02,ten,3,support,email,no,bad
r3,c3,,۷,,Support,email,yes,خيلي بد بود
r1,c1,2026-07-01,3,2,purchase,app,yes,dup
r5,c5,2026-07-03,11,9,nowhere,fax,maybe,x
r6,c6,2026-07-04,,,purchase,email,no,"secret words"
"""


@pytest.fixture
def sample(tmp_path: Path) -> tuple[project.Project, RejectLog, surveys.SurveyResult]:
    (tmp_path / "surveys").mkdir()
    (tmp_path / "project.yaml").write_text(YAML, encoding="utf-8")
    (tmp_path / "surveys" / "s.csv").write_text(CSV, encoding="utf-8")
    p = project.load(tmp_path)
    rejects = RejectLog("ingest")
    return p, rejects, surveys.read_surveys(p, rejects)


def test_rows_in_equal_accepted_plus_rejected(sample) -> None:
    _, rejects, result = sample
    c = result.counts["surveys/s.csv"]
    assert c == {"in": 6, "accepted": 3, "rejected": 3}
    assert len(rejects) == 3


def test_rejects_name_row_column_and_value(sample) -> None:
    _, rejects, _ = sample
    by_row = {r.locator: r.reason for r in rejects.items}
    assert "column 'Q1' (nps): 'ten' is not a whole number 0-10" in by_row["row 3"]
    assert "repeats an earlier response; the first copy is kept" in by_row["row 5"]
    for part in ("'11'", "(csat): '9'", "(stage): 'nowhere'", "(channel): 'fax'", "(consent): 'maybe'"):
        assert part in by_row["row 6"]


def test_accepted_values_are_typed_and_normalised(sample) -> None:
    _, _, result = sample
    r = result.responses.set_index("response_id")
    assert list(r.index) == ["r1", "r3", "r6"]
    assert r.loc["r3", "nps"] == 7                       # Persian digit read as a number
    assert r.loc["r3", "stage"] == "support"             # case folded to the configured name
    assert r.loc["r1", "channel"] == "app"
    assert str(r.loc["r1", "submitted_at"]) == "2026-07-01 10:00:00+00:00"
    assert r.loc["r6", "nps"] is __import__("pandas").NA  # empty rating = missing answer, not a reject
    assert r.loc["r1", "source_row"] == 2


def test_comments_redacted_normalised_and_consent_respected(sample) -> None:
    _, _, result = sample
    text = dict(zip(result.comments["response_id"], result.comments["text"], strict=True))
    assert text["r1"] == "reach me at [email], ok?"
    assert text["r3"] == "خیلی بد بود"                   # Arabic yeh -> Persian yeh
    assert "r6" not in text                             # no consent: the words never reach a page
    assert dict(zip(result.comments["response_id"], result.comments["lang"], strict=True)) == {"r1": "en", "r3": "fa"}


def test_mapping_to_a_missing_column_lists_columns_and_closest(tmp_path: Path) -> None:
    (tmp_path / "surveys").mkdir()
    (tmp_path / "project.yaml").write_text(YAML.replace("nps: Q1", "nps: Q01"), encoding="utf-8")
    (tmp_path / "surveys" / "s.csv").write_text(CSV, encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        surveys.read_surveys(project.load(tmp_path), RejectLog("ingest"))
    msg = str(err.value)
    assert "column 'Q01'" in msg and "closest column is 'Q1'" in msg and "Columns in the file: Id, Cust" in msg


def test_windows_1256_and_utf16_files_read_the_same(tmp_path: Path) -> None:
    (tmp_path / "surveys").mkdir()
    (tmp_path / "project.yaml").write_text(YAML, encoding="utf-8")
    for enc in ("cp1256", "utf-16"):
        # cp1256 (Excel on a Persian Windows) has no Persian digits: the file holds ASCII ones.
        data = CSV.replace(",", "\t") if enc == "utf-16" else CSV.replace("۷", "7")
        name = "s.csv"
        (tmp_path / "surveys" / name).write_bytes(data.encode(enc))
        result = surveys.read_surveys(project.load(tmp_path), RejectLog("ingest"))
        assert "خیلی بد بود" in set(result.comments["text"]), enc


def _run(tmp_path: Path, files: dict[str, str], yaml: str = YAML) -> tuple[surveys.SurveyResult, RejectLog]:
    (tmp_path / "surveys").mkdir(exist_ok=True)
    (tmp_path / "project.yaml").write_text(yaml, encoding="utf-8")
    for name, text in files.items():
        (tmp_path / "surveys" / name).write_text(text, encoding="utf-8")
    rejects = RejectLog("ingest")
    return surveys.read_surveys(project.load(tmp_path), rejects), rejects


HEADER = "Id,Cust,When,Q1,Q2,Stage,Channel,Consent,Q5\n"


def test_every_rating_checked_for_range_and_whole_numbers(tmp_path: Path) -> None:
    yaml = YAML.replace("csat: Q2,", "csat: Q2, ces: Q3,")
    csv = ("Id,Cust,When,Q1,Q2,Q3,Stage,Channel,Consent,Q5\n"
           "a,,,10,5,7,,,,\n"        # row 2: the top of every scale
           "b,,,0,1,1,,,,\n"         # row 3: the bottom
           "c,,,7.5,,,,,,\n"         # row 4: not a whole number
           "d,,,,6,,,,,\n"           # row 5: CSAT above 5
           "e,,,,,0,,,,\n"           # row 6: CES below 1
           "f,,,٩,,,,,,\n")          # row 7: an Arabic-Indic nine
    result, rejects = _run(tmp_path, {"s.csv": csv}, yaml)
    why = {r.locator: r.reason for r in rejects.items}
    assert list(result.responses["response_id"]) == ["a", "b", "f"]
    assert list(result.responses["nps"]) == [10, 0, 9]
    assert "(nps): '7.5' is not a whole number 0-10" in why["row 4"]
    assert "(csat): '6' is not a whole number 1-5" in why["row 5"]
    assert "(ces): '0' is not a whole number 1-7" in why["row 6"]
    assert result.counts["surveys/s.csv"] == {"in": 6, "accepted": 3, "rejected": 3}


def test_blank_lines_keep_spreadsheet_row_numbers_and_are_counted(tmp_path: Path) -> None:
    csv = HEADER + "r1,c1,,9,,,,,\n\nr3,c3,,x,,,,,\n\"r4\",c4,,8,,,,,\"two\nlines\"\nr5,c5,,11,,,,,\n"
    result, rejects = _run(tmp_path, {"s.csv": csv})
    why = {r.locator: r.reason for r in rejects.items}
    assert why["row 3"] == "the row is empty"
    assert "'x'" in why["row 4"] and "'11'" in why["row 6"]          # after the multi-line answer of row 5
    assert dict(zip(result.responses["response_id"], result.responses["source_row"], strict=True)) == {"r1": 2, "r4": 5}
    assert result.counts["surveys/s.csv"] == {"in": 5, "accepted": 2, "rejected": 3}


def test_a_response_id_repeated_in_a_later_file_is_rejected_there(tmp_path: Path) -> None:
    yaml = YAML + """\
  - path: surveys/t.csv
    columns: {response_id: Id, nps: Q1}
"""
    result, rejects = _run(tmp_path, {"s.csv": HEADER + "r1,c1,,9,,,,,\n", "t.csv": "Id,Q1\nr2,5\nr1,3\n"}, yaml)
    assert list(result.responses["response_id"]) == ["r1", "r2"]
    assert list(result.responses["nps"]) == [9, 5]                   # the first file's copy is kept
    [r] = rejects.items
    assert (r.source_file, r.locator) == ("surveys/t.csv", "row 3") and "repeats an earlier response" in r.reason
    assert result.counts["surveys/t.csv"] == {"in": 2, "accepted": 1, "rejected": 1}


def test_empty_response_id_is_rejected_with_its_column(tmp_path: Path) -> None:
    result, rejects = _run(tmp_path, {"s.csv": HEADER + ",c1,,9,,,,,\n"})
    assert result.responses.empty
    assert rejects.items[0].reason == "column 'Id' (response_id) is empty"


def test_validate_stops_on_a_missing_vendor_column(tmp_path: Path) -> None:
    from kit.validate import validate_project
    fixture = Path(__file__).parents[1] / "fixtures" / "surveys" / "google_forms_utf8.csv"
    (tmp_path / "surveys").mkdir()
    (tmp_path / "surveys" / "g.csv").write_bytes(fixture.read_bytes())
    (tmp_path / "project.yaml").write_text(
        "name: T\njourney: {stages: [support]}\nchannels: [app]\nsurveys:\n  - path: surveys/g.csv\n"
        "    format: google_forms\n    columns: {response_id: _row, nps: Segmnt}\n", encoding="utf-8")
    report = validate_project(tmp_path)
    [problem] = report.problems
    assert "column 'Segmnt'" in problem and "closest column is 'Segment'" in problem and "Timestamp" in problem
