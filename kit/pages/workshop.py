"""Workshop widgets for the gallery page: the votes and notes on one exhibit, and the overview's summary.

The gallery page (``kit.pages.gallery``) puts ``participant_bar`` above the grid and
``exhibit_panel`` under an opened exhibit; the overview shows ``overview_panel``. Who votes, and
what they may do, is the visitor's session (``kit.pages.workshop_session``): every click here goes
through it, so what a role may not do is refused in the kernel, whatever the browser shows or sends.
Everything people typed is shown through the kit's autoescaped templates (HTML widgets; the
templates under kit/assets/templates/workshop) or as a widget's plain value.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as w

from kit.core import i18n, runfolder, templates
from kit.pages.workshop_session import _SESSIONS, MAX_PANELS, Session, _attempt, department, session
from kit.pages.workshopbar import ESM, LOGIN, NOBODY, OPEN, STORAGE_KEY, STYLE, TICK_MS, WAITING, WorkshopBar
from kit.workshop.fields import DEPARTMENTS
from kit.workshop.store import SEVERITY

__all__ = ["ESM", "LOGIN", "MAX_PANELS", "NOBODY", "OPEN", "STORAGE_KEY", "TICK_MS", "WAITING", "_SESSIONS", "Session",
           "WorkshopBar", "department", "exhibit_panel", "overview_panel", "participant_bar", "past_workshops_of",
           "session", "severity_label"]

NOT_RATED = -1
CSS = f"<style>{STYLE}</style>"


def severity_label(level: int, lang: str) -> str:
    """``3 major`` or ``۳ جدی``: a severity level with its word in the page's language."""
    return f"{i18n.number(level, lang)} {i18n.t(f'severity_{level}', lang)}"


def _guard(status: w.HTML, action: Callable[[], Any], lang: str = "en") -> Any:
    """Run a panel click's action and show its message, if any, in the panel's status line."""
    result, error = _attempt(action, lang)
    status.value = templates.render("workshop/error.html.j2", error=error) if error else ""
    return result


def participant_bar(run_dir: Path, lang: str = "en") -> WorkshopBar:
    """The participant's name and department, asked once per browser, worded in ``lang``.

    It is the session's one bar widget: asked for twice, the page gets the same model, shown
    twice, and this browser keeps one memory and one clock.
    """
    s = session(run_dir, lang)
    s.show()
    return s.memory


def _tally_html(t: dict[str, Any], lang: str = "en", others: int = 0) -> str:
    """The room's dots, severity ratings and the notes shown on one exhibit, and how many are not (workshop/tally.html.j2)."""
    return templates.render(
        "workshop/tally.html.j2", lang=lang, votes=t["votes"], voters=t["voters"],
        by_department=[(department(d, lang), t["by_department"][d]) for d in DEPARTMENTS if d in t["by_department"]],
        ratings=[(department(d, lang), t["severity"][d][0], t["severity"][d][1]) for d in DEPARTMENTS if d in t["severity"]],
        notes=[{**n, "department": department(n["department"], lang)} for n in t["notes"]], others=others)


def _mine_html(lang: str, dots: int | None = None, left: int = 0, *, look: bool = False, closed: bool = False) -> str:
    """The visitor's own dots on an exhibit, or why they have no controls (workshop/mine.html.j2)."""
    return templates.render("workshop/mine.html.j2", lang=lang, dots=dots, left=left, look=look, closed=closed)


EMPTY_TALLY: dict[str, Any] = {"votes": 0, "voters": 0, "by_department": {}, "severity": {}, "notes": []}


