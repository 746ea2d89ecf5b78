"""What the room board shows: the most-voted exhibits, dots by department, where departments agree or
disagree, and the people who may have been counted twice.

The board reads the store every few seconds for as long as it is open, so everything here is one
read-only pass over ``Reading.rows`` (a few hundred rows in a workshop) and no more.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from kit.core.text import name_key
from kit.workshop.fields import DEPARTMENTS
from kit.workshop.findings import ExhibitFindings, _compare
from kit.workshop.reading import Reading, closed_by, round_state
from kit.workshop.store import Workshop, now


@dataclass
class Board:
    """The room at one moment: exhibits anybody touched (most dots first), dots and people per department."""

    exhibits: list[ExhibitFindings] = field(default_factory=list)
    verdicts: dict[str, str] = field(default_factory=dict)           # exhibit id -> "agree" | "disagree"
    dots_by_department: dict[str, int] = field(default_factory=dict)
    people_by_department: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.dots_by_department.values())

    def top(self, n: int) -> list[ExhibitFindings]:
        """The ``n`` most-voted exhibits (ties: more voters, then the more severe, then by id)."""
        return [e for e in self.exhibits if e.votes > 0][:n]


def tally(shop: Workshop | None, titles: dict[str, str] | None = None) -> Board:
    """The room's board from one read of the store (an empty board when no workshop was held)."""
    if shop is None:
        return Board()
    titles = titles or {}
    by_id: dict[str, ExhibitFindings] = {}
    ratings: dict[tuple[str, str], list[int]] = defaultdict(list)
    voters: dict[str, set[int]] = defaultdict(set)
    dots: dict[str, int] = defaultdict(int)
    for r in shop.rows():
        e = by_id.setdefault(r["exhibit_id"], ExhibitFindings(r["exhibit_id"], titles.get(r["exhibit_id"], r["exhibit_id"])))
        if r["votes"]:
            e.votes += r["votes"]
            e.votes_by_department[r["department"]] = e.votes_by_department.get(r["department"], 0) + r["votes"]
            voters[r["exhibit_id"]].add(r["participant"])
            dots[r["department"]] += r["votes"]
        if r["severity"] is not None:
            ratings[(r["exhibit_id"], r["department"])].append(r["severity"])
    for (exhibit_id, dept), values in ratings.items():
        by_id[exhibit_id].severity_by_department[dept] = sum(values) / len(values)
    for exhibit_id, people in voters.items():
        by_id[exhibit_id].voters = len(people)
    ordered = sorted(by_id.values(), key=lambda e: (-e.votes, -e.voters, -(e.severity or -1), e.exhibit_id))
    verdicts = {e.exhibit_id: v[0] for e in ordered if (v := _compare(e))}
    people: dict[str, int] = defaultdict(int)
    for p in shop.participants():
        people[p.department] += 1
    return Board(ordered, verdicts, {d: dots[d] for d in DEPARTMENTS if d in dots},
                 {d: people[d] for d in DEPARTMENTS if d in people})


def same_people(shop: Workshop | None) -> list[dict[str, Any]]:
    """Participants who share a name and a department: perhaps one person counted twice.

    A self-typed name on a one-person server, or the same name on two paper cards, makes a second
    participant with dots of their own; the facilitator is told instead of the room counting two
    silently. Names compare as ``kit.core.text.name_key`` compares them (case, Persian letters, ZWNJ).
    """
    if shop is None:
        return []
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for p in shop.participants():
        groups[(name_key(p.name), p.department)].append(p)
    return [{"name": ps[0].name, "department": dept, "count": len(ps), "sources": sorted({p.source for p in ps}),
             "ids": [p.id for p in ps]}
            for (_, dept), ps in sorted(groups.items(), key=lambda kv: kv[0]) if len(ps) > 1]


def round_payload(shop: Reading | None) -> dict[str, Any]:
    """The round timer as every screen gets it: ``ends`` and the kernel's ``now`` (a browser whose clock is wrong
    counts down right), the round's ``minutes``, and ``closed`` when voting was closed by hand. Without a
    round, ``ends`` and ``now`` are "" (the payload then stays the same, and costs no message)."""
    meta = shop.meta() if shop is not None else {}
    state = round_state(meta)
    return {"ends": state["ends"], "now": now() if state["ends"] else "", "minutes": state["minutes"],
            "closed": closed_by(meta) == "closed"}
