"""Each step's ``run`` on a small generated project: what the notebook shows is what the run folder holds.

The notebooks only call ``run`` and show its result, so these check that ``run`` reads the project's
settings, writes the step's tables, moments and exhibits, and finishes the step (counts balanced).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from kit.core import exhibits as ex
from kit.core import runfolder
from kit.core.rejects import RejectLog
from kit.core.step import Step, open_step
from kit.evidence.photos import PHOTO_COLUMNS
from kit.steps import ingest, negative, photos, recordings, survey
from kit.synth import synthesize
from kit.views import negative as negative_views
from kit.views import photos as photo_views
from kit.views import recordings as recording_views
from kit.views import survey as survey_views
from tests.evidence.test_media import make_audio, make_video
from tests.steps.test_recordings import MARKERS, SRT_FA, VTT


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("steps") / "project"
    synthesize(root, responses=150, photos=2, recordings=0, seed=3)
    return root


@pytest.fixture
def run_dir(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CXKIT_NO_PNG", "1")
    ingest.run(open_step("ingest", project, tmp_path / "run"))
    return tmp_path / "run"


def stored(run_dir: Path) -> list[str]:
    """Ids of the exhibits stored in the run folder (each test's run holds one step's), as the gallery merges them."""
    return [r["id"] for r in ex.merge_parts(run_dir)]


def test_survey_run_stores_its_exhibits_in_order_with_their_ids(project: Path, run_dir: Path) -> None:
    step = open_step("survey", project, run_dir)
    res = survey.run(step, png=False)
    ids = [e.id for e in res.exhibits]
    assert ids[:3] == ["metric-nps", "metric-csat", "metric-ces"]
    charts = [e for e in res.exhibits if e.kind == "chart"]
    assert [e.id for e in charts] == [k for k in survey.CAPTIONS if k in res.figures]
    assert {survey.NPS_STAGE, survey.NPS_CHANNEL, survey.NPS_TREND} <= {e.id for e in charts}
    assert all(e.caption == survey.CAPTIONS[e.id] for e in charts)
    assert all(e.evidence == {"responses": int(step.load_table("responses")["nps"].notna().sum())} for e in charts)
    assert {survey.CSAT_CHANNEL, survey.NPS_TREND_MONTH, *survey.DISTRIBUTIONS.values()} <= set(res.figures)
    assert any(e.kind == "quote" for e in res.exhibits)
    assert stored(run_dir) == ids                      # what the gallery will merge
    assert res.min_group_size == step.project.min_group_size and set(res.groups) == {"stage", "channel", "segment"}
    assert res.responses == len(step.load_table("responses")) and res.summary.empty     # no inputs of its own
    assert str(survey_views.headline(res).data).startswith("NPS is")
    assert survey_views.exhibit_table(res)["id"].tolist() == ids[:20]


def test_survey_run_takes_another_threshold_and_refuses_a_non_number(project: Path, run_dir: Path) -> None:
    res = survey.run(open_step("survey", project, run_dir), 5, png=False)
    assert res.min_group_size == 5
    assert not res.groups["stage"]["too_few"].any()
    with pytest.raises(TypeError, match="min_group_size"):
        survey.run(open_step("survey", project, run_dir), "not a number", png=False)  # type: ignore[arg-type]


def test_photos_run_publishes_with_the_project_settings_and_finishes(project: Path, run_dir: Path) -> None:
    step = open_step("photos", project, run_dir)
    res = photos.run(step)
    assert not res.note and len(res.photos) == len(res.exhibits) >= 1
    assert step.load_table("photos")["photo_id"].tolist() == res.photos["photo_id"].tolist()
    assert stored(run_dir) == [e.id for e in res.exhibits]
    assert res.summary["balanced"].all() and set(res.summary["input"]) == set(res.counts)
    assert set(res.counts) <= set(runfolder.read_counts(run_dir))                  # beside the ingest step's
    rejected = int(res.summary["rejected"].sum())
    assert photo_views.headline(res) == f"{len(res.photos)} photos published, {rejected} rejected"


def test_photos_run_without_a_photos_section_does_nothing_and_still_finishes(project: Path, run_dir: Path) -> None:
    p = open_step("photos", project, run_dir).project.model_copy(update={"photos": None})
    step = Step("photos", p, run_dir, RejectLog("photos"))
    res = photos.run(step)
    assert "no photos: section" in res.note and photo_views.headline(res) == res.note
    assert res.exhibits == [] and res.photos.empty and res.photos.columns.tolist() == PHOTO_COLUMNS
    assert not step.has_table("photos") and stored(run_dir) == []
    assert res.summary.empty and runfolder.exhibit_part_path(run_dir, "photos").is_file()     # the step finished


def test_negative_run_makes_every_view_and_ranks(project: Path, run_dir: Path) -> None:
    step = open_step("negative", project, run_dir)
    res = negative.run(step, 14)
    ids = [e.id for e in res.exhibits]
    assert ids[0] == ex.WATERFALL_ID and ids[-1] == ex.RANKED_ID
    assert [e.id for e in res.waterfall] == ids[:len(res.waterfall)]
    assert set(res.figures) == {ex.WATERFALL_ID, ex.JOURNEY_ID, ex.PAIN_ID, ex.WALL_ID, ex.SCORECARD_ID, ex.RANKED_ID}
    assert stored(run_dir) == ids
    assert step.has_table("journey") and step.has_table("wall") and len(res.ranked) >= 1
    assert negative_views.ranked(res, 3) == [(e["rank"], e["title"], e["score"]) for e in res.ranked[:3]]
    assert negative_views.scorecard_text(res).count("\n") >= 1


def test_recordings_run_reads_the_project_and_writes_tables_moments_and_charts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXKIT_NO_PNG", "1")
    root = tmp_path / "p"
    rec = root / "recordings"
    rec.mkdir(parents=True)
    make_video(rec / "s01.mp4", seconds=12.0)
    (rec / "s01.vtt").write_text(VTT, encoding="utf-8")
    (rec / "s01_markers.csv").write_text(MARKERS, encoding="utf-8")
    make_audio(rec / "s02.m4a", seconds=7.0)
    (rec / "s02.srt").write_text(SRT_FA, encoding="utf-8")
    shutil.copy(rec / "s01.vtt", rec / "s04.vtt")
    (root / "project.yaml").write_text(
        "name: T\njourney: {stages: [purchase, support]}\nchannels: [app, phone]\n"
        "interviewers: [researcher, پژوهشگر]\nprivacy: {blur_faces: false}\nrecordings:\n"
        "  - {id: s01, media: recordings/s01.mp4, transcript: recordings/s01.vtt, markers: recordings/s01_markers.csv,"
        " participant: P01, consent: true}\n"
        "  - {id: s02, media: recordings/s02.m4a, transcript: recordings/s02.srt, participant: P02, consent: true}\n"
        "  - {id: s04, transcript: recordings/s04.vtt, participant: P04, consent: false}\n", encoding="utf-8")
    step = open_step("recordings", root, tmp_path / "run")
    res = recordings.run(step)
    assert [r["id"] for r in res.recordings] == ["s01", "s02", "s04"]
    assert set(res.utterances["recording_id"]) == {"s01", "s02"}                  # no consent, nothing used
    assert not res.utterances["text"].str.contains("anna.berg@example.com").any()  # redact_pii from the project
    assert step.load_table("utterances").shape == res.utterances.shape
    assert len(step.load_table("timelines")) == len(res.timeline)
    assert [c.id for _, c in res.charts] == ["chart-rec-s01-timeline", "chart-rec-s02-timeline"]
    assert stored(tmp_path / "run") == [e.id for e in res.all_exhibits]
    assert res.all_exhibits[-2:] == [c for _, c in res.charts]
    assert step.counts == res.counts and res.summary["balanced"].all()
    assert recording_views.headline(res).startswith("3 recordings, ")
    assert recording_views.summary(res, res.recordings)["recording"].tolist() == ["s01", "s02", "s04"]
    moments = pd.read_parquet(runfolder.moment_part_path(tmp_path / "run", "recordings"))
    assert moments["moment_id"].tolist() == res.moments["moment_id"].tolist()


def test_survey_and_negative_runs_without_a_channel_column_or_a_contact_log(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both are optional in project.yaml: the charts that need them are left out, every other view is made."""
    bare = tmp_path / "bare"
    shutil.copytree(project, bare)
    yaml = bare / "project.yaml"
    text = yaml.read_text(encoding="utf-8")
    assert "      channel: Channel\n" in text and "\ncontacts: contacts.csv\n" in text
    yaml.write_text(text.replace("      channel: Channel\n", "").replace("\ncontacts: contacts.csv\n", "\n"),
                    encoding="utf-8")
    monkeypatch.setenv("CXKIT_NO_PNG", "1")
    run = tmp_path / "run"
    ingest.run(open_step("ingest", bare, run))
    scored = survey.run(open_step("survey", bare, run), png=False)
    assert survey.NPS_CHANNEL not in scored.figures and survey.CSAT_CHANNEL not in scored.figures
    assert survey.NPS_STAGE in scored.figures and scored.groups["channel"].empty
    res = negative.run(open_step("negative", bare, run), 14)
    assert set(res.figures) == {ex.JOURNEY_ID, ex.PAIN_ID, ex.WALL_ID, ex.SCORECARD_ID, ex.RANKED_ID}
    assert res.waterfall == [] and res.overload == {}
    assert ex.WATERFALL_ID not in [e.id for e in res.exhibits] and len(res.ranked) >= 1
    assert negative_views.waterfall(res) == ["No contact log in project.yaml (contacts:), so there is no waterfall "
                                             "of messages per week."]
