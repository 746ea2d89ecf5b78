"""Fetch axe-core (the accessibility rules the browser tests run) from the npm registry, without npm.

The tarball's sha512 is pinned here, copied from the registry's metadata for the release
(https://registry.npmjs.org/axe-core/4.14.1, ``dist.integrity``): a tarball that does not match is
refused and nothing is written. Only ``axe.min.js`` is kept, in ``.venv/share/axe-core/`` (outside
git), where tests/a11y/support.py looks for it. Run by ``make install-dev``; a second run with the
file in place and intact does nothing.
"""

from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "4.14.1"
TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
MEMBER = "package/axe.min.js"
REPO_ROOT = Path(__file__).resolve().parents[2]
TARGET = REPO_ROOT / ".venv" / "share" / "axe-core" / "axe.min.js"
STAMP = TARGET.with_name("VERSION")


class IntegrityError(RuntimeError):
    """The downloaded tarball is not the one the registry published for this version."""


def integrity_of(data: bytes) -> str:
    """Subresource-integrity string (as npm's ``dist.integrity`` writes it) of ``data``."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def extract(data: bytes, target: Path = TARGET) -> Path:
    """Check ``data`` against the pinned integrity, then write its axe.min.js to ``target``."""
    if integrity_of(data) != INTEGRITY:
        raise IntegrityError(f"axe-core {VERSION}: the tarball's sha512 is not the registry's {INTEGRITY}")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        member = tar.extractfile(MEMBER)
        if member is None:
            raise IntegrityError(f"axe-core {VERSION}: {MEMBER} is missing from the tarball")
        script = member.read()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_bytes(script)
    partial.replace(target)
    target.with_name("VERSION").write_text(VERSION + "\n")
    return target


def main() -> int:
    if TARGET.is_file() and STAMP.is_file() and STAMP.read_text().strip() == VERSION:
        return 0
    with urllib.request.urlopen(TARBALL, timeout=120) as answer:
        data = answer.read()
    try:
        path = extract(data)
    except IntegrityError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"axe-core {VERSION} -> {path.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
