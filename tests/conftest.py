"""Fixtures shared by every test module.

``shared_data`` points at the real third-party sample files kept beside the project
(``../shared/data``). In a user's clone that folder is absent and such tests skip with a visible
reason; in CI (``CI=true``) its absence is an error, so those tests can never silently vanish.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kit.core.paths import REPO_ROOT

SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if SHARED_DATA.is_dir():
        return SHARED_DATA
    if in_ci():
        pytest.fail(f"CI=true but the real sample files are missing: {SHARED_DATA}")
    pytest.skip(f"real sample files not found at {SHARED_DATA} (only present beside the project checkout)")


BROWSER_FIRST = ("test_browser.py", "test_workshop_browser.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The browser tests run first, on a fresh browser and a machine no other test has loaded yet.

    Their kernel-culling check counts the server's kernels after 50 quick visits; run after the
    export tests (which print with the same Chromium), it found one or two visitors' kernels still
    counted as connected. The order of everything else is kept.
    """
    items.sort(key=lambda item: item.path.name not in BROWSER_FIRST)


def in_ci() -> bool:
    """CI sets CI=true: there a missing tool or file fails the test instead of skipping it."""
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def chromium() -> str:
    """Chromium for static chart images (kaleido): skips in a user's clone without it, fails in CI."""
    from kit.charts.store import browser_path
    found = browser_path()
    if found:
        return str(found)
    if in_ci():
        pytest.fail("CI=true but Chromium is missing; .ci/run installs the Debian package chromium")
    pytest.skip("no Chromium on this machine (apt-get install chromium)")


@pytest.fixture(scope="session")
def sample_hashes() -> dict[str, str]:
    """sha256 of every file of the sample project before any test ran the pipeline on it."""
    from kit.core.paths import SAMPLE_PROJECT
    from kit.core.runs import hash_inputs
    return hash_inputs(SAMPLE_PROJECT)


@pytest.fixture(scope="session")
def runs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("runs")


@pytest.fixture(scope="session")
def sample_run(runs_dir: Path, sample_hashes: dict[str, str]) -> Path:
    """The whole pipeline, run once on the bundled sample through papermill."""
    from kit import pipeline
    from kit.core.paths import SAMPLE_PROJECT
    return pipeline.run(SAMPLE_PROJECT, runs_dir, run_id="first", progress=False, say=lambda _: None)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium through Playwright, one for the whole session (see tests/browser_support.py)."""
    from tests.browser_support import launch_browser
    yield from launch_browser()


@pytest.fixture
def fresh_sessions(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No workshop session or signing key left by another test: each test's pages start alone."""
    from kit.core import visitor
    from kit.pages import workshop as ui
    monkeypatch.delenv(visitor.KEY_ENV, raising=False)
    ui._SESSIONS.clear()
    yield
    ui._SESSIONS.clear()
