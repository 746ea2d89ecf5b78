"""A visitor of the team server as its browser talks to it, without the browser: HTTP and the kernel's websocket.

What a Voilà page does on the wire, in order: log in through the gate's form (``_xsrf``, then the
``cxkit_session`` cookie), GET the page (streamed; it names the page's kernel), fetch the static
files a browser fetches for it (six at a time, from the moment the page starts arriving), ask for
the kernel's model (``/api/kernels/ID``), open the kernel's websocket (``v1.kernel.websocket.jupyter.org``,
with the session cookie and this server's Origin), and do what the widget manager does on connecting
(``@jupyter-widgets/base-manager``, ``_loadFromKernel``): open a comm to ``jupyter.widget.control``
and send ``request_states`` on it. The kernel answers on iopub with ``update_states``: every
widget's state (and binary buffers). That answer is what a page needs to draw its widgets; nothing
is drawn here. A websocket that closes before the answer is opened again after a growing pause, as
the page's kernel connection does, up to ``SOCKET_RETRIES`` times.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit

import tornado.websocket
from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1, serialize_msg_to_ws_v1
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest, HTTPResponse

PROTOCOL = "v1.kernel.websocket.jupyter.org"
CONTROL_TARGET = "jupyter.widget.control"
CONTROL_VERSION = "1.0.0"             # ipywidgets' control protocol (its major version must match)
COOKIE = "cxkit_session"
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"')
XSRF = re.compile(r'name="_xsrf" value="([^"]+)"')
STATIC_PARALLEL = 6                   # a browser's connections to one host over HTTP/1.1
SOCKET_RETRIES = 5
MAX_MESSAGE = 512 * 1024 * 1024       # the states carry the visible cards' thumbnails inline


class Failed(Exception):
    """A visitor's page did not become interactive; the message says why."""


def http_client(max_clients: int = 1000) -> AsyncHTTPClient:
    """One client for every visitor of the process, with no queue of its own in front of the server
    (tornado's default lets 10 requests out at once and queues the rest)."""
    return AsyncHTTPClient(force_instance=True, max_clients=max_clients)


