"""The gallery's controls and card grid as one anywidget: drawn in the browser, decided in Python.

Filters, search, pager, count and the visible page of cards (thumbnails inlined for those cards
alone) live in one widget, so a visit creates one widget model where separate ipywidgets made a
few dozen; that creation is most of what the browser does once the kernel connects. The browser
sends the visitor's choices (``query``, ``page``, a card opened through ``selected``); Python
filters, ranks and pages, and sends back ``cards``, ``count`` and ``pages``. The front end
(``assets/voila/cardgrid.js``) is inline ESM: the page needs no network.
"""

from __future__ import annotations

import anywidget
import traitlets

from kit.core.paths import ASSETS_DIR

ESM = (ASSETS_DIR / "voila" / "cardgrid.js").read_text(encoding="utf-8")
CSS = """
.cx-gallery-ui .cx-controls{display:flex;flex-direction:column;gap:8px;margin:4px 0 12px}
.cx-gallery-ui .cx-filters,.cx-gallery-ui .cx-pager,.cx-gallery-ui .cx-line{display:flex;flex-wrap:wrap;gap:6px;
align-items:center}.cx-gallery-ui .cx-line{gap:6px 16px}
.cx-gallery-ui select,.cx-gallery-ui input,.cx-gallery-ui .cx-pager button{font:inherit;font-size:13px;height:30px;
box-sizing:border-box;border:1px solid #9e9e9e;border-radius:4px;background:#fff;color:#1c2833;padding:0 6px}
.cx-gallery-ui select{width:160px}.cx-gallery-ui input[type=search]{width:300px}
.cx-gallery-ui input[type=number]{width:70px}
.cx-gallery-ui .cx-pager button{cursor:pointer;padding:0 12px;background:#eef2f5}
.cx-gallery-ui .cx-pager button:disabled{cursor:default;opacity:.45}
.cx-gallery-ui .cx-count{font-size:13px;color:#566573;margin-inline-start:6px}
.cx-gallery-ui .cx-status:empty{display:none}.cx-gallery-ui .cx-status{margin-bottom:8px}
.cx-gallery-ui .cx-filters-toggle{display:none;font:inherit;font-size:13px;height:30px;border:1px solid #9e9e9e;
border-radius:4px;background:#eef2f5;padding:0 12px;cursor:pointer}
@media (max-width:700px){
.cx-gallery-ui .cx-filters-toggle{display:inline-block}
.cx-gallery-ui:not(.cx-show-filters) .cx-filters{display:none}
.cx-gallery-ui .cx-filters>label{flex:1 1 40%;min-width:0}.cx-gallery-ui .cx-f-q{flex:1 1 100%}
.cx-gallery-ui select,.cx-gallery-ui input[type=search]{width:100%;max-width:100%}
}
"""


class CardGrid(anywidget.AnyWidget):
    """The gallery's controls and cards (cards as kit.views.html.card_data; ``choices`` set once before display)."""

    _esm = ESM
    _css = CSS
    cards = traitlets.List(traitlets.Dict()).tag(sync=True)
    labels = traitlets.Dict().tag(sync=True)           # open, empty, search, prev, next, page, filters, figures
    direction = traitlets.Unicode("ltr").tag(sync=True)
    choices = traitlets.List(traitlets.Dict()).tag(sync=True)   # [{name, options: [[label, value], ...]}]
    query = traitlets.Dict().tag(sync=True)            # {filter name: value, "q": search text}; both ways
    page = traitlets.Int(1).tag(sync=True)             # both ways
    pages = traitlets.Int(1).tag(sync=True)
    count = traitlets.Unicode("").tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)     # a plain message to the visitor (text, not HTML)
    selected = traitlets.Unicode("").tag(sync=True)
    opened = traitlets.Int(0).tag(sync=True)           # counts clicks, so opening the same card again is seen
    sections = traitlets.Bool(False).tag(sync=True)    # charts and metrics come last: head them "Charts and figures"
