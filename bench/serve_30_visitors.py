"""``serve_30_visitors``: the team server (``cxkit serve RUN --users FILE``) with 30 people at once.

The sample project's run (``cxkit run data/sample``) is served with 31 users: 30 participants of
mixed departments and a facilitator.

The load is made at the level of the browser's protocol (``bench/_visitor.py``), not with 30
browsers: people's browsers run on their own machines, while 30 Chromium renderers on the server's
machine (each compiling Voilà's ~80 scripts) take its cores from the server's 30 kernels, so the
figure measured the harness. Each visitor does what its browser does on the wire: logs in through
the gate's form, GETs the gallery (the streamed page names its kernel), fetches the static files a
browser fetched for that page (recorded from the Chromium reference; six at a time, from the
page's first bytes), asks for its kernel's model, opens the kernel's websocket (session cookie,
this server's Origin, ``v1.kernel.websocket.jupyter.org``) and does what Voilà's widget manager
does on connecting: opens a comm to ``jupyter.widget.control`` and sends ``request_states``. It is
interactive when the kernel's ``update_states`` answer has arrived and holds the gallery's card
grid (the anywidget ``CardGrid``) with cards in it; its time to interactive runs from the start of
the page's GET to that answer. What this leaves out is the drawing, which each visitor's own
machine does: one real Chromium visitor among the 30 (the 15th) is the spot check that a page
really draws under the load (its first card shown, ``.cx-cardgrid .cx-card``), reported apart.

* References, in the same run, one visitor alone on a warm pool (median of 3 each): Chromium (first
  card shown, from the navigation's start) and the websocket-level visitor (the load's measure).
* Load: 30 visitors starting evenly within 60 s (one every 2 s), 29 at the websocket level and the
  Chromium one; interactive within 180 s of the page's request, counted of 30, every failure with
  its reason. p50 and p95 of the 29 websocket-level times, as ratios to the websocket-level visitor
  alone. Target: 30/30 interactive.
* Memory: resident memory (RSS) of the server's whole process tree (gate, Voilà, kernels) before
  any visitor (pool warm), at its peak, and after the visitors closed their sockets and the idle
  kernels were culled (60 s idle, checked every 10 s: up to 150 s of polling until the kernel count
  is back where it started). Target: after <= 1.1 x before.
* Votes: 20 participants (websocket level) open the same exhibit (``?exhibit=ID``: its panel opens
  with the workshop's controls), find its vote button among the widget states (the ipywidgets
  ``Button`` with the class ``cx-ws-up``), wait until all 20 are ready, then click it at the same
  moment (the button's ``click`` custom message on its comm); the workshop store must then hold 20
  dots from 20 participants. Target: 0 votes lost. Also timed: from the click to the visitor's own
  dot shown (the update of their ``cx-ws-mine`` widget saying 1).

The server's logs are copied to a folder the run prints, for when something failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench import _gate, _visitor
from bench.common import cxkit, record

VISITORS = 30
BROWSER_VISITOR = 14          # the 15th visitor is a real Chromium: the spot check that a page draws
SPREAD_SECONDS = 60.0
VOTERS = 20
ALONE_LOADS = 3
PASSWORD = "visitor-pass-2026"
LOAD_SECONDS = 180.0
LOAD_MS = int(LOAD_SECONDS * 1000)
GRACE_SECONDS = 10.0          # a page whose scripts failed to load gets this long before it counts as failed
SOCKET_RETRIES = 5            # a page whose kernel socket closed this often has lost its kernel
CULL_WAIT_SECONDS = 150.0
VOTE_SHOWN_SECONDS = 120.0
GRID = ".cx-cardgrid .cx-card"
VOTE_CLASS, MINE_CLASS, STATUS_CLASS = "cx-ws-up", "cx-ws-mine", "cx-ws-status"
ONE_DOT = re.compile(r'class="cx-ws-my-dots">\s*1\s*<')
STATIC = re.compile(r"^/voila/(static|templates|labextensions)/")
VIEWPORT = {"width": 1400, "height": 1000}
LOGS = Path(tempfile.gettempdir()) / "cxkit-bench-serve_30_visitors"
# Notes, in the page itself, when the first card of the grid is shown (performance.now(): ms since
# the navigation started). A MutationObserver, with a slow timer for style changes it cannot see.
INTERACTIVE_PROBE = """(() => {
  if (!location.pathname.endsWith("/exhibits.ipynb")) return;
  const seen = () => {
    if (window.__cxInteractive !== undefined) return true;
    const card = document.querySelector(GRID_SELECTOR);
    if (card && card.getClientRects().length > 0) { window.__cxInteractive = performance.now(); return true; }
    return false;
  };
  let timer = null, watch = null;
  const done = () => { if (seen()) { if (watch) watch.disconnect(); if (timer) clearInterval(timer); } };
  watch = new MutationObserver(done);
  watch.observe(document, {childList: true, subtree: true, attributes: true, attributeFilter: ["style", "class", "hidden"]});
  timer = setInterval(done, 250);
})();""".replace("GRID_SELECTOR", json.dumps(GRID))


def participants() -> list[tuple[str, str]]:
    """(name, department) of the 30 participants: departments mixed, as in a workshop room."""
    from kit.workshop.fields import DEPARTMENTS
    return [(f"Visitor {i + 1:02d}", DEPARTMENTS[i % len(DEPARTMENTS)]) for i in range(VISITORS)]


def users_file(path: Path) -> Path:
    from kit.server.users import add_user
    for name, department in participants():
        add_user(path, name, "participant", PASSWORD, department=department)
    add_user(path, "Facilitator", "facilitator", PASSWORD, department="other")
    return path


def sample_run(tmp: Path) -> Path:
    """A run of the sample project, made here (a fresh clone has none)."""
    cxkit("run", "data/sample", "--out", str(tmp / "runs"), "--quiet")
    return (tmp / "runs" / "latest").resolve()


def voted_exhibit(run: Path) -> str:
    """The first photo (else quote) exhibit of the run: what the 20 participants vote on."""
    records = json.loads((run / "exhibits.json").read_text(encoding="utf-8"))
    for kind in ("photo", "quote"):
        for rec in records:
            if rec.get("kind") == kind:
                return str(rec["id"])
    raise RuntimeError(f"{run} has no photo or quote exhibit to vote on")


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


class Visit:
    """One visitor in Chromium: their browser context, page, the static files it fetched and what went wrong."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.context: Any = None
        self.page: Any = None
        self.seconds: float | None = None
        self.error = ""
        self.bad_responses: list[str] = []
        self.page_errors: list[str] = []
        self.broken: asyncio.Event | None = None
        self.fatal = ""
        self.socket_closes = 0
        self.statics: list[str] = []

    async def open(self, browser: Any) -> None:
        self.broken = asyncio.Event()
        self.context = await browser.new_context(viewport=VIEWPORT)
        self.context.set_default_timeout(LOAD_MS)                # a slow server is measured, not given up on
        await self.context.add_init_script(INTERACTIVE_PROBE)
        self.page = await self.context.new_page()
        self.page.on("response", self._response)
        self.page.on("pageerror", self._page_error)
        self.page.on("websocket", self._websocket)
        self.page.on("request", self._request)

    def _request(self, request: Any) -> None:
        url = urlsplit(request.url)
        if request.method == "GET" and STATIC.match(url.path):
            path = url.path + (f"?{url.query}" if url.query else "")
            if path not in self.statics:
                self.statics.append(path)

    def _websocket(self, socket: Any) -> None:
        if "/channels" in socket.url:
            socket.on("close", self._socket_closed)

    def _socket_closed(self, _socket: Any) -> None:
        self.socket_closes += 1
        if self.socket_closes >= SOCKET_RETRIES and self.seconds is None:
            self._break(f"its kernel socket closed {self.socket_closes} times (the kernel is gone)")

    def _response(self, response: Any) -> None:
        if response.status >= 500:
            self.bad_responses.append(f"{response.status} {response.url}")
            if response.request.resource_type == "document":
                self._break(f"the page itself answered {response.status}")

    def _page_error(self, error: Any) -> None:
        text = str(error)
        self.page_errors.append(text[:200])
        if "Loading chunk" in text:                     # a script of the page could not be fetched: it never starts
            self._break(text.splitlines()[0][:120])

    def _break(self, why: str) -> None:
        self.fatal = self.fatal or why
        if self.broken is not None:
            self.broken.set()

    async def login(self, url: str) -> None:
        page = self.page
        await page.goto(f"{url}/login", wait_until="domcontentloaded", timeout=LOAD_MS)
        await page.fill("input[name=username]", self.name)
        await page.fill("input[name=password]", PASSWORD)
        async with page.expect_navigation(wait_until="domcontentloaded", timeout=LOAD_MS):
            await page.click("button[type=submit]")
        if "/login" in page.url:
            raise RuntimeError(f"login refused for {self.name}")

    async def gallery(self, address: str) -> float:
        """Seconds from the gallery's navigation start until its first card shows."""
        assert self.broken is not None
        await self.page.goto(address, wait_until="commit", timeout=LOAD_MS)
        ready = asyncio.ensure_future(self.page.wait_for_function("() => window.__cxInteractive !== undefined",
                                                                  polling=250, timeout=LOAD_MS))
        broken = asyncio.ensure_future(self.broken.wait())
        await asyncio.wait({ready, broken}, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():                            # broken: still interactive within the grace period?
            await asyncio.wait({ready}, timeout=GRACE_SECONDS)
        broken.cancel()
        if not ready.done():
            ready.cancel()
            with contextlib.suppress(BaseException):
                await ready
            raise RuntimeError(f"the page broke: {self.fatal}")
        ready.result()
        self.seconds = await self.page.evaluate("window.__cxInteractive") / 1000
        return self.seconds

    async def why(self, exc: BaseException) -> None:
        """What the page showed when it failed (for the report)."""
        text = ""
        try:
            text = (await self.page.inner_text("body", timeout=5000))[:200].replace("\n", " ")
        except Exception:  # noqa: BLE001 - the page may be gone; the exception says enough then
            pass
        self.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]} | page: {text!r}"

    async def close(self, *, unload: bool = False) -> None:
        if self.context is None:
            return
        if unload and self.page is not None:           # the tab closes as a browser closes it (Voilà's beacon)
            try:
                await self.page.close(run_before_unload=True)
                await asyncio.sleep(1)
            except Exception:  # noqa: BLE001
                pass
        await self.context.close()
        self.context = None


