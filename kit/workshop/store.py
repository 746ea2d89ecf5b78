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
import unicodedata
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from kit.core import i18n
from kit.core.errors import KitError

DB_NAME = "workshop.sqlite"
DEPARTMENTS = ("design", "engineering", "business", "other")
DEFAULT_VOTES = 5
SEVERITY = {level: i18n.t(f"severity_{level}") for level in range(5)}    # 0 not a problem ... 4 critical
SEVERE = 3.0            # a department whose mean rating is at least this calls the exhibit severe
MILD = 1.5              # ... and at most this calls it mild: severe here and mild there is a disagreement
MAX_NAME = 60
MAX_NOTE = 2000
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


class WorkshopError(KitError, ValueError):
    """A workshop action that cannot be done as asked (no dots left, unknown participant, bad text).

    The message is English, for the command line and the log. A mistake a visitor can make on a
    page also names its page label (``kit.core.i18n``) and the values that fill it, so the page says it
    in its own language.
    """

    exit_code = 2

    def __init__(self, message: str, label: str = "", **values: int | str) -> None:
        super().__init__(message)
        self.label, self.values = label, values


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Participant:
    id: int
    token: str
    name: str
    department: str
    source: str = "browser"


def clean_text(text: str, limit: int, what: str) -> str:
    """Text as people typed it, minus control characters (kept: new lines in notes), within a limit."""
    kept = "".join(ch for ch in str(text) if ch in "\n" or unicodedata.category(ch)[0] != "C")
    kept = kept.strip()
    if len(kept) > limit:
        raise WorkshopError(f"the {what} is {len(kept)} characters long; keep it to {limit}", "ws_too_long",
                            what=f"ws_what_{what}", n=len(kept), limit=limit)
    return kept


def participant_fields(name: str, department: str) -> tuple[str, str]:
    """A participant's name and department as they will be stored, or the reason they cannot be."""
    if department not in DEPARTMENTS:
        raise WorkshopError(f"department {department!r} is not one of {', '.join(DEPARTMENTS)}", "ws_no_department")
    name = clean_text(name, MAX_NAME, "name").replace("\n", " ")
    if not name:
        raise WorkshopError("give a name so the room knows whose votes these are", "ws_need_name")
    return name, department


def budget_from_run(run_dir: Path) -> int:
    """The dot budget the run's project asks for (``workshop.votes_per_person``), else the default."""
    try:
        manifest = json.loads((Path(run_dir) / "manifest.json").read_text(encoding="utf-8"))
        project_dir = manifest.get("project") or (manifest.get("parameters") or {}).get("project")
        if not project_dir:
            return DEFAULT_VOTES
        from kit.core.project import load
        return int(load(project_dir).workshop.votes_per_person)
    except (OSError, ValueError, KitError, AttributeError, TypeError):
        return DEFAULT_VOTES


class Workshop:
    """The votes, ratings and notes of one run folder's workshop.

    Every method opens its own short connection, so an object can be shared by the threads of one
    kernel and many processes can hold one each.
    """

    def __init__(self, run_dir: Path, votes_per_person: int | None = None,
                 exhibit_ids: set[str] | None = None) -> None:
        self.run_dir = Path(run_dir)
        self.path = self.run_dir / DB_NAME
        self._known = exhibit_ids
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
        if self._known is None and (self.run_dir / "exhibits.json").exists():
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
    """The run's workshop if one was held (reading never creates the file)."""
    return Workshop(run_dir) if (Path(run_dir) / DB_NAME).exists() else None


# -- findings ----------------------------------------------------------------------------------------


@dataclass
class ExhibitFindings:
    exhibit_id: str
    title: str
    votes: int = 0
    voters: int = 0
    votes_by_department: dict[str, int] = field(default_factory=dict)
    severity_by_department: dict[str, float] = field(default_factory=dict)
    notes: list[dict[str, str]] = field(default_factory=list)

    @property
    def severity(self) -> float | None:
        """Mean of the departments' means (each department counts once, however many came)."""
        vals = list(self.severity_by_department.values())
        return sum(vals) / len(vals) if vals else None

    @property
    def owner(self) -> str:
        """The department that put most dots on it (ties: the one rating it most severe, then by name)."""
        if not self.votes_by_department and not self.severity_by_department:
            return ""
        depts = set(self.votes_by_department) | set(self.severity_by_department)
        return min(depts, key=lambda d: (-self.votes_by_department.get(d, 0),
                                         -self.severity_by_department.get(d, -1), d))


