"""The gate in this process, in front of a small stand-in for Voilà: logins, refusals, pages, kernel sockets.

Both servers run on an event loop in a background thread; the tests talk to the gate over real
sockets (``http.client`` for pages, tornado's websocket client for kernel sockets), as a browser would.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import email.utils
import http.client
import json
import logging
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import tornado.httpclient
import tornado.httpserver
import tornado.testing
import tornado.web
import tornado.websocket
from argon2 import PasswordHasher
from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1
from tornado.httpclient import HTTPClientError, HTTPRequest

from kit.core.visitor import HEADER, verify
from kit.server import users as accounts
from kit.server.app import make_app
from kit.server.catalog import Catalog
from kit.server.gate import COOKIE, Gate
from kit.server.kernelmsg import PROTOCOL_V1
from kit.server.security import allowed_hosts
from kit.server.users import add_user, remove_user

KEY = b"gate-test-key-" + b"k" * 18
TOKEN = "upstream-token-7f3a"
ALPHA, BETA = "20260110-090000", "20260111-090000"         # Beta is the newer run
PASSWORDS = {"vera": "vera-password-1", "mina": "mina-password-2", "fara": "fara-password-3"}
KERNEL = re.compile(r'"kernelId": "([0-9a-f-]{36})"')
EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
SECURITY = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


# -- a stand-in for Voilà ---------------------------------------------------------------------------

@dataclass
class Upstream:
    """What the stand-in saw: the kernels its pages started, each page request, each kernel frame."""

    port: int = 0
    kernels: set[str] = field(default_factory=set)
    pages: list[dict[str, Any]] = field(default_factory=list)
    frames: list[tuple[str, str | bytes]] = field(default_factory=list)
    shutdowns: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.kernels.clear()
        self.pages.clear()
        self.frames.clear()
        self.shutdowns.clear()


class Fake(tornado.web.RequestHandler):
    @property
    def seen(self) -> Upstream:
        return self.settings["seen"]

    def prepare(self) -> None:
        if self.request.headers.get("Authorization") != f"token {TOKEN}":
            raise tornado.web.HTTPError(403)


class FakePage(Fake):
    """A page: Voilà's config script with a new kernel's id, then what the page learnt of its request."""

    async def get(self, page: str) -> None:
        kernel = str(uuid.uuid4())
        self.seen.kernels.add(kernel)
        visitor = verify(self.request.headers.get(HEADER), KEY)
        shown = dataclasses.asdict(visitor) if visitor else None
        self.seen.pages.append({"page": page, "visitor": shown, "query": self.request.query})
        self.set_header("Content-Type", "text/html; charset=utf-8")
        config = json.dumps({"baseUrl": "/", "kernelId": kernel})
        cut = config.index(kernel) + 10                          # the id arrives in two pieces
        self.write('<!doctype html><html><head><script id="jupyter-config-data" type="application/json">' + config[:cut])
        await self.flush()
        await asyncio.sleep(0.01)
        self.write(config[cut:] + "</script></head><body>")
        self.write(f'<pre id="visitor">{json.dumps(shown)}</pre><pre id="query">{json.dumps(self.request.query)}</pre>')
        self.finish('<script src="/voila/static/x.js"></script></body></html>')


class FakeStatic(Fake):
    def get(self) -> None:
        self.set_header("Content-Type", "application/javascript")
        self.finish("console.log('widgets');\n")


class FakeKernel(Fake):
    def get(self, kernel: str) -> None:
        if kernel not in self.seen.kernels:
            raise tornado.web.HTTPError(404)
        self.finish({"id": kernel, "name": "python3", "execution_state": "idle"})


class FakeShutdown(Fake):
    def check_xsrf_cookie(self) -> None:
        pass

    def post(self, kernel: str) -> None:
        self.seen.shutdowns.append(kernel)
        self.finish()


class FakeChannels(tornado.websocket.WebSocketHandler):
    """A kernel's websocket: records every frame, answers each with the same frame."""

    async def get(self, kernel: str) -> None:
        if self.request.headers.get("Authorization") != f"token {TOKEN}" or kernel not in self.settings["seen"].kernels:
            raise tornado.web.HTTPError(403)
        await super().get(kernel)

    def select_subprotocol(self, subprotocols: list[str]) -> str | None:
        return PROTOCOL_V1 if PROTOCOL_V1 in subprotocols else None

    def on_message(self, message: str | bytes) -> None:
        self.settings["seen"].frames.append((self.path_args[0], message))
        self.write_message(message, binary=isinstance(message, bytes))


class FakeMissing(tornado.web.RequestHandler):
    def prepare(self) -> None:
        raise tornado.web.HTTPError(404)