class Sampler:
    """Reads the server tree's memory every second in a thread of its own, for the peak."""

    def __init__(self, server: _gate.Server, every: float = 1.0) -> None:
        self.server, self.every = server, every
        self.peak = 0.0
        self.peak_kernels = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            mb, kernels = self.server.sample()
            self.peak = max(self.peak, mb)
            self.peak_kernels = max(self.peak_kernels, kernels)
            self._stop.wait(self.every)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def warm(server: _gate.Server, pool: list[int]) -> None:
    """Wait for the gallery's pool to hold a kernel that has run the page, and for the tree to idle;
    ``pool[0]`` counts the pooled kernels visitors have taken so far (each one taken is replaced)."""
    server.wait_pools({"exhibits.ipynb": pool[0] + 1})
    server.settle()


async def alone_browser(browser: Any, server: _gate.Server, gallery: str, pool: list[int]) -> tuple[list[float], list[str]]:
    """One Chromium visitor at a time, each meeting a pool whose page has run; the static files they fetched."""
    times: list[float] = []
    statics: list[str] = []
    for i in range(ALONE_LOADS):
        await asyncio.to_thread(warm, server, pool)
        visit = Visit(participants()[-1 - i][0])
        await visit.open(browser)
        try:
            await visit.login(server.url)
            times.append(await visit.gallery(gallery))
        finally:
            await visit.close(unload=True)
        pool[0] += 1
        statics += [path for path in visit.statics if path not in statics]
    return times, statics


