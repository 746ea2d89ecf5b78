"""``serve_30_visitors``: the team server (``cxkit serve RUN --users FILE``) with 30 people at once.

The sample project's run (``cxkit run data/sample``) is served with 31 users: 30 participants of
mixed departments and a facilitator. Every visitor is a browser context of its own in one Debian
Chromium, logs in through the gate's form, then opens the gallery; "interactive" is the first
card of the grid shown (``.cx-cardgrid .cx-card``), timed from the gallery's navigation start.

* Reference, in the same run: one visitor alone, on a warm pool (median of 3).
* Load: 30 visitors starting evenly within 60 s (one every 2 s); each time to interactive, the
  failures counted; p50 and p95 against the reference. Target: 30/30 interactive.
* Memory: resident memory (RSS) of the server's whole process tree (gate, Voilà, kernels) before
  any visitor (pool warm), at its peak, and after the visitors closed their contexts and the idle
  kernels were culled (60 s idle, checked every 10 s: up to 150 s of polling until the kernel count
  is back where it started). Target: after <= 1.1 x before.
* Votes: 20 participants open the same exhibit (``?exhibit=ID``) and, once all 20 pages are
  ready, click its vote button at the same moment; the workshop store must then hold 20 dots from
  20 participants. Target: 0 votes lost.

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

from bench import _gate
from bench.common import cxkit, record

VISITORS = 30
SPREAD_SECONDS = 60.0
VOTERS = 20
ALONE_LOADS = 3
PASSWORD = "visitor-pass-2026"
LOAD_MS = 180_000
GRACE_SECONDS = 10.0          # a page whose scripts failed to load gets this long before it counts as failed
SOCKET_RETRIES = 5            # a page whose kernel socket closed this often has lost its kernel
CULL_WAIT_SECONDS = 150.0
GRID = ".cx-cardgrid .cx-card"
VOTE_BUTTON = ".cx-ws-panel button.cx-ws-up"
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
    """One visitor: their browser context, page and what went wrong."""

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

    async def open(self, browser: Any) -> None:
        self.broken = asyncio.Event()
        self.context = await browser.new_context(viewport=VIEWPORT)
        self.context.set_default_timeout(LOAD_MS)                # a slow server is measured, not given up on
        await self.context.add_init_script(INTERACTIVE_PROBE)
        self.page = await self.context.new_page()
        self.page.on("response", self._response)
        self.page.on("pageerror", self._page_error)
        self.page.on("websocket", self._websocket)

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


async def alone(browser: Any, server: _gate.Server, gallery: str) -> list[float]:
    """One visitor at a time, each meeting a pool whose page has run."""
    times = []
    for i in range(ALONE_LOADS):
        server.wait_pools({"exhibits.ipynb": i + 1})
        server.settle()
        visit = Visit(participants()[-1 - i][0])
        await visit.open(browser)
        try:
            await visit.login(server.url)
            times.append(await visit.gallery(gallery))
        finally:
            await visit.close(unload=True)
    return times


async def crowd(browser: Any, server: _gate.Server, gallery: str) -> list[Visit]:
    """30 visitors, one every SPREAD_SECONDS / 30 seconds, each logging in and opening the gallery."""
    visits = [Visit(name) for name, _ in participants()]
    step = SPREAD_SECONDS / VISITORS
    t0 = time.monotonic()

    async def one(i: int, visit: Visit) -> None:
        await asyncio.sleep(max(0.0, t0 + i * step - time.monotonic()))
        try:
            await visit.open(browser)
            await visit.login(server.url)
            await visit.gallery(gallery)
        except Exception as exc:  # noqa: BLE001 - a failed visitor is counted and described, the rest go on
            await visit.why(exc)
        print(f"  visitor {i + 1:2d} at {time.monotonic() - t0:5.1f} s: "
              + (f"interactive in {visit.seconds:.2f} s" if visit.seconds is not None else f"FAILED {visit.error}"),
              flush=True)

    await asyncio.gather(*(one(i, v) for i, v in enumerate(visits)))
    return visits


async def vote_together(browser: Any, server: _gate.Server, address: str) -> tuple[list[Visit], int, list[float]]:
    """20 participants on one exhibit, each clicking its vote button at one moment once all are ready."""
    voters = [Visit(name) for name, _ in participants()[:VOTERS]]

    async def ready(i: int, visit: Visit) -> None:
        await asyncio.sleep(i * 1.0)
        try:
            await visit.open(browser)
            await visit.login(server.url)
            await visit.gallery(address)
            await visit.page.wait_for_selector(f"{VOTE_BUTTON}:not([disabled])", state="visible", timeout=LOAD_MS)
        except Exception as exc:  # noqa: BLE001
            await visit.why(exc)

    await asyncio.gather(*(ready(i, v) for i, v in enumerate(voters)))           # the barrier
    present = [v for v in voters if not v.error]
    at = time.time() * 1000 + 1500                                               # one moment, on the shared clock
    click = ("([sel, at]) => new Promise(done => setTimeout(() => { document.querySelector(sel).click();"
             " done(Date.now()); }, Math.max(0, at - Date.now())))")
    clicked = await asyncio.gather(*(v.page.evaluate(click, [VOTE_BUTTON, at]) for v in present))
    print(f"  {len(present)} clicks within {max(clicked) - min(clicked):.0f} ms of each other" if clicked else
          "  no page was ready to vote", flush=True)

    async def shown(visit: Visit) -> float | None:
        try:
            await visit.page.wait_for_function(
                "() => document.querySelector('.cx-ws-panel .cx-ws-my-dots')?.textContent === '1'",
                polling=200, timeout=120_000)
            return time.time() - at / 1000
        except Exception as exc:  # noqa: BLE001
            await visit.why(exc)
            return None

    delays = [d for d in await asyncio.gather(*(shown(v) for v in present)) if d is not None]
    return voters, len(clicked), delays


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


async def measure(run: Path, users: Path, home: Path) -> dict[str, Any]:
    from playwright.async_api import async_playwright
    out: dict[str, Any] = {}
    with _gate.serve(run, users, home) as server:
        gallery = f"{server.url}/runs/{run.name}/voila/render/exhibits.ipynb"
        try:
            server.wait_pools(dict.fromkeys(_gate.PAGES, 1))
            server.settle()
            out["baseline_mb"], out["baseline_kernels"] = server.sample()
            print(f"  server up; baseline {out['baseline_mb']:.0f} MB, {out['baseline_kernels']} kernels "
                  f"({parts(server)}); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=_gate.CHROMIUM, args=_gate.CHROMIUM_FLAGS)
                try:
                    out["alone"] = await alone(browser, server, gallery)
                    print(f"  alone: {', '.join(f'{s:.2f}' for s in out['alone'])} s", flush=True)
                    server.wait_kernels(out["baseline_kernels"], timeout=30)
                    server.wait_pools({"exhibits.ipynb": ALONE_LOADS + 1})
                    server.settle()
                    with Sampler(server) as sampler:
                        visits = await crowd(browser, server, gallery)
                        await asyncio.sleep(5)                     # everybody connected at once, ticking
                        out["peak_mb"], out["peak_kernels"] = sampler.peak, sampler.peak_kernels
                    out["visits"] = visits
                    await asyncio.gather(*(v.close() for v in visits))
                    t_closed = time.monotonic()
                    mb, kernels = await asyncio.to_thread(server.wait_kernels, out["baseline_kernels"],
                                                          CULL_WAIT_SECONDS)
                    out["cull_seconds"] = time.monotonic() - t_closed
                    await asyncio.to_thread(server.settle)
                    out["after_mb"], out["after_kernels"] = server.sample()
                    print(f"  after the visitors left: {out['after_mb']:.0f} MB, {out['after_kernels']} kernels "
                          f"({parts(server)}; {out['cull_seconds']:.0f} s after they closed); "
                          f"load average {os.getloadavg()[0]:.1f}", flush=True)
                    exhibit = voted_exhibit(run)
                    voters, clicks, delays = await vote_together(browser, server, f"{gallery}?exhibit={exhibit}")
                    out["voters"], out["clicks"], out["vote_delays"] = voters, clicks, delays
                    out["dots"], out["distinct_voters"] = count_votes(run, exhibit)
                    out["exhibit"] = exhibit
                    await asyncio.gather(*(v.close() for v in voters))
                finally:
                    await browser.close()
        finally:
            out["problems"], out["culled"] = log_problems(server)
            LOGS.mkdir(parents=True, exist_ok=True)
            shutil.copy(server.log, LOGS / "serve.log")
            if server.voila_log and server.voila_log.exists():
                shutil.copy(server.voila_log, LOGS / "voila.log")
    return out


def report(out: dict[str, Any]) -> None:
    """What failed, for the reader of the printed results (the records only carry the figures)."""
    for v in out["visits"] + out["voters"]:
        if v.error or v.bad_responses or v.page_errors:
            print(f"  {v.name}: {v.error or 'ok'}; 5xx: {v.bad_responses[:3]}; page errors: {v.page_errors[:2]}")
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
    ref = statistics.median(out["alone"])
    done = [v.seconds for v in out["visits"] if v.seconds is not None]
    ok = len(done)
    base, after = out["baseline_mb"], out["after_mb"]
    lost = VOTERS - out["distinct_voters"]
    records = [
        record("serve_30_visitors.alone_seconds", ref, "s", None, f"median of {ALONE_LOADS}", None),
        record("serve_30_visitors.interactive", ok, "users", VISITORS, f"{VISITORS}/{VISITORS} interactive",
               ok == VISITORS),
    ]
    if done:
        records += [record("serve_30_visitors.p50_seconds", statistics.median(done), "s", ref, "ratio to one alone", None),
                    record("serve_30_visitors.p95_seconds", p95(done), "s", ref, "ratio to one alone", None)]
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
               f"0 lost ({out['clicks']} clicked, {out['dots']} dots from {out['distinct_voters']} participants)",
               lost == 0 and out["dots"] == VOTERS),
    ]
    if out["vote_delays"]:
        records.append(record("serve_30_visitors.vote_shown_max", max(out["vote_delays"]), "s", None,
                              "click to own dot shown, slowest of 20", None))
    return records
