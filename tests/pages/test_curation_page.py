"""Curating the gallery in the page, kernel side: each action is a journal edit, and the cards follow at once.

Pages are built on a small synthetic run whose manifest names a project folder, signed in as the
gallery signs them in (``GalleryPage.welcome``); the browser's side is played by hand: the custom
messages the curation panels send (whether or not the page drew those panels). Nothing here starts
Voilà or a browser.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from kit.core.paths import SAMPLE_PROJECT
from kit.core.runs import load_run
from kit.core.step import open_step
from kit.core.visitor import Visitor, open_visitor
from kit.curation import journal
from kit.pages import curation
from kit.pages import gallery as dashboard
from kit.pages import workshop as ui
from kit.steps.curation import curate
from kit.synth import run_folder as synth_run

pytestmark = pytest.mark.usefixtures("fresh_sessions")


@pytest.fixture
def run(tmp_path: Path) -> Path:
    """A 30-exhibit run whose manifest names its project (a folder holding the sample's project.yaml)."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(SAMPLE_PROJECT / "project.yaml", project / "project.yaml")
    folder = synth_run.write(tmp_path / "run", 30, thumbs=0)
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({**manifest, "project": str(project)}))
    return folder


def journal_of(run: Path) -> Path:
    return Path(json.loads((run / "manifest.json").read_text())["project"]) / journal.JOURNAL


def page_for(run: Path, who: Visitor | None) -> dashboard.GalleryPage:
    page = dashboard.GalleryPage(*load_run(run))
    page.shown = page.filtered()
    page.render()
    page.show()
    page.welcome(who)
    return page


def person(name: str, role: str) -> Visitor:
    return Visitor(name=name, role=role, department="design", run="run")


def send(page: dashboard.GalleryPage, message: dict, part: str = "drawer") -> dict:
    """A custom message as a curation panel's front end sends it; the panel's status afterwards."""
    cur = curation._CURATORS[page]
    panel = cur.section if part == "section" else cur.drawer
    panel._handle_custom_msg({**message, "part": part}, [])
    return panel.status


def card_ids(page: dashboard.GalleryPage) -> list[str]:
    return [c["id"] for c in page.grid.cards]


def test_an_analysts_hide_recode_merge_and_undo_are_kept_and_shown_at_once(run: Path) -> None:
    page = page_for(run, person("Ana", "analyst"))
    first, second, third = card_ids(page)[:3]
    page.open(first)
    assert any(isinstance(c, curation.CurationPanel) for c in page.detail.children)     # the drawer has the controls

    status = send(page, {"op": "hide", "exhibit": first, "reason": "dupli\u200bcate\u202e of another"})
    assert not status["error"], status
    assert first not in card_ids(page) and first not in page.by_id
    assert page.detail.layout.display == "none"                                      # its drawer closed
    hidden = curation._CURATORS[page].section.state["hidden"]
    assert hidden == [{"id": first, "title": hidden[0]["title"], "reason": "duplicate of another", "by": "Ana"}]

    page.open(second)
    stage = "purchase" if page.by_id[second]["stage"] != "purchase" else "support"
    assert not send(page, {"op": "recode", "exhibit": second, "stage": stage, "valence": -0.8})["error"]
    assert page.by_id[second]["stage"] == stage and page.by_id[second]["valence"] == -0.8
    assert not send(page, {"op": "merge", "exhibit": second, "into": third})["error"]
    assert second not in page.by_id and [a["id"] for a in page.by_id[third]["merged"]] == [second]

    edits = journal.read(journal_of(run))
    assert [e.op for e in edits] == ["hide", "recode", "recode", "merge"]
    assert {(e.who, e.role) for e in edits} == {("Ana", "analyst")}
    assert edits[0].reason == "duplicate of another"                                 # cleaned as typed text

    recent = curation._CURATORS[page].drawer.state["recent"]
    assert recent[0]["text"].startswith("Merged") and len(recent) == 4
    for row in recent[:1] + recent[3:]:                                              # undo the merge, then the hide
        assert not send(page, {"op": "undo", "edit": row["id"]})["error"]
    assert first in page.by_id and second in page.by_id and first in [r["id"] for r in page.shown]
    assert page.by_id[second]["stage"] == stage                                      # the re-code stands
    assert [e.op for e in journal.read(journal_of(run))][-2:] == ["undo", "undo"]