async def alone_ws(server: _gate.Server, client: Any, path: str, statics: list[str], pool: list[int]) -> list[float]:
    """One websocket-level visitor at a time, each meeting a pool whose page has run (the load's measure)."""
    times = []
    for i in range(ALONE_LOADS):
        await asyncio.to_thread(warm, server, pool)
        visitor = _visitor.Visitor(server.url, participants()[-4 - i][0], PASSWORD, client, statics)
        try:
            times.append(await visitor.visit(path, LOAD_SECONDS))
        finally:
            await visitor.shut_down()                   # as the page does when its tab closes
        pool[0] += 1
    return times


def steps(visitor: _visitor.Visitor) -> str:
    s = visitor.steps
    return (f"page {s.get('page', float('nan')):.2f} s, statics {s.get('statics', float('nan')):.2f} s, "
            f"socket open at {s.get('socket', float('nan')):.2f} s")


async def crowd(browser: Any, server: _gate.Server, client: Any, path: str,
                statics: list[str]) -> tuple[list[_visitor.Visitor], Visit]:
    """30 visitors, one every SPREAD_SECONDS / 30 seconds: the 15th in Chromium, the others at the websocket level."""
    names = [name for name, _ in participants()]
    visitors = [_visitor.Visitor(server.url, name, PASSWORD, client, statics)
                for i, name in enumerate(names) if i != BROWSER_VISITOR]
    spot = Visit(names[BROWSER_VISITOR])
    step = SPREAD_SECONDS / VISITORS
    t0 = time.monotonic()

    async def one(i: int, visitor: _visitor.Visitor) -> None:
        await asyncio.sleep(max(0.0, t0 + i * step - time.monotonic()))
        try:
            await visitor.visit(path, LOAD_SECONDS)
            line = f"interactive in {visitor.seconds:.2f} s ({steps(visitor)})"
        except _visitor.Failed:
            line = f"FAILED: {visitor.error}"
        print(f"  visitor {i + 1:2d} at {time.monotonic() - t0:5.1f} s: {line}", flush=True)

    async def in_browser() -> None:
        await asyncio.sleep(max(0.0, t0 + BROWSER_VISITOR * step - time.monotonic()))
        try:
            await spot.open(browser)
            await spot.login(server.url)
            await spot.gallery(server.url + path)
        except Exception as exc:  # noqa: BLE001 - a failed visitor is counted and described, the rest go on
            await spot.why(exc)
        print(f"  visitor {BROWSER_VISITOR + 1:2d} at {time.monotonic() - t0:5.1f} s (Chromium): "
              + (f"first card shown in {spot.seconds:.2f} s" if spot.seconds is not None else f"FAILED {spot.error}"),
              flush=True)

    order = [i for i in range(VISITORS) if i != BROWSER_VISITOR]
    await asyncio.gather(in_browser(), *(one(i, v) for i, v in zip(order, visitors, strict=True)))
    return visitors, spot


