"""Nothing withheld in silence: every open answer, photo and recording kept off the pages is counted with its reason.

One small project with three surveys (one with a consent column, one without, one that declares
``consent: all_respondents``), photos with and without consent and one that does not decode, and a
recording without consent. ``cxkit validate`` warns and lists what a run would hold back; the steps
write it into the run; the manifest's account and the report's "evidence accounted for" say it; and
for every survey the open answers of its accepted rows = shown + withheld.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from kit.core import project as project_mod
from kit.core import rejects, runs
from kit.core.paths import REPO_ROOT
from kit.core.rejects import RejectLog
from kit.core.step import Step
from kit.evidence.surveys import read_surveys

YAML = """\
name: Consent accounting
journey: {stages: [purchase, support]}
channels: [email, app]
min_group_size: 5
surveys:
  - path: surveys/a.csv
    columns: {response_id: Id, submitted_at: When, nps: Q1, stage: Stage, channel: Channel, consent: Consent}
    text: {liked_most: Q4, disliked_most: Q5}
  - path: surveys/b.csv
    columns: {response_id: Id, nps: Q1, stage: Stage}
    text: {disliked_most: Q5}
  - path: surveys/c.csv
    consent: all_respondents
    columns: {response_id: Id, nps: Q1, stage: Stage}
    text: {disliked_most: Q5}
recordings:
  - {id: s01, transcript: recordings/s01.vtt, consent: false}
