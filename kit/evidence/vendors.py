"""Readers for survey tools' own export layouts: Qualtrics, SurveyMonkey, Google Forms.

Each reader returns a ``RawSurvey``: the data rows as text under one name per column, the number
of header rows (so row numbers stay the ones a spreadsheet shows), other names a project.yaml
mapping may use for a column, and the vendor's date-time parser.

How a mapping names a column (``columns:`` and ``text:`` in project.yaml):

- **qualtrics** (current layout, 3 header rows): the column name of row 1 (``Q1``, ``ResponseId``),
  or its ImportId from row 3 (``QID1``, ``QID2_TEXT``, ``_recordId``), or its question text from
  row 2 when no other column has the same text. Legacy layout (2 header rows, ``V1``...): the
  name of row 1 (``V1``, ``Q1``) or of row 2 (``ResponseID``, the question text).
- **surveymonkey** (2 header rows): ``question text`` for a question with one answer column (its
  sub-label is "Response" or "Open-Ended Response"), ``question text / sub-label`` for each column
  of a multi-column question (an option, a matrix row, "Other (please specify)"). Columns before
  the questions ("Respondent ID", "End Date", ...) by their own name.
- **google_forms** (1 header row): the column name, i.e. the question text ("Timestamp" for the
  submission time). Forms keep no response id, so the reader adds a column ``_row`` holding
  ``<file>#<row>`` (e.g. ``surveys/gf.csv#2``): map ``response_id: _row`` unless the form asks
  for an id of its own.

A name used by two columns gets " [2]", " [3]"... on its later copies. An empty trailing column
(a comma at the end of every line) is dropped. Times without a zone are taken as UTC.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from kit.core.errors import InputFileError
from kit.core.text import ascii_digits, parse_times
from kit.evidence.files import Fault, RawSurvey, Table, read_table

ROW_ID = "_row"   # Google Forms keeps no response id: "<file>#<row>" stands in for one
MONKEY_SINGLE = {"", "response", "open-ended response"}
US_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y")
# Google Forms: "2026/09/14 10:22:31 AM GMT+3:30", "14/09/2026 10:22:31", Persian "ق.ظ."/"ب.ظ." for AM/PM.
_GF_TIME = re.compile(
    r"^\s*(?P<a>\d{1,4})[/.-](?P<b>\d{1,2})[/.-](?P<c>\d{1,4})[ T,]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
    r"\s*(?P<ampm>AM|PM|am|pm|a\.m\.|p\.m\.|ق\.?ظ\.?|ب\.?ظ\.?)?"
    r"\s*(?:(?:GMT|UTC)\s*(?P<sign>[+-])(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?|(?:GMT|UTC|Z))?\s*$")


def unique_names(names: list[str]) -> list[str]:
    """Column names made unique: a later copy of a name gets " [2]", " [3]"..."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} [{seen[name]}]")
    return out


def _cells(path: Path, name: str) -> Table:
    """Every row of the file as data (header rows too); the index is the row a spreadsheet shows."""
    return read_table(path, name, header=False)


def _data_faults(cells: Table, name: str, header_rows: int) -> list[Fault]:
    """The rows the reader could not take, all of them data rows: one among the header rows stops the file."""
    for fault in cells.faults:
        if fault.row <= header_rows:
            raise InputFileError(name, f"its header row cannot be read: {fault.reason}", row=fault.row,
                                 fix="export the file again from the survey tool")
    return cells.faults


def _body(cells: pd.DataFrame, header_rows: int, names: list[str]) -> tuple[pd.DataFrame, list[int]]:
    """Data rows under their names, and the positions of the columns kept.

    Columns with no name and no value anywhere (a comma at the end of every line) are dropped. The
    index becomes the 0-based position of the data row (rows the reader could not take leave gaps).
    """
    body = cells.iloc[header_rows:].copy()
    body.columns = unique_names([n if n else f"column {i + 1}" for i, n in enumerate(names)])
    keep = [i for i, (col, n) in enumerate(zip(body.columns, names, strict=True)) if n or (body[col] != "").any()]
    body = body.iloc[:, keep]
    body.index = pd.Index(body.index.to_numpy() - header_rows - 1, dtype="int64")
    return body, keep


