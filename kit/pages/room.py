"""The room's screens as one anywidget (front end ``assets/voila/room.js``): the board and the presenter.

The kernel renders what a screen shows through the kit's autoescaped templates and keeps it in
``html``; the browser draws the round timer from ``round`` and counts it down every second itself,
so the clock is smooth while the kernel is asked only every few seconds (a ``tick``). The room's
store is read on those ticks, read-only: a board never locks out a vote.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets
from IPython.display import HTML, display

from kit.core import i18n
from kit.core.paths import ASSETS_DIR
from kit.pages.page import _lang, _load, _message, log
from kit.pages.workshopbar import TICK_MS
from kit.views import html as pages
from kit.workshop.board import round_payload
from kit.workshop.fields import WorkshopError
from kit.workshop.join import gallery_url
from kit.workshop.store import Workshop, open_existing

ESM = (ASSETS_DIR / "voila" / "room.js").read_text(encoding="utf-8")
CLOCK_LABELS = ("ws_round", "ws_round_left", "ws_round_over")


class Room(anywidget.AnyWidget):
    """A room screen: ``view`` board or presenter, its ``html``, the ``round`` timer and the words around them.

    The browser sends ``here`` (its address, once), ``tick`` every ``interval_ms`` and, on the
    presenter, ``go`` (1, -1, "first" or "last").
    """

    _esm = ESM
    view = traitlets.Unicode("board").tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    html = traitlets.Unicode("").tag(sync=True)
    round = traitlets.Dict().tag(sync=True)
    labels = traitlets.Dict().tag(sync=True)
    lang = traitlets.Unicode("en").tag(sync=True)
    direction = traitlets.Unicode("ltr").tag(sync=True)
    interval_ms = traitlets.Int(TICK_MS).tag(sync=True)


class Screen:
    """What the board and the presenter share: the widget, the room's store (read-only) and the join address."""

    view = "board"

    def __init__(self, run_dir: Path, lang: str, title: str, hint: str = "") -> None:
        self.run_dir, self.lang = Path(run_dir), i18n.language(lang)
        self.join_url = ""
        self.widget = Room(view=self.view, title=title, lang=self.lang, direction=i18n.direction(self.lang),
                           labels={**{k: i18n.t(k, self.lang) for k in CLOCK_LABELS}, "hint": hint})
        self.widget.add_class(f"cx-room-{self.view}")
        self.widget.on_msg(self._from_page)
        self.handlers: dict[str, Callable[[Any], None]] = {"tick": lambda _: self.refresh(),
                                                             "here": self._here}

    def shop(self) -> Workshop | None:
        """The run's workshop opened for reading, once somebody has made it (reading never creates it)."""
        return open_existing(self.run_dir)

    def _from_page(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        for key, handler in self.handlers.items():
            if key in content:
                handler(content[key])
                return

    def _here(self, address: Any) -> None:
        try:
            self.join_url = gallery_url(address)
        except WorkshopError:
            self.join_url = ""
        self.refresh()

    def refresh(self) -> None:
        """Re-read the room: the timer, and whatever the screen shows (``draw``)."""
        shop = self.shop()
        self.widget.round = round_payload(shop)
        html = self.draw(shop)
        if html != self.widget.html:
            self.widget.html = html

    def draw(self, shop: Workshop | None) -> str:
        raise NotImplementedError


def show_screen(page: str, make: Callable[[Path, dict[str, Any], list[dict[str, Any]]], Screen]) -> Screen | None:
    """Load the served run and draw one screen (a notebook's first cell); None when it cannot be shown (a message says why)."""
    loaded = _load(page)
    if loaded is None:
        return None
    run_dir, summary, records = loaded
    try:
        screen = make(run_dir, summary, records)
        display(HTML(pages.page_css(screen.lang)))
        screen.refresh()
        display(screen.widget)
        return screen
    except Exception:  # noqa: BLE001 - a visitor sees a plain message; the log keeps the details
        log.exception("%s failed", page)
        _message(i18n.t("page_failed", _lang(summary)), _lang(summary))
        return None
