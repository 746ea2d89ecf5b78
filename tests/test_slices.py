"""Runs per slice: which rows a slice keeps, which slices are skipped, and what the index says of them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kit.core import project as project_mod
from kit.core.errors import ProjectError
from kit.core.project import Project
from kit.slices import index
from kit.slices.plan import plan_frame
from kit.steps import slice_media
from kit.steps.slicing import Slice, cut_frames, period_values, slice_key

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def project() -> Project:
    return project_mod.load(SAMPLE)


def responses() -> pd.DataFrame:
    """Six responses: two segments, three channels, July to October 2026 (one with no segment)."""
    rows = [("r1", "c1", "2026-07-03T10:00Z", "new", "app"), ("r2", "c2", "2026-07-30T10:00Z", "new", "email"),
            ("r3", "c3", "2026-08-15T10:00Z", "premium", "app"), ("r4", "c4", "2026-09-30T10:00Z", "premium", "phone"),
            ("r5", "c5", "2026-10-01T10:00Z", "new", "app"), ("r6", "c6", "2026-10-02T10:00Z", None, "app")]
    frame = pd.DataFrame(rows, columns=["response_id", "customer_id", "submitted_at", "segment", "channel"])
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True)
    frame["segment"] = frame["segment"].astype("string")
    frame["nps"] = [10, 9, 3, 7, 0, 8]
    frame["source_file"] = "surveys/q.csv"
    return frame


def tables() -> dict[str, pd.DataFrame]:
    comments = pd.DataFrame({"comment_id": ["r1:a", "r3:a", "r5:a", "p1", "p2"],
                             "response_id": ["r1", "r3", "r5", None, None],
                             "source": ["surveys/q.csv"] * 3 + ["social.csv"] * 2,
                             "at": pd.to_datetime([None, None, None, "2026-08-02T09:00Z", "2026-10-05T09:00Z"], utc=True)})
    contacts = pd.DataFrame({"customer_id": ["c1", "c1", "c3", "c4", "c9"], "channel": ["app", "email", "app", "phone", "app"],
                             "at": pd.to_datetime(["2026-07-01T08:00Z", "2026-08-01T08:00Z", "2026-08-20T08:00Z",
                                                   "2026-09-01T08:00Z", "2026-10-10T08:00Z"], utc=True)})
    return {"responses": responses(), "comments": comments, "contacts": contacts}


def test_a_slice_key_is_safe_for_a_folder_and_a_persian_name_keeps_its_index() -> None:
    assert slice_key(1, "Premium plus / EU") == "01-premium-plus-eu"
    assert slice_key(2, "تازه") == "02"
    assert slice_key(3, "../in_store") == "03-in-store"


def test_months_and_quarters_in_the_gregorian_calendar() -> None:
    at = responses()["submitted_at"]
    assert period_values(at, "month").tolist() == ["2026-07", "2026-07", "2026-08", "2026-09", "2026-10", "2026-10"]
    assert period_values(at, "quarter").tolist() == ["2026-Q3"] * 4 + ["2026-Q4"] * 2


def test_jalali_months_follow_the_project_time_zone() -> None:
    at = pd.Series(pd.to_datetime(["2026-09-22T21:00Z", "2026-09-22T20:00Z", None], utc=True))
    assert period_values(at, "month", "jalali", "Asia/Tehran").tolist()[:2] == ["1405-07", "1405-06"]  # Mehr starts 23 Sep
    assert pd.isna(period_values(at, "month", "jalali", "Asia/Tehran").iloc[2])
    assert period_values(at, "quarter", "jalali", "Asia/Tehran").tolist()[:2] == ["1405-Q3", "1405-Q2"]


def _balanced(before: dict[str, pd.DataFrame], cut) -> None:
    for name, frame in cut.tables.items():
        assert len(frame) + cut.left_out[name] == len(before[name]), name


def test_a_segment_slice_keeps_its_responses_their_answers_and_their_customers_contacts(project: Project) -> None:
    before = tables()
    cut = cut_frames(before, Slice("segment", "premium", "02-premium"), project)
    assert cut.tables["responses"]["response_id"].tolist() == ["r3", "r4"]
    assert cut.tables["comments"]["comment_id"].tolist() == ["r3:a"]           # social posts have no segment
    assert cut.tables["contacts"]["customer_id"].tolist() == ["c3", "c4"]
    _balanced(before, cut)
    assert cut.reasons["responses"] == "another segment"


def test_a_channel_slice_takes_contacts_by_their_own_channel(project: Project) -> None:
    before = tables()
    cut = cut_frames(before, Slice("channel", "app", "01-app"), project)
    assert cut.tables["responses"]["response_id"].tolist() == ["r1", "r3", "r5", "r6"]
    assert cut.tables["contacts"]["channel"].tolist() == ["app", "app", "app"]
    _balanced(before, cut)


def test_month_and_quarter_slices_take_social_posts_and_contacts_by_date(project: Project) -> None:
    before = tables()
    august = cut_frames(before, Slice("month", "2026-08", "02-2026-08"), project)
    assert august.tables["responses"]["response_id"].tolist() == ["r3"]
    assert august.tables["comments"]["comment_id"].tolist() == ["r3:a", "p1"]
    assert august.tables["contacts"]["customer_id"].tolist() == ["c1", "c3"]
    q4 = cut_frames(before, Slice("quarter", "2026-Q4", "02-2026-q4"), project)
    assert q4.tables["responses"]["response_id"].tolist() == ["r5", "r6"]
    assert q4.tables["comments"]["comment_id"].tolist() == ["r5:a", "p2"]
    _balanced(before, august)
    _balanced(before, q4)


def test_a_jalali_month_slice(project: Project) -> None:
    fa = project.model_copy(update={"calendar": "jalali", "timezone": "Asia/Tehran"})
    cut = cut_frames(tables(), Slice("month", "1405-07", "04-1405-07"), fa)       # Mehr 1405: 23 Sep to 22 Oct 2026
    assert cut.tables["responses"]["response_id"].tolist() == ["r4", "r5", "r6"]


def test_slices_under_the_minimum_group_size_are_skipped_with_the_reason(project: Project) -> None:
    small = project.model_copy(update={"min_group_size": 3})
    planned = plan_frame(responses(), "segment", small)
    assert [(p.slice.value, p.slice.key, p.responses) for p in planned] == [("new", "01-new", 3), ("premium", "02-premium", 2)]
    assert planned[0].skip is None
    assert planned[1].skip == "2 survey responses, fewer than min_group_size 3"


def test_periods_are_planned_in_time_order_and_channels_in_project_order(project: Project) -> None:
    assert [p.slice.value for p in plan_frame(responses(), "month", project)] == ["2026-07", "2026-08", "2026-09", "2026-10"]
    assert [p.slice.value for p in plan_frame(responses(), "channel", project)] == ["email", "phone", "app"]


def test_market_without_a_market_column_fails_naming_what_to_add(project: Project) -> None:
    with pytest.raises(ProjectError, match=r"surveys\[\]\.columns.*segment: <your market column>"):
        plan_frame(responses(), "market", project)
    with pytest.raises(ProjectError, match="not a slice"):
        plan_frame(responses(), "weekday", project)


def test_media_moments_are_kept_by_channel_or_by_a_participant_among_the_slice_customers() -> None:
    moments = pd.DataFrame({"moment_id": ["m1", "m2", "m3"], "speaker": ["P01", "c3", "P02"],
                            "channel": ["app", "email", "app"]})
    assert slice_media.moment_mask(moments, Slice("channel", "app", "01"), set()).tolist() == [True, False, True]
    assert slice_media.moment_mask(moments, Slice("segment", "premium", "02"), {"c3", "c4"}).tolist() == [False, True, False]
    taken = {"m1": "2026-08", "m3": "2026-09"}
    assert slice_media.moment_mask(moments, Slice("month", "2026-08", "02"), set(), taken).tolist() == [True, False, False]


def fake_run(folder: Path, nps: float, stage_nps: dict[str, float], negatives: list[dict]) -> None:
    """The files of a finished run that the index reads."""
    (folder / "data").mkdir(parents=True)
    summary = {"headline": {"nps": {"n": 40, "value": nps, "lo": nps - 10, "hi": nps + 10}},
               "by_stage": [{"stage": s, "nps": v, "nps_lo": v - 20, "nps_hi": v + 20, "nps_n": 12, "too_few": True}
                            for s, v in stage_nps.items()]}
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    (folder / "negatives.json").write_text(json.dumps(negatives), encoding="utf-8")
    (folder / "exhibits.json").write_text(json.dumps([{"id": n["exhibits"][0]} for n in negatives]), encoding="utf-8")
    responses().head(4).to_parquet(folder / "data" / "responses.parquet")


def record(out: Path) -> dict:
    slices = [{"by": "segment", "value": "new <b>", "key": "01-new-b", "responses_planned": 4, "status": "done",
               "reason": "", "folder": "x-01-new-b"},
              {"by": "segment", "value": "premium", "key": "02-premium", "responses_planned": 2, "status": "skipped",
               "reason": "2 survey responses, fewer than min_group_size 3", "folder": None},
              {"by": "segment", "value": "corporate", "key": "03-corporate", "responses_planned": 5, "status": "failed",
               "reason": "01_survey.ipynb failed", "folder": "failed-x-03-corporate"}]
    return {"by": "segment", "run_id": "x", "unassigned": 1, "slices": slices, "out_dir": str(out)}


def test_the_index_holds_each_run_s_figures_and_the_slices_not_run(tmp_path: Path, project: Project) -> None:
    negatives = [{"title": f"neg {i}", "severity": 0.9 - i / 10, "exhibits": [f"ex-{i}"], "rank": i} for i in range(1, 5)]
    fake_run(tmp_path / "x-01-new-b", 12.5, {"purchase": -30.0, "renewal": 55.0}, negatives)
    data = index.index_data(record(tmp_path), project)
    [done] = data["slices"]
    assert done["run"] == "x-01-new-b" and done["responses"] == 4
    assert done["nps"] == {"value": 12.5, "lo": 2.5, "hi": 22.5, "n": 40}
    assert done["by_stage"]["purchase"]["nps"] == -30.0 and done["by_stage"]["renewal"]["too_few"] is True
    assert [n["title"] for n in done["negatives"]] == ["neg 1", "neg 2", "neg 3"]
    assert all(len(n["id"]) == 4 for n in done["negatives"])
    assert data["skipped"] == [{"value": "premium", "key": "02-premium", "label": "premium", "responses": 2,
                                "reason": "2 survey responses, fewer than min_group_size 3"}]
    assert data["failed"][0]["run"] == "failed-x-03-corporate"
    assert data["stages"] == list(project.journey.stages)


def test_the_index_page_escapes_names_and_writes_persian_digits(tmp_path: Path, project: Project) -> None:
    fake_run(tmp_path / "x-01-new-b", 13.0, {"purchase": -30.0}, [{"title": "<script>x</script>", "severity": 0.5,
                                                                   "exhibits": ["e1"], "rank": 1}])
    fa = project.model_copy(update={"ui_language": "fa"})
    folder = index.write_index(tmp_path / "x-slices", fa, record(tmp_path))
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fa" dir="rtl">' in page
    assert "new &lt;b&gt;" in page and "<script>x</script>" not in page
    assert "۱۳" in page and "مقایسهٔ برش‌ها" in page                   # NPS 13 in Persian digits
    assert "Plotly.newPlot" in page and not re.search(r'<script[^>]+src=|<link[^>]+href=', page)    # plotly.js inlined
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert "Plotly.newPlot" not in report and "slices-heat-n1" in report    # purchase -30: the first red step
    assert json.loads((folder / "slices.json").read_text(encoding="utf-8"))["slices"][0]["value"] == "new <b>"


def test_quarter_and_jalali_month_labels(project: Project) -> None:
    fa = project.model_copy(update={"ui_language": "fa"})
    assert index.label("quarter", "2026-Q3", project) == "Q3 2026"
    assert index.label("quarter", "1405-Q2", fa) == "فصل ۲ ۱۴۰۵"
    assert index.label("month", "1405-07", fa) == "مهر ۱۴۰۵"
    assert index.heat(None) == "none" and index.heat(-100) == "n3" and index.heat(60) == "p2"


def test_each_market_fails_before_any_work_saying_what_to_add(tmp_path: Path) -> None:
    cxkit = str(Path(sys.executable).parent / "cxkit")
    done = subprocess.run([cxkit, "run", str(SAMPLE), "--each", "market", "--out", str(tmp_path / "runs")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "--each market needs a market column" in done.stderr and "surveys[].columns" in done.stderr
    assert not (tmp_path / "runs").exists()                   # nothing written, no run started


def test_run_help_describes_each() -> None:
    from typer.testing import CliRunner

    from kit.cli import app
    text = CliRunner().invoke(app, ["run", "--help"], terminal_width=200).output
    assert "--each" in text and "segment|channel|market|month|quarter" in text and "min_group_size" in text


def pipeline_failing_new(project, out, run_id, parameters, **kw) -> Path:
    """``kit.pipeline.run`` in miniature: the "new" segment's run fails, every other one writes a finished run."""
    from kit.core.errors import PipelineError
    sl = kw["slice_"]
    assert kw["workers"] == 1 and kw["scheduler"] is None and sl.by == "segment"
    if sl.value == "new":
        (out / f"failed-{run_id}").mkdir(parents=True)
        raise PipelineError("01_survey.ipynb", 3, "ValueError: boom", out / f"failed-{run_id}")
    fake_run(out / run_id, 10.0, {"purchase": 5.0}, [{"title": "t", "severity": 0.5, "exhibits": ["e"], "rank": 1}])
    return out / run_id


