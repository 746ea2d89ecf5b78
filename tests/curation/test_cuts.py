"""Evidence cut by hand: a clip from a transcript and a quote from an answer, made on replay through the
pipeline's own privacy path (consent, PII, pseudonyms, the project's redact list, faces, the clip's
sound), orphans when their source is gone, the same exhibits from the same journal; and themes renamed,
merged and split."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from kit.core import exhibits as ex
from kit.core import runfolder
from kit.core.errors import CurationError
from kit.core.schema import COMMENT_COLUMNS, RESPONSE_COLUMNS
from kit.core.step import open_step
from kit.curation import journal
from kit.curation.cuts import cut_id
from kit.curation.replay import replay
from kit.curation.themes import ThemeBook
from kit.steps.curation import curate, cut_now
from tests.evidence.test_media import make_video

VTT = """WEBVTT

00:00:01.000 --> 00:00:03.000
Lena: How did the sign-up go?

00:00:03.500 --> 00:00:07.000
Anna Berg: This is Anna. Terrible, I had to wait. Mail me at anna.berg@example.com please.

00:00:07.500 --> 00:00:10.000
Anna Berg: Ask Zorba, he saw it fail twice.
"""
PROJECT = """name: Cut test
interviewers: [Lena]
journey: {stages: [signup, support]}
channels: [app, email]
recordings:
  - {id: s01, media: recordings/s01.mp4, transcript: recordings/s01.vtt, participant: P07, consent: true}
  - {id: s02, media: recordings/s01.mp4, transcript: recordings/s01.vtt, participant: P08, consent: false}
privacy: {redact: [Zorba]}
"""
COMMENTS = [("R1:disliked_most", "R1", "disliked_most", "The app froze, write to me at bo@example.org", "meal plan | coach"),
            ("R2:disliked_most", "R2", "disliked_most", "Nobody <b>answered</b> my email", "coach"),
            ("R3:liked_most", "R3", "liked_most", "Recipes are lovely", "recipes")]
RESPONSES = [("R1", 2, True), ("R2", 3, False), ("R3", 10, True)]


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_video(tmp_path_factory.mktemp("media") / "s01.mp4", seconds=12.0)


@pytest.fixture(autouse=True)
def quick_faces(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The real blurrer with its detector counted (the model itself is slow and tested elsewhere)."""
    import kit.evidence.faces
    calls: list[int] = []

    def detect(frame: np.ndarray) -> list[tuple[int, int, int, int]]:
        calls.append(1)
        return []
    monkeypatch.setattr(kit.evidence.faces, "detect_faces", detect)
    return calls


def _project(root: Path, video: Path) -> Path:
    (root / "recordings").mkdir(parents=True)
    shutil.copy(video, root / "recordings/s01.mp4")
    (root / "recordings/s01.vtt").write_text(VTT, encoding="utf-8")
    (root / "project.yaml").write_text(PROJECT, encoding="utf-8")
    return root


def _tables(run: Path) -> None:
    """The answers as ingest publishes them, and their themes."""
    comments = pd.DataFrame([{"comment_id": c, "response_id": r, "field": f, "text": t, "lang": "en",
                              "sentiment": -0.5, "themes": th, "source": "surveys/q3.csv"}
                             for c, r, f, t, th in COMMENTS], columns=COMMENT_COLUMNS)
    responses = pd.DataFrame([{"response_id": r, "customer_id": None, "submitted_at": pd.Timestamp("2026-07-01", tz="UTC"),
                               "nps": nps, "csat": 3, "ces": 4, "stage": "support", "channel": "app", "segment": "new",
                               "consent": ok, "source_file": "surveys/q3.csv", "source_row": i + 2}
                              for i, (r, nps, ok) in enumerate(RESPONSES)], columns=RESPONSE_COLUMNS)
    responses["consent"] = responses["consent"].astype("boolean")
    runfolder.write_table(run, "comments", comments)
    runfolder.write_table(run, "responses", responses)
    themes = pd.DataFrame({"theme": ["en-0", "en-1", "en-2"], "lang": "en", "label": ["meal plan", "coach", "recipes"],
                           "terms": ["meal plan", "coach", "recipes"], "n_answers": [1, 2, 1],
                           "quotes": [[COMMENTS[0][3]], [COMMENTS[0][3], COMMENTS[1][3]], [COMMENTS[2][3]]],
                           "quote_ids": [["R1:disliked_most"], ["R1:disliked_most", "R2:disliked_most"], ["R3:liked_most"]]})
    themes.to_parquet(runfolder.table_path(run, "themes"), index=False)


