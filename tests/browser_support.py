"""What browser tests share: Debian's Chromium driven by Playwright, and a Voilà server on a run.

Any test module can use the ``browser`` fixture (conftest.py) and ``voila_server(run, home)`` to
serve a run folder on a free loopback port, then ``open_page`` to load a page that records its
JavaScript errors and any request that leaves this machine.
"""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kit.server.voila import voila_command, voila_env

CHROMIUM = "/usr/bin/chromium"
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "file:", "blob:", "about:")
QUIET_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch_browser() -> Iterator[object]:
    """Debian's Chromium (skips outside CI when it is not installed; fails in CI)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {CHROMIUM} is missing; .ci/run installs the Debian package chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        yield b
        b.close()


@contextmanager
def voila_server(run: Path, home: Path, extra_env: dict[str, str] | None = None, *, wait: float = 180.0,
                 **options: int) -> Iterator[tuple[str, subprocess.Popen]]:
    """Voilà as ``cxkit serve`` starts it (``options`` go to kit.cli.voila_command) on a free port over ``run``.

    Yields (base URL, process). It waits up to ``wait`` seconds for the server: with preheated
    kernels a busy machine needs a while before it answers.
    """
    port = free_port()
    env = {**os.environ, **voila_env(), "CXKIT_RUN": str(run), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTER_CONFIG_DIR": str(home / "config"), "IPYTHONDIR": str(home / "ipython"), **(extra_env or {})}
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / "voila.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(voila_command(port, **options), env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "/", timeout=10)
                break
            except OSError:
                time.sleep(0.5)
        else:
            proc.kill()
            pytest.fail("Voilà did not start: " + log_path.read_text()[-2000:])
        try:
            yield url, proc
        finally:
            proc.terminate()
            proc.wait(timeout=30)


@contextmanager
def gate_server(target: Path, home: Path, *args: str, wait: float = 240.0,
                tls: bool = False) -> Iterator[tuple[str, subprocess.Popen]]:
    """``cxkit serve TARGET ARGS`` (the gate and Voilà behind it) on a free loopback port; yields (URL, process).

    Waits until the gate answers (it listens once Voilà is up); stops it with SIGTERM, as a user would.
    ``tls``: the server was given a certificate (``--certfile/--keyfile`` in ``args``); the URL is https.
    The server's output is in ``home/serve.log``.
    """
    port = free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTER_CONFIG_DIR": str(home / "config"),
           "IPYTHONDIR": str(home / "ipython"), "TMPDIR": str(home)}
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / "serve.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "kit.cli", "serve", str(target), "--port", str(port), *args],
                                env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
        context = ssl._create_unverified_context() if tls else None      # a self-signed test certificate
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                urllib.request.urlopen(url + "/login", timeout=10, context=context)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.5)
        else:
            proc.kill()
            pytest.fail("cxkit serve did not start: " + log_path.read_text()[-3000:])
        try:
            yield url, proc
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=30)


def open_page(browser: object, url: str, timeout: float = 60_000) -> object:
    """A page with its JavaScript errors on ``page.errors`` and off-machine requests on ``page.remote``.

    ``timeout`` (ms) for the page's first HTML: a server starting kernels on a busy machine is slow to answer.
    """
    page = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    errors: list[str] = []
    remote: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(LOCAL) else remote.append(r.url))
    page.remote = remote
    page.goto(url, wait_until="domcontentloaded", timeout=timeout)
    page.errors = errors
    return page


def run_copy(run: Path, folder: Path) -> Path:
    """A copy of a finished run in ``folder`` with no workshop yet, for a module that votes on it."""
    import shutil

    from kit.workshop.store import DB_NAME
    copy = folder / run.name
    shutil.copytree(run, copy, symlinks=True)
    (copy / DB_NAME).unlink(missing_ok=True)
    return copy
