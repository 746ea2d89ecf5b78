"""Each kind of file a run holds, searched and rewritten: Parquet tables, JSON, notebooks, text, the workshop.

Every function here plans: it reads one file, works out its redacted content in memory and returns
a ``Change`` (what file, how many places, and how to write it), or None when the file needs no
change. Nothing is written until ``Change.write`` is called, so a dry run and a real run find the
same places; and a file without a match is never rewritten, so its bytes stay as they were.

Withdrawn exhibits leave the files too: records with their id, their id in lists and as keys, rows
of the moments and photos tables keyed by it, links to it from other rows (``wall.exhibit``), and
paths to their media.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kit.redaction.terms import BINARY_KEYS, Matcher

ROW_KEYS = ("moment_id", "photo_id")     # a row that is the withdrawn exhibit's own evidence
LINK_COLUMNS = ("exhibit",)              # a column pointing at an exhibit: the link is cleared
WITHDRAWN = "[withdrawn]"                # a text that named a withdrawn exhibit (a chart's hover text, a link)
OUTPUT_WITHDRAWN = "[withdrawn] This output showed an exhibit that was withdrawn from the run (cxkit redact).\n"


@dataclass
class Change:
    """One file to rewrite (or remove): where, how many places, and the function that writes it."""

    rel: str
    count: int
    write: Callable[[], None] = field(repr=False)
    what: str = "redacted"


@dataclass(frozen=True)
class Withdrawal:
    """Exhibits being withdrawn: their ids, the run-relative paths of their media files, and their
    titles and quotes (how an executed notebook's output shows them without their id)."""

    ids: frozenset[str] = frozenset()
    media: frozenset[str] = frozenset()
    marks: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.ids)

    def mentioned(self, text: str) -> bool:
        """True when ``text`` names a withdrawn exhibit: its id as a whole token, its title or quote."""
        return any(_token(i).search(text) for i in self.ids) or any(m in text for m in self.marks)


def _token(exhibit_id: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(exhibit_id)}(?![\w-])")


def _rel(run_dir: Path, path: Path) -> str:
    return path.relative_to(run_dir).as_posix()


def _replace(path: Path, write: Callable[[Path], object]) -> None:
    """Write ``path`` through a file beside it renamed into place: a page reading the run meanwhile
    sees the old file or the new one, never half of one."""
    tmp = path.with_name(f".{path.name}.redacting")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _text_writer(path: Path, text: str) -> Callable[[], None]:
    return lambda: _replace(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


# ---- JSON --------------------------------------------------------------------------------------

def withdraw_json(data: Any, gone: Withdrawal, *, aligned: bool = False) -> tuple[Any, int]:
    """``data`` without the withdrawn exhibits: records and ids dropped from lists, keys dropped,
    media paths set to None, any other text naming one replaced by ``WITHDRAWN``.

    ``aligned`` (plotly figures, whose lists run in parallel: x, y, hover text) drops nothing from a
    list: a hover text or link naming the exhibit is replaced, the point stays.
    """
    if not gone:
        return data, 0
    if isinstance(data, str):
        return (WITHDRAWN, 1) if any(_token(i).search(data) for i in gone.ids) else (data, 0)
    if isinstance(data, list):
        total, out = 0, []
        for v in data:
            if not aligned and ((isinstance(v, dict) and v.get("id") in gone.ids)
                                or (isinstance(v, str) and v in gone.ids)):
                total += 1
                continue
            nv, n = withdraw_json(v, gone, aligned=aligned)
            out.append(nv)
            total += n
        return out, total
    if isinstance(data, dict):
        total, res = 0, {}
        for k, v in data.items():
            if k in gone.ids:
                total += 1
                continue
            if isinstance(v, str) and v in gone.media:
                res[k] = None
                total += 1
                continue
            nv, n = (v, 0) if k in BINARY_KEYS else withdraw_json(v, gone, aligned=aligned)
            res[k] = nv
            total += n
        return res, total
    return data, 0


def withdraw_notebook(nb: dict[str, Any], gone: Withdrawal) -> tuple[dict[str, Any], int]:
    """An executed notebook whose cells showing a withdrawn exhibit lose their outputs (a note says why).

    An output is a table, a chart or a picture made from many exhibits: it cannot be cut around one,
    so it goes whole; the code that made it stays, and re-running the notebook shows the rest again.
    """
    if not gone:
        return nb, 0
    total = 0
    for cell in nb.get("cells", []):
        outputs = cell.get("outputs") or []
        if outputs and gone.mentioned(json.dumps(outputs, ensure_ascii=False)):
            cell["outputs"] = [{"name": "stdout", "output_type": "stream", "text": [OUTPUT_WITHDRAWN]}]
            total += 1
    return nb, total


def json_change(run_dir: Path, path: Path, matcher: Matcher, gone: Withdrawal,
                dump: Callable[[Any], str], kind: str = "records") -> Change | None:
    """A JSON file of the run with the terms replaced and the withdrawn exhibits left out.

    ``kind``: ``records`` (the run's own JSON files), ``plotly`` (a chart: see ``withdraw_json``'s
    ``aligned``) or ``notebook`` (an executed notebook: see ``withdraw_notebook``).
    """
    data = json.loads(path.read_text(encoding="utf-8"))     # parsed: plotly writes Persian as \u escapes
    if kind == "notebook":
        data, withdrawn = withdraw_notebook(data, gone)
    else:
        data, withdrawn = withdraw_json(data, gone, aligned=kind == "plotly")
    data, replaced = matcher.walk(data)
    if not withdrawn and not replaced:
        return None
    return Change(_rel(run_dir, path), withdrawn + replaced, _text_writer(path, dump(data)))


def dump_indented(data: Any) -> str:
    """The layout of kit.core.runfolder's JSON writers (``indent=1``, UTF-8 as is)."""
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)


