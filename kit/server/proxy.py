"""What the gate passes on to Voilà, and how: the kit's three pages, their static files, and each
page's websocket to its own kernel.

A page request reaches Voilà with the gate's token and a signed visitor header (``kit.core.visitor``),
and only the query parameters the pages read. The page streams back as Voilà writes it; the gate
notes the kernel id in it, so only the session that got the page can open that kernel's websocket.
Messages from the browser to a kernel go through ``kit.server.kernelmsg``.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlencode

import tornado.websocket
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.ioloop import IOLoop

from kit.core.exhibits import GALLERY_FILTERS
from kit.core.visitor import HEADER, sign
from kit.server import kernelmsg
from kit.server.gate import GateHandler
from kit.server.security import origin_ok

log = logging.getLogger("cxkit.server")
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"')
MAX_PARAM = 200                     # a filter value longer than this is no filter a person typed
PASSED_HEADERS = ("Accept", "If-None-Match", "If-Modified-Since")
KEPT_HEADERS = ("Content-Type", "Etag", "Last-Modified", "Cache-Control")
UPSTREAM_MAX_MESSAGE = 512 * 1024 * 1024     # the kernel's own messages (thumbnails as data) can be large


def page_query(arguments: dict[str, list[bytes]]) -> str:
    """The query a page is given: the gallery's filters only, each value cut to ``MAX_PARAM`` characters."""
    kept = {k: v[-1].decode("utf-8", "replace")[:MAX_PARAM] for k, v in arguments.items() if k in GALLERY_FILTERS}
    return urlencode(kept)


class Upstream(GateHandler):
    """Fetching from Voilà with the gate's token."""

    def upstream_request(self, path: str, **kwargs: Any) -> HTTPRequest:
        headers = {"Authorization": f"token {self.gate.token}"}
        headers.update({h: self.request.headers[h] for h in PASSED_HEADERS if h in self.request.headers})
        headers.update(kwargs.pop("headers", {}))
        return HTTPRequest(f"http://{self.gate.upstream}{path}", headers=headers, follow_redirects=False,
                           connect_timeout=10, request_timeout=600, **kwargs)

    def own_kernel(self, kernel_id: str) -> bool:
        """Whether this visitor's session was given ``kernel_id`` by a page the gate served."""
        if not self.gate.users():
            return kernel_id in self.gate.open_kernels
        session = self.session()
        return session is not None and kernel_id in session.kernels

    def give_kernel(self, kernel_id: str) -> None:
        session = self.session() if self.gate.users() else None
        (session.kernels if session is not None else self.gate.open_kernels).add(kernel_id)


class Page(Upstream):
    """``/runs/RUN/voila/render/PAGE.ipynb``: one of the kit's pages of a run this login may see."""

    async def get(self, run_id: str, page: str) -> None:
        if not self.require_login():
            return
        run = self.gate.catalog.get(run_id)
        if run is None:
            return self.refuse(404, "not_found", "not_found_text")
        if not self.may_see(run.project):
            log.warning("%s may not see project %r (run %s)", self.current_user.name, run.project, run_id)
            return self.refuse(403, "forbidden", "forbidden_text")
        query = page_query(self.request.arguments)
        visitor = sign(self.visitor_for(run_id), self.gate.key)
        tail = ""

        def chunk(data: bytes) -> None:
            nonlocal tail
            text = tail + data.decode("utf-8", "ignore")
            for found in KERNEL_ID.finditer(text):
                self.give_kernel(found.group(1))
            tail = text[-120:]
            self.write(data)
            self.flush()

        def status(line: str) -> None:
            if line.startswith("HTTP/"):
                code = int(line.split()[1])
                self.set_status(200 if code == 200 else 502)
                self.set_header("Content-Type", "text/html; charset=utf-8")

        request = self.upstream_request(f"/voila/render/{page}.ipynb" + (f"?{query}" if query else ""),
                                        headers={HEADER: visitor}, streaming_callback=chunk, header_callback=status)
        try:
            response = await AsyncHTTPClient().fetch(request, raise_error=False)
        except (HTTPClientError, OSError) as exc:
            log.error("the page server could not be reached for %s: %s", page, exc)
            return self.finish() if self._headers_written else self.refuse(502, "busy", "busy_text")
        if response.code != 200:
            log.error("the page server answered %s for %s", response.code, page)
        self.finish()


class Static(Upstream):
    """Voilà's and the page template's static files (scripts, styles, widget extensions)."""

    async def get(self, path: str) -> None:
        if not self.require_login(page=False):
            return
        if ".." in path or "\\" in path:
            return self.refuse(404, "not_found", "not_found_text")
        query = f"?{self.request.query}" if self.request.query else ""
        try:
            response = await AsyncHTTPClient().fetch(self.upstream_request(f"/voila/{path}{query}"), raise_error=False)
        except (HTTPClientError, OSError):
            return self.refuse(502, "busy", "busy_text")
        if response.code == 599:
            return self.refuse(502, "busy", "busy_text")
        if response.code not in (200, 304):
            return self.refuse(404, "not_found", "not_found_text")
        self.set_status(response.code)
        self.clear_header("Cache-Control")
        for name in KEPT_HEADERS:
            if name in response.headers:
                self.set_header(name, response.headers[name])
        self.finish(response.body if response.code == 200 else None)


