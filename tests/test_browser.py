"""The pages as a person sees them: Voilà and gallery.html in a real headless Chromium.

The served run is a copy of the sample run with two exhibits added: a hostile one (every page is
checked for escaping: the text must show literally and its script must never run) and a chart
exhibit whose plotly figure the gallery must draw. ``CXKIT_TEST_RUN=<run folder>`` serves a copy of
an existing run instead of running the pipeline first (quicker while working on the pages).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from kit.charts import journey as overview_chart
from kit.exports import gallery_file
from kit.steps import gallery
from tests.browser_support import LOCAL, voila_server

pytestmark = pytest.mark.browser
HOSTILE = '<img src=x onerror="window.__xss=1">'
LOAD = 120_000          # ms: a page on a busy 2-core machine can take a while
ACT = 60_000


def _open(browser, url: str) -> object:
    """tests.browser_support.open_page with a longer wait: a page may need a fresh kernel on a busy machine."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.errors, page.remote = [], []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(LOCAL) else page.remote.append(r.url))
    page.goto(url, wait_until="domcontentloaded", timeout=LOAD)
    return page


def _copy_run(request: pytest.FixtureRequest, dest: Path) -> Path:
    given = os.environ.get("CXKIT_TEST_RUN")
    source = Path(given) if given else request.getfixturevalue("sample_run")
    shutil.copytree(source.resolve(), dest, symlinks=True)
    return dest


def _add_exhibits(run: Path) -> list[dict]:
    records = json.loads((run / "exhibits.json").read_text())
    records = [r for r in records if r["id"] not in ("hostile-1", "chart-test")]
    fig = go.Figure(go.Bar(x=["app", "phone"], y=[12, -8]), layout={"title": "NPS by channel (n = 120)"})
    (run / "media").mkdir(exist_ok=True)
    (run / "media" / "chart-test.json").write_text(fig.to_json())
    records.insert(0, {**records[0], "id": "hostile-1", "kind": "quote", "title": HOSTILE, "quote": HOSTILE,
                       "caption": HOSTILE, "valence": -1.0, "severity": 1.0, "media": {}, "stage": records[0]["stage"],
                       "segment": HOSTILE, "source": {"file": HOSTILE, "locator": HOSTILE}, "lang": "en"})
    records.append({**records[0], "id": "chart-test", "kind": "chart", "title": "NPS by channel", "quote": "",
                    "caption": "Chart test", "valence": 0.1, "severity": None, "segment": None,
                    "media": {"figure": "media/chart-test.json"}, "source": {"file": "all surveys", "locator": "all"}})
    (run / "exhibits.json").write_text(json.dumps(records))
    (run / "lenses.json").unlink(missing_ok=True)       # exhibits changed: the page ranks for itself
    summary = json.loads((run / "summary.json").read_text())
    (run / "summary.json").write_text(json.dumps({**summary, "worst": gallery.worst(records)}))
    return records


@pytest.fixture(scope="module")
def hostile_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    run = _copy_run(request, tmp_path_factory.mktemp("served") / "run")
    _add_exhibits(run)
    gallery_file.gallery_html(run)
    return run


@pytest.fixture(scope="module")
def voila(hostile_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with voila_server(hostile_run, tmp_path_factory.mktemp("voila-home")) as (url, _):
        yield url


def _clean(page) -> None:
    """What every page must be: no JavaScript error, nothing fetched off this machine, no traceback, no script run."""
    assert not page.errors, page.errors
    assert not page.remote, page.remote
    assert "Traceback" not in page.inner_text("body")
    assert page.evaluate("window.__xss === undefined")


def _gallery(browser, url: str) -> object:
    page = _open(browser, url)
    page.wait_for_selector(".cx-cardgrid .cx-card, .cx-cardgrid .cx-msg", timeout=LOAD)
    return page


def _ids(page) -> list[str]:
    return page.eval_on_selector_all(".cx-cardgrid .cx-card", "cards => cards.map(c => c.dataset.id)")


def _count(page) -> str:
    return page.inner_text(".cx-count")


def test_overview_shows_scores_trend_chart_and_worst_experiences(browser, voila: str, hostile_run: Path,
                                                                 tmp_path: Path) -> None:
    page = _open(browser, f"{voila}/voila/render/overview.ipynb")
    page.wait_for_selector(".cx-tile", timeout=LOAD)
    if (hostile_run / overview_chart.SVG).exists():         # made by the pipeline where Chromium is installed
        page.wait_for_function("() => { const i = document.querySelector('.cx-journey img');"
                               " return i && i.complete && i.naturalWidth > 0; }", timeout=ACT)
        assert page.locator(".cx-journey a[href='negative.ipynb']").count() == 1
        assert page.locator(".js-plotly-plot").count() == 0     # no plotly.js to run before the page shows
    else:
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=ACT)
    assert page.locator(".cx-tile").count() == 3
    assert "NPS" in page.inner_text(".cx-tiles") and "95% interval" in page.inner_text(".cx-tiles")
    assert page.locator(".cx-tile .t").count() == 3                      # a trend line under each score
    assert page.locator("a[href='exhibits.ipynb']").count() >= 1
    assert page.locator(".cx-links a[href='negative.ipynb']").count() == 1
    if (hostile_run / "negatives.json").exists():
        assert page.locator(".cx-worst .cx-wcard").count() == 5
    else:
        assert "did not produce negatives.json" in page.inner_text("body")
        assert 1 <= page.locator(".cx-card").count() <= 5
        assert page.locator(".cx-card", has_text=HOSTILE).count() == 1     # shown as text, not as an <img>
    time.sleep(1)
    _clean(page)
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)


