"""The report's workshop section: what the room said, as HTML through the kit's templates."""

from __future__ import annotations

import functools
from pathlib import Path

from kit.core import i18n
from kit.core.errors import KitError
from kit.core.runfolder import read_summary
from kit.core.templates import render
from kit.workshop.fields import DEPARTMENTS
from kit.workshop.findings import department_name, exhibit_titles, findings


def findings_html(run_dir: Path, lang: str | None = None) -> str:
    """The report's "workshop findings" section for one run (a plain note when none was held), in ``lang``.

    ``lang`` defaults to the run's ``ui_language``. Names, notes and titles are typed by people or
    come from evidence: the template (workshop/findings.html.j2) escapes all of it.
    """
    lang = i18n.language(lang or _run_language(Path(run_dir)))
    t = functools.partial(i18n.t, lang=lang)
    f = findings(Path(run_dir), lang)
    if f is None:
        return render("report/paragraph.html.j2", text=t("wsr_none"))
    n_people = sum(f.participants.values())
    if n_people == 0:
        return render("report/paragraph.html.j2", text=t("wsr_nobody"))
    from kit.core.exhibits import short_ids
    short = short_ids(list(exhibit_titles(Path(run_dir))) or [e.exhibit_id for e in f.exhibits])
    def dept(d: str) -> str:
        return department_name(d, lang)
    departments = t("comma").join(f"{dept(d)} {i18n.number(f.participants[d], lang)}"
                                  for d in DEPARTMENTS if d in f.participants) or "–"
    spent = t("wsr_spent", people=i18n.count("wsr_people", n_people, lang), departments=departments,
              total=i18n.number(sum(e.votes for e in f.exhibits), lang),
              spendable=i18n.number(n_people * f.budget, lang), budget=i18n.number(f.budget, lang),
              voted=i18n.count("wsr_exhibits", sum(1 for e in f.exhibits if e.votes), lang),
              notes=i18n.count("wsr_notes", sum(len(e.notes) for e in f.exhibits), lang))
    return render(
        "workshop/findings.html.j2", t=t, lang=lang, dept=dept, departments=DEPARTMENTS, short=short, spent=spent,
        top=f.top(n=10), per_department=[(d, f.participants[d], f.top(d, n=3)) for d in DEPARTMENTS if d in f.participants],
        disagree=f.disagree, agree=f.agree, noted=[e for e in f.exhibits if e.notes], actions=f.actions())


def _run_language(run_dir: Path) -> str:
    try:
        return str(read_summary(run_dir).get("ui_language") or "en")
    except (OSError, ValueError, KitError):          # a run without a readable summary: English
        return "en"
