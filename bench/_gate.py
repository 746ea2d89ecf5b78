"""What the benchmarks of the team server share: ``cxkit serve`` started as a user starts it, its
process tree's memory, its kernels, and browsers that log in through its gate.

The server is stopped with SIGTERM, as a user stops it (it then ends Voilà and every kernel).
Its output goes to ``serve.log`` in the given folder; Voilà's log (the page server's) is the file
the server names there.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from bench.common import ROOT
from kit.pages.page import READY_MARK

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  # visitors in background tabs still tick and draw, as people on their own machines would
                  "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                  "--disable-backgrounding-occluded-windows"]
PAGES = ("exhibits.ipynb", "overview.ipynb", "negative.ipynb")
MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def is_kernel(p: psutil.Process) -> bool:
    with contextlib.suppress(psutil.Error):
        return any("ipykernel" in part for part in p.cmdline())
    return False


@dataclass
class Server:
    """A running ``cxkit serve``: its URL, process, and logs."""

    url: str
    proc: subprocess.Popen
    log: Path
    voila_log: Path | None = None
    peak_mb: float = 0.0
    samples: list[tuple[float, float, int]] = field(default_factory=list)

    def tree(self) -> list[psutil.Process]:
        """The gate, Voilà and every kernel Voilà started (kernels run in sessions of their own,
        but stay Voilà's children)."""
        try:
            root = psutil.Process(self.proc.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def memory(self) -> tuple[float, int]:
        """(MB resident in the whole tree, number of kernels)."""
        rss, kernels = 0, 0
        for p in self.tree():
            with contextlib.suppress(psutil.Error):
                rss += p.memory_info().rss
                kernels += is_kernel(p)
        return rss / MB, kernels

    def parts(self) -> dict[str, float]:
        """MB resident in the gate, in Voilà (and any helper it runs) and in the kernels."""
        found = {"gate": 0.0, "voila": 0.0, "kernels": 0.0}
        for i, p in enumerate(self.tree()):
            with contextlib.suppress(psutil.Error):
                found["gate" if i == 0 else "kernels" if is_kernel(p) else "voila"] += p.memory_info().rss / MB
        return found

    def sample(self) -> tuple[float, int]:
        """One memory reading, kept (with its time) and counted in the peak."""
        mb, kernels = self.memory()
        self.samples.append((time.monotonic(), mb, kernels))
        self.peak_mb = max(self.peak_mb, mb)
        return mb, kernels

    def voila_text(self) -> str:
        if self.voila_log is None:
            found = re.search(r"page server log: (\S+)", self.log.read_text(errors="replace"))
            if found:
                self.voila_log = Path(found.group(1))
        return self.voila_log.read_text(errors="replace") if self.voila_log and self.voila_log.exists() else ""

    def ready_count(self, notebook: str) -> int:
        """How many preheated kernels of ``notebook`` have filled the pool and run the page up to its visitor."""
        text = self.voila_text()
        return min(text.count(f"Kernel pool of {notebook} is filled"), text.count(f"{READY_MARK} {notebook}"))

    def wait_pools(self, fills: dict[str, int], timeout: float = 300) -> None:
        """Wait until each notebook's pool has been readied ``fills[nb]`` times."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(self.ready_count(nb) >= n for nb, n in fills.items()):
                return
            time.sleep(0.25)
        raise TimeoutError(f"preheated pages {fills} not ready within {timeout:.0f} s; see {self.voila_log}")

    def wait_kernels(self, at_most: int, timeout: float, every: float = 2.0) -> tuple[float, int]:
        """Poll (sampling memory) until at most ``at_most`` kernels run, or ``timeout``; the last reading."""
        deadline = time.monotonic() + timeout
        mb, kernels = self.sample()
        while kernels > at_most and time.monotonic() < deadline:
            time.sleep(every)
            mb, kernels = self.sample()
        return mb, kernels

    def settle(self, seconds: float = 3.0, timeout: float = 60.0) -> None:
        """Wait until the tree is nearly idle (under 20% of one core over ``seconds``), or ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            procs = self.tree()
            t0 = {p.pid: _cpu(p) for p in procs}
            time.sleep(seconds)
            used = sum(_cpu(p) - t0[p.pid] for p in procs)
            if used / seconds < 0.2:
                return


def _cpu(p: psutil.Process) -> float:
    with contextlib.suppress(psutil.Error):
        t = p.cpu_times()
        return t.user + t.system
    return 0.0


@contextlib.contextmanager
def serve(target: Path, users: Path, home: Path, *, wait: float = 300.0) -> Iterator[Server]:
    """``cxkit serve TARGET --users USERS`` on a free loopback port, until the block ends (then SIGTERM)."""
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTER_CONFIG_DIR": str(home / "config"),
           "IPYTHONDIR": str(home / "ipython"), "TMPDIR": str(home)}
    log = home / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "kit.cli", "serve", str(target), "--port", str(port),
                                 "--users", str(users)], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        server = Server(f"http://127.0.0.1:{port}", proc, log)
        deadline = time.monotonic() + wait
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop(proc)
                raise RuntimeError("cxkit serve did not start: " + log.read_text(errors="replace")[-3000:])
            try:
                urllib.request.urlopen(server.url + "/login", timeout=10)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.5)
        try:
            yield server
        finally:
            stop(proc)


def stop(proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """SIGTERM, as a user stops the server; SIGKILL for whatever of the tree is left after ``timeout``."""
    if proc.poll() is not None:
        return
    try:
        tree = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        tree = []
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    for p in tree:
        with contextlib.suppress(psutil.Error):
            if p.is_running():
                p.kill()
