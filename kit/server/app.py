"""``cxkit serve``: the gate on the address people use, Voilà behind it on loopback, a clean stop.

Routes: ``/login``, ``/logout``, ``/`` (the runs), ``/runs/RUN/voila/render/PAGE.ipynb`` (the kit's
three pages), Voilà's static files, and each page's kernel websocket and shutdown. Everything else
is a plain 404: no tree, no contents, no file listing, no kernel or session listing.

SIGTERM or SIGINT stops the gate, then Voilà and every kernel it started (``kit.server.supervisor``),
within ``supervisor.STOP_SECONDS``; the port is free when the command returns.
"""

from __future__ import annotations

import logging
import secrets
import signal
import ssl
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import tornado.httpserver
import tornado.netutil
import tornado.web
from tornado.httpclient import AsyncHTTPClient
from tornado.ioloop import IOLoop

from kit.core.errors import KitError, UsersError
from kit.server import supervisor
from kit.server.catalog import RUN_ID, Catalog
from kit.server.gate import Gate, NoIcon, NotFound
from kit.server.landing import PAGES, Landing, NewestRun
from kit.server.login import Login, Logout
from kit.server.proxy import Kernel, KernelSocket, Page, Shutdown, Static
from kit.server.security import allowed_hosts, is_loopback
from kit.server.voila import voila_command, voila_env

log = logging.getLogger("cxkit.server")
KERNEL = r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
BROWSER_MAX_MESSAGE = 4 * 1024 * 1024
UPSTREAM_CONNECTIONS = 1000         # requests the gate may have open to Voilà at once


@dataclass
class ServeOptions:
    """How ``cxkit serve`` was asked to serve."""

    host: str = "127.0.0.1"
    port: int = 8866
    allow_hosts: list[str] = field(default_factory=list)
    users_path: Path = Path("users.json")
    certfile: Path | None = None
    keyfile: Path | None = None
    session_hours: float = 12.0
    behind_proxy: bool = False
    preheat: bool = True


def make_app(gate: Gate, *, behind_proxy: bool = False) -> tornado.web.Application:
    """The gate's routes over ``gate``; anything not listed is a plain 404."""
    pages = "|".join(PAGES)
    run = RUN_ID.pattern
    return tornado.web.Application(
        [(r"/", Landing), (r"/login", Login), (r"/logout", Logout), (r"/favicon\.ico", NoIcon),
         (rf"/runs/({run})/voila/render/({pages})\.ipynb", Page),
         (rf"/voila/render/({pages})\.ipynb", NewestRun),
         (r"/voila/((?:static|templates|labextensions)/[^?]*)", Static),
         (rf"/api/kernels/{KERNEL}", Kernel), (rf"/api/kernels/{KERNEL}/channels", KernelSocket),
         (rf"/voila/api/shutdown/{KERNEL}", Shutdown)],
        default_handler_class=NotFound, gate=gate, xsrf_cookies=True,
        xsrf_cookie_kwargs={"httponly": True, "samesite": "Strict", "secure": gate.tls},
        websocket_max_message_size=BROWSER_MAX_MESSAGE, websocket_ping_interval=30, compress_response=False,
        xheaders=behind_proxy)


def check_binding(options: ServeOptions, gate: Gate) -> None:
    """Refuse to put the pages on a network with nobody to log in as (exit 2, saying how to add a user)."""
    if is_loopback(options.host):
        return
    if not gate.users():
        raise UsersError(f"serving on {options.host} makes the pages reachable from the network, and "
                         f"{options.users_path} has no users; add one first: cxkit users add NAME --role "
                         f"facilitator --password-stdin --users {options.users_path}")


def _tls(options: ServeOptions) -> ssl.SSLContext | None:
    if options.certfile is None and options.keyfile is None:
        return None
    if options.certfile is None or options.keyfile is None:
        raise KitError("TLS needs both --certfile and --keyfile")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(str(options.certfile), str(options.keyfile))
    except (OSError, ssl.SSLError) as exc:
        raise KitError(f"could not use {options.certfile} and {options.keyfile} for TLS: {exc}") from exc
    return context


def serve(catalog: Catalog, options: ServeOptions, say: Callable[[str], None] = print,
          log_dir: Path | None = None) -> None:
    """Serve ``catalog`` until SIGTERM or SIGINT, then stop everything started here."""
    tls = _tls(options)
    # Tornado's client lets 10 requests reach Voilà at once and fails the rest after connect_timeout
    # in its queue; a page streams for as long as its kernel takes to start and pulls ~80 scripts.
    AsyncHTTPClient.configure(None, max_clients=UPSTREAM_CONNECTIONS)
    gate = Gate(catalog=catalog, users_path=options.users_path, tls=tls is not None,
                allowed_hosts=allowed_hosts(options.host, options.allow_hosts),
                upstream_port=supervisor.free_port(), token=secrets.token_hex(24), key=secrets.token_bytes(32))
    gate.sessions.lifetime = options.session_hours * 3600
    check_binding(options, gate)
    try:
        sockets = tornado.netutil.bind_sockets(options.port, options.host)
    except OSError as exc:
        raise KitError(f"cannot listen on {options.host}:{options.port} ({exc.strerror}); "
                       "stop what uses that port or choose another with --port") from exc
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="cxkit-serve-"))
    env = voila_env(run=catalog.run, runs_dir=catalog.runs_dir, key=gate.key)
    voila = supervisor.Voila(voila_command(gate.upstream_port, preheat=options.preheat, token=gate.token), env,
                             gate.upstream_port, gate.token, log_dir / "voila.log")
    server: tornado.httpserver.HTTPServer | None = None
    try:
        voila.wait_ready()
        server = tornado.httpserver.HTTPServer(make_app(gate, behind_proxy=options.behind_proxy), ssl_options=tls,
                                               xheaders=options.behind_proxy)
        server.add_sockets(sockets)
        scheme = "https" if tls else "http"
        shown = "127.0.0.1" if options.host in ("0.0.0.0", "::", "") else options.host
        say(f"Serving {len(catalog.ids())} run(s) at {scheme}://{shown}:{options.port}/  "
            f"({'login required' if gate.users() else 'no users: this machine only'}; Ctrl+C stops)")
        say(f"  page server log: {voila.log_path}")
        loop = IOLoop.current()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: loop.add_callback_from_signal(loop.stop))
        loop.start()
    finally:
        if server is not None:
            server.stop()
        for s in sockets:
            s.close()
        took = voila.stop()
        say(f"Stopped: page server and its kernels ended in {took:.1f} s")