def test_negative_room_ranks_and_draws_its_charts_without_the_plotly_extension(browser, voila: str,
                                                                                hostile_run: Path, tmp_path: Path) -> None:
    assert (hostile_run / "negatives.json").exists(), "the sample run must rank its negative experiences (negatives.json)"
    page = _open(browser, f"{voila}/voila/render/negative.ipynb")
    page.wait_for_selector(".cx-rank li", timeout=LOAD)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 4", timeout=ACT)
    assert page.locator(".cx-rank li a[href^='exhibits.ipynb?exhibit=']").count() >= 5
    plots = page.locator(".js-plotly-plot")
    assert all(plots.nth(i).bounding_box()["height"] > 200 for i in range(plots.count()))   # drawn, not collapsed
    assert page.evaluate("typeof window.Plotly") == "object"             # fetched from the kernel by the first chart
    time.sleep(1)
    _clean(page)
    page.screenshot(path=str(tmp_path / "negative.png"), full_page=True)


def test_gallery_filters_and_search_change_the_grid(browser, voila: str) -> None:
    page = _gallery(browser, f"{voila}/voila/render/exhibits.ipynb")
    before = _count(page)
    page.locator(".cx-f-kind select").select_option(label="photo")
    page.wait_for_function(f"document.querySelector('.cx-count').textContent !== {before!r}", timeout=ACT)
    kinds = page.locator(".cx-cardgrid .cx-tag.kind").all_inner_texts()
    assert kinds and set(kinds) == {"photo"}
    assert page.locator(".cx-cardgrid img.thumb").count() == len(kinds)
    page.locator(".cx-f-kind select").select_option(label="All kinds")
    page.wait_for_function(f"document.querySelector('.cx-count').textContent === {before!r}", timeout=ACT)
    first_page = _ids(page)
    assert page.locator("button.cx-prev").is_disabled() and before.endswith("page 1 of 3")
    page.click("button.cx-next")
    page.wait_for_function("document.querySelector('.cx-count').textContent.endsWith('page 2 of 3')", timeout=ACT)
    assert not set(_ids(page)) & set(first_page) and page.locator(".cx-f-page input").input_value() == "2"
    page.locator(".cx-f-page input").fill("7")                          # past the end: the last page
    page.locator(".cx-f-page input").press("Enter")
    page.wait_for_function("document.querySelector('.cx-count').textContent.endsWith('page 3 of 3')", timeout=ACT)
    assert page.locator("button.cx-next").is_disabled()
    page.locator(".cx-f-q input").fill("onerror")
    page.locator(".cx-f-q input").press("Enter")
    page.wait_for_function("document.querySelectorAll('.cx-cardgrid .cx-card').length === 1", timeout=ACT)
    assert _ids(page) == ["hostile-1"]
    assert page.locator(".cx-cardgrid .cx-card h4").inner_text() == HOSTILE
    _clean(page)


def test_a_clip_plays_inside_the_gallery(browser, voila: str, tmp_path: Path) -> None:
    page = _gallery(browser, f"{voila}/voila/render/exhibits.ipynb?kind=clip")
    assert set(page.locator(".cx-cardgrid .cx-tag.kind").all_inner_texts()) == {"clip"}
    page.locator(".cx-cardgrid .cx-card").first.click()
    video = page.wait_for_selector(".cx-overlay video", timeout=ACT)
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("document.querySelector('.cx-overlay video').currentTime > 0.5", timeout=ACT)
    assert page.evaluate("!document.querySelector('.cx-overlay video').paused")
    page.screenshot(path=str(tmp_path / "clip.png"))
    page.locator(".cx-close button, button.cx-close").first.click()
    page.wait_for_selector(".cx-overlay video", state="detached", timeout=ACT)
    _clean(page)


