"""Who is looking at a page, as the team server vouches for it: name, role, department, run.

``cxkit serve`` puts a gate in front of Voilà (``kit.server``). The gate logs people in and, on
every page request it lets through, adds a header that names the visitor, signed with a key only
the gate and the kernels it starts know (``KEY_ENV`` in their environment). Voilà hands the header
to the page's kernel as ``VISITOR_ENV``; the page trusts a visitor only when the signature holds,
so nobody can vote as somebody else by typing a name or by sending the header themselves.

Without users (one person on loopback) the gate vouches for an *open* visitor: the page works as a
single-user page, and the workshop asks who is voting as it always did. Outside the gate (JupyterLab,
papermill, a test that starts Voilà itself) there is no key, and a page is open to whoever runs it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from dataclasses import asdict, dataclass, field

ROLES = ("viewer", "participant", "analyst", "facilitator")
# What each role may do on top of the one before it (roles are ordered: a facilitator can do everything).
ROLE_ADDS = {
    "viewer": ("browse",),
    "participant": ("vote",),
    "analyst": ("curate", "export"),
    "facilitator": ("facilitate", "read_notes"),
}
ACTIONS = tuple(a for adds in ROLE_ADDS.values() for a in adds)

HEADER = "X-Cxkit-Visitor"                       # set by the gate on every request it passes to Voilà
VISITOR_ENV = "HTTP_X_CXKIT_VISITOR"             # ... which Voilà gives the kernel under this name (RFC 3875)
KEY_ENV = "CXKIT_GATE_KEY"                       # the signing key, in the environment of Voilà and its kernels
RUNS_ENV = "CXKIT_RUNS"                          # the folder of run folders the gate serves
LIFETIME_S = 24 * 3600                           # a signed visitor is good for one page visit; this bounds replay


@dataclass(frozen=True)
class Visitor:
    """A visitor the gate vouched for. ``login`` False: nobody is logged in (single-user mode)."""

    name: str
    role: str
    department: str = "other"
    run: str = ""
    login: bool = True
    projects: tuple[str, ...] = field(default=())

    def can(self, action: str) -> bool:
        """Whether this visitor's role allows ``action`` (one of ``ACTIONS``); an open visitor may do all."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}; known: {', '.join(ACTIONS)}")
        if not self.login:
            return True
        allowed = ROLES[: ROLES.index(self.role) + 1] if self.role in ROLES else ()
        return any(action in ROLE_ADDS[r] for r in allowed)


def open_visitor(run: str = "") -> Visitor:
    """The visitor of a server with no users: one person, who may do everything the pages offer."""
    return Visitor(name="", role="facilitator", department="", run=run, login=False)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(visitor: Visitor, key: bytes, *, now: float | None = None) -> str:
    """The header value for ``visitor``: its fields and an expiry, with an HMAC-SHA256 over both."""
    payload = {**asdict(visitor), "projects": list(visitor.projects),
               "exp": int((time.time() if now is None else now) + LIFETIME_S)}
    body = _b64(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    mac = hmac.new(key, body.encode("ascii"), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def verify(token: str | None, key: bytes, *, now: float | None = None) -> Visitor | None:
    """The visitor a header names, or None when it is missing, altered, expired or malformed."""
    if not token or not key or token.count(".") != 1 or len(token) > 4096:
        return None
    body, mac = token.split(".")
    try:
        expected = hmac.new(key, body.encode("ascii"), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(mac)):
            return None
        data = json.loads(_unb64(body))
        if float(data.pop("exp")) < (time.time() if now is None else now):
            return None
        data["projects"] = tuple(str(p) for p in data.get("projects", ()))
        visitor = Visitor(**data)
    except (ValueError, TypeError, KeyError, UnicodeError):
        return None
    if visitor.role not in ROLES or not all(isinstance(v, str) for v in (visitor.name, visitor.department, visitor.run)):
        return None
    return visitor


def gate_key() -> bytes | None:
    """The signing key this process was started with (hex in ``KEY_ENV``), or None outside the gate."""
    raw = os.environ.get(KEY_ENV, "")
    try:
        return bytes.fromhex(raw) if raw else None
    except ValueError:
        return None


def from_environ() -> Visitor | None:
    """This kernel's visitor: open outside the gate, the signed one behind it, None if the signature fails.

    Call it after the visitor's request has arrived (``kit.pages.page.arrival``): a preheated
    kernel learns the header only then.
    """
    key = gate_key()
    if key is None:
        return open_visitor()
    return verify(os.environ.get(VISITOR_ENV), key)
