"""A large table a block at a time as Arrow record batches, read the way ``kit.evidence.files`` reads it.

``files.stream_table`` hands each block over as a pandas frame; a reader that validates in DuckDB
or Arrow (the contact log: tens of millions of rows) would only convert it back, and that conversion
was most of its time. Here each block stays Arrow, with the same row numbers, the same faults (a
wrong number of cells, a control character, a cell or row over its limit) and blank rows left out,
so rows in = rows kept + faults exactly as with ``stream_table``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from queue import Full, Queue

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kit.evidence import limits
from kit.evidence.encodings import utf8_copy
from kit.evidence.files import (
    _READ_ERRORS,
    TEXT_SUFFIXES,
    Fault,
    _check_file,
    _open_failed,
    csv_blocks,
    read_table,
)


@dataclass
class Batch:
    """One block: its rows taken whole (all text, '' for empty), their spreadsheet row numbers, and the faults."""

    table: pa.Table
    rows: np.ndarray
    faults: list[Fault] = field(default_factory=list)

    @property
    def rows_in(self) -> int:
        return self.table.num_rows + len(self.faults)


def _strings(table: pa.Table | pa.RecordBatch) -> pa.Table:
    table = pa.Table.from_batches([table]) if isinstance(table, pa.RecordBatch) else table
    return table.combine_chunks()


def _kept(table: pa.Table, rows: np.ndarray, faults: list[Fault]) -> Batch:
    """The block without its rows holding a bad cell (moved to faults) and without blank rows."""
    bad = limits.cell_faults(table)
    keep = np.ones(table.num_rows, dtype=bool)
    if bad:
        cells = [table.column(j) for j in range(table.num_columns)]
        faults = faults + [Fault(int(rows[i]), why, tuple(str(c[i].as_py()) for c in cells)) for i, why in bad.items()]
        keep[list(bad)] = False
    if table.num_columns:
        keep &= _filled(table)
    if not keep.all():
        table, rows = table.filter(pa.array(keep)), rows[keep]
    return Batch(table, rows, sorted(faults, key=lambda f: f.row))


def _filled(table: pa.Table) -> np.ndarray:
    """Rows with some text; the next column is looked at only for rows still blank (nearly none are)."""
    filled = np.zeros(table.num_rows, dtype=bool)
    for column in table.columns:
        blank = np.flatnonzero(~filled)
        if not len(blank):
            break
        part = column if len(blank) == table.num_rows else column.take(pa.array(blank))
        filled[blank] = pc.not_equal(part, "").fill_null(False).to_numpy(zero_copy_only=False)
    return filled


def ahead(batches: Iterator[Batch], depth: int = 1) -> Iterator[Batch]:
    """``batches`` read on a thread of their own, ``depth`` blocks ahead of the caller.

    Arrow parses and DuckDB checks without holding the GIL, so on two cores the next block is read
    while this one is checked; memory stays bounded by ``depth`` + 2 blocks. An error while reading
    is raised here, where the caller asked for the block.
    """
    done = object()
    queue: Queue[object] = Queue(maxsize=depth)
    stop = threading.Event()

    def read() -> None:
        try:
            for batch in batches:
                while not stop.is_set():
                    try:
                        queue.put(batch, timeout=0.1)
                        break
                    except Full:
                        continue
                if stop.is_set():
                    return
            queue.put(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, raised there
            queue.put(exc)

    thread = threading.Thread(target=read, name="cxkit-read-ahead", daemon=True)
    thread.start()
    try:
        while (item := queue.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()


def _csv_batches(path: Path, text: Path) -> Iterator[Batch]:
    for b in csv_blocks(path, text, True, None):
        if b.batch is not None:
            yield _kept(_strings(b.batch), b.rows, b.skipped)
        else:
            yield Batch(pa.table([pa.array([], pa.string()) for _ in b.names], names=b.names), b.rows, b.skipped)


def stream_batches(path: Path, name: str, *, limit: int | None = None) -> Iterator[Batch]:
    """``path`` (header on row 1) in blocks of about ``READ_BLOCK_BYTES``; blank rows left out.

    An XLSX or Parquet file comes as one block. Raises InputFileError naming ``name`` when the file
    cannot be read as a table at all (see ``kit.evidence.files.read_table``).
    """
    suffix = _check_file(path, name, limit)
    if suffix not in TEXT_SUFFIXES:
        whole = read_table(path, name, limit=limit, drop_blank=True)
        frame = whole.frame
        table = pa.Table.from_arrays([pa.array(frame.iloc[:, i].astype(str).to_numpy(dtype=object), pa.string())
                                      for i in range(frame.shape[1])], names=[str(c) for c in frame.columns])
        yield Batch(table, frame.index.to_numpy(dtype=np.int64), whole.faults)
        return
    try:
        with utf8_copy(path) as text:
            yield from _csv_batches(path, text)
    except _READ_ERRORS as exc:
        raise _open_failed(name, exc) from None
