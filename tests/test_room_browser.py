"""The room's screens in a browser: a vote in the gallery reaches the room board without a reload, a round the
facilitator starts shows its countdown on the board, and the presenter steps through exhibits with the keys a
clicker sends. Screenshots at 1920x1080 (a projector) are kept in the test's folder."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kit.core import exhibits
from kit.workshop import store as workshop
from tests.browser_support import LOCAL, run_copy, voila_server
from tests.test_workshop_browser import LOAD_MS, join, open_card, open_gallery

pytestmark = pytest.mark.browser
LIVE_MS = 20_000            # the board re-reads the room every 3 s; a loaded machine may need a few ticks
PROJECTOR = {"width": 1920, "height": 1080}


@pytest.fixture(scope="module")
def run(sample_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_copy(sample_run, tmp_path_factory.mktemp("room"))


@pytest.fixture(scope="module")
def voila(run: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with voila_server(run, tmp_path_factory.mktemp("voila-home")) as (url, _):
        yield f"{url}/voila/render"


def open_screen(browser: object, url: str, ready: str) -> object:
    """A projector-sized page that records its errors and any request leaving the machine."""
    page = browser.new_context(viewport=PROJECTOR).new_page()          # type: ignore[attr-defined]
    page.errors, page.remote = [], []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(LOCAL) else page.remote.append(r.url))
    page.goto(url, wait_until="domcontentloaded", timeout=LOAD_MS)
    page.wait_for_selector(ready, timeout=LOAD_MS)
    return page


def shown(page: object) -> str:
    return page.get_attribute(".cx-slide", "data-id")


def test_a_vote_and_a_round_reach_the_board_without_a_reload(browser, voila: str, tmp_path: Path) -> None:
    board = open_screen(browser, f"{voila}/board.ipynb", ".cx-room-board .cx-board-body")
    assert board.locator(".cx-board-row").count() == 0
    board.wait_for_selector(".cx-join svg", timeout=LIVE_MS)                 # the join link, from the board's address
    assert board.inner_text(".cx-join-url") == f"{voila}/exhibits.ipynb"
    assert board.get_attribute(".cx-join-url", "target") is None

    _, gallery = open_gallery(browser, f"{voila}/exhibits.ipynb")
    join(gallery, "Dana", "design")
    exhibit_id = gallery.locator(".cx-card").nth(2).get_attribute("data-id")
    open_card(gallery, exhibit_id)
    gallery.click(".cx-ws-panel button.cx-ws-up")
    voted = time.monotonic()
    board.wait_for_selector(f'.cx-board-row[data-id="{exhibit_id}"]', timeout=LIVE_MS)
    print(f"the vote reached the board in {time.monotonic() - voted:.1f} s")
    assert board.inner_text(f'.cx-board-row[data-id="{exhibit_id}"] .cx-board-votes') == "1"
    assert "design 1" in board.inner_text(f'.cx-board-row[data-id="{exhibit_id}"]')
    assert board.get_attribute(f'.cx-board-row[data-id="{exhibit_id}"] a', "target") is None

    assert not board.locator(".cx-room-clock .cx-room-left").is_visible()
    gallery.click(".cx-close")
    gallery.select_option(".cx-ws-round-minutes select", label="10")
    gallery.click("button.cx-ws-round-start")                                # the single-user page's person facilitates
    gallery.wait_for_selector(".cx-ws-clock .cx-ws-left-time", timeout=LIVE_MS)
    board.wait_for_selector(".cx-room-clock .cx-room-left", timeout=LIVE_MS)
    left = board.inner_text(".cx-room-clock .cx-room-left")
    minutes, seconds = (int(x) for x in left.split(":"))
    assert 9 * 60 <= minutes * 60 + seconds <= 10 * 60
    board.screenshot(path=str(tmp_path / "board-1920x1080.png"))
    gallery.click("button.cx-ws-round-stop")
    board.wait_for_selector(".cx-room-clock .cx-room-left", state="hidden", timeout=LIVE_MS)
    assert board.errors == [] and board.remote == [] and gallery.errors == []


def test_the_presenter_steps_with_arrows_and_page_keys(browser, voila: str, run: Path, tmp_path: Path) -> None:
    shop = workshop.Workshop(run)
    most = shop.join("Bo", "business").token
    ids = [r["id"] for r in exhibits.load(run)]
    shop.set_dots(most, ids[5], 3)                                           # most-voted: shown first
    page = open_screen(browser, f"{voila}/presenter.ipynb", ".cx-slide")
    first = shown(page)
    assert first == ids[5]
    assert page.locator("button, select, input").filter(visible=True).count() == 0   # nothing to click on a projector
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"document.querySelector('.cx-slide')?.dataset.id !== '{first}'", timeout=LIVE_MS)
    second = shown(page)
    page.keyboard.press("PageDown")
    page.wait_for_function(f"!['{first}', '{second}'].includes(document.querySelector('.cx-slide')?.dataset.id)",
                           timeout=LIVE_MS)
    page.screenshot(path=str(tmp_path / "presenter-1920x1080.png"))
    page.keyboard.press("PageUp")
    page.wait_for_function(f"document.querySelector('.cx-slide')?.dataset.id === '{second}'", timeout=LIVE_MS)
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"document.querySelector('.cx-slide')?.dataset.id === '{first}'", timeout=LIVE_MS)
    title = page.inner_text(".cx-slide-title")
    assert title and page.evaluate("parseFloat(getComputedStyle(document.querySelector('.cx-slide-title')).fontSize)") >= 40
    assert page.errors == [] and page.remote == []
