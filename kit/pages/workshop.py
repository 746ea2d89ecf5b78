"""Workshop widgets for the gallery page: who is voting, and the votes and notes on one exhibit.

The gallery page (``kit.pages.gallery``) puts ``participant_bar`` above the grid and
``exhibit_panel`` under an opened exhibit; the overview shows ``overview_panel``.

Each Voilà visitor has a kernel of their own, so this module's state is one visitor's. The
participant bar is one anywidget (``WorkshopBar``, front end ``assets/voila/workshopbar.js``):
creating widget models is most of what the browser does once the kernel connects, and a bar
built of separate ipywidgets made some thirty of them. The same widget is the browser's memory:
it keeps ``{token, name, department}`` in localStorage (so a reload, or the next run's gallery,
knows the visitor without asking again), and sends a tick every few seconds; on each tick the
kernel re-reads the tallies, so every open page shows the room's votes without a reload.
Everything people typed is shown through the kit's autoescaped templates (HTML widgets; the
templates under kit/assets/templates/workshop), as a widget's plain value, or through the bar's
``textContent``. Labels and numbers follow the page's language
(``kit.core.i18n``); department names and severity levels are stored in English whatever it is.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as w
import traitlets

from kit.core import i18n, runfolder, templates
from kit.core.paths import ASSETS_DIR
from kit.workshop.fields import DEPARTMENTS, WorkshopError, participant_fields
from kit.workshop.store import DB_NAME, SEVERITY, Participant, Workshop

log = logging.getLogger("cxkit.workshop")
TICK_MS = 3000
STORAGE_KEY = "cxkit-workshop"
MAX_PANELS = 24
NOT_RATED = -1
BAR_LABELS = ("ws_workshop", "ws_intro", "ws_name", "ws_department", "ws_join", "ws_you_are", "ws_left", "ws_switch",
              "sep")

STYLE = """
.cx-ws-bar{background:#f4f6fa;border:1px solid #d7dce5;border-radius:6px;padding:6px 10px;margin:4px 0 10px}
.cx-ws-panel{border-top:1px solid #d7dce5;margin-top:8px;padding-top:6px;flex-shrink:0}
.cx-ws-panel>*,.cx-ws-bar>*{flex-shrink:0}
.cx-ws-tally{font-size:13px;color:#333}.cx-ws-tally ul{margin:4px 0 0 18px;padding:0}
.cx-ws-note-text{white-space:pre-wrap}.cx-ws-error{color:#b00020}
"""
CSS = f"<style>{STYLE}</style>"
# The bar's own controls, drawn like the gallery's filters and pager just under it (kit/cardgrid.py).
BAR_STYLE = """
.cx-ws-bar{flex-shrink:0;box-sizing:border-box;font-size:13px;color:rgba(0,0,0,.87)}
.cx-ws-row{display:flex;flex-wrap:wrap;align-items:center;gap:6px;padding:2px;line-height:30px}
.cx-ws-bar input,.cx-ws-bar select{box-sizing:border-box;height:30px;margin:0;padding:0 8px;font:inherit;color:inherit;
background:#fff;border:1px solid #9e9e9e;border-radius:4px}
.cx-ws-bar input:focus,.cx-ws-bar select:focus{border-color:#64b5f6;outline:none}
.cx-ws-name input{width:200px}.cx-ws-dept select{width:160px}
.cx-ws-bar button{height:30px;margin:0;padding:0 12px;font:inherit;line-height:28px;color:inherit;background:#eef2f5;
border:1px solid #9e9e9e;border-radius:4px;cursor:pointer}
.cx-ws-bar button:hover{box-shadow:0 2px 2px 0 rgba(0,0,0,.14),0 3px 1px -2px rgba(0,0,0,.2),0 1px 5px 0 rgba(0,0,0,.12)}
.cx-ws-bar button:focus-visible{outline:1px solid #64b5f6}
.cx-ws-bar button.cx-ws-join{background:#1976d2;border-color:#1976d2;color:#fff}.cx-ws-bar button.cx-ws-switch{width:150px}
.cx-ws-status{padding:0 2px;line-height:30px}.cx-ws-status:empty{display:none}
.cx-ws-bar[dir=rtl] .cx-ws-row{direction:rtl}
"""
ESM = (ASSETS_DIR / "voila" / "workshopbar.js").read_text(encoding="utf-8")


class WorkshopBar(anywidget.AnyWidget):
    """The participant bar and this browser's memory in one widget model.

    The browser sends ``stored`` (what localStorage held at load), ticks, and join or leave
    requests as custom messages; the kernel answers with ``participant`` ({name, department,
    left, budget}, empty when nobody has joined), ``error`` and ``save`` (what to remember).
    """

    _esm = ESM
    _css = STYLE + BAR_STYLE
    storage_key = traitlets.Unicode(STORAGE_KEY).tag(sync=True)
    stored = traitlets.Dict().tag(sync=True)        # browser -> kernel: what localStorage held at load
    loaded = traitlets.Bool(False).tag(sync=True)
    save = traitlets.Dict().tag(sync=True)          # kernel -> browser: what to remember
    interval_ms = traitlets.Int(TICK_MS).tag(sync=True)
    departments = traitlets.List(traitlets.Unicode(), default_value=list(DEPARTMENTS)).tag(sync=True)
    department_labels = traitlets.Dict().tag(sync=True)   # department -> its name in the page's language
    labels = traitlets.Dict().tag(sync=True)        # the bar's words in the page's language (kit.core.i18n ws_*)
    lang = traitlets.Unicode("en").tag(sync=True)   # numbers on the bar are written in this language's digits
    direction = traitlets.Unicode("ltr").tag(sync=True)
    participant = traitlets.Dict().tag(sync=True)   # kernel -> browser: who is signed in here, and their dots
    error = traitlets.Unicode("").tag(sync=True)    # kernel -> browser: why the last join did not work


class Session:
    """One visitor's workshop on one run: who they are, their bar, and the panels to refresh on each tick."""

    def __init__(self, run_dir: Path, lang: str = "en") -> None:
        self.run_dir = Path(run_dir)
        self._shop: Workshop | None = None
        self.participant: Participant | None = None
        self.listeners: list[Callable[[], None]] = []
        self.memory = WorkshopBar()                 # the bar is also what talks to this browser's localStorage
        self.memory.observe(self._from_browser, names="stored")
        self.memory.on_msg(self._from_page)
        self.speak(lang)

    def speak(self, lang: str) -> None:
        """Word the bar (and the panels made from now on) in ``lang``."""
        self.lang = lang = i18n.language(lang)
        with self.memory.hold_sync():
            self.memory.lang = lang
            self.memory.direction = i18n.direction(lang)
            self.memory.labels = {key: i18n.t(key, lang) for key in BAR_LABELS}
            self.memory.department_labels = {d: department(d, lang) for d in DEPARTMENTS}

    def shop(self, create: bool = False) -> Workshop | None:
        """The run's workshop; created only when somebody joins (looking never makes the file)."""
        if self._shop is None and (create or (self.run_dir / DB_NAME).exists()):
            self._shop = Workshop(self.run_dir)       # this page writes: the store it keeps is a writer
        return self._shop

    def _from_browser(self, change: dict[str, Any]) -> None:
        saved = change["new"] or {}
        token, name, dept = saved.get("token"), saved.get("name"), saved.get("department")
        if not isinstance(token, str) or not token:
            return self.notify()
        try:
            shop = self.shop()
            known = shop.participant(token) if shop else None
            if known is None and isinstance(name, str) and dept in DEPARTMENTS:
                known = self.shop(create=True).join(name, dept, token=token)   # same browser, a new run
            self.participant = known
        except WorkshopError:
            self.participant = None
        self.notify()

    def _from_page(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """The bar's messages: the browser's clock, a join request, or "not me"."""
        if not isinstance(content, dict):
            return
        if "tick" in content:
            self.notify()
        elif "join" in content:
            self.request_join(content["join"])
        elif "leave" in content:
            self.leave()

    def request_join(self, form: Any) -> None:
        """A join asked for in the browser: join, or put on the bar why not."""
        form = form if isinstance(form, dict) else {}
        name, dept = str(form.get("name") or ""), str(form.get("department") or "")
        _, self.memory.error = _attempt(lambda: self.join(name, dept), self.lang)

    def join(self, name: str, department: str) -> Participant:
        participant_fields(name, department)        # a mistake is refused before the workshop file is made
        token = self.participant.token if self.participant else None
        self.participant = self.shop(create=True).join(name, department, token=token)
        self.memory.save = {"token": self.participant.token, "name": self.participant.name,
                            "department": self.participant.department}
        self.notify()
        return self.participant

    def leave(self) -> None:
        """Forget this browser's participant (someone else takes over the screen); their votes stay."""
        self.participant = None
        self.memory.save = {"forget": True}
        self.notify()

    def show(self) -> None:
        """Put who is signed in here, and their dots left, on the bar (empty when nobody)."""
        p = self.participant
        if p is None:
            self.memory.participant = {}
            return
        shop = self.shop()
        self.memory.participant = {"name": p.name, "department": p.department,
                                   "left": shop.dots_left(p.token) if shop else 0,
                                   "budget": shop.votes_per_person if shop else 0}

    def notify(self) -> None:
        for listener in [self.show, *self.listeners]:
            try:
                listener()
            except Exception:  # noqa: BLE001 - one broken panel must not stop the others refreshing
                log.exception("workshop panel refresh failed")

    def listen(self, listener: Callable[[], None]) -> None:
        self.listeners.append(listener)
        del self.listeners[:-MAX_PANELS]            # panels of exhibits closed long ago stop refreshing


_SESSIONS: dict[Path, Session] = {}


def session(run_dir: Path, lang: str | None = None) -> Session:
    """This kernel's (this visitor's) session for a run folder, worded in ``lang`` when given."""
    key = Path(run_dir).resolve()
    if key not in _SESSIONS:
        _SESSIONS[key] = Session(key, lang or "en")
    elif lang is not None and i18n.language(lang) != _SESSIONS[key].lang:
        _SESSIONS[key].speak(lang)
    return _SESSIONS[key]


def department(name: str, lang: str) -> str:
    """A department as the page's language names it (stored in English)."""
    return i18n.t(f"dept_{name}", lang) if f"dept_{name}" in i18n.LABELS else name


def severity_label(level: int, lang: str) -> str:
    """``3 major`` or ``۳ جدی``: a severity level with its word in the page's language."""
    return f"{i18n.number(level, lang)} {i18n.t(f'severity_{level}', lang)}"


def _say(exc: WorkshopError, lang: str) -> str:
    """A workshop's refusal in the page's language: its label, numbers in the page's digits."""
    if not exc.label:
        return i18n.t("ws_refused", lang, reason=str(exc))
    values = {k: i18n.number(v, lang) if isinstance(v, int) else i18n.t(v, lang) for k, v in exc.values.items()}
    return i18n.t(exc.label, lang, **values)


def _attempt(action: Callable[[], Any], lang: str = "en") -> tuple[Any, str]:
    """Run a click's action: (its result, ""), or (None, a short message) for a user mistake or a logged apology."""
    try:
        return action(), ""
    except WorkshopError as exc:
        return None, _say(exc, lang)
    except Exception:  # noqa: BLE001 - a visitor sees a plain message; the log keeps the details
        log.exception("workshop action failed")
        return None, i18n.t("ws_apology", lang)


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


def _tally_html(t: dict[str, Any], lang: str = "en") -> str:
    """The room's dots, severity ratings and notes on one exhibit (workshop/tally.html.j2)."""
    return templates.render(
        "workshop/tally.html.j2", lang=lang, votes=t["votes"], voters=t["voters"],
        by_department=[(department(d, lang), t["by_department"][d]) for d in DEPARTMENTS if d in t["by_department"]],
        ratings=[(department(d, lang), t["severity"][d][0], t["severity"][d][1]) for d in DEPARTMENTS if d in t["severity"]],
        notes=[{**n, "department": department(n["department"], lang)} for n in t["notes"]])


EMPTY_TALLY: dict[str, Any] = {"votes": 0, "voters": 0, "by_department": {}, "severity": {}, "notes": []}


def exhibit_panel(run_dir: Path, exhibit_id: str, lang: str = "en") -> w.Widget:
    """Dot votes, severity and a note on one exhibit, with the live tallies of the room, worded in ``lang``."""
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
    syncing = {"on": False}

    def render(full: bool = False) -> None:
        shop, p = s.shop(), s.participant
        room = shop.tally(exhibit_id) if shop else EMPTY_TALLY
        tally.value = _tally_html(room, lang)
        for control in (up, down, severity, note, save):
            control.disabled = p is None
        if p is None:
            mine.value = templates.render("workshop/mine.html.j2", lang=lang, dots=None)
            return
        me = shop.mine(p.token, exhibit_id) if shop else {"dots": 0, "severity": None, "note": ""}
        left = shop.dots_left(p.token) if shop else 0
        mine.value = templates.render("workshop/mine.html.j2", lang=lang, dots=me["dots"], left=left)
        up.disabled = left <= 0
        down.disabled = me["dots"] <= 0
        syncing["on"] = True
        try:
            severity.value = NOT_RATED if me["severity"] is None else me["severity"]
            if full:
                note.value = me["note"]
        finally:
            syncing["on"] = False

    def act(action: Callable[[Workshop, str], Any]) -> None:
        if s.participant is None:
            return
        shop = s.shop(create=True)
        _guard(status, lambda: action(shop, s.participant.token), lang)
        s.notify()

    up.on_click(lambda _: act(lambda shop, tok: shop.vote(tok, exhibit_id, 1)))
    down.on_click(lambda _: act(lambda shop, tok: shop.vote(tok, exhibit_id, -1)))
    save.on_click(lambda _: act(lambda shop, tok: shop.note(tok, exhibit_id, note.value)))

    def on_severity(change: dict[str, Any]) -> None:
        if not syncing["on"]:
            act(lambda shop, tok: shop.rate(tok, exhibit_id, None if change["new"] == NOT_RATED else change["new"]))

    severity.observe(on_severity, names="value")
    who = {"token": None}

    def refresh() -> None:
        token = s.participant.token if s.participant else None
        render(full=token != who["token"])           # a new participant sees their own note, not the last one's
        who["token"] = token

    s.listen(refresh)
    refresh()
    panel = w.VBox([w.HTML(CSS + templates.render("workshop/panel_heading.html.j2", lang=lang)), w.HBox([up, down, mine]),
                    w.HBox([severity, save]), note, status, tally])
    panel.add_class("cx-ws-panel")
    panel.layout.flex = "0 0 auto"                    # in a height-limited detail view, scroll rather than overlap
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