def test_the_lens_reranks_and_relabels_without_hiding(browser, voila: str) -> None:
    page = _gallery(browser, f"{voila}/voila/render/exhibits.ipynb")
    plain, count = _ids(page), _count(page)
    assert page.locator(".cx-cardgrid .cx-lens").count() == 0
    page.locator(".cx-f-lens select").select_option(label="Engineering lens")
    page.wait_for_selector(".cx-cardgrid .cx-lens", timeout=ACT)
    engineering = _ids(page)
    assert engineering != plain and _count(page) == count            # re-ranked, nothing hidden
    page.locator(".cx-f-lens select").select_option(label="Business lens")
    page.wait_for_function(f"JSON.stringify([...document.querySelectorAll('.cx-cardgrid .cx-card')]"
                           f".map(c => c.dataset.id)) !== {json.dumps(json.dumps(engineering, separators=(',', ':')))}",
                           timeout=ACT)
    assert _count(page) == count
    labels = page.locator(".cx-cardgrid .cx-lens").all_inner_texts()
    assert labels and all(("people" in x) or ("one voice" in x) for x in labels)
    _clean(page)


def test_query_string_opens_an_exhibit_and_xss_stays_text(browser, voila: str) -> None:
    page = _gallery(browser, f"{voila}/voila/render/exhibits.ipynb?exhibit=hostile-1&valence=neg")
    page.wait_for_selector(".cx-overlay .cx-detail", timeout=ACT)
    page.click(".cx-overlay details.cx-files summary")          # ids and files: folded, for analysts
    detail = page.inner_text(".cx-overlay")
    assert HOSTILE in detail and "hostile-1" in detail
    assert page.locator(".cx-overlay img").count() == 0
    assert page.locator(".cx-f-valence select").evaluate("s => s.options[s.selectedIndex].text") == "Negative"
    assert set(page.locator(".cx-cardgrid .cx-card").evaluate_all("cs => cs.map(c => c.className)")) <= {"cx-card neg",
                                                                                                        "cx-card neg sel"}
    _clean(page)


def test_a_chart_exhibit_draws_its_figure(browser, voila: str) -> None:
    page = _gallery(browser, f"{voila}/voila/render/exhibits.ipynb?exhibit=chart-test")
    page.wait_for_selector(".cx-overlay .js-plotly-plot .main-svg", timeout=ACT)
    assert "NPS by channel" in page.inner_text(".cx-overlay")
    assert page.locator(".cx-overlay .js-plotly-plot .bars path").count() == 2
    _clean(page)


