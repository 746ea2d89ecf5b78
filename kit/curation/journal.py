"""The curation journal: every hand edit to the gallery, one JSON line each, in the project folder.

Edits are appended, never rewritten, so the file can be read, reviewed and versioned like any
project file, and a later run replays it (``kit.curation.replay``) on top of what the steps made.
Each line names who made the edit, when, what it changed (before and after) and why. Undo is an
edit too (``op: undo`` naming the edit it cancels), so nothing is ever lost. A ``code`` line is one
coder's own reading of a moment or answer (stage, channel, valence, tags), kept to measure how far
coders agree; it changes nothing on the wall. ``cut_clip`` and ``cut_quote`` add evidence cut by hand
from a recording's transcript or an answer (``kit.curation.cuts``), and ``theme_rename``,
``theme_merge`` and ``theme_split`` reshape the themes of open answers (``kit.curation.themes``).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kit.core.errors import CurationError
from kit.core.text import strip_unsafe
from kit.curation import cuts
from kit.curation.cuts import CUT_OPS
from kit.curation.themes import THEME_OPS

JOURNAL = "curation.jsonl"
EXHIBIT_OPS = ("hide", "show", "pin", "unpin", "edit", "recode", "merge")
TAG_OPS = ("tag_create", "tag_rename", "tag_merge")
CODE_FIELDS = ("stage", "channel", "valence", "tags")
OPS = (*EXHIBIT_OPS, *TAG_OPS, *CUT_OPS, *THEME_OPS, "code", "undo")
EDITABLE = ("title", "caption")
RECODABLE = ("stage", "channel", "valence", "lenses", "tags")
LIMITS = {"title": 200, "caption": 2000, "reason": 500, "tag": 80, "who": 80, "quote": 4000, "theme": 120}


def clean(text: object, limit: int, what: str) -> str:
    """Text as a person typed it, minus what is invisible and dangerous (ZWNJ kept: kit.core.text), within a limit."""
    kept = strip_unsafe(str(text), keep="\n").strip()
    if len(kept) > limit:
        raise CurationError(f"the {what} is {len(kept)} characters long; keep it to {limit}")
    return kept


class Edit(BaseModel):
    """One line of the journal."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[0-9a-f]{32}$")
    at: datetime
    who: str = Field(min_length=1, max_length=LIMITS["who"])
    role: Literal["analyst", "facilitator", "owner"]
    op: Literal[OPS]  # type: ignore[valid-type]
    exhibit: str | None = None
    field: str | None = None
    before: Any = None
    after: Any = None
    reason: str = ""
    undoes: str | None = None

    @model_validator(mode="after")
    def _fits_its_op(self) -> Edit:
        problem = _op_problem(self)
        if problem:
            raise ValueError(problem)
        return self


def _op_problem(e: Edit) -> str:
    """What is missing or wrong for this edit's operation ('' when it is whole)."""
    if e.op in EXHIBIT_OPS and not e.exhibit:
        return f"a {e.op} edit names the exhibit it changes"
    if e.op == "hide" and not e.reason.strip():
        return "say why the exhibit is hidden (reason)"
    if e.op == "edit" and e.field not in EDITABLE:
        return f"an edit changes one of {', '.join(EDITABLE)}, not {e.field!r}"
    if e.op == "recode" and e.field not in RECODABLE:
        return f"a recode changes one of {', '.join(RECODABLE)}, not {e.field!r}"
    if e.op == "recode" and e.field == "valence" and not _valence_ok(e.after):
        return f"valence must be a number from -1 to 1, not {e.after!r}"
    if e.op == "recode" and e.field in ("lenses", "tags") and not _names_ok(e.after):
        return f"{e.field} is a list of names"
    if e.op == "merge" and not (_names_ok(e.after) and e.after):
        return "a merge lists the exhibits merged into this one (after)"
    if e.op == "pin" and not (isinstance(e.after, int) and not isinstance(e.after, bool) and e.after >= 0):
        return "a pin gives the position, 0 first (after)"
    if e.op in TAG_OPS and not _tag_values_ok(e):
        return f"{e.op} needs the tag names: before (the old name{'s' if e.op == 'tag_merge' else ''}) and after"
    if e.op == "code" and not (e.exhibit and e.field in CODE_FIELDS):
        return f"a code names the unit coded (exhibit or answer id) and one of {', '.join(CODE_FIELDS)}"
    if e.op == "code" and e.field == "valence" and not _valence_ok(e.after):
        return f"valence must be a number from -1 to 1, not {e.after!r}"
    if e.op == "code" and e.field == "tags" and not isinstance(e.after, list):
        return "tags is a list of names"
    if e.op in CUT_OPS:
        return cuts.problem(e.op, e.after)
    if e.op in THEME_OPS:
        return _theme_problem(e)
    if e.op == "undo" and not e.undoes:
        return "an undo names the edit it cancels (undoes)"
    return ""


