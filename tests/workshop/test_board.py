"""The room board's tallies, the "counted twice?" check and the join link with its QR code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kit.views.board import board_html, join_html, same_people_html
from kit.workshop.board import same_people, tally
from kit.workshop.fields import WorkshopError
from kit.workshop.join import gallery_url, qr_svg
from kit.workshop.paper import paper_token
from kit.workshop.store import Workshop

EXHIBITS = ["ex-a", "ex-b", "ex-c", "ex-d"]


@pytest.fixture
def run(tmp_path: Path) -> Path:
    run = tmp_path / "20260101-000000"
    run.mkdir()
    (run / "exhibits.json").write_text(json.dumps([{"id": i, "kind": "quote", "title": f"Title <{i}>", "schema": 1,
                                                    "source": {"file": "s.csv"}} for i in EXHIBITS]))
    return run


@pytest.fixture
def room(run: Path) -> Workshop:
    """Design puts 3 dots on ex-b and rates it 4; engineering 2 on ex-b (rated 0) and 1 on ex-a; business 1 on ex-c.

    ex-b: design severe, engineering mild (disagree); ex-c: design 2 and business 2 (agree).
    """
    shop = Workshop(run, votes_per_person=5)
    dana, eli, bo = (shop.join(n, d).token for n, d in (("Dana", "design"), ("Eli", "engineering"), ("Bo", "business")))
    shop.set_dots(dana, "ex-b", 3)
    shop.rate(dana, "ex-b", 4)
    shop.set_dots(eli, "ex-b", 2)
    shop.rate(eli, "ex-b", 0)
    shop.set_dots(eli, "ex-a", 1)
    shop.set_dots(bo, "ex-c", 1)
    shop.rate(bo, "ex-c", 2)
    shop.rate(dana, "ex-c", 2)
    return shop


def test_the_board_puts_the_most_voted_first_and_counts_by_department(room: Workshop) -> None:
    board = tally(room, {"ex-b": "Bee"})              # ex-c before ex-a: one dot each, but ex-c was rated severe-ish
    assert [(e.exhibit_id, e.votes, e.voters) for e in board.top(10)] == [("ex-b", 5, 2), ("ex-c", 1, 1), ("ex-a", 1, 1)]
    assert board.top(10)[0].title == "Bee"
    assert board.top(10)[0].votes_by_department == {"design": 3, "engineering": 2}
    assert board.dots_by_department == {"design": 3, "engineering": 3, "business": 1}
    assert board.people_by_department == {"design": 1, "engineering": 1, "business": 1}
    assert board.total == 7
    assert board.top(1) == board.top(10)[:1]


def test_the_board_says_where_departments_agree_and_disagree(room: Workshop) -> None:
    board = tally(room)
    assert board.verdicts == {"ex-b": "disagree", "ex-c": "agree"}


def test_ties_go_to_the_exhibit_more_people_voted_for(run: Path) -> None:
    shop = Workshop(run, votes_per_person=5)
    a, b, c = (shop.join(n, "design").token for n in ("A", "B", "C"))
    shop.set_dots(a, "ex-a", 2)                         # 2 dots from one person
    shop.set_dots(b, "ex-d", 1)                         # 2 dots from two people
    shop.set_dots(c, "ex-d", 1)
    assert [e.exhibit_id for e in tally(shop).top(5)] == ["ex-d", "ex-a"]


def test_no_workshop_is_an_empty_board(run: Path) -> None:
    board = tally(None)
    assert board.top(5) == [] and board.total == 0
    html = board_html(board, {}, run, held=False)
    assert "No workshop has started" in html


def test_the_board_html_escapes_titles_and_links_to_the_gallery_in_the_same_tab(room: Workshop, run: Path) -> None:
    records = {i: {"id": i, "title": f"Title <{i}>", "lang": "en"} for i in EXHIBITS}
    html = board_html(tally(room), records, run, "en", join=join_html("http://10.0.0.5:8866/voila/render/exhibits.ipynb"))
    assert "Title &lt;ex-b&gt;" in html and "<ex-b>" not in html
    assert re.findall(r'class="cx-board-row" data-id="([^"]+)"', html) == ["ex-b", "ex-c", "ex-a"]
    assert 'href="exhibits.ipynb?exhibit=ex-b"' in html
    assert "target=" not in html                        # the workshop's links stay in the tab
    assert "departments disagree" in html and "departments agree" in html
    assert "<svg" in html and "http://10.0.0.5:8866/voila/render/exhibits.ipynb" in html
    fa = board_html(tally(room), records, run, "fa")
    assert "۵" in fa and "طراحی" in fa


@pytest.mark.parametrize(("page", "gallery"), [
    ("http://192.168.1.20:8866/voila/render/board.ipynb", "http://192.168.1.20:8866/voila/render/exhibits.ipynb"),
    ("https://cx.example.org/runs/2026-a/voila/render/presenter.ipynb?x=1#top",
     "https://cx.example.org/runs/2026-a/voila/render/exhibits.ipynb"),
    ("http://localhost:8866/voila/render/exhibits.ipynb?exhibit=ex-a", "http://localhost:8866/voila/render/exhibits.ipynb"),
])
def test_the_join_link_is_the_gallery_beside_the_page_the_browser_is_on(page: str, gallery: str) -> None:
    assert gallery_url(page) == gallery


@pytest.mark.parametrize("page", ["javascript:alert(1)//x.ipynb", "file:///etc/board.ipynb", "http:///board.ipynb",
                                  "http://h/voila/render/", "http://u:p@h/board.ipynb", "http://h/" + "a" * 600 + ".ipynb",
                                  "http://h/x/<b>.ipynb", 42])
def test_an_address_that_is_no_page_gives_no_join_link(page: object) -> None:
    with pytest.raises(WorkshopError):
        gallery_url(page)                               # type: ignore[arg-type]


def test_the_qr_code_is_inline_svg_beside_the_address_it_encodes() -> None:
    url = "http://192.168.1.20:8866/voila/render/exhibits.ipynb"
    svg = qr_svg(url)
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>") and 'class="cx-join-qr"' in svg
    assert "<path" in svg and "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")   # nothing to fetch
    assert qr_svg(url) == svg and qr_svg(url + "?x") != svg                                        # drawn from the address
    html = join_html(url, "en")
    assert svg in html and f'href="{url}"' in html and f">{url}</a>" in html and "target=" not in html
    assert join_html("", "en") == ""


def test_people_with_the_same_name_and_department_are_flagged(run: Path) -> None:
    shop = Workshop(run, votes_per_person=5)
    shop.join("Sara Ahmadi", "design")
    shop.join("sara  ahmadi", "design")                 # another browser, the same person typed again
    shop.join("Sara Ahmadi", "business")                # another department: somebody else
    shop.join("علی", "engineering")
    shop.join("علي", "engineering")                     # the Arabic yeh: the same name
    shop.merge_paper([(paper_token("Sara Ahmadi", "design"), "Sara Ahmadi", "design", "ex-a", 1, None, None)])
    flagged = same_people(shop)
    assert [(p["department"], p["count"], p["sources"]) for p in flagged] == [
        ("design", 3, ["browser", "paper"]), ("engineering", 2, ["browser"])]
    html = re.sub(r"</?bdi[^>]*>", "", same_people_html(flagged, "en"))       # the words, without their isolates
    assert "Counted twice?" in html and "Sara Ahmadi (design): 3 participants (browser, paper)" in " ".join(html.split())
    assert same_people_html([], "en").strip() == ""
    assert "شرکت‌کننده" in same_people_html(flagged, "fa")


def test_nobody_is_flagged_when_names_differ(room: Workshop) -> None:
    assert same_people(room) == [] and same_people(None) == []
