"""The presenter (gallery/presenter.ipynb): one exhibit at a time on a projector, driven from the keyboard.

Large type for 1920x1080: the clip or picture, the title, the quote (or caption) and the feeling in
words, with the room's dots and the round timer. The exhibits come most-voted first, then the rest
in the gallery's order (all of them in the gallery's order before anybody voted). Keys, for a
clicker too: → PageDown Space next, ← PageUp previous, Home and End. No controls are drawn.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kit.core import i18n
from kit.core.templates import render
from kit.pages.page import _lang, visitor_arrived
from kit.pages.room import Screen, show_screen
from kit.views.board import slide_html
from kit.workshop.board import tally
from kit.workshop.store import Workshop

PAGE = "presenter.ipynb"


def presenter_order(records: list[dict[str, Any]], shop: Workshop | None) -> tuple[list[str], dict[str, int]]:
    """Exhibit ids most-voted first (ties: more voters, then the gallery's order), then the rest in the
    gallery's order; and the dots of each voted exhibit."""
    votes = {e.exhibit_id: e for e in tally(shop).exhibits if e.votes > 0}
    place = {r["id"]: i for i, r in enumerate(records)}
    voted = sorted((k for k in votes if k in place), key=lambda k: (-votes[k].votes, -votes[k].voters, place[k]))
    return voted + [r["id"] for r in records if r["id"] not in votes], {k: votes[k].votes for k in voted}


class PresenterPage(Screen):
    """The presenter of one run: the order is taken when the page opens; the dots and the timer stay live."""

    view = "presenter"

    def __init__(self, run_dir: Path, summary: dict[str, Any], records: list[dict[str, Any]]) -> None:
        lang = _lang(summary)
        super().__init__(run_dir, lang, summary.get("name", ""), hint=i18n.t("presenter_keys", lang))
        self.records = {r["id"]: r for r in records}
        self.gallery_order = records
        self.order, self.votes = presenter_order(records, self.shop())
        self.index = 0
        self.handlers["go"] = self.go

    def go(self, step: Any) -> None:
        """Move to the next (1) or previous (-1) exhibit, or the "first" or "last"; it stops at either end."""
        if not self.order:
            return
        if step == "first":
            self.index = 0
        elif step == "last":
            self.index = len(self.order) - 1
        elif step in (1, -1):
            self.index = min(len(self.order) - 1, max(0, self.index + step))
        self.refresh()

    def current(self) -> str | None:
        return self.order[self.index] if self.order else None

    def draw(self, shop: Workshop | None) -> str:
        exhibit_id = self.current()
        if exhibit_id is None:
            return render("gallery/message.html.j2", text=i18n.t("presenter_empty", self.lang))
        _, self.votes = presenter_order(self.gallery_order, shop)
        return slide_html(self.records[exhibit_id], self.run_dir, self.lang, votes=self.votes.get(exhibit_id, 0),
                          position=self.index + 1, total=len(self.order))


def presenter() -> PresenterPage | None:
    """Draw the presenter (the notebook's first cell); None when the run cannot be shown (a message says why)."""
    return show_screen(PAGE, PresenterPage)  # type: ignore[return-value]


def presenter_visit(page: PresenterPage | None) -> None:
    """Wait for the visitor, then order the exhibits by the votes as they are now (a preheated page drew them early)."""
    visitor_arrived(PAGE)
    if page is not None:
        page.order, page.votes = presenter_order(page.gallery_order, page.shop())
        page.index = 0
        page.refresh()
