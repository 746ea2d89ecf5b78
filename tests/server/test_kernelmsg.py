"""Which browser messages reach a page's kernel: frames built by jupyter_server's own serializers."""

from __future__ import annotations

import json
import struct
import uuid
from typing import Any

import pytest
from jupyter_server.services.kernels.connection.base import serialize_binary_message, serialize_msg_to_ws_v1

from kit.server.kernelmsg import MAX_BYTES, MAX_UPLOAD_BYTES, PROTOCOL_V1, parse, refusal

V1 = PROTOCOL_V1


def message(msg_type: str, content: dict[str, Any] | None = None, buffers: list[bytes] | None = None) -> dict[str, Any]:
    """A message as the browser's kernel connection makes it."""
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "", "session": uuid.uuid4().hex,
              "date": "2026-01-01T00:00:00.000Z", "version": "5.3"}
    return {"header": header, "parent_header": {}, "metadata": {}, "content": content or {}, "buffers": buffers or []}


def pack(obj: Any) -> bytes:
    return json.dumps(obj).encode()


def v1(msg: dict[str, Any], channel: str = "shell") -> bytes:
    """The frame a browser sends under the v1 protocol (buffers follow the four JSON parts)."""
    return serialize_msg_to_ws_v1([pack(msg["header"]), pack(msg["parent_header"]), pack(msg["metadata"]),
                                   pack(msg["content"]), *msg["buffers"]], channel)


def v1_packed(msg: dict[str, Any], channel: str = "shell") -> bytes:
    return serialize_msg_to_ws_v1(msg, channel, pack=pack)


def text(msg: dict[str, Any], channel: str = "shell") -> str:
    """The older JSON form: one text frame per message."""
    return json.dumps({**msg, "channel": channel})


def binary(msg: dict[str, Any], channel: str = "shell") -> bytes:
    """The older JSON form of a message with buffers: one binary frame."""
    return serialize_binary_message({**msg, "channel": channel})


def comm_msg(method: str | None, extra: dict[str, Any] | None = None, buffers: list[bytes] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"method": method, **(extra or {})} if method is not None else {**(extra or {})}
    return message("comm_msg", {"comm_id": uuid.uuid4().hex, "data": data}, buffers)


def every_form(msg: dict[str, Any], channel: str = "shell") -> list[tuple[str | bytes, str | None]]:
    """The message as each protocol carries it, with the protocol to read it under (text frames carry no buffers)."""
    forms: list[tuple[str | bytes, str | None]] = [(v1(msg, channel), V1), (binary(msg, channel), None)]
    if not msg["buffers"]:
        forms += [(v1_packed(msg, channel), V1), (text(msg, channel), None)]
    return forms


ALLOWED = [
    ("shell", message("kernel_info_request")),
    ("control", message("kernel_info_request")),
    ("shell", message("comm_info_request", {"target_name": "jupyter.widget"})),
    ("shell", message("comm_open", {"comm_id": "c1", "target_name": "jupyter.widget.control", "data": {}})),
    ("shell", comm_msg("update", {"state": {"value": "late deliveries"}, "buffer_paths": []})),
    ("shell", comm_msg("custom", {"content": {"event": "vote", "exhibit": "E1"}})),
    ("shell", comm_msg("request_state")),
    ("shell", comm_msg("request_states")),
    ("shell", comm_msg("update", {"state": {}, "buffer_paths": [["value", 0]]}, [b"\x00\x01binary"])),
    ("shell", message("comm_close", {"comm_id": "c1", "data": {}})),
]


@pytest.mark.parametrize(("channel", "msg"), ALLOWED, ids=lambda v: v if isinstance(v, str) else v["header"]["msg_type"])
def test_what_a_widget_page_sends_reaches_the_kernel(channel: str, msg: dict[str, Any]) -> None:
    for frame, protocol in every_form(msg, channel):
        assert refusal(frame, protocol=protocol) is None, (protocol, type(frame))
        parsed = parse(frame, protocol)
        assert parsed is not None and parsed["channel"] == channel
        assert parsed["header"]["msg_type"] == msg["header"]["msg_type"]
        assert parsed["content"] == msg["content"]


