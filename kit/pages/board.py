"""The room board (gallery/board.ipynb): the room's votes, live, for a screen on the wall.

The most-voted exhibits with their thumbnail and title, their dots by department and whether the
departments agree or disagree on them, the dots and people of each department, the round timer,
and the join link with its QR code. It shows no names and no notes, so any visitor may open it.
The browser ticks every few seconds and the kernel re-reads the store (read-only) on each tick.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kit.core import i18n
from kit.core.bidi import isolate
from kit.pages.page import _lang, visitor_arrived
from kit.pages.room import Screen, show_screen
from kit.views.board import board_html, join_html
from kit.workshop.board import tally
from kit.workshop.store import Workshop

PAGE = "board.ipynb"


class BoardPage(Screen):
    """The board of one run: its exhibits by id, redrawn from the store on every tick."""

    view = "board"

    def __init__(self, run_dir: Path, summary: dict[str, Any], records: list[dict[str, Any]]) -> None:
        lang = _lang(summary)
        super().__init__(run_dir, lang, f"{i18n.t('board_title', lang)}: {isolate(summary.get('name', ''))}".rstrip(": "))
        self.records = {r["id"]: r for r in records}
        self.titles = {k: r.get("title") or k for k, r in self.records.items()}

    def draw(self, shop: Workshop | None) -> str:
        return board_html(tally(shop, self.titles), self.records, self.run_dir, self.lang, held=shop is not None,
                          join=join_html(self.join_url, self.lang))


def board() -> BoardPage | None:
    """Draw the board (the notebook's first cell); None when the run cannot be shown (a message says why)."""
    return show_screen(PAGE, BoardPage)  # type: ignore[return-value]


def board_visit(page: BoardPage | None) -> None:
    """Wait for the visitor (a preheated board is drawn before anybody asks), then show the room as it is now."""
    visitor_arrived(PAGE)
    if page is not None:
        page.refresh()
