"""A workshop as people hold it: three participants, three departments, three browsers, one exhibit.

Each participant has a browser context of their own (own localStorage, own Voilà kernel), votes
on the same exhibit of the sample run's gallery page, and sees the others' votes arrive without a
reload. The run's findings, its CSV export and its re-executed report must then say exactly what
was done in the browsers.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kit.pages.workshop import STORAGE_KEY
from kit.workshop import findings as workshop_findings
from kit.workshop import store as workshop
from kit.workshop.paper import export_csv
from tests.browser_support import LOCAL, run_copy, voila_server

pytestmark = pytest.mark.browser
HOSTILE = '=HYPERLINK("http://evil") <img src=x onerror="window.__xss=1">'
LOAD_MS = 180_000


@pytest.fixture(scope="module")
def run(sample_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_copy(sample_run, tmp_path_factory.mktemp("workshop"))


@pytest.fixture(scope="module")
def voila(run: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with voila_server(run, tmp_path_factory.mktemp("voila-home")) as (url, _):
        yield f"{url}/voila/render/exhibits.ipynb"


def open_gallery(browser: object, url: str) -> tuple[object, object]:
    """A fresh browser context (its own localStorage) on the gallery page."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.errors, page.remote = [], []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(LOCAL) else page.remote.append(r.url))
    page.goto(url, wait_until="domcontentloaded", timeout=LOAD_MS)
    return ctx, page


def join(page: object, name: str, department: str) -> None:
    page.wait_for_selector(".cx-card", timeout=LOAD_MS)
    page.fill(".cx-ws-name input", name)
    page.select_option(".cx-ws-dept select", label=department)
    page.click("button.cx-ws-join")
    page.wait_for_selector(".cx-ws-who", state="visible", timeout=30_000)


def open_card(page: object, exhibit_id: str) -> None:
    page.click(f'.cx-card[data-id="{exhibit_id}"]')
    page.wait_for_selector(".cx-ws-panel", timeout=30_000)


def click_dot(page: object, which: str, expect_mine: int) -> None:
    page.click(f".cx-ws-panel button.cx-ws-{which}")
    page.wait_for_function(f"document.querySelector('.cx-ws-my-dots')?.textContent === '{expect_mine}'", timeout=30_000)


def room_total(page: object, n: int) -> None:
    """Wait until the panel's live tally shows n dots (it refreshes by itself every few seconds)."""
    page.wait_for_function(f"document.querySelector('.cx-ws-total')?.textContent === '{n}'", timeout=30_000)


