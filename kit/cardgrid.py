"""The gallery's card grid as an anywidget: cards drawn in the browser, a click seen by Python.

Python sends only the visible page of cards (thumbnails inlined for those cards alone) and learns
which card was opened through ``selected``, so the workshop panel can attach to the open exhibit.
The front end (``assets/voila/cardgrid.js``) is inline ESM: the page needs no network.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

ESM = (Path(__file__).parent / "assets" / "voila" / "cardgrid.js").read_text(encoding="utf-8")


class CardGrid(anywidget.AnyWidget):
    """Cards as plain data (kit.pages.card_data); ``selected`` is the id of the card last opened."""

    _esm = ESM
    cards = traitlets.List(traitlets.Dict()).tag(sync=True)
    labels = traitlets.Dict().tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)
    opened = traitlets.Int(0).tag(sync=True)          # counts clicks, so opening the same card again is seen
