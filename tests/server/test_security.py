"""What the gate checks on every request: the bind address, the Host it answers to, a websocket's Origin."""

from __future__ import annotations

import pytest

from kit.server.security import CSP, SECURITY_HEADERS, allowed_hosts, host_name, host_ok, is_loopback, origin_ok

LOCAL = allowed_hosts("127.0.0.1")


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "LocalHost", "::1", "[::1]"])
def test_loopback_addresses_keep_the_server_on_this_machine(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "", "192.168.1.10", "10.0.0.1", "team.example", "localhost.example",
                                  "[fe80::1]"])
def test_other_addresses_are_not_loopback(host: str) -> None:
    assert not is_loopback(host)


def test_loopback_names_are_always_allowed() -> None:
    assert LOCAL == frozenset({"localhost", "127.0.0.1", "::1"})


@pytest.mark.parametrize("bind", ["0.0.0.0", "::", ""])
def test_a_wildcard_bind_is_not_a_name_to_answer_to(bind: str) -> None:
    assert allowed_hosts(bind) == LOCAL
    assert not host_ok("0.0.0.0:8866", allowed_hosts(bind))


def test_a_bound_address_is_answered_to() -> None:
    assert "192.168.1.10" in allowed_hosts("192.168.1.10")
    assert "fe80::1" in allowed_hosts("[FE80::1]")
    assert host_ok("[fe80::1]:8866", allowed_hosts("[fe80::1]"))


def test_allow_host_adds_names_case_insensitively_and_without_brackets() -> None:
    names = allowed_hosts("0.0.0.0", ["Team.Example", " [FE80::2] ", " ", ""])
    assert names == LOCAL | {"team.example", "fe80::2"}
    assert host_ok("TEAM.example:8866", names)
    assert host_ok("team.example", names)
    assert host_ok("[fe80::2]:443", names)
    assert not host_ok("other.example", names)


@pytest.mark.parametrize(("header", "name"), [
    ("127.0.0.1:8866", "127.0.0.1"),
    ("127.0.0.1", "127.0.0.1"),
    ("LOCALHOST:80", "localhost"),
    ("[::1]:80", "::1"),
    ("[::1]", "::1"),
    ("evil.example", "evil.example"),
    ("localhost.evil.example", "localhost.evil.example"),
])
def test_host_name_is_the_name_without_its_port(header: str, name: str) -> None:
    assert host_name(header) == name


@pytest.mark.parametrize("header", [
    None, "", " ", "local host", "localhost ", "\tlocalhost", "localhost\r\n", "x" * 300, "a." * 150 + "localhost",
    "[::1", "::1", "evil.example@localhost", "evil.example@127.0.0.1:8866", "localhost/evil", "localhost?x=1",
    "localhost#x", "localhost\\evil", "localhost:abc",
])
def test_malformed_host_headers_name_nothing(header: str | None) -> None:
    assert host_name(header) == ""
    assert not host_ok(header, LOCAL)


@pytest.mark.parametrize("header", ["evil.example", "evil.example:8866", "localhost.evil.example", "127.0.0.1.nip.io",
                                    "0.0.0.0:8866", "[::2]:8866", "192.168.1.10:8866"])
def test_names_not_served_are_refused(header: str) -> None:
    assert not host_ok(header, LOCAL)


@pytest.mark.parametrize("header", ["127.0.0.1:8866", "localhost:8866", "[::1]:8866", "localhost"])
def test_loopback_names_are_served(header: str) -> None:
    assert host_ok(header, LOCAL)


@pytest.mark.parametrize(("origin", "host"), [
    ("http://127.0.0.1:8866", "127.0.0.1:8866"),
    ("http://LOCALHOST:8866", "localhost:8866"),
    ("https://team.example", "team.example"),
    ("http://[::1]:8866", "[::1]:8866"),
])
def test_a_websocket_from_this_server_is_let_in(origin: str, host: str) -> None:
    assert origin_ok(origin, host, allowed_hosts("0.0.0.0", ["team.example"]))


@pytest.mark.parametrize(("origin", "host"), [
    ("http://127.0.0.1:8867", "127.0.0.1:8866"),          # another port: another site
    ("http://127.0.0.1", "127.0.0.1:8866"),
    ("http://localhost:8866", "127.0.0.1:8866"),          # another name of this machine is another origin
    ("ftp://127.0.0.1:8866", "127.0.0.1:8866"),           # not a web page's scheme
    ("file://127.0.0.1:8866", "127.0.0.1:8866"),
    ("null", "127.0.0.1:8866"),                           # sandboxed frames and file pages
    ("", "127.0.0.1:8866"),
    (None, "127.0.0.1:8866"),
    ("http://evil.example", "evil.example"),              # DNS rebinding: same host and port, but not a served name
    ("http://evil.example:8866", "127.0.0.1:8866"),
    ("http://127.0.0.1:8866", None),
    ("http://127.0.0.1:8866", ""),
    ("http://[::1", "127.0.0.1:8866"),
])
def test_a_websocket_from_elsewhere_is_refused(origin: str | None, host: str | None) -> None:
    assert not origin_ok(origin, host, LOCAL)


def test_headers_keep_pages_from_being_framed_sniffed_or_fed_from_elsewhere() -> None:
    assert "frame-ancestors 'none'" in CSP and "default-src 'self'" in CSP and "object-src 'none'" in CSP
    assert "http:" not in CSP and "https:" not in CSP and "*" not in CSP
    assert SECURITY_HEADERS["Content-Security-Policy"] == CSP
    assert SECURITY_HEADERS["X-Content-Type-Options"] == "nosniff"
    assert SECURITY_HEADERS["Referrer-Policy"] == "no-referrer"
    assert SECURITY_HEADERS["X-Frame-Options"] == "DENY"
