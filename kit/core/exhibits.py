"""The exhibit record: one thing on the gallery wall, always pointing back to its evidence.

Each pipeline step writes the exhibits it makes to ``<run>/exhibits/<step>.json``; the gallery
step merges them into ``<run>/exhibits.json`` (a list; every record carries ``schema``). Readers
check ``schema`` so a page never misreads a run made by another version of the kit.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from kit.core import runfolder

SCHEMA_VERSION = 1
KINDS = ("photo", "clip", "quote", "chart", "metric")
LENSES = ("design", "engineering", "business")
# The negative room's chart exhibits, made by the negative step and looked up by the pages
WATERFALL_ID, JOURNEY_ID, PAIN_ID = "chart-paper-waterfall", "chart-journey-curve", "chart-pain-map"
WALL_ID, SCORECARD_ID, RANKED_ID = "chart-detractor-wall", "chart-channel-scorecard", "chart-ranked-negatives"


@dataclass
class Exhibit:
    """One exhibit as DESIGN.md fixes it. Text fields hold raw (redacted) text, never HTML."""

    id: str
    kind: str
    title: str
    source: dict[str, str]                       # {"file": ..., "locator": ...}
    caption: str = ""
    stage: str | None = None
    channel: str | None = None
    segment: str | None = None
    valence: float | None = None                 # -1 (very negative) .. 1
    severity: float | None = None                # 0 .. 1
    lenses: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    media: dict[str, Any] = field(default_factory=dict)
    quote: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
    lang: str = "en"
    schema: int = SCHEMA_VERSION

    def __post_init__(self) -> None:
        problems = check(self)
        if problems:
            raise ValueError(f"exhibit {self.id!r}: " + "; ".join(problems))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check(ex: Exhibit) -> list[str]:
    """Every way this record breaks the contract (an empty list when it is sound)."""
    out = []
    if ex.kind not in KINDS:
        out.append(f"kind {ex.kind!r} is not one of {', '.join(KINDS)}")
    if not ex.id:
        out.append("id is empty")
    if not ex.source.get("file"):
        out.append("source.file is empty: every exhibit must point back to its evidence")
    for name, lo, hi in (("valence", -1.0, 1.0), ("severity", 0.0, 1.0)):
        v = getattr(ex, name)
        if v is not None and (math.isnan(v) or not lo <= v <= hi):
            out.append(f"{name} {v} is outside {lo}..{hi}")
    bad = [lens for lens in ex.lenses if lens not in LENSES]
    if bad:
        out.append(f"unknown lenses {bad}; use {', '.join(LENSES)}")
    return out


def write_part(run_dir: Path, step: str, exhibits: list[Exhibit]) -> Path:
    """Write one step's exhibits; a re-run of the step replaces its part, never duplicates it."""
    path = runfolder.exhibit_part_path(run_dir, step)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([e.to_dict() for e in exhibits], ensure_ascii=False, indent=1),
                    encoding="utf-8")
    return path


def merge_parts(run_dir: Path) -> list[dict[str, Any]]:
    """All parts in step order, ids made unique (a later duplicate id is an error in the kit)."""
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    for part in runfolder.exhibit_parts(run_dir):
        for rec in json.loads(part.read_text(encoding="utf-8")):
            if rec["id"] in seen:
                raise ValueError(f"exhibit id {rec['id']!r} appears twice ({part.name})")
            seen.add(rec["id"])
            records.append(rec)
    return records


def load(run_dir: Path) -> list[dict[str, Any]]:
    """Read ``exhibits.json`` of a run, refusing records of a schema this kit does not know."""
    records = runfolder.read_exhibits(run_dir)
    newer = {r.get("schema") for r in records} - {SCHEMA_VERSION}
    if newer:
        raise ValueError(f"{Path(run_dir) / runfolder.EXHIBITS}: exhibit schema {sorted(newer)} is not {SCHEMA_VERSION}; "
                         "open this run with the kit version that made it")
    return records


SHORT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"   # no 0/O, 1/I/L: read aloud and written by hand


def _short(exhibit_id: str, length: int) -> str:
    n = int.from_bytes(hashlib.sha256(exhibit_id.encode("utf-8")).digest()[:8], "big")
    chars = []
    for _ in range(length):
        n, r = divmod(n, len(SHORT_ALPHABET))
        chars.append(SHORT_ALPHABET[r])
    return "".join(chars)


def short_ids(exhibit_ids: list[str], length: int = 4) -> dict[str, str]:
    """A short id per exhibit, for printed cards and paper votes (e.g. ``K7QF``).

    It is a hash of the exhibit id, so a card printed today still names the same exhibit when its
    votes are typed in later from the same run. Ids that would share a short id within the run both
    get a longer one, so the mapping is always one-to-one.
    """
    ids = sorted(set(exhibit_ids))
    out: dict[str, str] = {}
    size = length
    pending = ids
    while pending:
        by_short: dict[str, list[str]] = {}
        for i in pending:
            by_short.setdefault(_short(i, size), []).append(i)
        pending = []
        for short, group in by_short.items():
            if len(group) == 1 and short not in out.values():
                out[group[0]] = short
            else:
                pending += group
        size += 1
    return out


GALLERY_PAGE = "exhibits.ipynb"


GALLERY_FILTERS = ("exhibit", "stage", "channel", "segment", "kind", "valence", "source", "lens", "q")


def gallery_link(**filters: str | None) -> str:
    """A link (relative to the Voilà pages) to the gallery page opened on some exhibits.

    The gallery page reads these query parameters when it starts: ``exhibit`` opens one exhibit,
    the others preset its filters. Charts and tables on other pages link to evidence this way.
    """
    unknown = set(filters) - set(GALLERY_FILTERS)
    if unknown:
        raise ValueError(f"gallery_link: unknown filter(s) {', '.join(sorted(unknown))}; use {', '.join(GALLERY_FILTERS)}")
    query = urlencode({k: v for k, v in filters.items() if v})
    return GALLERY_PAGE + (f"?{query}" if query else "")


def band(valence: float | None) -> str:
    if valence is None:
        return "mid"
    return "neg" if valence <= -0.2 else "pos" if valence >= 0.2 else "mid"


SOURCE_KINDS = ("recording", "photo", "survey", "contact", "social")


def source_kind(rec: dict[str, Any]) -> str:
    """What kind of evidence an exhibit comes from (recording, photo, survey, contact, social, analysis), for the source filter.

    Read from the source file's folder or name (``recordings/s01.mp4`` -> recording); anything
    else is named by its file, so no exhibit falls outside the filter's choices.
    """
    src = str((rec.get("source") or {}).get("file") or "").lower()
    for kind in SOURCE_KINDS:
        if src.startswith(kind) or f"/{kind}" in src or f" {kind}" in src or src.startswith(kind[:4]):
            return kind
    if rec.get("kind") == "clip":
        return "recording"
    if rec.get("kind") in ("chart", "metric"):
        return "analysis"                       # computed from several sources (data/..., negatives.json)
    return src.split("/")[0] or "other"
