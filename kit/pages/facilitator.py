"""The facilitator's tools above the gallery: open or close voting, run a timed round, the room's join link
and QR code, who may have been counted twice, merge paper votes, export the workshop.

They are shown to a visitor whose role has them (``kit.core.visitor``): a facilitator gets all
three, an analyst the export; on a single-user page the one person is the facilitator. Every click
is checked again in the kernel against the visitor's session, so a browser that draws the tools
for itself gets nothing from them. Paper votes go through ``kit.workshop.paper.import_csv``, as
``cxkit workshop import`` does; the export is the file ``cxkit workshop export`` writes, handed to
the browser as a ``data:`` link (the server has no route for it).
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path
from typing import Any

import ipywidgets as w

from kit.core import i18n, templates
from kit.core.errors import InputFileError
from kit.core.visitor import Visitor
from kit.pages.workshop_session import Session, _attempt, log, session
from kit.views.board import join_html, same_people_html
from kit.workshop.board import same_people
from kit.workshop.fields import WorkshopError
from kit.workshop.join import gallery_url
from kit.workshop.paper import PaperFileError, export_csv, import_csv
from kit.workshop.store import DB_NAME

MAX_UPLOAD_MB = 2
MAX_UPLOAD = MAX_UPLOAD_MB * 1024 * 1024
MAX_REASONS = 30                # problems listed under a refused file; the rest are counted
ROUND_CHOICES = (1, 2, 3, 5, 10, 15, 20, 30)    # minutes offered for a round
DEFAULT_ROUND = 5


def welcome(run_dir: Path, who: Visitor | None, lang: str = "en") -> w.Widget | None:
    """Tell the run's workshop who this page's visitor is; the tools their role has, if any."""
    s = session(run_dir, lang)
    s.sign_in(who)
    return tools(s)


def tools(s: Session) -> w.Widget | None:
    """The tools this session's visitor may use (None when they may use none)."""
    if not (s.may("facilitate") or s.may("export")):
        return None
    status = w.HTML()
    status.add_class("cx-ws-status")
    parts: list[w.Widget] = [w.Label(i18n.t("ws_tools", s.lang))]
    if s.may("facilitate"):
        parts += [w.HBox([_voting_switch(s, status), _round_controls(s, status)]), _join_link(s), _same_people(s),
                  _paper_upload(s)]
    parts += [_export(s, status), status]
    box = w.VBox(parts)
    box.add_class("cx-ws-tools")
    return box


def _error_html(error: str) -> str:
    return templates.render("workshop/error.html.j2", error=error) if error else ""


def _voting_switch(s: Session, status: w.HTML) -> w.ToggleButton:
    """Pressed while voting is open; it follows the store, so another facilitator's switch shows here too."""
    toggle = w.ToggleButton(layout=w.Layout(width="auto"))
    toggle.add_class("cx-ws-voting")
    syncing = {"on": False}

    def sync() -> None:
        open_now = s.voting_open()
        syncing["on"] = True
        try:
            toggle.value = open_now
            toggle.description = i18n.t("ws_voting_on" if open_now else "ws_voting_off", s.lang)
            toggle.button_style = "success" if open_now else "warning"
        finally:
            syncing["on"] = False

    def flip(change: dict[str, Any]) -> None:
        if syncing["on"]:
            return
        _, error = _attempt(lambda: s.set_voting(bool(change["new"])), s.lang)
        status.value = _error_html(error)
        sync()                                        # a refused click goes back to what the store says

    toggle.observe(flip, names="value")
    s.listen(sync, keep=True)
    sync()
    return toggle


def _round_controls(s: Session, status: w.HTML) -> w.Widget:
    """Minutes, "start a round" and "stop the timer": every screen counts down to the round's end."""
    minutes = w.Dropdown(options=[(i18n.number(m, s.lang), m) for m in ROUND_CHOICES], value=DEFAULT_ROUND,
                         description=i18n.t("ws_round_length", s.lang), layout=w.Layout(width="170px"))
    start = w.Button(description=i18n.t("ws_round_start", s.lang), button_style="info", layout=w.Layout(width="auto"))
    stop = w.Button(description=i18n.t("ws_round_stop", s.lang), layout=w.Layout(width="auto"))
    for widget, cls in ((minutes, "cx-ws-round-minutes"), (start, "cx-ws-round-start"), (stop, "cx-ws-round-stop")):
        widget.add_class(cls)

    def act(action: Any) -> None:
        _, error = _attempt(action, s.lang)
        status.value = _error_html(error)

    start.on_click(lambda _: act(lambda: s.start_round(int(minutes.value))))
    stop.on_click(lambda _: act(s.stop_round))
    return w.HBox([minutes, start, stop])


def join_address(s: Session) -> str:
    """The gallery's address as this page's browser reached it ("" before the browser said, or when it makes no sense)."""
    try:
        return gallery_url(s.page_url) if s.page_url else ""
    except WorkshopError:
        return ""


