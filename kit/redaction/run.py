"""Redacting a finished run: plan every change, then make them, then record what was done.

The plan reads every file of the run that can carry customer text (the tables in ``data/`` and
``parts/``, the JSON files, the chart files, the executed notebooks, the workshop's notes) and works
out each one's redacted content, the clips whose sound says a term and the exhibits' media to
remove. A dry run stops there and lists it. A real run writes the files, bleeps the clips, makes the
chart images and the exports again, and adds one entry to the manifest: when, by whom, how many
places in which files, and each term only as a salted SHA-256 hash. A file with nothing to change is
never rewritten, so a second redaction with the same terms finds nothing and changes no byte.
"""

from __future__ import annotations

import difflib
import fcntl
import getpass
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kit.core import exhibits as ex
from kit.core import runfolder, runs
from kit.evidence.bleep import bleep_file
from kit.redaction import audio, exports, files
from kit.redaction.files import Change, Withdrawal
from kit.redaction.terms import Matcher, RedactionError, Spec, new_salt

MANIFEST_KEY = "redactions"
MEDIA_KEYS = ("thumb", "image", "clip", "figure")
MIN_MARK = 12              # a title or quote shorter than this is too common to clear a notebook output by


@dataclass
class Plan:
    """Everything one redaction would change in a run, worked out without writing anything."""

    run_dir: Path
    spec: Spec
    matcher: Matcher
    gone: Withdrawal
    changes: list[Change] = field(default_factory=list)
    clips: list[audio.Spoken] = field(default_factory=list)
    exports: dict[str, int] = field(default_factory=dict)      # export present -> places it shows now

    @property
    def places(self) -> int:
        return sum(c.count for c in self.changes) + sum(len(c.spans) for c in self.clips)

    @property
    def empty(self) -> bool:
        return not self.changes and not self.clips

    def listing(self) -> list[tuple[str, int, str]]:
        """(file, places, what happens to it), files in the order they are written."""
        rows = [(c.rel, c.count, c.what) for c in self.changes]
        rows += [(c.rel, len(c.spans), "sound bleeped" if not self.spec.mute else "sound muted") for c in self.clips]
        if not self.empty:
            rows += [(name, n, "made again") for name, n in self.exports.items()]
        return rows


@dataclass
class Result:
    """What a redaction did (or, in a dry run, would do)."""

    plan: Plan
    dry_run: bool
    made: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    entry: dict[str, Any] | None = None
    seconds: float = 0.0

    @property
    def places(self) -> int:
        return self.plan.places


def _withdrawn_before(run_dir: Path) -> set[str]:
    """Exhibits earlier redactions of this run withdrew (so asking again is no error, and changes nothing)."""
    try:
        manifest = runs.read_manifest(run_dir)
    except Exception:  # noqa: BLE001 - a run being built has a manifest of its own
        return set()
    return {i for e in manifest.get(MANIFEST_KEY) or [] for i in e.get("withdrawn") or []}


def _withdrawal(run_dir: Path, records: list[dict[str, Any]], wanted: tuple[str, ...]) -> Withdrawal:
    """The exhibits to withdraw, with their media; RedactionError naming any id the run does not have."""
    if not wanted:
        return Withdrawal()
    by_id = {r["id"]: r for r in records}
    unknown = [i for i in wanted if i not in by_id and i not in _withdrawn_before(run_dir)]
    if unknown:
        hints = [f"{i!r} (did you mean {close[0]!r}?)" if (close := difflib.get_close_matches(i, by_id, n=1))
                 else repr(i) for i in unknown]
        raise RedactionError(f"run {run_dir.name} has no exhibit {', '.join(hints)}; the exhibit ids are in "
                             f"{run_dir / runfolder.EXHIBITS} (or on the gallery page's detail pane)")
    chosen = [by_id[i] for i in wanted if i in by_id]
    media = {str(v) for r in chosen for k, v in (r.get("media") or {}).items() if k in MEDIA_KEYS and v}
    media |= {runfolder.chart_rel(r["id"], s) for r in chosen if r.get("kind") == "chart" for s in ("json", "png")}
    marks = {str(r.get(k)) for r in chosen for k in ("title", "quote") if len(str(r.get(k) or "")) >= MIN_MARK}
    marks -= {str(r.get(k)) for r in records if r["id"] not in wanted for k in ("title", "quote")}   # shown by another
    return Withdrawal(frozenset(by_id) & frozenset(wanted), frozenset(media), frozenset(marks))


