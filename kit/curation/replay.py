"""Replaying the curation journal on a run's exhibits: the same journal and exhibits give the same gallery.

Edits apply in the order they were made, after every undo is resolved (an undo cancels its edit; an
undo of that undo brings it back). An edit whose exhibit is no longer made by the pipeline is kept
as an orphan, listed with the reason, never dropped. Exhibits are copied, never changed in place;
what a person changed is marked on the record (``curation``) so pages can show who and why.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from kit.curation.journal import EXHIBIT_OPS, Edit


@dataclass
class Replayed:
    """The curated exhibits, the codebook's tags, and every edit that applied, was undone or was orphaned."""

    records: list[dict[str, Any]]
    tags: list[str]
    applied: list[Edit] = field(default_factory=list)
    undone: list[Edit] = field(default_factory=list)
    orphans: list[dict[str, Any]] = field(default_factory=list)      # {"edit": Edit, "why": str}
    codings: list[Edit] = field(default_factory=list)                # coders' own readings, for agreement


def standing(edits: list[Edit]) -> tuple[list[Edit], list[Edit]]:
    """The edits in force and those undone: an edit stands unless an undo that itself stands cancels it."""
    undoers: dict[str, list[Edit]] = {}
    for e in edits:
        if e.op == "undo" and e.undoes:
            undoers.setdefault(e.undoes, []).append(e)

    @cache
    def stands(edit_id: str) -> bool:
        return not any(stands(u.id) for u in undoers.get(edit_id, []))

    kept = [e for e in edits if e.op != "undo" and stands(e.id)]
    undone = [e for e in edits if e.op != "undo" and not stands(e.id)]
    return kept, undone


def replay(records: list[dict[str, Any]], edits: list[Edit], tags: list[str] | None = None) -> Replayed:
    """The exhibits with every standing edit applied in order, and the orphans that had nothing to apply to."""
    out = Replayed(records=[copy.deepcopy(r) for r in records], tags=list(tags or []))
    by_id = {r["id"]: r for r in out.records}
    kept, out.undone = standing(edits)
    for e in kept:
        if e.op == "code":
            out.codings.append(e)
            continue
        why = _apply(e, by_id, out)
        if why:
            out.orphans.append({"edit": e, "why": why})
        else:
            out.applied.append(e)
    out.records.sort(key=_pinned_first)
    return out


def _pinned_first(rec: dict[str, Any]) -> tuple[int, int]:
    pin = (rec.get("curation") or {}).get("pinned")
    return (0, pin) if isinstance(pin, int) else (1, 0)


def _apply(e: Edit, by_id: dict[str, dict[str, Any]], out: Replayed) -> str:
    """Apply one edit; the reason it could not be applied ('' when it was)."""
    if e.op in EXHIBIT_OPS and e.exhibit not in by_id:
        return f"exhibit {e.exhibit} is no longer in the run"
    if e.op in EXHIBIT_OPS:
        return _EXHIBIT[e.op](e, by_id[e.exhibit], by_id)
    return _TAG[e.op](e, out)


def _mark(rec: dict[str, Any], e: Edit) -> dict[str, Any]:
    """The record's curation notes, with this edit's id and author added."""
    notes = rec.setdefault("curation", {})
    notes.setdefault("edits", []).append(e.id)
    if e.who not in notes.setdefault("by", []):
        notes["by"].append(e.who)
    return notes


def _hide(e: Edit, rec: dict[str, Any], _: dict[str, dict[str, Any]]) -> str:
    _mark(rec, e)["hidden"] = {"reason": e.reason, "by": e.who, "at": e.at.isoformat()}
    return ""


def _show(e: Edit, rec: dict[str, Any], _: dict[str, dict[str, Any]]) -> str:
    _mark(rec, e).pop("hidden", None)
    return ""


def _pin(e: Edit, rec: dict[str, Any], _: dict[str, dict[str, Any]]) -> str:
    _mark(rec, e)["pinned"] = int(e.after)
    return ""


def _unpin(e: Edit, rec: dict[str, Any], _: dict[str, dict[str, Any]]) -> str:
    _mark(rec, e).pop("pinned", None)
    return ""


def _change(e: Edit, rec: dict[str, Any], _: dict[str, dict[str, Any]]) -> str:
    notes = _mark(rec, e)
    notes.setdefault("original", {}).setdefault(e.field, rec.get(e.field))
    rec[e.field] = float(e.after) if e.field == "valence" else copy.deepcopy(e.after)
    return ""


def _merge(e: Edit, rec: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> str:
    missing = [i for i in e.after if i not in by_id or i == rec["id"]]
    if missing:
        return f"exhibits {', '.join(missing)} are no longer in the run (or are the exhibit itself)"
    notes = _mark(rec, e)
    for other_id in e.after:
        other = by_id[other_id]
        _mark(other, e)["merged_into"] = rec["id"]
        notes.setdefault("merged", []).append(other_id)
        rec.setdefault("also", []).append({"id": other_id, "source": other.get("source"), "media": other.get("media")})
    return ""


def _tag_create(e: Edit, out: Replayed) -> str:
    if e.after in out.tags:
        return f"tag {e.after} already exists"
    out.tags.append(e.after)
    return ""


def _tag_rename(e: Edit, out: Replayed) -> str:
    return _retag(out, [e.before], e.after)


def _tag_merge(e: Edit, out: Replayed) -> str:
    return _retag(out, list(e.before), e.after)


def _retag(out: Replayed, old: list[str], new: str) -> str:
    """Every exhibit tagged with an old name gets the new one instead; the codebook keeps one entry."""
    known = set(out.tags) | {t for r in out.records for t in r.get("tags") or []}
    if not any(o in known for o in old):
        return f"no tag named {', '.join(old)}"
    out.tags = [t for t in out.tags if t not in old]
    if new not in out.tags:
        out.tags.append(new)
    for rec in out.records:
        tags = rec.get("tags") or []
        if any(t in old for t in tags):
            rec["tags"] = list(dict.fromkeys(new if t in old else t for t in tags))
    return ""


_EXHIBIT = {"hide": _hide, "show": _show, "pin": _pin, "unpin": _unpin, "edit": _change, "recode": _change,
            "merge": _merge}
_TAG = {"tag_create": _tag_create, "tag_rename": _tag_rename, "tag_merge": _tag_merge}