def widget_states(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Model id -> {model_name, model_module, state} of an ``update_states`` answer."""
    states = data.get("states")
    return states if isinstance(states, dict) else {}


def card_grid(states: dict[str, dict[str, Any]]) -> str | None:
    """The model id of the gallery's card grid (the anywidget ``CardGrid``) with cards in it, if any."""
    for model_id, model in states.items():
        state = model.get("state") or {}
        if ("_esm" in state or "_anywidget_id" in state) and "cards" in state and state["cards"]:
            return model_id
    return None


def with_class(states: dict[str, dict[str, Any]], css_class: str) -> str | None:
    """The model id of the widget whose ``_dom_classes`` hold ``css_class``."""
    for model_id, model in states.items():
        if css_class in ((model.get("state") or {}).get("_dom_classes") or ()):
            return model_id
    return None


class Visitor:
    """One person's visit: their cookies, their page's kernel, its websocket and what went wrong."""

    def __init__(self, url: str, name: str, password: str, client: AsyncHTTPClient,
                 statics: list[str] | None = None) -> None:
        self.url, self.name, self.password, self.client = url, name, password, client
        self.statics = statics or []
        self.cookies: dict[str, str] = {}
        self.kernel_id = ""
        self.session_id = str(uuid.uuid4())
        self.ws: tornado.websocket.WebSocketClientConnection | None = None
        self.control_comm = ""
        self.states: dict[str, dict[str, Any]] = {}
        self.buffers = 0
        self.seconds: float | None = None          # page GET's start -> the widget states arrived
        self.steps: dict[str, float] = {}          # seconds from the page GET's start to each step
        self.static_failures: list[str] = []
        self.socket_closes = 0
        self.error = ""

    # --- HTTP --------------------------------------------------------------------------------

    def _headers(self, **more: str) -> dict[str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        headers.update(more)
        return headers

    def _keep_cookies(self, response: HTTPResponse) -> None:
        for line in response.headers.get_list("Set-Cookie"):
            jar: SimpleCookie = SimpleCookie()
            jar.load(line)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value

    async def _fetch(self, path: str, timeout: float, **kwargs: Any) -> HTTPResponse:
        headers = self._headers(**kwargs.pop("headers", {}))
        request = HTTPRequest(self.url + path, headers=headers, follow_redirects=False, connect_timeout=timeout,
                              request_timeout=timeout, **kwargs)
        try:
            response = await self.client.fetch(request, raise_error=False)
        except (HTTPClientError, OSError) as exc:
            raise Failed(f"{kwargs.get('method', 'GET')} {path.split('?')[0]}: {type(exc).__name__} {exc}") from exc
        if response.code == 599:
            raise Failed(f"{kwargs.get('method', 'GET')} {path.split('?')[0]}: {response.error}")
        self._keep_cookies(response)
        return response

    async def login(self, timeout: float = 180) -> None:
        form = await self._fetch("/login", timeout)
        found = XSRF.search(form.body.decode("utf-8", "replace")) if form.code == 200 else None
        if found is None:
            raise Failed(f"the login form answered {form.code} without a form token")
        body = urlencode({"username": self.name, "password": self.password, "_xsrf": found.group(1), "next": "/"})
        answer = await self._fetch("/login", timeout, method="POST", body=body,
                                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        if answer.code != 302 or COOKIE not in self.cookies:
            raise Failed(f"login refused for {self.name} ({answer.code})")

    async def open_page(self, path: str, timeout: float = 180) -> None:
        """GET the page (its static files start when it starts arriving) and note its kernel."""
        t0 = time.monotonic()
        statics: asyncio.Task | None = None
        loop = asyncio.get_running_loop()
        body: list[bytes] = []

        def first_bytes(chunk: bytes) -> None:
            nonlocal statics
            if statics is None:
                self.steps["first_byte"] = time.monotonic() - t0
                statics = loop.create_task(self._fetch_statics(timeout))
            body.append(chunk)

        try:
            page = await self._fetch(path, timeout, streaming_callback=first_bytes)
        finally:
            if statics is not None:
                await statics
        self.steps["page"] = time.monotonic() - t0
        text = b"".join(body).decode("utf-8", "replace")
        if page.code != 200:
            raise Failed(f"the page answered {page.code}: {_text(text)[:160]!r}")
        found = KERNEL_ID.search(text)
        if found is None:
            raise Failed(f"the page names no kernel: {_text(text)[-160:]!r}")
        self.kernel_id = found.group(1)
        scripts = [f for f in self.static_failures if f.split("?")[0].split()[-1].endswith(".js")]
        if scripts:
            raise Failed(f"{len(scripts)} of the page's scripts failed (first: {scripts[0]}); it would never start")

    async def _fetch_statics(self, timeout: float) -> None:
        gate = asyncio.Semaphore(STATIC_PARALLEL)

        async def one(path: str) -> None:
            async with gate:
                try:
                    response = await self._fetch(path, timeout)
                except Failed as exc:
                    self.static_failures.append(f"{exc}")
                    return
                if response.code != 200:
                    self.static_failures.append(f"{response.code} {path}")

        t0 = time.monotonic()
        await asyncio.gather(*(one(p) for p in self.statics))
        self.steps["statics"] = time.monotonic() - t0

    # --- the kernel's websocket ----------------------------------------------------------------

    def _frame(self, msg_type: str, content: dict[str, Any], metadata: dict[str, Any] | None = None,
               channel: str = "shell") -> bytes:
        header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": self.name,
                  "session": self.session_id, "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                  "version": "5.3"}
        msg = {"header": header, "parent_header": {}, "metadata": metadata or {}, "content": content}
        return serialize_msg_to_ws_v1(msg, channel, pack=lambda part: json.dumps(part).encode())

    async def send(self, msg_type: str, content: dict[str, Any], metadata: dict[str, Any] | None = None) -> None:
        if self.ws is None:
            raise Failed("no kernel socket to send on")
        await self.ws.write_message(self._frame(msg_type, content, metadata), binary=True)

    async def _connect(self, timeout: float) -> None:
        model = await self._fetch(f"/api/kernels/{self.kernel_id}", timeout)
        if model.code != 200:
            raise Failed(f"the kernel's model answered {model.code}")
        parts = urlsplit(self.url)
        request = HTTPRequest(f"ws://{parts.netloc}/api/kernels/{self.kernel_id}/channels?session_id={self.session_id}",
                              headers=self._headers(Origin=self.url), connect_timeout=timeout, request_timeout=timeout)
        try:
            self.ws = await tornado.websocket.websocket_connect(request, subprotocols=[PROTOCOL],
                                                                max_message_size=MAX_MESSAGE)
        except (HTTPClientError, OSError, tornado.websocket.WebSocketError) as exc:
            raise Failed(f"the kernel's websocket was refused: {type(exc).__name__} {exc}") from exc

    async def read(self, deadline: float) -> tuple[str, dict[str, Any], list[bytes]] | None:
        """The next message (channel, message, buffers), or None when the socket closed; Failed at ``deadline``."""
        assert self.ws is not None
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        frame = await asyncio.wait_for(self.ws.read_message(), left)
        if frame is None:
            return None
        if isinstance(frame, str):
            msg = json.loads(frame)
            return msg.get("channel", ""), msg, []
        channel, parts = deserialize_msg_from_ws_v1(frame)
        header, parent, metadata, content = (json.loads(p) for p in parts[:4])
        return channel, {"header": header, "parent_header": parent, "metadata": metadata, "content": content}, parts[4:]

    async def request_states(self, deadline: float) -> dict[str, dict[str, Any]]:
        """Ask the widget manager's question on the open socket and wait for its answer."""
        if not self.control_comm:
            self.control_comm = uuid.uuid4().hex
            await self.send("comm_open", {"comm_id": self.control_comm, "target_name": CONTROL_TARGET, "data": {}},
                            {"version": CONTROL_VERSION})
        await self.send("comm_msg", {"comm_id": self.control_comm, "data": {"method": "request_states"}})
        while True:
            got = await self.read(deadline)
            if got is None:
                raise ConnectionError("the kernel's websocket closed")
            channel, msg, buffers = got
            content = msg["content"]
            if (channel == "iopub" and msg["header"].get("msg_type") == "comm_msg"
                    and content.get("comm_id") == self.control_comm
                    and (content.get("data") or {}).get("method") == "update_states"):
                self.states, self.buffers = widget_states(content["data"]), len(buffers)
                return self.states

    async def interactive(self, t0: float, deadline: float) -> float:
        """Connect and get every widget's state (reconnecting if the socket closes); seconds since ``t0``."""
        pause = 1.0
        while True:
            try:
                await self._connect(max(1.0, deadline - time.monotonic()))
                self.steps["socket"] = time.monotonic() - t0
                await self.send("kernel_info_request", {})          # what the page's kernel connection asks first
                await self.request_states(deadline)
                break
            except (ConnectionError, Failed, tornado.websocket.WebSocketClosedError) as exc:
                self.socket_closes += 1
                self.close()
                if self.socket_closes >= SOCKET_RETRIES or time.monotonic() + pause > deadline:
                    raise Failed(f"the kernel's socket failed {self.socket_closes} times (last: {exc})") from exc
                await asyncio.sleep(pause)
                pause = min(pause * 2, 10.0)
                self.control_comm = ""
            except TimeoutError as exc:
                raise Failed(f"no widget states within {deadline - t0:.0f} s of the page's request"
                             f" (socket open after {self.steps.get('socket', float('nan')):.1f} s)") from exc
        self.seconds = time.monotonic() - t0
        if card_grid(self.states) is None:
            kinds = sorted({m.get("model_name", "?") for m in self.states.values()})
            raise Failed(f"the widget states ({len(self.states)} models: {', '.join(kinds)[:120]}) hold no card grid")
        return self.seconds

    async def visit(self, path: str, timeout: float) -> float:
        """Log in, open ``path`` and get its widgets: the seconds from the page's request to the states."""
        try:
            await self.login(timeout)
            t0 = time.monotonic()
            await self.open_page(path, timeout)
            return await self.interactive(t0, t0 + timeout)
        except Failed as exc:
            self.seconds = None
            self.error = str(exc)
            raise
        except Exception as exc:
            self.seconds = None
            self.error = f"{type(exc).__name__}: {exc}"
            raise Failed(self.error) from exc

    async def shut_down(self, timeout: float = 30) -> None:
        """What the page does as its tab closes: ask for its kernel to be shut down, then close the socket."""
        if self.kernel_id:
            try:
                await self._fetch(f"/voila/api/shutdown/{self.kernel_id}", timeout, method="POST", body=b"",
                                  headers={"Origin": self.url})
            except Failed:
                pass
        self.close()

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
            self.ws = None


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
