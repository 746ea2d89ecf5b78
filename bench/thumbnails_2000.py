"""``thumbnails_2000``: 2,000 camera JPEGs of 12 megapixels to published copies, the kit's way and the plain way.

The kit's way is ``kit.evidence.photos``' own path: JPEG draft decoding (the decoder reduces by 1/2, 1/4
or 1/8 while it decodes) and a pool of one process per core, writing for every photo its
1000 px display copy and its 480 px thumbnail. The plain way, the reference, decodes every photo
at full size, turns it upright and resizes it to the thumbnail only (less output than the kit
writes), one photo after another.

The photos are made once per run in a temporary folder: ``DISTINCT`` different 12 MP JPEGs
(drawn scenes with sensor grain, 3-5 MB each, EXIF orientation 1, 3, 6 or 8), each linked under
many names to make 2,000 files (writing 2,000 different 12 MP files would take longer than the
benchmark and ~7 GB). The plain way is timed on the first ``REFERENCE_SUBSET`` files and scaled
to 2,000, since at several tenths of a second a photo it would take most of the run; both
figures are per 2,000 photos.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import record
from kit.evidence.photos import publish_all, thumbnail_reference
from kit.synth.photos import camera_jpeg

PHOTOS = 2000
DISTINCT = 12
REFERENCE_SUBSET = 200
WORKERS = 2


def make_photos(folder: Path, count: int | None = None, distinct: int | None = None) -> list[Path]:
    """``count`` 12 MP JPEG files in ``folder``: ``distinct`` real ones, hard-linked under the other names."""
    count, distinct = count or PHOTOS, distinct or DISTINCT
    rng = np.random.default_rng(2000)
    originals = []
    for i in range(distinct):
        path = folder / f"IMG_{i:04d}.jpg"
        path.write_bytes(camera_jpeg(i, rng))
        originals.append(path)
    files = list(originals)
    for i in range(distinct, count):
        path = folder / f"IMG_{i:04d}.jpg"
        os.link(originals[i % distinct], path)
        files.append(path)
    return files


def kit_way(files: list[Path], out: Path) -> float:
    """Seconds for the kit's path (draft decode, process pool) to publish every file."""
    jobs = [(str(p), str(out / f"{p.stem}.jpg"), str(out / f"{p.stem}-thumb.jpg"), False) for p in files]
    t0 = time.perf_counter()
    results = publish_all(jobs, WORKERS)
    seconds = time.perf_counter() - t0
    failed = [r["error"] for r in results if "error" in r]
    if failed:
        raise RuntimeError(f"{len(failed)} photos failed, first: {failed[0]}")
    return seconds


def plain_way(files: list[Path], out: Path) -> float:
    """Seconds for a full decode + upright + resize of every file, one after another."""
    t0 = time.perf_counter()
    for p in files:
        thumbnail_reference(p, out / f"{p.stem}-ref.jpg")
    return time.perf_counter() - t0


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    del args
    with tempfile.TemporaryDirectory(prefix="cxkit-thumbs-") as tmp:
        src, out = Path(tmp) / "src", Path(tmp) / "out"
        src.mkdir()
        out.mkdir()
        files = make_photos(src)
        mb = sum(f.stat().st_size for f in files[:DISTINCT]) / DISTINCT / 1e6
        kit_s = kit_way(files, out)
        subset = files[:REFERENCE_SUBSET]
        plain_s = plain_way(subset, out) * len(files) / len(subset)
    speedup = plain_s / kit_s
    return [
        record(f"thumbnails_2000.kit_seconds ({len(files)} x 12 MP, {mb:.1f} MB avg)", kit_s, "s", plain_s,
               "ratio <= 0.33", kit_s <= plain_s / 3),
        record(f"thumbnails_2000.plain_seconds (measured on {REFERENCE_SUBSET}, scaled)", plain_s, "s", None, "", None),
        record("thumbnails_2000.speedup", speedup, "x", 1.0, ">= 3", speedup >= 3),
        record("thumbnails_2000.kit_photos_per_second", len(files) / kit_s, "1/s", len(files) / plain_s, "", None),
    ]