REFUSED = [
    ("shell", message("execute_request", {"code": "import os; os.system('id')", "silent": False})),
    ("shell", message("inspect_request", {"code": "os", "cursor_pos": 2})),
    ("shell", message("complete_request", {"code": "os.", "cursor_pos": 3})),
    ("shell", message("history_request", {"hist_access_type": "tail", "n": 100})),
    ("shell", message("is_complete_request", {"code": "x"})),
    ("shell", message("shutdown_request", {"restart": False})),
    ("control", message("shutdown_request", {"restart": True})),
    ("control", message("interrupt_request")),
    ("control", message("debug_request", {"command": "evaluate", "arguments": {"expression": "1"}})),
    ("stdin", message("input_reply", {"value": "secret"})),
    ("iopub", message("comm_msg", {"comm_id": "c1", "data": {"method": "update"}})),
    ("control", comm_msg("update")),                       # a widget message on the wrong channel
    ("shell", message("comm_open", {"comm_id": "c2", "target_name": "jupyter.widget", "data": {}})),
    ("shell", message("comm_open", {"comm_id": "c3", "target_name": "ipykernel.debugger", "data": {}})),
    ("shell", message("comm_open", {"comm_id": "c4", "data": {}})),
    ("shell", comm_msg("exec")),
    ("shell", comm_msg("display")),
    ("shell", comm_msg(None, {"state": {"value": 1}})),
    ("shell", message("comm_msg", {"comm_id": "c1", "data": "update"})),
]


@pytest.mark.parametrize(("channel", "msg"), REFUSED,
                         ids=lambda v: v if isinstance(v, str) else v["header"]["msg_type"])
def test_anything_else_a_kernel_understands_is_refused(channel: str, msg: dict[str, Any]) -> None:
    for frame, protocol in every_form(msg, channel):
        why = refusal(frame, protocol=protocol, may_upload=True)
        assert why, (protocol, type(frame))


def test_the_refusal_says_what_was_sent() -> None:
    assert "execute_request" in refusal(v1(message("execute_request")), protocol=V1)
    assert "'shell'" in refusal(v1(message("execute_request")), protocol=V1)
    assert "ipykernel.debugger" in refusal(text(message("comm_open", {"target_name": "ipykernel.debugger"})))
    assert "'exec'" in refusal(text(comm_msg("exec")))
    long = refusal(text(message("comm_open", {"target_name": "x" * 5000})))
    assert long is not None and len(long) < 200


def test_a_frame_is_read_under_the_protocol_the_socket_speaks() -> None:
    msg = message("kernel_info_request")
    assert refusal(text(msg), protocol=V1) == "not a kernel message"        # v1 frames are binary
    assert refusal(v1(msg), protocol=None) == "not a kernel message"        # and not the JSON form's binary frames


def frame_with_offsets(offsets: list[int], body: bytes = b"") -> bytes:
    return len(offsets).to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets) + body


def test_malformed_v1_frames_are_refused() -> None:
    good = v1(message("kernel_info_request"))
    count = int.from_bytes(good[:8], "little")
    offsets = [int.from_bytes(good[8 * (i + 1): 8 * (i + 2)], "little") for i in range(count)]
    body = good[8 * (count + 1):]
    bad = [
        b"",
        b"\x00" * 7,
        good[:20],                                              # cut inside the offsets
        good[: 8 * (count + 1)],                                # the offsets and nothing they point to
        good[:-10],                                             # the last part cut short
        frame_with_offsets([offsets[0], offsets[2], offsets[1], *offsets[3:]], body),     # decreasing offsets
        frame_with_offsets([*offsets[:-1], offsets[-1] + 1000], body),                    # pointing past the end
        frame_with_offsets(offsets[:3], body),                                            # too few parts
        (10**6).to_bytes(8, "little") + good[8:],               # an absurd count
        (2**64 - 1).to_bytes(8, "little") + good[8:],
        b"\xff" * 200,
        bytes(range(256)) * 4,
        b"garbage that is not a frame at all",
        good.replace(b"shell", b"sh\xffll"),                   # a channel that is not UTF-8
        good.replace(b'"msg_type"', b'"msg_t\xffpe"'),          # a header that is not UTF-8
    ]
    assert refusal(good, protocol=V1) is None
    for frame in bad:
        assert parse(frame, V1) is None, frame[:40]
        assert refusal(frame, protocol=V1) == "not a kernel message", frame[:40]


