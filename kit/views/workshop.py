"""The report's workshop section: what the room said, as HTML through the kit's templates."""

from __future__ import annotations
from kit.workshop.fields import DEPARTMENTS
from html import escape
from pathlib import Path
from typing import Any
from kit.workshop.findings import ExhibitFindings, exhibit_titles, findings


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _by_dept(values: dict[str, Any], fmt: str = "{}") -> str:
    return ", ".join(f"{escape(d)} {fmt.format(values[d])}" for d in DEPARTMENTS if d in values) or "–"


def _table(head: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="cx-workshop"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def findings_html(run_dir: Path) -> str:
    """The report's "workshop findings" section for one run (a plain note when none was held).

    Names, notes and titles are typed by people or come from evidence: all of it is escaped.
    """
    f = findings(Path(run_dir))
    if f is None:
        return "<p>No workshop has reviewed this run yet.</p>"
    n_people = sum(f.participants.values())
    if n_people == 0:
        return "<p>A workshop was opened for this run, but nobody has joined it yet.</p>"
    total = sum(e.votes for e in f.exhibits)
    voted = sum(1 for e in f.exhibits if e.votes)
    notes = sum(len(e.notes) for e in f.exhibits)
    parts = [f"<p>{_count(n_people, 'participant')} ({_by_dept(f.participants)}) spent {total} of "
             f"{n_people * f.budget} dots ({f.budget} each) on {_count(voted, 'exhibit')}, "
             f"and wrote {_count(notes, 'note')}.</p>"]
    from kit.core.exhibits import short_ids
    short = short_ids(list(exhibit_titles(Path(run_dir))) or [e.exhibit_id for e in f.exhibits])

    def title(e: ExhibitFindings) -> str:
        card = f", card {escape(short[e.exhibit_id])}" if e.exhibit_id in short else ""
        return f"{escape(e.title)} <small>({escape(e.exhibit_id)}{card})</small>"

    top = f.top(n=10)
    parts.append("<h4>Most-voted exhibits</h4>")
    parts.append(_table(["exhibit", "dots", "people", "dots by department", "severity by department (0-4)"],
                        [[title(e), str(e.votes), str(e.voters), _by_dept(e.votes_by_department),
                          _by_dept(e.severity_by_department, "{:.1f}")] for e in top])
                 if top else "<p>No dots were placed.</p>")
    parts.append("<h4>Most-voted per department</h4>")
    rows = []
    for d in DEPARTMENTS:
        if d in f.participants:
            best = f.top(d, n=3)
            rows.append([escape(d), str(f.participants[d]),
                         "<br>".join(f"{title(e)}: {e.votes_by_department[d]}" for e in best) or "no dots"])
    parts.append(_table(["department", "people", "top exhibits (dots)"], rows))
    parts.append("<h4>Where departments disagree</h4>")
    parts.append("<ul>" + "".join(f"<li>{title(e)}: {escape(why)}</li>" for e, why in f.disagree) + "</ul>"
                 if f.disagree else "<p>No exhibit was rated severe by one department and mild by another.</p>")
    parts.append("<h4>Where departments agree</h4>")
    parts.append("<ul>" + "".join(f"<li>{title(e)}: {escape(why)}</li>" for e, why in f.agree) + "</ul>"
                 if f.agree else "<p>No exhibit was rated alike by two or more departments.</p>")
    parts.append("<h4>Notes per exhibit</h4>")
    noted = [e for e in f.exhibits if e.notes]
    parts.append("".join(f"<p><b>{title(e)}</b></p><ul>" + "".join(
        f"<li><i>{escape(n['department'])}</i>, {escape(n['name'])}: <span style=\"white-space:pre-wrap\">"
        f"{escape(n['text'])}</span></li>" for n in e.notes) + "</ul>" for e in noted) or "<p>No notes were written.</p>")
    parts.append("<h4>Action list (draft)</h4>")
    actions = f.actions()
    parts.append(_table(["#", "exhibit", "owner department", "dots", "severity (0-4)", "notes"],
                        [[str(i), title(e), escape(e.owner), str(e.votes),
                          "–" if e.severity is None else f"{e.severity:.1f}", str(len(e.notes))]
                         for i, e in enumerate(actions, 1)]) if actions else "<p>Nothing to act on yet.</p>")
    return "\n".join(parts)