def upstream_app(seen: Upstream) -> tornado.web.Application:
    uid = r"([0-9a-f-]{36})"
    return tornado.web.Application(
        [(r"/voila/render/(overview|exhibits|negative)\.ipynb", FakePage), (r"/voila/static/x\.js", FakeStatic),
         (rf"/api/kernels/{uid}", FakeKernel), (rf"/api/kernels/{uid}/channels", FakeChannels),
         (rf"/voila/api/shutdown/{uid}", FakeShutdown)],
        default_handler_class=FakeMissing, seen=seen)


# -- both servers on a loop in a background thread ---------------------------------------------------

class Loop:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float = 10.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def serve(self, app: tornado.web.Application) -> tuple[tornado.httpserver.HTTPServer, int]:
        async def start() -> tuple[tornado.httpserver.HTTPServer, int]:
            sock, port = tornado.testing.bind_unused_port()
            server = tornado.httpserver.HTTPServer(app)
            server.add_sockets([sock])
            return server, port
        return self.run(start())

    def stop(self, server: tornado.httpserver.HTTPServer) -> None:
        async def stop() -> None:
            server.stop()
            await server.close_all_connections()
        self.run(stop())

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture(scope="module")
def loop() -> Iterator[Loop]:
    lp = Loop()
    yield lp
    lp.close()


@pytest.fixture(scope="module")
def upstream(loop: Loop) -> Iterator[Upstream]:
    seen = Upstream()
    server, seen.port = loop.serve(upstream_app(seen))
    yield seen
    loop.stop(server)


def fake_run(runs_dir: Path, run_id: str, name: str, age_hours: float) -> None:
    run = runs_dir / run_id
    run.mkdir(parents=True)
    (run / "manifest.json").write_text(json.dumps({"run_id": run_id, "status": "succeeded"}), encoding="utf-8")
    (run / "summary.json").write_text(json.dumps({"name": name, "ui_language": "en", "exhibits": 5, "headline": {
        "nps": {"value": 14.2, "lo": 10, "hi": 18}}}), encoding="utf-8")
    stamp = time.time() - age_hours * 3600
    os.utime(run / "manifest.json", (stamp, stamp))


@pytest.fixture(scope="module")
def users_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three users, hashed once for the whole module, with cheap argon2 parameters (kept in each hash)."""
    path = tmp_path_factory.mktemp("users") / "users.json"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        add_user(path, "vera", "viewer", PASSWORDS["vera"], projects=("Alpha",))
        add_user(path, "mina", "participant", PASSWORDS["mina"], department="design")
        add_user(path, "fara", "facilitator", PASSWORDS["fara"])
    assert "$m=1024,t=1,p=1$" in path.read_text(encoding="utf-8")
    return path


@dataclass
class Served:
    gate: Gate
    port: int
    runs_dir: Path
    upstream: Upstream
    loop: Loop

    def client(self) -> Client:
        return Client(self)


def serve_gate(loop: Loop, upstream: Upstream, tmp_path: Path, users_path: Path, *, tls: bool = False,
               upstream_port: int | None = None) -> Iterator[Served]:
    upstream.reset()
    runs_dir = tmp_path / "reports"
    fake_run(runs_dir, ALPHA, "Alpha", age_hours=2)
    fake_run(runs_dir, BETA, "Beta", age_hours=1)
    gate = Gate(catalog=Catalog(runs_dir=runs_dir), users_path=users_path, allowed_hosts=allowed_hosts("127.0.0.1"),
                upstream_port=upstream_port or upstream.port, token=TOKEN, key=KEY, tls=tls)
    server, port = loop.serve(make_app(gate))
    yield Served(gate, port, runs_dir, upstream, loop)
    loop.stop(server)


def copy_users(users_template: Path, tmp_path: Path) -> Path:
    users_path = tmp_path / "reports" / "users.json"
    users_path.parent.mkdir(parents=True)
    shutil.copy(users_template, users_path)
    os.chmod(users_path, 0o600)
    return users_path


@pytest.fixture
def served(loop: Loop, upstream: Upstream, tmp_path: Path, users_template: Path) -> Iterator[Served]:
    """The gate with three users and two runs (Alpha and the newer Beta)."""
    yield from serve_gate(loop, upstream, tmp_path, copy_users(users_template, tmp_path))


@pytest.fixture
def tls_served(loop: Loop, upstream: Upstream, tmp_path: Path, users_template: Path) -> Iterator[Served]:
    """The gate as it is configured under TLS (served here over plain http: only its cookies are looked at)."""
    yield from serve_gate(loop, upstream, tmp_path, copy_users(users_template, tmp_path), tls=True)


@pytest.fixture
def orphan_served(loop: Loop, upstream: Upstream, tmp_path: Path) -> Iterator[Served]:
    """The gate with no users, in front of a page server that is not there."""
    sock, port = tornado.testing.bind_unused_port()
    sock.close()
    yield from serve_gate(loop, upstream, tmp_path, tmp_path / "no-users.json", upstream_port=port)


@pytest.fixture
def open_served(loop: Loop, upstream: Upstream, tmp_path: Path) -> Iterator[Served]:
    """The gate with no users file: one person's server on loopback."""
    yield from serve_gate(loop, upstream, tmp_path, tmp_path / "no-users.json")


