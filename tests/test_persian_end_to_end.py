"""A Persian project from end to end, as an Iranian team's files arrive: validate, run, serve, report.

The project is the sample copied by ``kit.synth.persian``: project.yaml typed on a Persian keyboard,
the survey saved by Excel as Windows-1256 (Arabic yeh and kaf in its headers and answers),
Jalali date-times in Tehran's time, Persian stages and channels. Every page and export must then
be right to left, write numbers in Persian digits and show no English word that is not the
customers' own: any Latin word must come from the evidence (answers, transcripts, captions, posts).
Screenshots go to ``CXKIT_SHOTS`` when it is set, to be looked at.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from kit.core.exhibits import short_ids
from kit.synth.persian import persian_copy
from tests.browser_support import gate_server, open_page

pytestmark = [pytest.mark.notebook, pytest.mark.browser]

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
LATIN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z'’]+(?![A-Za-z0-9])")    # words, not codes such as K7QF
URL = re.compile(r"https?://\S+")
MARK = re.compile(r"\[[a-z-]+\]")      # what redaction put in customer text: [email], [name], [redacted]
PERSIAN_DIGIT = re.compile("[۰-۹]")
# Names a Persian page writes in Latin letters too: the scores' acronyms and file formats.
KEPT_LATIN = {"nps", "csat", "ces", "csv", "pdf", "qr"}
# Each page and what it shows once drawn.
PAGES = {"overview": ".cx-tile", "exhibits": ".cx-cardgrid .cx-card", "negative": ".cx-rank li",
         "board": ".cx-room-board .cx-board-body", "presenter": ".cx-slide"}
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
LOAD = 180_000


def _cxkit(*args: str, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kit.cli", *args], capture_output=True, text=True, timeout=timeout)


def _customer_words(project: Path) -> set[str]:
    """Every Latin word of the evidence: what customers wrote and said may be shown as they wrote it."""
    words: set[str] = set()
    for path in project.rglob("*"):
        if path.suffix.lower() in (".vtt", ".srt", ".csv"):
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("cp1256", errors="replace")
            words.update(w.lower() for w in LATIN.findall(text))
    return words


def _file_name_words(project: Path) -> set[str]:
    """Every Latin word of the project's relative file paths (split on / _ . -): names the project gave its
    files and folders (``surveys/q3_responses.csv``), shown as they are where a page says what it read."""
    words: set[str] = set()
    for path in project.rglob("*"):
        for part in re.split(r"[/_.\-]", path.relative_to(project).as_posix()):
            words.update(w.lower() for w in LATIN.findall(part))
    return words


def _english(text: str, allowed: set[str]) -> list[str]:
    """Latin words in ``text`` that are neither the customers' own nor a kept acronym."""
    text = MARK.sub(" ", URL.sub(" ", text))
    return sorted({w for w in LATIN.findall(text) if w.lower() not in allowed | KEPT_LATIN})