def test_a_failed_slice_does_not_stop_the_others_and_the_index_lists_it(tmp_path: Path, monkeypatch) -> None:
    from kit.slices import batch
    monkeypatch.setattr(batch.pipeline, "run", pipeline_failing_new)
    said: list[str] = []
    result = batch.run_each(SAMPLE, "segment", tmp_path, "b", say=said.append)
    assert [(o.planned.slice.value, o.status) for o in result.outcomes] == [
        ("returning", "done"), ("new", "failed"), ("premium", "done"), ("corporate", "done")]
    assert not result.ok
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "b-01-returning", "b-03-premium", "b-04-corporate", "b-slices", "failed-b-02-new"]
    assert not (tmp_path / ".b-staging").exists()
    data = json.loads((tmp_path / "b-slices" / "slices.json").read_text(encoding="utf-8"))
    assert [s["value"] for s in data["slices"]] == ["returning", "premium", "corporate"]
    assert data["failed"][0]["run"] == "failed-b-02-new" and "01_survey.ipynb" in data["failed"][0]["reason"]
    assert any(m.startswith("segment new (02-new): failed: ") for m in said)
    with pytest.raises(Exception, match="already exists"):          # the same batch id again: refused before any work
        batch.run_each(SAMPLE, "segment", tmp_path, "b", say=said.append)


def test_cxkit_run_each_prints_every_outcome_and_exits_1_when_a_slice_failed(tmp_path: Path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from kit.cli import app
    from kit.slices import batch
    monkeypatch.setattr(batch.pipeline, "run", pipeline_failing_new)
    done = CliRunner().invoke(app, ["run", str(SAMPLE), "--each", "segment", "--out", str(tmp_path), "--run-id", "c"],
                              terminal_width=300)
    assert done.exit_code == 1, done.output
    assert "  returning (01-returning): done -> c-01-returning" in done.output
    assert "  new (02-new): failed: " in done.output and "-> failed-c-02-new" in done.output
    assert f"  index:  {tmp_path / 'c-slices' / 'index.html'}" in done.output
