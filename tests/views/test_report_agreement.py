"""The report's "Agreement between coders": figures equal to kappa and alpha worked by hand, the items
to settle with each coder's value, nothing when no one coded, every person's and customer's text escaped."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from kit.core.paths import SAMPLE_PROJECT
from kit.core.step import open_step
from kit.curation import journal
from kit.steps.curation import curate
from kit.views import report, report_agreement

EXHIBITS = [{"id": "u1", "kind": "quote", "title": "Waited <script>alert(1)</script> forever", "tags": []},
            {"id": "u2", "kind": "quote", "title": "Card refused", "tags": []},
            {"id": "u3", "kind": "quote", "title": "Too many e-mails", "tags": []},
            {"id": "u4", "kind": "quote", "title": "Recipes", "tags": []}]
# stage, two coders: ana a a b b, bo a b b b -> po 3/4, pe 1/2*1/4 + 1/2*3/4 = 1/2, kappa (3/4 - 1/2)/(1 - 1/2) = 0.5
STAGES = {"u1": ("purchase", "purchase"), "u2": ("purchase", "support"), "u3": ("support", "support"),
          "u4": ("support", "support")}
# channel, three coders: u1 app app app, u2 app email app, u3 email email email -> coincidences app-app 4,
# app-email 1, email-app 1, email-email 3; n 9; D_o 2/9, D_e (5*4 + 4*5)/(9*8) = 5/9; alpha 1 - 2/5 = 0.6
CHANNELS = {"u1": ("app", "app", "app"), "u2": ("app", "email", "app"), "u3": ("email", "email", "email")}


def _run(tmp_path: Path, coded: bool = True) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(SAMPLE_PROJECT / "project.yaml", project / "project.yaml")
    path = project / journal.JOURNAL
    journal.append(path, journal.make(who="ana", role="analyst", op="hide", exhibit="u4", reason="a duplicate"))
    if coded:
        for unit, values in STAGES.items():
            for who, v in zip(("ana", "<b>bo</b>"), values, strict=True):
                journal.append(path, journal.make(who=who, role="analyst", op="code", exhibit=unit, field="stage", after=v))
        for unit, values in CHANNELS.items():
            for who, v in zip(("ana", "<b>bo</b>", "cy"), values, strict=True):
                journal.append(path, journal.make(who=who, role="analyst", op="code", exhibit=unit, field="channel",
                                                  after=v))
    step = open_step("gallery", project, tmp_path / "run")
    curate(step, EXHIBITS)
    return step.run_dir


def test_figures_are_kappa_and_alpha_worked_by_hand(tmp_path: Path) -> None:
    run = _run(tmp_path)
    html = report_agreement.agreement_html(run, EXHIBITS, "en")
    assert "<h2>Agreement between coders</h2>" in html
    stage = html[html.index("journey stage"):]
    channel = html[html.index("<td dir=\"auto\">channel") + len("<td dir=\"auto\">"):]
    assert stage.startswith("journey stage</td><td>Cohen&#x27;s kappa</td><td class=n>0.50</td><td>moderate</td>"
                            "<td class=n>4</td>")
    assert channel.startswith("channel</td><td>Krippendorff&#x27;s alpha</td><td class=n>0.60</td><td>moderate</td>"
                              "<td class=n>3</td>")
    assert report_agreement.level(0.61) == "agr_level_substantial" and report_agreement.level(-0.1) == "agr_level_poor"


def test_disagreements_are_listed_with_each_coders_value(tmp_path: Path) -> None:
    html = report_agreement.agreement_html(_run(tmp_path), EXHIBITS, "en")
    settle_stage = html[html.index("To settle: <bdi>journey stage"):html.index("To settle: <bdi>channel")]
    assert settle_stage.count("<tr><td") == 1 and "Card refused (u2)" in settle_stage
    assert "<td dir=\"auto\">support</td><td dir=\"auto\">purchase</td>" in settle_stage     # bo, then ana
    settle_channel = html[html.index("To settle: <bdi>channel"):]
    assert settle_channel.count("<tr><td") == 1 and "(u2)" in settle_channel
    # coders in name order (<b>bo</b>, ana, cy): bo read u2 as email, the others as app
    assert "<td dir=\"auto\">by email</td><td dir=\"auto\">in the app</td><td dir=\"auto\">in the app</td>" in settle_channel


def test_no_codes_no_section(tmp_path: Path) -> None:
    run = _run(tmp_path, coded=False)
    assert report_agreement.agreement_html(run, EXHIBITS, "en") == ""
    assert report_agreement.agreement_html(tmp_path / "no-run", EXHIBITS, "en") == ""


def test_text_is_escaped_and_the_report_carries_the_section(tmp_path: Path) -> None:
    run = _run(tmp_path)
    html = report_agreement.agreement_html(run, EXHIBITS, "en")
    assert "<script>" not in html
    assert "<b>bo</b>" not in html and "&lt;b&gt;bo&lt;/b&gt;" in html
    hostile = [{**EXHIBITS[1], "title": "Card <img src=x onerror=alert(1)> refused"}]
    settled = report_agreement.agreement_html(run, hostile, "en")
    assert "<img" not in settled and "Card &lt;img src=x onerror=alert(1)&gt; refused (u2)" in settled
    r = report.ReportData(name="x", headline={}, by_stage=pd.DataFrame(), trend=pd.DataFrame(), bands=pd.DataFrame(),
                          exhibits=EXHIBITS, counts={}, rejects=0, run_dir=run)
    assert "Agreement between coders" in report.counts_html(r)


@pytest.mark.parametrize("lang", ["fa"])
def test_persian_words_and_digits(tmp_path: Path, lang: str) -> None:
    html = report_agreement.agreement_html(_run(tmp_path), EXHIBITS, lang)
    assert "توافق میان کدگذاران" in html and 'dir="rtl"' in html and "کاپای کوهن" in html
    assert "۰٫۵۰" in html and "0.50" not in html