class Voter(_visitor.Visitor):
    """A participant at the websocket level who votes on the exhibit their page opened."""

    button = mine = ""
    sent: float | None = None
    shown: float | None = None
    status = ""

    async def ready(self, path: str) -> None:
        """The page interactive and its vote button found, enabled (states asked again while the panel is missing)."""
        t0 = time.monotonic()
        await self.visit(path, LOAD_SECONDS)
        deadline = t0 + LOAD_SECONDS
        while True:
            self.button = _visitor.with_class(self.states, VOTE_CLASS) or ""
            self.mine = _visitor.with_class(self.states, MINE_CLASS) or ""
            state = self.states.get(self.button, {}).get("state", {})
            if self.button and self.mine and not state.get("disabled"):
                return
            if time.monotonic() + 1 > deadline:
                why = "disabled" if self.button else "not among the widgets"
                raise _visitor.Failed(f"the vote button is {why} within {LOAD_SECONDS:.0f} s")
            await asyncio.sleep(1)
            await self.request_states(deadline)

    async def vote(self, at: float) -> None:
        """Click at ``at`` (monotonic), then wait for the own dot to show (or for the status to say why not)."""
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        clicked = time.monotonic()
        try:
            await self.send("comm_msg", {"comm_id": self.button,
                                         "data": {"method": "custom", "content": {"event": "click"}}})
        except Exception as exc:  # noqa: BLE001 - the socket may have closed while waiting for the others
            self.error = f"the click could not be sent: {type(exc).__name__} {exc}"
            return
        self.sent = clicked
        status = _visitor.with_class(self.states, STATUS_CLASS)
        deadline = self.sent + VOTE_SHOWN_SECONDS
        while True:
            try:
                got = await self.read(deadline)
            except TimeoutError:
                self.error = f"own dot not shown within {VOTE_SHOWN_SECONDS:.0f} s; status: {self.status!r}"
                return
            if got is None:
                self.error = "the kernel's websocket closed after the click"
                return
            channel, msg, _ = got
            content = msg["content"]
            data = content.get("data") or {}
            if channel != "iopub" or msg["header"].get("msg_type") != "comm_msg" or data.get("method") != "update":
                continue
            value = str((data.get("state") or {}).get("value", ""))
            if content.get("comm_id") == status and value:
                self.status = re.sub(r"<[^>]+>", "", value)[:160]
            if content.get("comm_id") == self.mine and ONE_DOT.search(value):
                self.shown = time.monotonic() - self.sent
                return


