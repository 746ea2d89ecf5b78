"""The workshop behind the team server's login: who votes is the logged-in person, and each role does what it may.

Sessions are signed in with visitors as the gallery page signs them in (``kit.pages.facilitator.welcome``),
and the browser's side is played by hand: the bar's custom messages and ``stored`` sync, a button's click
message, a dropdown's value. Nothing here starts Voilà or a browser.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from pathlib import Path

import pytest

from kit.core import exhibits, visitor
from kit.core.visitor import Visitor, open_visitor
from kit.pages import facilitator
from kit.pages import workshop as ui
from kit.workshop import fields
from kit.workshop import store as ws
from kit.workshop.fields import WorkshopError
from kit.workshop.paper import export_csv
from kit.workshop.store import Workshop

EXHIBITS = ["ex-a", "ex-b", "ex-c"]


@pytest.fixture
def run(tmp_path: Path) -> Path:
    run = tmp_path / "20260101-000000"
    run.mkdir()
    (run / "exhibits.json").write_text(json.dumps([{"id": i, "kind": "quote", "title": f"Title {i}", "schema": 1,
                                                    "source": {"file": "s.csv"}} for i in EXHIBITS]))
    return run


pytestmark = pytest.mark.usefixtures("fresh_sessions")


def person(name: str, role: str, department: str = "design") -> Visitor:
    return Visitor(name=name, role=role, department=department, run="20260101-000000")


def find(widget, cls: str):
    """The widget under ``widget`` that carries the CSS class ``cls``."""
    if cls in getattr(widget, "_dom_classes", ()):
        return widget
    for child in getattr(widget, "children", ()):
        hit = find(child, cls)
        if hit is not None:
            return hit
    return None


def send(session: ui.Session, message: object) -> None:
    """A custom message from the bar's front end, handled as the widget hands it to the session."""
    session.memory._handle_custom_msg(message, [])


def click(panel, cls: str) -> None:
    """A click as the browser sends it (whether or not the button is shown or enabled there)."""
    find(panel, cls)._handle_button_msg(None, {"event": "click"}, [])


def signed_in(run: Path, who: Visitor | None) -> ui.Session:
    s = ui.session(run)
    s.sign_in(who)
    return s


def test_a_viewer_follows_the_tallies_and_every_vote_from_their_browser_is_refused(
        run: Path, caplog: pytest.LogCaptureFixture) -> None:
    s = signed_in(run, person("Vic", "viewer"))
    panel = ui.exhibit_panel(run, "ex-a")
    assert s.memory.mode == "login" and s.memory.participant["look"] and s.memory.participant["name"] == "Vic"
    assert all(find(panel, c).layout.display == "none" for c in ("cx-ws-up", "cx-ws-down", "cx-ws-severity", "cx-ws-save"))
    assert "look at the workshop, not vote" in find(panel, "cx-ws-mine").value
    with caplog.at_level(logging.WARNING, logger="cxkit.workshop"):
        click(panel, "cx-ws-up")
        find(panel, "cx-ws-severity").value = 3
        find(panel, "cx-ws-note").value = "mine"
        click(panel, "cx-ws-save")
        with pytest.raises(WorkshopError, match="not vote"):
            s.vote("ex-a", 1)
    assert "look at the workshop, not vote" in find(panel, "cx-ws-status").value
    assert not (run / ws.DB_NAME).exists()                              # refused before anything was written
    assert caplog.text.count("refused a") >= 4
    other = Workshop(run)
    other.set_dots(other.join("Ana", "design").token, "ex-a", 2)         # the room votes in another kernel
    send(s, {"tick": 1})
    assert 'cx-ws-total">2</b>' in find(panel, "cx-ws-tally-box").value


def test_a_participant_is_counted_under_their_login_and_looking_writes_nothing(run: Path) -> None:
    s = signed_in(run, person("Lou", "participant", "engineering"))
    assert s.may("vote") and not s.may("read_notes")
    panel = ui.exhibit_panel(run, "ex-a")
    bar = ui.participant_bar(run)
    assert bar.participant == {"name": "Lou", "department": "engineering", "look": False, "left": 5, "budget": 5}
    assert not (run / ws.DB_NAME).exists()                              # looking never makes the file
    assert not find(panel, "cx-ws-up").disabled and find(panel, "cx-ws-up").layout.display is None
    click(panel, "cx-ws-up")
    find(panel, "cx-ws-severity").value = 4
    shop = Workshop(run)
    lou = shop.participant("login:lou")
    assert (lou.name, lou.department) == ("Lou", "engineering") and len(shop.participants()) == 1
    assert shop.mine("login:lou", "ex-a") == {"dots": 1, "severity": 4, "note": ""}
    assert bar.participant["left"] == 4 and 'cx-ws-total">1</b> dot from 1 person (engineering 1)' in find(
        panel, "cx-ws-tally-box").value
    ui._SESSIONS.clear()                                                # another browser, the same login
    again = signed_in(run, person("Lou", "participant", "engineering"))
    assert again.participant.id == lou.id and ui.participant_bar(run).participant["left"] == 4


