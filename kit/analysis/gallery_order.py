"""The gallery's default order: people first, the worst first.

A visitor who chooses nothing should meet the most serious, best-supported evidence of a real
person in the first row: a photo, a clip or a quote, not a row of charts shrunk to unreadable
thumbnails. So the gallery comes in two parts:

1. media exhibits (photo, clip, quote), by ``severity x reach x evidence strength``;
2. charts and metrics after them, in the same order among themselves.

For one exhibit, ``severity`` is its own (else how negative it is), ``reach`` is ``1 + log10``
of the people behind it (``kit.analysis.lenses.reach``) and ``evidence strength`` is that of the
strongest negative experience it belongs to in ``negatives.json`` (kinds of sources x (1 + log10
observations)), at least 1, times ``1 + log10`` of the pictures it shows (near-duplicate photos
grouped into it). Ties go to the more negative feeling, then to the run's own order. Positive
and unrated exhibits, with no severity, follow the negative ones, most negative first.

Near-duplicate photos grouped into another (``part_of`` naming an exhibit of the run) are left
out: their leader stands for them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from kit.analysis.lenses import reach

MEDIA_KINDS = ("photo", "clip", "quote")
FIGURE_KINDS = ("chart", "metric")


def is_media(rec: dict[str, Any]) -> bool:
    """Evidence of people (photo, clip, quote, or any kind that is not a chart or metric)."""
    return rec.get("kind") not in FIGURE_KINDS


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) and value == value else None


def severity(rec: dict[str, Any]) -> float:
    """The exhibit's severity 0..1, else how negative its feeling is, else 0."""
    s = _number(rec.get("severity"))
    if s is not None:
        return max(0.0, min(1.0, s))
    v = _number(rec.get("valence"))
    return max(0.0, -v) if v is not None else 0.0


def strengths(negatives: Iterable[dict[str, Any]] | None) -> dict[str, float]:
    """Exhibit id -> the evidence strength of the strongest negative experience naming it."""
    out: dict[str, float] = {}
    for item in negatives or []:
        if not isinstance(item, dict):
            continue
        strength = _number(item.get("evidence_strength"))
        for exhibit in item.get("exhibits") or []:
            if strength is not None and strength > out.get(str(exhibit), 0.0):
                out[str(exhibit)] = strength
    return out


def pictures(rec: dict[str, Any]) -> int:
    """How many photos an exhibit shows: itself and the near-duplicates grouped into it."""
    also = rec.get("also")
    return 1 + (len(also) if isinstance(also, list) else 0)


def score(rec: dict[str, Any], strength: float = 1.0) -> float:
    """severity x (1 + log10 reach) x evidence strength (see the module docstring)."""
    return severity(rec) * (1 + math.log10(max(1, reach(rec)))) * max(1.0, strength) * (1 + math.log10(pictures(rec)))


def shown(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records that get a card: not the near-duplicates another exhibit of the run stands for."""
    items = list(records)
    ids = {r.get("id") for r in items}
    return [r for r in items if not (r.get("part_of") and r.get("part_of") in ids)]


def media_first(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same records, media before charts and metrics, each part in its given order."""
    items = list(records)
    return [r for r in items if is_media(r)] + [r for r in items if not is_media(r)]


def default_order(records: Iterable[dict[str, Any]], negatives: Iterable[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The gallery without a lens: cards only (``shown``), media first, each part worst first."""
    strength = strengths(negatives)
    items = shown(records)

    def key(pair: tuple[int, dict[str, Any]]) -> tuple[float, float, int]:
        i, rec = pair
        v = _number(rec.get("valence"))
        return (-score(rec, strength.get(str(rec.get("id")), 1.0)), v if v is not None else 0.0, i)

    return media_first(rec for _, rec in sorted(enumerate(items), key=key))


def by_votes(records: Iterable[dict[str, Any]], dots: dict[str, int]) -> list[dict[str, Any]]:
    """The same records, most dots first; equal dots keep their order (the lens's or the default)."""
    return sorted(records, key=lambda r: -dots.get(str(r.get("id")), 0))