@pytest.fixture(scope="module")
def persian_voila(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    run = _copy_run(request, tmp_path_factory.mktemp("served-fa") / "run")
    _add_exhibits(run)
    summary = json.loads((run / "summary.json").read_text())
    (run / "summary.json").write_text(json.dumps({**summary, "ui_language": "fa"}))
    if (run / overview_chart.SVG).exists():              # as a run of a project with ui_language: fa draws it
        journey = pd.read_parquet(run / "data" / "journey.parquet")
        assert overview_chart.write_svg(run, journey, summary["stages"], "fa")
    with voila_server(run, tmp_path_factory.mktemp("voila-home-fa")) as (url, _):
        yield url


def test_persian_pages_mirror_and_use_persian_labels_and_digits(browser, persian_voila: str, tmp_path: Path) -> None:
    page = _open(browser, f"{persian_voila}/voila/render/overview.ipynb")
    page.wait_for_selector(".cx-tile", timeout=LOAD)
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.locator(".cx-page[dir=rtl][lang=fa]").count() >= 1
    tiles = page.inner_text(".cx-tiles")
    assert "بازهٔ ۹۵٪" in tiles and not any(d in tiles.replace("CES 2.0", "") for d in "0123456789")
    assert "·" not in tiles                                 # in Vazirmatn a middle dot reads as a Persian zero
    assert page.evaluate("document.fonts.check('16px Vazirmatn', 'گالری')")
    if page.locator(".cx-journey img").count():
        svg = base64.b64decode(page.get_attribute(".cx-journey img", "src").split(",", 1)[1]).decode("utf-8")
        assert "ایدئال" in svg and "مرحله" in page.inner_text(".cx-journey") + svg
    page.screenshot(path=str(tmp_path / "overview-fa.png"), full_page=True)
    _clean(page)
    page = _gallery(browser, f"{persian_voila}/voila/render/exhibits.ipynb")
    first_kind = page.locator(".cx-f-kind select").evaluate("s => s.options[0].text.replace(/\\u00a0/g, ' ')")
    assert "از" in _count(page) and "·" not in _count(page) and first_kind == "همهٔ انواع"
    assert page.locator(".cx-gallery-ui[dir=rtl]").count() == 1
    assert page.evaluate("getComputedStyle(document.querySelector('.cx-f-stage select')).direction") == "rtl"
    assert page.inner_text("button.cx-ws-join") == "پیوستن به کارگاه" and page.locator(".cx-ws-bar[dir=rtl]").count() == 1
    _clean(page)
    page = _open(browser, f"{persian_voila}/voila/render/negative.ipynb")
    page.wait_for_selector(".cx-page[dir=rtl] h2", timeout=LOAD)
    assert "اتاق تجربه‌های منفی" in page.inner_text("h2") and "گالری" in page.inner_text(".cx-links")
    assert page.locator(".cx-page[dir=rtl] h3", has_text="کجا درد دارد").count() == 1
    _clean(page)


def test_one_file_gallery_works_offline_and_escapes(browser, hostile_run: Path, tmp_path: Path) -> None:
    page = _open(browser, (hostile_run / "gallery.html").as_uri())
    page.wait_for_selector(".card")
    total = page.locator(".card").count()
    assert total == len(json.loads((hostile_run / "exhibits.json").read_text()))
    assert page.locator(".card", has_text=HOSTILE).count() == 1
    page.select_option("#f-kind", "clip")
    clips = page.locator(".card").count()
    assert 0 < clips < total
    page.locator(".card").first.click()
    page.wait_for_selector("dialog[open] video, dialog[open] audio")
    assert page.evaluate("window.__xss === undefined")
    assert not page.errors and not page.remote


def _server_rss(proc) -> tuple[int, int]:
    """(bytes of resident memory of Voilà and all its kernels, number of kernels)."""
    import psutil
    root = psutil.Process(proc.pid)
    family = [root, *root.children(recursive=True)]
    rss = 0
    for p in family:
        try:
            rss += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    kernels = 0
    for p in family[1:]:
        try:
            kernels += "ipykernel_launcher" in " ".join(p.cmdline())
        except psutil.NoSuchProcess:
            pass
    return rss, kernels


def _settle(proc, kernels_at_rest: int, timeout: float = 240) -> tuple[int, int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rss, kernels = _server_rss(proc)
        if kernels <= kernels_at_rest:
            time.sleep(3)                      # let the last shutdowns release their memory
            return _server_rss(proc)
        time.sleep(2)
    return _server_rss(proc)


MEMORY_BOUND_MB = 120


def test_no_kernel_left_behind_memory_flat_over_50_loads(browser, hostile_run: Path, tmp_path: Path) -> None:
    """50 visits (load the overview, close the tab): every visitor's kernel is culled and memory returns.

    The server is started as ``cxkit serve`` starts it, but with a shorter idle time (20 s) so the test
    does not wait a minute per kernel. At rest the server holds Voilà plus one preheated kernel
    per page. Memory is compared at rest after 5 warm-up visits and at rest after all 50: the bound
    (120 MB) allows for Voilà's own heap growing a little (Python keeps freed memory in its arenas,
    tornado and zmq keep per-connection buffers) while one leaked kernel (~150-200 MB) breaks it.
    """
    from kit.core.paths import GALLERY_DIR
    from kit.server.voila import NOT_PREHEATED
    pools = len([p for p in GALLERY_DIR.glob("*.ipynb") if p.name not in NOT_PREHEATED])
    context = browser.new_context()        # visitors of its own: nothing left open by other tests' pages
    with voila_server(hostile_run, tmp_path / "home", cull_idle=20, cull_interval=5) as (url, proc):
        def visit() -> None:
            page = context.new_page()
            page.goto(f"{url}/voila/render/overview.ipynb", wait_until="domcontentloaded", timeout=LOAD)
            page.wait_for_selector(".cx-tile", timeout=LOAD)
            page.close()
        for _ in range(5):
            visit()
        rest_rss, rest_kernels = _settle(proc, pools)
        peak_kernels = 0
        for _ in range(45):
            visit()
            peak_kernels = max(peak_kernels, _server_rss(proc)[1])
        end_rss, end_kernels = _settle(proc, pools)
    context.close()
    assert rest_kernels == end_kernels == pools, (rest_kernels, end_kernels, pools)
    growth_mb = (end_rss - rest_rss) / 2**20
    print(f"at rest after 5 visits: {rest_rss / 2**20:.0f} MB; after 50: {end_rss / 2**20:.0f} MB "
          f"({growth_mb:+.0f} MB); at most {peak_kernels} kernels alive")
    assert growth_mb < MEMORY_BOUND_MB