def test_three_departments_vote_on_one_exhibit(browser, voila: str, run: Path, tmp_path: Path) -> None:
    opened = []
    for name, department in (("Dana <b>", "design"), ("Eli", "engineering"), ("Bo", "business")):
        opened.append(open_gallery(browser, voila))          # one after another: each page gets its kernel in turn
        join(opened[-1][1], name, department)
    (_, dana), (_, eli), (_, bo) = opened
    exhibit_id = dana.locator(".cx-card").first.get_attribute("data-id")
    for page in (dana, eli, bo):
        open_card(page, exhibit_id)

    click_dot(dana, "up", 1)
    click_dot(dana, "up", 2)
    dana.select_option(".cx-ws-panel .cx-ws-severity select", label="4 critical")
    dana.fill(".cx-ws-panel .cx-ws-note textarea", HOSTILE)
    dana.click(".cx-ws-panel button.cx-ws-save")
    click_dot(eli, "up", 1)
    eli.select_option(".cx-ws-panel .cx-ws-severity select", label="3 major")
    click_dot(bo, "up", 1)
    bo.select_option(".cx-ws-panel .cx-ws-severity select", label="0 not a problem")
    bo.fill(".cx-ws-panel .cx-ws-note textarea", "cheap to fix")
    bo.click(".cx-ws-panel button.cx-ws-save")
    for page in (dana, eli, bo):
        room_total(page, 4)                                   # everybody sees everybody's dots, no reload
    click_dot(eli, "down", 0)                                 # Eli withdraws his own dot
    room_total(dana, 3)
    assert "4 of 5 dots left" in bo.inner_text(".cx-ws-who")

    dana.wait_for_selector(".cx-ws-note-text >> text=cheap to fix", timeout=30_000)
    assert dana.locator(".cx-ws-note-text", has_text=HOSTILE).count() == 1        # shown as text
    assert "Dana <b>" in dana.inner_text(".cx-ws-who")
    dana.reload(wait_until="domcontentloaded", timeout=LOAD_MS)                    # the browser remembers Dana
    dana.wait_for_selector(".cx-ws-who", state="visible", timeout=LOAD_MS)
    assert "3 of 5 dots left" in dana.inner_text(".cx-ws-who")
    dana.screenshot(path=str(tmp_path / "gallery-workshop.png"))

    bo.click(".cx-close")                                                         # back to the gallery, then
    bo.wait_for_selector(".cx-overlay", state="hidden", timeout=30_000)
    bo.click("button.cx-ws-switch")                                               # "Not you?": Bo is forgotten
    bo.wait_for_selector(".cx-ws-who", state="hidden", timeout=30_000)
    assert bo.evaluate(f"window.localStorage.getItem('{STORAGE_KEY}')") is None
    assert bo.input_value(".cx-ws-name input") == "" and bo.input_value(".cx-ws-dept select") == ""
    bo.click("button.cx-ws-join")                                                 # no department chosen
    bo.wait_for_selector(".cx-ws-error >> text=Choose your department.", timeout=30_000)
    for page in (dana, eli, bo):
        assert page.evaluate("window.__xss === undefined")
        assert not page.remote, page.remote
        assert not page.errors, page.errors
        assert "Traceback" not in page.inner_text("body")
    for ctx, _ in opened:
        ctx.close()

    # What the store holds is exactly what was clicked.
    rows = {r["name"]: r for r in workshop.Workshop(run).rows()}
    assert {n: (r["votes"], r["severity"], r["note"], r["department"]) for n, r in rows.items()} == {
        "Dana <b>": (2, 4, HOSTILE, "design"), "Eli": (0, 3, "", "engineering"), "Bo": (1, 0, "cheap to fix", "business")}
    f = workshop_findings.findings(run)
    ex = f.exhibits[0]
    assert (ex.exhibit_id, ex.votes, ex.voters, ex.votes_by_department) == (exhibit_id, 3, 2, {"design": 2, "business": 1})
    assert ex.owner == "design"
    assert [(e.exhibit_id, why) for e, why in f.disagree] == \
        [(exhibit_id, "design rates it severe (4.0 of 4), business does not (0.0)")]

    # The export opens safely in a spreadsheet: no cell starts a formula.
    out = tmp_path / "workshop.csv"
    export_csv(run, out)
    cells = [c for row in csv.reader(out.read_text(encoding="utf-8-sig").splitlines()) for c in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert "'" + HOSTILE in cells

    # The re-executed report carries the findings.
    from kit.exports import report as export
    export.execute_report(run)
    html = export.report_html(run).read_text(encoding="utf-8")
    assert "design rates it severe (4.0 of 4), business does not (0.0)" in html
    assert "3 participants (design 1, engineering 1, business 1) spent 3 of 15 dots" in html
    assert "&lt;img src=x onerror=" in html and "<img src=x onerror" not in html        # the note is text there too


def test_the_overview_shows_votes_cast_after_its_page_was_preheated(browser, run: Path, tmp_path: Path) -> None:
    """A preheated overview is drawn before anyone opens it; its tallies must still be those of the visit."""
    import json
    import time

    from kit.pages.page import READY_MARK
    copy = tmp_path / run.name
    shutil.copytree(run, copy, symlinks=True)
    (copy / workshop.DB_NAME).unlink(missing_ok=True)
    exhibit_id = json.loads((copy / "exhibits.json").read_text())[0]["id"]
    home = tmp_path / "home"
    with voila_server(copy, home) as (url, _):
        deadline = time.monotonic() + LOAD_MS / 1000
        while f"{READY_MARK} overview.ipynb" not in (home / "voila.log").read_text():
            assert time.monotonic() < deadline, "the overview was never preheated"
            time.sleep(0.5)
        room = workshop.Workshop(copy)
        for name, department in (("Mina", "design"), ("Arash", "engineering")):
            who = room.join(name, department)
            room.vote(who.token, exhibit_id, 2)
        ctx, page = open_gallery(browser, f"{url}/voila/render/overview.ipynb")
        try:
            page.wait_for_selector(".cx-tile", timeout=LOAD_MS)
            page.wait_for_function("document.body.innerText.includes('4 dots')", timeout=60_000)
            text = page.inner_text("body")
        finally:
            ctx.close()
    assert "2 participants" in text, text[-2000:]
