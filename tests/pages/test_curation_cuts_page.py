"""Cutting evidence in the page, kernel side: a clip from the opened exhibit's transcript lines, a quote from an
answer found by its words; each made at once through the pipeline's privacy path, kept in the journal and made
again by the next run under the same id. The browser's side is played by hand, as in test_curation_page.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kit.core import runfolder
from kit.core.step import open_step
from kit.curation import journal
from kit.curation.cuts import cut_id
from kit.pages import curation
from kit.steps.curation import curate
from kit.synth import run_folder as synth_run
from tests.curation.test_cuts import _project, _tables, publish_lines, quick_faces, video  # noqa: F401 - fixtures
from tests.pages.test_curation_page import card_ids, page_for, person, send

pytestmark = pytest.mark.usefixtures("fresh_sessions", "quick_faces")


@pytest.fixture
def served(tmp_path: Path, video: Path) -> tuple[Path, Path, str]:  # noqa: F811 - the fixture above
    """A run holding a clip exhibit of recording s01, its published lines, answers, and the project it names."""
    project = _project(tmp_path / "project", video)
    run = synth_run.write(tmp_path / "run", 6, thumbs=0)
    _tables(run)
    publish_lines(project, run)
    records = json.loads((run / "exhibits.json").read_text())
    clip = {**records[0], "id": "rec-s01-0003", "kind": "clip", "evidence": {"recording": "s01"},
            "media": {"start_s": 3.5, "end_s": 7.0}}
    runfolder.write_exhibits(run, [clip, *records[1:]])
    manifest = json.loads((run / "manifest.json").read_text())
    (run / "manifest.json").write_text(json.dumps({**manifest, "project": str(project)}))
    return project, run, clip["id"]


def test_an_analyst_cuts_a_clip_from_the_transcript_and_the_next_run_keeps_it(served: tuple[Path, Path, str]) -> None:
    project, run, clip_id = served
    page = page_for(run, person("Ana", "analyst"))
    page.open(clip_id)
    cur = curation._CURATORS[page]
    script = cur.drawer.state["transcript"]
    assert script["recording"] == "s01" and [line["i"] for line in script["lines"]] == [0, 1, 2]
    assert (script["first"], script["last"]) == (1, 1)                        # the exhibit's own moment chosen
    assert "anna.berg@example.com" not in json.dumps(script) and "[email]" in script["lines"][1]["text"]

    status = send(page, {"op": "cut_clip", "exhibit": clip_id, "first": 1, "last": 2, "title": "Waits <b>twice</b>"})
    assert not status["error"], status
    (edit,) = journal.read(project / journal.JOURNAL)
    new = cut_id(edit.id)
    assert edit.op == "cut_clip" and edit.after["lines"] == [1, 2] and edit.who == "Ana"
    assert new in card_ids(page) and page.by_id[new]["title"] == "Waits <b>twice</b>"      # drawn as text
    assert (run / page.by_id[new]["media"]["clip"]).is_file()
    assert "[email]" in page.by_id[new]["quote"]
    assert cur.drawer.state["recent"][0]["text"].startswith("Clip cut: Waits")

    rerun = curate(open_step("gallery", project, run), json.loads((run / "exhibits.json").read_text()))
    assert new in [r["id"] for r in rerun]


def test_a_cut_that_cannot_be_made_is_refused_and_not_kept(served: tuple[Path, Path, str]) -> None:
    project, run, clip_id = served
    page = page_for(run, person("Ana", "analyst"))
    page.open(clip_id)
    for message, why in (({"first": 2, "last": 1}, "from a line to a later one"),
                         ({"first": 0, "last": 9}, "within the 3 lines"), ({"first": -1, "last": 0}, "choose the first")):
        status = send(page, {"op": "cut_clip", "exhibit": clip_id, **message})
        assert status["error"] and why in status["text"], status
    other = card_ids(page)[-1]
    assert "no transcript" in send(page, {"op": "cut_clip", "exhibit": other, "first": 0, "last": 0})["text"]
    assert not (project / journal.JOURNAL).exists()


def test_a_quote_is_made_from_a_consented_answer_found_by_its_words(served: tuple[Path, Path, str]) -> None:
    project, run, _ = served
    page = page_for(run, person("Ana", "analyst"))
    cur = curation._CURATORS[page]
    assert not send(page, {"op": "find_answers", "q": "ANSWERED"}, "section")["error"]
    assert cur.section.state["answers"] == [] and cur.section.state["asked"]            # R2 did not consent
    assert "make it a quote" in send(page, {"op": "cut_quote", "comment": "R2:disliked_most"}, "section")["text"]
    send(page, {"op": "find_answers", "q": "froze"}, "section")
    (hit,) = cur.section.state["answers"]
    assert hit == {"id": "R1:disliked_most", "text": "The app froze, write to me at bo@example.org", "from": "survey",
                   "themes": ["meal plan", "coach"]}
    assert not send(page, {"op": "cut_quote", "comment": hit["id"]}, "section")["error"]
    (edit,) = journal.read(project / journal.JOURNAL)
    quote = page.by_id[cut_id(edit.id)]
    assert edit.after["response"] == "R1" and edit.after["field"] == "disliked_most"
    assert quote["kind"] == "quote" and quote["quote"] == "The app froze, write to me at [email]"   # redacted as made


def test_a_viewer_cannot_cut(served: tuple[Path, Path, str]) -> None:
    project, run, clip_id = served
    page = page_for(run, person("Vic", "viewer"))
    for message in ({"op": "cut_clip", "exhibit": clip_id, "first": 0, "last": 1},
                    {"op": "find_answers", "q": "froze"}, {"op": "cut_quote", "comment": "R1:disliked_most"}):
        assert send(page, message)["text"] == "Your role does not curate the gallery."
    assert not (project / journal.JOURNAL).exists()


def test_other_pages_show_a_cut_from_the_record_the_cutting_page_saved(served: tuple[Path, Path, str],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    project, run, clip_id = served
    page = page_for(run, person("Ana", "analyst"))
    page.open(clip_id)
    send(page, {"op": "cut_clip", "exhibit": clip_id, "first": 1, "last": 1})
    (edit,) = journal.read(project / journal.JOURNAL)
    assert runfolder.read_cut(run, cut_id(edit.id))["id"] == cut_id(edit.id)
    assert runfolder.read_cut(run, "../manifest") is None                   # only a cut's id names a file
    import kit.pages.curation_cuts as cuts_ui
    monkeypatch.setattr(cuts_ui, "cut_now", lambda *a: pytest.fail("the media was cut a second time"))
    other = page_for(run, person("Vic", "viewer"))
    assert cut_id(edit.id) in card_ids(other)
