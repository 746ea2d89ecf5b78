"""The room's dot votes per exhibit, as the gallery's cards show them and sort by them.

One grouped query over ``votes`` (a few hundred rows in a real workshop), read-only, so every
card of every page can carry its count without opening the exhibit. A run without a workshop
has no dots, and reading never creates the workshop file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

from kit.workshop.store import DB_NAME, open_existing

__all__ = ["DB_NAME", "dots_by_exhibit", "grouped"]


def dots_by_exhibit(run_dir: Path) -> dict[str, int]:
    """Exhibit id -> the room's dots on it (exhibits without dots are absent); {} without a workshop."""
    shop = open_existing(Path(run_dir))
    if shop is None:
        return {}
    try:
        with shop._read() as db:                    # the store's own read-only snapshot
            rows = db.execute("SELECT exhibit_id, SUM(dots) FROM votes GROUP BY exhibit_id").fetchall()
    except sqlite3.Error:
        return {}                                   # a workshop file being created, or not one: no dots yet
    return {str(exhibit): int(n) for exhibit, n in rows if n}


def grouped(dots: Mapping[str, int], groups: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """Dots with each group's members added to the exhibit that stands for them (leader id -> member ids).

    Votes cast in the gallery go to the leader already; paper votes typed from an older printed
    card of a grouped photo land on the member, and count for the card the room sees.
    """
    out = dict(dots)
    for leader, members in groups.items():
        extra = sum(out.pop(m, 0) for m in members)
        if extra:
            out[leader] = out.get(leader, 0) + extra
    return out
