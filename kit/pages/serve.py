"""How `cxkit serve` starts Voila over the pages: the command line (loopback, sources stripped,
tracebacks hidden, idle kernels culled) and the environment that finds the kit's page template.
"""

from __future__ import annotations

import os
import sys

VOILA_TEMPLATE = "cxkit"


# Left out of the pages' browser: the pages draw plotly charts themselves (kit.pages.plotly), and
# Voilà would otherwise load this 4.8 MB extension before every page, charts or not.
UNUSED_EXTENSIONS = '["jupyterlab-plotly"]'


CULL_IDLE_SECONDS = 60      # a kernel whose visitor has gone is shut down after this long without activity


CULL_INTERVAL_SECONDS = 10


def voila_command(port: int, *, preheat: bool = True, pool_size: int = 1,
                  cull_idle: int = CULL_IDLE_SECONDS, cull_interval: int = CULL_INTERVAL_SECONDS) -> list[str]:
    """Voilà over gallery/ on loopback: sources stripped, tracebacks hidden, kernels of gone visitors culled.

    ``preheat`` keeps ``pool_size`` kernels per page that have already run the page (Voilà's
    preheated kernels), so a visitor gets a drawn page without waiting for a kernel to start; the
    gallery page waits for its visitor's query string before reading it. Culling: a kernel with no
    open connection (its visitor left) and idle for ``cull_idle`` seconds is shut down, checked every
    ``cull_interval`` seconds; kernels still connected are never culled (``cull_connected=False``),
    and the warm pool is never culled (Voilà exempts it). Connections are counted by
    ``kit.pages.kernels.KernelManager``, so a tab closed mid-handshake does not pin its kernel. The
    plotly extension stays out of the browser (``UNUSED_EXTENSIONS``).
    """
    from kit.core.paths import GALLERY_DIR
    command = [sys.executable, "-m", "voila", str(GALLERY_DIR), "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1", "--strip_sources=True", "--show_tracebacks=False",
               f"--MappingKernelManager.cull_idle_timeout={cull_idle}",
               f"--MappingKernelManager.cull_interval={cull_interval}",
               "--MappingKernelManager.cull_connected=False", "--MappingKernelManager.cull_busy=False",
               f"--template={VOILA_TEMPLATE}", f"--VoilaConfiguration.extension_denylist={UNUSED_EXTENSIONS}",
               "--VoilaConfiguration.multi_kernel_manager_class=kit.pages.kernels.KernelManager"]
    if preheat and pool_size > 0:
        command += ["--preheat_kernel=True", f"--pool_size={pool_size}"]
    return command


def voila_env() -> dict[str, str]:
    """The environment Voilà needs to find the kit's page template (it adds to, never replaces, JUPYTER_PATH)."""
    from kit.core.paths import ASSETS_DIR
    assets = str(ASSETS_DIR)
    path = os.environ.get("JUPYTER_PATH")
    return {"JUPYTER_PATH": f"{assets}{os.pathsep}{path}" if path else assets}