class Kernel(Upstream):
    """A page asks for its own kernel's model (id, state) before it connects; nobody else's, and no list."""

    async def get(self, kernel_id: str) -> None:
        if not self.require_login(page=False):
            return
        if not self.own_kernel(kernel_id):
            return self.refuse(403, "forbidden", "forbidden_text")
        try:
            response = await AsyncHTTPClient().fetch(self.upstream_request(f"/api/kernels/{kernel_id}"), raise_error=False)
        except (HTTPClientError, OSError):
            return self.refuse(502, "not_found", "not_found_text")
        if response.code != 200:
            return self.refuse(404, "not_found", "not_found_text")
        self.set_header("Content-Type", "application/json")
        self.finish(response.body)


class Shutdown(Upstream):
    """A page closing asks Voilà to shut its kernel down: only for the kernel that page was given."""

    def check_xsrf_cookie(self) -> None:
        """Voilà's own script posts this without the gate's form token; the Origin must be this server instead."""
        if not origin_ok(self.request.headers.get("Origin"), self.request.headers.get("Host"), self.gate.allowed_hosts):
            raise tornado.web.HTTPError(403)

    async def post(self, kernel_id: str) -> None:
        if not self.require_login(page=False):
            return
        if not self.own_kernel(kernel_id):
            return self.refuse(403, "forbidden", "forbidden_text")
        try:
            await AsyncHTTPClient().fetch(self.upstream_request(f"/voila/api/shutdown/{kernel_id}", method="POST",
                                                                body=b""), raise_error=False)
        except (HTTPClientError, OSError):
            pass                                # no page server: no kernel left to shut down
        self.finish()


class KernelSocket(tornado.websocket.WebSocketHandler, Upstream):
    """A page's websocket to its kernel, relayed both ways, with the browser's side filtered.

    The kernel's socket is opened first: a kernel that is gone (culled, or Voilà restarted) gets a
    refused handshake, so the page's client backs off as it does for a lost server, instead of
    reconnecting at once to a socket that opens and closes again.
    """

    upstream_ws: tornado.websocket.WebSocketClientConnection | None = None
    protocol: str | None = None

    async def get(self, kernel_id: str) -> None:
        if not self.require_login(page=False):
            return
        if not self.own_kernel(kernel_id):
            log.warning("refused a websocket to kernel %s: not given to this visitor", kernel_id)
            return self.refuse(403, "forbidden", "forbidden_text")
        if not self.check_origin(self.request.headers.get("Origin", "")):
            return self.refuse(403, "forbidden", "forbidden_text")
        offered = [p.strip() for p in self.request.headers.get("Sec-WebSocket-Protocol", "").split(",")]
        self.protocol = kernelmsg.PROTOCOL_V1 if kernelmsg.PROTOCOL_V1 in offered else None
        session_id = self.get_argument("session_id", "")
        query = f"?{urlencode({'session_id': session_id})}" if re.fullmatch(r"[0-9a-f-]{1,64}", session_id) else ""
        request = self.upstream_request(f"/api/kernels/{kernel_id}/channels{query}")
        request.url = request.url.replace("http://", "ws://", 1)
        try:
            self.upstream_ws = await tornado.websocket.websocket_connect(
                request, max_message_size=UPSTREAM_MAX_MESSAGE, subprotocols=[self.protocol] if self.protocol else None)
        except (HTTPClientError, OSError, tornado.websocket.WebSocketError) as exc:
            log.info("kernel %s is not reachable (%s): handshake refused", kernel_id, exc)
            return self.refuse(404, "not_found", "not_found_text")
        await super().get(kernel_id)
        if self.ws_connection is None and self.upstream_ws is not None:      # the browser's handshake failed
            self.upstream_ws.close()
            self.upstream_ws = None

    def check_origin(self, origin: str) -> bool:
        return origin_ok(origin, self.request.headers.get("Host"), self.gate.allowed_hosts)

    def select_subprotocol(self, subprotocols: list[str]) -> str | None:
        """The browser's v1 protocol when it offers it (Chromium refuses a socket that ignores its offer)."""
        return self.protocol if self.protocol in subprotocols else None

    def open(self, kernel_id: str) -> None:
        IOLoop.current().spawn_callback(self._relay)

    async def _relay(self) -> None:
        while self.upstream_ws is not None:
            message = await self.upstream_ws.read_message()
            if message is None:
                self.close()
                return
            try:
                await self.write_message(message, binary=isinstance(message, bytes))
            except tornado.websocket.WebSocketClosedError:
                return

    def on_message(self, message: str | bytes) -> None:
        if self.upstream_ws is None:
            return                                  # closing: nothing left to relay to
        why = kernelmsg.refusal(message, protocol=self.protocol, may_upload=self.current_user.can("facilitate"))
        if why:
            log.warning("refused a kernel message from %s: %s", self.current_user.name or "the open visitor", why)
            return
        self.upstream_ws.write_message(message, binary=isinstance(message, bytes))

    def on_close(self) -> None:
        if self.upstream_ws is not None:
            self.upstream_ws.close()
            self.upstream_ws = None