# -- a browser, as far as these tests need one --------------------------------------------------------

@dataclass
class Reply:
    status: int
    headers: Message
    body: str

    @property
    def location(self) -> str | None:
        return self.headers.get("Location")

    def set_cookies(self) -> list[str]:
        return self.headers.get_all("Set-Cookie") or []


def check_reply(reply: Reply, what: str) -> None:
    """What every answer of the gate carries, and never carries."""
    csp = reply.headers.get("Content-Security-Policy") or ""
    assert "frame-ancestors 'none'" in csp, what
    for name, value in SECURITY.items():
        assert reply.headers.get(name) == value, (what, name)
    assert reply.headers.get("Server") is None, what
    assert not EXTERNAL.search(reply.body), (what, EXTERNAL.search(reply.body))


class Client:
    def __init__(self, served: Served) -> None:
        self.served = served
        self.cookies: dict[str, str] = {}
        self.replies: list[Reply] = []

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.served.port}"

    def request(self, method: str, path: str, form: dict[str, str] | None = None, *, host: str | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.served.port, timeout=15)
        sent = {"Host": host or f"127.0.0.1:{self.served.port}"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent.update(headers or {})
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            reply = Reply(response.status, response.headers, response.read().decode("utf-8", "replace"))
        finally:
            conn.close()
        for line in reply.set_cookies():
            name, _, value = line.split(";")[0].partition("=")
            if value.strip('"'):
                self.cookies[name] = value.strip('"')
            else:                                                 # an emptied cookie: the browser drops it
                self.cookies.pop(name, None)
        check_reply(reply, f"{method} {path}")
        self.replies.append(reply)
        return reply

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def xsrf(self) -> str:
        for page in ("/login", "/"):                    # with no users, /login sends the browser to /
            if "_xsrf" not in self.cookies:
                self.get(page)
        return self.cookies["_xsrf"]

    def post(self, path: str, form: dict[str, str] | None = None, **kwargs: Any) -> Reply:
        return self.request("POST", path, {"_xsrf": self.xsrf(), **(form or {})}, **kwargs)

    def login(self, name: str, password: str | None = None, next_: str | None = None) -> Reply:
        page = self.get("/login" + (f"?{urlencode({'next': next_})}" if next_ else ""))
        assert page.status == 200 and 'name="password"' in page.body
        form = {"username": name, "password": PASSWORDS.get(name, "") if password is None else password}
        if next_ is not None:
            form["next"] = next_
        return self.post("/login", form)

    def page(self, run: str = ALPHA, page: str = "overview", query: str = "") -> Reply:
        return self.get(f"/runs/{run}/voila/render/{page}.ipynb" + (f"?{query}" if query else ""))

    def kernel_of(self, reply: Reply) -> str:
        found = KERNEL.search(reply.body)
        assert found, reply.body[:300]
        return found.group(1)

    def socket(self, kernel: str, *, origin: str | None = None, host: str | None = None,
               subprotocols: list[str] | None = None) -> Socket:
        headers = {"Origin": origin or self.origin}
        if host:
            headers["Host"] = host
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = HTTPRequest(f"ws://127.0.0.1:{self.served.port}/api/kernels/{kernel}/channels?session_id=ab12",
                              headers=headers)
        async def connect() -> tornado.websocket.WebSocketClientConnection:
            return await tornado.websocket.websocket_connect(
                request, subprotocols=[PROTOCOL_V1] if subprotocols is None else subprotocols)
        conn = self.served.loop.run(connect())
        check_reply(Reply(101, conn.headers, ""), f"websocket to {kernel}")
        return Socket(conn, self.served.loop)


class Socket:
    def __init__(self, conn: tornado.websocket.WebSocketClientConnection, loop: Loop) -> None:
        self.conn, self.loop = conn, loop

    def send(self, frame: str | bytes) -> None:
        async def send() -> None:
            await self.conn.write_message(frame, binary=isinstance(frame, bytes))
        self.loop.run(send())

    def receive(self, timeout: float = 5.0) -> str | bytes | None:
        async def receive() -> str | bytes | None:
            return await asyncio.wait_for(self.conn.read_message(), timeout)
        return self.loop.run(receive(), timeout + 1)

    def close(self) -> None:
        async def close() -> None:
            self.conn.close()
        self.loop.run(close())


def message(msg_type: str, channel: str = "shell", content: dict[str, Any] | None = None) -> bytes:
    """A frame as a browser sends it under the v1 protocol."""
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "", "session": "ab12",
              "date": "2026-01-01T00:00:00Z", "version": "5.3"}
    msg = {"header": header, "parent_header": {}, "metadata": {}, "content": content or {}}
    return serialize_msg_to_ws_v1(msg, channel, pack=lambda o: json.dumps(o).encode())