async def vote_together(server: _gate.Server, client: Any, path: str,
                        statics: list[str]) -> tuple[list[Voter], int, float, list[float]]:
    """20 participants on one exhibit, each clicking its vote button at one moment once all are ready.

    (voters, clicks sent, ms between the first and last click, seconds from each click to its dot shown)."""
    voters = [Voter(server.url, name, PASSWORD, client, statics) for name, _ in participants()[:VOTERS]]

    async def ready(i: int, voter: Voter) -> None:
        await asyncio.sleep(i * 1.0)
        try:
            await voter.ready(path)
        except Exception as exc:  # noqa: BLE001 - a voter who is not ready is counted and described
            voter.error = voter.error or f"{type(exc).__name__}: {exc}"

    await asyncio.gather(*(ready(i, v) for i, v in enumerate(voters)))          # the barrier
    present = [v for v in voters if not v.error]
    at = time.monotonic() + 1.0                                                  # one moment for all
    await asyncio.gather(*(v.vote(at) for v in present), return_exceptions=True)
    sent = [v.sent for v in present if v.sent is not None]
    spread = (max(sent) - min(sent)) * 1000 if sent else 0.0
    print(f"  {len(sent)} clicks within {spread:.0f} ms of each other" if sent else "  no page was ready to vote",
          flush=True)
    for v in voters:
        v.close()
    return voters, len(sent), spread, [v.shown for v in present if v.shown is not None]


def parts(server: _gate.Server) -> str:
    return ", ".join(f"{name} {mb:.0f} MB" for name, mb in server.parts().items())


def count_votes(run: Path, exhibit_id: str) -> tuple[int, int]:
    """(dots on the exhibit, distinct participants who put them there), read from the workshop store."""
    from kit.workshop.store import Workshop
    rows = [r for r in Workshop(run, readonly=True).rows() if r["exhibit_id"] == exhibit_id and r["votes"] > 0]
    return sum(r["votes"] for r in rows), len({r["participant"] for r in rows})


# Lines of the logs that say something went wrong (not: the routine warnings of every start and cull).
PROBLEM = re.compile(r"^\S+ \S+ (WARNING|ERROR|CRITICAL) (?!404 GET /favicon)"            # the gate's log
                     r"|\[(Voila|IPKernelApp)\] (ERROR|CRITICAL)|Traceback|[Dd]ied|[Rr]estarting"
                     r"|\[Voila\] WARNING \| (?!Notebook \S+ is not trusted|Culling)")


def log_problems(server: _gate.Server) -> tuple[list[str], int]:
    """The lines of the server's logs that say something went wrong, and how many kernels were culled."""
    voila = server.voila_text()
    lines = server.log.read_text(errors="replace").splitlines() + voila.splitlines()
    return [line[:240] for line in lines if PROBLEM.search(line)], voila.count("Culling 'idle' kernel")


async def settle_kernels(server: _gate.Server, kernels: int, pool: list[int]) -> None:
    """Back to a warm pool, the references' kernels gone, the tree idle."""
    await asyncio.to_thread(server.wait_kernels, kernels, 30)
    await asyncio.to_thread(warm, server, pool)


