"""Printing needs Chromium and Playwright at run time; without one, the user is told what to install."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from kit.core.errors import MissingDependencyError
from kit.core.paths import REPO_ROOT
from kit.exports import printing


def test_playwright_is_a_run_time_dependency() -> None:
    """``cxkit report`` prints PDFs after a plain install (``make demo``), not only with the test extras."""
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert any(d.startswith("playwright==") for d in project["dependencies"])


def test_missing_playwright_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake_chromium = tmp_path / "chromium"
    fake_chromium.write_text("")
    monkeypatch.setattr(printing, "CHROMIUM", fake_chromium)
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)       # as if the package were not installed
    with pytest.raises(MissingDependencyError, match="playwright package"), printing.browser():
        pass


def test_missing_chromium_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(printing, "CHROMIUM", tmp_path / "no-chromium")
    with pytest.raises(MissingDependencyError, match="apt-get install chromium"), printing.browser():
        pass
