"""The Voilà pages, built from a run folder (the notebooks in gallery/ only call these).

A page never computes anything heavy (summary.json, negatives.json and data/journey.parquet are
written by the pipeline) and never shows a traceback: a missing run or a broken file becomes one
plain message in the page's language, and the details go to the server's log.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import ipywidgets as w
from IPython.display import HTML, display

from kit.analysis import gallery_order, lenses
from kit.core import i18n
from kit.core.bidi import isolate
from kit.core.errors import RunFileError
from kit.core.exhibits import GALLERY_PAGE, SOURCE_KINDS, source_kind
from kit.core.runfolder import media_path, read_negatives
from kit.core.templates import render
from kit.core.visitor import Visitor
from kit.pages import curation
from kit.pages import plotly as page_plotly
from kit.pages.gallery_cards import MAX_QUERY, card_data, filter_exhibits
from kit.pages.page import _lang, _load, _message, _safe, current_visitor, log, query_params
from kit.views import html as pages
from kit.workshop import dots as room_dots

__all__ = ["MAX_QUERY", "PAGE_SIZE", "GalleryPage", "card_data", "exhibits_browser", "filter_exhibits", "gallery_visit"]

PAGE_SIZE = 48
DETAIL_CHART_HEIGHT = 380      # px, for a chart whose figure sets no height
VOTES = "votes"                # the sort that puts the room's most-dotted exhibits first


class GalleryPage:
    """The gallery: filters, search, lens, pages of cards, and the detail of the opened exhibit.

    The controls and cards are one widget (``kit.pages.cardgrid.CardGrid``); this class decides what
    it shows: ``grid.query`` (filters and search) and ``grid.page`` come from the visitor, the
    cards, the count and the number of pages go back.
    """

    FILTERS = ("stage", "channel", "segment", "kind", "valence", "source", "lens", "sort")

    def __init__(self, run_dir: Path, summary: dict[str, Any], records: list[dict[str, Any]]) -> None:
        from kit.pages.cardgrid import CardGrid
        self.run_dir, self.summary = run_dir, summary
        self.lang = lang = _lang(summary)
        self._order = curation.Order()
        self.take(records)
        self.dots: dict[str, int] | None = None              # the room's dots, once read (None: no workshop)
        self._lenses = lenses.read(run_dir, records, lang)     # precomputed by the gallery step, if it matches
        self.choices = self._choices()
        t = functools.partial(i18n.t, lang=lang)
        self.grid = CardGrid(
            labels={"open": t("open"), "empty": t("no_match"), "search": t("search"), "prev": t("prev"),
                    "next": t("next"), "page": t("page"), "filters": t("gal_filters"), "figures": t("gal_figures")},
            direction=i18n.direction(lang),
            choices=[{"name": k, "options": [list(o) for o in opts]} for k, opts in self.choices.items()],
            query=self.blank_query())
        self.detail = w.VBox(layout=w.Layout(display="none"))
        self.detail.add_class("cx-overlay")
        if i18n.direction(lang) == "rtl":
            self.detail.add_class("cx-rtl")
        self.tools = w.VBox()            # the facilitator's tools, once the visitor is known (kit.pages.facilitator)
        self.analyst = False             # ids and file names in the detail: for roles that curate, once known
        self.shown: list[dict[str, Any]] = []
        self._quiet = False              # presetting the query: the caller redraws once afterwards
        self._drawing = False            # render() clamps the page itself: no second drawing
        safe = _safe(lang, self.say)
        self.refilter, self.render, self.on_select = safe(self.refilter), safe(self.render), safe(self.on_select)
        self.on_page = safe(self.on_page)

    # -- data
    def take(self, records: list[dict[str, Any]]) -> None:
        """The exhibits on the wall: on arrival, and again after each curation edit (kit.pages.curation)."""
        self.all_records, self.by_id = records, {r["id"]: r for r in records}
        self.records = gallery_order.shown(records)          # the cards: near-duplicates ride with their leader
        self.leader = {r["id"]: str(r["part_of"]) for r in records if r.get("part_of") in self.by_id}
        self.groups = {i: [m for m in (self.by_id[i].get("also") or []) if self.leader.get(m) == i]
                       for i in set(self.leader.values())}
        self._ranked = {"": self._order(self.records, self._negatives())}     # pinned first, then worst first

    def _negatives(self) -> list[dict[str, Any]]:
        """The ranked negative experiences (their evidence strength orders the cards); none when unreadable."""
        try:
            return read_negatives(self.run_dir)
        except RunFileError:
            log.exception("could not read the ranking of %s", self.run_dir)
            return []

    def _values(self, key: str, order: list[str] | None) -> list[str]:
        if key == "source":
            values = {source_kind(r) for r in self.records}
        else:
            values = {str(r.get(key)) for r in self.records if r.get(key)}
        return [v for v in (order or []) if v in values] + sorted(values - set(order or []))

    def _options(self, key: str, order: list[str] | None, everything: str) -> list[tuple[str, str]]:
        def label(v: str) -> str:
            named = f"source_{v}" if key == "source" else ""
            return i18n.t(named, self.lang) if named in i18n.LABELS else v.replace("_", " ")
        return [(everything, "")] + [(label(v), v) for v in self._values(key, order)]

    def _choices(self) -> dict[str, list[tuple[str, str]]]:
        """Each filter's (label, value) options, "any" first; only values some exhibit has."""
        t = functools.partial(i18n.t, lang=self.lang)
        kinds = self._values("kind", ["photo", "clip", "quote", "chart", "metric"])
        return {
            "stage": self._options("stage", self.summary.get("stages"), t("all_stages")),
            "channel": self._options("channel", self.summary.get("channels"), t("all_channels")),
            "segment": self._options("segment", None, t("all_segments")),
            "kind": [(t("all_kinds"), "")] + [(t(f"kind_{k}"), k) for k in kinds],
            "valence": [(t("all_feelings"), "")] + [(t(b), b) for b in ("neg", "mid", "pos")],
            "source": self._options("source", list(SOURCE_KINDS), t("all_sources")),
            "lens": [(t("no_lens"), "")] + [(t(x), x) for x in lenses.LENSES],
            "sort": [(t("gal_sort_worst"), ""), (t("gal_sort_votes"), VOTES)],
        }

    def blank_query(self) -> dict[str, str]:
        return {**{k: "" for k in self.FILTERS}, "q": ""}

    def clean_query(self, asked: dict[str, Any]) -> dict[str, str]:
        """The query as the page can honour it: values a filter does not offer are dropped, search is text."""
        clean = self.blank_query()
        for key, options in self.choices.items():
            value = asked.get(key, "")
            if isinstance(value, str) and len(value) <= MAX_QUERY and value in {v for _, v in options}:
                clean[key] = value
        q = asked.get("q", "")
        clean["q"] = q[:MAX_QUERY].strip() if isinstance(q, str) else ""     # cut before anything reads it
        return clean

    @property
    def query(self) -> dict[str, str]:
        return self.clean_query(self.grid.query)

    def ranked(self, lens: str) -> list[dict[str, Any]]:
        """All exhibits in the lens's order (computed once per lens per visitor, never filtered)."""
        if lens not in self._ranked:
            order = (self._lenses or {}).get("order", {}).get(lens)
            ranked = [self.by_id[i] for i in order if i in self.by_id] if order else lenses.rank(self.all_records, lens)
            self._ranked[lens] = curation.pinned_first([r for r in ranked if r["id"] not in self.leader])
        return self._ranked[lens]

    def label(self, rec: dict[str, Any], lens: str) -> str:
        if not lens:
            return ""
        done = (self._lenses or {}).get("labels", {}).get(lens, {}).get(rec["id"])
        return done if done is not None else lenses.label(rec, lens, self.lang)

    def filtered(self) -> list[dict[str, Any]]:
        query = self.query
        lens, sort = query.pop("lens"), query.pop("sort")
        found = filter_exhibits(self.ranked(lens), **query)
        return gallery_order.by_votes(found, self.dots or {}) if sort == VOTES else found

    def read_dots(self) -> bool:
        """Read the room's dots now (when the visitor arrives, and on the workshop's ticks); True if they changed."""
        dots = room_dots.dots_by_exhibit(self.run_dir)
        has_room = bool(dots) or (self.run_dir / room_dots.DB_NAME).exists()
        now = room_dots.grouped(dots, self.groups) if has_room else None
        if now == self.dots:
            return False
        self.dots = now
        return True

    def refresh_dots(self) -> None:
        """New dots in the room: sorted by votes, the order changes; otherwise only the visible cards' counts."""
        if not self.read_dots():
            return
        if self.query["sort"] == VOTES:
            self.shown = self.filtered()
        self.render()

    # -- drawing
    def say(self, text: str) -> None:
        """A plain message above the cards (an apology when something failed; the log has the details)."""
        self.grid.message = text

    def render(self, *_: Any) -> None:
        """Draw the current page of ``shown``: its cards, the count and the pager, in one message."""
        lens, lang = self.query["lens"], self.lang
        pages_n = max(1, -(-len(self.shown) // PAGE_SIZE))
        current = max(1, min(self.grid.page, pages_n))
        start = (current - 1) * PAGE_SIZE
        num = functools.partial(i18n.number, lang=lang)
        self._drawing = True
        try:
            with self.grid.hold_sync():
                self.grid.pages = pages_n
                self.grid.page = current
                self.grid.sections = not lens and self.query["sort"] != VOTES
                self.grid.cards = [self._card(r, lens) for r in self.shown[start:start + PAGE_SIZE]]
                self.grid.count = i18n.t("count", lang, shown=num(len(self.shown)), total=num(len(self.records)),
                                         page=num(current), pages=num(pages_n))
        finally:
            self._drawing = False

    def _card(self, rec: dict[str, Any], lens: str) -> dict[str, Any]:
        dots = None if self.dots is None else self.dots.get(rec["id"], 0)
        return card_data(rec, self.run_dir, lang=self.lang, label=self.label(rec, lens), dots=dots,
                         photos=1 + len(self.groups.get(rec["id"], [])) if rec["kind"] == "photo" else 1)

    def refilter(self, *_: Any) -> None:
        """The visitor changed a filter or the search: filter again and show the first page."""
        if self._quiet:
            return
        clean = self.query
        if clean != self.grid.query:
            self.grid.query = clean      # a value the page does not offer is dropped (observed: comes back here)
            return
        self.shown = self.filtered()
        if self.grid.page != 1:
            self.grid.page = 1           # observed: draws the first page
        else:
            self.render()

    def on_page(self, change: dict[str, Any]) -> None:
        """The visitor asked for another page (a number out of range is brought back into it)."""
        if self._drawing:
            return
        if 1 <= change["new"] <= self.grid.pages:
            self.render()
        else:
            self.grid.page = max(1, min(change["new"], self.grid.pages))   # observed: draws that page

    def on_select(self, *_: Any) -> None:
        self.open(self.grid.selected)

    def open(self, exhibit_id: str) -> None:
        """Show one exhibit's detail (media playing in the page, quote, chart, evidence, source) and its workshop panel."""
        if not exhibit_id:
            self.close()
            return
        exhibit_id = self.leader.get(exhibit_id[:MAX_QUERY], exhibit_id[:MAX_QUERY])   # a grouped photo: its card
        rec = self.by_id.get(exhibit_id)
        close = w.Button(description=i18n.t("close", self.lang), icon="")
        close.add_class("cx-close")
        close.on_click(lambda _: self.close())
        figure = None
        if rec is None:
            missing = render("gallery/message.html.j2", text=i18n.t("not_found", self.lang, id=isolate(exhibit_id, "ltr")))
            self.detail.children = [close, w.HTML(missing)]
        else:
            d = i18n.text_dir(rec.get("lang"))
            verdict, kind = pages.verdict(rec, self.lang)
            head = w.HTML(render("gallery/detail_heading.html.j2", dir=d, title=rec.get("title") or "", verdict=verdict,
                                 band=kind))
            detail = pages.detail_html(rec, self.run_dir, lang=self.lang, analyst=self.analyst,
                                       also=[self.by_id[i] for i in self.groups.get(exhibit_id, [])])
            parts: list[w.Widget] = [w.HBox([close]), head, w.HTML(detail)]
            figure = self._figure(rec)
            if figure is not None:
                parts.insert(2, figure)
            parts += [self._workshop_panel(exhibit_id), *curation.drawer(self, exhibit_id)]
            self.detail.children = parts
        if figure is not None:
            self.detail.add_class("cx-wide")          # a chart gets the room it was designed for
        else:
            self.detail.remove_class("cx-wide")
        self.detail.layout.display = "flex"

    def close(self) -> None:
        self.detail.layout.display = "none"
        self.detail.children = []
        self.grid.selected = ""

    def _figure(self, rec: dict[str, Any]) -> w.Widget | None:
        path = media_path(self.run_dir, (rec.get("media") or {}).get("figure"))
        if path is None:
            return None
        import plotly.io as pio
        fig = pio.read_json(path)
        # as designed (height, margins for labels and legends), but as wide as the pane, titles a little smaller
        fig.update_layout(width=None, autosize=True, height=fig.layout.height or DETAIL_CHART_HEIGHT, title_font_size=15)
        return page_plotly.Chart(fig)

    def _workshop_panel(self, exhibit_id: str) -> w.Widget:
        try:
            from kit.pages import workshop as workshop_ui
            return workshop_ui.exhibit_panel(self.run_dir, exhibit_id, self.lang)
        except Exception:  # noqa: BLE001 - votes failing must not hide the exhibit
            log.exception("workshop panel failed for %s", exhibit_id)
            return w.HTML()

    def welcome(self, who: Visitor | None) -> None:
        """The visitor is known (``kit.pages.page.current_visitor``): the workshop learns who votes, and their tools show."""
        self.analyst = who is None or who.can("curate")        # no gate: whoever serves is the analyst
        try:
            from kit.pages import facilitator
            tools = facilitator.welcome(self.run_dir, who, self.lang)
            self.tools.children = [tools] if tools is not None else []
        except Exception:  # noqa: BLE001 - the workshop failing must not hide the gallery; it stays closed
            log.exception("workshop sign-in failed")
        self._follow_room()
        _safe(self.lang, self.say)(curation.welcome)(self, who)     # analysts' controls; every page follows the journal

    def _follow_room(self) -> None:
        """Cards follow the room's dots: read now (the visitor has just arrived) and on each workshop tick or vote."""
        try:
            from kit.pages import workshop as workshop_ui
            workshop_ui.session(self.run_dir, self.lang).listen(self.refresh_dots, keep=True)
        except Exception:  # noqa: BLE001 - without live dots the cards keep the counts read on arrival
            log.exception("could not follow the workshop's dots")
        self.refresh_dots()

    def _participant_bar(self) -> w.Widget | None:
        try:
            from kit.pages import workshop as workshop_ui
            return workshop_ui.participant_bar(self.run_dir, self.lang)
        except Exception:  # noqa: BLE001
            log.exception("participant bar failed")
            return None

    # -- the page
    def apply_query(self, params: dict[str, str]) -> bool:
        """Preset filters and search from the query string (unknown values are ignored); True if any changed.

        The grid is redrawn once afterwards by the caller, not once per preset value.
        """
        asked = {k: v for k, v in params.items() if k in (*self.FILTERS, "q") and v}
        clean = self.clean_query({**self.query, **asked})
        if clean == self.query:
            return False
        self._quiet = True
        try:
            self.grid.query = clean
        finally:
            self._quiet = False
        return True

    def visit(self, params: dict[str, str]) -> None:
        """Apply a visitor's query to the page already drawn: filters and search, then the exhibit to open."""
        if self.apply_query(params):
            self.refilter()
        if params.get("exhibit"):
            self.open(params["exhibit"])

    def header_html(self) -> str:
        return (pages.page_css(self.lang) + pages.page_open(self.lang)
                + render("gallery/header.html.j2", name=self.summary.get("name", "Experience"), lang=self.lang) + "</div>")

    def show(self) -> None:
        """Display the page: its heading as plain HTML, then the workshop bar, the grid and the detail.

        Observers are attached here, so a page built but not shown (tests) is driven by hand.
        """
        self.grid.observe(self.refilter, names="query")
        self.grid.observe(self.on_page, names="page")
        self.grid.observe(self.on_select, names="opened")
        display(HTML(self.header_html()))
        bar = self._participant_bar()
        if bar is not None:
            display(bar)
        display(self.tools)
        display(self.grid)
        display(self.detail)


def exhibits_browser() -> GalleryPage | None:
    """Every exhibit as cards, with filters, search, a lens, pages of PAGE_SIZE and an opened detail.

    The page is drawn for a visitor without a query at once, so a preheated kernel has it ready;
    ``gallery_visit`` (the notebook's next cell) then applies the visitor's query string to it.
    Returns the page, or None when the run cannot be shown (a message says why).
    """
    loaded = _load("exhibits.ipynb")
    if loaded is None:
        return None
    run_dir, summary, records = loaded
    try:
        gallery = GalleryPage(run_dir, summary, records)
        gallery.shown = gallery.filtered()
        gallery.render()
        gallery.show()
        return gallery
    except Exception:  # noqa: BLE001
        log.exception("gallery page failed")
        _message(i18n.t("page_failed", _lang(summary)), _lang(summary))
        return None


def gallery_visit(gallery: GalleryPage | None) -> None:
    """Wait for the visitor (with preheated kernels), tell the workshop who they are, and apply their query string."""
    params = query_params(GALLERY_PAGE)
    if gallery is None:
        return
    gallery.welcome(current_visitor(GALLERY_PAGE))
    try:
        gallery.visit(params)
    except Exception:  # noqa: BLE001
        log.exception("gallery query %r failed", params)
        gallery.say(i18n.t("page_failed", gallery.lang))
