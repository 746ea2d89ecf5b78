"""Analysts curate the gallery in the page: each action is one edit in the project's journal, shown at once.

The gallery page (``kit.pages.gallery``) calls three hooks: ``welcome`` once the visitor is known,
``drawer`` when an exhibit is opened, and ``pinned_first`` on every order it ranks. An analyst, a
facilitator, or the one person of a single-user page gets the controls (``kit.pages.curationpanel``);
every action they send is checked here again against the visitor's role, so a viewer's or a
participant's browser that sends one by hand is refused and logged, and nothing is written.

An accepted action is appended to ``curation.jsonl`` in the project folder named by the run's
manifest (who: the visitor's name; role), then the journal is replayed in memory over the run's
exhibits as the steps made them (``kit.curation.live``) and the page redraws its cards: no run
file is read again. Every page of the run, a viewer's too, looks at the journal's size and time
on the workshop's tick and replays it when another page (or ``cxkit codebook import``) changed it.
What people typed is cleaned by ``kit.curation.journal`` and drawn as text, never as HTML.
"""

from __future__ import annotations

import functools
import getpass
import logging
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from kit.analysis import gallery_order, lenses
from kit.core import exhibits as ex
from kit.core import i18n, runfolder, runs
from kit.core.errors import CurationError, KitError
from kit.core.visitor import Visitor
from kit.curation import journal
from kit.curation.cuts import CUT_OPS, cut_id
from kit.curation.live import Live, uncurated
from kit.curation.themes import THEME_OPS
from kit.pages import curation_actions, curation_cuts, theme_actions
from kit.pages.curation_actions import Refused
from kit.pages.curationpanel import LABELS, CurationPanel
from kit.steps.curation import split

if TYPE_CHECKING:
    from kit.pages.gallery import GalleryPage

HANDLERS = {**curation_actions.HANDLERS, **curation_cuts.HANDLERS, **theme_actions.HANDLERS}

log = logging.getLogger("cxkit.curation")
RECENT = 8                     # the visitor's own edits offered for undo
_CURATORS: weakref.WeakKeyDictionary[Any, Curator] = weakref.WeakKeyDictionary()


