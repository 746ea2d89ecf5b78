"""The room's join link: the gallery page's address, as the browser showing the board reached it, and its QR code.

The kernel does not know the address people type (a proxy, a port forward or a name the server
never heard of may be in between), so the page's browser tells it ``window.location``; the gallery
is the page beside it. The QR code is drawn here by ``segno`` as inline SVG: nothing is fetched.
"""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit, urlunsplit

import segno

from kit.workshop.fields import WorkshopError

GALLERY = "exhibits.ipynb"
MAX_URL = 500
PAGE = re.compile(r"^(?P<base>/(?:[A-Za-z0-9._~%-]+/)*)[A-Za-z0-9_-]+\.ipynb$")


def gallery_url(page_url: str) -> str:
    """The gallery page's address beside the page at ``page_url`` (query and fragment dropped).

    Refused (``WorkshopError``): anything but an http(s) address of a Voilà page, or one too long
    to be a real address.
    """
    if not isinstance(page_url, str) or len(page_url) > MAX_URL:
        raise WorkshopError("the page's address is missing or too long")
    parts = urlsplit(page_url.strip())
    match = PAGE.match(parts.path)
    if parts.scheme not in ("http", "https") or not parts.netloc or match is None or "@" in parts.netloc:
        raise WorkshopError(f"{page_url[:80]!r} is not the address of a page")
    return urlunsplit((parts.scheme, parts.netloc, match["base"] + GALLERY, "", ""))


def qr_svg(url: str, scale: int = 6) -> str:
    """``url`` as a QR code in an ``<svg>`` element (medium error correction, a quiet zone of 4 modules)."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", xmldecl=False, svgns=True, scale=scale,
                                                  svgclass="cx-join-qr", lineclass=None, title=None)
    return out.getvalue().decode("utf-8")
