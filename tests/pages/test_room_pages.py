"""The board and the presenter as their kernels run them, the browser's side played by hand (its custom messages):
the board follows the store on every tick, the presenter steps through exhibits most-voted first, and the
facilitator's tools show the join link and who may have been counted twice."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kit.core.visitor import open_visitor
from kit.pages import facilitator
from kit.pages import workshop as ui
from kit.pages.board import BoardPage
from kit.pages.presenter import PresenterPage, presenter_order
from kit.workshop.store import Workshop
from tests.pages.test_workshop_identity import find

RECORDS = [{"id": i, "kind": "quote", "title": f"Title {i}", "quote": f"Quote of {i}", "valence": -0.8, "lang": "en",
            "schema": 1, "source": {"file": "s.csv"}} for i in ("ex-a", "ex-b", "ex-c")]
SUMMARY = {"name": "Diet app", "ui_language": "en"}
PAGE_URL = "http://192.168.1.20:8866/voila/render/board.ipynb"


@pytest.fixture
def run(tmp_path: Path) -> Path:
    run = tmp_path / "20260101-000000"
    run.mkdir()
    (run / "exhibits.json").write_text(json.dumps(RECORDS))
    return run


pytestmark = pytest.mark.usefixtures("fresh_sessions")


def browser_says(widget, message: object) -> None:
    widget._handle_custom_msg(message, [])


def rows(html: str) -> list[str]:
    return re.findall(r'class="cx-board-row" data-id="([^"]+)"', html)


def test_the_board_shows_a_vote_on_the_next_tick_and_the_timer_with_it(run: Path) -> None:
    page = BoardPage(run, SUMMARY, RECORDS)
    page.refresh()
    assert rows(page.widget.html) == [] and "No workshop has started" in page.widget.html
    shop = Workshop(run, votes_per_person=5)
    ana = shop.join("Ana", "design").token
    shop.set_dots(ana, "ex-c", 2)
    browser_says(page.widget, {"tick": 1})
    assert rows(page.widget.html) == ["ex-c"]
    assert "Title ex-c" in page.widget.html and "design 2" in page.widget.html
    assert page.widget.round["ends"] == ""
    shop.start_round(5, by="Fay")
    bo = shop.join("Bo", "business").token
    shop.set_dots(bo, "ex-a", 3)
    browser_says(page.widget, {"tick": 2})
    assert rows(page.widget.html) == ["ex-a", "ex-c"]
    assert page.widget.round["minutes"] == 5 and page.widget.round["now"]


def test_the_board_draws_the_join_link_from_the_browsers_address(run: Path) -> None:
    page = BoardPage(run, SUMMARY, RECORDS)
    browser_says(page.widget, {"here": PAGE_URL})
    assert "http://192.168.1.20:8866/voila/render/exhibits.ipynb" in page.widget.html and "<svg" in page.widget.html
    browser_says(page.widget, {"here": "javascript:alert(1)"})
    assert "<svg" not in page.widget.html


def test_the_presenter_goes_most_voted_first_then_in_the_gallerys_order(run: Path) -> None:
    assert presenter_order(RECORDS, None) == (["ex-a", "ex-b", "ex-c"], {})
    shop = Workshop(run, votes_per_person=5)
    ana = shop.join("Ana", "design").token
    shop.set_dots(ana, "ex-c", 2)
    shop.set_dots(ana, "ex-b", 1)
    assert presenter_order(RECORDS, shop) == (["ex-c", "ex-b", "ex-a"], {"ex-c": 2, "ex-b": 1})


def test_the_presenter_steps_with_the_keys_the_browser_sends_and_stops_at_either_end(run: Path) -> None:
    shop = Workshop(run, votes_per_person=5)
    shop.set_dots(shop.join("Ana", "design").token, "ex-b", 2)
    page = PresenterPage(run, SUMMARY, RECORDS)
    page.refresh()

    def shown() -> str:
        return re.search(r'class="cx-slide" data-id="([^"]+)"', page.widget.html).group(1)

    assert shown() == "ex-b" and "2 dots" in page.widget.html and "1 of 3" in page.widget.html
    assert "Quote of ex-b" in page.widget.html and "very negative" in page.widget.html
    browser_says(page.widget, {"go": 1})
    assert shown() == "ex-a" and "2 of 3" in page.widget.html
    browser_says(page.widget, {"go": -1})
    browser_says(page.widget, {"go": -1})
    assert shown() == "ex-b"
    browser_says(page.widget, {"go": "last"})
    browser_says(page.widget, {"go": 1})
    assert shown() == "ex-c" and "3 of 3" in page.widget.html
    browser_says(page.widget, {"go": "first"})
    assert shown() == "ex-b"
    browser_says(page.widget, {"go": 99})                  # not a step the keys send: nothing moves
    assert shown() == "ex-b"


def test_the_presenter_of_a_run_without_exhibits_says_so(run: Path) -> None:
    page = PresenterPage(run, SUMMARY, [])
    page.refresh()
    browser_says(page.widget, {"go": 1})
    assert "no exhibits to present" in page.widget.html


def test_the_facilitators_tools_show_the_join_link_and_people_counted_twice(run: Path) -> None:
    tools = facilitator.welcome(run, open_visitor())
    s = ui.session(run)
    join = find(tools, "cx-ws-join-box")
    assert join.value == ""                                # the browser has not said where it is yet
    s.memory._handle_custom_msg({"here": "http://10.1.2.3:8866/voila/render/exhibits.ipynb?exhibit=ex-a"}, [])
    assert "<svg" in join.value and ">http://10.1.2.3:8866/voila/render/exhibits.ipynb</a>" in join.value
    same = find(tools, "cx-ws-same-box")
    shop = Workshop(run)
    shop.join("Dana", "design")
    shop.join("dana", "design")
    s.memory._handle_custom_msg({"tick": 1}, [])
    assert "Counted twice?" in same.value and "Dana (design): 2 participants" in re.sub(r"</?bdi[^>]*>", "", same.value)
