"""What every Voila page shares: its run folder loaded or a plain message why not, the visitor (who
they are, as the team server vouches, and their query string), and the handshake of a preheated
page with its visitor.

A page behind ``cxkit serve`` learns its run from its visitor when the server serves a folder of
runs (``kit.core.visitor.RUNS_ENV``): it waits for them before reading anything. Serving one run,
the page reads it at once, so a preheated kernel has the page drawn before anybody asks.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from IPython.display import HTML, display

from kit.core import i18n, visitor
from kit.core.errors import KitError, RunNotFoundError
from kit.core.exhibits import GALLERY_FILTERS
from kit.core.paths import RUN_ENV_VAR
from kit.core.runs import load_run
from kit.core.templates import render
from kit.views import html as pages

log = logging.getLogger("cxkit.pages")


READY_MARK = "cxkit: page ready, waiting for its visitor:"
RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_arrived = False        # a kernel serves one visit: the visitor's request arrives once


def _message(text: str, lang: str = "en") -> None:
    display(HTML(pages.page_css(lang) + pages.page_open(lang) + render("gallery/message.html.j2", text=text) + "</div>"))


def served_run(page: str = "") -> Path | None:
    """The run folder this visit shows when the server serves many (the visitor's), else None (the default run).

    Behind a gate serving a folder of runs this waits for the visitor; a visitor the gate did not
    vouch for, or a run id that is not a plain folder name, is refused without reading anything.
    """
    runs = os.environ.get(visitor.RUNS_ENV)
    if not runs or os.environ.get(RUN_ENV_VAR):
        return None
    who = current_visitor(page)
    if who is None or not RUN_ID.fullmatch(who.run):
        raise RunNotFoundError(i18n.t("visitor_unknown"))
    return Path(runs) / who.run


def _load(page: str = "") -> tuple[Path, dict[str, Any], list[dict[str, Any]]] | None:
    try:
        return load_run(served_run(page))
    except KitError as exc:
        _message(str(exc))
    except Exception:  # noqa: BLE001 - a viewer sees a plain message; the log keeps the details
        log.exception("could not read the run folder")
        _message(i18n.t("unreadable"))
    return None


def _lang(summary: dict[str, Any]) -> str:
    return i18n.language(summary.get("ui_language"))


def query_params(page: str = "") -> dict[str, str]:
    """The page's query string (Voilà puts it in the kernel's environment as QUERY_STRING).

    With preheated kernels the page runs before its visitor arrives; ``get_query_string`` then
    waits for the request, and the server log says that ``page`` is ready (see ``_announce_ready``).
    Outside Voilà (JupyterLab, papermill) there is no query: ``{}``.
    """
    _arrive(page)
    return {k: v[-1] for k, v in parse_qs(os.environ.get("QUERY_STRING", "")).items() if k in GALLERY_FILTERS}


def current_visitor(page: str = "") -> visitor.Visitor | None:
    """Who this visit is for (waits for a preheated page's visitor): see ``kit.core.visitor.from_environ``."""
    _arrive(page)
    return visitor.from_environ()


def _arrive(page: str) -> None:
    """Wait, once per kernel, for the visitor's request; Voilà then puts it in the environment."""
    global _arrived
    if _arrived:
        return
    try:
        from voila.utils import wait_for_request
    except ImportError:  # pragma: no cover - voila is a dependency; kept for other front ends
        pass
    else:
        _announce_ready(page)
        wait_for_request()
    _arrived = True


def _announce_ready(page: str) -> None:
    """One line in the server's log when a preheated page has run and starts waiting for its visitor.

    Voilà logs a pool as filled once its kernel has started, while the page may still be running
    in it; this line marks the moment a visitor would get the whole page at once (the page
    benchmarks wait for it). The kernel's stderr is the server's, so the line lands in its log.
    """
    if os.environ.get("VOILA_PREHEAT") == "True" and "QUERY_STRING" not in os.environ:
        print(f"{READY_MARK} {page or '?'}", file=sys.__stderr__, flush=True)


def visitor_arrived(page: str = "") -> None:
    """Block a preheated kernel until its visitor's request arrives (a no-op otherwise).

    A preheated page is drawn long before anyone asks for it; without a sign of life at request
    time the idle-kernel culler could shut the kernel down before the visitor's browser connects.
    The overview and the negative room call this in their last cell, after everything is drawn.
    """
    query_params(page)


def _safe(lang: str, say: Callable[[str], None]) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Widget callbacks log their errors and show a plain message instead of failing silently."""
    def wrap(fn: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> None:
            try:
                fn(*args, **kwargs)
            except Exception:  # noqa: BLE001
                log.exception("gallery callback %s failed", fn.__name__)
                say(i18n.t("page_failed", lang))
        return inner
    return wrap