def _journal(project: Path, *edits: journal.Edit) -> list[journal.Edit]:
    for e in edits:
        journal.append(project / journal.JOURNAL, e)
    return list(edits)


def _cut(op: str, **after: Any) -> journal.Edit:
    return journal.make(who="ana", role="analyst", op=op, after=after)


def _curate(project: Path, run: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    step = open_step("gallery", project, run)
    return curate(step, []), runfolder.read_curation(run)


def publish_lines(project: Path, run: Path) -> None:
    """Recording s01's transcript lines as the recordings step publishes them (feeling -0.6 each)."""
    from kit.core.project import load
    from kit.evidence import pseudonyms
    from kit.steps.recordings import process_recordings
    p = load(project)
    result = process_recordings(project, [p.recordings[0].model_dump()], run, interviewers=p.interviewers, redact=True,
                                blur_faces=False, require_consent=True, rejects=open_step("x", project, run).rejects,
                                stages=p.journey.stages, channels=p.channels, names=pseudonyms.for_project(p),
                                scorer=lambda texts, langs=None: np.full(len(texts), -0.6))
    runfolder.write_table(run, "utterances", result.utterances)


@pytest.fixture
def setup(tmp_path: Path, video: Path) -> tuple[Path, Path]:
    project = _project(tmp_path / "project", video)
    run = tmp_path / "run"
    _tables(run)
    return project, run


def test_cut_clip_is_redacted_blurred_and_covered_like_the_pipelines(setup: tuple[Path, Path], quick_faces: list[int],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    project, run = setup
    import kit.steps.recordings as rec_step
    made: list[dict[str, Any]] = []
    real = rec_step.make_clip

    def spy(*args: Any) -> Any:
        made.append({"blur_faces": args[7], "said": args[8]})
        return real(*args)
    monkeypatch.setattr(rec_step, "make_clip", spy)
    (e,) = _journal(project, _cut("cut_clip", recording="s01", lines=[1, 2], quote="what the analyst saw"))
    shown, written = _curate(project, run)
    (clip,) = [r for r in shown if r["id"] == cut_id(e.id)]
    assert clip["kind"] == "clip" and clip["evidence"] == {"recording": "s01", "coded_by": "person", "lines": [1, 2],
                                                           "bleeped": 2}
    assert "[email]" in clip["quote"] and "example.com" not in clip["quote"]
    assert "Anna" not in clip["quote"] and "Berg" not in clip["quote"] and "This is P07." in clip["quote"]
    assert "P07" in clip["caption"]
    assert "How did" not in clip["quote"]                                # an interviewer's line is not the customer's quote
    assert (run / clip["media"]["clip"]).is_file() and (run / clip["media"]["thumb"]).is_file()
    assert clip["media"]["start_s"] == 1.5 and clip["media"]["end_s"] == 12.0      # lines 3.5-10 s padded by 2 s
    # the pipeline's own clip maker, faces blurred, and the spoken e-mail and name covered by the tone
    assert made == [{"blur_faces": True, "said": made[0]["said"]}] and len(made[0]["said"]) >= 2
    assert quick_faces, "every frame went through the face blurrer"
    assert written["cuts"] == [clip["id"]] and written["orphans"] == []
    assert clip["curation"]["cut"]["by"] == "ana"


def test_the_projects_redact_list_reaches_a_clip_cut_in_a_served_run(setup: tuple[Path, Path]) -> None:
    """A served run's lines were redacted by privacy.redact; a cut made now keeps them redacted."""
    project, run = setup
    from kit.redaction import project_list
    publish_lines(project, run)
    project_list(run, ["Zorba"])
    e = _cut("cut_clip", recording="s01", start_s=7.6, end_s=9.0)
    clip = cut_now(run, project, e)
    assert clip["id"] == cut_id(e.id) and clip["quote"] == "Ask [redacted], he saw it fail twice."
    assert clip["valence"] == -0.6 and "failure" in clip["tags"] and (run / clip["media"]["clip"]).is_file()
    assert not (run / runfolder.EXHIBITS).exists()              # the gallery shows it; the next run keeps it


def test_orphans_say_why(setup: tuple[Path, Path]) -> None:
    project, run = setup
    _journal(project, _cut("cut_clip", recording="s02", lines=[0, 1], quote="Mail me at x@example.com"),
             _cut("cut_clip", recording="s09", lines=[0, 0]),
             _cut("cut_clip", recording="s01", lines=[5, 7]), _cut("cut_quote", response="R2", field="disliked_most"),
             _cut("cut_quote", response="R9", field="disliked_most"), _cut("cut_quote", post="social:4"))
    shown, written = _curate(project, run)
    assert shown == [] and written["cuts"] == []
    why = [o["why"] for o in written["orphans"]]
    assert why[0] == "no consent: recording s02 has consent: false, so nothing from it is used"
    assert why[1] == "recording s09 is no longer in project.yaml"
    assert why[2].startswith("the transcript of recording s01 (3 lines) has no line where the cut is")
    assert why[3].startswith("no consent: response R2 did not consent")
    assert why[4] == "response R9 is no longer in the surveys"
    assert why[5] == "social post social:4 is no longer in the run"
    assert all("quote" not in (o["after"] or {}) for o in written["orphans"])
    with pytest.raises(CurationError, match="no consent: recording s02"):
        cut_now(run, project, _cut("cut_clip", recording="s02", lines=[0, 1]))


def test_cut_quote_is_redacted_and_keeps_its_source(setup: tuple[Path, Path]) -> None:
    project, run = setup
    (e,) = _journal(project, _cut("cut_quote", response="R1", field="disliked_most", stage="signup"))
    shown, _ = _curate(project, run)
    (quote,) = shown
    assert quote["id"] == cut_id(e.id) and quote["kind"] == "quote"
    assert quote["quote"] == "The app froze, write to me at [email]"
    assert quote["stage"] == "signup" and quote["channel"] == "app" and quote["valence"] == -0.6
    assert quote["source"] == {"file": "surveys/q3.csv", "locator": "row 2"}
    assert quote["evidence"]["comment"] == "R1:disliked_most" and quote["themes"] == ["meal plan", "coach"]


def test_same_journal_same_exhibits(tmp_path: Path, video: Path) -> None:
    project = _project(tmp_path / "project", video)
    _journal(project, _cut("cut_clip", recording="s01", lines=[1, 1]), _cut("cut_quote", response="R3", field="liked_most"),
             journal.make(who="bo", role="analyst", op="theme_rename", before="coach", after="Coaching"))
    made = []
    for name in ("a", "b"):
        run = tmp_path / name
        _tables(run)
        shown, written = _curate(project, run)
        runfolder.write_exhibits(run, shown)
        made.append((json.dumps(ex.load(run), sort_keys=True), json.dumps(written["cuts"])))
    assert made[0] == made[1] and len(json.loads(made[0][0])) == 2


def test_theme_edits_rename_merge_and_split(setup: tuple[Path, Path]) -> None:
    project, run = setup
    _journal(project,
             journal.make(who="ana", role="analyst", op="theme_rename", before="coach", after="Coaching"),
             journal.make(who="ana", role="analyst", op="theme_merge", before=["meal plan", "recipes"], after="Food"),
             journal.make(who="ana", role="analyst", op="theme_split", exhibit="R2:disliked_most", before="Coaching",
                          after="Unanswered email"),
             journal.make(who="ana", role="analyst", op="theme_rename", before="nothing", after="x"),
             _cut("cut_quote", response="R1", field="disliked_most"))
    for _ in range(2):                               # replayed twice on one run: the same tables
        shown, written = _curate(project, run)
        comments = runfolder.read_table(run, "comments").set_index("comment_id")["themes"].to_dict()
        assert comments == {"R1:disliked_most": "Food | Coaching", "R2:disliked_most": "Unanswered email",
                            "R3:liked_most": "Food"}
        table = runfolder.read_table(run, "themes").set_index("label")
        assert table.loc["Food", "n_answers"] == 2 and table.loc["Coaching", "n_answers"] == 1
        assert list(table.loc["Unanswered email", "quote_ids"]) == ["R2:disliked_most"]
        assert list(table.loc["Coaching", "quote_ids"]) == ["R1:disliked_most"]
        assert written["themes"]["renamed"] == {"meal plan": "Food", "coach": "Coaching", "recipes": "Food"}
        assert [o["why"] for o in written["orphans"]] == ["no theme named nothing"]
        assert shown[0]["themes"] == ["Food", "Coaching"]


def test_theme_book_applies_edits_in_order() -> None:
    book = ThemeBook(["a", "b"], {"q1": ["a"], "q2": ["a", "b"]})
    assert book.split("q1", "a", "c") == "" and book.rename(["a"], "A") == ""
    assert book.relabel("q1", ["a"]) == ["c"] and book.relabel("q2", ["a", "b"]) == ["A", "b"]
    assert book.rename(["c", "b"], "A") == "" and book.relabel("q2", ["a", "b"]) == ["A"]
    assert book.split("q9", "A", "d") == "answer q9 is no longer in the run"
    assert book.split("q2", "zz", "d") == "answer q2 is not in theme zz"


def test_cuts_need_a_run_and_bad_lines_are_refused() -> None:
    e = _cut("cut_clip", recording="s01", start_s=1.0, end_s=2.0)
    done = replay([], [e])
    assert done.orphans[0]["why"] == "a cut is made from the project's evidence, in a run"
    for after, says in (({"recording": "s01"}, "start_s and end_s"), ({"recording": "s01", "start_s": 3, "end_s": 2},
                        "before end_s"), ({"response": "R1"}, "a survey answer"), ({"recording": "s01", "lines": [2, 1]},
                        "first not after last"), ({"recording": "s01", "lines": [0, 1], "colour": 1}, "does not take")):
        op = "cut_quote" if "response" in after else "cut_clip"
        with pytest.raises(CurationError, match=says):
            journal.make(who="ana", role="analyst", op=op, after=after)
    with pytest.raises(CurationError, match="names the answer split off"):
        journal.make(who="ana", role="analyst", op="theme_split", before="a", after="b")


def test_tag_edits_follow_recodes_and_cuts_in_journal_order() -> None:
    """The tag index replay keeps is rebuilt after a recode of tags, so later renames see the new tags."""
    records = [{"id": "a", "kind": "quote", "title": "a", "tags": ["wait"]},
               {"id": "b", "kind": "quote", "title": "b", "tags": ["pay", "wait"]}]
    mk = journal.make
    edits = [mk(who="ana", role="analyst", op="tag_rename", before="wait", after="waiting"),
             mk(who="ana", role="analyst", op="recode", exhibit="a", field="tags", after=["pay"]),
             mk(who="ana", role="analyst", op="tag_merge", before=["pay", "waiting"], after="friction"),
             mk(who="ana", role="analyst", op="tag_rename", before="wait", after="x")]
    done = replay(records, edits)
    assert [r["tags"] for r in done.records] == [["friction"], ["friction"]]
    assert [o["why"] for o in done.orphans] == ["no tag named wait"] and done.tags == ["friction"]
    assert records[0]["tags"] == ["wait"]                                  # the records given are not changed