def _header(cells: pd.DataFrame, row: int) -> list[str]:
    return [str(v).strip() for v in cells.iloc[row]] if len(cells) > row else [""] * cells.shape[1]


def _import_id(cell: str) -> str:
    try:
        value = json.loads(cell)
    except ValueError:
        return ""
    return str(value.get("ImportId", "")) if isinstance(value, dict) else ""


def qualtrics_layout(cells: pd.DataFrame) -> int:
    """Header rows of a Qualtrics export: 3 (ImportId row), 2 (legacy V1, V2...), else 0."""
    if len(cells) >= 3 and cells.iloc[2].astype(str).str.startswith('{"ImportId"').any():
        return 3
    if len(cells) >= 2 and list(cells.iloc[0, :2]) == ["V1", "V2"]:
        return 2
    return 0


def _unique_aliases(names: list[str], columns: list[str], taken: set[str]) -> dict[str, str]:
    """Alias -> column for names that point at exactly one column and are not a column's own name."""
    counts = pd.Series(names).value_counts()
    return {a: c for a, c in zip(names, columns, strict=True) if a and counts[a] == 1 and a not in taken}


def read_qualtrics(path: Path, name: str) -> RawSurvey:
    """A Qualtrics CSV/TSV export, current (3 header rows) or legacy (2 header rows) layout."""
    table = _cells(path, name)
    cells = table.frame
    rows = qualtrics_layout(cells)
    faults = _data_faults(table, name, rows or 3)
    if not rows:
        raise InputFileError(name, "does not look like a Qualtrics export: row 3 holds no ImportId "
                             "({\"ImportId\": ...}) cells and row 1 does not start with V1, V2",
                             fix="export it again from Qualtrics as CSV, or use format: generic for a plain table")
    names = _header(cells, 0)
    body, kept = _body(cells, rows, names)
    cols = list(body.columns)
    second = [_header(cells, 1)[i] for i in kept]
    aliases = _unique_aliases(second, cols, set(cols))
    if rows == 3:
        ids = [_import_id(str(cells.iloc[2, i])) for i in kept]
        aliases.update(_unique_aliases(ids, cols, set(cols)))
    return RawSurvey(body, rows, aliases, parse_times, faults)


def monkey_names(top: list[str], sub: list[str]) -> tuple[list[str], dict[str, str]]:
    """SurveyMonkey's two header rows as one name per column, and "question / Response" aliases.

    The question text stands over the first column of each question only; the columns after it
    (its options, matrix rows, "Other (please specify)") belong to it until the next question.
    """
    names, aliases, question = [], {}, ""
    for t, s in zip(top, sub, strict=True):
        question = t or question
        if not t and not s:
            names.append("")
        elif t and s.lower() in MONKEY_SINGLE:
            names.append(t)
            if s:
                aliases[f"{t} / {s}"] = t
        else:
            names.append(f"{question} / {s}")
    return names, aliases


def us_times(s: pd.Series) -> pd.Series:
    """SurveyMonkey's US dates ("09/14/2026 10:22:31 PM") as UTC; ISO 8601 also read, anything else NaT."""
    s = ascii_digits(s.astype(str).str.strip())
    at = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]")
    for fmt in US_FORMATS:
        todo = at.isna() & (s != "")
        if not todo.any():
            break
        at[todo] = pd.to_datetime(s[todo], format=fmt, errors="coerce", utc=True)
    todo = at.isna() & (s != "")
    if todo.any():       # ISO 8601 only: a day-first date here is a mistake to report, not to guess at
        at[todo] = pd.to_datetime(s[todo], format="ISO8601", errors="coerce", utc=True)
    return at