def _json_files(run_dir: Path) -> list[tuple[Path, Callable[[Any], str], str]]:
    """Every JSON file of the run that can hold customer text, with the layout it is written in."""
    own = [(run_dir / n, files.dump_indented, "records")
           for n in (runfolder.SUMMARY, runfolder.EXHIBITS, runfolder.NEGATIVES, runfolder.CURATION)]
    own.append((run_dir / runfolder.LENSES_FILE, files.dump_compact, "records"))
    own += [(p, files.dump_indented, "records") for p in runfolder.exhibit_parts(run_dir)]
    own += [(p, files.dump_indented, "records") for p in sorted((run_dir / runfolder.CUTS).glob("*.json"))]
    own += [(p, files.dump_plotly, "plotly") for p in sorted((run_dir / runfolder.CHARTS).glob("*.json"))]
    own += [(p, files.dump_notebook, "notebook") for p in sorted((run_dir / runfolder.NOTEBOOKS).glob("*.ipynb"))]
    return [(p, d, k) for p, d, k in own if p.is_file()]


def _kept_aside(run_dir: Path) -> list[dict[str, Any]]:
    """Exhibits off the wall whose clips still play: hidden or merged by people, and cut in a served page."""
    cut = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((run_dir / runfolder.CUTS).glob("*.json"))]
    return [*(runfolder.read_curation(run_dir).get("set_aside") or []), *cut]


def plan(run_dir: Path, spec: Spec) -> Plan:
    """Work out every change ``spec`` makes to the run at ``run_dir``, writing nothing."""
    if spec.empty:
        raise RedactionError("nothing to redact: give --text, --pattern, --speaker or --exhibit (each may be repeated)")
    matcher = Matcher.build(spec)
    records = ex.load(run_dir)
    gone = _withdrawal(run_dir, records, spec.exhibits)
    p = Plan(run_dir, spec, matcher, gone)
    p.clips = audio.spoken_terms(run_dir, [*records, *_kept_aside(run_dir)], matcher, gone.ids)
    prefilter = matcher.prefilter()
    tables = runfolder.table_files(run_dir)
    found = [files.parquet_change(run_dir, t, matcher, gone, prefilter) for t in tables]
    chart_files = {runfolder.chart_rel(i) for i in gone.ids}
    found += [files.json_change(run_dir, path, matcher, gone, dump, kind) for path, dump, kind in _json_files(run_dir)
              if path.relative_to(run_dir).as_posix() not in chart_files]
    found += [files.text_change(run_dir, svg, matcher) for svg in sorted((run_dir / runfolder.CHARTS).glob("*.svg"))]
    db = run_dir / runfolder.WORKSHOP_DB
    if db.is_file():
        found.append(files.workshop_change(run_dir, db, matcher))
    p.changes = [c for c in found if c is not None]
    for rel in sorted(gone.media):
        path = runfolder.media_path(run_dir, rel)
        if path is not None:
            p.changes.append(files.removal(run_dir, path, "removed (withdrawn exhibit)"))
    p.exports = {name: exports.places(run_dir / name, matcher, gone) for name in exports.present(run_dir)}
    return p


def _chart_images(run_dir: Path, changed: list[Change], say: Callable[[str], None]) -> list[str]:
    """Draw again the PNG of every chart whose JSON changed; one that cannot be drawn here is removed."""
    import plotly.io as pio

    from kit.charts.store import write_image
    stale = []
    for c in changed:
        if not (c.rel.startswith(runfolder.CHARTS + "/") and c.rel.endswith(".json")):
            continue
        png = (run_dir / c.rel).with_suffix(".png")
        if not png.is_file():
            continue
        fig = pio.from_json((run_dir / c.rel).read_text(encoding="utf-8"))
        if not write_image(fig, png):
            say(f"could not draw {png.name} again (no Chromium); removed it, the chart itself is redacted")
            png.unlink(missing_ok=True)
            stale.append(png.relative_to(run_dir).as_posix())
    return stale


