"""The kernel manager behind ``cxkit serve``: jupyter_server's, with connections counted from the live sockets.

The idle-kernel culler shuts a kernel down only when nobody is connected to it, and it reads
"nobody" as a count of exactly zero. jupyter_server (2.21) keeps that count by adding one when a
page's websocket connects and taking one away when it closes, and a visitor who closes the tab
while that websocket is still being set up breaks it both ways: the close can be counted before
the connection it ends (the count drops to -1), or the connection counted after its close was
already handled (the count stays at 1 for a socket that is gone). Either way the culler keeps the
kernel for good (~150-200 MB each); 50 quick visits left one such kernel behind on a busy machine.

So a disconnect is counted only against a counted connection, and before each cull check the
count is set to the number of that kernel's websockets that are really open.
"""

from __future__ import annotations

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager


def open_sockets(kernel_id: str) -> int:
    """How many of ``kernel_id``'s websockets are open now (a socket closed or closing is not counted)."""
    count = 0
    for connection in list(ZMQChannelsWebsocketConnection._open_sockets):
        if connection.kernel_id != kernel_id:
            continue
        socket = getattr(connection.websocket_handler, "ws_connection", None)
        count += socket is not None and not socket.is_closing()
    return count


class KernelManager(AsyncMappingKernelManager):
    """``AsyncMappingKernelManager`` (Voilà's default) whose connection count matches the open sockets."""

    def notify_disconnect(self, kernel_id: str) -> None:
        if self._kernel_connections.get(kernel_id, 0) > 0:
            super().notify_disconnect(kernel_id)

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        if kernel_id in self._kernel_connections:
            self._kernel_connections[kernel_id] = open_sockets(kernel_id)
        await super().cull_kernel_if_idle(kernel_id)