@dataclass
class Findings:
    participants: dict[str, int]                      # department -> people
    budget: int
    exhibits: list[ExhibitFindings]                   # every exhibit anybody touched, most votes first
    agree: list[tuple[ExhibitFindings, str]]
    disagree: list[tuple[ExhibitFindings, str]]

    def top(self, department: str | None = None, n: int = 5) -> list[ExhibitFindings]:
        key = (lambda e: e.votes) if department is None else (lambda e: e.votes_by_department.get(department, 0))
        return sorted((e for e in self.exhibits if key(e) > 0), key=lambda e: (-key(e), e.exhibit_id))[:n]

    def actions(self) -> list[ExhibitFindings]:
        """The draft action list: voted exhibits, and any a department rated severe, most votes first."""
        return [e for e in self.exhibits
                if e.votes > 0 or any(v >= SEVERE for v in e.severity_by_department.values())]


def _titles(run_dir: Path) -> dict[str, str]:
    from kit.core import exhibits
    try:
        return {r["id"]: r.get("title") or r["id"] for r in exhibits.load(Path(run_dir))}
    except (OSError, ValueError):
        return {}


def _compare(e: ExhibitFindings) -> tuple[str, str] | None:
    """('agree' | 'disagree', why) when two or more departments rated the exhibit."""
    sev = e.severity_by_department
    if len(sev) < 2:
        return None
    hi, lo = max(sev, key=lambda d: (sev[d], d)), min(sev, key=lambda d: (sev[d], d))
    if sev[hi] >= SEVERE and sev[lo] <= MILD:
        return "disagree", f"{hi} rates it severe ({sev[hi]:.1f} of 4), {lo} does not ({sev[lo]:.1f})"
    if sev[hi] - sev[lo] <= 1.0:
        level = sum(sev.values()) / len(sev)
        who = ", ".join(d for d in DEPARTMENTS if d in sev)
        return "agree", f"{who} all rate it {_sev_word(level)} ({sev[lo]:.1f}-{sev[hi]:.1f} of 4)"
    return None


def _sev_word(value: float) -> str:
    return SEVERITY[min(4, max(0, int(value + 0.5)))]


def findings(run_dir: Path) -> Findings | None:
    """What the room said about a run, computed from its workshop; None when none was held."""
    shop = open_existing(run_dir)
    if shop is None:
        return None
    titles = _titles(run_dir)
    rows = shop.rows()
    by_id: dict[str, ExhibitFindings] = {}
    sev_lists: dict[tuple[str, str], list[int]] = {}
    voters: dict[str, set[int]] = {}
    for r in rows:
        e = by_id.setdefault(r["exhibit_id"], ExhibitFindings(r["exhibit_id"], titles.get(r["exhibit_id"], r["exhibit_id"])))
        if r["votes"]:
            e.votes += r["votes"]
            e.votes_by_department[r["department"]] = e.votes_by_department.get(r["department"], 0) + r["votes"]
            voters.setdefault(r["exhibit_id"], set()).add(r["participant"])
        if r["severity"] is not None:
            sev_lists.setdefault((r["exhibit_id"], r["department"]), []).append(r["severity"])
        if r["note"]:
            e.notes.append({"name": r["name"], "department": r["department"], "text": r["note"]})
    for (ex_id, dept), vals in sev_lists.items():
        by_id[ex_id].severity_by_department[dept] = sum(vals) / len(vals)
    for ex_id, people in voters.items():
        by_id[ex_id].voters = len(people)
    ordered = sorted(by_id.values(), key=lambda e: (-e.votes, -(e.severity or -1), e.exhibit_id))
    agree, disagree = [], []
    for e in ordered:
        verdict = _compare(e)
        if verdict:
            (agree if verdict[0] == "agree" else disagree).append((e, verdict[1]))
    people: dict[str, int] = {}
    for p in shop.participants():
        people[p.department] = people.get(p.department, 0) + 1
    return Findings(participants=people, budget=shop.votes_per_person, exhibits=ordered, agree=agree, disagree=disagree)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _by_dept(values: dict[str, Any], fmt: str = "{}") -> str:
    return ", ".join(f"{escape(d)} {fmt.format(values[d])}" for d in DEPARTMENTS if d in values) or "–"