async def measure(run: Path, users: Path, home: Path) -> dict[str, Any]:
    from playwright.async_api import async_playwright
    out: dict[str, Any] = {}
    client = _visitor.http_client()
    with _gate.serve(run, users, home) as server:
        path = f"/runs/{run.name}/voila/render/exhibits.ipynb"
        pool = [0]                                      # pooled gallery kernels taken by visitors so far
        try:
            server.wait_pools(dict.fromkeys(_gate.PAGES, 1))
            server.settle()
            out["baseline_mb"], out["baseline_kernels"] = server.sample()
            print(f"  server up; baseline {out['baseline_mb']:.0f} MB, {out['baseline_kernels']} kernels "
                  f"({parts(server)}); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=_gate.CHROMIUM, args=_gate.CHROMIUM_FLAGS)
                try:
                    out["alone_browser"], statics = await alone_browser(browser, server, server.url + path, pool)
                    out["statics"] = len(statics)
                    print(f"  alone, Chromium: {', '.join(f'{s:.2f}' for s in out['alone_browser'])} s "
                          f"(the browser fetched {len(statics)} static files)", flush=True)
                    await asyncio.to_thread(server.wait_kernels, out["baseline_kernels"], 30)
                    out["alone_ws"] = await alone_ws(server, client, path, statics, pool)
                    print(f"  alone, websocket level: {', '.join(f'{s:.2f}' for s in out['alone_ws'])} s", flush=True)
                    await settle_kernels(server, out["baseline_kernels"], pool)
                    with Sampler(server) as sampler:
                        out["visitors"], out["spot"] = await crowd(browser, server, client, path, statics)
                        await asyncio.sleep(5)                     # everybody connected at once, ticking
                        out["peak_mb"], out["peak_kernels"] = sampler.peak, sampler.peak_kernels
                    for visitor in out["visitors"]:
                        visitor.close()
                    await out["spot"].close()
                    t_closed = time.monotonic()
                    await asyncio.to_thread(server.wait_kernels, out["baseline_kernels"], CULL_WAIT_SECONDS)
                    out["cull_seconds"] = time.monotonic() - t_closed
                    await asyncio.to_thread(server.settle)
                    out["after_mb"], out["after_kernels"] = server.sample()
                    print(f"  after the visitors left: {out['after_mb']:.0f} MB, {out['after_kernels']} kernels "
                          f"({parts(server)}; {out['cull_seconds']:.0f} s after they closed); "
                          f"load average {os.getloadavg()[0]:.1f}", flush=True)
                finally:
                    await browser.close()
            exhibit = voted_exhibit(run)
            voters, clicks, spread, shown = await vote_together(server, client, f"{path}?exhibit={exhibit}", statics)
            out.update(voters=voters, clicks=clicks, click_spread_ms=spread, vote_shown=shown, exhibit=exhibit)
            deadline = time.monotonic() + 30                # a click's dot may land after the update was missed
            while True:
                out["dots"], out["distinct_voters"] = count_votes(run, exhibit)
                if out["dots"] >= clicks or time.monotonic() > deadline:
                    break
                await asyncio.sleep(1)
        finally:
            client.close()
            out["problems"], out["culled"] = log_problems(server)
            LOGS.mkdir(parents=True, exist_ok=True)
            shutil.copy(server.log, LOGS / "serve.log")
            if server.voila_log and server.voila_log.exists():
                shutil.copy(server.voila_log, LOGS / "voila.log")
    return out


def report(out: dict[str, Any]) -> None:
    """What failed, for the reader of the printed results (the records only carry the figures)."""
    failed = [v for v in out["visitors"] if v.error]
    reasons = Counter(re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}|\d+(\.\d+)?", "N", v.error) for v in failed)
    if failed:
        print(f"  {len(failed)} websocket-level visitor(s) failed, by reason (numbers as N):")
        for why, n in reasons.most_common():
            print(f"    {n:4d} x {why}")
    for v in out["visitors"] + out["voters"]:
        if v.static_failures or v.socket_closes:
            print(f"  {v.name}: {len(v.static_failures)} static file(s) failed {v.static_failures[:2]}; "
                  f"kernel socket failed {v.socket_closes} time(s)")
    spot = out["spot"]
    if spot.error or spot.bad_responses or spot.page_errors:
        print(f"  {spot.name} (Chromium): {spot.error or 'ok'}; 5xx: {spot.bad_responses[:3]}; "
              f"page errors: {spot.page_errors[:2]}")
    for v in out["voters"]:
        if v.error:
            print(f"  {v.name} (voter): {v.error}")
    if out["problems"]:
        kinds = Counter(re.sub(r"\?\S*|[0-9a-f]{8}-[0-9a-f-]{27}|\d+(\.\d+)?", "N", line.split(" ", 2)[-1])
                        for line in out["problems"])
        print(f"  {len(out['problems'])} log line(s) about problems, by kind (numbers as N):")
        for line, n in kinds.most_common(12):
            print(f"    {n:4d} x {line}")
    print(f"  {out['culled']} idle kernel(s) culled; logs copied to {LOGS}")


def run(args: argparse.Namespace | None = None) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="cxkit-bench-serve30-") as tmp:
        root = Path(tmp)
        run_dir = sample_run(root)
        users = users_file(root / "users.json")
        out = asyncio.run(measure(run_dir, users, root / "home"))
    report(out)
    ref_browser, ref = statistics.median(out["alone_browser"]), statistics.median(out["alone_ws"])
    done = [v.seconds for v in out["visitors"] if v.seconds is not None and not v.error]
    spot = out["spot"].seconds
    ok = len(done) + (spot is not None)
    base, after = out["baseline_mb"], out["after_mb"]
    lost = VOTERS - out["distinct_voters"]
    records = [
        record("serve_30_visitors.alone_chromium_seconds", ref_browser, "s", None,
               f"median of {ALONE_LOADS}, first card shown", None),
        record("serve_30_visitors.alone_ws_seconds", ref, "s", None,
               f"median of {ALONE_LOADS}, widget states received", None),
        record("serve_30_visitors.interactive", ok, "users", VISITORS,
               f"{VISITORS}/{VISITORS} interactive ({len(done)}/{VISITORS - 1} websocket level, "
               f"Chromium {'drew' if spot is not None else 'FAILED'})", ok == VISITORS),
    ]
    if done:
        records += [record("serve_30_visitors.p50_seconds", statistics.median(done), "s", ref,
                           "websocket level, ratio to one alone", None),
                    record("serve_30_visitors.p95_seconds", p95(done), "s", ref,
                           "websocket level, ratio to one alone", None)]
    records.append(record("serve_30_visitors.chromium_in_load_drawn", int(spot is not None), "users", 1,
                          "spot check: the Chromium visitor in the load draws its cards", spot is not None))
    if spot is not None:
        records.append(record("serve_30_visitors.chromium_in_load_seconds", spot, "s", ref_browser,
                              "first card shown, ratio to Chromium alone", None))
    records += [
        record("serve_30_visitors.memory_baseline", base, "MB", None, f"{out['baseline_kernels']} kernels", None),
        record("serve_30_visitors.memory_peak", out["peak_mb"], "MB", base, f"{out['peak_kernels']} kernels at peak",
               None),
        record("serve_30_visitors.memory_after", after, "MB", base,
               f"<= 1.1 x baseline ({out['after_kernels']} kernels, {out['cull_seconds']:.0f} s after)",
               after <= 1.1 * base),
        record("serve_30_visitors.kernels_after", out["after_kernels"], "n", out["baseline_kernels"],
               "back to the baseline count", out["after_kernels"] <= out["baseline_kernels"]),
        record("serve_30_visitors.vote_pages_ready", out["clicks"], "users", VOTERS,
               f"{VOTERS}/{VOTERS} reach the vote button", out["clicks"] == VOTERS),
        record("serve_30_visitors.votes_lost", lost, "votes", VOTERS,
               f"0 lost ({out['clicks']} clicked within {out['click_spread_ms']:.0f} ms, {out['dots']} dots "
               f"from {out['distinct_voters']} participants)", lost == 0 and out["dots"] == VOTERS),
    ]
    if out["vote_shown"]:
        records.append(record("serve_30_visitors.vote_shown_max", max(out["vote_shown"]), "s", None,
                              f"click to own dot shown, slowest of {len(out['vote_shown'])}", None))
    return records
