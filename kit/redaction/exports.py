"""The run's exports after a redaction: made again by ``kit.exports``, or removed as stale.

``report.html``, ``gallery.html``, ``report.pdf`` and ``cards.pdf`` embed the run's text and media
(clips and stills as data URIs), so they are not edited but made again from the redacted run by
the code ``cxkit report`` uses: the report notebook re-run against the run (so it reads the redacted
tables), then exported. An export that cannot be made here (no Chromium for a PDF, the project folder
gone for the report notebook) and still shows a term is removed rather than left carrying it; the
manifest lists it as stale with the command that makes it again.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path

from kit.core import runfolder
from kit.exports import gallery_file
from kit.exports import report as export
from kit.redaction.files import Withdrawal
from kit.redaction.terms import DATA_URI, Matcher

log = logging.getLogger("cxkit.redaction")

EXPORTS = (runfolder.REPORT_HTML, runfolder.GALLERY_HTML, runfolder.REPORT_PDF, runfolder.CARDS_PDF)
REMAKE = "cxkit report RUN"


def readable_text(path: Path) -> str:
    """What a reader of an export sees as text: HTML without its embedded media, a PDF's extracted text."""
    if path.suffix.lower() == ".pdf":
        from pypdf import PdfReader
        return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    text = path.read_text(encoding="utf-8", errors="replace")
    return html.unescape(DATA_URI.sub("", text) if "base64," in text else text)


def places(path: Path, matcher: Matcher, gone: Withdrawal) -> int:
    """How often the terms, or the titles and quotes of withdrawn exhibits, appear in an export.

    A withdrawn exhibit's bare id is not counted: the workshop findings still list the votes it was
    given (kept, as every vote is), under its id, without its title, picture or words.
    """
    if not path.is_file():
        return 0
    text = readable_text(path)
    return matcher.count(text) + sum(text.count(m) for m in gone.marks)


def present(run_dir: Path) -> list[str]:
    """The exports this run has."""
    return [name for name in EXPORTS if (run_dir / name).is_file()]


def _report_html(run_dir: Path) -> Path:
    """The report made again as ``cxkit report`` makes it; from the (redacted) executed notebook if the
    notebook cannot be re-run (its project folder is gone)."""
    try:
        export.execute_report(run_dir)
    except Exception as exc:  # noqa: BLE001 - the executed notebook, redacted, is still there
        log.warning("the report notebook could not be re-run (%s); report.html is made from the redacted "
                    "executed notebook", exc)
    return export.report_html(run_dir)


MAKERS: dict[str, Callable[[Path], Path]] = {
    runfolder.REPORT_HTML: _report_html,
    runfolder.GALLERY_HTML: gallery_file.gallery_html,
    runfolder.REPORT_PDF: export.report_pdf,
    runfolder.CARDS_PDF: export.cards_pdf,
}


def _make(name: str, run_dir: Path, say: Callable[[str], None]) -> bool:
    """Make one export, trying twice: printing with a browser on a busy machine fails now and then."""
    for attempt in (1, 2):
        try:
            MAKERS[name](run_dir)
            return True
        except Exception as exc:  # noqa: BLE001 - any failure leaves the export stale, never unredacted
            say(f"could not make {name} again ({type(exc).__name__}: {exc})" + ("; trying once more" if attempt == 1
                else f"; removed it: make it with {REMAKE}"))
    return False


def remake(run_dir: Path, names: list[str], matcher: Matcher, gone: Withdrawal,
           say: Callable[[str], None] = lambda _: None) -> tuple[list[str], list[str]]:
    """Make each export in ``names`` again; returns (made, stale). A stale export is removed.

    Each export is checked after it is made: one that still shows a term or a withdrawn exhibit
    (something outside the kit's reach put it there) is removed too, never kept. report.pdf is
    printed from report.html, so it is stale when that is.
    """
    made, stale = [], []
    for name in EXPORTS:
        if name not in names:
            continue
        path = run_dir / name
        if name == runfolder.REPORT_PDF and runfolder.REPORT_HTML in stale:
            stale.append(name)
            continue
        if not _make(name, run_dir, say):
            stale.append(name)
        elif left := places(path, matcher, gone):
            say(f"{name} still shows {left} redacted place(s) after it was made again; removed it")
            stale.append(name)
        else:
            made.append(name)
    for name in stale:
        (run_dir / name).unlink(missing_ok=True)
    return made, stale
