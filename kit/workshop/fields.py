"""What people type into a workshop, cleaned before the store sees it: names, departments and notes.

Control characters, bidi overrides and other invisible format characters are dropped (new lines
stay in notes; ZWNJ stays everywhere, as Persian spells with it: ``kit.core.text.strip_unsafe``) and
lengths are limited; a refusal is a ``WorkshopError`` carrying its page label, so pages word it in
their own language. Text far over its limit is refused before it is looked at character by character
(a page's widgets send whatever a browser puts in them).
"""

from __future__ import annotations

from kit.core.errors import KitError
from kit.core.text import strip_unsafe

DEPARTMENTS = ("design", "engineering", "business", "other")
MAX_NAME = 60
MAX_NOTE = 2000
SLACK = 2               # text up to SLACK times its limit is cleaned first (control characters may make it fit)


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


def clean_text(text: str, limit: int, what: str) -> str:
    """Text as people typed it, minus control and format characters (kept: ZWNJ, new lines), within a limit."""
    text = str(text)
    if len(text) > SLACK * limit:
        raise _too_long(what, len(text), limit)
    kept = strip_unsafe(text, keep="\n").strip()
    if len(kept) > limit:
        raise _too_long(what, len(kept), limit)
    return kept


def _too_long(what: str, n: int, limit: int) -> WorkshopError:
    return WorkshopError(f"the {what} is {n} characters long; keep it to {limit}", "ws_too_long",
                         what=f"ws_what_{what}", n=n, limit=limit)


def participant_fields(name: str, department: str) -> tuple[str, str]:
    """A participant's name and department as they will be stored, or the reason they cannot be."""
    if department not in DEPARTMENTS:
        raise WorkshopError(f"department {department!r} is not one of {', '.join(DEPARTMENTS)}", "ws_no_department")
    name = clean_text(name, MAX_NAME, "name").replace("\n", " ")
    if not name:
        raise WorkshopError("give a name so the room knows whose votes these are", "ws_need_name")
    return name, department