def refused_socket(client: Client, kernel: str, **kwargs: Any) -> int:
    with pytest.raises(HTTPClientError) as caught:
        client.socket(kernel, **kwargs)
    return caught.value.code


def visitor_in(reply: Reply) -> dict[str, Any] | None:
    found = re.search(r'<pre id="visitor">(.*?)</pre>', reply.body)
    assert found, reply.body[:300]
    return json.loads(found.group(1))


def query_in(reply: Reply) -> str:
    found = re.search(r'<pre id="query">(.*?)</pre>', reply.body)
    assert found, reply.body[:300]
    return json.loads(found.group(1))


# -- before logging in -------------------------------------------------------------------------------

def test_nothing_is_served_before_logging_in(served: Served) -> None:
    mina = served.client()
    assert mina.login("mina").status == 302
    kernel = mina.kernel_of(mina.page())                  # a real kernel exists: a stranger still gets nothing
    stranger = served.client()
    made_up = str(uuid.uuid4())
    routes = [
        ("GET", "/"), ("GET", f"/runs/{ALPHA}/voila/render/overview.ipynb"), ("GET", f"/runs/{BETA}/voila/render/negative.ipynb"),
        ("GET", "/voila/render/exhibits.ipynb"), ("GET", "/voila/static/x.js"), ("GET", f"/api/kernels/{kernel}"),
        ("GET", f"/api/kernels/{made_up}"), ("GET", f"/api/kernels/{kernel}/channels"),
        ("POST", f"/voila/api/shutdown/{kernel}"), ("GET", "/voila/tree"), ("GET", "/voila/tree/reports"),
        ("GET", "/voila/api/contents"), ("GET", "/voila/api/contents/reports"), ("GET", "/voila/files/x"),
        ("GET", f"/voila/files/reports/{ALPHA}/summary.json"), ("GET", "/api/kernels"), ("GET", "/api/sessions"),
        ("POST", "/api/kernels"), ("DELETE", f"/api/kernels/{kernel}"), ("GET", f"/voila/query/{kernel}"),
        ("GET", "/voila/render/../../etc/passwd"), ("GET", f"/runs/{ALPHA}/summary.json"), ("GET", "/runs/"),
        ("GET", "/api/status"), ("GET", "/favicon.ico"),
    ]
    secrets = ("Alpha", "Beta", ALPHA, BETA, str(served.runs_dir), str(served.runs_dir.parent), "kernelId", kernel,
               TOKEN)
    for method, path in routes:
        reply = stranger.request(method, path)
        assert reply.status in (302, 401, 403, 404, 405), (method, path, reply.status)
        if reply.status == 302:
            assert reply.location.startswith("/login?next="), (method, path)
        for secret in secrets:
            assert secret not in reply.body, (method, path, secret)
    with_origin = stranger.request("POST", f"/voila/api/shutdown/{kernel}", headers={"Origin": stranger.origin})
    assert with_origin.status == 401 and kernel not in with_origin.body
    assert refused_socket(stranger, kernel) == 401
    assert served.upstream.shutdowns == []
    assert len(served.upstream.pages) == 1                 # only mina's page reached the page server


def test_pages_send_a_stranger_to_the_login_form_and_back(served: Served) -> None:
    stranger = served.client()
    reply = stranger.page(BETA, "exhibits", "q=late")
    assert reply.status == 302
    assert reply.location == "/login?" + urlencode({"next": f"/runs/{BETA}/voila/render/exhibits.ipynb?q=late"})
    form = stranger.get(reply.location)
    assert form.status == 200
    assert f'value="/runs/{BETA}/voila/render/exhibits.ipynb?q=late"' in form.body
    assert 'name="_xsrf"' in form.body


# -- names, origins and headers ------------------------------------------------------------------------

def test_a_host_the_server_does_not_serve_is_refused(served: Served) -> None:
    mina = served.client()
    mina.login("mina")
    kernel = mina.kernel_of(mina.page())
    pages_before = len(served.upstream.pages)
    for path in ("/", "/login", f"/runs/{ALPHA}/voila/render/overview.ipynb", "/voila/static/x.js",
                 f"/api/kernels/{kernel}", "/voila/tree"):
        for host in ("evil.example", f"evil.example:{served.port}", "localhost.evil.example", "127.0.0.1.evil.example"):
            reply = mina.get(path, host=host)
            assert reply.status == 403, (path, host)
            assert "Alpha" not in reply.body and "kernelId" not in reply.body
    login = mina.post("/login", {"username": "mina", "password": PASSWORDS["mina"]}, host="evil.example")
    assert login.status == 403 and not any(c.startswith(COOKIE) for c in login.set_cookies())
    assert refused_socket(mina, kernel, host="evil.example") == 403
    assert refused_socket(mina, kernel, host=f"evil.example:{served.port}", origin=f"http://evil.example:{served.port}") == 403
    assert len(served.upstream.pages) == pages_before


