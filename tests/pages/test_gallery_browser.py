"""The gallery page as a visitor sees it, on a desk screen (1440x900) and a phone (390x844).

The sample run's gallery must lead with people (a photo, clip or quote with a negative feeling in
the first card), say feelings in words (never "valence -0.9"), keep ids and file names off the
cards, open the exhibit in a drawer that fits the phone with every workshop control, never scroll
sideways, and show the room's dots on a card once a vote is stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kit.workshop import store as workshop
from tests.browser_support import run_copy, voila_server

pytestmark = pytest.mark.browser
LOAD_MS = 180_000
SCREENS = {"desk": (1440, 900), "phone": (390, 844)}
NOT_FOR_VISITORS = re.compile(r"survey-R_|rec-s0|\.jpg|\.parquet|\.csv|\.mp4|valence", re.IGNORECASE)
MEDIA_KINDS = ("photo", "clip", "quote")


@pytest.fixture(scope="module")
def run(sample_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_copy(sample_run, tmp_path_factory.mktemp("gallery"))


@pytest.fixture(scope="module")
def voila(run: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with voila_server(run, tmp_path_factory.mktemp("voila-home")) as (url, _):
        yield f"{url}/voila/render/exhibits.ipynb"


def open_gallery(browser: object, url: str, screen: str) -> tuple[object, object]:
    width, height = SCREENS[screen]
    ctx = browser.new_context(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url, wait_until="domcontentloaded", timeout=LOAD_MS)
    page.wait_for_selector(".cx-cardgrid .cx-card", timeout=LOAD_MS)
    return ctx, page


def no_sideways_scroll(page: object) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wide <= 0, f"the page scrolls sideways by {wide}px"


@pytest.mark.parametrize("screen", list(SCREENS))
def test_gallery_leads_with_people_and_fits_the_screen(browser, voila: str, screen: str) -> None:
    ctx, page = open_gallery(browser, voila, screen)
    try:
        first = page.locator(".cx-cardgrid .cx-card").first
        kind = first.locator(".cx-tag.kind").inner_text().strip()
        assert kind in MEDIA_KINDS and "neg" in (first.get_attribute("class") or "")
        assert "negative" in first.inner_text()                          # the feeling in words, with its mark
        cards = page.eval_on_selector_all(".cx-cardgrid .cx-card", "cs => cs.map(c => c.innerText)")
        for text in cards:
            assert not NOT_FOR_VISITORS.search(text), text
        assert "valence" not in page.inner_text("body").lower()
        no_sideways_scroll(page)
        width, height = SCREENS[screen]
        if screen == "phone":                                             # filters folded: cards on the first screen
            assert not page.locator(".cx-f-stage select").is_visible()
            assert page.locator(".cx-filters-toggle").is_visible()
            page.click(".cx-filters-toggle")
            assert page.locator(".cx-f-stage select").is_visible()
            page.click(".cx-filters-toggle")
        first.click()
        page.wait_for_selector(".cx-overlay .cx-ws-panel", timeout=60_000)
        drawer = page.locator(".cx-overlay")
        text = drawer.inner_text()
        assert "A negative experience" in text and "valence" not in text.lower()
        assert "top of the page" in text and "close this view" in text   # the hint no longer points under the drawer
        assert not NOT_FOR_VISITORS.search(text), text                     # files and ids folded away, even for analysts
        box = drawer.bounding_box()
        if screen == "phone":
            assert box["x"] <= 1 and box["width"] >= width - 1           # full width
        for control in ("button.cx-ws-up", ".cx-ws-severity select", "button.cx-ws-save", ".cx-ws-note textarea"):
            c = page.locator(f".cx-overlay {control}").first
            c.scroll_into_view_if_needed()
            b = c.bounding_box()
            assert b is not None and b["x"] >= 0 and b["x"] + b["width"] <= width + 0.5, (control, b)
        no_sideways_scroll(page)
        assert page.errors == []
    finally:
        ctx.close()


def test_a_card_shows_the_rooms_dots_once_a_vote_is_stored(browser, voila: str, run: Path) -> None:
    ctx, page = open_gallery(browser, voila, "desk")
    try:
        exhibit = page.locator(".cx-cardgrid .cx-card").nth(2).get_attribute("data-id")
        shop = workshop.Workshop(run)
        shop.vote(shop.join("Room", "design").token, exhibit, 2)        # as another browser (or paper) would
        page.wait_for_function(
            "id => [...document.querySelectorAll('.cx-cardgrid .cx-card')].some(c => c.dataset.id === id"
            " && c.querySelector('.cx-dots')?.textContent === '● 2 dots')", arg=exhibit, timeout=60_000)
        page.locator(".cx-f-sort select").select_option(value="votes")
        page.wait_for_function("id => document.querySelector('.cx-cardgrid .cx-card')?.dataset.id === id",
                               arg=exhibit, timeout=60_000)
        assert page.errors == []
    finally:
        ctx.close()
