"""Who votes on a gallery page: the participant bar, and each visitor's workshop session.

Each Voilà visitor has a kernel of their own, so a session is one visitor's. Its participant bar
(``kit.pages.workshopbar``) sends a tick every few seconds; on each tick the kernel re-reads the
tallies, so every open page shows the room's votes without a reload.

Who the participant is depends on the page's visitor (``kit.core.visitor``), which the gallery
hands to ``Session.sign_in`` once the visitor's request has arrived:

* open (one person on their own machine, or a page outside the team server): the bar asks for a
  name and department, and the browser remembers ``{token, name, department}`` in localStorage, so
  a reload, or the next run's gallery, knows the visitor without asking again;
* login (the team server logged the visitor in): the participant is that person, known by
  ``login:`` and their name (``kit.workshop.store.login_token``). The bar only says who they are;
  a token, a join or a leave sent by the browser is ignored (and logged). A viewer follows the
  tallies and cannot vote, and whatever their browser sends to vote is refused here;
* nobody (the server's signature did not hold): no workshop at all.

Behind the team server a session waits until it knows its visitor: it shows nothing and acts on
nothing the browser sends. A browser never brings a token of a login or of paper votes.
Everything people typed is shown through the kit's autoescaped templates, as a widget's plain
value, or through the bar's ``textContent``. Labels and numbers follow the page's language
(``kit.core.i18n``); department names and severity levels are stored in English whatever it is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kit.core import i18n, visitor
from kit.core.visitor import Visitor
from kit.pages.workshopbar import BAR_LABELS, LOGIN, NOBODY, OPEN, WAITING, WorkshopBar
from kit.workshop.board import round_payload
from kit.workshop.fields import DEPARTMENTS, MAX_NAME, WorkshopError, participant_fields
from kit.workshop.reading import closed_by
from kit.workshop.store import CLOSED, DB_NAME, RESERVED, TIME_UP, Participant, Workshop, budget_from_run, login_token

log = logging.getLogger("cxkit.workshop")
MAX_PANELS = 24
MAX_TOKEN = 64              # a browser's token is 32 characters (secrets.token_urlsafe(24))


class Session:
    """One visitor's workshop on one run: who they are, what they may do, their bar, and the panels to refresh."""

    def __init__(self, run_dir: Path, lang: str = "en") -> None:
        self.run_dir = Path(run_dir)
        self._shop: Workshop | None = None
        self._budget: int | None = None
        self.participant: Participant | None = None
        self.listeners: list[Callable[[], None]] = []
        self.kept: list[Callable[[], None]] = []       # listeners that stay however many panels open after them
        behind_gate = visitor.gate_key() is not None
        self.visitor: Visitor | None = None if behind_gate else visitor.open_visitor()
        self.mode = WAITING if behind_gate else OPEN
        self._joined = False                           # a login's participant was brought up to date this visit
        self._stored: dict[str, Any] | None = None     # what localStorage held, while the visitor is not known yet
        self.page_url = ""                             # window.location of this page, as its browser reports it
        self.memory = WorkshopBar(mode=self.mode)      # the bar is also what talks to this browser's localStorage
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
        """The run's workshop; created only when somebody joins or votes (looking never makes the file)."""
        if self._shop is None and (create or (self.run_dir / DB_NAME).exists()):
            self._shop = Workshop(self.run_dir)       # this page writes: the store it keeps is a writer
        return self._shop

    # -- who is here -------------------------------------------------------------------------------

    def sign_in(self, who: Visitor | None) -> None:
        """Take the participant from the page's visitor: open, login or nobody (see the module's note)."""
        if who is not None and not who.login and self.mode == OPEN:
            self.visitor = who                        # a single-user page: the browser's participant stays
            return self.notify()
        self.visitor, self.participant, self._joined = who, None, False
        if who is None:
            self.mode = NOBODY
        elif not who.login:
            self.mode = OPEN
        elif not who.name.strip():
            log.warning("workshop: a login without a name is shown no workshop")
            self.visitor, self.mode = None, NOBODY
        else:
            self.mode = LOGIN
            shop = self.shop()                        # only read: the participant is made on their first vote
            self.participant = shop.participant(login_token(who.name)) if shop else None
        self.memory.mode = self.mode
        stored, self._stored = self._stored, None
        if self.mode == OPEN and stored:
            self._remember(stored)
        elif stored and stored.get("token"):
            log.warning("workshop: ignored a participant remembered by the browser (%s mode)", self.mode)
        self.notify()

    def may(self, action: str) -> bool:
        """Whether this visitor may do ``action`` (``kit.core.visitor.ACTIONS``) here; nobody may do anything."""
        return self.mode in (OPEN, LOGIN) and self.visitor is not None and self.visitor.can(action)

    def login_identity(self) -> tuple[str, str]:
        """A logged-in visitor's name and department as the workshop shows them (before and after their first vote)."""
        if self.participant is not None:
            return self.participant.name, self.participant.department
        who = self.visitor
        assert who is not None
        dept = who.department if who.department in DEPARTMENTS else "other"
        try:
            return participant_fields(who.name[:MAX_NAME], dept)
        except WorkshopError:
            return who.name[:MAX_NAME], dept

    def token(self) -> str | None:
        """The token this page acts with: never one the browser sent in login mode (None before a participant exists)."""
        return self.participant.token if self.participant else None

    # -- what the browser sends --------------------------------------------------------------------

    def _from_browser(self, change: dict[str, Any]) -> None:
        saved = change["new"] if isinstance(change["new"], dict) else {}
        if self.mode == WAITING:
            self._stored = saved                      # taken up (or not) once the visitor is known
            return
        if self.mode != OPEN:
            if saved.get("token"):
                log.warning("workshop: ignored a participant remembered by the browser (%s mode)", self.mode)
            return self.notify()
        self._remember(saved)

    def _remember(self, saved: dict[str, Any]) -> None:
        """Open mode: the participant this browser remembers, on this run too (same browser, a new run)."""
        token, name, dept = saved.get("token"), saved.get("name"), saved.get("department")
        if not isinstance(token, str) or not token:
            return self.notify()
        if len(token) > MAX_TOKEN or token.startswith(RESERVED):
            log.warning("workshop: refused a remembered token that no browser is given")
            return self.notify()
        try:
            shop = self.shop()
            known = shop.participant(token) if shop else None
            if known is None and isinstance(name, str) and dept in DEPARTMENTS:
                known = self.shop(create=True).join(name, dept, token=token)
            self.participant = known if known is not None and known.source == "browser" else None
        except WorkshopError:
            self.participant = None
        self.notify()

    def _from_page(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """The bar's messages: the browser's clock, a join request, or "not me" (the last two in open mode only)."""
        if not isinstance(content, dict):
            return
        if "tick" in content:
            self.notify()
        elif "here" in content:
            self.page_url = content["here"] if isinstance(content["here"], str) else ""
            self.notify()
        elif self.mode != OPEN:
            what = next((k for k in ("join", "leave", "token") if k in content), "unknown")
            log.warning("workshop: ignored a %s message from the browser (%s mode)", what, self.mode)
        elif "join" in content:
            self.request_join(content["join"])
        elif "leave" in content:
            self.leave()

    def request_join(self, form: Any) -> None:
        """A join asked for in the browser: join, or put on the bar why not."""
        form = form if isinstance(form, dict) else {}
        name, dept = form.get("name"), form.get("department")
        name, dept = name if isinstance(name, str) else "", dept if isinstance(dept, str) else ""
        _, self.memory.error = _attempt(lambda: self.join(name, dept), self.lang)

    def join(self, name: str, department: str) -> Participant:
        """Open mode: this browser's participant is who they say they are (a new one, or the same one renamed)."""
        if self.mode != OPEN:
            raise WorkshopError(f"a participant joins by name only on a single-user page, not in {self.mode} mode")
        participant_fields(name, department)        # a mistake is refused before the workshop file is made
        self.participant = self.shop(create=True).join(name, department, token=self.token())
        self.memory.save = {"token": self.participant.token, "name": self.participant.name,
                            "department": self.participant.department}
        self.notify()
        return self.participant

    def leave(self) -> None:
        """Open mode: forget this browser's participant (someone else takes over the screen); their votes stay."""
        if self.mode != OPEN:
            return
        self.participant = None
        self.memory.save = {"forget": True}
        self.notify()

    # -- acting ------------------------------------------------------------------------------------

    def vote(self, exhibit_id: str, change: int) -> int:
        """Put a dot on an exhibit (or take one back): the dots left."""
        return self._act("vote", lambda shop, token: shop.vote(token, exhibit_id, change))

    def rate(self, exhibit_id: str, severity: int | None) -> None:
        self._act("rating", lambda shop, token: shop.rate(token, exhibit_id, severity))

    def note(self, exhibit_id: str, text: str) -> None:
        self._act("note", lambda shop, token: shop.note(token, exhibit_id, text))

    def _act(self, what: str, action: Callable[[Workshop, str], Any]) -> Any:
        """Do a vote, rating or note as this visitor's participant, or refuse it (logged) when they may not."""
        if not self.may("vote"):
            log.warning("workshop: refused a %s from a visitor who may not vote (%s mode)", what, self.mode)
            raise WorkshopError("this visitor may look at the workshop but not vote in it", "ws_not_allowed")
        if self.mode == OPEN and self.participant is None:
            raise WorkshopError("this browser is not signed in to the workshop; give your name and department first",
                                "ws_join_first")
        shop = self.shop(create=True)
        try:
            why = closed_by(shop.meta())
            if why:
                raise WorkshopError(*((CLOSED, "ws_voting_closed") if why == "closed" else (TIME_UP, "ws_time_up")))
            if self.mode == LOGIN and not self._joined:
                who = self.visitor
                assert who is not None
                self.participant, self._joined = shop.join_login(who.name, who.department), True
            token = self.token()
            assert token is not None
            return action(shop, token)
        finally:
            self.notify()

    def set_voting(self, open: bool) -> None:
        """Open or close voting for everybody: the facilitator's switch."""
        if not self.may("facilitate"):
            log.warning("workshop: refused to %s voting for a visitor who is not the facilitator",
                        "open" if open else "close")
            raise WorkshopError("only the facilitator opens and closes voting", "ws_facilitator_only")
        who = self.visitor
        self.shop(create=True).set_voting(open, by=(who.name if who and who.name else "facilitator"))
        self.notify()

    def start_round(self, minutes: int) -> str:
        """Start the facilitator's round: voting open for ``minutes``, counted down on every screen; when it ends."""
        self._facilitating("start a round")
        ends = self.shop(create=True).start_round(minutes, by=self._by())
        self.notify()
        return ends

    def stop_round(self) -> None:
        """Stop the round timer (voting stays open): the facilitator's."""
        self._facilitating("stop the round")
        self.shop(create=True).stop_round(by=self._by())
        self.notify()

    def _facilitating(self, what: str) -> None:
        if not self.may("facilitate"):
            log.warning("workshop: refused to %s for a visitor who is not the facilitator", what)
            raise WorkshopError(f"only the facilitator may {what}", "ws_facilitator_only")

    def _by(self) -> str:
        who = self.visitor
        return who.name if who and who.name else "facilitator"

    def round(self) -> dict[str, Any]:
        """The round timer for the bar (``kit.workshop.board.round_payload``)."""
        return round_payload(self.shop())

    # -- what the page shows -----------------------------------------------------------------------

    def voting_open(self) -> bool:
        shop = self.shop()
        return shop.voting_open() if shop else True

    def budget(self) -> int:
        shop = self.shop()
        if shop is not None:
            return shop.votes_per_person
        if self._budget is None:
            self._budget = budget_from_run(self.run_dir)
        return self._budget

    def dots_left(self) -> int:
        shop, token = self.shop(), self.token()
        return shop.dots_left(token) if shop and token else self.budget()

    def notes_seen(self, notes: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
        """The notes on an exhibit this visitor may read, and how many more there are.

        On a single-user page, and for the facilitator, every note with its author; a logged-in
        participant (or viewer) reads their own note and the number of the others.
        """
        if self.mode == OPEN or self.may("read_notes"):
            return notes, 0
        if self.mode != LOGIN:
            return [], 0
        me = self.participant.id if self.participant else None
        own = [n for n in notes if n.get("participant") == me]
        return own, len(notes) - len(own)

    def show(self) -> None:
        """Put who is signed in here, their dots left and whether voting is open on the bar (empty when nobody)."""
        bar = self.memory
        if self.mode in (NOBODY, WAITING):
            bar.participant = {}
            return
        bar.voting_open = self.voting_open()
        bar.round = self.round()
        if self.mode == LOGIN:
            name, dept = self.login_identity()
            look = not self.may("vote")
            bar.participant = {"name": name, "department": dept, "look": look,
                               "left": 0 if look else self.dots_left(), "budget": self.budget()}
            return
        p = self.participant
        if p is None:
            bar.participant = {}
            return
        bar.participant = {"name": p.name, "department": p.department, "left": self.dots_left(), "budget": self.budget()}

    def notify(self) -> None:
        for listener in [self.show, *self.kept, *self.listeners]:
            try:
                listener()
            except Exception:  # noqa: BLE001 - one broken panel must not stop the others refreshing
                log.exception("workshop panel refresh failed")

    def listen(self, listener: Callable[[], None], keep: bool = False) -> None:
        """Call ``listener`` on every change and tick; panels of exhibits closed long ago stop (``keep``: never)."""
        if keep:
            self.kept.append(listener)
            return
        self.listeners.append(listener)
        del self.listeners[:-MAX_PANELS]


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
