"""What each curation action sent by the page becomes: the journal edits it makes, checked first.

A handler gets the visitor's curator (``kit.pages.curation.Curator``, whose role was checked
before) and the message as the browser sent it, which is never trusted: ids must be exhibits of
the run, stages and channels the project's own, tags the codebook's, texts strings within their
limits (``kit.curation.journal.clean``). It returns the edits to keep, in order ([] when nothing
changes, None for an action that keeps nothing, such as the merge search).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kit.analysis import lenses
from kit.core.errors import CurationError
from kit.curation import journal
from kit.curation.journal import LIMITS, Edit, clean

if TYPE_CHECKING:
    from kit.pages.curation import Curator

MATCHES = 12                   # exhibits the merge search offers
MAX_QUERY = 200


class Refused(CurationError):
    """A curation action from a visitor whose role does not curate (logged; nothing is written)."""


def _text(msg: dict[str, Any], key: str, limit: int, what: str) -> str:
    value = msg.get(key, "")
    if not isinstance(value, str):
        raise CurationError(f"the {what} must be text")
    return clean(value, limit, what)


def _exhibit(cur: Curator, msg: dict[str, Any], key: str = "exhibit") -> dict[str, Any]:
    """The run's exhibit the message names (hidden and merged ones included)."""
    ident = msg.get(key)
    rec = cur.by_id.get(ident) if isinstance(ident, str) else None
    if rec is None:
        raise CurationError(f"exhibit {str(ident)[:80]!r} is not in this run")
    return rec


def _notes(rec: dict[str, Any]) -> dict[str, Any]:
    return rec.get("curation") or {}


def _tag(cur: Curator, msg: dict[str, Any], key: str = "tag", *, known: bool = True) -> str:
    name = _text(msg, key, LIMITS["tag"], "tag")
    if not name:
        raise CurationError("name the tag")
    if known and name not in cur.start().codebook():
        raise CurationError(f"there is no tag {name!r} in the codebook; create it there first")
    return name


def hide(cur: Curator, msg: dict[str, Any]) -> list[Edit]:
    rec = _exhibit(cur, msg)
    if "hidden" in _notes(rec):
        return []
    return [cur.make("hide", exhibit=rec["id"], reason=_text(msg, "reason", LIMITS["reason"], "reason"))]


def show(cur: Curator, msg: dict[str, Any]) -> list[Edit]:
    rec = _exhibit(cur, msg)
    return [cur.make("show", exhibit=rec["id"])] if "hidden" in _notes(rec) else []


def pin(cur: Curator, msg: dict[str, Any]) -> list[Edit]:
    rec = _exhibit(cur, msg)
    if isinstance(_notes(rec).get("pinned"), int):
        return []
    pins = [p for r in cur.by_id.values() if isinstance(p := _notes(r).get("pinned"), int)]
    return [cur.make("pin", exhibit=rec["id"], after=max(pins, default=-1) + 1)]


def unpin(cur: Curator, msg: dict[str, Any]) -> list[Edit]:
    rec = _exhibit(cur, msg)
    return [cur.make("unpin", exhibit=rec["id"])] if isinstance(_notes(rec).get("pinned"), int) else []


def edit(cur: Curator, msg: dict[str, Any]) -> list[Edit]:
    """New title and caption; only the fields that changed are kept."""
    rec = _exhibit(cur, msg)
    out = []
    for field in journal.EDITABLE:
        if field in msg:
            after = _text(msg, field, LIMITS[field], field)
            if field == "title" and not after:
                raise CurationError("an exhibit keeps a title")
            if after != (rec.get(field) or ""):
                out.append(cur.make("edit", exhibit=rec["id"], field=field, before=rec.get(field), after=after))
    return out


def _recoded(cur: Curator, field: str, value: Any) -> Any:
    """The value a re-code may set, or refused: the project's stages and channels, a feeling, known lenses."""
    if field in ("stage", "channel"):
        allowed = cur.summary.get("stages" if field == "stage" else "channels") or []
        if value not in allowed:
            raise CurationError(f"{str(value)[:80]!r} is not one of the project's {field}s")
        return value
    if field == "valence":
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise CurationError("the feeling is a number from -1 to 1") from None
        if not -1.0 <= number <= 1.0:
            raise CurationError("the feeling is a number from -1 to 1")
        return round(number, 2)
    if not (isinstance(value, list) and all(x in lenses.LENSES for x in value)):
        raise CurationError(f"lenses are some of {', '.join(lenses.LENSES)}")
    return [x for x in lenses.LENSES if x in value]


