"""Which messages a visitor's browser may send to its page's kernel, and how big.

A Voilà page talks to its kernel only through widgets: the widget manager asks for the widgets'
state and sends state updates and custom messages (a filter typed, a vote cast). Everything else a
kernel understands (code to execute, completion, inspection, history, input, shutdown, debug) is
something a visitor must never send, whatever Voilà itself would do with it; the gate drops it and
logs who tried. Both of jupyter_server's websocket protocols are read: ``v1.kernel.websocket.jupyter.org``
(what browsers ask for: a binary frame of offsets, the channel, then the message's parts) and the
older JSON form (a text frame is one message; a binary frame, one with buffers).
"""

from __future__ import annotations

import json
import struct
from typing import Any

PROTOCOL_V1 = "v1.kernel.websocket.jupyter.org"
ALLOWED = {
    ("shell", "kernel_info_request"), ("control", "kernel_info_request"),
    ("shell", "comm_info_request"), ("shell", "comm_open"), ("shell", "comm_msg"), ("shell", "comm_close"),
}
COMM_TARGETS = frozenset({"jupyter.widget.control"})     # the widget manager's own channel; widgets are made by the page
COMM_METHODS = frozenset({"update", "custom", "request_state", "request_states", "echo_update"})
MAX_BYTES = 64 * 1024                    # a filter, a vote, a note: far below this
MAX_UPLOAD_BYTES = 3 * 1024 * 1024       # a facilitator's paper-vote file (at most 2 MB) with its envelope


def _parse_v1(frame: bytes) -> dict[str, Any] | None:
    """Channel, header and content of a v1 frame: 8-byte little-endian offsets, the channel, then the parts."""
    count = int.from_bytes(frame[:8], "little")
    if not 6 <= count <= 64 or len(frame) < 8 * (count + 1):
        return None
    offsets = [int.from_bytes(frame[8 * (i + 1): 8 * (i + 2)], "little") for i in range(count)]
    if offsets != sorted(offsets) or offsets[-1] > len(frame):
        return None
    part = [frame[offsets[i]: offsets[i + 1]] for i in range(count - 1)]
    return {"channel": part[0].decode("utf-8"), "header": json.loads(part[1]), "content": json.loads(part[4])}


def parse(frame: str | bytes, protocol: str | None = None) -> dict[str, Any] | None:
    """The message in a frame under ``protocol`` (None: the JSON form), or None if malformed."""
    try:
        if protocol == PROTOCOL_V1:
            msg = _parse_v1(frame) if isinstance(frame, bytes) else None
        elif isinstance(frame, str):
            msg = json.loads(frame)
        else:
            (count,) = struct.unpack("!I", frame[:4])
            if not 1 <= count <= 64 or len(frame) < 4 * (count + 1):
                return None
            offsets = struct.unpack(f"!{count}I", frame[4: 4 * (count + 1)])
            end = offsets[1] if count > 1 else len(frame)
            msg = json.loads(frame[offsets[0]:end])
    except (ValueError, struct.error, UnicodeError, RecursionError):    # RecursionError: JSON nested too deep
        return None
    return msg if isinstance(msg, dict) else None


def refusal(frame: str | bytes, *, protocol: str | None = None, may_upload: bool = False) -> str | None:
    """Why ``frame`` may not reach the kernel, or None when it may."""
    size = len(frame.encode("utf-8") if isinstance(frame, str) else frame)
    if size > (MAX_UPLOAD_BYTES if may_upload else MAX_BYTES):
        return f"{size} bytes is over the limit"
    msg = parse(frame, protocol)
    if msg is None:
        return "not a kernel message"
    header = msg.get("header") if isinstance(msg.get("header"), dict) else {}
    kind = (msg.get("channel"), header.get("msg_type"))
    if kind not in ALLOWED:
        return f"{kind[1]!r} on {kind[0]!r} is not something a page sends"
    content = msg.get("content") if isinstance(msg.get("content"), dict) else {}
    if kind[1] == "comm_open" and content.get("target_name") not in COMM_TARGETS:
        return f"comm target {str(content.get('target_name'))[:80]!r} is not the widget manager's"
    if kind[1] == "comm_msg":
        data = content.get("data") if isinstance(content.get("data"), dict) else {}
        if data.get("method") not in COMM_METHODS:
            return f"widget method {str(data.get('method'))[:80]!r} is not one the pages use"
    return None
