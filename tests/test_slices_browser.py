"""The slices' index in Chromium, offline: the chart draws, nothing is fetched, a phone needs no sideways scroll."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.core import project as project_mod
from kit.slices import index
from tests.test_slices import SAMPLE, fake_run, record

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_index_draws_offline_at_desktop_and_phone_widths(browser, tmp_path: Path, lang: str) -> None:
    negatives = [{"title": "Waiting on hold", "severity": 0.8, "exhibits": ["ex-1"], "rank": 1}]
    fake_run(tmp_path / "x-01-new-b", -12.0, {"purchase": -30.0, "renewal": 55.0, "support": 5.0}, negatives)
    project = project_mod.load(SAMPLE).model_copy(update={"ui_language": lang})
    page_file = index.write_index(tmp_path / "x-slices", project, record(tmp_path)) / index.INDEX_HTML
    for width in (1440, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        errors: list[str] = []
        fetched: list[str] = []
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        page.on("request", lambda r, fetched=fetched: fetched.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
        page.goto(page_file.as_uri())
        page.wait_for_selector(".slices-chart .main-svg", timeout=20000)
        assert errors == [] and fetched == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.locator(".slices-table tbody tr").count() == 1
        assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "fa" else "ltr")
        page.screenshot(path=str(tmp_path / f"index-{lang}-{width}.png"), full_page=True)
        page.close()
