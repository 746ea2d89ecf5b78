"""The overview in a browser, on a laptop and on a phone: the finding first, the worst experiences in words,
every score judged against its target, nothing wider than the screen and no id or file name in sight.

Set ``CXKIT_TEST_RUN`` to a finished run folder to test against it instead of running the pipeline.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from kit.analysis.headline import is_overload, overload_share
from kit.charts import journey as overview_chart
from kit.core import i18n
from tests.browser_support import LOCAL, voila_server

pytestmark = pytest.mark.browser
LOAD = 180_000           # ms: a fresh kernel on a busy 2-core machine
LEAKS = [r"survey-R_", r"rec-s0", r"photo-[a-z]", r"chart-[a-z]", r"\.parquet", r"\.json", r"\.mp4", r"\.jpg", r"\.png"]
TARGETS = {"nps": 30, "csat": 4.2, "ces": 5.5}
# The first text node of the page, and whether it sits in the headline.
FIRST_TEXT = """() => {
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {acceptNode: n => {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || el.closest('script,style,template')) return NodeFilter.FILTER_REJECT;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden'
      ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT; }});
  const first = walk.nextNode();
  return first ? {inHeadline: !!first.parentElement.closest('.cx-headline'), text: first.textContent} : null;
}"""

# Elements that reach past either edge of the screen, and boxes that scroll sideways.
OUTSIDE = """() => { const W = innerWidth, bad = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (r.width > 0 && r.height > 0 && (r.right > W + 1 || r.left < -1)) bad.push(`${el.tagName}.${el.className}`);
    if (['auto', 'scroll'].includes(cs.overflowX) && el.scrollWidth > el.clientWidth + 1) bad.push(`scrolls: ${el.tagName}`);
  }
  return bad; }"""


def _copy(request: pytest.FixtureRequest, dest: Path) -> Path:
    given = os.environ.get("CXKIT_TEST_RUN")
    source = Path(given) if given else request.getfixturevalue("sample_run")
    shutil.copytree(source.resolve(), dest, symlinks=True)
    summary = json.loads((dest / "summary.json").read_text())
    if "targets" not in summary:                # a run made before summary.json carried project.yaml's targets
        (dest / "summary.json").write_text(json.dumps({**summary, "targets": TARGETS}))
    return dest


def _persian(run: Path) -> Path:
    """The run as a project with ``ui_language: fa`` makes it: labels, and the journey drawn in Persian."""
    summary = json.loads((run / "summary.json").read_text())
    (run / "summary.json").write_text(json.dumps({**summary, "ui_language": "fa"}))
    if (run / overview_chart.SVG).exists():
        journey = pd.read_parquet(run / "data" / "journey.parquet")
        assert overview_chart.write_svg(run, journey, summary["stages"], "fa")
    return run


@pytest.fixture(scope="module")
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    run = _copy(request, tmp_path_factory.mktemp("overview") / "run")
    with voila_server(run, tmp_path_factory.mktemp("voila-home")) as (url, _):
        yield f"{url}/voila/render/overview.ipynb", run


@pytest.fixture(scope="module")
def served_fa(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    run = _persian(_copy(request, tmp_path_factory.mktemp("overview-fa") / "run"))
    with voila_server(run, tmp_path_factory.mktemp("voila-home-fa")) as (url, _):
        yield f"{url}/voila/render/overview.ipynb", run


def _visit(browser: object, url: str, width: int, height: int) -> object:
    page = browser.new_page(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
    page.errors, page.remote = [], []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(LOCAL) else page.remote.append(r.url))
    page.goto(url, wait_until="domcontentloaded", timeout=LOAD)
    page.wait_for_selector(".cx-headline", timeout=LOAD)
    page.wait_for_selector(".cx-tile", timeout=LOAD)
    page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=60_000)
    return page


def _top(run: Path) -> dict:
    return next(n for n in json.loads((run / "negatives.json").read_text()) if not n.get("too_few"))


def _check(page: object, run: Path, lang: str) -> str:
    """What holds at every width; returns the headline's text."""
    first = page.evaluate(FIRST_TEXT)
    assert first and first["inHeadline"], f"the page opens with {first}, not its headline"
    head = page.inner_text(".cx-headline")
    top = _top(run)
    assert i18n.number(top["reach"], lang) in head                   # the worst experience's numbers
    if is_overload(top):
        assert i18n.number(overload_share(top), lang) in head
    width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways: {width}"
    assert page.evaluate(OUTSIDE) == []              # Voilà scrolls inside a box: no element may leave the screen either
    text = page.evaluate("document.body.innerText")
    for leak in LEAKS:
        assert not re.search(leak, text), f"{leak} shows on the page"
    assert page.locator(".cx-worst .cx-wcard").count() == 5
    assert page.locator(".cx-wcard .m img, .cx-wcard .w").count() == 5            # each card shows media or words
    assert not page.errors and not page.remote and "Traceback" not in text
    return head


def test_overview_on_a_laptop_and_a_phone(browser, served: tuple[str, Path], tmp_path: Path) -> None:
    url, run = served
    page = _visit(browser, url, 1440, 900)
    _check(page, run, "en")
    tiles = page.inner_text(".cx-tiles")
    assert len(re.findall(r"(below|on|above) target \(", tiles)) == 3
    assert len(re.findall(r"[✗≈✓]", tiles)) == 3                                    # a mark that survives grey print
    order = page.evaluate("['.cx-headline', '.cx-worst', '.cx-tiles', '.cx-journey']"
                          ".map(s => document.querySelector(s)?.getBoundingClientRect().top ?? -1)")
    assert order[:3] == sorted(order[:3]) and (order[3] == -1 or order[3] > order[2])
    if page.locator(".cx-journey img").count():
        assert page.locator(".cx-journey img").is_visible() and not page.locator(".cx-jlist").is_visible()
    page.screenshot(path=str(tmp_path / "overview-1440.png"), full_page=True)
    page.close()

    page = _visit(browser, url, 390, 844)
    _check(page, run, "en")
    if page.locator(".cx-journey img").count():                    # the curve's 4 px labels give way to a list
        assert not page.locator(".cx-journey img").is_visible() and page.locator(".cx-jlist").is_visible()
        assert page.locator(".cx-jlist li").count() == len(json.loads((run / "summary.json").read_text())["by_stage"])
    page.screenshot(path=str(tmp_path / "overview-390.png"), full_page=True)
    page.close()


def test_persian_overview_on_a_phone(browser, served_fa: tuple[str, Path], tmp_path: Path) -> None:
    url, run = served_fa
    page = _visit(browser, url, 390, 844)
    head = _check(page, run, "fa")
    assert not re.search(r"[0-9]", head)                            # Persian digits
    assert "هدف" in page.inner_text(".cx-tiles")
    assert page.evaluate("getComputedStyle(document.querySelector('.cx-headline')).direction") == "rtl"
    page.screenshot(path=str(tmp_path / "overview-fa-390.png"), full_page=True)
    page.close()
