"""The pages' kernel manager: a tab closed mid-handshake must not keep its kernel from being culled."""

from __future__ import annotations

from kit.pages.kernels import KernelManager
from kit.server import voila as serve


def test_a_disconnect_without_a_connection_leaves_the_count_at_zero() -> None:
    km = KernelManager()
    km._kernel_connections["k"] = 0                 # as after the kernel started: nobody connected
    km.notify_disconnect("k")                       # the tab closed before its websocket was counted
    assert km._kernel_connections["k"] == 0         # the culler's "nobody connected"
    km.notify_connect("k")
    km.notify_connect("k")
    km.notify_disconnect("k")
    assert km._kernel_connections["k"] == 1         # real connections are still counted
    km.notify_disconnect("k")
    km.notify_disconnect("k")
    assert km._kernel_connections["k"] == 0


def test_the_pages_server_uses_it() -> None:
    assert "--VoilaConfiguration.multi_kernel_manager_class=kit.pages.kernels.KernelManager" in serve.voila_command(8866)


class _Socket:
    def __init__(self, closing: bool) -> None:
        self.closing = closing

    def is_closing(self) -> bool:
        return self.closing


class _Handler:
    def __init__(self, socket: _Socket | None) -> None:
        self.ws_connection = socket


class _Connection:
    def __init__(self, kernel_id: str, socket: _Socket | None) -> None:
        self.kernel_id, self.websocket_handler = kernel_id, _Handler(socket)


def _run(coroutine: object) -> None:
    """Run a coroutine to its end in a thread of its own: the browser tests' Playwright keeps an event
    loop running in this thread for the whole session, where ``asyncio.run`` refuses to start."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def test_the_cull_check_counts_only_sockets_still_open(monkeypatch) -> None:
    """A connection counted after its tab had gone (its socket already closed) does not pin the kernel."""
    from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
    live = [_Connection("k", _Socket(False)), _Connection("k", None), _Connection("k", _Socket(True)),
            _Connection("other", _Socket(False))]
    monkeypatch.setattr(ZMQChannelsWebsocketConnection, "_open_sockets", set(live))
    seen: list[int] = []

    async def parent_check(self, kernel_id: str) -> None:
        seen.append(self._kernel_connections[kernel_id])
    monkeypatch.setattr(KernelManager.__mro__[1], "cull_kernel_if_idle", parent_check)
    km = KernelManager()
    km._kernel_connections["k"] = 3                 # one real socket, one gone mid-handshake, one closing
    _run(km.cull_kernel_if_idle("k"))
    assert seen == [1]
    live.pop(0)
    monkeypatch.setattr(ZMQChannelsWebsocketConnection, "_open_sockets", set(live))
    _run(km.cull_kernel_if_idle("k"))
    assert seen == [1, 0]                           # nobody left: the culler may take it