def _theme_problem(e: Edit) -> str:
    """A theme edit names the theme(s) it changes (before) and the new name (after); a split, its answer."""
    if not (isinstance(e.after, str) and e.after.strip()):
        return f"{e.op} gives the theme's new name (after)"
    if e.op == "theme_merge":
        return "" if _names_ok(e.before) and e.before else "theme_merge lists the themes merged (before)"
    if not (isinstance(e.before, str) and e.before.strip()):
        return f"{e.op} names the theme it changes (before)"
    if e.op == "theme_split" and not e.exhibit:
        return "theme_split names the answer split off (exhibit: its comment id, response:field or social:row)"
    return ""


def _valence_ok(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and -1.0 <= float(value) <= 1.0


def _names_ok(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _tag_values_ok(e: Edit) -> bool:
    if not (isinstance(e.after, str) and e.after.strip()):
        return False
    if e.op == "tag_create":
        return True
    return _names_ok(e.before) if e.op == "tag_merge" else isinstance(e.before, str) and bool(e.before.strip())


def make(*, who: str, role: str, op: str, **fields: Any) -> Edit:
    """A new edit with its id and time, its texts cleaned; refused with the reason when it does not hold."""
    if "reason" in fields:
        fields["reason"] = clean(fields["reason"], LIMITS["reason"], "reason")
    if op == "edit" and isinstance(fields.get("after"), str):
        field = fields.get("field") or ""
        fields["after"] = clean(fields["after"], LIMITS.get(field, LIMITS["caption"]), field or "text")
    if op in TAG_OPS:
        fields = _clean_tags(fields)
    if op in THEME_OPS:
        fields = _clean_tags(fields, LIMITS["theme"], "theme")
    if op in CUT_OPS and isinstance(fields.get("after"), dict):
        fields["after"] = _clean_cut(fields["after"])
    try:
        return Edit(id=uuid.uuid4().hex, at=datetime.now(UTC), who=clean(who, LIMITS["who"], "name"), role=role,
                    op=op, **fields)
    except ValidationError as exc:
        raise CurationError(f"this {op} cannot be kept: {_first(exc)}") from None


def _clean_tags(fields: dict[str, Any], limit: int = LIMITS["tag"], what: str = "tag") -> dict[str, Any]:
    out = dict(fields)
    for key in ("before", "after"):
        value = out.get(key)
        if isinstance(value, str):
            out[key] = clean(value, limit, what)
        elif isinstance(value, list):
            out[key] = [clean(v, limit, what) if isinstance(v, str) else v for v in value]
    return out


def _clean_cut(after: dict[str, Any]) -> dict[str, Any]:
    """A cut's typed words (its quote as seen, a title) cleaned like every other text a person types."""
    out = dict(after)
    for key, limit in (("quote", LIMITS["quote"]), ("title", LIMITS["title"])):
        if isinstance(out.get(key), str):
            out[key] = clean(out[key], limit, key)
    return out


def _first(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc") or ())
    return f"{where}: {err['msg']}" if where else str(err["msg"]).removeprefix("Value error, ")


def append(path: Path, edit: Edit) -> None:
    """Add one edit at the end of the journal, whole or not at all (one locked write, flushed to disk)."""
    line = json.dumps(edit.model_dump(mode="json"), ensure_ascii=False, sort_keys=True) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def read(path: Path) -> list[Edit]:
    """Every edit of the journal in the order made; a line that is not an edit stops with its line number."""
    if not path.is_file():
        return []
    edits: list[Edit] = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                edits.append(Edit.model_validate(json.loads(line)))
            except json.JSONDecodeError as exc:
                raise CurationError(f"{path}, line {number}: not JSON ({exc.msg}); "
                                    "fix or remove that line (the journal is one edit per line)") from None
            except ValidationError as exc:
                raise CurationError(f"{path}, line {number}: {_first(exc)}") from None
    return edits


def digest(path: Path) -> str | None:
    """The journal's sha256, for the run's manifest (None when the project has no journal)."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