def test_a_websocket_opened_from_another_site_is_refused(served: Served) -> None:
    mina = served.client()
    mina.login("mina")
    kernel = mina.kernel_of(mina.page())
    for origin in ("http://evil.example", f"http://evil.example:{served.port}", f"http://localhost:{served.port}",
                   "http://127.0.0.1:1", "null"):
        assert refused_socket(mina, kernel, origin=origin) == 403, origin
    assert served.upstream.frames == []
    ok = mina.socket(kernel)
    ok.close()


def test_every_answer_carries_the_security_headers(served: Served) -> None:
    client = served.client()
    client.get("/")
    client.get("/login")
    client.get("/nothing/here")
    client.login("mina", "wrong password")
    client.login("mina")
    client.get("/")
    client.page()
    client.get("/voila/static/x.js")
    client.get(f"/runs/{BETA}/voila/render/overview.ipynb")
    client.post("/logout")
    assert {r.status for r in client.replies} >= {200, 302, 401, 404}
    for reply in client.replies:                          # checked on arrival as well, by Client.request
        csp = reply.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
        assert reply.headers["Referrer-Policy"] == "no-referrer"
    assert client.replies[0].headers["Cache-Control"] == "no-store"


# -- after logging in ---------------------------------------------------------------------------------

def test_the_landing_page_lists_the_runs_a_login_may_see(served: Served) -> None:
    vera, mina = served.client(), served.client()
    vera.login("vera")
    landing = vera.get("/")
    assert landing.status == 200
    assert "Alpha" in landing.body and ALPHA in landing.body
    assert "Beta" not in landing.body and BETA not in landing.body
    assert f'href="/runs/{ALPHA}/voila/render/overview.ipynb"' in landing.body
    assert "vera · viewer" in landing.body and 'action="/logout"' in landing.body
    assert str(served.runs_dir) not in landing.body
    mina.login("mina")
    both = mina.get("/")
    assert both.body.index(BETA) < both.body.index(ALPHA)          # newest first


def test_a_run_of_another_project_is_refused_without_its_data(served: Served, caplog: pytest.LogCaptureFixture) -> None:
    vera = served.client()
    vera.login("vera")
    for page in ("overview", "exhibits", "negative"):
        reply = vera.page(BETA, page)
        assert reply.status == 403
        for secret in ("Beta", BETA, "kernelId", "14.2"):
            assert secret not in reply.body
    assert served.upstream.pages == []
    assert "may not see project 'Beta'" in caplog.text
    assert vera.page("20990101-000000").status == 404
    assert vera.page("..").status in (403, 404)


def test_the_old_page_address_goes_to_the_newest_run_this_login_may_see(served: Served) -> None:
    vera, mina = served.client(), served.client()
    vera.login("vera")
    mina.login("mina")
    assert vera.get("/voila/render/exhibits.ipynb?q=late").location == f"/runs/{ALPHA}/voila/render/exhibits.ipynb?q=late"
    assert mina.get("/voila/render/overview.ipynb").location == f"/runs/{BETA}/voila/render/overview.ipynb"


@pytest.mark.parametrize(("name", "role", "projects"), [("vera", "viewer", ["Alpha"]), ("mina", "participant", []),
                                                        ("fara", "facilitator", [])])
def test_a_page_request_carries_the_visitor_signed_by_the_gate(served: Served, name: str, role: str,
                                                               projects: list[str]) -> None:
    client = served.client()
    client.login(name)
    reply = client.page(ALPHA, "negative")
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/html")
    visitor = visitor_in(reply)
    assert visitor is not None, "the page server could not verify the visitor header"
    assert (visitor["name"], visitor["role"], visitor["run"], visitor["login"]) == (name, role, ALPHA, True)
    assert list(visitor["projects"]) == projects
    assert visitor["department"] == ("design" if name == "mina" else "other")
    assert served.upstream.pages[-1]["page"] == "negative"


def test_only_the_gallery_filters_reach_the_page_server(served: Served) -> None:
    mina = served.client()
    mina.login("mina")
    reply = mina.page(ALPHA, "exhibits", "template=lab&theme=dark&token=x&q=abc&voila-template=x&kernel_name=bash")
    assert reply.status == 200
    assert query_in(reply) == "q=abc"
    long = mina.page(ALPHA, "exhibits", urlencode({"q": "a" * 5000, "stage": "pay", "exhibit": "E1", "x": "y"}))
    assert query_in(long) == urlencode({"q": "a" * 200, "stage": "pay", "exhibit": "E1"})
    assert query_in(mina.page(ALPHA, "exhibits")) == ""
    assert all(p["visitor"]["name"] == "mina" for p in served.upstream.pages)


