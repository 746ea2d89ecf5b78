"""The facilitator's round timer: kept in the store, counted down from its end, closing the vote when it is over,
and started or stopped only by a facilitator (or the one person of a single-user page)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from kit.core.visitor import Visitor, open_visitor
from kit.pages import facilitator
from kit.pages import workshop as ui
from kit.pages.workshop_session import _attempt
from kit.workshop.board import round_payload
from kit.workshop.fields import WorkshopError
from kit.workshop.reading import ROUND_ENDS, closed_by, round_state
from kit.workshop.store import Workshop, open_existing
from tests.pages.test_workshop_identity import click, find

EXHIBITS = ["ex-a", "ex-b"]


@pytest.fixture
def run(tmp_path: Path) -> Path:
    run = tmp_path / "20260101-000000"
    run.mkdir()
    (run / "exhibits.json").write_text(json.dumps([{"id": i, "kind": "quote", "title": f"Title {i}", "schema": 1,
                                                    "source": {"file": "s.csv"}} for i in EXHIBITS]))
    return run


pytestmark = pytest.mark.usefixtures("fresh_sessions")


def person(name: str, role: str) -> Visitor:
    return Visitor(name=name, role=role, department="design", run="20260101-000000")


def end_the_round(run: Path) -> None:
    """Put the round's end a second in the past, as if its minutes had gone by."""
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)).isoformat(timespec="seconds")
    with sqlite3.connect(run / "workshop.sqlite") as db:
        db.execute("UPDATE meta SET value = ? WHERE key = ?", (past, ROUND_ENDS))


def test_a_round_is_stored_with_its_end_and_counted_down_from_it(run: Path) -> None:
    shop = Workshop(run, votes_per_person=3)
    assert shop.round() == {"ends": "", "minutes": 0, "left": 0, "over": False}
    before = dt.datetime.now(dt.UTC)
    ends = shop.start_round(5, by="Fay")
    end = dt.datetime.fromisoformat(ends)
    assert dt.timedelta(minutes=5) - dt.timedelta(seconds=2) <= end - before <= dt.timedelta(minutes=5, seconds=1)
    meta = open_existing(run).meta()                       # another process (a board) reads the same round
    assert meta["round_ends"] == ends and meta["round_minutes"] == "5" and meta["voting_by"] == "Fay"
    assert round_state(meta, at=end - dt.timedelta(seconds=90)) == {"ends": ends, "minutes": 5, "left": 90, "over": False}
    assert round_state(meta, at=end + dt.timedelta(seconds=1))["over"] is True
    assert round_state(meta, at=end + dt.timedelta(seconds=1))["left"] == 0
    assert shop.voting_open()


def test_votes_are_refused_once_the_round_is_over_and_taken_again_after_the_next_start(run: Path) -> None:
    shop = Workshop(run, votes_per_person=3)
    me = shop.join("Ana", "design").token
    shop.start_round(1, by="Fay")
    assert shop.vote(me, "ex-a") == 2
    end_the_round(run)
    assert not shop.voting_open() and closed_by(shop.meta()) == "time_up"
    for act in (lambda: shop.vote(me, "ex-a"), lambda: shop.rate(me, "ex-a", 3), lambda: shop.note(me, "ex-a", "x")):
        with pytest.raises(WorkshopError) as refused:
            act()
        assert refused.value.label == "ws_time_up"
    assert shop.my_dots(me, "ex-a") == 1
    shop.start_round(2, by="Fay")
    assert shop.vote(me, "ex-a") == 1


def test_stopping_the_timer_or_the_voting_switch_ends_the_round(run: Path) -> None:
    shop = Workshop(run, votes_per_person=3)
    shop.start_round(3, by="Fay")
    shop.stop_round(by="Fay")
    assert shop.round()["ends"] == "" and shop.voting_open()
    shop.start_round(3, by="Fay")
    shop.set_voting(False, by="Fay")
    assert shop.round()["ends"] == "" and closed_by(shop.meta()) == "closed"
    assert round_payload(shop)["closed"] is True


@pytest.mark.parametrize("minutes", [0, -5, 121, 2.5, True, "5"])
def test_a_round_of_an_impossible_length_is_refused(run: Path, minutes: object) -> None:
    shop = Workshop(run)
    with pytest.raises(WorkshopError) as refused:
        shop.start_round(minutes, by="Fay")                # type: ignore[arg-type]
    assert refused.value.label == "ws_round_minutes"
    assert shop.round()["ends"] == ""


def test_the_round_payload_carries_the_kernels_clock_only_while_a_round_runs(run: Path) -> None:
    assert round_payload(None) == {"ends": "", "now": "", "minutes": 0, "closed": False}
    shop = Workshop(run)
    assert round_payload(shop) == {"ends": "", "now": "", "minutes": 0, "closed": False}
    shop.start_round(10, by="Fay")
    payload = round_payload(shop)
    assert payload["minutes"] == 10 and payload["ends"] > payload["now"] != ""


def test_only_a_facilitator_starts_or_stops_a_round_and_the_refusal_is_in_the_kernel(run: Path) -> None:
    for role in ("viewer", "participant", "analyst"):
        ui._SESSIONS.clear()
        s = ui.session(run)
        s.sign_in(person("Pat", role))
        with pytest.raises(WorkshopError) as refused:
            s.start_round(5)
        assert refused.value.label == "ws_facilitator_only"
        with pytest.raises(WorkshopError):
            s.stop_round()
    shop = open_existing(run)
    assert shop is None or shop.round()["ends"] == ""
    ui._SESSIONS.clear()
    fay = ui.session(run)
    fay.sign_in(person("Fay", "facilitator"))
    fay.start_round(5)
    assert open_existing(run).meta()["voting_by"] == "Fay"
    assert fay.memory.round["minutes"] == 5                 # the bar's clock got the round at once


def test_the_single_user_starts_a_round_from_the_tools_and_the_bar_shows_it(run: Path) -> None:
    tools = facilitator.welcome(run, open_visitor())
    s = ui.session(run)
    find(tools, "cx-ws-round-minutes").value = 10
    click(tools, "cx-ws-round-start")
    state = open_existing(run).round()
    assert state["minutes"] == 10 and 590 <= state["left"] <= 600
    assert s.memory.round["ends"] == state["ends"]
    click(tools, "cx-ws-round-stop")
    assert open_existing(run).round()["ends"] == "" and s.memory.round["ends"] == ""


def test_a_participants_click_on_start_from_a_forged_page_changes_nothing(run: Path) -> None:
    s = ui.session(run)
    s.sign_in(person("Pat", "participant"))
    assert facilitator.tools(s) is None                     # no tools drawn for them
    _, error = _attempt(lambda: s.start_round(5))
    assert "facilitator" in error.lower()
    assert open_existing(run) is None or open_existing(run).round()["ends"] == ""
