"""Workshop mode: votes and notes of the people who walk a run's gallery together.

Everything lives in the run folder's ``workshop.sqlite``, so the findings of a workshop belong to
the run it reviewed, and a later run (a new folder) never touches them.

Each Voilà visitor has a kernel (a process) of their own, so several processes write the same
file at once. SQLite in WAL mode lets readers go on while one writer writes; every change here is
one ``BEGIN IMMEDIATE`` transaction (the write lock is taken before the budget is read), and a
``busy_timeout`` makes a second writer wait its turn instead of failing. That is what keeps the
dot budget exact: two kernels cannot both read "one dot left" and both spend it.

A participant is known by a random browser token; every change names that token, so a person can
change or withdraw their own votes, ratings and notes and never anybody else's.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kit.core import i18n, runfolder
from kit.core.runfolder import WORKSHOP_DB as DB_NAME
from kit.workshop.fields import MAX_NOTE, WorkshopError, clean_text, participant_fields

DEFAULT_VOTES = 5
SEVERITY = {level: i18n.t(f"severity_{level}") for level in range(5)}    # 0 not a problem ... 4 critical
SEVERE = 3.0            # a department whose mean rating is at least this calls the exhibit severe
MILD = 1.5              # ... and at most this calls it mild: severe here and mild there is a disagreement
BUSY_MS = 30_000

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS participants (
  id INTEGER PRIMARY KEY,
  token TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  department TEXT NOT NULL CHECK (department IN ('design', 'engineering', 'business', 'other')),
  source TEXT NOT NULL DEFAULT 'browser' CHECK (source IN ('browser', 'paper')),
  joined_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS votes (
  participant_id INTEGER NOT NULL REFERENCES participants(id),
  exhibit_id TEXT NOT NULL,
  dots INTEGER NOT NULL CHECK (dots > 0),
  at TEXT NOT NULL,
  PRIMARY KEY (participant_id, exhibit_id));
CREATE TABLE IF NOT EXISTS ratings (
  participant_id INTEGER NOT NULL REFERENCES participants(id),
  exhibit_id TEXT NOT NULL,
  severity INTEGER NOT NULL CHECK (severity BETWEEN 0 AND 4),
  at TEXT NOT NULL,
  PRIMARY KEY (participant_id, exhibit_id));
CREATE TABLE IF NOT EXISTS notes (
  participant_id INTEGER NOT NULL REFERENCES participants(id),
  exhibit_id TEXT NOT NULL,
  text TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (participant_id, exhibit_id));
"""


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Participant:
    id: int
    token: str
    name: str
    department: str
    source: str = "browser"


def budget_from_run(run_dir: Path) -> int:
    """The dot budget the run's project asked for, as the pipeline wrote it to ``summary.json``, else the default."""
    try:
        summary = json.loads((Path(run_dir) / runfolder.SUMMARY).read_text(encoding="utf-8"))
        return int((summary.get("workshop") or {}).get("votes_per_person", DEFAULT_VOTES))
    except (OSError, ValueError, AttributeError, TypeError):
        return DEFAULT_VOTES