def test_a_forged_visitor_header_from_the_browser_is_replaced(served: Served) -> None:
    vera = served.client()
    vera.login("vera")
    forged = "eyJuYW1lIjoiZmFyYSJ9.AAAA"
    reply = vera.get(f"/runs/{ALPHA}/voila/render/overview.ipynb", headers={HEADER: forged, "Authorization": "token x"})
    assert reply.status == 200
    assert visitor_in(reply)["name"] == "vera" and visitor_in(reply)["role"] == "viewer"


def test_static_files_are_passed_on_after_login(served: Served) -> None:
    mina = served.client()
    mina.login("mina")
    js = mina.get("/voila/static/x.js")
    assert js.status == 200 and "widgets" in js.body
    assert js.headers["Content-Type"] == "application/javascript"
    assert mina.get("/voila/static/missing.js").status == 404
    assert mina.get("/voila/static/%2e%2e/%2e%2e/api/kernels").status == 404


# -- kernels belong to the session whose page started them ---------------------------------------------

def test_a_kernel_opens_only_for_the_session_that_got_its_page(served: Served) -> None:
    mina, fara = served.client(), served.client()
    mina.login("mina")
    fara.login("fara")
    kernel = mina.kernel_of(mina.page())
    assert kernel in served.upstream.kernels
    model = mina.get(f"/api/kernels/{kernel}")
    assert model.status == 200 and json.loads(model.body)["id"] == kernel
    refused = fara.get(f"/api/kernels/{kernel}")
    assert refused.status == 403 and kernel not in refused.body
    assert refused_socket(fara, kernel) == 403
    mina_elsewhere = served.client()                      # the same person in another session is another session
    mina_elsewhere.login("mina")
    assert mina_elsewhere.get(f"/api/kernels/{kernel}").status == 403
    assert refused_socket(mina_elsewhere, kernel) == 403
    assert mina.get(f"/api/kernels/{uuid.uuid4()}").status == 403
    ws = mina.socket(kernel)
    assert ws.conn.selected_subprotocol == PROTOCOL_V1
    ws.close()


def test_a_page_may_shut_down_only_its_own_kernel(served: Served) -> None:
    mina, fara = served.client(), served.client()
    mina.login("mina")
    fara.login("fara")
    kernel = mina.kernel_of(mina.page())
    assert fara.request("POST", f"/voila/api/shutdown/{kernel}", headers={"Origin": fara.origin}).status == 403
    assert mina.request("POST", f"/voila/api/shutdown/{kernel}").status == 403           # no Origin
    assert mina.request("POST", f"/voila/api/shutdown/{kernel}", headers={"Origin": "http://evil.example"}).status == 403
    assert served.upstream.shutdowns == []
    assert mina.request("POST", f"/voila/api/shutdown/{kernel}", headers={"Origin": mina.origin}).status == 200
    assert served.upstream.shutdowns == [kernel]


def test_the_relay_passes_widget_messages_and_drops_code(served: Served, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="cxkit.server")
    mina = served.client()
    mina.login("mina")
    kernel = mina.kernel_of(mina.page())
    ws = mina.socket(kernel)
    try:
        code = message("execute_request", content={"code": "import os; os.system('id')", "silent": False})
        ws.send(code)
        ws.send(message("complete_request", content={"code": "os.", "cursor_pos": 3}))
        ws.send(message("shutdown_request", "control", {"restart": False}))
        ws.send(b"\x07\x00garbage")
        info = message("kernel_info_request")
        ws.send(info)
        assert ws.receive() == info                          # the fake kernel answers each frame it gets
        update = message("comm_msg", content={"comm_id": "c1", "data": {"method": "update", "state": {"value": "x"}}})
        ws.send(update)
        assert ws.receive() == update
        assert served.upstream.frames == [(kernel, info), (kernel, update)]
    finally:
        ws.close()
    refusals = [r.getMessage() for r in caplog.records if r.name == "cxkit.server" and r.levelno == logging.WARNING
                and "refused a kernel message" in r.getMessage()]
    assert len(refusals) == 4
    assert "mina" in refusals[0] and "execute_request" in refusals[0]
    assert "import os" not in caplog.text


