"""Who is logged in to the team server, and how long a guesser must wait after wrong passwords.

Sessions live in the server's memory only: a restart logs everybody out, and a stolen cookie dies
with the session (logout, expiry or restart). Each session remembers the kernels its pages were
given, so a websocket to a kernel is let through only for the session whose page started it: a
kernel id seen by somebody else is worth nothing to them.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

DEFAULT_HOURS = 12.0
FREE_PER_USER = 3           # wrong passwords on one name before any delay
FREE_PER_ADDRESS = 10       # ... and from one address (a workshop room shares one)
MAX_DELAY_S = 30.0
FORGET_AFTER_S = 3600.0     # failures older than this are forgotten


@dataclass
class Session:
    """One login: the user's (casefolded) name, when it ends, and the kernels of its page visits."""

    user: str
    expires: float
    kernels: set[str] = field(default_factory=set)


class Sessions:
    """Random session ids (the cookie) to sessions; an expired one is gone on its next lookup."""

    def __init__(self, hours: float = DEFAULT_HOURS) -> None:
        self.lifetime = hours * 3600.0
        self._by_id: dict[str, Session] = {}

    def start(self, user: str) -> str:
        """A new session for ``user``; returns its id (256 random bits)."""
        self._sweep()
        sid = secrets.token_urlsafe(32)
        self._by_id[sid] = Session(user, time.monotonic() + self.lifetime)
        return sid

    def get(self, sid: str | None) -> Session | None:
        if not sid:
            return None
        session = self._by_id.get(sid)
        if session is None or session.expires < time.monotonic():
            self._by_id.pop(sid, None)
            return None
        return session

    def end(self, sid: str | None) -> None:
        self._by_id.pop(sid or "", None)

    def end_user(self, user: str) -> None:
        """Log a user out everywhere (their account was removed or changed)."""
        for sid in [s for s, v in self._by_id.items() if v.user == user]:
            del self._by_id[sid]

    def owner_of(self, kernel_id: str) -> Session | None:
        return next((s for s in self._by_id.values() if kernel_id in s.kernels), None)

    def _sweep(self) -> None:
        now = time.monotonic()
        for sid in [s for s, v in self._by_id.items() if v.expires < now]:
            del self._by_id[sid]


class Throttle:
    """A growing wait after wrong passwords, counted per user name and per address, whichever is worse.

    Every attempt counts when it starts (so attempts sent in parallel wait too) and a right password
    takes it back. The first ``FREE_PER_USER`` attempts on a name cost nothing (people mistype), nor
    the first ``FREE_PER_ADDRESS`` from one address (a room behind one router); then each attempt
    doubles the wait, from 1 s up to ``MAX_DELAY_S``.
    """

    def __init__(self) -> None:
        self._fails: dict[str, tuple[int, float]] = {}

    def begin(self, user: str, address: str) -> float:
        """Count an attempt on ``user`` from ``address``; returns the seconds to wait before answering it."""
        now = time.monotonic()
        delays = []
        for key, free in ((f"user:{user}", FREE_PER_USER), (f"addr:{address}", FREE_PER_ADDRESS)):
            count, last = self._fails.get(key, (0, 0.0))
            count = 0 if now - last > FORGET_AFTER_S else count
            delays.append(0.0 if count < free else min(MAX_DELAY_S, 2.0 ** (count - free)))
            self._fails[key] = (count + 1, now)
        return max(delays)

    def succeeded(self, user: str, address: str) -> None:
        """A right password: the name starts afresh, and this attempt no longer counts against the address."""
        self._fails.pop(f"user:{user}", None)
        count, last = self._fails.get(f"addr:{address}", (0, 0.0))
        if count > 1:
            self._fails[f"addr:{address}"] = (count - 1, last)
        else:
            self._fails.pop(f"addr:{address}", None)
