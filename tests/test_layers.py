"""The shape of kit/: its layers hold (the import-linter contract in pyproject.toml), and no module grows too long."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kit.core.paths import KIT_DIR, REPO_ROOT

MAX_LINES = 400


def lint_imports() -> str:
    found = Path(sys.executable).parent / "lint-imports"
    command = str(found) if found.exists() else shutil.which("lint-imports")
    if command is None:
        pytest.fail("import-linter is not installed: pip install -e '.[dev]' (make test does it)")
    return command


def test_every_import_keeps_to_the_layers() -> None:
    done = subprocess.run([lint_imports(), "--no-cache"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_no_module_runs_past_the_limit() -> None:
    long = {str(p.relative_to(KIT_DIR)): n for p in KIT_DIR.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these modules along their concerns (over {MAX_LINES} lines): {long}"
