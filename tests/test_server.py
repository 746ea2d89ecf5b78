"""The team server as a room uses it: `cxkit serve` over a folder of two runs, with users of every role.

Each role logs in in a browser of its own and sees what it may; a participant's vote counts under
their name; a facilitator exports; a viewer limited to one project gets 403 on the other. Over plain
HTTP and websockets: nothing answers without a login, a foreign Host is refused, a logged-in viewer's
``execute_request`` runs nothing, wrong passwords slow down, and SIGTERM ends everything in 10 s.
"""

from __future__ import annotations

import asyncio
import base64
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
import tornado.gen
import tornado.httpclient
import tornado.util
import tornado.websocket
from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1
from tornado.ioloop import IOLoop

from kit.core import runfolder
from kit.server.users import add_user
from kit.workshop import store as workshop
from tests.browser_support import LOCAL, gate_server

pytestmark = pytest.mark.browser
LOAD_MS = 180_000
PASSWORDS = {"vera": "viewer-pass-1", "mina": "participant-pass-1", "ana": "analyst-pass-1", "fara": "facilitator-pass-1"}
EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two runs of two projects: the sample's, and a copy renamed to another project.

    ``CXKIT_TEST_RUN=<run folder>`` copies an existing run instead of running the pipeline first.
    """
    given = os.environ.get("CXKIT_TEST_RUN")
    sample_run = Path(given) if given else request.getfixturevalue("sample_run")
    folder = tmp_path_factory.mktemp("served-runs")
    for run_id, project in (("20260101-000000", None), ("20260102-000000", "Other project")):
        copy = folder / run_id
        shutil.copytree(sample_run, copy, symlinks=True)
        (copy / workshop.DB_NAME).unlink(missing_ok=True)
        if project:
            summary = runfolder.read_summary(copy)
            runfolder.write_summary(copy, {**summary, "name": project})
    users = folder / "users.json"
    sample_project = runfolder.read_summary(folder / "20260101-000000")["name"]
    add_user(users, "vera", "viewer", PASSWORDS["vera"], projects=(sample_project,))
    add_user(users, "mina", "participant", PASSWORDS["mina"], department="design")
    add_user(users, "ana", "analyst", PASSWORDS["ana"], department="business")
    add_user(users, "fara", "facilitator", PASSWORDS["fara"], department="engineering")
    return folder


@pytest.fixture(scope="module")
def server(runs: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with gate_server(runs, tmp_path_factory.mktemp("serve-home")) as (url, _):
        yield url


def log_in(browser: object, url: str, name: str) -> tuple[object, object]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.errors, page.remote, page.responses = [], [], []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: page.errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("response", lambda r: page.responses.append(r))
    page.on("request", lambda r: None if r.url.startswith(LOCAL) else page.remote.append(r.url))
    page.goto(url + "/", wait_until="domcontentloaded", timeout=LOAD_MS)
    assert "/login" in page.url
    assert scan_responses(page) >= 1                     # the login page
    page.fill("#username", name)
    page.fill("#password", PASSWORDS[name])
    page.click("button[type=submit]")
    page.wait_for_selector("table, .card", timeout=30_000)
    assert scan_responses(page) >= 1                     # the runs
    return ctx, page


def gallery(page: object, url: str, run_id: str, query: str = "") -> None:
    page.goto(f"{url}/runs/{run_id}/voila/render/exhibits.ipynb{query}", wait_until="domcontentloaded", timeout=LOAD_MS)
    page.wait_for_selector(".cx-cardgrid .cx-card", timeout=LOAD_MS)


def first_quote(run: Path) -> str:
    return next(r["id"] for r in runfolder.read_exhibits(run) if r["kind"] in ("quote", "photo"))


def scan_responses(page: object, runs: Path | None = None) -> int:
    """The answers the browser got for the page now shown: no reference to another site in markup or
    style, no server path anywhere. Call it before navigating away (the bodies go with the page)."""
    scanned = 0
    responses, page.responses[:] = list(page.responses), []
    for response in responses:
        kind = response.headers.get("content-type", "")
        if response.status != 200 or not any(t in kind for t in ("html", "css", "javascript", "json")):
            continue
        body = response.text()
        scanned += 1
        assert "/tmp/" not in body and (runs is None or str(runs) not in body), response.url
        if "html" in kind or "css" in kind:
            assert not EXTERNAL.search(body), (response.url, EXTERNAL.search(body))
            assert "url(http" not in body.replace(" ", ""), response.url
    return scanned


def test_each_role_sees_what_it_may(browser, server: str, runs: Path) -> None:
    run_id = "20260101-000000"
    seen = {}
    for name in ("vera", "mina", "ana", "fara"):
        ctx, page = log_in(browser, server, name)
        seen[name] = page.inner_text("table")
        gallery(page, server, run_id)
        page.wait_for_timeout(1500)
        text = page.inner_text("body")
        seen[name + "-gallery"] = text
        seen[name + "-tools"] = page.locator(".cx-ws-voting").count(), page.locator(".cx-ws-export-button").count()
        assert not page.errors, page.errors
        assert not page.remote, page.remote
        assert "Traceback" not in text
        if name == "fara":
            page.screenshot(path=str(runs / "facilitator-gallery.png"))
        assert scan_responses(page, runs) >= 5
        ctx.close()
    assert "Other project" not in seen["vera"] and "Other project" in seen["mina"]
    assert "Your name" not in seen["mina-gallery"]            # no self-typed join form behind a login
    assert "mina" in seen["mina-gallery"]
    assert seen["vera-tools"] == (0, 0) and seen["mina-tools"] == (0, 0)
    assert seen["ana-tools"] == (0, 1) and seen["fara-tools"] == (1, 1)


def test_a_viewer_gets_403_for_a_project_not_granted(browser, server: str) -> None:
    ctx, page = log_in(browser, server, "vera")
    response = page.goto(f"{server}/runs/20260102-000000/voila/render/overview.ipynb", timeout=LOAD_MS)
    assert response.status == 403
    assert "Other project" not in page.content() and "kernelId" not in page.content()
    ctx.close()


def test_a_participant_votes_under_their_name_and_a_viewer_cannot(browser, server: str, runs: Path) -> None:
    run = runs / "20260101-000000"
    exhibit = first_quote(run)
    ctx, page = log_in(browser, server, "vera")
    gallery(page, server, run.name, f"?exhibit={exhibit}")
    page.wait_for_selector(".cx-ws-panel .cx-ws-tally-box", timeout=60_000)
    page.wait_for_timeout(1000)
    assert not page.locator(".cx-ws-panel button.cx-ws-up").is_visible()
    ctx.close()
    ctx, page = log_in(browser, server, "mina")
    gallery(page, server, run.name, f"?exhibit={exhibit}")
    page.click(".cx-ws-panel button.cx-ws-up", timeout=60_000)
    page.wait_for_function("document.querySelector('.cx-ws-my-dots')?.textContent === '1'", timeout=30_000)
    ctx.close()
    rows = workshop.Workshop(run, readonly=True).rows()
    votes = [r for r in rows if r["exhibit_id"] == exhibit and r["votes"]]
    assert [(r["name"], r["department"], r["votes"]) for r in votes] == [("mina", "design", 1)], rows


def test_a_facilitator_exports_the_workshop(browser, server: str, runs: Path) -> None:
    run = runs / "20260101-000000"
    shop = workshop.Workshop(run)
    shop.vote(shop.join_login("ana", "business").token, first_quote(run))
    ctx, page = log_in(browser, server, "fara")
    gallery(page, server, "20260101-000000")
    page.click(".cx-ws-export-button", timeout=60_000)
    link = page.wait_for_selector("a.cx-ws-export", timeout=30_000)
    href = link.get_attribute("href")
    assert href.startswith("data:text/csv;base64,")
    text = base64.b64decode(href.split(",", 1)[1]).decode("utf-8")
    assert "ana" in text and "business" in text, text
    ctx.close()


# --- over plain HTTP and websockets --------------------------------------------------------------

ROUTES = ("/", "/runs/20260101-000000/voila/render/overview.ipynb", "/voila/render/exhibits.ipynb",
          "/voila/tree", "/voila/api/contents", "/voila/files/summary.json", "/api/kernels", "/api/sessions",
          "/api/contents", "/voila/static/voila.js", "/tree", "/login?next=//evil.example")


def _fetch(url: str, opener: urllib.request.OpenerDirector | None = None, **headers: str) -> tuple[int, str, dict]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with (opener or urllib.request.build_opener(NoRedirect)).open(request, timeout=120) as r:
            return r.status, r.read().decode("utf-8", "replace"), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace"), dict(e.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib's signature
        return None


def _session(url: str, name: str) -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(url + "/login", timeout=60).read().decode()
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"username": name, "password": PASSWORDS[name], "_xsrf": xsrf, "next": "/"}).encode()
    opener.open(url + "/login", data=body, timeout=60).read()
    return opener, jar


def test_nothing_answers_without_a_login(server: str, runs: Path) -> None:
    for route in ROUTES:
        status, body, headers = _fetch(server + route)
        assert status in (302, 401, 403, 404) or route.startswith("/login"), (route, status)
        for secret in ("Other project", "20260101-000000/", str(runs), "kernelId", "NourishPath"):
            assert secret not in body, (route, secret)
        assert "frame-ancestors 'none'" in headers.get("Content-Security-Policy", ""), route
        assert headers.get("X-Content-Type-Options") == "nosniff"
        assert not EXTERNAL.search(body), (route, body[:500])


def test_a_foreign_host_is_refused(server: str) -> None:
    for route in ("/login", "/", "/runs/20260101-000000/voila/render/overview.ipynb"):
        status, body, _ = _fetch(server + route, Host="evil.example")
        assert status == 403 and "NourishPath" not in body


def _ws(url: str, cookies: str, host: str, origin: str):
    request = tornado.httpclient.HTTPRequest(url, headers={"Cookie": cookies, "Host": host, "Origin": origin})
    return tornado.websocket.websocket_connect(request, subprotocols=["v1.kernel.websocket.jupyter.org"])


def _frame(msg_type: str, content: dict, channel: str = "shell") -> bytes:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "x", "session": uuid.uuid4().hex,
              "date": "2026-01-01T00:00:00Z", "version": "5.3"}
    msg = {"header": header, "parent_header": {}, "metadata": {}, "content": content}
    return serialize_msg_to_ws_v1(msg, channel, pack=lambda part: json.dumps(part).encode())


def test_a_logged_in_viewer_cannot_run_code_and_a_foreign_host_cannot_connect(server: str, tmp_path: Path) -> None:
    opener, jar = _session(server, "vera")
    status, page, _ = _fetch(server + "/runs/20260101-000000/voila/render/overview.ipynb", opener)
    assert status == 200
    kernel = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page).group(1)
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    host = urllib.parse.urlsplit(server).netloc
    ws_url = server.replace("http://", "ws://") + f"/api/kernels/{kernel}/channels"
    target = tmp_path / "pwned.txt"

    async def attempt() -> tuple[bool, list[str]]:
        with pytest.raises((tornado.websocket.WebSocketError, tornado.httpclient.HTTPClientError, OSError)):
            await _ws(ws_url, cookies, "evil.example", "http://evil.example")
        with pytest.raises((tornado.websocket.WebSocketError, tornado.httpclient.HTTPClientError, OSError)):
            await _ws(ws_url, cookies, host, "http://evil.example")
        conn = await _ws(ws_url, cookies, host, f"http://{host}")
        code = f"open({str(target)!r}, 'w').write('x')"
        await conn.write_message(_frame("execute_request", {"code": code, "silent": False}), binary=True)
        await conn.write_message(_frame("kernel_info_request", {}), binary=True)
        seen: list[str] = []
        while not any("kernel_info_reply" in s for s in seen):
            message = await conn.read_message()        # the run_sync timeout bounds the wait
            if message is None:
                break
            seen.append(message if isinstance(message, str) else message.decode("utf-8", "ignore"))
        try:                                             # 5 s more for an execute_reply, were one coming
            while (message := await tornado.gen.with_timeout(IOLoop.current().time() + 5, conn.read_message())):
                seen.append(message if isinstance(message, str) else message.decode("utf-8", "ignore"))
        except tornado.util.TimeoutError:
            pass
        conn.close()
        return True, seen

    seen: list[str] = []
    # Playwright's event loop runs in this thread: the websocket client gets a thread of its own.
    worker = threading.Thread(target=lambda: seen.extend(asyncio.run(asyncio.wait_for(attempt(), 60))[1]))
    worker.start()
    worker.join(90)
    time.sleep(3)
    assert any("kernel_info_reply" in s for s in seen), "the kernel's own channel works for the page"
    assert not any("execute_reply" in s or "execute_input" in s for s in seen)
    assert not target.exists()


def test_wrong_passwords_slow_down(server: str) -> None:
    took = []
    for _ in range(6):
        form = urllib.request.urlopen(server + "/login", timeout=60)
        cookie = form.headers["Set-Cookie"].split(";")[0]
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form.read().decode()).group(1)
        body = urllib.parse.urlencode({"username": "mina", "password": "wrong", "_xsrf": xsrf}).encode()
        t0 = time.monotonic()
        status, _, headers = _fetch_post(server + "/login", body, cookie)
        took.append(time.monotonic() - t0)
        assert status == 401 and "cxkit_session" not in headers.get("Set-Cookie", "")
    assert took[-1] >= 1.5 and took[0] < 1.0, took


def _fetch_post(url: str, body: bytes, cookie: str) -> tuple[int, str, dict]:
    request = urllib.request.Request(url, data=body, headers={"Cookie": cookie})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=120) as r:
            return r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), dict(e.headers)


def _port_free(port: int) -> bool:
    """Nothing listens on ``port`` and a new server could listen there (as tornado does, with SO_REUSEADDR)."""
    if any(c.laddr and c.laddr.port == port and c.status == psutil.CONN_LISTEN for c in psutil.net_connections("tcp")):
        return False
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_ends_voila_and_every_kernel(runs: Path, tmp_path: Path, sig: signal.Signals) -> None:
    with gate_server(runs / "20260101-000000", tmp_path) as (url, proc):
        urllib.request.urlopen(url + "/voila/render/overview.ipynb", timeout=120).read()   # no users: a page, a kernel
        tree = [proc.pid] + [p.pid for p in psutil.Process(proc.pid).children(recursive=True)]
        assert len(tree) >= 3, "the gate, Voilà and at least one kernel"
        port = urllib.parse.urlsplit(url).port
        t0 = time.monotonic()
        proc.send_signal(sig)
        proc.wait(timeout=15)
        took = time.monotonic() - t0
    assert took < 10, took
    assert not [p for p in tree if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
    assert _port_free(port)


def test_tls_serves_https_with_a_secure_session_cookie(runs: Path, tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=localhost"], check=True, capture_output=True)
    users = runs / "users.json"
    with gate_server(runs, tmp_path / "home", "--certfile", str(cert), "--keyfile", str(key), "--users", str(users),
                     tls=True) as (url, _):
        context = ssl._create_unverified_context()
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar),
                                             urllib.request.HTTPSHandler(context=context))
        form = opener.open(url + "/login", timeout=60).read().decode()
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form).group(1)
        body = urllib.parse.urlencode({"username": "mina", "password": PASSWORDS["mina"], "_xsrf": xsrf}).encode()
        landing = opener.open(url + "/login", data=body, timeout=60).read().decode()
        assert "20260101-000000" in landing
        session = next(c for c in jar if c.name == "cxkit_session")
        assert session.secure and session.has_nonstandard_attr("HttpOnly")
        with pytest.raises(OSError):                     # plain HTTP on the TLS port: no answer
            urllib.request.urlopen(url.replace("https://", "http://") + "/login", timeout=10).read()