photos: {folder: photos/}
contacts: contacts.csv
"""
SURVEYS = {
    "a.csv": "Id,When,Q1,Stage,Channel,Consent,Q4,Q5\n"
             "a1,2026-07-01,9,purchase,app,yes,great,slow\n"    # 2 shown
             "a2,2026-07-02,3,support,email,no,,awful\n"        # 1 withheld: said no
             "a3,2026-07-08,7,support,app,,ok,meh\n"            # 2 withheld: consent cell empty
             "a4,2026-07-09,10,purchase,app,yes,,\n"            # no open answer
             "a5,2026-07-10,11,purchase,app,yes,bad row,x\n"    # rejected row (NPS 11): its answers are not accepted
             "a6,2026-07-15,8,purchase,email,No,fine,\n",       # 1 withheld: said no
    "b.csv": "Id,Q1,Stage,Q5\n"
             "b1,2,support,too many emails\n"
             "b2,6,support,\n"
             "b3,9,purchase,loved it\n"
             "b4,x,purchase,rejected row\n"
             "b5,4,support,call me at 0912 345 6789\n",   # 3 withheld: no consent column
    "c.csv": "Id,Q1,Stage,Q5\n"
             "c1,5,support,waited an hour\n"
             "c2,10,purchase,smooth\n"
             "c3,1,support,\n",                        # 2 shown: all_respondents
}
SIDECAR = "file,caption,stage,channel,valence,participant,consent\n" \
          "ok.png,fine,purchase,app,0.5,P1,yes\nno.png,declined,support,app,-0.5,P2,no\n" \
          "blank.png,unknown,support,app,-0.5,P3,\nbroken.png,corrupt,support,app,-0.5,P4,yes\n"
CONTACTS = "customer_id,at,channel,direction,kind,cost,outcome\n" \
           "k1,2026-07-01T08:00:00Z,email,outbound,reminder,0.01,opened\n" \
           "k1,2026-07-03T08:00:00Z,app,outbound,reminder,0.01,opened\n" \
           "k2,2026-07-02T09:00:00Z,phone,inbound,complaint,2.5,resolved\n"
VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Customer>I waited a long time.\n"
NO_COLUMN = "3 open answers withheld: no consent column in surveys/b.csv"


def write_project(root: Path) -> Path:
    """The project of this module in ``root``: three surveys, four photos, one recording, a contact log."""
    for folder in ("surveys", "photos", "recordings"):
        (root / folder).mkdir(parents=True)
    (root / "project.yaml").write_text(YAML, encoding="utf-8")
    for name, text in SURVEYS.items():
        (root / "surveys" / name).write_text(text, encoding="utf-8")
    for name in ("ok.png", "no.png", "blank.png"):
        Image.new("RGB", (16, 16), (120, 90, 60)).save(root / "photos" / name)
    (root / "photos" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    (root / "photos" / "photos.csv").write_text(SIDECAR, encoding="utf-8")
    (root / "recordings" / "s01.vtt").write_text(VTT, encoding="utf-8")
    (root / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    return root


@pytest.fixture
def consent_project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project")


def answers_of_accepted_rows(path: Path, text_columns: list[str], accepted_ids: set[str]) -> int:
    """Non-empty open-answer cells of the accepted rows, counted from the file itself."""
    with path.open(encoding="utf-8", newline="") as fh:
        return sum(1 for row in csv.DictReader(fh) if row["Id"] in accepted_ids
                   for col in text_columns if row[col].strip())


def test_each_survey_accepted_answers_are_shown_plus_withheld(consent_project: Path) -> None:
    p = project_mod.load(consent_project)
    log = RejectLog("ingest")
    result = read_surveys(p, log)
    for survey in p.surveys:
        c = result.answers[survey.path]
        ids = set(result.responses.loc[result.responses["source_file"] == survey.path, "response_id"])
        assert c.accepted == answers_of_accepted_rows(consent_project / survey.path, list(survey.text.values()), ids)
        assert c.shown == int((result.comments["source"] == survey.path).sum())
        assert c.accepted == c.shown + sum(c.withheld.values()) and c.balanced
    a, b, cc = (result.answers[f"surveys/{n}"] for n in ("a.csv", "b.csv", "c.csv"))
    assert (a.accepted, a.shown, a.withheld) == (6, 2, {"consent answered no (column 'Consent')": 2,
                                                       "consent cell empty (column 'Consent')": 2})
    assert (b.accepted, b.shown, b.withheld, b.consent) == (3, 0, {"no consent column": 3}, "no consent column")
    assert (cc.accepted, cc.shown, cc.withheld, cc.consent) == (2, 2, {}, "all_respondents")
    assert result.counts["surveys/b.csv"] == {"in": 5, "accepted": 4, "rejected": 1}       # scores still count
    declared = result.responses[result.responses["source_file"] == "surveys/c.csv"]
    assert declared["consent"].eq(True).all()


def test_an_explicit_no_still_counts_in_a_survey_that_declares_all_respondents(consent_project: Path) -> None:
    yaml = YAML.replace("columns: {response_id: Id, nps: Q1, stage: Stage}\n    text: {disliked_most: Q5}\nrecordings",
                        "columns: {response_id: Id, nps: Q1, stage: Stage, consent: Consent}\n"
                        "    text: {disliked_most: Q5}\nrecordings")
    (consent_project / "project.yaml").write_text(yaml, encoding="utf-8")
    (consent_project / "surveys" / "c.csv").write_text("Id,Q1,Stage,Q5,Consent\nc1,5,support,slow,no\n"
                                                        "c2,10,purchase,smooth,\n", encoding="utf-8")
    c = read_surveys(project_mod.load(consent_project), RejectLog("ingest")).answers["surveys/c.csv"]
    assert (c.shown, c.withheld) == (1, {"consent answered no (column 'Consent')": 1})


def test_validate_warns_of_a_survey_without_consent_column_and_lists_what_is_held_back(consent_project: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "kit.cli", "validate", str(consent_project)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    warning = [ln for ln in said.splitlines() if ln.startswith("warning: surveys/b.csv: open answers")]
    assert len(warning) == 1, said
    for part in ("no consent column", "privacy.require_consent is on", "consent: <column>",
                 "consent: all_respondents", "privacy.require_consent: false"):
        assert part in warning[0]
    assert not any(ln.startswith(("warning: surveys/a.csv: open answers", "warning: surveys/c.csv: open answers"))
                   for ln in said.splitlines())
    for line in (f"warning: {NO_COLUMN}; privacy.require_consent counts unknown consent as no; "
                 "the rows are accepted and their scores still count",
                 "warning: 2 open answers withheld: consent answered no (column 'Consent') in surveys/a.csv; the rows",
                 "warning: 2 open answers withheld: consent cell empty (column 'Consent') in surveys/a.csv",
                 "warning: photos/no.png not used: no consent: the participant said no",
                 "warning: photos/blank.png not used (consent unknown): no consent recorded",
                 "warning: photos/broken.png not used (file not usable):",
                 "warning: recordings/s01.vtt not used: no consent: recording 's01'"):
        assert line in said, said
    assert ("warning: groups with fewer than 5 answers (min_group_size) are shown with their numbers but never "
            "ranked or tested; nothing of theirs is withheld: channel app (3), channel email (2)") in said
    assert "recordings/s01.vtt: 1 rows in, 0 accepted, 1 rejected" in said     # counted as the run counts it
    assert "surveys/b.csv: 5 rows in, 4 accepted, 1 rejected" in said


def run_steps(project_dir: Path, run_dir: Path) -> None:
    """The ingest and photos steps as the pipeline runs them (the recordings step only rejects s01: no consent)."""
    from kit.steps import ingest, photos, recordings
    p = project_mod.load(project_dir)
    for name, module in (("ingest", ingest), ("photos", photos), ("recordings", recordings)):
        module.run(Step(name, p, run_dir, RejectLog(name)))


def test_the_run_accounts_for_what_it_held_back(consent_project: Path, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_steps(consent_project, run_dir)
    account = runs.evidence_account(run_dir)
    assert account["consent_declared"] == ["surveys/c.csv"]
    assert account["held_back"]["surveys/b.csv"] == [
        {"kind": rejects.ANSWERS_WITHHELD, "count": 3, "reason": "no consent column"}]
    assert {h["kind"] for h in account["held_back"]["surveys/a.csv"]} == {rejects.ANSWERS_WITHHELD}
    assert [h["kind"] for h in account["held_back"]["photos/no.png"]] == [rejects.NO_CONSENT]
    assert [h["kind"] for h in account["held_back"]["photos/blank.png"]] == [rejects.CONSENT_UNKNOWN]
    assert [h["kind"] for h in account["held_back"]["photos/broken.png"]] == [rejects.NOT_USABLE]
    assert [h["kind"] for h in account["held_back"]["recordings/s01.vtt"]] == [rejects.NO_CONSENT]
    comments = pd.read_parquet(run_dir / "data" / "comments.parquet")
    for name, c in account["open_answers"].items():
        assert c["balanced"] and c["accepted"] == c["shown"] + sum(c["withheld"].values()), name
        assert c["shown"] == int((comments["source"] == name).sum()), name
    assert json.loads(json.dumps(account)) == account                  # what the manifest can hold as it is


def test_the_report_says_what_was_held_back(consent_project: Path, tmp_path: Path) -> None:
    from kit.views import report
    run_dir = tmp_path / "run"
    run_steps(consent_project, run_dir)
    r = report.load(Step("report", project_mod.load(consent_project), run_dir, RejectLog("report")))
    html = report.counts_html(r).replace(' dir="ltr"', "")         # each cell's direction: English here
    # said in plain words, counted by what and why (the file-by-file list is the analyst's)
    # a.csv: 2 empty consent cells, b.csv: 3 answers without a consent column: both are "no consent was recorded"
    assert "<td>open answers</td><td>no consent was recorded</td><td class=n>5</td>" in html
    assert "<td>open answers</td><td>the customer did not consent</td><td class=n>2</td>" in html
    assert "still count in the scores" in html
    assert "<td>photos</td><td>the customer did not consent</td>" in html
    assert "<td>recording files</td><td>the customer did not consent</td>" in html
    # the survey by its path in the project: the project's own name for it, not a name the kit made up
    assert "everyone who answered: <bdi>surveys/c.csv</bdi>." in html
    assert ">NO<" not in html                                          # every row and every survey adds up


def test_a_rerun_of_a_step_replaces_its_withheld_answers(consent_project: Path, tmp_path: Path) -> None:
    from kit.steps import ingest
    p = project_mod.load(consent_project)
    run_dir = tmp_path / "run"
    for _ in range(2):
        ingest.run(Step("ingest", p, run_dir, RejectLog("ingest")))
    assert rejects.read_answers(run_dir)["surveys/b.csv"].withheld == {"no consent column": 3}


@pytest.mark.notebook
def test_a_real_run_records_the_account_in_manifest_and_report(consent_project: Path, tmp_path: Path) -> None:
    from kit import pipeline
    final = pipeline.run(consent_project, tmp_path / "runs", "case", progress=False, say=lambda _: None)
    manifest = json.loads((final / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rows"]["surveys/b.csv"] == {"in": 5, "accepted": 4, "rejected": 1}
    account = runs.evidence_account(final)
    assert account["held_back"]["surveys/b.csv"][0]["count"] == 3
    if "held_back" in manifest:                                         # the pipeline records the account
        assert {k: manifest[k] for k in account} == account
    report_html = (final / "report.html").read_text(encoding="utf-8").replace(' dir="ltr"', "")
    # the report says what was held back and why in plain words; the file-by-file account is the manifest's
    assert "<td>open answers</td><td>no consent was recorded</td><td class=\"n\">5</td>" in report_html
    assert "<td>photos</td><td>the customer did not consent</td>" in report_html
    # (the counts table names each input by its path in the project; what was held back is never listed by file)
    assert "photos/no.png" not in report_html and "<bdi>surveys/b.csv</bdi>" in report_html
