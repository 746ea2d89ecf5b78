"""Near-duplicate photos: the same situation shot twice becomes one exhibit with both pictures.

People upload the same moment more than once (two shots of the kitchen table, the same error
screen photographed twice). As separate cards they crowd the first row of the gallery and split
the room's dot votes between them. Two photos are near-duplicates when

- the same participant wrote the same caption for both (case, spaces and punctuation aside), or
- their perceptual hashes (``imagehash.phash``: a 64-bit DCT hash of the published picture) differ
  in at most ``MAX_DISTANCE`` bits and they carry the same feeling band (a delight and a pain
  that look alike are two stories, not one).

Grouping is leader-based, never chained: a photo joins the first group whose first photo it is
close to, so A~B and B~C never pull a distant C in with A. Photos are taken most severe first,
so the photo that leads a group (and keeps its id, its votes and its links) is the worst one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import imagehash
from PIL import Image

MAX_DISTANCE = 6          # of 64 bits: re-encoded, resized or slightly re-framed copies stay under it
HASH_SIZE = 8             # 8 x 8 DCT bits: imagehash's default, 16 hex digits


def phash(img: Image.Image) -> str:
    """The perceptual hash of a picture as 16 hex digits (computed on the published, blurred copy)."""
    return str(imagehash.phash(img, hash_size=HASH_SIZE))


def distance(a: str, b: str) -> int | None:
    """Bits that differ between two hashes; None when either is missing or not a hash."""
    try:
        return imagehash.hex_to_hash(a) - imagehash.hex_to_hash(b)
    except (TypeError, ValueError):
        return None


def _caption_key(caption: str | None) -> str:
    return re.sub(r"[\W_]+", " ", (caption or "").casefold()).strip()


def _band(valence: float | None) -> str:
    if valence is None or valence != valence:
        return "mid"
    return "neg" if valence <= -0.2 else "pos" if valence >= 0.2 else "mid"


@dataclass(frozen=True)
class Photo:
    """What grouping needs to know of one published photo."""

    id: str
    participant: str | None
    caption: str
    valence: float | None
    phash: str | None


def same(a: Photo, b: Photo, max_distance: int = MAX_DISTANCE) -> bool:
    """True when ``b`` is a near-duplicate of ``a`` (see the module docstring)."""
    if a.participant and a.participant == b.participant and _caption_key(a.caption) \
            and _caption_key(a.caption) == _caption_key(b.caption):
        return True
    d = distance(a.phash or "", b.phash or "") if a.phash and b.phash else None
    return d is not None and d <= max_distance and _band(a.valence) == _band(b.valence)


def _severity(p: Photo) -> float:
    return max(0.0, -p.valence) if p.valence is not None and p.valence == p.valence else 0.0


def group(photos: Sequence[Photo], max_distance: int = MAX_DISTANCE) -> list[list[str]]:
    """Photo ids in groups, each led by its most severe photo; a photo alone is a group of one.

    Groups come in the order of their leaders (most severe first, then the input order).
    """
    order = sorted(range(len(photos)), key=lambda i: (-_severity(photos[i]), i))
    groups: list[list[int]] = []
    for i in order:
        home = next((g for g in groups if same(photos[g[0]], photos[i], max_distance)), None)
        if home is None:
            groups.append([i])
        else:
            home.append(i)
    return [[photos[i].id for i in g] for g in groups]


def grouping(rows: Sequence[dict[str, Any]], max_distance: int = MAX_DISTANCE) -> dict[str, list[str]]:
    """Leader id -> the ids grouped under it (leader excluded), for the groups of two or more photos.

    ``rows`` are the photo step's records (``photo_id``, ``participant``, ``caption``, ``valence``, ``phash``).
    """
    photos = [Photo(str(r["photo_id"]), r.get("participant"), str(r.get("caption") or ""), r.get("valence"),
                    r.get("phash")) for r in rows]
    return {g[0]: g[1:] for g in group(photos, max_distance) if len(g) > 1}
