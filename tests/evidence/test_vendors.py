"""Vendor exports (Qualtrics, SurveyMonkey, Google Forms) in every encoding users bring.

Fixtures in tests/fixtures/surveys/ are written by make_fixtures.py there; the expected values
below are worked out by hand from that file's rows.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from kit.core import project
from kit.core.errors import InputFileError
from kit.core.rejects import RejectLog
from kit.evidence import surveys, vendors

FIXTURES = Path(__file__).parents[1] / "fixtures" / "surveys"
ENCODINGS = ["utf8.csv", "bom.csv", "utf16.txt", "cp1256.csv"]
HEAD = """\
name: T
journey: {stages: [purchase, onboarding, coaching, support, renewal]}
channels: [email, phone, website, app]
privacy: {require_consent: false}
surveys:
"""
MONKEY_YAML = HEAD + """\
  - path: s/{file}
    format: surveymonkey
    columns:
      response_id: Respondent ID
      submitted_at: End Date
      segment: Custom Data 1
      nps: How likely is it that you would recommend NourishPath to a friend or colleague? / Response
      csat: How satisfied were you with today's visit?
      ces: "Please rate: / It was easy to get what I needed"
      stage: Which part of your journey was this about?
      channel: How did you reach us?
      consent: May we quote your answers?
    text:
      liked_most: What did you like most?
      disliked_most: What were you unhappy with? / Open-Ended Response
      other_topic: Which topics came up? / Other (please specify)
"""
GOOGLE_YAML = HEAD + """\
  - path: s/{file}
    format: google_forms
    columns:
      response_id: _row
      submitted_at: Timestamp
      nps: How likely is it that you would recommend NourishPath to a friend or colleague?
      csat: How satisfied were you today? (1-5)
      ces: How easy was it? (1-7)
      stage: Journey stage
      channel: Channel
      segment: Segment
      consent: May we quote your answers?
    text:
      liked_most: What did you like most?
      disliked_most: What were you unhappy with?
"""
QUALTRICS_YAML = HEAD + """\
  - path: s/{file}
    format: qualtrics
    columns: {response_id: _recordId, submitted_at: EndDate, nps: QID1, csat: "How satisfied are you?", stage: Q3}
    text: {liked_most: QID4_TEXT, disliked_most: Q5}
