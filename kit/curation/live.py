"""The curation journal kept live for a page: the run's exhibits as the steps made them, and the edits on them.

A page that lets analysts curate replays the journal after every edit, so what it shows is what the
next run's gallery step will write (``kit.steps.curation`` replays the same journal on the same
exhibits). Copying every record for each replay costs most of a second on a gallery of ten
thousand, so only the records the journal names (and, for a tag rename or merge, those carrying
the tag) go through ``replay``; every other record is the steps' own, shared and never changed.
Cuts add records and change none of the steps': the page hands a ``cutter`` (kept per edit, since a
cut opens media) and the cut records follow the steps' own. An operation this module does not know
replays everything, so a new kind of edit is never missed.
The journal is read again only when its size or time changed (another page, or the command line).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kit.curation import journal
from kit.curation.cuts import CUT_OPS
from kit.curation.journal import Edit
from kit.curation.replay import Cutter, Replayed, replay, standing
from kit.curation.themes import THEME_OPS, ThemeBook

# The operations whose reach is known here (new ones, such as cuts, make the page replay every record).
KNOWN_OPS = frozenset({"hide", "show", "pin", "unpin", "edit", "recode", "merge", "tag_create", "tag_rename",
                       "tag_merge", "code", "undo", *CUT_OPS})


def uncurated(rec: dict[str, Any]) -> dict[str, Any]:
    """A curated record as the steps made it: its original fields back, merged exhibits' entries and notes gone.

    For runs that keep no exhibit parts (only ``exhibits.json`` and ``curation.json``).
    """
    notes = rec.get("curation")
    if not isinstance(notes, dict):
        return rec
    out = {k: v for k, v in rec.items() if k != "curation"}
    out.update(notes.get("original") or {})
    out.pop("merged", None)                       # only a merge by hand writes it
    return out


class Live:
    """One page's view of a project's journal over one run's exhibits (the steps' records, never changed)."""

    def __init__(self, path: Path, base: list[dict[str, Any]], cutter: Cutter | None = None,
                 themes: Callable[[], ThemeBook] | None = None) -> None:
        self.path = path
        self.base = base
        self.cutter = cutter                 # makes a cut's record (None: cuts are listed as orphans)
        self.themes = themes                 # a fresh book of the pipeline's theme labels for each replay
        self.edits: list[Edit] = []
        self.seen: tuple[int, int] | None = None
        self._done: Replayed | None = None
        self._tags: tuple[Replayed, list[str]] | None = None

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return st.st_size, st.st_mtime_ns

    def reload(self, *, force: bool = False) -> bool:
        """Read the journal again if it changed since the last read (or ``force``); True when it was read."""
        stamp = self._stamp()
        if stamp == self.seen and not force:
            return False
        self.edits, self.seen, self._done = journal.read(self.path), stamp, None
        return True

    def add(self, edit: Edit) -> None:
        """Keep one edit in the journal, then read it again (another page may have written in between)."""
        journal.append(self.path, edit)
        self.reload(force=True)

    def replayed(self) -> Replayed:
        """Every exhibit with the standing edits applied (computed once per journal read)."""
        if self._done is None:
            self._done = self._replay()
        return self._done

    def _replay(self) -> Replayed:
        touched = self._touched()
        if touched is None:
            book = self.themes() if self.themes and any(e.op in THEME_OPS for e in self.edits) else None
            return replay(self.base, self.edits, cutter=self.cutter, themes=book)
        part = replay(touched, self.edits, cutter=self.cutter)
        changed = {r["id"]: r for r in part.records}
        records = [changed.pop(r["id"], r) for r in self.base] + list(changed.values())    # then the cuts
        return Replayed(records=records, tags=part.tags, applied=part.applied, undone=part.undone,
                        orphans=part.orphans, codings=part.codings, cuts=part.cuts)

    def _touched(self) -> list[dict[str, Any]] | None:
        """The records some edit may change (None: an unknown operation, replay them all)."""
        if any(e.op not in KNOWN_OPS for e in self.edits):
            return None
        ids: set[str] = set()
        tags: set[str] = set()
        for e in self.edits:
            if e.exhibit:
                ids.add(e.exhibit)
            if e.op == "merge" and isinstance(e.after, list):
                ids.update(e.after)
            if e.op in ("tag_rename", "tag_merge"):
                tags.update([e.before] if isinstance(e.before, str) else e.before or [])
        return [r for r in self.base if r["id"] in ids or (tags and not tags.isdisjoint(r.get("tags") or []))]

    def recent(self, who: str, limit: int = 8) -> list[Edit]:
        """``who``'s own edits still standing, newest first (what their Undo buttons offer)."""
        kept, _ = standing(self.edits)
        return [e for e in reversed(kept) if e.who == who and e.op != "code"][:limit]

    def codebook(self) -> list[str]:
        """The codebook's tags and every tag an exhibit carries, in the order first met (once per replay)."""
        done = self.replayed()
        if self._tags is None or self._tags[0] is not done:
            self._tags = (done, list(dict.fromkeys([*done.tags, *(t for r in done.records for t in r.get("tags") or [])])))
        return self._tags[1]