def _table(head: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="cx-workshop"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def findings_html(run_dir: Path) -> str:
    """The report's "workshop findings" section for one run (a plain note when none was held).

    Names, notes and titles are typed by people or come from evidence: all of it is escaped.
    """
    f = findings(Path(run_dir))
    if f is None:
        return "<p>No workshop has reviewed this run yet.</p>"
    n_people = sum(f.participants.values())
    if n_people == 0:
        return "<p>A workshop was opened for this run, but nobody has joined it yet.</p>"
    total = sum(e.votes for e in f.exhibits)
    voted = sum(1 for e in f.exhibits if e.votes)
    notes = sum(len(e.notes) for e in f.exhibits)
    parts = [f"<p>{_count(n_people, 'participant')} ({_by_dept(f.participants)}) spent {total} of "
             f"{n_people * f.budget} dots ({f.budget} each) on {_count(voted, 'exhibit')}, "
             f"and wrote {_count(notes, 'note')}.</p>"]
    from kit.core.exhibits import short_ids
    short = short_ids(list(_titles(Path(run_dir))) or [e.exhibit_id for e in f.exhibits])

    def title(e: ExhibitFindings) -> str:
        card = f", card {escape(short[e.exhibit_id])}" if e.exhibit_id in short else ""
        return f"{escape(e.title)} <small>({escape(e.exhibit_id)}{card})</small>"

    top = f.top(n=10)
    parts.append("<h4>Most-voted exhibits</h4>")
    parts.append(_table(["exhibit", "dots", "people", "dots by department", "severity by department (0-4)"],
                        [[title(e), str(e.votes), str(e.voters), _by_dept(e.votes_by_department),
                          _by_dept(e.severity_by_department, "{:.1f}")] for e in top])
                 if top else "<p>No dots were placed.</p>")
    parts.append("<h4>Most-voted per department</h4>")
    rows = []
    for d in DEPARTMENTS:
        if d in f.participants:
            best = f.top(d, n=3)
            rows.append([escape(d), str(f.participants[d]),
                         "<br>".join(f"{title(e)}: {e.votes_by_department[d]}" for e in best) or "no dots"])
    parts.append(_table(["department", "people", "top exhibits (dots)"], rows))
    parts.append("<h4>Where departments disagree</h4>")
    parts.append("<ul>" + "".join(f"<li>{title(e)}: {escape(why)}</li>" for e, why in f.disagree) + "</ul>"
                 if f.disagree else "<p>No exhibit was rated severe by one department and mild by another.</p>")
    parts.append("<h4>Where departments agree</h4>")
    parts.append("<ul>" + "".join(f"<li>{title(e)}: {escape(why)}</li>" for e, why in f.agree) + "</ul>"
                 if f.agree else "<p>No exhibit was rated alike by two or more departments.</p>")
    parts.append("<h4>Notes per exhibit</h4>")
    noted = [e for e in f.exhibits if e.notes]
    parts.append("".join(f"<p><b>{title(e)}</b></p><ul>" + "".join(
        f"<li><i>{escape(n['department'])}</i>, {escape(n['name'])}: <span style=\"white-space:pre-wrap\">"
        f"{escape(n['text'])}</span></li>" for n in e.notes) + "</ul>" for e in noted) or "<p>No notes were written.</p>")
    parts.append("<h4>Action list (draft)</h4>")
    actions = f.actions()
    parts.append(_table(["#", "exhibit", "owner department", "dots", "severity (0-4)", "notes"],
                        [[str(i), title(e), escape(e.owner), str(e.votes),
                          "–" if e.severity is None else f"{e.severity:.1f}", str(len(e.notes))]
                         for i, e in enumerate(actions, 1)]) if actions else "<p>Nothing to act on yet.</p>")
    return "\n".join(parts)
