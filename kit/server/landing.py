"""The front page of the team server: the runs it serves that this login may see, newest first.

An old address of a page (``/voila/render/overview.ipynb``, as ``cxkit serve`` printed before it
served many runs) goes to the same page of the newest run.
"""

from __future__ import annotations

from urllib.parse import quote

from kit.server.gate import GateHandler
from kit.server.words import words

PAGES = ("overview", "exhibits", "negative", "board", "presenter")


class Landing(GateHandler):
    def get(self) -> None:
        if not self.require_login():
            return
        runs = [r for r in self.gate.catalog.entries() if self.may_see(r.project)]
        lang = runs[0].language if runs else self.gate.language()
        self.finish(self.page("server/landing.html.j2", lang=lang, title=words(lang)["runs_title"], runs=runs))


class NewestRun(GateHandler):
    """``/voila/render/PAGE.ipynb``: the page of the newest run this login may see."""

    def get(self, page: str) -> None:
        if not self.require_login():
            return
        newest = next((r for r in self.gate.catalog.entries() if self.may_see(r.project)), None)
        if newest is None:
            return self.redirect("/")
        query = f"?{self.request.query}" if self.request.query else ""
        self.redirect(f"/runs/{quote(newest.id)}/voila/render/{page}.ipynb{query}")
