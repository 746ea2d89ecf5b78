"""Workshop mode: votes and notes of the people who walk a run's gallery together.

Everything lives in the run folder's ``workshop.sqlite``, so the findings of a workshop belong to
the run it reviewed, and a later run (a new folder) never touches them.

Each Voilà visitor has a kernel (a process) of their own, so several processes write the same
file at once. SQLite in WAL mode lets readers go on while one writer writes; every change here is
one ``BEGIN IMMEDIATE`` transaction (the write lock is taken before the budget is read), and a
``busy_timeout`` makes a second writer wait its turn instead of failing. That is what keeps the
dot budget exact: two kernels cannot both read "one dot left" and both spend it.

A participant is known by a token; every change names that token, so a person can change or
withdraw their own votes, ratings and notes and never anybody else's. A browser's token is random;
a person logged in through the team server is known by their login (``login:`` and the name), and
people counted from paper cards by name and department (``paper:``). Those two kinds are given by
the kit, never taken from a browser: ``join`` refuses them, and never takes over a participant of
another source. A facilitator can close voting (``set_voting``); the paper votes they type in are
still merged.
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

from kit.core import i18n, runfolder
from kit.core.runfolder import WORKSHOP_DB as DB_NAME
from kit.workshop.fields import DEPARTMENTS, MAX_NAME, MAX_NOTE, WorkshopError, clean_text, participant_fields
from kit.workshop.reading import BUSY_MS as BUSY_MS
from kit.workshop.reading import ROUND_ENDS, ROUND_MINUTES, VOTING, Reading, closed_by

DEFAULT_VOTES = 5
SEVERITY = {level: i18n.t(f"severity_{level}") for level in range(5)}    # 0 not a problem ... 4 critical
SEVERE = 3.0            # a department whose mean rating is at least this calls the exhibit severe
MILD = 1.5              # ... and at most this calls it mild: severe here and mild there is a disagreement
LOGIN = "login:"        # the token of a person logged in through the team server: LOGIN + their name, casefolded
PAPER = "paper:"        # the token of a person counted from paper cards (kit.workshop.paper.paper_token)
RESERVED = (LOGIN, PAPER)    # given by the kit only: a browser never brings one
CLOSED = "Voting is closed; the facilitator can open it again."
TIME_UP = "The round is over; the facilitator can start another one."
ROUND_LIMITS = (1, 120)     # minutes a round may last

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


def login_token(name: str) -> str:
    """The token of a person the team server logged in: one per login name, whatever the browser."""
    return LOGIN + str(name).casefold()


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


class Workshop(Reading):
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

    # -- participants ------------------------------------------------------------------------------

    def join(self, name: str, department: str, token: str | None = None, source: str = "browser") -> Participant:
        """Register a participant (or update the name and department behind an existing token of the same source).

        A token of a login or of paper votes is refused: only ``join_login`` and paper imports make
        those. A token that belongs to a participant of another source is not taken over: the
        join makes a new participant with a new token.
        """
        name, department = participant_fields(name, department)
        if token and (token.startswith(LOGIN) or (token.startswith(PAPER) and source != "paper")):
            raise WorkshopError("a login's or a paper participant's token cannot be used to join the workshop")
        return self._upsert(token or secrets.token_urlsafe(24), name, department, source)

    def join_login(self, name: str, department: str) -> Participant:
        """The participant of a person the team server logged in (made on their first vote, updated after).

        Their name and department come from the login, so nothing here is refused for being typed
        wrong: a long name is shortened, an unknown department becomes "other".
        """
        shown, department = participant_fields(str(name)[:MAX_NAME], department if department in DEPARTMENTS else "other")
        return self._upsert(login_token(name), shown, department, "browser")

    def _upsert(self, token: str, name: str, department: str, source: str) -> Participant:
        with self._write() as db:
            row = db.execute("SELECT source FROM participants WHERE token = ?", (token,)).fetchone()
            if row is not None and row[0] != source:
                token = secrets.token_urlsafe(24)     # somebody else's: never adopted
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

    def set_voting(self, open: bool, by: str) -> None:
        """Open or close voting for everybody (a facilitator's switch); ``by`` is kept with the time.

        The switch ends any round: voting opened by hand stays open until it is closed by hand.
        """
        with self._write() as db:
            db.executemany("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           [(VOTING, "open" if open else "closed"), ("voting_by", str(by)), ("voting_at", now())])
            db.execute("DELETE FROM meta WHERE key IN (?, ?)", (ROUND_ENDS, ROUND_MINUTES))

    def start_round(self, minutes: int, by: str) -> str:
        """Open voting for ``minutes`` from now (a facilitator's round): returns when it ends (UTC, ISO).

        Every screen counts down to that moment; once it has passed, votes, ratings and notes are
        refused as if voting were closed, until another round starts or voting is opened by hand.
        """
        low, high = ROUND_LIMITS
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not low <= minutes <= high:
            raise WorkshopError(f"a round lasts {low} to {high} minutes, not {minutes!r}", "ws_round_minutes",
                                low=low, high=high)
        ends = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)).isoformat(timespec="seconds")
        with self._write() as db:
            db.executemany("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           [(VOTING, "open"), (ROUND_ENDS, ends), (ROUND_MINUTES, str(minutes)),
                            ("voting_by", str(by)), ("voting_at", now())])
        return ends

    def stop_round(self, by: str) -> None:
        """End the round timer now and leave voting open (the facilitator stopped the clock, not the room)."""
        self.set_voting(True, by)

    def _open(self, db: sqlite3.Connection) -> None:
        """Refuse a vote, rating or note while voting is closed or the round is over (read inside the change's transaction)."""
        why = closed_by(dict(db.execute("SELECT key, value FROM meta WHERE key IN (?, ?, ?)",
                                        (VOTING, ROUND_ENDS, ROUND_MINUTES)).fetchall()))
        if why == "closed":
            raise WorkshopError(CLOSED, "ws_voting_closed")
        if why == "time_up":
            raise WorkshopError(TIME_UP, "ws_time_up")

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
            self._open(db)
            who = self._who(db, token)
            return self._set_dots(db, who, exhibit_id, change, relative=True)

    def set_dots(self, token: str, exhibit_id: str, dots: int) -> int:
        """Put exactly ``dots`` on an exhibit (0 withdraws them); returns the dots left."""
        self._exhibit(exhibit_id)
        with self._write() as db:
            self._open(db)
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

    # -- severity and notes ------------------------------------------------------------------------

    def rate(self, token: str, exhibit_id: str, severity: int | None) -> None:
        """Rate how severe an exhibit's problem is, 0 (not a problem) to 4 (critical); None withdraws."""
        self._exhibit(exhibit_id)
        if severity is not None and severity not in SEVERITY:
            raise WorkshopError(f"severity {severity!r} is not one of 0-4 ({', '.join(f'{k} {v}' for k, v in SEVERITY.items())})")
        with self._write() as db:
            self._open(db)
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
            self._open(db)
            who = self._who(db, token)
            if not text:
                db.execute("DELETE FROM notes WHERE participant_id = ? AND exhibit_id = ?", (who, exhibit_id))
            else:
                db.execute("INSERT INTO notes VALUES (?, ?, ?, ?) ON CONFLICT(participant_id, exhibit_id) "
                           "DO UPDATE SET text = excluded.text, at = excluded.at", (who, exhibit_id, text, now()))

    def merge_paper(self, rows: list[tuple[str, str, str, str, int, int | None, str | None]]) -> dict[str, int]:
        """Apply checked paper rows (token, name, department, exhibit, dots, severity, note) all or nothing.

        Returns how many rows were read, how many changed something, and how many paper
        participants are new. Voting being closed does not stop them (the facilitator merges them).
        """
        changed = new_people = 0
        with self._write() as db:
            for token, name, department, exhibit_id, dots, severity, note in rows:
                self._exhibit(exhibit_id)
                known = db.execute("SELECT source FROM participants WHERE token = ?", (token,)).fetchone()
                if known is not None and known[0] != "paper":
                    raise WorkshopError(f"token {token!r} belongs to a participant who voted in a browser")
                if known is None:
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

    # -- reading it all back (the rest is kit.workshop.reading) ------------------------------------

    def participants(self) -> list[Participant]:
        with self._read() as db:
            return [Participant(*r) for r in db.execute(
                "SELECT id, token, name, department, source FROM participants ORDER BY id").fetchall()]


def open_existing(run_dir: Path) -> Workshop | None:
    """The run's workshop opened for reading, if one was held (reading never creates the file or takes a write lock)."""
    return Workshop(run_dir, readonly=True) if (Path(run_dir) / DB_NAME).exists() else None