def exhibit_panel(run_dir: Path, exhibit_id: str, lang: str = "en") -> w.Widget:
    """Dot votes, severity and a note on one exhibit, with the live tallies of the room, worded in ``lang``.

    A viewer sees the tallies without the controls; a page whose visitor is not known sees nothing.
    """
    s = session(run_dir, lang)
    lang = s.lang
    t = functools.partial(i18n.t, lang=lang)
    up = w.Button(description=t("ws_up"), tooltip=t("ws_up_tip"), layout=w.Layout(width="80px"))
    down = w.Button(description=t("ws_down"), tooltip=t("ws_down_tip"), layout=w.Layout(width="80px"))
    mine = w.HTML()
    severity = w.Dropdown(options=[(t("ws_not_rated"), NOT_RATED)] + [(severity_label(k, lang), k) for k in SEVERITY],
                          layout=w.Layout(width="190px"))
    note = w.Textarea(placeholder=t("ws_note"), layout=w.Layout(width="100%", height="60px"))
    save = w.Button(description=t("ws_save"), tooltip=t("ws_save_tip"))
    tally = w.HTML()
    status = w.HTML()
    for widget, cls in ((up, "cx-ws-up"), (down, "cx-ws-down"), (mine, "cx-ws-mine"), (severity, "cx-ws-severity"),
                        (note, "cx-ws-note"), (save, "cx-ws-save"), (tally, "cx-ws-tally-box"), (status, "cx-ws-status")):
        widget.add_class(cls)
    controls = (up, down, severity, note, save)
    panel = w.VBox([w.HTML(CSS + templates.render("workshop/panel_heading.html.j2", lang=lang)), w.HBox([up, down, mine]),
                    w.HBox([severity, save]), note, status, tally])
    panel.add_class("cx-ws-panel")
    panel.layout.flex = "0 0 auto"                    # in a height-limited detail view, scroll rather than overlap
    syncing = {"on": False}

    def render(full: bool = False) -> None:
        if s.mode in (NOBODY, WAITING):               # nothing personal, nothing to click
            panel.layout.display, tally.value, mine.value = "none", "", ""
            return
        panel.layout.display = None
        shop, token, voter, voting = s.shop(), s.token(), s.may("vote"), s.voting_open()
        room = shop.tally(exhibit_id) if shop else EMPTY_TALLY
        notes, others = s.notes_seen(room["notes"])
        tally.value = _tally_html({**room, "notes": notes}, lang, others)
        for control in controls:
            control.layout.display = None if voter else "none"
            control.disabled = not voter or not voting
        if not voter:
            mine.value = _mine_html(lang, look=True)
            return
        if s.mode == OPEN and token is None:
            for control in controls:
                control.disabled = True
            mine.value = _mine_html(lang, closed=not voting)
            return
        me = shop.mine(token, exhibit_id) if shop and token else {"dots": 0, "severity": None, "note": ""}
        left = s.dots_left()
        mine.value = _mine_html(lang, me["dots"], left, closed=not voting)
        up.disabled = left <= 0 or not voting
        down.disabled = me["dots"] <= 0 or not voting
        syncing["on"] = True
        try:
            severity.value = NOT_RATED if me["severity"] is None else me["severity"]
            if full:
                note.value = me["note"]
        finally:
            syncing["on"] = False

    def act(action: Callable[[], Any]) -> None:
        _guard(status, action, lang)                  # the session refuses what this visitor may not do, and logs it

    up.on_click(lambda _: act(lambda: s.vote(exhibit_id, 1)))
    down.on_click(lambda _: act(lambda: s.vote(exhibit_id, -1)))
    save.on_click(lambda _: act(lambda: s.note(exhibit_id, note.value)))

    def on_severity(change: dict[str, Any]) -> None:
        if not syncing["on"]:
            act(lambda: s.rate(exhibit_id, None if change["new"] == NOT_RATED else change["new"]))

    severity.observe(on_severity, names="value")
    who = {"token": None, "mode": None}

    def refresh() -> None:
        token = s.token()
        render(full=(token, s.mode) != (who["token"], who["mode"]))   # a new participant sees their own note
        who["token"], who["mode"] = token, s.mode

    s.listen(refresh)
    refresh()
    return panel


def overview_panel(run_dir: Path, lang: str = "en", past: list[dict[str, Any]] | None = None) -> str:
    """HTML for the overview: this run's workshop tallies and the workshops of earlier runs, worded in ``lang``.

    Earlier runs' workshops are what the pipeline found beside this run (``summary.json``,
    ``past_workshops``); the page never opens another run folder.
    """
    from kit.workshop.findings import findings
    t = functools.partial(i18n.t, lang=lang)
    count = functools.partial(i18n.count, lang=lang)
    f = findings(Path(run_dir))
    people = sum(f.participants.values()) if f else 0
    line, top = "", []
    if f and people:
        total = sum(e.votes for e in f.exhibits)
        notes = sum(len(e.notes) for e in f.exhibits)
        depts = t("comma").join(f"{department(d, lang)} {i18n.number(f.participants[d], lang)}"
                          for d in DEPARTMENTS if d in f.participants)
        line = f"{t('ws_this_run')}: " + i18n.join((f"{count('ws_n_participants', people)} ({depts})",
                                                    count("ws_n_dots", total), count("ws_n_notes", notes)), lang)
        top = f.top(n=5)
    return templates.render("workshop/overview.html.j2", lang=lang, people=people, line=line, top=top,
                            past=past_workshops_of(run_dir) if past is None else past)


def past_workshops_of(run_dir: Path) -> list[dict[str, Any]]:
    """The earlier runs' workshops as the pipeline wrote them into this run's ``summary.json``."""
    try:
        summary = runfolder.read_summary(run_dir)
    except (OSError, ValueError):
        return []
    past = summary.get("past_workshops") if isinstance(summary, dict) else None
    return [p for p in past if isinstance(p, dict)] if isinstance(past, list) else []