def test_a_rerun_of_the_gallery_step_keeps_what_the_page_did(run: Path, tmp_path: Path) -> None:
    page = page_for(run, open_visitor())
    original = json.loads((run / "exhibits.json").read_text())
    a, b = card_ids(page)[:2]
    send(page, {"op": "hide", "exhibit": a, "reason": "off topic"})
    send(page, {"op": "edit", "exhibit": b, "title": "Card declined twice", "caption": "At the till"})
    send(page, {"op": "pin", "exhibit": b})
    assert card_ids(page)[0] == b and page.grid.cards[0]["title"] == "Card declined twice"
    assert journal.read(journal_of(run))[0].role == "owner"                            # single-user: the one who serves
    step = open_step("gallery", journal_of(run).parent, tmp_path / "rerun")
    shown = curate(step, original)
    assert a not in [r["id"] for r in shown]
    assert shown[0]["id"] == b and shown[0]["title"] == "Card declined twice" and shown[0]["caption"] == "At the till"
    assert sorted(r["id"] for r in shown) == sorted(page.by_id)


def test_viewers_and_participants_get_no_controls_and_their_messages_are_refused_in_the_kernel(
        run: Path, caplog: pytest.LogCaptureFixture) -> None:
    for role in ("viewer", "participant"):
        ui._SESSIONS.clear()
        page = page_for(run, person("Vic", role))
        cur = curation._CURATORS[page]
        assert cur.section not in page.tools.children
        first = card_ids(page)[0]
        page.open(first)
        assert not any(isinstance(c, curation.CurationPanel) for c in page.detail.children)
        with caplog.at_level(logging.WARNING, logger="cxkit.curation"):
            for message in ({"op": "hide", "exhibit": first, "reason": "mine"}, {"op": "tag_create", "tag": "x"},
                            {"op": "undo", "edit": "0" * 32}, {"op": "find", "q": "a"}):
                status = send(page, message)
                assert status["error"] and status["text"] == "Your role does not curate the gallery."
        assert not journal_of(run).exists() and first in card_ids(page)
    assert caplog.text.count("refused a") == 8


def test_a_page_whose_visitor_is_not_vouched_for_curates_nothing(run: Path) -> None:
    page = page_for(run, None)
    assert send(page, {"op": "hide", "exhibit": card_ids(page)[0], "reason": "x"})["error"]
    assert not journal_of(run).exists()


def test_orphaned_edits_are_listed_with_their_reason(run: Path) -> None:
    path = journal_of(run)
    journal.append(path, journal.make(who="Bo", role="analyst", op="hide", exhibit="gone-1", reason="old run"))
    page = page_for(run, person("Ana", "analyst"))
    orphans = curation._CURATORS[page].section.state["orphans"]
    assert orphans == [{"text": "Hidden: gone-1", "who": "Bo", "why": "exhibit gone-1 is no longer in the run"}]


def test_other_pages_pick_an_edit_up_on_their_next_tick(run: Path) -> None:
    viewer = page_for(run, person("Vic", "viewer"))
    first = card_ids(viewer)[0]
    other = journal.make(who="Ana", role="analyst", op="hide", exhibit=first, reason="shown twice")
    journal.append(journal_of(run), other)                  # an analyst's page, in another kernel
    assert first in viewer.by_id
    ui.session(run).notify()                                # the workshop bar's tick
    assert first not in viewer.by_id and first not in card_ids(viewer)
    cur = curation._CURATORS[viewer]
    assert cur.live is not None and not cur.live.reload()   # read once; not again until the journal changes


def test_tags_from_the_codebook_and_its_rename(run: Path) -> None:
    page = page_for(run, person("Ana", "analyst"))
    first = card_ids(page)[0]
    page.open(first)
    assert send(page, {"op": "tag_add", "exhibit": first, "tag": "queues"})["error"]        # not in the codebook yet
    assert not send(page, {"op": "tag_create", "tag": " queues\u200f "}, "section")["error"]
    assert not send(page, {"op": "tag_add", "exhibit": first, "tag": "queues"})["error"]
    assert page.by_id[first]["tags"] == ["queues"]
    assert not send(page, {"op": "tag_rename", "old": "queues", "new": "waiting"}, "section")["error"]
    assert page.by_id[first]["tags"] == ["waiting"]
    assert curation._CURATORS[page].section.state["codebook"] == ["waiting"]
    assert send(page, {"op": "recode", "exhibit": first, "stage": "<script>"})["error"]      # not a project stage


