"""report.html takes the project's ui_language from the run: its lang, its direction, and no markdown narration."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from kit.exports.report import REPORT_NOTEBOOK, report_html


def _run(tmp_path: Path, lang: str | None) -> Path:
    run = tmp_path / "run"
    (run / "notebooks").mkdir(parents=True)
    if lang is not None:
        (run / "summary.json").write_text(json.dumps({"name": "Diet app", "ui_language": lang}))
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("`cxkit report` re-runs this notebook (`journey.ideal` in project.yaml)"),
        nbformat.v4.new_code_cell("x = 1", outputs=[nbformat.v4.new_output(
            "display_data", data={"text/html": '<section class="cx-r-summary">سلام</section>'})])])
    nbformat.write(nb, run / "notebooks" / REPORT_NOTEBOOK)
    return run


@pytest.mark.parametrize(("lang", "tag"), [("fa", '<html lang="fa" dir="rtl">'), ("en", '<html lang="en" dir="ltr">'),
                                           (None, '<html lang="en" dir="ltr">')])
def test_report_html_has_the_run_language_and_direction(tmp_path: Path, lang: str | None, tag: str) -> None:
    page = report_html(_run(tmp_path, lang)).read_text(encoding="utf-8")
    assert tag in page and page.count("<html") == 1
    assert "cx-r-summary" in page                            # outputs are kept
    assert "cxkit report" not in page and "journey.ideal" not in page      # the analyst's markdown is not
