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
