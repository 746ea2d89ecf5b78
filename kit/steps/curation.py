"""The project's curation journal replayed on a fresh run, after every step has made its exhibits.

People's edits (``curation.jsonl`` in the project folder, kit.curation.journal) outlive re-runs:
the gallery step hands the merged exhibits here before writing ``exhibits.json``. Exhibits a person
hid, or merged into another, leave the gallery's list but are kept whole in ``curation.json`` with
who did it and why, so an analyst can show them again (undo). Edits whose exhibit the pipeline no
longer makes are listed there as orphans, never dropped.

Cuts (``cut_clip``, ``cut_quote``) are made here through the pipeline's privacy path
(``kit.steps.cuts``), and theme edits written into the run's tables (``kit.steps.curation_themes``).
``cut_now`` makes one cut's record at once in a run that is being served, for the gallery to show.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from kit.analysis.agreement import agreements
from kit.core import project as project_mod
from kit.core import runfolder
from kit.core.errors import CurationError
from kit.core.paths import locate
from kit.core.project import Project
from kit.core.step import Step
from kit.curation import journal
from kit.curation.cuts import CUT_OPS
from kit.curation.replay import Replayed, replay
from kit.curation.themes import THEME_OPS
from kit.steps import curation_themes
from kit.steps.cuts import Cutter


def curate(step: Step, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The exhibits as people shaped them; writes ``curation.json`` when the project keeps a journal."""
    path = step.project.root / journal.JOURNAL
    edits = journal.read(path)
    if not edits:
        return records
    themes = curation_themes.book(step.run_dir) if any(e.op in (*THEME_OPS, "cut_quote") for e in edits) else None
    cutter = Cutter(step.project, step.run_dir, themes.members if themes else {})
    done = replay(records, edits, cutter=cutter, themes=themes)
    if themes is not None:
        curation_themes.publish(step.run_dir, themes)
    shown, set_aside = split(done.records)
    runfolder.write_curation(step.run_dir, report(done, set_aside, journal.digest(path)))
    step.counts[journal.JOURNAL] = {"in": len(edits), "accepted": len(edits) - len(done.orphans),
                                    "rejected": len(done.orphans)}
    return shown


def split(records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(exhibits on the wall, exhibits set aside: hidden or merged into another)."""
    def aside(r: dict[str, Any]) -> bool:
        notes = r.get("curation") or {}
        return "hidden" in notes or "merged_into" in notes
    return [r for r in records if not aside(r)], [r for r in records if aside(r)]


def report(done: Replayed, set_aside: list[dict[str, Any]], digest: str | None) -> dict[str, Any]:
    """What ``curation.json`` holds: the journal's hash and counts, the set-aside exhibits, the orphans."""
    return {
        "journal_sha256": digest, "applied": len(done.applied), "undone": len(done.undone), "tags": done.tags,
        "set_aside": set_aside, "agreement": agreement_rows(done), "cuts": done.cuts,
        "themes": done.themes.changes() if done.themes is not None else {},
        "orphans": [{**_published(o["edit"]), "why": o["why"]} for o in done.orphans],
    }


def _published(e: journal.Edit) -> dict[str, Any]:
    """An edit as the run folder may show it: a cut's words as the analyst saw them stay in the project's
    journal (the run's own redactions never pass over them), so a run lists its orphans without them."""
    line = e.model_dump(mode="json")
    if e.op in CUT_OPS and isinstance(line.get("after"), dict):
        line["after"] = {k: v for k, v in line["after"].items() if k != "quote"}
    return line


def agreement_rows(done: Replayed) -> list[dict[str, Any]]:
    """Agreement per code among the coders' own readings (``code`` lines), most disputed first."""
    readings = [(e.who, e.exhibit, e.field, e.after) for e in done.codings]
    return [asdict(a) for a in agreements(readings)]


def cut_now(run_dir: str | Path, project: str | Path | Project, edit: journal.Edit) -> dict[str, Any]:
    """The exhibit record of one cut, made at once in a served run so the gallery can show it.

    ``run_dir``: the run being served; ``project``: its project folder (or the loaded Project);
    ``edit``: a ``cut_clip`` or ``cut_quote`` edit (``journal.make``), appended to the journal by
    the caller, so the next run makes the same exhibit again (same id, from the edit's id). The clip
    and its thumbnail are written into the run's ``media/``; ``exhibits.json`` is left as it is.
    The words come from the run's own published tables, so whatever the run's redactions took out
    (``privacy.redact``, ``cxkit redact``) stays out of the cut and its sound. Raises CurationError
    with the reason when the cut cannot be made (no consent, the recording or answer gone).
    """
    if edit.op not in CUT_OPS:
        raise CurationError(f"only a cut is made at once, not a {edit.op}")
    proj = project if isinstance(project, Project) else project_mod.load(locate(project))
    run = Path(run_dir)
    members = curation_themes.book(run).members if runfolder.has_table(run, "comments") else {}
    made = Cutter(proj, run, members)(edit)
    if isinstance(made, str):
        raise CurationError(f"this cut cannot be made: {made}")
    notes = made.setdefault("curation", {})
    notes.update({"edits": [edit.id], "by": [edit.who], "cut": {"by": edit.who, "at": edit.at.isoformat(), "op": edit.op}})
    return made