def test_parts_that_are_not_json_objects_are_refused() -> None:
    for header in (b"[]", b"null", b"42", b'"kernel_info_request"', b"{", b""):
        frame = serialize_msg_to_ws_v1([header, b"{}", b"{}", b"{}"], "shell")
        assert refusal(frame, protocol=V1) is not None, header
    frame = serialize_msg_to_ws_v1([pack(message("comm_msg")["header"]), b"{}", b"{}", b"[1, 2]"], "shell")
    assert refusal(frame, protocol=V1) is not None


@pytest.mark.parametrize("frame", [
    "", "{", "[]", "null", '"kernel_info_request"', "not json", '{"channel": "shell"}',
    '{"channel": "shell", "header": "kernel_info_request"}', '{"channel": "shell", "header": {"msg_type": 1}}',
    '{"header": {"msg_type": "kernel_info_request"}}',
    "[" * 50_000,                                                           # nested past the parser's depth
    '{"channel": "shell", "header": {"msg_type": "comm_msg"}, "content": ' + '{"a": ' * 20_000 + "1" + "}" * 20_001,
])
def test_malformed_json_frames_are_refused(frame: str) -> None:
    assert refusal(frame) is not None


def test_malformed_json_binary_frames_are_refused() -> None:
    good = binary(comm_msg("update", {"state": {}}, [b"abc"]))
    for frame in (b"", b"\x00\x00\x00", struct.pack("!I", 0), struct.pack("!I", 1000) + good[4:], good[:6],
                  struct.pack("!II", 1, 5000) + good[8:], b"\xff" * 64,
                  serialize_binary_message({"channel": "shell", "buffers": [b"x"], "header": []})):
        assert refusal(frame) is not None, frame[:40]


def test_deep_nesting_in_a_v1_part_is_refused() -> None:
    frame = serialize_msg_to_ws_v1([b"[" * 50_000, b"{}", b"{}", b"{}"], "shell")
    assert refusal(frame, protocol=V1) == "not a kernel message"


def big_update(size: int) -> dict[str, Any]:
    return comm_msg("update", {"state": {}, "buffer_paths": [["value", 0, "content"]]}, [b"\x00" * size])


def test_a_page_message_is_kept_small() -> None:
    small = big_update(MAX_BYTES - 2000)
    assert refusal(v1(small), protocol=V1) is None
    large = big_update(MAX_BYTES + 1)
    why = refusal(v1(large), protocol=V1)
    assert why is not None and "over the limit" in why
    assert refusal(text(comm_msg("update", {"state": {"value": "x" * (MAX_BYTES + 1)}}))) is not None


def test_a_facilitator_may_upload_a_paper_vote_file_but_not_five_megabytes() -> None:
    upload = big_update(MAX_UPLOAD_BYTES - 4096)
    for frame, protocol in ((v1(upload), V1), (binary(upload), None)):
        assert refusal(frame, protocol=protocol, may_upload=True) is None
        assert refusal(frame, protocol=protocol, may_upload=False) is not None
    huge = big_update(5 * 1024 * 1024)
    for frame, protocol in ((v1(huge), V1), (binary(huge), None)):
        assert "over the limit" in refusal(frame, protocol=protocol, may_upload=True)
        assert "over the limit" in refusal(frame, protocol=protocol, may_upload=False)
    text_frame = "é" * (MAX_BYTES // 2 + 1)               # counted in bytes, not characters
    assert "over the limit" in refusal(text_frame)


def test_an_upload_still_has_to_be_a_widget_message() -> None:
    code = message("execute_request", {"code": "x = 1" + " " * 100_000})
    assert refusal(v1(code), protocol=V1, may_upload=True) is not None
