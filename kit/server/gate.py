"""The gate's shared state and the base of every handler: which Host it answers, who is logged in,
the security headers on every answer, and plain refusals that carry no data.

With users in the users file, every route needs a login (loopback included); with none, the server
is one person's (it only ever binds loopback then) and everybody is the *open* visitor.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import tornado.web
from markupsafe import Markup

from kit.core import i18n
from kit.core.templates import render
from kit.core.visitor import Visitor, open_visitor
from kit.server import users as accounts
from kit.server.catalog import Catalog
from kit.server.security import SECURITY_HEADERS, host_ok
from kit.server.sessions import Session, Sessions, Throttle
from kit.server.words import words
from kit.views.html import font_css
from kit.views.tokens import base_css

log = logging.getLogger("cxkit.server")
COOKIE = "cxkit_session"


@dataclass
class Gate:
    """What every handler of one server shares."""

    catalog: Catalog
    users_path: Path
    allowed_hosts: frozenset[str]
    upstream_port: int
    token: str
    key: bytes
    tls: bool = False
    sessions: Sessions = field(default_factory=Sessions)
    throttle: Throttle = field(default_factory=Throttle)
    open_kernels: set[str] = field(default_factory=set)     # kernels of pages served when nobody logs in
    _users: tuple[float, dict[str, Any]] = (-1.0, {})

    @property
    def upstream(self) -> str:
        return f"127.0.0.1:{self.upstream_port}"

    def users(self) -> dict[str, Any]:
        """The users file as it is now (read again when it changes, so `cxkit users` needs no restart)."""
        try:
            stamp = self.users_path.stat().st_mtime
        except FileNotFoundError:
            stamp = 0.0
        if stamp != self._users[0]:
            self._users = (stamp, accounts.load_users(self.users_path) if stamp else {})
        return self._users[1]

    def language(self) -> str:
        """The language of the gate's own pages: the newest run's (one summary read, not every run's)."""
        return i18n.language(self.catalog.newest_language())


def as_visitor(user: Any) -> Visitor:
    """A user of the users file as the pages know them (the run is filled in per request)."""
    return Visitor(name=user.name, role=user.role, department=user.department, login=True,
                   projects=tuple(user.projects))


class GateHandler(tornado.web.RequestHandler):
    """Host allow-list, security headers, the logged-in visitor, and refusals without data."""

    @property
    def gate(self) -> Gate:
        return self.settings["gate"]

    def set_default_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.set_header(name, value)
        self.set_header("Cache-Control", "no-store")
        self.clear_header("Server")

    def prepare(self) -> None:
        if not host_ok(self.request.headers.get("Host"), self.gate.allowed_hosts):
            log.warning("refused %s %s: Host %r is not served", self.request.method, self.request.path,
                        self.request.headers.get("Host", "")[:100])
            self.refuse(403, "forbidden", "host_text", who=False)

    def session(self) -> Session | None:
        return self.gate.sessions.get(self.get_cookie(COOKIE))

    def get_current_user(self) -> Visitor | None:
        people = self.gate.users()
        if not people:
            return open_visitor()
        session = self.session()
        if session is None:
            return None
        user = people.get(session.user)
        if user is None:                       # removed since they logged in
            self.gate.sessions.end_user(session.user)
            return None
        return as_visitor(user)

    def visitor_for(self, run_id: str) -> Visitor:
        return dataclasses.replace(self.current_user, run=run_id)

    def may_see(self, project: str) -> bool:
        visitor = self.current_user
        return visitor is not None and (not visitor.projects or project in visitor.projects)

    def require_login(self, *, page: bool = True) -> bool:
        """True when someone is logged in; else a page goes to the login form and anything else gets 401."""
        if self.current_user is not None:
            return True
        if page and self.request.method in ("GET", "HEAD"):
            self.redirect("/login?" + urlencode({"next": self.request.uri or "/"}))
        else:
            self.refuse(401, "login_title", "login_intro", who=False)
        return False

    def page(self, template: str, lang: str | None = None, **values: Any) -> str:
        """One of the gate's own pages, in the run's language, with the kit's fonts and the logout form."""
        lang = lang or self.gate.language()
        visitor = self.current_user if values.pop("who", True) else None
        who = ""
        if visitor is not None and visitor.login:
            who = f"{visitor.name} · {visitor.role}"
        return render(template, lang=lang, dir=i18n.direction(lang), words=words(lang),
                      fonts=Markup(font_css()), theme=Markup(f"<style>{base_css()}</style>"),
                      who=who, xsrf=Markup(self.xsrf_form_html()), **values)

    def refuse(self, status: int, heading: str, text: str, *, who: bool = True) -> None:
        """A plain page saying why not: no run data, no path, no stack."""
        self.clear()
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        lang = self.gate.language()
        w = words(lang)
        self.finish(self.page("server/refused.html.j2", lang, title=w[heading], heading=w[heading], text=w[text],
                              who=who))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        heading, text = ("forbidden", "forbidden_text") if status_code in (401, 403) else ("not_found", "not_found_text")
        self.refuse(status_code, heading, text, who=False)


class NoIcon(GateHandler):
    """Browsers ask for /favicon.ico on every page; the pages have none, and saying so is not worth a log line."""

    def get(self) -> None:
        if self.require_login(page=False):
            self.set_status(204)
            self.finish()


class NotFound(GateHandler):
    """Every address the gate does not serve: the same plain page, whatever was asked."""

    def prepare(self) -> None:
        super().prepare()
        if not self._finished:
            log.info("no route for %s %s", self.request.method, self.request.path[:200])
            self.refuse(404, "not_found", "not_found_text", who=False)

    def check_xsrf_cookie(self) -> None:
        """Unknown addresses answer 404 whatever the method; there is nothing to protect."""
