"""Themes reshaped in the page, kernel side: rename, merge and split off an answer; each a journal line, the
Curation section's list and the served run's tables following at once, an undo bringing the made label back."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.core import runfolder
from kit.curation import journal
from kit.pages import curation
from tests.curation.test_cuts import quick_faces, video  # noqa: F401 - fixtures
from tests.pages.test_curation_cuts_page import served  # noqa: F401 - fixture
from tests.pages.test_curation_page import page_for, person, send

pytestmark = pytest.mark.usefixtures("fresh_sessions", "quick_faces")


def _themes_of(run: Path, comment: str) -> str:
    table = runfolder.read_table(run, "comments")
    return str(table.loc[table["comment_id"] == comment, "themes"].iloc[0])


def test_rename_merge_and_split_are_kept_shown_and_written_into_the_run(served: tuple[Path, Path, str]) -> None:  # noqa: F811
    project, run, _ = served
    page = page_for(run, person("Ana", "analyst"))
    section = curation._CURATORS[page].section
    assert section.state["themes"] == ["meal plan", "coach", "recipes"]
    assert not runfolder.as_made_path(run, "themes").exists()                       # listing them wrote nothing

    assert not send(page, {"op": "theme_rename", "old": "meal plan", "new": "Morning meal plan"}, "section")["error"]
    assert section.state["themes"] == ["Morning meal plan", "coach", "recipes"]
    assert _themes_of(run, "R1:disliked_most") == "Morning meal plan | coach"        # the run's tables follow

    status = send(page, {"op": "theme_merge", "old": ["coach", "recipes"], "new": "Coaching"}, "section")
    assert not status["error"], status
    assert section.state["themes"] == ["Morning meal plan", "Coaching"]

    send(page, {"op": "find_answers", "q": "froze"}, "section")
    assert section.state["answers"][0]["themes"] == ["Morning meal plan", "Coaching"]
    status = send(page, {"op": "theme_split", "comment": "R1:disliked_most", "theme": "Coaching", "new": "Crashes"},
                  "section")
    assert not status["error"], status
    assert _themes_of(run, "R1:disliked_most") == "Morning meal plan | Crashes"
    assert [e.op for e in journal.read(project / journal.JOURNAL)] == ["theme_rename", "theme_merge", "theme_split"]

    first = journal.read(project / journal.JOURNAL)[0]
    assert not send(page, {"op": "undo", "edit": first.id})["error"]               # the rename undone
    assert section.state["themes"][0] == "meal plan"
    assert _themes_of(run, "R3:liked_most") == "Coaching"


def test_theme_edits_that_do_not_hold_are_refused(served: tuple[Path, Path, str]) -> None:  # noqa: F811
    project, run, _ = served
    page = page_for(run, person("Ana", "analyst"))
    for message, why in (({"op": "theme_rename", "old": "nothing", "new": "x"}, "no theme 'nothing'"),
                         ({"op": "theme_rename", "old": "coach", "new": " "}, "name the theme"),
                         ({"op": "theme_merge", "old": ["coach"], "new": "x"}, "two themes or more"),
                         ({"op": "theme_split", "comment": "R1:disliked_most", "theme": "coach", "new": "x"},
                          "find the answer first")):
        status = send(page, message, "section")
        assert status["error"] and why in status["text"], (message, status)
    send(page, {"op": "find_answers", "q": "froze"}, "section")
    status = send(page, {"op": "theme_split", "comment": "R1:disliked_most", "theme": "recipes", "new": "x"}, "section")
    assert "not in theme 'recipes'" in status["text"]
    assert not (project / journal.JOURNAL).exists()
    viewer = page_for(run, person("Vic", "viewer"))
    assert send(viewer, {"op": "theme_rename", "old": "coach", "new": "x"})["text"] == "Your role does not curate the gallery."
