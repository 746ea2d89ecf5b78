"""Voilà as a child of the team server: started on a free loopback port, stopped with every kernel it made.

Voilà starts each kernel in a session of its own (so a Ctrl+C in the terminal does not interrupt
them); stopping Voilà alone can leave those kernels running (200-340 MB each) and its port held.
Stopping here collects Voilà's whole process tree first, asks every process to end, and kills
whatever is still there after a grace period, so the server is gone and its port free within
``STOP_SECONDS``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

from kit.core.errors import KitError

log = logging.getLogger("cxkit.server")
STOP_SECONDS = 10
GRACE_SECONDS = 5


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now (the OS picks it)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class Voila:
    """One Voilà process on loopback, its log in ``log_path``; ``stop`` ends it and every kernel it started."""

    def __init__(self, command: list[str], env: dict[str, str], port: int, token: str, log_path: Path) -> None:
        self.port, self.token, self.log_path = port, token, log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = log_path.open("ab")
        self.proc = subprocess.Popen(command, env={**os.environ, **env}, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 180.0) -> None:
        """Block until Voilà answers on its port (a busy machine needs a while with preheated kernels)."""
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(self.url + "/",
                                         headers={"Authorization": f"token {self.token}"})
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise KitError(f"the page server stopped as it started (exit {self.proc.returncode}); "
                               f"its log is {self.log_path}")
            try:
                with urllib.request.urlopen(request, timeout=10):
                    return
            except urllib.error.HTTPError:
                return                                   # it answers: up, whatever it said
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise KitError(f"the page server did not answer within {timeout:.0f} s; its log is {self.log_path}")

    def stop(self) -> float:
        """End Voilà and every process under it; returns the seconds it took (at most ``STOP_SECONDS``)."""
        t0 = time.monotonic()
        try:
            root = psutil.Process(self.proc.pid)
            tree = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            tree = []
        for p in tree:
            with contextlib.suppress(psutil.Error):
                p.terminate()
        _, alive = psutil.wait_procs(tree, timeout=GRACE_SECONDS)
        for p in alive:
            with contextlib.suppress(psutil.Error):
                log.warning("process %s did not end on SIGTERM; killing it", p.pid)
                p.kill()
        psutil.wait_procs(alive, timeout=STOP_SECONDS - GRACE_SECONDS - 1)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=1)
        self._log.close()
        return time.monotonic() - t0
