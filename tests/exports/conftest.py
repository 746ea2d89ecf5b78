"""One exported copy of the sample run for every export test of the session (exporting takes minutes)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kit.core.paths import REPO_ROOT

HOSTILE = '<img src=x onerror="window.__xss=1">'
EXPORTS = ("report.html", "report.pdf", "cards.pdf", "gallery.html")


@pytest.fixture(scope="session")
def exported(sample_run: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A copy of the sample run with one hostile exhibit, exported with ``cxkit report`` (defaults)."""
    if not Path("/usr/bin/chromium").exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but /usr/bin/chromium is missing; .ci/run installs the Debian package chromium")
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    run = tmp_path_factory.mktemp("exports") / "run"
    shutil.copytree(sample_run, run, symlinks=True)
    for name in EXPORTS:
        (run / name).unlink(missing_ok=True)
    records = json.loads((run / "exhibits.json").read_text())
    records.insert(0, {**records[0], "id": "hostile-1", "kind": "quote", "title": HOSTILE, "quote": HOSTILE,
                       "caption": HOSTILE, "valence": -1.0, "severity": 1.0, "media": {}, "lang": "en",
                       "source": {"file": HOSTILE, "locator": "row 2"}})
    (run / "exhibits.json").write_text(json.dumps(records))
    done = subprocess.run([sys.executable, "-m", "kit.cli", "report", str(run)], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return run, done.stdout
