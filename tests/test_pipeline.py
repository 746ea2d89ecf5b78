"""The whole pipeline on the sample, through papermill: what a run folder must hold and promise."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from kit import pipeline
from kit.core import exhibits as ex
from kit.core.errors import PipelineError
from kit.core.paths import NOTEBOOKS_DIR, REPO_ROOT, SAMPLE_PROJECT
from kit.core.runs import hash_inputs
from kit.synth import synthesize

pytestmark = pytest.mark.notebook
CDN = re.compile(r"""<(script|link)[^>]+(src|href)=["']https?://""", re.I)


def test_manifest_records_the_run(sample_run: Path, sample_hashes: dict[str, str]) -> None:
    m = json.loads((sample_run / "manifest.json").read_text())
    assert m["status"] == "succeeded" and m["run_id"] == "first"
    assert m["started"] <= m["finished"]
    assert m["inputs"] == sample_hashes
    assert {"cxkit", "python", "papermill", "pandas", "plotly"} <= set(m["versions"])
    assert [s["notebook"] for s in m["steps"]] == [p.name for p in pipeline.pipeline_notebooks()]
    assert m["parameters"]["project"] == str(SAMPLE_PROJECT)


def test_rows_in_equal_accepted_plus_rejected_for_every_input(sample_run: Path) -> None:
    m = json.loads((sample_run / "manifest.json").read_text())
    assert "surveys/q3_responses.csv" in m["rows"] and "contacts.csv" in m["rows"]
    rejects = pd.read_parquet(sample_run / "data" / "rejects.parquet")
    for name, c in m["rows"].items():
        assert c["in"] == c["accepted"] + c["rejected"], name
    survey = m["rows"]["surveys/q3_responses.csv"]
    assert survey["rejected"] >= 5                                  # the sample plants bad rows
    assert (rejects["source_file"] == "surveys/q3_responses.csv").sum() == survey["rejected"]
    assert rejects["reason"].str.len().min() > 10


def test_canonical_tables_are_written(sample_run: Path) -> None:
    data = sample_run / "data"
    responses = pd.read_parquet(data / "responses.parquet")
    assert len(responses) > 1000 and responses["response_id"].is_unique
    assert set(responses["nps"].dropna().unique()) <= set(range(11))
    comments = pd.read_parquet(data / "comments.parquet")
    assert {"en", "fa"} <= set(comments["lang"])
    assert not comments["text"].str.contains(r"[\w.+-]+@[\w-]+\.\w", regex=True).any()   # redacted
    moments = pd.read_parquet(data / "moments.parquet")
    assert {"recording", "photo"} <= set(moments["source"])
    assert (data / "contacts.parquet").exists()


def test_exhibits_of_every_kind_point_back_to_their_source(sample_run: Path) -> None:
    records = ex.load(sample_run)
    kinds = {r["kind"] for r in records}
    assert {"metric", "quote", "photo", "clip"} <= kinds
    for r in records:
        assert r["source"]["file"], r["id"]
        for key in ("thumb", "clip", "image"):
            if key in r["media"]:
                assert (sample_run / r["media"][key]).is_file(), (r["id"], key)


def test_static_exports_open_offline(sample_run: Path) -> None:
    report = (sample_run / "report.html").read_text(encoding="utf-8")
    gallery = (sample_run / "gallery.html").read_text(encoding="utf-8")
    for page in (report, gallery):
        assert not CDN.search(page)
    assert "plotly-graph-div" in report and "Plotly" in report      # charts embedded, not dropped
    code_cells = re.findall(r'class="jp-Cell jp-CodeCell[^"]*"', report)
    assert code_cells and all("jp-mod-noInput" in c for c in code_cells)     # no code shown
    assert "open_step(" not in report
    assert "Traceback" not in report
    assert '"exhibits":' in gallery


# The sample's customers as their transcripts name them (s05, without consent, is never published)
CUSTOMERS = ["Maryam", "Neda", "Laura", "Daniel", "Reza", "Priya", "Anna", "Tom", "مریم", "ندا", "رضا"]