def test_a_facilitator_may_send_a_larger_widget_message_than_a_participant(served: Served) -> None:
    mina, fara = served.client(), served.client()
    mina.login("mina")
    fara.login("fara")
    upload = message("comm_msg", content={"comm_id": "c1", "data": {"method": "update", "state": {"v": "x" * 200_000}}})
    small = message("kernel_info_request")
    for client, passes in ((mina, False), (fara, True)):
        kernel = client.kernel_of(client.page())
        ws = client.socket(kernel)
        try:
            ws.send(upload)
            ws.send(small)
            answers = [ws.receive()]
            if passes:
                answers.append(ws.receive())
            assert answers == ([upload, small] if passes else [small])
        finally:
            ws.close()
    kernel = fara.kernel_of(fara.page())
    ws = fara.socket(kernel)
    before = len(served.upstream.frames)
    try:
        ws.send(message("comm_msg", content={"comm_id": "c1", "data": {"method": "update", "state": {"v": "x" * 5_000_000}}}))
    except tornado.websocket.WebSocketClosedError:
        pass                                                     # closed by the gate while it was still being sent
    assert ws.receive() is None                                  # over the gate's message size: the socket is closed
    assert len(served.upstream.frames) == before


# -- logging in and out ----------------------------------------------------------------------------------

def test_a_wrong_password_gets_the_form_again_and_no_cookie(served: Served) -> None:
    client = served.client()
    for name, password in (("mina", "wrong password"), ("mina", ""), ("nobody", "whatever123"), ("", ""),
                           ("MINA", PASSWORDS["vera"])):
        reply = client.login(name, password)
        assert reply.status == 401
        assert 'name="password"' in reply.body and "do not match" in reply.body
        assert not any(c.startswith(COOKIE) for c in reply.set_cookies())
        assert PASSWORDS["vera"] not in reply.body
    assert COOKIE not in client.cookies
    assert client.get("/").status == 302


def test_what_the_login_form_shows_again_is_text_not_markup(served: Served) -> None:
    client = served.client()
    reply = client.login("<script>alert(1)</script>", "wrong password")
    assert reply.status == 401 and "<script>alert(1)" not in reply.body and "&lt;script&gt;" in reply.body
    form = client.get("/login?" + urlencode({"next": '/"><script>alert(2)</script>'}))
    assert "<script>alert(2)" not in form.body and 'value="/&quot;&gt;&lt;script&gt;' in form.body


def test_under_tls_the_cookies_are_secure(tls_served: Served) -> None:
    client = tls_served.client()
    reply = client.login("mina")
    assert reply.status == 302
    session = next(c for c in reply.set_cookies() if c.startswith(f"{COOKIE}="))
    assert "secure" in session.lower() and "httponly" in session.lower() and "samesite=lax" in session.lower()
    xsrf = next(c for r in client.replies for c in r.set_cookies() if c.startswith("_xsrf="))
    assert "secure" in xsrf.lower()


def test_names_are_matched_without_case(served: Served) -> None:
    client = served.client()
    assert client.login("MINA", PASSWORDS["mina"]).status == 302
    assert "mina · participant" in client.get("/").body


def test_a_login_without_the_form_token_is_refused(served: Served) -> None:
    client = served.client()
    reply = client.request("POST", "/login", {"username": "mina", "password": PASSWORDS["mina"]})
    assert reply.status == 403
    assert not any(c.startswith(COOKIE) for c in reply.set_cookies())


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "/\\evil.example", "\\\\evil.example",
                                    "javascript:alert(1)", "evil.example", "/ok path", "", "/" + "x" * 3000])
def test_after_login_the_browser_never_leaves_this_server(served: Served, target: str) -> None:
    client = served.client()
    form = client.get("/login?" + urlencode({"next": target}))
    assert 'name="next" value="/"' in form.body
    reply = client.login("mina", next_=target)
    assert reply.status == 302 and reply.location == "/"


def test_after_login_the_browser_returns_where_it_was_going(served: Served) -> None:
    client = served.client()
    target = f"/runs/{ALPHA}/voila/render/exhibits.ipynb?q=late"
    assert client.login("mina", next_=target).location == target


def test_the_session_cookie_is_http_only_and_same_site_lax(served: Served) -> None:
    client = served.client()
    reply = client.login("mina")
    cookies = [c for c in reply.set_cookies() if c.startswith(f"{COOKIE}=")]
    assert len(cookies) == 1
    attributes = {a.strip().split("=")[0].lower(): a.strip() for a in cookies[0].split(";")[1:]}
    assert "httponly" in attributes
    assert attributes["samesite"].lower() == "samesite=lax"
    assert attributes["path"] == "Path=/"
    assert "secure" not in attributes                       # plain http here; TLS adds Secure
    value = client.cookies[COOKIE]
    assert "mina" not in value.lower() and len(value) >= 40
    xsrf = [c for c in client.replies[0].set_cookies() if c.startswith("_xsrf=")]
    assert xsrf and "httponly" in xsrf[0].lower() and "samesite=strict" in xsrf[0].lower()


