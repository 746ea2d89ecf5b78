"""The runs one server serves: one run folder, or every finished run in a folder of runs.

The landing page lists them (project, date, headline NPS with its interval, exhibits, whether a
workshop was held), and every page request names one by id; an id that is not a finished run
folder here is refused before anything is read. A folder of runs is looked at afresh on each
request, so a run finished while the server is up appears without a restart.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from kit.core import runfolder
from kit.core.numbers import number_or_none
from kit.core.runs import FAILED_PREFIX, LATEST
from kit.workshop.store import open_existing

RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


@dataclass(frozen=True)
class RunEntry:
    """A served run as the landing page shows it."""

    id: str
    path: Path
    project: str
    language: str
    finished: str
    nps: float | None
    nps_lo: float | None
    nps_hi: float | None
    exhibits: int
    workshop: bool



def _held_workshop(run_dir: Path) -> bool:
    shop = open_existing(run_dir)
    return bool(shop and any(shop.totals().values()))


def entry(run_dir: Path) -> RunEntry | None:
    """What the landing page needs from a run folder; None when it is not a finished, readable run."""
    if not (run_dir / runfolder.MANIFEST).is_file() or run_dir.name.startswith("."):
        return None
    try:
        summary = runfolder.read_summary(run_dir)
    except Exception:  # noqa: BLE001 - an unreadable run is left off the list, not a failure of the server
        return None
    nps = (summary.get("headline") or {}).get("nps") or {}
    finished = dt.datetime.fromtimestamp((run_dir / runfolder.MANIFEST).stat().st_mtime, dt.UTC)
    return RunEntry(id=run_dir.name, path=run_dir, project=str(summary.get("name") or run_dir.name),
                    language=str(summary.get("ui_language") or "en"), finished=finished.strftime("%Y-%m-%d %H:%M"),
                    nps=number_or_none(nps.get("value")), nps_lo=number_or_none(nps.get("lo")),
                    nps_hi=number_or_none(nps.get("hi")),
                    exhibits=int(summary.get("exhibits") or 0), workshop=_held_workshop(run_dir))


class Catalog:
    """The runs a server serves: ``run`` alone, or the finished runs in ``runs_dir``."""

    def __init__(self, *, run: Path | None = None, runs_dir: Path | None = None) -> None:
        if (run is None) == (runs_dir is None):
            raise ValueError("serve either one run or a folder of runs")
        self.run, self.runs_dir = run, runs_dir

    def ids(self) -> list[str]:
        if self.run is not None:
            return [self.run.name]
        assert self.runs_dir is not None
        names = [p.name for p in self.runs_dir.iterdir()
                 if p.name != LATEST and RUN_ID.fullmatch(p.name) and not p.name.startswith(FAILED_PREFIX)
                 and not p.is_symlink() and p.is_dir()]
        return sorted(names, reverse=True)

    def path(self, run_id: str) -> Path | None:
        """The folder of ``run_id`` if this server serves it (a plain name, a finished run), else None."""
        if not RUN_ID.fullmatch(run_id or "") or run_id not in self.ids():
            return None
        path = self.run if self.run is not None else self.runs_dir / run_id    # type: ignore[operator]
        return path if (path / runfolder.MANIFEST).is_file() else None

    def entries(self) -> list[RunEntry]:
        """Every served run, newest first."""
        found = (entry(p) for p in (self.path(i) for i in self.ids()) if p is not None)
        return sorted((e for e in found if e is not None), key=lambda e: e.finished, reverse=True)

    def get(self, run_id: str) -> RunEntry | None:
        path = self.path(run_id)
        return entry(path) if path is not None else None

    def newest(self) -> RunEntry | None:
        runs = self.entries()
        return runs[0] if runs else None

    def newest_language(self) -> str:
        """The page language of the newest readable run (run ids sort by time), "en" when there is none."""
        for run_id in self.ids():
            path = self.path(run_id)
            if path is not None:
                try:
                    return str(runfolder.read_summary(path).get("ui_language") or "en")
                except Exception:  # noqa: BLE001 - an unreadable run is skipped, as the list skips it
                    continue
        return "en"


def catalog_for(target: str | Path | None) -> Catalog:
    """What ``cxkit serve [RUN | REPORTS_DIR]`` serves: a run folder (or run id) alone, else every run in a folder.

    Nothing named: the kit's reports folder. A folder that holds neither a run nor runs is an error
    that says how to make one.
    """
    from kit.core.errors import RunNotFoundError
    from kit.core.paths import REPORTS_DIR, locate
    from kit.core.runs import resolve_run
    folder = locate(target) if target is not None else REPORTS_DIR
    if target is not None and not (folder / runfolder.MANIFEST).is_file() and (REPORTS_DIR / str(target)).is_dir():
        folder = REPORTS_DIR / str(target)                 # a run id, as the pages name runs
    if (folder / runfolder.MANIFEST).is_file():
        return Catalog(run=resolve_run(folder))
    if folder.is_dir() and any((p / runfolder.MANIFEST).is_file() for p in folder.iterdir() if p.is_dir()):
        return Catalog(runs_dir=folder.resolve())
    raise RunNotFoundError(f"no run folder at {folder}; run `cxkit run data/sample` first, or name a run folder "
                           "or a folder of runs")


def users_beside(catalog: Catalog) -> Path:
    """The default users file: ``users.json`` beside the run folders (reports/users.json, or DIR/users.json)."""
    from kit.server.users import users_file
    return users_file(catalog.runs_dir if catalog.runs_dir is not None else catalog.run.parent)  # type: ignore[union-attr]
