"""A workshop's votes and notes as CSV: exported for a spreadsheet, and paper-card votes typed back in.

Export: names and notes are typed by people, so any cell a spreadsheet would read as a formula
(starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading apostrophe
and is shown as text. The file is UTF-8 with a byte-order mark, so spreadsheets read Persian and
other non-Latin text correctly.

Import: one row per person and exhibit, naming the exhibit by the short id printed on its card.
The whole file is checked before anything is written and merged in one transaction, so a file
with a mistake changes nothing, and importing the same file twice gives the same workshop.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kit.core import exhibits, runfolder
from kit.core.errors import InputFileError
from kit.workshop.fields import DEPARTMENTS, MAX_NAME, MAX_NOTE, WorkshopError, clean_text
from kit.workshop.store import PAPER, SEVERITY, Workshop

EXPORT_COLUMNS = ["exhibit_id", "short_id", "title", "name", "department", "source", "votes", "severity", "note",
                  "updated_at"]
IMPORT_REQUIRED = ("short_id", "name", "department")
IMPORT_OPTIONAL = ("votes", "severity", "note")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A room's paper votes are a few hundred rows: a larger file is not one. (The limits of the evidence
# tables are in kit/evidence/limits.py; a name and a note keep the workshop's own MAX_NAME, MAX_NOTE.)
MAX_PAPER_BYTES = 16 << 20
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def neutralise(cell: object) -> object:
    """A text cell a spreadsheet would run as a formula, made plain text; numbers pass unchanged."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


def export_csv(run_dir: Path, out: Path) -> int:
    """Write every participant's dots, rating and note per exhibit; returns the number of rows."""
    shop = Workshop(run_dir)
    records = {r["id"]: r for r in exhibits.load(Path(run_dir))}
    short = exhibits.short_ids(list(records))
    rows = shop.rows()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(EXPORT_COLUMNS)
        for r in rows:
            ex_id = r["exhibit_id"]
            cells = [ex_id, short.get(ex_id, ""), (records.get(ex_id) or {}).get("title", ""), r["name"],
                     r["department"], r["source"], r["votes"], "" if r["severity"] is None else r["severity"],
                     r["note"], r["updated_at"]]
            writer.writerow([neutralise(c) for c in cells])
    return len(rows)


class PaperFileError(InputFileError):
    """A file of paper votes that was not imported: every problem found in it, and how many rows it has."""

    def __init__(self, file: str | Path, problems: list[str], *, rows: int, fix: str) -> None:
        self.problems, self.rows = problems, rows
        super().__init__(file, f"{len(problems)} problem(s), nothing was imported:\n  " + "\n  ".join(problems), fix=fix)


@dataclass
class PaperRow:
    row: int
    exhibit_id: str
    name: str
    department: str
    votes: int
    severity: int | None
    note: str | None


def _int(value: str, lo: int, hi: int) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not lo <= int(value) <= hi:
        raise ValueError
    return int(value)


