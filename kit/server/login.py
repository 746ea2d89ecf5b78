"""Logging in and out of the team server: a form in the kit's look, a session cookie, a growing delay.

The cookie is HttpOnly and SameSite=Lax (Secure under TLS); it names a session kept in the server's
memory (``kit.server.sessions``), never the user or anything about them. Forms carry tornado's
XSRF token. Wrong passwords are answered after a delay that grows per name and per address.
"""

from __future__ import annotations

import asyncio
import logging
import re

from kit.server import users as accounts
from kit.server.gate import COOKIE, GateHandler
from kit.server.words import words

log = logging.getLogger("cxkit.server")
NEXT = re.compile(r"/(?![/\\])[^\s\\]*")


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this server only (never another site)."""
    return target if target and len(target) < 2000 and NEXT.fullmatch(target) else "/"


class Login(GateHandler):
    def get(self) -> None:
        if not self.gate.users():
            return self.redirect("/")            # nobody to log in as: the server is one person's
        self._form(safe_next(self.get_argument("next", "/")))

    def _form(self, target: str, username: str = "", error: str = "") -> None:
        w = words(self.gate.language())
        self.finish(self.page("server/login.html.j2", title=w["login_title"], error=error, username=username,
                              next=target, who=False))

    async def post(self) -> None:
        name = self.get_body_argument("username", "").strip()[:64]
        password = self.get_body_argument("password", "")[:1024]
        target = safe_next(self.get_body_argument("next", "/"))
        address = self.request.remote_ip or "?"
        delay = self.gate.throttle.begin(name.casefold(), address)
        if delay:
            await asyncio.sleep(delay)
        people = self.gate.users()
        user = await asyncio.get_running_loop().run_in_executor(None, accounts.authenticate, people, name, password)
        if user is None:
            log.warning("failed login for %r from %s (waited %.0f s)", name[:64], address, delay)
            self.set_status(401)
            return self._form(target, name, words(self.gate.language())["bad_login"])
        self.gate.throttle.succeeded(name.casefold(), address)
        sid = self.gate.sessions.start(accounts.name_key(user.name))
        secure = self.gate.tls or self.request.protocol == "https"       # TLS here, or at a proxy in front
        self.set_cookie(COOKIE, sid, httponly=True, samesite="Lax", secure=secure, path="/")
        log.info("%s (%s) logged in from %s", user.name, user.role, address)
        self.redirect(target)


class Logout(GateHandler):
    def get(self) -> None:
        if not self.gate.users() or self.current_user is None:
            return self.redirect("/")
        w = words(self.gate.language())
        self.finish(self.page("server/logout.html.j2", title=w["log_out"]))

    def post(self) -> None:
        self.gate.sessions.end(self.get_cookie(COOKIE))
        self.clear_cookie(COOKIE, path="/")
        self.redirect("/login" if self.gate.users() else "/")