def test_logout_ends_the_session(served: Served) -> None:
    client = served.client()
    client.login("mina")
    kernel = client.kernel_of(client.page())
    old = dict(client.cookies)
    reply = client.post("/logout")
    assert reply.status == 302 and reply.location == "/login"
    cleared = [c for c in reply.set_cookies() if c.startswith(f"{COOKIE}=")]
    assert len(cleared) == 1 and "expires=" in cleared[0].lower() and "Path=/" in cleared[0]
    expires = email.utils.parsedate_to_datetime(re.search(r"expires=([^;]+)", cleared[0], re.I).group(1))
    assert expires < datetime.datetime.now(datetime.UTC)
    assert COOKIE not in client.cookies
    replay = served.client()
    replay.cookies = old                                       # the cookie kept by someone who copied it
    assert replay.get("/").status == 302
    assert replay.page().status == 302
    assert replay.get(f"/api/kernels/{kernel}").status == 401
    assert refused_socket(replay, kernel) == 401


def test_logout_needs_the_form_token(served: Served) -> None:
    client = served.client()
    client.login("mina")
    assert client.request("POST", "/logout").status == 403      # a cross-site form cannot log anybody out
    assert client.get("/").status == 200


def test_a_removed_user_is_logged_out(served: Served) -> None:
    mina, fara = served.client(), served.client()
    mina.login("mina")
    fara.login("fara")
    kernel = mina.kernel_of(mina.page())
    ws = mina.socket(kernel)
    ws.close()
    time.sleep(0.01)
    remove_user(served.gate.users_path, "mina")
    assert mina.get("/").status == 302
    assert mina.page().status == 302
    assert mina.get(f"/api/kernels/{kernel}").status == 401
    assert refused_socket(mina, kernel) == 401
    assert mina.login("mina").status == 401
    assert fara.get("/").status == 200


def test_repeated_wrong_passwords_for_one_name_are_answered_ever_later(served: Served) -> None:
    client = served.client()
    client.get("/login")
    took = []
    for _ in range(5):
        start = time.monotonic()
        assert client.post("/login", {"username": "fara", "password": "not the password"}).status == 401
        took.append(time.monotonic() - start)
    assert all(t < 1.0 for t in took[:3]), took
    assert took[3] >= 1.0 and took[4] >= 2.0, took
    other = served.client()
    start = time.monotonic()
    assert other.login("vera").status == 302                  # another name is not slowed down
    assert time.monotonic() - start < 1.0


# -- a server with no users -------------------------------------------------------------------------------

def test_without_users_the_pages_work_without_login(open_served: Served) -> None:
    client = open_served.client()
    landing = client.get("/")
    assert landing.status == 200
    assert "Alpha" in landing.body and "Beta" in landing.body and 'action="/logout"' not in landing.body
    assert client.get("/login").location == "/"
    reply = client.page(BETA, "exhibits", "q=abc&token=x")
    assert reply.status == 200
    visitor = visitor_in(reply)
    assert visitor is not None
    assert (visitor["login"], visitor["name"], visitor["role"], visitor["run"]) == (False, "", "facilitator", BETA)
    assert query_in(reply) == "q=abc"
    kernel = client.kernel_of(reply)
    assert client.get(f"/api/kernels/{kernel}").status == 200
    assert client.get(f"/api/kernels/{uuid.uuid4()}").status == 403
    ws = client.socket(kernel)
    try:
        ws.send(message("execute_request", content={"code": "1"}))
        info = message("kernel_info_request")
        ws.send(info)
        assert ws.receive() == info
        assert open_served.upstream.frames == [(kernel, info)]
    finally:
        ws.close()
    assert client.get("/", host="evil.example").status == 403
    assert refused_socket(client, kernel, origin="http://evil.example") == 403
    assert COOKIE not in client.cookies


def test_without_users_a_login_attempt_gets_nothing(open_served: Served) -> None:
    client = open_served.client()
    reply = client.post("/login", {"username": "fara", "password": "anything-at-all"})
    assert reply.status == 401
    assert COOKIE not in client.cookies



def test_a_page_server_that_is_down_gives_a_plain_error(orphan_served: Served, caplog: pytest.LogCaptureFixture) -> None:
    client = orphan_served.client()
    assert client.get("/").status == 200
    kernel = str(uuid.uuid4())
    orphan_served.gate.open_kernels.add(kernel)
    for path in (f"/runs/{ALPHA}/voila/render/overview.ipynb", "/voila/static/x.js", f"/api/kernels/{kernel}"):
        reply = client.get(path)
        assert reply.status == 502, path
        for secret in ("Traceback", "Error", str(orphan_served.runs_dir), TOKEN, "127.0.0.1:"):
            assert secret not in reply.body, (path, secret)
    shutdown = client.request("POST", f"/voila/api/shutdown/{kernel}", headers={"Origin": client.origin})
    assert shutdown.status == 200
    with pytest.raises(tornado.httpclient.HTTPClientError) as refused:   # no kernel behind it: no handshake
        client.socket(kernel)
    assert refused.value.code == 404
    assert "could not be reached for overview" in caplog.text
    assert not [r for r in caplog.records if r.name == "tornado.application"], "an uncaught exception in the gate"