class Workshop:
    """The votes, ratings and notes of one run folder's workshop.

    Every method opens its own short connection, so an object can be shared by the threads of one
    kernel and many processes can hold one each.
    """

    def __init__(self, run_dir: Path, votes_per_person: int | None = None,
                 exhibit_ids: set[str] | None = None, *, readonly: bool = False) -> None:
        self.run_dir = Path(run_dir)
        self.path = self.run_dir / DB_NAME
        self._known = exhibit_ids
        self.readonly = readonly
        if readonly:                                  # a reader never creates, migrates or locks the store
            self.votes_per_person = int(self.meta().get("votes_per_person", DEFAULT_VOTES))
            return
        with self._write() as db:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            if db.execute("SELECT 1 FROM meta WHERE key = 'votes_per_person'").fetchone() is None:
                budget = votes_per_person if votes_per_person is not None else budget_from_run(self.run_dir)
                if budget < 1:
                    raise WorkshopError(f"votes_per_person is {budget}; give each participant at least 1 dot")
                db.executemany("INSERT INTO meta VALUES (?, ?)",
                               [("votes_per_person", str(budget)), ("created_at", now()),
                                ("run", self.run_dir.name)])
        self.votes_per_person = int(self.meta()["votes_per_person"])

    # -- connections -------------------------------------------------------------------------------

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
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction holding the write lock from its first statement (no read-then-write race)."""
        if self.readonly:
            raise WorkshopError("this workshop was opened for reading; open it with Workshop(run_dir) to change it")
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

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

    # -- participants ------------------------------------------------------------------------------

    def join(self, name: str, department: str, token: str | None = None, source: str = "browser") -> Participant:
        """Register a participant (or update the name and department behind an existing token)."""
        name, department = participant_fields(name, department)
        token = token or secrets.token_urlsafe(24)
        with self._write() as db:
            db.execute("INSERT INTO participants (token, name, department, source, joined_at) VALUES (?, ?, ?, ?, ?) "
                       "ON CONFLICT(token) DO UPDATE SET name = excluded.name, department = excluded.department",
                       (token, name, department, source, now()))
            row = db.execute("SELECT id, token, name, department, source FROM participants WHERE token = ?",
                             (token,)).fetchone()
        return Participant(*row)

    def participant(self, token: str | None) -> Participant | None:
        if not token:
            return None
        with self._read() as db:
            row = db.execute("SELECT id, token, name, department, source FROM participants WHERE token = ?",
                             (token,)).fetchone()
        return Participant(*row) if row else None

    def _who(self, db: sqlite3.Connection, token: str) -> int:
        row = db.execute("SELECT id FROM participants WHERE token = ?", (token,)).fetchone()
        if row is None:
            raise WorkshopError("this browser is not signed in to the workshop; give your name and department first")
        return int(row[0])

    def _exhibit(self, exhibit_id: str) -> str:
        if self._known is None and (self.run_dir / runfolder.EXHIBITS).exists():
            from kit.core import exhibits
            self._known = {r["id"] for r in exhibits.load(self.run_dir)}
        if self._known is not None and exhibit_id not in self._known:
            raise WorkshopError(f"exhibit {exhibit_id!r} is not in run {self.run_dir.name}")
        return exhibit_id

    # -- dots --------------------------------------------------------------------------------------

    def vote(self, token: str, exhibit_id: str, change: int = 1) -> int:
        """Add (or with a negative change, take back) dots on an exhibit; returns the dots left.

        The budget is read and spent inside one write transaction, so it holds across processes.
        """
        self._exhibit(exhibit_id)
        with self._write() as db:
            who = self._who(db, token)
            return self._set_dots(db, who, exhibit_id, change, relative=True)

    def set_dots(self, token: str, exhibit_id: str, dots: int) -> int:
        """Put exactly ``dots`` on an exhibit (0 withdraws them); returns the dots left."""
        self._exhibit(exhibit_id)
        with self._write() as db:
            return self._set_dots(db, self._who(db, token), exhibit_id, dots, relative=False)

    def _set_dots(self, db: sqlite3.Connection, who: int, exhibit_id: str, value: int, *, relative: bool) -> int:
        spent = db.execute("SELECT COALESCE(SUM(dots), 0) FROM votes WHERE participant_id = ?", (who,)).fetchone()[0]
        here = db.execute("SELECT dots FROM votes WHERE participant_id = ? AND exhibit_id = ?",
                          (who, exhibit_id)).fetchone()
        here_n = here[0] if here else 0
        new = max(0, here_n + value) if relative else value
        if new < 0:
            raise WorkshopError(f"dots cannot be negative ({value})")
        if spent - here_n + new > self.votes_per_person:
            raise WorkshopError(f"no dots left: each participant has {self.votes_per_person}; "
                                "take one back from another exhibit first", "ws_no_dots", budget=self.votes_per_person)
        if new == 0:
            db.execute("DELETE FROM votes WHERE participant_id = ? AND exhibit_id = ?", (who, exhibit_id))
        else:
            db.execute("INSERT INTO votes VALUES (?, ?, ?, ?) ON CONFLICT(participant_id, exhibit_id) "
                       "DO UPDATE SET dots = excluded.dots, at = excluded.at", (who, exhibit_id, new, now()))
        return self.votes_per_person - (spent - here_n + new)

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

    # -- severity and notes ------------------------------------------------------------------------

    def rate(self, token: str, exhibit_id: str, severity: int | None) -> None:
        """Rate how severe an exhibit's problem is, 0 (not a problem) to 4 (critical); None withdraws."""
        self._exhibit(exhibit_id)
        if severity is not None and severity not in SEVERITY:
            raise WorkshopError(f"severity {severity!r} is not one of 0-4 ({', '.join(f'{k} {v}' for k, v in SEVERITY.items())})")
        with self._write() as db:
            who = self._who(db, token)
            if severity is None:
                db.execute("DELETE FROM ratings WHERE participant_id = ? AND exhibit_id = ?", (who, exhibit_id))
            else:
                db.execute("INSERT INTO ratings VALUES (?, ?, ?, ?) ON CONFLICT(participant_id, exhibit_id) "
                           "DO UPDATE SET severity = excluded.severity, at = excluded.at",
                           (who, exhibit_id, int(severity), now()))

    def note(self, token: str, exhibit_id: str, text: str) -> None:
        """Write (or replace) this participant's note on an exhibit; empty text withdraws it."""
        self._exhibit(exhibit_id)
        text = clean_text(text, MAX_NOTE, "note")
        with self._write() as db:
            who = self._who(db, token)
            if not text:
                db.execute("DELETE FROM notes WHERE participant_id = ? AND exhibit_id = ?", (who, exhibit_id))
            else:
                db.execute("INSERT INTO notes VALUES (?, ?, ?, ?) ON CONFLICT(participant_id, exhibit_id) "
                           "DO UPDATE SET text = excluded.text, at = excluded.at", (who, exhibit_id, text, now()))

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

    def merge_paper(self, rows: list[tuple[str, str, str, str, int, int | None, str | None]]) -> dict[str, int]:
        """Apply checked paper rows (token, name, department, exhibit, dots, severity, note) all or nothing.

        Returns how many rows were read, how many changed something, and how many paper
        participants are new.
        """
        changed = new_people = 0
        with self._write() as db:
            for token, name, department, exhibit_id, dots, severity, note in rows:
                self._exhibit(exhibit_id)
                if db.execute("SELECT 1 FROM participants WHERE token = ?", (token,)).fetchone() is None:
                    new_people += 1
                    db.execute("INSERT INTO participants (token, name, department, source, joined_at) "
                               "VALUES (?, ?, ?, 'paper', ?)", (token, name, department, now()))
                who = self._who(db, token)
                before = db.total_changes
                here = db.execute("SELECT dots FROM votes WHERE participant_id = ? AND exhibit_id = ?",
                                  (who, exhibit_id)).fetchone()
                if (here[0] if here else 0) != dots:
                    self._set_dots(db, who, exhibit_id, dots, relative=False)
                if severity is not None:
                    db.execute("INSERT INTO ratings VALUES (?, ?, ?, ?) ON CONFLICT(participant_id, exhibit_id) "
                               "DO UPDATE SET severity = excluded.severity, at = excluded.at "
                               "WHERE severity != excluded.severity", (who, exhibit_id, severity, now()))
                if note:
                    db.execute("INSERT INTO notes VALUES (?, ?, ?, ?) ON CONFLICT(participant_id, exhibit_id) "
                               "DO UPDATE SET text = excluded.text, at = excluded.at WHERE text != excluded.text",
                               (who, exhibit_id, note, now()))
                changed += db.total_changes != before
        return {"rows": len(rows), "changed": changed, "new_participants": new_people}

    # -- reading it all back -----------------------------------------------------------------------

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

    def participants(self) -> list[Participant]:
        with self._read() as db:
            return [Participant(*r) for r in db.execute(
                "SELECT id, token, name, department, source FROM participants ORDER BY id").fetchall()]

    def tally(self, exhibit_id: str) -> dict[str, Any]:
        """The room's dots, ratings and notes on one exhibit, for the live panel."""
        with self._read() as db:
            dots = dict(db.execute("SELECT p.department, SUM(v.dots) FROM votes v JOIN participants p "
                                   "ON p.id = v.participant_id WHERE v.exhibit_id = ? GROUP BY p.department",
                                   (exhibit_id,)).fetchall())
            voters = db.execute("SELECT COUNT(*) FROM votes WHERE exhibit_id = ?", (exhibit_id,)).fetchone()[0]
            sev = {d: (m, n) for d, m, n in db.execute(
                "SELECT p.department, AVG(r.severity), COUNT(*) FROM ratings r JOIN participants p "
                "ON p.id = r.participant_id WHERE r.exhibit_id = ? GROUP BY p.department", (exhibit_id,)).fetchall()}
            notes = db.execute("SELECT p.name, p.department, n.text FROM notes n JOIN participants p "
                               "ON p.id = n.participant_id WHERE n.exhibit_id = ? ORDER BY n.at, p.id",
                               (exhibit_id,)).fetchall()
        return {"votes": sum(dots.values()), "voters": voters, "by_department": dots, "severity": sev,
                "notes": [{"name": a, "department": b, "text": c} for a, b, c in notes]}

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


def open_existing(run_dir: Path) -> Workshop | None:
    """The run's workshop opened for reading, if one was held (reading never creates the file or takes a write lock)."""
    return Workshop(run_dir, readonly=True) if (Path(run_dir) / DB_NAME).exists() else None
