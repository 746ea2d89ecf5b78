"""The kernel manager behind ``cxkit serve``: jupyter_server's, with a connection count that cannot go negative.

The idle-kernel culler shuts a kernel down only when nobody is connected to it, and it reads
"nobody" as a count of exactly zero. A visitor who closes the tab while the page's websocket to
its kernel is still being set up makes jupyter_server (2.21) count a disconnect for a connection
it never counted: the socket closes during the handshake, before the connection is registered.
That kernel's count drops to -1 and the culler keeps it for good (~150-200 MB each); 50 quick
visits left one such kernel behind. Here a disconnect is counted only against a counted connection.
"""

from __future__ import annotations

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager


class KernelManager(AsyncMappingKernelManager):
    """``AsyncMappingKernelManager`` (Voilà's default) whose connection count stays at zero or above."""

    def notify_disconnect(self, kernel_id: str) -> None:
        if self._kernel_connections.get(kernel_id, 0) > 0:
            super().notify_disconnect(kernel_id)
