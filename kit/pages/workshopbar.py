"""The workshop's participant bar: one anywidget (front end ``assets/voila/workshopbar.js``).

Creating widget models is most of what the browser does once the kernel connects, and a bar built
of separate ipywidgets made some thirty of them. What the bar shows, and what the kernel does with
what it sends, is the visitor's session (``kit.pages.workshop_session``).
"""

from __future__ import annotations

import anywidget
import traitlets

from kit.core.paths import ASSETS_DIR
from kit.workshop.fields import DEPARTMENTS

TICK_MS = 3000
STORAGE_KEY = "cxkit-workshop"
OPEN, LOGIN, NOBODY, WAITING = "open", "login", "none", "waiting"    # the bar's modes (kit.pages.workshop_session)
BAR_LABELS = ("ws_workshop", "ws_intro", "ws_name", "ws_department", "ws_join", "ws_you_are", "ws_left", "ws_switch",
              "ws_look_only", "ws_voting_closed", "sep", "ws_round", "ws_round_left", "ws_round_over")

STYLE = """
.cx-ws-bar{background:#f4f6fa;border:1px solid #d7dce5;border-radius:6px;padding:6px 10px;margin:4px 0 10px}
.cx-ws-panel{border-top:1px solid #d7dce5;margin-top:8px;padding-top:6px;flex-shrink:0}
.cx-ws-panel>*,.cx-ws-bar>*{flex-shrink:0}
.cx-ws-tally{font-size:13px;color:#333}.cx-ws-tally ul{margin:4px 0 0 18px;padding:0}
.cx-ws-note-text{white-space:pre-wrap}.cx-ws-error{color:#b00020}
"""
# The bar's own controls, drawn like the gallery's filters and pager just under it (kit/cardgrid.py).
BAR_STYLE = """
.cx-ws-bar{flex-shrink:0;box-sizing:border-box;font-size:13px;color:rgba(0,0,0,.87)}
.cx-ws-bar.cx-ws-hidden{display:none}
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
.cx-ws-closed{padding:0 2px;line-height:30px;color:#b00020}.cx-ws-look{color:#555}
.cx-ws-bar[dir=rtl] .cx-ws-row{direction:rtl}
"""
ESM = (ASSETS_DIR / "voila" / "workshopbar.js").read_text(encoding="utf-8")


class WorkshopBar(anywidget.AnyWidget):
    """The participant bar and, in open mode, this browser's memory in one widget model.

    The browser sends ``stored`` (what localStorage held at load, open mode only), ticks, and join
    or leave requests as custom messages; the kernel answers with ``mode``, ``participant``
    ({name, department, left, budget, look}, empty when nobody is known), ``voting_open``,
    ``error`` and ``save`` (what to remember).
    """

    _esm = ESM
    _css = STYLE + BAR_STYLE
    storage_key = traitlets.Unicode(STORAGE_KEY).tag(sync=True)
    mode = traitlets.Unicode(OPEN).tag(sync=True)   # kernel -> browser: open, login, none or waiting (see the module)
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
    voting_open = traitlets.Bool(True).tag(sync=True)
    round = traitlets.Dict().tag(sync=True)         # kernel -> browser: the round timer ({ends, now, minutes}; ends "" none)
    error = traitlets.Unicode("").tag(sync=True)    # kernel -> browser: why the last join did not work
