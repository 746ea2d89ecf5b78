"""Replaying the curation journal on a run's exhibits: the same journal and exhibits give the same gallery.

Edits apply in the order they were made, after every undo is resolved (an undo cancels its edit; an
undo of that undo brings it back). An edit whose exhibit is no longer made by the pipeline is kept
as an orphan, listed with the reason, never dropped. Exhibits are copied, never changed in place;
what a person changed is marked on the record (``curation``) so pages can show who and why.

Cuts (new clips and quotes) need the project's evidence and the run's privacy path, which live in
higher layers: the caller hands a ``cutter`` that makes a cut's record or says why it cannot (the
run's step passes ``kit.steps.cuts``). Theme edits apply to a ``ThemeBook`` of the pipeline's theme
labels; records that carry ``themes`` (and their answer in ``evidence.comment``) are relabelled.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from kit.curation.cuts import CUT_OPS, cut_id
from kit.curation.journal import EXHIBIT_OPS, Edit
from kit.curation.themes import THEME_OPS, ThemeBook

Cutter = Callable[[Edit], "dict[str, Any] | str"]      # a cut's exhibit record, or why it cannot be made


@dataclass
class Replayed:
    """The curated exhibits, the codebook's tags, and every edit that applied, was undone or was orphaned."""

    records: list[dict[str, Any]]
    tags: list[str]
    applied: list[Edit] = field(default_factory=list)
    undone: list[Edit] = field(default_factory=list)
    orphans: list[dict[str, Any]] = field(default_factory=list)      # {"edit": Edit, "why": str}
    codings: list[Edit] = field(default_factory=list)                # coders' own readings, for agreement
    themes: ThemeBook | None = None                                   # the theme labels as edited
    cuts: list[str] = field(default_factory=list)                    # ids of the exhibits cut by hand
    tagged: dict[str, list[dict[str, Any]]] | None = None             # tag -> records carrying it (built when needed)


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


def replay(records: list[dict[str, Any]], edits: list[Edit], tags: list[str] | None = None, *,
           cutter: Cutter | None = None, themes: ThemeBook | None = None) -> Replayed:
    """The exhibits with every standing edit applied in order, and the orphans that had nothing to apply to.

    ``cutter`` makes the record of a cut (without one, cuts are orphans: they need a run); ``themes``
    is the book of the pipeline's theme labels the theme edits apply to (without one, an empty book).
    """
    out = Replayed(records=_copied(records), tags=list(tags or []),
                   themes=themes if themes is not None else ThemeBook([]))
    by_id = {r["id"]: r for r in out.records}
    kept, out.undone = standing(edits)
    for e in kept:
        if e.op == "code":
            out.codings.append(e)
            continue
        why = _cut(e, by_id, out, cutter) if e.op in CUT_OPS else _apply(e, by_id, out)
        if why:
            out.orphans.append({"edit": e, "why": why})
        else:
            out.applied.append(e)
    _relabel(out)
    out.records.sort(key=_pinned_first)
    return out


def _copied(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records copied whole: through JSON (what they are read from, four times faster than deepcopy),
    or by deepcopy when a record holds something JSON does not."""
    try:
        return json.loads(json.dumps(records))
    except (TypeError, ValueError):
        return [copy.deepcopy(r) for r in records]


def _cut(e: Edit, by_id: dict[str, dict[str, Any]], out: Replayed, cutter: Cutter | None) -> str:
    """Add the exhibit a cut makes (marked as cut by hand, by whom and when); why not, or ''."""
    if cutter is None:
        return "a cut is made from the project's evidence, in a run"
    eid = cut_id(e.id)
    if eid in by_id:
        return f"exhibit {eid} is already in the run"
    made = cutter(e)
    if isinstance(made, str):
        return made
    rec = copy.deepcopy(made)
    _mark(rec, e)["cut"] = {"by": e.who, "at": e.at.isoformat(), "op": e.op}
    out.records.append(rec)
    out.tagged = None
    by_id[eid] = rec
    out.cuts.append(eid)
    return ""


def _relabel(out: Replayed) -> None:
    """Records carrying their answer's themes read them as the theme edits left them."""
    book = out.themes
    if book is None or not book.changed:
        return
    for rec in out.records:
        answer = (rec.get("evidence") or {}).get("comment")
        if rec.get("themes") and isinstance(answer, str):
            rec["themes"] = book.relabel(answer, rec["themes"])


def _pinned_first(rec: dict[str, Any]) -> tuple[int, int]:
    pin = (rec.get("curation") or {}).get("pinned")
    return (0, pin) if isinstance(pin, int) else (1, 0)


def _apply(e: Edit, by_id: dict[str, dict[str, Any]], out: Replayed) -> str:
    """Apply one edit; the reason it could not be applied ('' when it was)."""
    if e.op in EXHIBIT_OPS and e.exhibit not in by_id:
        return f"exhibit {e.exhibit} is no longer in the run"
    if e.op in EXHIBIT_OPS:
        if e.op == "recode" and e.field == "tags":
            out.tagged = None                          # the tag index is built again when next needed
        return _EXHIBIT[e.op](e, by_id[e.exhibit], by_id)
    if e.op in THEME_OPS:
        return _theme(e, out.themes if out.themes is not None else ThemeBook([]))
    return _TAG[e.op](e, out)


def _theme(e: Edit, book: ThemeBook) -> str:
    if e.op == "theme_split":
        return book.split(str(e.exhibit), str(e.before), str(e.after))
    return book.rename(list(e.before) if e.op == "theme_merge" else [str(e.before)], str(e.after))


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
        rec.setdefault("merged", []).append({"id": other_id, "source": other.get("source"), "media": other.get("media")})
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


def _tag_index(out: Replayed) -> dict[str, list[dict[str, Any]]]:
    """Tag -> the records carrying it, so a tag edit touches only those (a journal holds many)."""
    if out.tagged is None:
        out.tagged = {}
        for rec in out.records:
            for t in dict.fromkeys(rec.get("tags") or []):
                out.tagged.setdefault(t, []).append(rec)
    return out.tagged


def _retag(out: Replayed, old: list[str], new: str) -> str:
    """Every exhibit tagged with an old name gets the new one instead; the codebook keeps one entry."""
    index = _tag_index(out)
    if not any(o in index or o in out.tags for o in old):
        return f"no tag named {', '.join(old)}"
    out.tags = [t for t in out.tags if t not in old]
    if new not in out.tags:
        out.tags.append(new)
    moved = {id(r): r for o in old if o != new for r in index.pop(o, [])}
    for rec in moved.values():
        rec["tags"] = list(dict.fromkeys(new if t in old else t for t in rec.get("tags") or []))
    known = {id(r) for r in index.get(new, [])}
    index.setdefault(new, []).extend(r for k, r in moved.items() if k not in known)
    return ""


_EXHIBIT = {"hide": _hide, "show": _show, "pin": _pin, "unpin": _unpin, "edit": _change, "recode": _change,
            "merge": _merge}
_TAG = {"tag_create": _tag_create, "tag_rename": _tag_rename, "tag_merge": _tag_merge}
