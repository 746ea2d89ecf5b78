"""The project's curation journal replayed on a fresh run, after every step has made its exhibits.

People's edits (``curation.jsonl`` in the project folder, kit.curation.journal) outlive re-runs:
the gallery step hands the merged exhibits here before writing ``exhibits.json``. Exhibits a person
hid, or merged into another, leave the gallery's list but are kept whole in ``curation.json`` with
who did it and why, so an analyst can show them again (undo). Edits whose exhibit the pipeline no
longer makes are listed there as orphans, never dropped.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from kit.analysis.agreement import agreements
from kit.core import runfolder
from kit.core.step import Step
from kit.curation import journal
from kit.curation.replay import Replayed, replay


def curate(step: Step, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The exhibits as people shaped them; writes ``curation.json`` when the project keeps a journal."""
    path = step.project.root / journal.JOURNAL
    edits = journal.read(path)
    if not edits:
        return records
    done = replay(records, edits)
    shown, set_aside = split(done.records)
    runfolder.write_curation(step.run_dir, report(done, set_aside, journal.digest(path)))
    step.counts[journal.JOURNAL] = {"rows_in": len(edits), "accepted": len(edits) - len(done.orphans),
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
        "set_aside": set_aside, "agreement": agreement_rows(done),
        "orphans": [{**o["edit"].model_dump(mode="json"), "why": o["why"]} for o in done.orphans],
    }


def agreement_rows(done: Replayed) -> list[dict[str, Any]]:
    """Agreement per code among the coders' own readings (``code`` lines), most disputed first."""
    readings = [(e.who, e.exhibit, e.field, e.after) for e in done.codings]
    return [asdict(a) for a in agreements(readings)]
