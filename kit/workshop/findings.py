"""What the room said: votes and severity per department, where departments agree and disagree, and
the notes that became actions.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kit.core import i18n, runfolder
from kit.core.errors import KitError
from kit.workshop.fields import DEPARTMENTS
from kit.workshop.store import DB_NAME, MILD, SEVERE, open_existing

log = logging.getLogger("cxkit.workshop")


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


def exhibit_titles(run_dir: Path) -> dict[str, str]:
    from kit.core import exhibits
    try:
        return {r["id"]: r.get("title") or r["id"] for r in exhibits.load(Path(run_dir))}
    except (OSError, ValueError):
        return {}


def department_name(department: str, lang: str = "en") -> str:
    """A department as the report names it in ``lang`` (design, طراحی); a department of the room's own as typed."""
    key = f"dept_{department}"
    return i18n.t(key, lang) if key in i18n.LABELS else department


def _compare(e: ExhibitFindings, lang: str = "en") -> tuple[str, str] | None:
    """('agree' | 'disagree', why in ``lang``) when two or more departments rated the exhibit."""
    sev = e.severity_by_department
    if len(sev) < 2:
        return None
    hi, lo = max(sev, key=lambda d: (sev[d], d)), min(sev, key=lambda d: (sev[d], d))
    high, low = i18n.number(sev[hi], lang, 1), i18n.number(sev[lo], lang, 1)
    if sev[hi] >= SEVERE and sev[lo] <= MILD:
        return "disagree", i18n.t("wsr_rates_severe", lang, hi=department_name(hi, lang), high=high,
                                  lo=department_name(lo, lang), low=low)
    if sev[hi] - sev[lo] <= 1.0:
        level = sum(sev.values()) / len(sev)
        who = i18n.t("comma", lang).join(department_name(d, lang) for d in DEPARTMENTS if d in sev)
        return "agree", i18n.t("wsr_all_rate", lang, who=who, level=_sev_word(level, lang), low=low, high=high)
    return None


def _sev_word(value: float, lang: str = "en") -> str:
    return i18n.t(f"severity_{min(4, max(0, int(value + 0.5)))}", lang)


def findings(run_dir: Path, lang: str = "en") -> Findings | None:
    """What the room said about a run, computed from its workshop, its verdicts worded in ``lang``; None when none was held."""
    shop = open_existing(run_dir)
    if shop is None:
        return None
    titles = exhibit_titles(run_dir)
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
        verdict = _compare(e, lang)
        if verdict:
            (agree if verdict[0] == "agree" else disagree).append((e, verdict[1]))
    people: dict[str, int] = {}
    for p in shop.participants():
        people[p.department] = people.get(p.department, 0) + 1
    return Findings(participants=people, budget=shop.votes_per_person, exhibits=ordered, agree=agree, disagree=disagree)


def past_workshops(run_dir: Path) -> list[dict[str, Any]]:
    """Workshops held on the other runs beside this one (same output folder), newest first.

    Each store is opened read-only, so a workshop still going on elsewhere is never locked. Only run
    ids and counts are kept: where the runs live on the server is nobody's business on a page.
    """
    here = Path(run_dir).resolve()
    out, seen = [], {here}
    for other in sorted(here.parent.iterdir(), reverse=True) if here.parent.is_dir() else []:
        real = other.resolve()
        if real in seen or other.name.startswith(".") or not (real / DB_NAME).is_file():
            continue
        seen.add(real)
        try:
            shop = open_existing(real)
            totals = shop.totals() if shop else {}
        except (OSError, sqlite3.Error, KitError):
            log.exception("could not read the workshop of %s", real.name)
            continue
        if totals.get("participants"):
            out.append({"run": real.name, "held": shop.last_activity()[:16].replace("T", " "),
                        "report": (real / runfolder.REPORT_HTML).exists(), **totals})
    return sorted(out, key=lambda r: r["held"], reverse=True)