def test_typed_text_is_shown_escaped(run: Path) -> None:
    page = page_for(run, person("Ana", "analyst"))
    first = card_ids(page)[0]
    page.open(first)
    send(page, {"op": "edit", "exhibit": first, "title": "<img src=x onerror=alert(1)>"})
    html = "".join(getattr(c, "value", "") for c in page.detail.children)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img src=x" not in html
    card = next(c for c in page.grid.cards if c["id"] == first)
    assert card["title"].startswith("<img")                 # plain text: the grid draws it with textContent


def test_a_hidden_exhibit_is_shown_again_from_the_section_and_pins_come_first(run: Path) -> None:
    page = page_for(run, person("Ana", "analyst"))
    a, b, c = card_ids(page)[:3]
    send(page, {"op": "hide", "exhibit": a, "reason": "not now"})
    assert not send(page, {"op": "show", "exhibit": a}, "section")["error"]
    assert a in page.by_id and curation._CURATORS[page].section.state["hidden"] == []
    send(page, {"op": "pin", "exhibit": c})
    send(page, {"op": "pin", "exhibit": b})
    assert card_ids(page)[:2] == [c, b]
    send(page, {"op": "unpin", "exhibit": c})
    assert card_ids(page)[0] == b and c in card_ids(page)[1:]
    page.open(a)
    send(page, {"op": "find", "exhibit": a, "q": b})
    assert curation._CURATORS[page].drawer.state["matches"][0]["id"] == b
    assert send(page, {"op": "merge", "exhibit": a, "into": a})["error"]
    assert send(page, {"op": "hide", "exhibit": "nope", "reason": "x"})["text"] == "exhibit 'nope' is not in this run"
    assert [e.op for e in journal.read(journal_of(run))] == ["hide", "show", "pin", "pin", "unpin"]


def test_the_kept_order_is_the_galleries_default_order_with_pins_first(run: Path) -> None:
    from kit.analysis import gallery_order
    records = gallery_order.shown(load_run(run)[2])
    negatives = [{"evidence_strength": 3.0, "exhibits": [records[-1]["id"]]}]
    order = curation.Order()
    expected = gallery_order.default_order(records, negatives)
    assert [r["id"] for r in order(records, negatives)] == [r["id"] for r in expected]
    pinned = {**records[5], "curation": {"pinned": 0}, "valence": 0.9}               # an edited copy, as replay makes
    again = [pinned if r is records[5] else r for r in records]
    assert [r["id"] for r in order(again, negatives)] == \
        [r["id"] for r in curation.pinned_first(gallery_order.default_order(again, negatives))]
    assert order(again, negatives)[0] is pinned


def test_a_merge_into_a_photo_that_stands_for_near_duplicates_keeps_both_groupings(run: Path) -> None:
    """A photo leading near-duplicates lists their ids under ``also``; a merge by hand adds under ``merged``."""
    records = json.loads((run / "exhibits.json").read_text())
    lead, twin, other = records[0], records[1], records[2]
    lead["also"], twin["part_of"] = [twin["id"]], lead["id"]
    (run / "exhibits.json").write_text(json.dumps(records))
    page = page_for(run, person("Ana", "analyst"))
    page.open(other["id"])
    status = send(page, {"op": "merge", "exhibit": other["id"], "into": lead["id"]})
    assert not status["error"], status
    kept = page.by_id[lead["id"]]
    assert kept["also"] == [twin["id"]] and [m["id"] for m in kept["merged"]] == [other["id"]]
    assert other["id"] not in card_ids(page) and page.groups[lead["id"]] == [twin["id"]]
    assert kept["merged"][0]["source"] == other["source"]                      # every source kept


def test_a_persian_page_names_the_kits_own_tags_in_persian(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(SAMPLE_PROJECT / "project.yaml", project / "project.yaml")
    folder = synth_run.write(tmp_path / "run", 5, thumbs=0, ui_language="fa")
    records = json.loads((folder / "exhibits.json").read_text())
    records[0]["tags"] = ["failure", "ideal-gap", "بسته‌بندی"]
    (folder / "exhibits.json").write_text(json.dumps(records))
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({**manifest, "project": str(project)}))
    page = page_for(folder, person("Ana", "analyst"))
    page.open(records[0]["id"])
    labels = curation._CURATORS[page].drawer.state["tag_labels"]
    assert labels == {"failure": "خرابی", "ideal-gap": "فاصله از هدف"}          # a person's own tag is shown as typed
    assert not send(page, {"op": "tag_rename", "old": "failure", "new": "خطا"}, "section")["error"]
    assert curation._CURATORS[page].drawer.state["recent"][0]["text"].endswith("خرابی → خطا")