def dump_compact(data: Any) -> str:
    """One line, as the lenses file is written."""
    return json.dumps(data, ensure_ascii=False, default=str)


def dump_plotly(data: Any) -> str:
    """A chart file as ``Figure.to_json`` writes it (plotly's own writer: ``<``, ``>``, ``/`` escaped for
    HTML), so a chart that is read and written back unchanged keeps every byte."""
    from plotly.io.json import to_json_plotly
    return str(to_json_plotly(data))


def dump_notebook(data: Any) -> str:
    """The layout papermill writes an executed notebook in: one-space indent, sorted keys, no final newline."""
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)


def text_change(run_dir: Path, path: Path, matcher: Matcher) -> Change | None:
    """A plain text file (an SVG chart): the terms replaced where they stand."""
    text = path.read_text(encoding="utf-8", errors="replace")
    new, n = matcher.sub(text)
    if not n:
        return None
    return Change(_rel(run_dir, path), n, _text_writer(path, new))


# ---- Parquet -----------------------------------------------------------------------------------

def _strings(values: list[Any], matcher: Matcher) -> tuple[list[Any], int]:
    total, out = 0, []
    for v in values:
        if isinstance(v, str):
            v, n = matcher.sub(v)
            total += n
        elif isinstance(v, list):
            v, n = _strings(v, matcher)
            total += n
        out.append(v)
    return out, total


def _is_text(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _may_match(column: pa.ChunkedArray, prefilter: str | None) -> bool:
    """Arrow's regex search (RE2, fast) says whether any row could match; True when it cannot tell."""
    if prefilter is None or not _is_text(column.type):
        return True
    hits = pc.match_substring_regex(column, pattern=prefilter, ignore_case=True)
    return bool(pc.any(hits).as_py())


def _withdraw_rows(table: pa.Table, gone: Withdrawal) -> tuple[pa.Table, int]:
    """Rows keyed by a withdrawn exhibit dropped; links to one cleared."""
    if not gone:
        return table, 0
    total = 0
    for key in ROW_KEYS:
        if key in table.column_names and _is_text(table.schema.field(key).type):
            ids = pa.array(sorted(gone.ids), type=table.schema.field(key).type)
            mask = pc.fill_null(pc.is_in(table[key], value_set=ids), False)
            n = pc.sum(mask).as_py() or 0
            if n:
                table = table.filter(pc.invert(mask))
                total += n
    for col in LINK_COLUMNS:
        if col in table.column_names and _is_text(table.schema.field(col).type):
            values = table[col].to_pylist()
            n = sum(v in gone.ids for v in values)
            if n:
                i = table.column_names.index(col)
                fld = table.schema.field(i)
                table = table.set_column(i, fld, pa.array(["" if v in gone.ids else v for v in values], type=fld.type))
                total += n
    return table, total


def parquet_change(run_dir: Path, path: Path, matcher: Matcher, gone: Withdrawal,
                   prefilter: str | None) -> Change | None:
    """A table with the terms replaced in every text column (lists of text too) and withdrawn rows left out.

    Written back by Arrow with the table's own schema and metadata, so pandas reads the same dtypes.
    """
    table = pq.read_table(path)
    table, total = _withdraw_rows(table, gone)
    for i, fld in enumerate(table.schema):
        texty = _is_text(fld.type)
        listy = (pa.types.is_list(fld.type) or pa.types.is_large_list(fld.type)) and _is_text(fld.type.value_type)
        if not (texty or listy) or not matcher.active or not _may_match(table.column(i), prefilter):
            continue
        values, n = _strings(table.column(i).to_pylist(), matcher)
        if n:
            table = table.set_column(i, fld, pa.array(values, type=fld.type))
            total += n
    if not total:
        return None
    return Change(_rel(run_dir, path), total, lambda: _replace(path, lambda tmp: pq.write_table(table, tmp)))


# ---- the workshop store ------------------------------------------------------------------------

def workshop_change(run_dir: Path, path: Path, matcher: Matcher) -> Change | None:
    """Workshop notes with the terms replaced; votes, ratings and every note's exhibit kept as they are.

    Read and written in one ``BEGIN IMMEDIATE`` transaction, as the store itself writes, so a page
    writing at the same time waits rather than losing its change.
    """
    if not matcher.active:
        return None
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT participant_id, exhibit_id, text FROM notes").fetchall()
    found = [(p, e, *matcher.sub(t)) for p, e, t in rows if isinstance(t, str)]
    found = [(p, e, new, n) for p, e, new, n in found if n]
    if not found:
        return None

    def write() -> None:
        db = sqlite3.connect(path, timeout=30, isolation_level=None)
        try:
            db.execute("BEGIN IMMEDIATE")
            for p, e, _, _ in found:
                old = db.execute("SELECT text FROM notes WHERE participant_id = ? AND exhibit_id = ?",
                                 (p, e)).fetchone()
                if old:
                    db.execute("UPDATE notes SET text = ? WHERE participant_id = ? AND exhibit_id = ?",
                               (matcher.sub(old[0])[0], p, e))
            db.execute("COMMIT")
        finally:
            db.close()

    return Change(_rel(run_dir, path), sum(n for *_, n in found), write)


def removal(run_dir: Path, path: Path, what: str = "removed") -> Change:
    """A file that goes: a withdrawn exhibit's media, or an export that can no longer be made."""
    return Change(_rel(run_dir, path), 1, lambda: path.unlink(missing_ok=True), what)