def _records(text: str) -> Iterator[tuple[int, list[str] | None, str]]:
    """(row, cells, problem) per row as a spreadsheet numbers them (header = row 1); cells None when unreadable."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    n = 0
    while True:
        n += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            why = "a quote is never closed" if "end of data" in str(exc) else f"its quoting is broken ({exc})"
            yield n, None, f"{why}; write a cell holding a quote or a comma inside double quotes"
            continue
        yield n, cells, ""


def _cell_problem(n: int, cells: list[str], names: list[str]) -> str:
    """Why a row cannot be read as it stands (cell count, a control character), or ''."""
    width = len(names)
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        return f"row {n}: the row has {len(cells)} cells where the header has {width}; quote a cell that holds a comma"
    if len(cells) < width:
        return f"row {n}: the row has {len(cells)} cell(s) where the header has {width}"
    for name, cell in zip(names, cells, strict=False):
        found = _CONTROL.search(cell)
        if found:
            return (f"row {n}, column {name.strip()!r}: holds the control character U+{ord(found.group()):04X}; "
                    "save the file again from the spreadsheet")
    return ""


def read_paper_csv(path: Path, short_to_id: dict[str, str], budget: int) -> list[PaperRow]:
    """Check a file of paper votes; every problem is listed with its row number (header = row 1)."""
    try:
        if path.stat().st_size > MAX_PAPER_BYTES:
            raise InputFileError(path, f"is {path.stat().st_size:,} bytes, more than the {MAX_PAPER_BYTES >> 20} MiB a "
                                 "file of paper votes may be", fix="check that it is the file of paper votes")
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(path, f"cannot be read as UTF-8 text ({exc})",
                             fix="save it from the spreadsheet as CSV UTF-8") from None
    records = _records(text)
    first = next(records, (1, [], ""))
    names = [(h or "").strip().lower() for h in (first[1] or [])]
    header = {h: i for i, h in enumerate(names)}               # a repeated name: its last column counts
    missing = [c for c in IMPORT_REQUIRED if c not in header]
    if missing:
        raise InputFileError(path, f"the header lacks {', '.join(missing)}",
                             fix=f"the columns are {', '.join(IMPORT_REQUIRED + IMPORT_OPTIONAL)} "
                                 "(votes, severity and note optional)")
    problems: list[str] = []
    out: list[PaperRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    read = 0
    for n, cells, unreadable in records:
        if cells is None:
            read += 1
            problems.append(f"row {n}: {unreadable}")
            continue
        if not any(v.strip() for v in cells):
            continue
        broken = _cell_problem(n, cells, names)
        if broken:
            read += 1
            problems.append(broken)
            continue
        cell = dict.fromkeys(IMPORT_REQUIRED + IMPORT_OPTIONAL, "") | {k: cells[i] for k, i in header.items()}
        read += 1
        short = cell["short_id"].strip().upper().lstrip("'")
        ex_id = short_to_id.get(short)
        if ex_id is None:
            problems.append(f"row {n}, column 'short_id': {short!r} is not a card of this run")
        dept = cell["department"].strip().lower()
        if dept not in DEPARTMENTS:
            problems.append(f"row {n}, column 'department': {dept!r} is not one of {', '.join(DEPARTMENTS)}")
        try:
            name = clean_text(cell["name"].lstrip("'"), MAX_NAME, "name")
            note = clean_text(cell["note"].lstrip("'"), MAX_NOTE, "note") or None
        except WorkshopError as exc:
            problems.append(f"row {n}: {exc}")
            continue
        if not name:
            problems.append(f"row {n}, column 'name': empty; write the participant's name")
        votes = 1                                    # no votes column: each row is one dot
        if "votes" in header:
            try:
                votes = _int(cell["votes"], 0, budget) or 0
            except ValueError:
                problems.append(f"row {n}, column 'votes': {cell['votes']!r} is not a whole number from 0 to {budget}")
        try:
            severity = _int(cell["severity"], 0, 4) if "severity" in header else None
        except ValueError:
            problems.append(f"row {n}, column 'severity': {cell['severity']!r} is not 0-4 "
                            f"({', '.join(f'{k} {v}' for k, v in SEVERITY.items())})")
            severity = None
        key = (name.casefold(), dept, ex_id or short)
        if key in seen:
            problems.append(f"row {n}: repeats row {seen[key]} (same person and card); put their dots on one row")
        seen[key] = n
        if ex_id is not None:
            out.append(PaperRow(n, ex_id, name, dept, votes, severity, note))
    spent: dict[tuple[str, str], list[PaperRow]] = {}
    for r in out:
        spent.setdefault((r.name.casefold(), r.department), []).append(r)
    for (_, dept), rows in spent.items():
        total = sum(r.votes for r in rows)
        if total > budget:
            problems.append(f"rows {', '.join(str(r.row) for r in rows)}: {rows[0].name} ({dept}) has {total} dots; "
                            f"each participant has {budget}")
    if problems:
        raise PaperFileError(path, problems, rows=read, fix="correct those rows and import the file again")
    return out


def paper_token(name: str, department: str) -> str:
    """Paper participants are known by name and department, so a re-import finds the same person."""
    return f"{PAPER}{department}:{name.casefold()}"


def import_csv(run_dir: Path, path: Path) -> dict[str, int]:
    """Merge paper votes into the run's workshop: each row sets that person's dots on a card.

    A row's dots replace what an earlier import of the same person and card gave (so importing the
    same file again changes nothing) and votes 0 withdraws them; a severity or note, when the cell is
    filled in, replaces the earlier one. Votes given in a browser are never touched.
    """
    shop = Workshop(run_dir)
    ids = [r["id"] for r in exhibits.load(Path(run_dir))]
    if not ids:
        raise InputFileError(Path(run_dir) / runfolder.EXHIBITS, "this run has no exhibits to vote on",
                             fix="give the run folder the cards were printed from")
    short_to_id = {s: i for i, s in exhibits.short_ids(ids).items()}
    rows = read_paper_csv(Path(path), short_to_id, shop.votes_per_person)
    try:
        return shop.merge_paper([(paper_token(r.name, r.department), r.name, r.department, r.exhibit_id, r.votes,
                                  r.severity, r.note) for r in rows])
    except WorkshopError as exc:
        raise PaperFileError(path, [f"{exc} (counting the dots earlier imports gave the same person)"], rows=len(rows),
                             fix="lower their votes in this file, or set their other cards to 0") from None