def _shot(page: object, name: str) -> None:
    folder = os.environ.get("CXKIT_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return persian_copy(SAMPLE, tmp_path_factory.mktemp("persian") / "project")


@pytest.fixture(scope="module")
def allowed(project: Path, run: Path) -> set[str]:
    """The customers' words, the project's file names, and the run's short ids (printed on cards, read aloud,
    in Latin letters by design)."""
    ids = [r["id"] for r in json.loads((run / "exhibits.json").read_text(encoding="utf-8"))]
    return _customer_words(project) | _file_name_words(project) | {code.lower() for code in short_ids(ids).values()}


@pytest.fixture(scope="module")
def run(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("persian_runs")
    done = _cxkit("run", str(project), "--out", str(out), "--run-id", "fa", "--quiet")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    reported = _cxkit("report", str(out / "fa"), "--to", "html,pdf,cards,gallery")
    assert reported.returncode == 0, reported.stdout[-3000:] + reported.stderr[-3000:]
    return out / "fa"


def _counts(output: str) -> list[str]:
    return re.findall(r"(\d+) rows in, (\d+) accepted, (\d+) rejected", output)


def test_the_persian_copy_validates_as_cleanly_as_the_english_sample(project: Path) -> None:
    persian, english = _cxkit("validate", str(project)), _cxkit("validate", str(SAMPLE))
    assert persian.returncode == 0, persian.stdout + persian.stderr
    assert "The project is ready to run." in persian.stdout
    # the same rows accepted and rejected from every file: the Arabic-yeh headers, Persian stage and
    # channel names and Jalali stamps are all understood
    assert _counts(persian.stdout) == _counts(english.stdout)
    assert "is not a date" not in persian.stdout and "does not have" not in persian.stdout


def _labels(value: object) -> list[str]:
    if isinstance(value, dict):
        own = [str(value["label"])] if "label" in value else []
        return own + [x for v in value.values() for x in _labels(v)]
    return [x for v in value for x in _labels(v)] if isinstance(value, list) else []


def test_the_run_reads_jalali_stamps_and_names_its_months_in_persian(run: Path) -> None:
    labels = _labels(json.loads((run / "summary.json").read_text(encoding="utf-8")))
    months = {"تیر ۱۴۰۵", "مرداد ۱۴۰۵", "شهریور ۱۴۰۵"}
    assert months <= set(labels), labels[:20]              # the sample's July-September 2026, in Jalali months
    assert not [label for label in labels if re.search(r"20\d\d", label)]


@pytest.mark.parametrize("name", ["report.html", "gallery.html"])
def test_html_exports_are_persian_right_to_left_with_the_font_embedded(browser: object, run: Path, allowed: set[str],
                                                                       name: str) -> None:
    html = (run / name).read_text(encoding="utf-8")
    assert re.search(r'<html lang="fa" dir="rtl"', html)
    assert re.search(r"@font-face\s*{[^}]*Vazirmatn[^}]*url\(\s*['\"]?data:", html), "Vazirmatn is not embedded"
    for size, (width, height) in SIZES.items():
        page = browser.new_page(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
        page.goto((run / name).as_uri())
        text = page.inner_text("body")
        assert PERSIAN_DIGIT.search(text)
        assert _english(text, allowed) == [], f"{name} at {size} shows English words"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        _shot(page, f"fa-{name}-{size}")
        page.close()


@pytest.mark.parametrize("name", ["report.pdf", "cards.pdf"])
def test_pdf_exports_are_persian(run: Path, allowed: set[str], name: str) -> None:
    from pypdf import PdfReader
    reader = PdfReader(run / name)
    # NFKC: a PDF keeps ligatures (ﬁ) that would split "notifications" into two words
    text = unicodedata.normalize("NFKC", "\n".join(page.extract_text() or "" for page in reader.pages))
    assert PERSIAN_DIGIT.search(text), f"{name} has no Persian digits"
    assert _english(text, allowed) == [], f"{name} shows English words"
    fonts = {str(font.get("/BaseFont", "")) for page in reader.pages
             for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values()
             for font in [font.get_object()]}
    assert any("Vazirmatn" in f for f in fonts), f"{name} does not embed Vazirmatn: {sorted(fonts)[:8]}"


def _drawn(page: object, name: str) -> None:
    """Wait until the page has drawn what it shows, then a moment for its charts."""
    page.wait_for_selector(PAGES[name], timeout=LOAD)  # type: ignore[attr-defined]
    time.sleep(2)


@pytest.fixture(scope="module")
def served(run: Path, tmp_path_factory: pytest.TempPathFactory):
    with gate_server(run, tmp_path_factory.mktemp("persian_serve")) as (url, _):
        yield url


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", PAGES)
def test_served_pages_are_persian_right_to_left(browser: object, served: str, allowed: set[str], name: str,
                                                size: str) -> None:
    page = open_page(browser, f"{served}/voila/render/{name}.ipynb", timeout=LOAD)
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))  # type: ignore[attr-defined]
    _drawn(page, name)
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"  # type: ignore[attr-defined]
    text = page.inner_text("body")  # type: ignore[attr-defined]
    assert PERSIAN_DIGIT.search(text) or name == "board", f"{name} has no Persian digits"   # a board before votes has none
    assert _english(text, allowed) == [], f"{name} at {size} shows English words"
    assert not page.errors  # type: ignore[attr-defined]
    _shot(page, f"fa-{name}-{size}")


def test_an_opened_exhibit_is_persian(browser: object, served: str, allowed: set[str]) -> None:
    page = open_page(browser, f"{served}/voila/render/exhibits.ipynb", timeout=LOAD)
    page.wait_for_selector(".cx-cardgrid .cx-card", timeout=LOAD)  # type: ignore[attr-defined]
    page.locator(".cx-cardgrid .cx-card").first.click()  # type: ignore[attr-defined]
    page.wait_for_selector(".cx-overlay .cx-detail", timeout=LOAD)  # type: ignore[attr-defined]
    time.sleep(1)
    # the exhibit itself: title, feeling, evidence in words, where it comes from
    detail = page.inner_text(".cx-overlay .cx-detail")  # type: ignore[attr-defined]
    assert _english(detail, allowed) == [], "the opened exhibit shows English words"
    _shot(page, "fa-exhibit-open")
    # and the whole drawer, the analyst's curation panel with it
    text = page.inner_text(".cx-overlay")  # type: ignore[attr-defined]
    assert _english(text, allowed) == [], "the opened exhibit's drawer shows English words"
