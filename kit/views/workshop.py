"""The report's workshop section: what the room said, as HTML through the kit's templates."""

from __future__ import annotations

from pathlib import Path

from kit.core.templates import render
from kit.workshop.fields import DEPARTMENTS
from kit.workshop.findings import exhibit_titles, findings


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def findings_html(run_dir: Path) -> str:
    """The report's "workshop findings" section for one run (a plain note when none was held).

    Names, notes and titles are typed by people or come from evidence: the template
    (workshop/findings.html.j2) escapes all of it.
    """
    f = findings(Path(run_dir))
    if f is None:
        return render("report/paragraph.html.j2", text="No workshop has reviewed this run yet.")
    n_people = sum(f.participants.values())
    if n_people == 0:
        return render("report/paragraph.html.j2", text="A workshop was opened for this run, but nobody has joined it yet.")
    from kit.core.exhibits import short_ids
    short = short_ids(list(exhibit_titles(Path(run_dir))) or [e.exhibit_id for e in f.exhibits])
    return render(
        "workshop/findings.html.j2", departments=DEPARTMENTS, short=short, participants=f.participants,
        people=_count(n_people, "participant"), total=sum(e.votes for e in f.exhibits), spendable=n_people * f.budget,
        budget=f.budget, voted=_count(sum(1 for e in f.exhibits if e.votes), "exhibit"),
        notes=_count(sum(len(e.notes) for e in f.exhibits), "note"), top=f.top(n=10),
        per_department=[(d, f.participants[d], f.top(d, n=3)) for d in DEPARTMENTS if d in f.participants],
        disagree=f.disagree, agree=f.agree, noted=[e for e in f.exhibits if e.notes], actions=f.actions())