"""


def ingest(tmp_path: Path, yaml: str, fixture: Path) -> tuple[surveys.SurveyResult, RejectLog]:
    (tmp_path / "s").mkdir(exist_ok=True)
    shutil.copy(fixture, tmp_path / "s" / fixture.name)
    (tmp_path / "project.yaml").write_text(yaml.replace("{file}", fixture.name), encoding="utf-8")
    rejects = RejectLog("ingest")
    return surveys.read_surveys(project.load(tmp_path), rejects), rejects


def reasons(rejects: RejectLog) -> dict[str, str]:
    return {r.locator: r.reason for r in rejects.items}


@pytest.mark.parametrize("enc", ENCODINGS)
def test_surveymonkey_every_encoding(tmp_path: Path, enc: str) -> None:
    result, rejects = ingest(tmp_path, MONKEY_YAML, FIXTURES / f"surveymonkey_{enc}")
    r = result.responses.set_index("response_id")
    assert result.counts[f"s/surveymonkey_{enc}"] == {"in": 6, "accepted": 3, "rejected": 3}
    assert list(r.index) == ["114000000001", "114000000002", "114000000004"]
    assert list(r["source_row"]) == [3, 4, 6]                 # two header rows counted
    assert list(r["nps"].astype("Float64")) == [9, 3, pd.NA]  # "۳" is 3; empty is a missing answer
    assert list(r["csat"]) == [5, 2, 3] and list(r["ces"]) == [6, 2, pd.NA]
    assert list(r["stage"]) == ["purchase", "support", "coaching"]
    assert list(r["channel"]) == ["app", "phone", "website"]
    assert str(r.loc["114000000002", "submitted_at"]) == "2026-09-14 22:02:10+00:00"   # 10:02:10 PM
    why = reasons(rejects)
    assert "'11' is not a whole number 0-10" in why["row 5"]
    assert "repeats an earlier response" in why["row 7"]
    assert "(submitted_at): '16/09/2026 11:15' is not a date and time" in why["row 8"]
    text = result.comments.set_index("comment_id")["text"]
    assert text["114000000002:disliked_most"] == "سه بار زنگ زدم و کسی جواب نداد\nآخرش قطع کردم"
    assert text["114000000002:liked_most"] == "خیلی سریع جواب دادند"   # Arabic yeh -> Persian yeh
    assert text["114000000002:other_topic"] == "too many texts"


@pytest.mark.parametrize("enc", ENCODINGS)
def test_google_forms_every_encoding(tmp_path: Path, enc: str) -> None:
    result, rejects = ingest(tmp_path, GOOGLE_YAML, FIXTURES / f"google_forms_{enc}")
    r = result.responses
    name = f"s/google_forms_{enc}"
    assert result.counts[name] == {"in": 5, "accepted": 3, "rejected": 2}
    assert list(r["response_id"]) == [f"{name}#2", f"{name}#3", f"{name}#4"]
    assert [str(t) for t in r["submitted_at"]] == ["2026-09-14 06:52:31+00:00", "2026-09-14 19:35:00+00:00",
                                                   "2026-09-15 04:00:00+00:00"]
    assert list(r["nps"]) == [10, 6, 8] and list(r["csat"]) == [5, 3, 4]
    why = reasons(rejects)
    assert "'ده' is not a whole number 0-10" in why["row 5"]
    assert "(ces): '9' is not a whole number 1-7" in why["row 6"]
    assert "پیام‌های زیاد، روزی ده تا" in set(result.comments["text"])     # ZWNJ kept


def test_qualtrics_multiline_bom_trailing_column_and_import_ids(tmp_path: Path) -> None:
    result, rejects = ingest(tmp_path, QUALTRICS_YAML, FIXTURES / "qualtrics_multiline.csv")
    r = result.responses
    assert result.counts["s/qualtrics_multiline.csv"] == {"in": 3, "accepted": 2, "rejected": 1}
    assert list(r["response_id"]) == ["R_a1", "R_a2"] and list(r["nps"]) == [10, 2]
    assert list(r["source_row"]) == [4, 5]                    # a multi-line answer is one spreadsheet row
    assert "'-1' is not a whole number 0-10" in reasons(rejects)["row 6"]
    text = dict(zip(result.comments["comment_id"], result.comments["text"], strict=True))
    assert text == {"R_a1:liked_most": "fast\nand simple", "R_a2:disliked_most": "nobody answered, call [phone]"}


def test_real_qualtrics_current_layout(shared_data: Path) -> None:
    raw = vendors.read_qualtrics(shared_data / "qualtrics" / "sample.csv", "sample.csv")
    assert raw.header_rows == 3 and len(raw.frame) == 1
    assert raw.aliases["QID1"] == "Q1" and raw.aliases["_recordId"] == "ResponseId"
    assert raw.aliases["This is a free text question."] == "Q2"
    assert raw.frame.loc[0, "Q2"] == "Hello World!" and raw.frame.loc[0, "Q2 - Topics"] == ""


def test_real_qualtrics_legacy_layout_bom_and_trailing_comma(shared_data: Path) -> None:
    raw = vendors.read_qualtrics(shared_data / "qualtrics" / "sample_legacy.csv", "sample_legacy.csv")
    assert raw.header_rows == 2
    assert list(raw.frame.columns)[:2] == ["V1", "V2"]                 # BOM gone from the first name
    assert list(raw.frame.columns)[-1] == "LocationAccuracy"            # trailing empty column dropped
    assert raw.aliases["ResponseID"] == "V1" and raw.frame.loc[0, "V1"] == "R_2YPOQ602ER1jkf1"


def test_real_qualtrics_through_ingest(tmp_path: Path, shared_data: Path) -> None:
    yaml = HEAD + "  - path: s/sample.csv\n    format: qualtrics\n    columns: {response_id: _recordId, " \
        "submitted_at: EndDate, nps: QID1}\n    text: {liked_most: This is a free text question.}\n"
    result, _ = ingest(tmp_path, yaml, shared_data / "qualtrics" / "sample.csv")
    r = result.responses.iloc[0]
    assert (r["response_id"], r["nps"], r["source_row"]) == ("R_2YPOQ602ER1jkf1", 2, 4)
    assert str(r["submitted_at"]) == "2017-07-18 08:28:48+00:00"
    assert list(result.comments["text"]) == ["Hello World!"]


def test_not_a_qualtrics_export_says_so(tmp_path: Path) -> None:
    f = tmp_path / "plain.csv"
    f.write_text("Id,Q1\nr1,9\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="does not look like a Qualtrics export"):
        vendors.read_qualtrics(f, "plain.csv")


def test_missing_vendor_column_lists_columns_and_closest(tmp_path: Path) -> None:
    yaml = MONKEY_YAML.replace("consent: May we quote your answers?", "consent: May we quote you?")
    with pytest.raises(InputFileError) as err:
        ingest(tmp_path, yaml, FIXTURES / "surveymonkey_utf8.csv")
    msg = str(err.value)
    assert "column 'May we quote you?'" in msg and "closest column is 'May we quote your answers?'" in msg
    assert "Columns in the file: Respondent ID, Collector ID" in msg


def test_surveymonkey_names_from_two_header_rows() -> None:
    names, aliases = vendors.monkey_names(["ID", "Q?", "", "M", "", ""], ["", "Response", "", "Yes", "No", "Other"])
    assert names == ["ID", "Q?", "", "M / Yes", "M / No", "M / Other"]
    assert aliases == {"Q? / Response": "Q?"}


def test_google_times_day_first_when_the_column_says_so() -> None:
    at = vendors.google_times(pd.Series(["14/09/2026 10:00:00", "02/09/2026 23:59:59", "۱۴/۰۹/۲۰۲۶ ۰۱:۰۰:۰۰"]))
    assert [str(t) for t in at] == ["2026-09-14 10:00:00+00:00", "2026-09-02 23:59:59+00:00",
                                    "2026-09-14 01:00:00+00:00"]


def test_surveymonkey_xlsx_reads_like_its_csv(tmp_path: Path) -> None:
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    rows = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rows)                                   # type: ignore[union-attr]
    book = tmp_path / "s.xlsx"
    pd.DataFrame(rows.MONKEY).to_excel(book, header=False, index=False)   # both header rows, as SurveyMonkey writes
    csv = vendors.read_surveymonkey(FIXTURES / "surveymonkey_utf8.csv", "s.csv")
    xlsx = vendors.read_surveymonkey(book, "s.xlsx")
    assert list(xlsx.frame.columns) == list(csv.frame.columns) and xlsx.aliases == csv.aliases
    assert xlsx.frame.to_numpy().tolist() == csv.frame.to_numpy().tolist()