def test_notes_each_sees_their_own_and_the_facilitator_sees_all(run: Path) -> None:
    ana, ben = ui.Session(run), ui.Session(run)
    ana.sign_in(person("Ana", "participant"))
    ben.sign_in(person("Ben", "participant", "business"))
    ana.note("ex-a", "<b>slow</b> checkout")
    ben.note("ex-a", "prices unclear")
    ben.note("ex-b", "fine")
    s = signed_in(run, person("Ana", "participant"))
    html = find(ui.exhibit_panel(run, "ex-a"), "cx-ws-tally-box").value
    assert "&lt;b&gt;slow&lt;/b&gt; checkout" in html and "prices unclear" not in html and "Ben" not in html
    assert "1 note by someone else" in html
    assert find(ui.exhibit_panel(run, "ex-b"), "cx-ws-tally-box").value.count("1 note by someone else") == 1
    assert s.notes_seen(Workshop(run).tally("ex-a")["notes"])[1] == 1
    ui._SESSIONS.clear()
    signed_in(run, person("Vic", "viewer"))
    html = find(ui.exhibit_panel(run, "ex-a"), "cx-ws-tally-box").value
    assert "slow" not in html and "prices" not in html and "2 notes by others" in html
    ui._SESSIONS.clear()
    signed_in(run, person("Fay", "facilitator"))
    html = find(ui.exhibit_panel(run, "ex-a"), "cx-ws-tally-box").value
    assert "<bdi>Ana</bdi>: <span" in html and "<bdi>Ben</bdi>: <span" in html and "prices unclear" in html
    assert "by others" not in html
    ui._SESSIONS.clear()
    signed_in(run, open_visitor())                                      # single-user: every note, as before
    assert "prices unclear" in find(ui.exhibit_panel(run, "ex-a"), "cx-ws-tally-box").value


def test_in_login_mode_the_browser_cannot_name_the_participant(run: Path, caplog: pytest.LogCaptureFixture) -> None:
    s = signed_in(run, person("Lou", "participant"))
    with caplog.at_level(logging.WARNING, logger="cxkit.workshop"):
        s.memory.stored = {"token": "somebody-elses-token", "name": "Eve", "department": "design"}
        send(s, {"join": {"name": "Eve", "department": "business"}})
        send(s, {"leave": True})
        send(s, {"token": "login:eve"})
    assert "ignored a participant remembered by the browser" in caplog.text
    assert "ignored a join message" in caplog.text and "ignored a leave message" in caplog.text
    assert "ignored a token message" in caplog.text
    assert s.memory.save == {} and s.memory.error == "" and s.participant is None
    assert s.memory.participant["name"] == "Lou" and not (run / ws.DB_NAME).exists()
    s.vote("ex-a", 1)
    assert [p.token for p in Workshop(run).participants()] == ["login:lou"]


def test_another_login_cannot_act_as_the_first_through_its_browser(run: Path) -> None:
    a, b = ui.Session(run), ui.Session(run)                             # two kernels on one run
    a.sign_in(person("A", "participant"))
    b.sign_in(person("B", "participant", "business"))
    a.vote("ex-a", 1)
    a.vote("ex-a", 1)
    a.note("ex-a", "from A")
    shop = Workshop(run)
    before = shop.mine("login:a", "ex-a")
    b.memory.stored = {"token": "login:a", "name": "A", "department": "design"}   # A's token, as B's localStorage
    send(b, {"join": {"name": "A", "department": "design"}})
    send(b, {"leave": True})
    send(b, {"token": "login:a", "vote": "ex-a"})
    send(b, {"tick": 2})
    b.vote("ex-a", -1)                                                   # "take one back", from B's page
    b.vote("ex-b", 1)
    b.note("ex-a", "from B")
    assert shop.mine("login:a", "ex-a") == before == {"dots": 2, "severity": None, "note": "from A"}
    assert shop.mine("login:b", "ex-a") == {"dots": 0, "severity": None, "note": "from B"}
    assert shop.mine("login:b", "ex-b")["dots"] == 1 and b.participant.token == "login:b"
    assert b.memory.participant["name"] == "B" and sorted(p.name for p in shop.participants()) == ["A", "B"]