def read_surveymonkey(path: Path, name: str) -> RawSurvey:
    """A SurveyMonkey export (CSV/TSV/XLSX, "expanded" layout: 2 header rows)."""
    table = _cells(path, name)
    cells = table.frame
    faults = _data_faults(table, name, 2)
    if len(cells) < 2:
        raise InputFileError(name, "has fewer than the 2 header rows of a SurveyMonkey export",
                             fix="export the 'All responses data' as CSV (expanded) again")
    names, aliases = monkey_names(_header(cells, 0), _header(cells, 1))
    body, _ = _body(cells, 2, names)
    aliases = {a: c for a, c in aliases.items() if c in set(body.columns) and a not in set(body.columns)}
    return RawSurvey(body, 2, aliases, us_times, faults)


def _google_parts(s: pd.Series) -> pd.DataFrame:
    parts = ascii_digits(s.astype(str)).str.extract(_GF_TIME)
    year_first = parts["a"].str.len() == 4
    year = parts["a"].where(year_first, parts["c"])
    first = parts["b"].where(year_first, parts["a"])      # year first: y/m/d; else d/m/y or m/d/y
    second = parts["c"].where(year_first, parts["b"])
    return pd.DataFrame({"year": year, "first": first, "second": second, "H": parts["H"], "M": parts["M"],
                         "S": parts["S"].fillna("0"), "ampm": parts["ampm"].fillna(""), "sign": parts["sign"],
                         "oh": parts["oh"].fillna("0"), "om": parts["om"].fillna("0"), "year_first": year_first})


def google_times(s: pd.Series) -> pd.Series:
    """Google Forms time stamps in the form owner's locale, as UTC.

    "2026/09/14 10:22:31 AM GMT+3:30" (year first: year/month/day), "9/14/2026 10:22:31" (a US
    sheet: month first unless the first number is above 12) and "14/09/2026 22:22:31" (day first
    when the first number is above 12 anywhere in the column, as in en-GB or fa locales), with
    12-hour clocks ("AM"/"PM", "ق.ظ."/"ب.ظ.") and "GMT+h:mm" offsets. Others go to parse_times.
    """
    if s.empty:                                  # every row rejected by the reader, or a header alone
        return pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]")
    p = _google_parts(s)
    num = p.drop(columns=["ampm", "sign", "year_first"]).apply(pd.to_numeric, errors="coerce")
    day_first = bool(((num["first"] > 12) & ~p["year_first"]).any())
    month = num["first"].where(p["year_first"] | (not day_first), num["second"])
    day = num["second"].where(p["year_first"] | (not day_first), num["first"])
    ampm = p["ampm"].str.lower().str[0]
    hour = num["H"] % 12 + np.where(ampm.isin(["p", "ب"]), 12, 0)
    hour = hour.where(ampm.isin(["a", "p", "ق", "ب"]), num["H"])
    local = pd.to_datetime(pd.DataFrame({"year": num["year"], "month": month, "day": day, "hour": hour,
                                         "minute": num["M"], "second": num["S"]}), errors="coerce")
    offset = pd.to_timedelta(num["oh"] * 60 + num["om"], unit="min") * np.where(p["sign"] == "-", -1, 1)
    at = (local - offset).dt.tz_localize("UTC")
    todo = at.isna() & (s.astype(str).str.strip() != "")
    if todo.any():
        at[todo] = parse_times(s[todo].astype(str))
    return at


def read_google_forms(path: Path, name: str) -> RawSurvey:
    """A Google Forms response export (CSV from Forms or Sheets, or XLSX): one header row."""
    table = _cells(path, name)
    cells = table.frame
    faults = _data_faults(table, name, 1)
    if len(cells) < 1:
        raise InputFileError(name, "is empty: a Google Forms export has a header row",
                             fix="download the responses again (Responses > Download responses (.csv))")
    body = _body(cells, 1, _header(cells, 0))[0]
    body.insert(0, ROW_ID, name + "#" + (body.index + 2).astype(str))
    return RawSurvey(body, 1, {}, google_times, faults)