def apply(p: Plan, *, remake_exports: bool = True, say: Callable[[str], None] = lambda _: None) -> tuple[list[str], list[str]]:
    """Make the planned changes; returns the exports made again and the files left stale (removed)."""
    for clip in p.clips:
        path = runfolder.media_path(p.run_dir, clip.rel)
        if path is not None:
            bleep_file(path, list(clip.spans), mute=p.spec.mute)
    for change in p.changes:
        change.write()
    stale = _chart_images(p.run_dir, p.changes, say)
    made: list[str] = []
    if remake_exports and not p.empty:
        made, stale_exports = exports.remake(p.run_dir, list(p.exports), p.matcher, p.gone, say)
        stale += stale_exports
    return made, stale


def entry(p: Plan, by: str, made: list[str], stale: list[str], seconds: float) -> dict[str, Any]:
    """The manifest's record of one redaction; the terms appear only as salted hashes."""
    salt = new_salt()
    return {"at": runs.now(), "by": by, "salt": salt, "terms": p.spec.hashed(salt),
            "withdrawn": sorted(p.gone.ids), "places": p.places,
            "files": {c.rel: c.count for c in p.changes}, "clips": {c.rel: len(c.spans) for c in p.clips},
            "sound": "muted" if p.spec.mute else "bleeped", "made_again": made, "stale": stale,
            "seconds": round(seconds, 2)}


def record(run_dir: Path, item: dict[str, Any]) -> None:
    """Add one redaction to the run's manifest (written whole, then renamed into place)."""
    manifest = runs.read_manifest(run_dir)
    manifest.setdefault(MANIFEST_KEY, []).append(item)
    runs.write_manifest(run_dir, manifest)


def redact_run(run_dir: Path, spec: Spec, *, dry_run: bool = False, by: str | None = None,
               remake_exports: bool = True, write_manifest: bool = True,
               say: Callable[[str], None] = lambda _: None) -> Result:
    """Redact ``spec`` from the run at ``run_dir`` (see the module docstring); nothing is written in a dry run.

    ``write_manifest=False`` leaves the manifest to the caller (the pipeline, whose manifest is in
    memory until the run ends): the entry is in ``Result.entry``.
    """
    t0 = time.perf_counter()
    run_dir = Path(run_dir)
    if dry_run:
        p = plan(run_dir, spec)
        return Result(p, dry_run, seconds=time.perf_counter() - t0)
    with _only_one(run_dir):
        p = plan(run_dir, spec)
        if p.empty:
            return Result(p, dry_run, seconds=time.perf_counter() - t0)
        made, stale = apply(p, remake_exports=remake_exports, say=say)
        seconds = time.perf_counter() - t0
        item = entry(p, by or _user(), made, stale, seconds)
        if write_manifest:
            record(run_dir, item)
    return Result(p, dry_run, made, stale, item, seconds)


@contextmanager
def _only_one(run_dir: Path) -> Iterator[None]:
    """Hold the run folder (an flock on the folder itself: no file is added to it) while redacting it.

    Two redactions of one run at once would each plan from the files the other is rewriting; the
    second is refused at once and can simply be run again.
    """
    fd = os.open(run_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RedactionError(f"another redaction of {run_dir} is running; run this one again when it "
                                 "has finished") from None
        yield
    finally:
        os.close(fd)                     # closing the folder drops the lock


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a container without one): say so
        return "unknown"


def project_list(run_dir: Path, words: list[str], say: Callable[[str], None] = lambda _: None) -> dict[str, Any] | None:
    """Redact project.yaml's ``privacy.redact`` from a run being built; its manifest entry, or None.

    Called by the pipeline after the steps and before the report is made, so the report and the
    exports are made from redacted data and need not be made again.
    """
    spec = Spec(texts=tuple(words))
    if spec.empty:
        return None
    result = redact_run(run_dir, spec, by="project.yaml privacy.redact", remake_exports=False,
                        write_manifest=False, say=say)
    return result.entry or {"at": runs.now(), "by": "project.yaml privacy.redact", "places": 0,
                            "terms": spec.hashed(salt := new_salt()), "salt": salt}