def test_a_page_whose_visitor_is_not_vouched_for_has_no_workshop(run: Path) -> None:
    Workshop(run).note(Workshop(run).join("Ana", "design").token, "ex-a", "private")
    s = signed_in(run, None)
    panel = ui.exhibit_panel(run, "ex-a")
    assert s.memory.mode == "none" and s.memory.participant == {} and panel.layout.display == "none"
    assert "private" not in find(panel, "cx-ws-tally-box").value
    send(s, {"join": {"name": "Eve", "department": "design"}})
    click(panel, "cx-ws-up")
    assert len(Workshop(run).participants()) == 1 and facilitator.welcome(run, None) is None


def test_behind_the_gate_the_browser_waits_for_the_visitor(run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(visitor.KEY_ENV, "ab" * 32)
    remembered = {"token": "browser-token-of-ana-0000000000", "name": "Ana", "department": "design"}
    s = ui.session(run)
    assert s.memory.mode == "waiting" and not s.may("vote")
    s.memory.stored = remembered                                        # arrives before the visitor is known: kept
    send(s, {"join": {"name": "Eve", "department": "design"}})
    assert s.participant is None and not (run / ws.DB_NAME).exists()
    s.sign_in(open_visitor())                                           # the gate vouches for one person, no users
    assert s.memory.mode == "open" and s.participant.name == "Ana"
    ui._SESSIONS.clear()
    t = ui.session(run)
    t.memory.stored = remembered
    t.sign_in(person("Lou", "participant"))
    assert t.participant is None and t.memory.participant["name"] == "Lou"


def test_single_user_pages_refuse_tokens_no_browser_is_given(run: Path) -> None:
    shop = Workshop(run)
    shop.merge_paper([("paper:design:ana", "Ana", "design", "ex-a", 2, None, None)])
    shop.join_login("Lou", "design")
    s = signed_in(run, open_visitor())
    s.memory.stored = {"token": "paper:design:ana", "name": "Ana", "department": "design"}
    assert s.participant is None
    s.memory.stored = {"token": "login:lou", "name": "Lou", "department": "design"}
    assert s.participant is None
    s.memory.stored = {"token": "t" * 5000, "name": "Ana", "department": "design"}
    assert s.participant is None and len(shop.participants()) == 2
    send(s, {"join": {"name": "Ana", "department": "design"}})          # the paper Ana's name: a new participant
    assert s.participant.source == "browser" and s.participant.token != "paper:design:ana"
    s.vote("ex-b", 1)
    assert shop.my_dots("paper:design:ana", "ex-a") == 2 and shop.my_dots("paper:design:ana", "ex-b") == 0
    send(s, {"join": {"name": "A" * 10_000_000, "department": "design"}})
    assert "keep it to 60" in s.memory.error
    send(s, {"join": {"name": ["not", "text"], "department": {"x": 1}}})
    assert s.memory.error == "Choose your department."


def upload(tools, name: str, data: bytes) -> str:
    """A file chosen in the upload button, as the browser sends it (content in a binary buffer)."""
    widget = find(tools, "cx-ws-import")
    widget.set_state({"value": [{"name": name, "type": "text/csv", "size": len(data), "content": memoryview(data),
                                 "last_modified": 0}]})
    assert widget.value == ()                                           # the bytes are not kept in the widget
    return find(tools, "cx-ws-import-result").value


def test_the_facilitator_closes_voting_merges_paper_and_exports(run: Path, tmp_path: Path) -> None:
    tools = facilitator.welcome(run, person("Fay", "facilitator"))
    toggle = find(tools, "cx-ws-voting")
    assert toggle.value is True and toggle.description.startswith("Voting is open") and not (run / ws.DB_NAME).exists()
    toggle.value = False
    assert not Workshop(run).voting_open() and toggle.description.startswith("Voting is closed")
    lou = ui.Session(run)
    lou.sign_in(person("Lou", "participant"))
    with pytest.raises(WorkshopError, match="Voting is closed; the facilitator can open it again."):
        lou.vote("ex-a", 1)
    assert Workshop(run).participant("login:lou") is None and not lou.memory.voting_open

    short = exhibits.short_ids(EXHIBITS)
    good = f"short_id,name,department,votes,note\n{short['ex-a']},Pat,design,2,=1+2\n{short['ex-b']},Ros,business,1,\n"
    html = upload(tools, "cards.CSV", good.encode("utf-8-sig"))
    assert "2 rows merged (2 changed the workshop, 2 new paper participants); none rejected." in html
    assert Workshop(run).tally("ex-a")["votes"] == 2                    # merged while voting is closed
    bad = f"short_id,name,department\nZZZZ,Pat,design\n{short['ex-b']},<img src=x onerror=alert(1)>,sales\n"
    html = upload(tools, "cards.csv", bad.encode())
    assert "Nothing was merged: 2 rows rejected" in html and "row 2, column &#x27;short_id&#x27;" in html
    assert "row 3, column &#x27;department&#x27;" in html and "<img" not in html and str(tmp_path) not in html
    assert "CSV UTF-8" in upload(tools, "cards.xlsx", good.encode())
    assert "at most 2 MB" in upload(tools, "big.csv", b"x" * (facilitator.MAX_UPLOAD + 1))
    assert "header lacks" in upload(tools, "cols.csv", b"name\nPat\n")
    assert Workshop(run).tally("ex-b")["votes"] == 1

    click(tools, "cx-ws-export-button")
    link = find(tools, "cx-ws-export-link").value
    href = re.search(r'href="data:text/csv;base64,([^"]+)" download="workshop-20260101-000000.csv"', link)
    assert href and "(2 rows)" in link
    export_csv(run, tmp_path / "cli.csv")                               # what `cxkit workshop export` writes
    assert base64.b64decode(href.group(1)) == (tmp_path / "cli.csv").read_bytes()
    toggle.value = True
    assert Workshop(run).voting_open() and lou.vote("ex-a", 1) == 4


def test_tools_follow_the_role_and_are_refused_to_others_in_the_kernel(run: Path) -> None:
    analyst = facilitator.welcome(run, person("Al", "analyst"))
    assert find(analyst, "cx-ws-export-button") is not None
    assert find(analyst, "cx-ws-voting") is None and find(analyst, "cx-ws-import") is None
    click(analyst, "cx-ws-export-button")
    assert "Nothing to export yet" in find(analyst, "cx-ws-export-link").value and not (run / ws.DB_NAME).exists()
    ui._SESSIONS.clear()
    assert facilitator.welcome(run, person("Pia", "participant")) is None
    pia = ui.session(run)
    with pytest.raises(WorkshopError, match="only the facilitator"):
        facilitator.merge_upload(pia, "x.csv", b"short_id,name,department\n")
    with pytest.raises(WorkshopError):
        facilitator.export_link(pia)
    with pytest.raises(WorkshopError):
        pia.set_voting(False)
    assert not (run / ws.DB_NAME).exists()
    ui._SESSIONS.clear()
    assert find(facilitator.welcome(run, open_visitor()), "cx-ws-voting") is not None   # single-user: all the tools


def test_search_text_is_cut_to_its_limit_before_any_filtering(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kit.core.runs import load_run
    from kit.pages import gallery as dashboard
    from kit.synth import run_folder as synth_run
    page = dashboard.GalleryPage(*load_run(synth_run.write(tmp_path / "run", 20, thumbs=0)))
    page.show()
    seen: list[int] = []
    real = dashboard.filter_exhibits
    monkeypatch.setattr(dashboard, "filter_exhibits", lambda records, **kw: seen.append(len(kw["q"])) or real(records, **kw))
    page.grid.query = {**page.grid.query, "q": "y" * 100_000}           # as the widget sends it
    assert len(page.grid.query["q"]) == dashboard.MAX_QUERY and seen and max(seen) <= dashboard.MAX_QUERY
    page.visit({"q": "z" * 5_000})                                     # from the query string
    assert page.grid.query["q"] == "z" * dashboard.MAX_QUERY and max(seen) <= dashboard.MAX_QUERY
    assert len(real(page.records, q="q" * 5_000)) == 0
    page.grid.query = {**page.grid.query, "stage": "s" * 10_000}
    assert page.grid.query["stage"] == ""
    assert fields.MAX_NAME == 60 and fields.MAX_NOTE == 2000