def test_no_customer_is_named_in_any_table_record_or_export(sample_run: Path) -> None:
    """Pseudonyms by default: every table, JSON record and HTML export names customers by their ids."""
    import pyarrow.parquet as pq
    name = re.compile(r"(?<!\w)(?:" + "|".join(CUSTOMERS) + r")(?!\w)")
    hits = set()
    for path in sorted(sample_run.rglob("*")):
        texts: list[str] = []
        if path.suffix == ".parquet":
            texts = [v for row in pq.read_table(path).to_pylist() for v in row.values() if isinstance(v, str)]
        elif path.suffix in (".json", ".html") and path.parent.name != "notebooks":
            texts = [path.read_text(encoding="utf-8")]
        hits |= {(path.relative_to(sample_run).as_posix(), m.group(0)) for t in texts for m in name.finditer(t)}
    assert not hits
    speakers = set(pd.read_parquet(sample_run / "data" / "utterances.parquet")["speaker"])
    assert {"P01", "Researcher", "Interviewer"} <= speakers


def test_raw_inputs_are_untouched(sample_run: Path, sample_hashes: dict[str, str]) -> None:
    assert hash_inputs(SAMPLE_PROJECT) == sample_hashes


def test_second_run_is_a_new_folder_and_becomes_latest(sample_run: Path, runs_dir: Path, tmp_path: Path) -> None:
    small = tmp_path / "small"
    synthesize(small, responses=60, photos=3, recordings=0, seed=3)
    second = pipeline.run(small, runs_dir, run_id="second", progress=False, say=lambda _: None)
    assert second != sample_run and sample_run.exists()
    assert (runs_dir / "latest").resolve() == second


def test_failed_run_says_where_and_leaves_latest_alone(sample_run: Path, runs_dir: Path) -> None:
    latest_before = (runs_dir / "latest").resolve()
    with pytest.raises(PipelineError) as err:
        pipeline.run(SAMPLE_PROJECT, runs_dir, run_id="broken", progress=False, say=lambda _: None,
                     parameters={"min_group_size": "not a number"})
    assert err.value.notebook == "01_survey.ipynb" and err.value.cell is not None
    assert "TypeError" in err.value.error
    assert (runs_dir / "latest").resolve() == latest_before
    failed = runs_dir / "failed-broken"
    assert json.loads((failed / "manifest.json").read_text())["status"] == "failed"
    assert (failed / "notebooks" / "01_survey.ipynb").exists()         # the notebook up to the failing cell


def test_killed_run_leaves_latest_on_the_previous_good_run(sample_run: Path, runs_dir: Path) -> None:
    latest_before = (runs_dir / "latest").resolve()
    proc = subprocess.Popen([sys.executable, "-m", "kit.cli", "run", str(SAMPLE_PROJECT), "--out", str(runs_dir),
                             "--run-id", "killed", "--quiet"], cwd=REPO_ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    partial = runs_dir / ".partial-killed" / "notebooks" / "01_survey.ipynb"
    deadline = time.monotonic() + 120
    while not partial.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert partial.exists(), "the run never reached its second notebook"
    assert (runs_dir / "latest").resolve() == latest_before
    assert not (runs_dir / "killed").exists()


@pytest.mark.parametrize("notebook", [p.name for p in pipeline.pipeline_notebooks()])
def test_each_notebook_runs_alone_with_the_papermill_cli(notebook: str, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    cmd = [str(Path(sys.executable).parent / "papermill"), str(NOTEBOOKS_DIR / notebook), str(tmp_path / "out.ipynb"),
           "-p", "project", "data/sample", "-p", "run_dir", str(run_dir), "--no-progress-bar"]
    done = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (run_dir / "counts").is_dir()


def test_committed_notebooks_carry_no_outputs() -> None:
    for nb in sorted(NOTEBOOKS_DIR.glob("*.ipynb")) + sorted((REPO_ROOT / "gallery").glob("*.ipynb")):
        cells = json.loads(nb.read_text())["cells"]
        assert not any(c.get("outputs") or c.get("execution_count") for c in cells), nb.name
        assert json.loads(nb.read_text())["metadata"]["kernelspec"]["name"] == "python3"
