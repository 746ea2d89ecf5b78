"""Static exports of a run: the executive report (HTML and PDF), the one-file gallery, the cards.

All open offline: the report's template drops nbconvert's CDN scripts and the report notebook
embeds plotly.js; the gallery embeds its thumbnails and data and filters with plain JavaScript.
Untrusted text reaches the gallery only as JSON data and is put on the page with ``textContent``.
``report.pdf`` is ``report.html`` printed by Chromium with its charts swapped for images
(interactive charts are cut at page breaks); ``cards.pdf`` is built by kit.exports.cards.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from kit.core import i18n, runfolder, runs
from kit.core.errors import PipelineError, ProjectError, RunFileError, RunNotFoundError
from kit.core.notebooks import REPORT_RENDERER, execute, failure
from kit.core.paths import ASSETS_DIR, NOTEBOOKS_DIR
from kit.views.report import report_title

TEMPLATES = ASSETS_DIR / "nbconvert"
REPORT_NOTEBOOK = "06_report.ipynb"
# plotly's notebook renderer adds a MathJax <script> from a CDN to every figure; the kit's charts
# use no LaTeX, and a page must open offline, so the export drops those tags.
_HTML_TAG = re.compile(r"<html[^>]*>", re.IGNORECASE)
_CDN_MATHJAX = re.compile(r'<script[^>]*src="https?://[^"]*mathjax[^"]*"[^>]*>\s*</script>', re.IGNORECASE)


def report_project(run_dir: Path) -> Path:
    """The project folder a run was made from (its manifest says), to re-run the report against."""
    manifest = runs.read_manifest(run_dir)
    project = manifest.get("project") or (manifest.get("parameters") or {}).get("project")
    if not project or not (Path(project) / "project.yaml").is_file():
        raise ProjectError(f"the run {run_dir.name} was made from {project or 'an unknown project'}, which has no "
                           "project.yaml any more; restore that folder, or export without re-running the report "
                           "(cxkit report --no-execute)")
    return Path(project)


def execute_report(run_dir: Path) -> Path:
    """Re-run the report notebook against the run, so the report shows what happened since (workshops).

    The notebook is written next to the run's other executed notebooks only when it succeeds; a
    failed execution is kept beside it as ``06_report.failed.ipynb`` for reading.
    """
    run_dir = Path(run_dir)
    project = report_project(run_dir)
    out = run_dir / runfolder.NOTEBOOKS / REPORT_NOTEBOOK
    out.parent.mkdir(parents=True, exist_ok=True)
    work = out.with_suffix(".running.ipynb")
    try:
        execute(NOTEBOOKS_DIR / REPORT_NOTEBOOK, work, {"project": str(project), "run_dir": str(run_dir)},
                renderer=REPORT_RENDERER)
    except Exception as exc:  # noqa: BLE001 - the user gets the notebook, the cell and the error
        failed = out.with_suffix(".failed.ipynb")
        if work.exists():
            os.replace(work, failed)
        cell, error = failure(exc)
        raise PipelineError(REPORT_NOTEBOOK, cell, error, failed) from None
    os.replace(work, out)
    return out


def report_html(run_dir: Path) -> Path:
    """``report.html``: the executed report notebook without code, prompts or CDN links."""
    import nbformat
    from nbconvert import HTMLExporter

    executed = run_dir / runfolder.NOTEBOOKS / REPORT_NOTEBOOK
    if not executed.is_file():
        raise RunNotFoundError(f"{executed} is missing: the report notebook has not run on this run folder; "
                               "run `cxkit report` without --no-execute")
    nb = nbformat.read(executed, as_version=4)
    lang = report_language(run_dir)
    exporter = HTMLExporter(template_name="cxreport", extra_template_basedirs=[str(TEMPLATES)],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": _title(run_dir, lang)}, "language_code": lang})
    out = run_dir / runfolder.REPORT_HTML
    out.write_text(with_direction(_CDN_MATHJAX.sub("", body), lang), encoding="utf-8")
    return out


def _title(run_dir: Path, lang: str) -> str:
    """The page's title: the project's name and what the report is, in the report's language."""
    return report_title(runfolder.read_summary(run_dir).get("name"), lang)


def report_language(run_dir: Path) -> str:
    """The project's ``ui_language`` as the run recorded it (summary.json): the report's words and direction."""
    try:
        summary = runfolder.read_summary(run_dir)
    except RunFileError:
        summary = {}
    return i18n.language(str((summary or {}).get("ui_language") or "en"))


def with_direction(page: str, lang: str) -> str:
    """The page's ``<html>`` tag with its language and direction, so a Persian report reads right to left.

    nbconvert's lab template writes ``<html lang="...">`` and has no block for the direction.
    """
    return _HTML_TAG.sub(f'<html lang="{lang}" dir="{i18n.direction(lang)}">', page, count=1)


def report_pdf(run_dir: Path, given_browser: Any = None) -> Path:
    """``report.pdf``: report.html printed on A4 by Chromium, every chart as an image kept whole on its page."""
    from kit.exports import printing
    run_dir = Path(run_dir).resolve()
    html = run_dir / runfolder.REPORT_HTML
    if not html.exists():
        report_html(run_dir)
    return printing.print_pdf(html.as_uri(), run_dir / runfolder.REPORT_PDF, charts_to_images=True, given_browser=given_browser)


def cards_pdf(run_dir: Path, given_browser: Any = None) -> Path:
    """``cards.pdf``: two A5 exhibit cards per A4 sheet, most severe first (see kit.exports.cards)."""
    from kit.exports import cards
    return cards.cards_pdf(run_dir, given_browser=given_browser)


