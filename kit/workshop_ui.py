"""Workshop widgets for the gallery page: who is voting, and the votes and notes on one exhibit.

The gallery page (``kit.dashboard``) puts ``participant_bar`` above the grid and
``exhibit_panel`` under an opened exhibit; the overview shows ``overview_panel``.

Each Voilà visitor has a kernel of their own, so this module's state is one visitor's. The
browser remembers who the visitor is: a small anywidget keeps ``{token, name, department}`` in
the browser's localStorage (so a reload, or the next run's gallery, knows them without asking
again), and sends a tick every few seconds; on each tick the kernel re-reads the tallies, so
every open page shows the room's votes without a reload. Everything people typed is shown through
``html.escape`` (HTML widgets) or as a widget's plain value.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as w
import traitlets

from kit.workshop import (DB_NAME, DEPARTMENTS, SEVERITY, Participant, Workshop, WorkshopError, open_existing)

log = logging.getLogger("cxkit.workshop")
TICK_MS = 3000
STORAGE_KEY = "cxkit-workshop"
MAX_PANELS = 24
NOT_RATED = -1

CSS = """<style>
.cx-ws-bar{background:#f4f6fa;border:1px solid #d7dce5;border-radius:6px;padding:6px 10px;margin:4px 0 10px}
.cx-ws-panel{border-top:1px solid #d7dce5;margin-top:8px;padding-top:6px;flex-shrink:0}
.cx-ws-panel>*,.cx-ws-bar>*{flex-shrink:0}
.cx-ws-tally{font-size:13px;color:#333}.cx-ws-tally ul{margin:4px 0 0 18px;padding:0}
.cx-ws-note-text{white-space:pre-wrap}.cx-ws-error{color:#b00020}
</style>"""


class BrowserMemory(anywidget.AnyWidget):
    """Who this browser is (localStorage) and a clock that asks the kernel to refresh the tallies."""

    _esm = """
    function render({ model, el }) {
      const KEY = model.get("storage_key");
      el.style.display = "none";
      let saved = {};
      try { saved = JSON.parse(window.localStorage.getItem(KEY) || "{}") || {}; } catch (e) { saved = {}; }
      model.set("stored", saved);
      model.set("loaded", true);
      model.save_changes();
      const write = () => {
        const value = model.get("save");
        if (value && value.token) { window.localStorage.setItem(KEY, JSON.stringify(value)); }
        else if (value && value.forget) { window.localStorage.removeItem(KEY); }
      };
      model.on("change:save", write);
      const timer = setInterval(() => model.send({ tick: Date.now() }), model.get("interval_ms"));
      return () => { clearInterval(timer); model.off("change:save", write); };
    }
    export default { render };
    """
    storage_key = traitlets.Unicode(STORAGE_KEY).tag(sync=True)
    stored = traitlets.Dict().tag(sync=True)        # browser -> kernel: what localStorage held at load
    loaded = traitlets.Bool(False).tag(sync=True)
    save = traitlets.Dict().tag(sync=True)          # kernel -> browser: what to remember
    interval_ms = traitlets.Int(TICK_MS).tag(sync=True)


class Session:
    """One visitor's workshop on one run: who they are, and the panels to refresh on each tick."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = Path(run_dir)
        self._shop: Workshop | None = None
        self.participant: Participant | None = None
        self.listeners: list[Callable[[], None]] = []
        self.bars: list[Callable[[], None]] = []
        self.memory = BrowserMemory()
        self.memory.observe(self._from_browser, names="stored")
        self.memory.on_msg(self._tick)

    def shop(self, create: bool = False) -> Workshop | None:
        """The run's workshop; created only when somebody joins (looking never makes the file)."""
        if self._shop is None and (create or (self.run_dir / DB_NAME).exists()):
            self._shop = Workshop(self.run_dir) if create else open_existing(self.run_dir)
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

    def join(self, name: str, department: str) -> Participant:
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

    def _tick(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and "tick" in content:
            self.notify()

    def notify(self) -> None:
        for listener in self.bars + self.listeners:
            try:
                listener()
            except Exception:  # noqa: BLE001 - one broken panel must not stop the others refreshing
                log.exception("workshop panel refresh failed")

    def listen(self, listener: Callable[[], None], bar: bool = False) -> None:
        if bar:
            self.bars.append(listener)
            return
        self.listeners.append(listener)
        del self.listeners[:-MAX_PANELS]            # panels of exhibits closed long ago stop refreshing


_SESSIONS: dict[Path, Session] = {}


def session(run_dir: Path) -> Session:
    """This kernel's (this visitor's) session for a run folder."""
    key = Path(run_dir).resolve()
    if key not in _SESSIONS:
        _SESSIONS[key] = Session(key)
    return _SESSIONS[key]


def _guard(status: w.HTML, action: Callable[[], Any]) -> Any:
    """Run a click's action; a user mistake becomes a short message, anything else a logged apology."""
    try:
        result = action()
        status.value = ""
        return result
    except WorkshopError as exc:
        status.value = f'<span class="cx-ws-error">{escape(str(exc))}</span>'
    except Exception:  # noqa: BLE001 - a visitor sees a plain message; the log keeps the details
        log.exception("workshop action failed")
        status.value = '<span class="cx-ws-error">That did not work. The server log has the details.</span>'
    return None


def participant_bar(run_dir: Path) -> w.Widget:
    """The participant's name and department, asked once per browser."""
    s = session(run_dir)
    name = w.Text(placeholder="Your name", layout=w.Layout(width="200px"))
    dept = w.Dropdown(options=[("Department…", "")] + [(d, d) for d in DEPARTMENTS], layout=w.Layout(width="160px"))
    join = w.Button(description="Join the workshop", button_style="primary")
    switch = w.Button(description="Not you? Switch", layout=w.Layout(width="150px"))
    who = w.HTML()
    status = w.HTML()
    name.add_class("cx-ws-name")
    dept.add_class("cx-ws-dept")
    join.add_class("cx-ws-join")
    switch.add_class("cx-ws-switch")
    who.add_class("cx-ws-who")
    form = w.HBox([w.HTML("<b>Workshop</b>: vote with dots, rate and note exhibits ·"), name, dept, join])
    signed = w.HBox([who, switch])

    def render() -> None:
        p = s.participant
        form.layout.display = "none" if p else ""
        signed.layout.display = "" if p else "none"
        if p:
            shop = s.shop()
            left = shop.dots_left(p.token) if shop else 0
            budget = shop.votes_per_person if shop else 0
            who.value = (f"<b>Workshop</b>: you are <b>{escape(p.name)}</b> ({escape(p.department)}) · "
                         f'<span class="cx-ws-left">{left}</span> of {budget} dots left')

    def on_join(_: Any) -> None:
        if not dept.value:
            status.value = '<span class="cx-ws-error">Choose your department.</span>'
            return
        _guard(status, lambda: s.join(name.value, dept.value))

    join.on_click(on_join)
    switch.on_click(lambda _: s.leave())
    s.listen(render, bar=True)
    render()
    bar = w.VBox([w.HTML(CSS), s.memory, form, signed, status])
    bar.add_class("cx-ws-bar")
    return bar


def _tally_html(t: dict[str, Any], budget_note: str = "") -> str:
    by_dept = " · ".join(f"{escape(d)} {t['by_department'][d]}" for d in DEPARTMENTS if d in t["by_department"])
    sev = " · ".join(f"{escape(d)} {t['severity'][d][0]:.1f} ({t['severity'][d][1]})"
                     for d in DEPARTMENTS if d in t["severity"])
    notes = "".join(f'<li><i>{escape(n["department"])}</i>, {escape(n["name"])}: '
                    f'<span class="cx-ws-note-text">{escape(n["text"])}</span></li>' for n in t["notes"])
    dots = "dot" if t["votes"] == 1 else "dots"
    people = "person" if t["voters"] == 1 else "people"
    return (f'<div class="cx-ws-tally">Room: <b class="cx-ws-total">{t["votes"]}</b> {dots} from {t["voters"]} '
            f"{people}{' (' + by_dept + ')' if by_dept else ''}{budget_note}"
            f"<br>Severity (mean of 0-4, raters): {sev or 'not rated yet'}"
            + (f'<ul class="cx-ws-notes">{notes}</ul>' if notes else "") + "</div>")


EMPTY_TALLY: dict[str, Any] = {"votes": 0, "voters": 0, "by_department": {}, "severity": {}, "notes": []}


def exhibit_panel(run_dir: Path, exhibit_id: str) -> w.Widget:
    """Dot votes, severity and a note on one exhibit, with the live tallies of the room."""
    s = session(run_dir)
    up = w.Button(description="+ dot", tooltip="put one of your dots on this exhibit", layout=w.Layout(width="80px"))
    down = w.Button(description="− dot", tooltip="take one of your dots back", layout=w.Layout(width="80px"))
    mine = w.HTML()
    severity = w.Dropdown(options=[("Severity: not rated", NOT_RATED)] + [(f"{k} {v}", k) for k, v in SEVERITY.items()],
                          layout=w.Layout(width="190px"))
    note = w.Textarea(placeholder="Your note on this exhibit, from your department's point of view",
                      layout=w.Layout(width="100%", height="60px"))
    save = w.Button(description="Save note", tooltip="an empty note withdraws yours")
    tally = w.HTML()
    status = w.HTML()
    for widget, cls in ((up, "cx-ws-up"), (down, "cx-ws-down"), (mine, "cx-ws-mine"), (severity, "cx-ws-severity"),
                        (note, "cx-ws-note"), (save, "cx-ws-save"), (tally, "cx-ws-tally-box"), (status, "cx-ws-status")):
        widget.add_class(cls)
    syncing = {"on": False}

    def render(full: bool = False) -> None:
        shop, p = s.shop(), s.participant
        t = shop.tally(exhibit_id) if shop else EMPTY_TALLY
        tally.value = _tally_html(t)
        for control in (up, down, severity, note, save):
            control.disabled = p is None
        if p is None:
            mine.value = "<i>Join the workshop (top of the page) to vote, rate and write a note.</i>"
            return
        me = shop.mine(p.token, exhibit_id) if shop else {"dots": 0, "severity": None, "note": ""}
        left = shop.dots_left(p.token) if shop else 0
        mine.value = f'Your dots here: <b class="cx-ws-my-dots">{me["dots"]}</b> · {left} left'
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
        _guard(status, lambda: action(shop, s.participant.token))
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
    panel = w.VBox([w.HTML(CSS + "<b>Workshop</b>"), w.HBox([up, down, mine]), w.HBox([severity, save]), note, status,
                    tally])
    panel.add_class("cx-ws-panel")
    panel.layout.flex = "0 0 auto"                    # in a height-limited detail view, scroll rather than overlap
    return panel


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def past_workshops(run_dir: Path) -> list[dict[str, Any]]:
    """Workshops held on the other runs beside this one (same reports folder), newest first."""
    here = Path(run_dir).resolve()
    out = []
    seen = {here}
    for other in sorted(here.parent.iterdir(), reverse=True) if here.parent.is_dir() else []:
        real = other.resolve()
        if real in seen or not (real / DB_NAME).is_file() or other.name.startswith("."):
            continue
        seen.add(real)
        try:
            shop = Workshop(real)
            totals = shop.totals()
            if totals["participants"]:
                out.append({"run": real.name, "path": str(real), "held": shop.last_activity()[:16].replace("T", " "),
                            "report": str(real / "report.html") if (real / "report.html").exists() else "", **totals})
        except Exception:  # noqa: BLE001 - one unreadable old workshop must not hide the others
            log.exception("could not read %s", real / DB_NAME)
    return sorted(out, key=lambda r: r["held"], reverse=True)


def overview_panel(run_dir: Path) -> str:
    """HTML for the overview: this run's workshop tallies and links to past workshops."""
    from kit.workshop import findings
    parts: list[str] = []
    f = findings(Path(run_dir))
    people = sum(f.participants.values()) if f else 0
    if not f or not people:
        parts.append("<p>No workshop on this run yet: open the gallery, give your name and department, "
                     "and put your dots on the exhibits that matter most.</p>")
    else:
        total = sum(e.votes for e in f.exhibits)
        notes = sum(len(e.notes) for e in f.exhibits)
        depts = ", ".join(f"{escape(d)} {f.participants[d]}" for d in DEPARTMENTS if d in f.participants)
        parts.append(f'<p class="cx-ws-summary">This run: {_count(people, "participant")} ({depts}) · '
                     f'{_count(total, "dot")} · {_count(notes, "note")}</p>')
        top = f.top(n=5)
        if top:
            parts.append("<ol class=\"cx-ws-top\">" + "".join(
                f"<li>{escape(e.title)}: <b>{e.votes}</b> dots ({e.voters} people)</li>" for e in top) + "</ol>")
    past = past_workshops(run_dir)
    if past:
        rows = "".join(
            f"<tr><td>{escape(p['run'])}</td><td>{escape(p['held'])} UTC</td><td>{p['participants']}</td>"
            f"<td>{p['votes']}</td><td>{p['notes']}</td><td><code>cxkit serve {escape(p['path'])}</code>"
            + (f"<br><code>{escape(p['report'])}</code>" if p["report"] else "") + "</td></tr>" for p in past)
        parts.append("<h4>Past workshops</h4><table class=\"cx-ws-past\"><thead><tr><th>run</th><th>last activity</th>"
                     "<th>people</th><th>dots</th><th>notes</th><th>open it</th></tr></thead>"
                     f"<tbody>{rows}</tbody></table>")
    return "".join(parts)
