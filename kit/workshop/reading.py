"""Reading a workshop back: one participant's dots, the room's tallies, every row, and whether voting is open.

``Reading`` is the half of ``kit.workshop.store.Workshop`` that never writes: its connections,
snapshots and queries. A store opened for reading (``readonly=True``) uses only this half.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

BUSY_MS = 30_000
VOTING = "voting"                       # meta key: "open" or "closed" (no key: open)
ROUND_ENDS = "round_ends"               # meta key: when the facilitator's round ends (UTC, ISO); no key: no round
ROUND_MINUTES = "round_minutes"         # meta key: how long that round was meant to last


def round_state(meta: dict[str, str], at: dt.datetime | None = None) -> dict[str, Any]:
    """The round timer as the meta table holds it: ``ends`` (ISO, "" without a round), ``minutes``, ``left`` (whole
    seconds, 0 once over) and ``over``. Every screen counts down from ``ends`` itself; this is the kernel's own view,
    which is what decides whether a vote is still taken.
    """
    ends = meta.get(ROUND_ENDS, "")
    if not ends:
        return {"ends": "", "minutes": 0, "left": 0, "over": False}
    try:
        end = dt.datetime.fromisoformat(ends)
    except ValueError:
        return {"ends": "", "minutes": 0, "left": 0, "over": False}
    left = (end - (at or dt.datetime.now(dt.UTC))).total_seconds()
    return {"ends": ends, "minutes": int(meta.get(ROUND_MINUTES, "0") or 0), "left": max(0, int(left + 0.999)),
            "over": left <= 0}


def closed_by(meta: dict[str, str]) -> str:
    """Why votes are refused now: "closed" (the facilitator's switch), "time_up" (the round is over) or "" (open)."""
    if meta.get(VOTING, "open") == "closed":
        return "closed"
    return "time_up" if round_state(meta)["over"] else ""


class Reading:
    """Connections to a run's ``workshop.sqlite`` and everything read from it."""

    path: Path
    readonly: bool
    votes_per_person: int

    def _connect(self) -> sqlite3.Connection:
        if self.readonly:
            db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_MS / 1000,
                                 isolation_level=None)
            db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
            return db
        db = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None)
        db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        return db

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for several queries (WAL readers never wait for the writer)."""
        with closing(self._connect()) as db:
            db.execute("BEGIN")
            try:
                yield db
            finally:
                db.execute("ROLLBACK")

    def meta(self) -> dict[str, str]:
        with self._read() as db:
            return dict(db.execute("SELECT key, value FROM meta").fetchall())

    def voting_open(self) -> bool:
        """Whether participants may vote, rate and write notes now (a facilitator can close it; a round's end does)."""
        return not closed_by(self.meta())

    def round(self) -> dict[str, Any]:
        """The facilitator's round timer now (see ``round_state``)."""
        return round_state(self.meta())

    # -- one participant ---------------------------------------------------------------------------

    def dots_left(self, token: str) -> int:
        with self._read() as db:
            row = db.execute("SELECT COALESCE(SUM(v.dots), 0) FROM votes v JOIN participants p ON p.id = v.participant_id "
                             "WHERE p.token = ?", (token,)).fetchone()
        return self.votes_per_person - int(row[0])

    def my_dots(self, token: str, exhibit_id: str) -> int:
        with self._read() as db:
            row = db.execute("SELECT v.dots FROM votes v JOIN participants p ON p.id = v.participant_id "
                             "WHERE p.token = ? AND v.exhibit_id = ?", (token, exhibit_id)).fetchone()
        return int(row[0]) if row else 0

    def mine(self, token: str, exhibit_id: str) -> dict[str, Any]:
        """This participant's dots, rating and note on one exhibit (what their panel shows)."""
        with self._read() as db:
            q = ("SELECT {col} FROM {table} t JOIN participants p ON p.id = t.participant_id "
                 "WHERE p.token = ? AND t.exhibit_id = ?")
            out: dict[str, Any] = {}
            for key, table, col in (("dots", "votes", "dots"), ("severity", "ratings", "severity"), ("note", "notes", "text")):
                row = db.execute(q.format(col=col, table=table), (token, exhibit_id)).fetchone()
                out[key] = row[0] if row else None
        out["dots"] = out["dots"] or 0
        out["note"] = out["note"] or ""
        return out

    # -- the whole room ----------------------------------------------------------------------------

    def rows(self) -> list[dict[str, Any]]:
        """One row per participant and exhibit they touched: dots, severity and note together."""
        sql = """
        WITH keys AS (SELECT participant_id, exhibit_id FROM votes UNION SELECT participant_id, exhibit_id FROM ratings
                      UNION SELECT participant_id, exhibit_id FROM notes)
        SELECT k.exhibit_id, p.name, p.department, p.source, COALESCE(v.dots, 0), r.severity, COALESCE(n.text, ''),
               MAX(COALESCE(v.at, ''), COALESCE(r.at, ''), COALESCE(n.at, '')), p.id
        FROM keys k JOIN participants p ON p.id = k.participant_id
        LEFT JOIN votes v ON v.participant_id = k.participant_id AND v.exhibit_id = k.exhibit_id
        LEFT JOIN ratings r ON r.participant_id = k.participant_id AND r.exhibit_id = k.exhibit_id
        LEFT JOIN notes n ON n.participant_id = k.participant_id AND n.exhibit_id = k.exhibit_id
        ORDER BY k.exhibit_id, p.department, p.name, p.id"""
        keys = ("exhibit_id", "name", "department", "source", "votes", "severity", "note", "updated_at", "participant")
        with self._read() as db:
            return [dict(zip(keys, r, strict=True)) for r in db.execute(sql).fetchall()]

    def tally(self, exhibit_id: str) -> dict[str, Any]:
        """The room's dots, ratings and notes on one exhibit, for the live panel (each note names its participant id)."""
        with self._read() as db:
            dots = dict(db.execute("SELECT p.department, SUM(v.dots) FROM votes v JOIN participants p "
                                   "ON p.id = v.participant_id WHERE v.exhibit_id = ? GROUP BY p.department",
                                   (exhibit_id,)).fetchall())
            voters = db.execute("SELECT COUNT(*) FROM votes WHERE exhibit_id = ?", (exhibit_id,)).fetchone()[0]
            sev = {d: (m, n) for d, m, n in db.execute(
                "SELECT p.department, AVG(r.severity), COUNT(*) FROM ratings r JOIN participants p "
                "ON p.id = r.participant_id WHERE r.exhibit_id = ? GROUP BY p.department", (exhibit_id,)).fetchall()}
            notes = db.execute("SELECT p.name, p.department, n.text, p.id FROM notes n JOIN participants p "
                               "ON p.id = n.participant_id WHERE n.exhibit_id = ? ORDER BY n.at, p.id",
                               (exhibit_id,)).fetchall()
        return {"votes": sum(dots.values()), "voters": voters, "by_department": dots, "severity": sev,
                "notes": [{"name": a, "department": b, "text": c, "participant": d} for a, b, c, d in notes]}

    def totals(self) -> dict[str, int]:
        """Participants, dots, ratings and notes in the whole workshop (for the overview)."""
        with self._read() as db:
            return {k: db.execute(q).fetchone()[0] for k, q in (
                ("participants", "SELECT COUNT(*) FROM participants"),
                ("votes", "SELECT COALESCE(SUM(dots), 0) FROM votes"),
                ("ratings", "SELECT COUNT(*) FROM ratings"),
                ("notes", "SELECT COUNT(*) FROM notes"))}

    def last_activity(self) -> str:
        with self._read() as db:
            row = db.execute("SELECT MAX(at) FROM (SELECT at FROM votes UNION ALL SELECT at FROM ratings "
                             "UNION ALL SELECT at FROM notes UNION ALL SELECT joined_at FROM participants)").fetchone()
        return row[0] or self.meta().get("created_at", "")
