"""How the team server starts Voilà behind its gate: the command line (loopback only, a token only
the gate holds, sources stripped, tracebacks hidden, idle kernels culled) and the environment that
finds the kit's page template and carries the gate's signing key to every kernel.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from kit.core import visitor
from kit.core.paths import RUN_ENV_VAR

VOILA_TEMPLATE = "cxkit"


# Left out of the pages' browser: the pages draw plotly charts themselves (kit.pages.plotly), and
# Voilà would otherwise load this 4.8 MB extension before every page, charts or not.
UNUSED_EXTENSIONS = '["jupyterlab-plotly"]'


CULL_IDLE_SECONDS = 60      # a kernel whose visitor has gone is shut down after this long without activity


CULL_INTERVAL_SECONDS = 10
NOT_PREHEATED = ("board.ipynb", "presenter.ipynb")    # opened once per workshop: no kernel kept warm for them


def voila_command(port: int, *, preheat: bool = True, pool_size: int = 1, token: str | None = None,
                  cull_idle: int = CULL_IDLE_SECONDS, cull_interval: int = CULL_INTERVAL_SECONDS) -> list[str]:
    """Voilà over gallery/ on loopback: sources stripped, tracebacks hidden, kernels of gone visitors culled.

    ``token``: every request must carry it (the gate adds it; nobody else on the machine can reach
    the pages around the gate). Voilà hands the gate's visitor header to each page's kernel
    (``http_header_envs``). ``preheat`` keeps ``pool_size`` kernels per page that have already run
    the page (Voilà's preheated kernels), so a visitor gets a drawn page without waiting for a
    kernel to start; the pages wait for their visitor's request before anything personal. Culling:
    a kernel with no open connection (its visitor left) and idle for ``cull_idle`` seconds is shut
    down, checked every ``cull_interval`` seconds; kernels still connected are never culled
    (``cull_connected=False``), and the warm pool is never culled (Voilà exempts it). Connections
    are counted by ``kit.pages.kernels.KernelManager``, so a tab closed mid-handshake does not pin
    its kernel. The plotly extension stays out of the browser (``UNUSED_EXTENSIONS``).
    """
    from kit.core.paths import GALLERY_DIR
    command = [sys.executable, "-m", "voila", str(GALLERY_DIR), "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1", "--strip_sources=True", "--show_tracebacks=False",
               f"--MappingKernelManager.cull_idle_timeout={cull_idle}",
               f"--MappingKernelManager.cull_interval={cull_interval}",
               "--MappingKernelManager.cull_connected=False", "--MappingKernelManager.cull_busy=False",
               f"--template={VOILA_TEMPLATE}", f"--VoilaConfiguration.extension_denylist={UNUSED_EXTENSIONS}",
               f"--VoilaConfiguration.http_header_envs=[\"{visitor.HEADER}\"]",
               "--VoilaConfiguration.multi_kernel_manager_class=kit.pages.kernels.KernelManager"]
    if token:
        command.append(f"--Voila.token={token}")
    if preheat and pool_size > 0:
        command += ["--preheat_kernel=True", f"--pool_size={pool_size}",
                    f"--VoilaKernelManager.preheat_denylist={json.dumps(list(NOT_PREHEATED))}"]
    return command


def voila_env(*, run: Path | None = None, runs_dir: Path | None = None, key: bytes | None = None) -> dict[str, str]:
    """The environment Voilà needs: the kit's page template (added to JUPYTER_PATH) and what the pages show.

    ``run`` pins one run folder (pages read it before their visitor arrives); ``runs_dir`` serves
    every run in it (pages take the run the gate vouches for). ``key`` is the gate's signing key,
    which the kernels inherit (``kit.core.visitor``).
    """
    from kit.core.paths import ASSETS_DIR
    assets = str(ASSETS_DIR)
    path = os.environ.get("JUPYTER_PATH")
    env = {"JUPYTER_PATH": f"{assets}{os.pathsep}{path}" if path else assets, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    if run is not None:
        env[RUN_ENV_VAR] = str(run)
    if runs_dir is not None:
        env[visitor.RUNS_ENV] = str(runs_dir)
    if key is not None:
        env[visitor.KEY_ENV] = key.hex()
    return env
