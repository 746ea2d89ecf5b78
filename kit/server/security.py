"""What the gate checks on every request and adds to every answer: the Host it is asked by, the
Origin of a websocket, and headers that keep a page from being framed, sniffed or fed from elsewhere.

A Host allow-list is what stops DNS rebinding: a web page elsewhere can make a browser send
requests to this server under the attacker's own name, and the server must not answer them.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})
HOST = re.compile(r"(?:[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")    # a name or [IPv6], then a port

# Self only; data: and blob: for the kit's embedded thumbnails, clips, fonts and widget modules.
# Voilà's pages carry inline scripts and styles, and its widget manager compiles code at run time.
CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the server on this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(bind: str, extra: list[str] | tuple[str, ...] = ()) -> frozenset[str]:
    """Names the server answers to: loopback names, the address it binds (unless a wildcard), and ``extra``."""
    names = set(LOOPBACK_NAMES) | {h.strip().lower().strip("[]") for h in extra if h.strip()}
    if bind.lower() not in WILDCARDS:
        names.add(bind.lower().strip("[]"))
    return frozenset(names)


def host_name(header: str | None) -> str:
    """The name in a Host header, without its port ("[::1]:8866" -> "::1"); "" when malformed."""
    if not header or len(header) > 255 or not HOST.fullmatch(header):
        return ""
    try:
        parts = urlsplit(f"//{header}")
        return (parts.hostname or "").lower()
    except ValueError:
        return ""


def host_ok(header: str | None, allowed: frozenset[str]) -> bool:
    return host_name(header) in allowed


def origin_ok(origin: str | None, host_header: str | None, allowed: frozenset[str]) -> bool:
    """A websocket's Origin must be this server as the browser reached it: same host and port, allowed name."""
    if not origin or not host_header:
        return False
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host_header.lower() \
        and (parts.hostname or "").lower() in allowed