def pinned_first(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same records with the pinned ones first, by their pin (0 first); the rest keep their order."""
    def pin(r: dict[str, Any]) -> int | None:
        value = (r.get("curation") or {}).get("pinned")
        return value if isinstance(value, int) else None
    pinned = [r for r in records if pin(r) is not None]
    if not pinned:
        return records
    return sorted(pinned, key=lambda r: pin(r) or 0) + [r for r in records if pin(r) is None]


class Order:
    """``gallery_order.default_order`` then pinned first, with each record's sort key kept between calls.

    An edit changes a few records (``kit.curation.live`` hands back the others as the same objects),
    so after it only those get a new key; computing all ten thousand again is most of an edit's time.
    The key is default_order's own: media first, then worst first, feeling, then the given order.
    """

    def __init__(self) -> None:
        self.keys: dict[int, tuple[dict[str, Any], float, tuple[Any, ...]]] = {}

    def __call__(self, records: list[dict[str, Any]], negatives: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
        strength = gallery_order.strengths(negatives)
        seen: dict[int, tuple[dict[str, Any], float, tuple[Any, ...]]] = {}
        ranked = []
        for i, rec in enumerate(records):
            s = strength.get(str(rec.get("id")), 1.0)
            kept = self.keys.get(id(rec))
            if kept is None or kept[0] is not rec or kept[1] != s:
                kept = (rec, s, self._key(rec, s))
            seen[id(rec)] = kept
            ranked.append((*kept[2], i))
        self.keys = seen
        return [records[k[-1]] for k in sorted(ranked)]

    @staticmethod
    def _key(rec: dict[str, Any], strength: float) -> tuple[tuple[int, int], bool, float, float]:
        """Pinned first by pin, then default_order's key (media first, worst first, feeling)."""
        pin = (rec.get("curation") or {}).get("pinned")
        pinned = (0, pin) if isinstance(pin, int) else (1, 0)
        v = rec.get("valence")
        v = float(v) if isinstance(v, int | float) and not isinstance(v, bool) and v == v else 0.0
        return (pinned, not gallery_order.is_media(rec), -gallery_order.score(rec, strength), v)


def project_root(run_dir: Path) -> Path | None:
    """The project folder the run was made from (its manifest says), if it is still there."""
    try:
        named = runs.read_manifest(Path(run_dir)).get("project")
    except (KitError, OSError, ValueError):
        return None
    root = Path(named) if isinstance(named, str) and named else None
    return root if root is not None and root.is_dir() else None


def base_records(run_dir: Path, shown: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The run's exhibits as its steps made them, before the journal: the exhibit parts, read once per page.

    A run without parts gives back what ``exhibits.json`` and ``curation.json`` hold, un-curated.
    """
    if runfolder.exhibit_parts(run_dir):
        return ex.merge_parts(Path(run_dir))
    return [uncurated(r) for r in [*shown, *_aside(run_dir)] if not _cut_by_hand(r)]


def _aside(run_dir: Path) -> list[dict[str, Any]]:
    return list(runfolder.read_curation(run_dir).get("set_aside") or [])


def _cut_by_hand(rec: dict[str, Any]) -> bool:
    """Whether the run made this exhibit from a cut in the journal (the journal's replay makes it again)."""
    return "cut" in (rec.get("curation") or {})


def author(who: Visitor) -> tuple[str, str]:
    """The name and role an edit is kept under: the login's, or on a single-user page the OS user as owner."""
    if who.login:
        return who.name, who.role if who.role in ("analyst", "facilitator") else "analyst"
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "owner"
    return name or "owner", "owner"


class Curator:
    """One visitor's curation of one gallery page: their controls, the journal live, and the page kept in step."""

    def __init__(self, page: GalleryPage, who: Visitor | None, root: Path) -> None:
        self.page, self.who, self.lang = page, who, page.lang
        self.path = root / journal.JOURNAL
        self.live: Live | None = None
        self.by_id: dict[str, dict[str, Any]] = {}
        self.opened = ""
        self.matches: list[dict[str, str]] = []       # the merge search's exhibits
        self.searched = False
        self.answers: list[dict[str, str]] = []       # the quote cut's search: answers and posts
        self.answers_q = ""                           # what was searched for, kept in the box across redraws
        self.tables: dict[str, Any] = {}              # the run's tables the cuts read (kit.pages.curation_cuts)
        self.cuts: dict[str, dict[str, Any] | str] = {}   # edit id -> the cut's record (or why not), made once
        self.made_themes: tuple[list[str], dict[str, list[str]]] | None = None   # the pipeline's labels, read once
        self._made: dict[str, dict[str, Any]] | None = None    # cuts the run itself made (read when a cut replays)
        self._split: tuple[Any, list[dict[str, Any]], list[dict[str, Any]]] | None = None
        self.t = functools.partial(i18n.t, lang=self.lang)
        labels = {k: self.t(k) for k in LABELS}
        direction = i18n.direction(self.lang)
        self.drawer = CurationPanel(part="drawer", labels=labels, direction=direction)
        self.section = CurationPanel(part="section", labels=labels, direction=direction)
        for panel in (self.drawer, self.section):
            panel.add_class("cx-cur-widget")
            panel.on_msg(self.receive)
        self.stamp = Live(self.path, [])._stamp()
        self.summary = page.summary

    @property
    def may(self) -> bool:
        """Whether this visitor curates: a role with ``curate`` (a single-user page's person has every role)."""
        return self.who is not None and self.who.can("curate")

    # -- the journal, live
    def start(self) -> Live:
        """The journal over the run's exhibits (the parts are read here, once per page)."""
        if self.live is None:
            self.live = Live(self.path, base_records(self.page.run_dir, self.page.all_records), cutter=self.cut,
                             themes=functools.partial(theme_actions.fresh_book, self))
            self.live.reload()
        return self.live

    def cut(self, edit: journal.Edit) -> dict[str, Any] | str:
        """A cut's record for the replay: the run's own when it made it, else the one the page that cut it
        saved in the run, else made now (once per page; the media is cut once per run)."""
        if edit.id not in self.cuts:
            if self._made is None:
                self._made = {r["id"]: r for r in [*self.page.all_records, *_aside(self.page.run_dir)] if _cut_by_hand(r)}
            made = self._made.get(cut_id(edit.id))
            try:
                self.cuts[edit.id] = uncurated(made) if made else curation_cuts.saved_or_made(self, edit)
            except CurationError as exc:
                self.cuts[edit.id] = str(exc)
        return self.cuts[edit.id]

    def out_of_date(self) -> bool:
        """Whether the journal differs from the one the run replayed (edits made in a page since the run)."""
        return journal.digest(self.path) != runfolder.read_curation(self.page.run_dir).get("journal_sha256")

    def tick(self) -> None:
        """On the workshop's tick: replay the journal if another page or the command line changed it."""
        try:
            if self.live is None:
                stamp = Live(self.path, [])._stamp()
                if stamp == self.stamp:
                    return
                self.stamp = stamp
                self.start()
            elif not self.start().reload():
                return
            self.apply()
        except CurationError as exc:
            log.warning("curation: the journal could not be read: %s", exc)

    def split(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """(exhibits on the wall, exhibits set aside) of the journal's last replay (split once per replay)."""
        done = self.start().replayed()
        if self._split is None or self._split[0] is not done:
            self._split = (done, *split(done.records))
        return self._split[1], self._split[2]

    def list_only(self) -> None:
        """The analyst's lists (hidden, orphans, codebook) from the journal, the cards left as the run drew them."""
        self.by_id = {r["id"]: r for r in self.start().replayed().records}
        self.draw_section()

    def apply(self) -> None:
        """Show what the journal makes of the run: the cards, the open exhibit, the analyst's lists."""
        done = self.start().replayed()
        self.by_id = {r["id"]: r for r in done.records}
        shown, _ = self.split()
        page = self.page
        page.take(shown)
        page.shown = page.filtered()
        page.render()
        if self.may:
            self.draw_section()
        if self.opened:
            into = (self.by_id.get(self.opened, {}).get("curation") or {}).get("merged_into")
            if self.opened in page.by_id or into in page.by_id:
                page.open(self.opened if self.opened in page.by_id else into)    # merged: the exhibit that holds it
            else:
                self.opened = ""
                page.close()

    # -- what the browser sends
    def receive(self, _widget: Any, content: Any, _buffers: Any = None) -> None:
        """One action from a panel: done and shown, or refused with the reason in the panel's status."""
        panel = self.section if isinstance(content, dict) and content.get("part") == "section" else self.drawer
        try:
            text = self.act(content if isinstance(content, dict) else {})
            error = False
        except Refused:
            text, error = self.t("cur_refused"), True
        except CurationError as exc:
            text, error = str(exc), True
        except Exception:  # noqa: BLE001 - the visitor gets a plain message; the log keeps the details
            log.exception("curation action failed")
            text, error = self.t("page_failed"), True
        panel.status = {"text": text, "error": error, "n": int(panel.status.get("n", 0)) + 1}

    def act(self, msg: dict[str, Any]) -> str:
        """Do one action (``kit.pages.curation_actions``) if this visitor may; what to tell them."""
        op = msg.get("op")
        handler = HANDLERS.get(op) if isinstance(op, str) else None
        if handler is None:
            raise CurationError("that is not something the curation controls do")
        if not self.may:
            log.warning("curation: refused a %s sent by a visitor whose role does not curate", op)
            raise Refused(op)
        self.start()
        if not self.by_id:
            self.by_id = {r["id"]: r for r in self.start().replayed().records}
        edits = handler(self, msg)
        if edits is None:               # an action that keeps nothing (a search)
            self.draw_section() if msg.get("part") == "section" else self.draw_drawer()
            return ""
        for edit in edits:
            self.start().add(edit)
        self.apply()
        theme_actions.follow(self, edits)
        return self.t("cur_done") if edits else ""

    def make(self, op: str, **fields: Any) -> journal.Edit:
        assert self.who is not None
        name, role = author(self.who)
        return journal.make(who=name, role=role, op=op, **fields)

    # -- drawing
    def focus(self, exhibit_id: str) -> None:
        """The drawer now shows ``exhibit_id``'s controls."""
        if exhibit_id != self.opened:
            self.matches, self.searched = [], False
        self.opened = exhibit_id
        self.draw_drawer()

    def draw_drawer(self) -> None:
        live = self.start()
        rec = self.by_id.get(self.opened) or self.page.by_id.get(self.opened) or {}
        notes = rec.get("curation") or {}
        self.drawer.state = {
            "exhibit": {"id": rec.get("id", ""), "title": rec.get("title") or "", "caption": rec.get("caption") or "",
                        "stage": rec.get("stage") or "", "channel": rec.get("channel") or "",
                        "valence": rec.get("valence"), "lenses": list(rec.get("lenses") or []),
                        "tags": list(rec.get("tags") or []), "pinned": isinstance(notes.get("pinned"), int)},
            "stages": list(self.summary.get("stages") or []), "channels": list(self.summary.get("channels") or []),
            "lenses": [[x, self.t(x)] for x in lenses.LENSES], "codebook": live.codebook(),
            "matches": self.matches, "searched": self.searched, "recent": self.recent(),
            "transcript": curation_cuts.transcript(self, rec) if rec else {},
            "tag_labels": self.tag_labels([*live.codebook(), *(rec.get("tags") or [])]),
        }

    def tag_labels(self, tags: list[str]) -> dict[str, str]:
        """The kit's own tags (``failure``, ``ideal-gap``) as the page's language says them; people's tags as typed."""
        return {t: self.t(f"tag_{t}") for t in tags if f"tag_{t}" in i18n.LABELS}

    def recent(self) -> list[dict[str, str]]:
        """The visitor's own standing edits, newest first, each worded for its Undo button's line."""
        assert self.who is not None
        name, _ = author(self.who)
        return [{"id": e.id, "text": self.describe(e)} for e in self.start().recent(name, RECENT)]

    def describe(self, e: journal.Edit) -> str:
        shown = e.exhibit or (cut_id(e.id) if e.op in CUT_OPS else "")
        what = self.by_id.get(shown, {}).get("title") or shown
        if e.op in (*journal.TAG_OPS, *THEME_OPS):
            olds = [str(b) for b in (e.before if isinstance(e.before, list) else [e.before] if e.before else [])]
            named = self.tag_labels([*olds, str(e.after)]) if e.op in journal.TAG_OPS else {}
            before = self.t("comma").join(named.get(b, b) for b in olds)
            what = f"{before} → {named.get(str(e.after), e.after)}" if before else named.get(str(e.after), str(e.after))
        field = f" ({self.t('cur_' + e.field)})" if e.field in ("title", "caption", "stage", "channel", "valence",
                                                                  "lenses", "tags") else ""
        key = f"cur_op_{e.op}"
        done = self.t(key) if key in i18n.LABELS else e.op.replace("_", " ")
        return f"{done}{field}: {what}"

    def draw_section(self) -> None:
        done = self.start().replayed()
        _, aside = self.split()
        hidden = [{"id": r["id"], "title": r.get("title") or r["id"], "reason": r["curation"]["hidden"].get("reason", ""),
                   "by": r["curation"]["hidden"].get("by", "")} for r in aside if "hidden" in r["curation"]]
        orphans = [{"text": self.describe(o["edit"]), "who": o["edit"].who, "why": o["why"]} for o in done.orphans]
        book = self.start().codebook()
        self.section.state = {"hidden": hidden, "orphans": orphans, "codebook": book, "tag_labels": self.tag_labels(book),
                              "answers": self.answers, "asked": bool(self.answers_q), "answers_q": self.answers_q,
                              "themes": theme_actions.labels(self)}


def welcome(page: GalleryPage, who: Visitor | None) -> Curator | None:
    """The visitor is known: analysts get the Curation section above the cards; every page follows the journal."""
    root = project_root(page.run_dir)
    if root is None:
        return None
    curator = _CURATORS[page] = Curator(page, who, root)
    if curator.may:
        page.tools.children = [*page.tools.children, curator.section]
    try:
        from kit.pages import workshop as workshop_ui
        workshop_ui.session(page.run_dir, page.lang).listen(curator.tick, keep=True)
    except Exception:  # noqa: BLE001 - without the tick the page shows what it had on arrival
        log.exception("could not follow the curation journal")
    if curator.out_of_date():
        curator.apply()
    elif curator.may:                      # exhibits.json already is what the journal makes of the run: lists only
        curator.list_only()
    return curator


def drawer(page: GalleryPage, exhibit_id: str) -> list[w.Widget]:
    """The opened exhibit's curation controls (none for a visitor who does not curate)."""
    curator = _CURATORS.get(page)
    if curator is None or not curator.may:
        return []
    curator.focus(exhibit_id)
    return [curator.drawer]