def _join_link(s: Session) -> w.HTML:
    """The join link and its QR code, once the browser has told the kernel where it is."""
    box = w.HTML()
    box.add_class("cx-ws-join-box")
    shown = {"url": None}

    def sync() -> None:
        url = join_address(s)
        if url != shown["url"]:
            shown["url"], box.value = url, join_html(url, s.lang)

    s.listen(sync, keep=True)
    sync()
    return box


def _same_people(s: Session) -> w.HTML:
    """A warning listing participants who share a name and department (empty when there are none)."""
    box = w.HTML()
    box.add_class("cx-ws-same-box")

    def sync() -> None:
        html = same_people_html(same_people(s.shop()), s.lang)
        if html != box.value:
            box.value = html

    s.listen(sync, keep=True)
    sync()
    return box


def _paper_upload(s: Session) -> w.Widget:
    upload = w.FileUpload(accept=".csv", multiple=False, description=i18n.t("ws_import", s.lang),
                          layout=w.Layout(width="auto"))
    upload.add_class("cx-ws-import")
    result = w.HTML()
    result.add_class("cx-ws-import-result")

    def received(change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        upload.value = ()                             # the widget does not keep the file's bytes
        first = files[0] if isinstance(files[0], dict) else {}
        done, error = _attempt(lambda: merge_upload(s, first.get("name"), first.get("content")), s.lang)
        result.value = import_html(done, s.lang) if done is not None else _error_html(error)

    upload.observe(received, names="value")
    return w.VBox([upload, result])


def merge_upload(s: Session, name: Any, content: Any) -> dict[str, Any]:
    """Paper votes uploaded in the browser, merged as ``cxkit workshop import`` merges a file: what became of them.

    A file with a mistake merges nothing (``import_csv`` checks every row first): every row is
    rejected, and the reasons name the rows at fault.
    """
    if not s.may("facilitate"):
        log.warning("workshop: refused paper votes uploaded by a visitor who is not the facilitator")
        raise WorkshopError("only the facilitator merges paper votes", "ws_facilitator_only")
    if not isinstance(name, str) or not name.lower().endswith(".csv") or not isinstance(content, bytes | memoryview):
        return {"error": i18n.t("ws_import_not_csv", s.lang)}
    if memoryview(content).nbytes > MAX_UPLOAD:
        return {"error": i18n.t("ws_import_too_big", s.lang, limit=i18n.number(MAX_UPLOAD_MB, s.lang))}
    with tempfile.TemporaryDirectory(prefix="cxkit-paper-") as tmp:
        path = Path(tmp) / "paper.csv"
        path.write_bytes(bytes(content))
        try:
            done = import_csv(s.run_dir, path)
        except PaperFileError as exc:
            return {"failed": True, "rejected": exc.rows, "reasons": exc.problems}
        except InputFileError as exc:
            return {"unread": True, "reasons": [f"{exc.problem}; {exc.fix}" if exc.fix else exc.problem]}
    s.notify()
    return {"merged": done["rows"], "changed": done["changed"], "new": done["new_participants"]}


def import_html(done: dict[str, Any], lang: str = "en") -> str:
    """What ``merge_upload`` found, as the facilitator reads it (workshop/import_result.html.j2)."""
    reasons = list(done.get("reasons", []))
    return templates.render("workshop/import_result.html.j2", lang=lang, error=done.get("error", ""),
                            unread=done.get("unread", False), failed=done.get("failed", False),
                            rejected=done.get("rejected", 0), merged=done.get("merged", 0),
                            changed=done.get("changed", 0), new=done.get("new", 0),
                            reasons=reasons[:MAX_REASONS], more=max(0, len(reasons) - MAX_REASONS))


def _export(s: Session, status: w.HTML) -> w.Widget:
    button = w.Button(description=i18n.t("ws_export", s.lang), layout=w.Layout(width="auto"))
    button.add_class("cx-ws-export-button")
    link = w.HTML()
    link.add_class("cx-ws-export-link")

    def make(_: Any) -> None:
        made, error = _attempt(lambda: export_link(s), s.lang)
        link.value = templates.render("workshop/export_link.html.j2", lang=s.lang, **made) if made is not None else ""
        status.value = _error_html(error)

    button.on_click(make)
    return w.HBox([button, link])


def export_link(s: Session) -> dict[str, Any]:
    """The CSV ``cxkit workshop export`` writes, as a ``data:`` address: ``href`` (empty before any vote), ``file``, ``rows``."""
    if not s.may("export"):
        log.warning("workshop: refused an export to a visitor whose role has none")
        raise WorkshopError("only a facilitator or an analyst exports the workshop", "ws_facilitator_only")
    if not (s.run_dir / DB_NAME).exists():
        return {"href": "", "file": "", "rows": 0}
    with tempfile.TemporaryDirectory(prefix="cxkit-export-") as tmp:
        out = Path(tmp) / "workshop.csv"
        rows = export_csv(s.run_dir, out)
        data = out.read_bytes()
    return {"href": "data:text/csv;base64," + base64.b64encode(data).decode("ascii"),
            "file": f"workshop-{s.run_dir.name}.csv", "rows": rows}