def recode(cur: Curator, msg: dict[str, Any]) -> list[Edit]:
    """Stage, channel, feeling and lenses from the drawer's form; only the fields that changed are kept."""
    rec = _exhibit(cur, msg)
    out = []
    for field in ("stage", "channel", "valence", "lenses"):
        if field in msg:
            after = _recoded(cur, field, msg[field])
            before = rec.get(field)
            if after != before and not (field == "lenses" and after == list(before or [])):
                out.append(cur.make("recode", exhibit=rec["id"], field=field, before=before, after=after))
    return out


def tag_add(cur: Curator, msg: dict[str, Any]) -> list[Edit]:
    rec, name = _exhibit(cur, msg), _tag(cur, msg)
    tags = list(rec.get("tags") or [])
    return [] if name in tags else [cur.make("recode", exhibit=rec["id"], field="tags", before=tags, after=[*tags, name])]


def tag_remove(cur: Curator, msg: dict[str, Any]) -> list[Edit]:
    rec, name = _exhibit(cur, msg), _tag(cur, msg, known=False)
    tags = list(rec.get("tags") or [])
    kept = [t for t in tags if t != name]
    return [] if kept == tags else [cur.make("recode", exhibit=rec["id"], field="tags", before=tags, after=kept)]


def merge(cur: Curator, msg: dict[str, Any]) -> list[Edit]:
    """The opened exhibit merged into another: the other stays on the wall and carries this one with it."""
    rec, into = _exhibit(cur, msg), _exhibit(cur, msg, "into")
    if into["id"] == rec["id"]:
        raise CurationError("an exhibit is not merged into itself")
    if "hidden" in _notes(into) or "merged_into" in _notes(into):
        raise CurationError("merge into an exhibit that is on the wall")
    return [cur.make("merge", exhibit=into["id"], after=[rec["id"]])]


def find(cur: Curator, msg: dict[str, Any]) -> None:
    """Exhibits on the wall whose id is the text, or whose title holds it: the merge's choices."""
    q = _text(msg, "q", MAX_QUERY, "search").casefold()
    wall = cur.page.by_id
    hits = [wall[q]] if q in wall else []
    if q:
        hits += [r for r in wall.values() if q in (r.get("title") or "").casefold() and r not in hits][:MATCHES]
    cur.matches = [{"id": r["id"], "title": r.get("title") or r["id"]} for r in hits[:MATCHES] if r["id"] != cur.opened]
    cur.searched = bool(q)
    return None


def tag_create(cur: Curator, msg: dict[str, Any]) -> list[Edit]:
    name = _tag(cur, msg, known=False)
    return [] if name in cur.start().codebook() else [cur.make("tag_create", after=name)]


def tag_rename(cur: Curator, msg: dict[str, Any]) -> list[Edit]:
    old, new = _tag(cur, msg, "old"), _tag(cur, msg, "new", known=False)
    return [] if old == new else [cur.make("tag_rename", before=old, after=new)]


def tag_merge(cur: Curator, msg: dict[str, Any]) -> list[Edit]:
    olds = msg.get("old")
    if not isinstance(olds, list) or not olds:
        raise CurationError("tick the tags to merge")
    names = [_tag(cur, {"tag": o}) for o in olds]
    new = _tag(cur, msg, "new", known=False)
    names = [n for n in names if n != new]
    return [cur.make("tag_merge", before=names, after=new)] if names else []


def undo(cur: Curator, msg: dict[str, Any]) -> list[Edit]:
    """Undo one of the visitor's own recent edits (another person's edits are theirs to undo)."""
    ident = msg.get("edit")
    mine = {r["id"] for r in cur.recent()}
    if not isinstance(ident, str) or ident not in mine:
        raise CurationError("only your own recent edits can be undone here")
    return [cur.make("undo", undoes=ident)]


HANDLERS: dict[str, Callable[[Curator, dict[str, Any]], list[Edit] | None]] = {
    "hide": hide, "show": show, "pin": pin, "unpin": unpin, "edit": edit, "recode": recode, "tag_add": tag_add,
    "tag_remove": tag_remove, "merge": merge, "find": find, "tag_create": tag_create, "tag_rename": tag_rename,
    "tag_merge": tag_merge, "undo": undo,
}
