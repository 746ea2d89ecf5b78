"""cxkit codebook import: a REFI-QDA codebook's codes become the project's tags, once."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from kit.cli import app
from kit.core.paths import SAMPLE_PROJECT
from kit.curation import journal
from kit.curation.replay import replay
from kit.exports import refi_codebook


def test_codes_become_tags_once(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(SAMPLE_PROJECT / "project.yaml", project / "project.yaml")
    book = refi_codebook.build("r", {"stages": ["onboarding", "renewal"], "channels": ["app"]}, [], ["پیام‌ها"], "en")
    qdc = tmp_path / "team.qdc"
    qdc.write_bytes(refi_codebook.qdc_bytes(book))
    first = CliRunner().invoke(app, ["codebook", "import", str(qdc), str(project), "--by", "ana"])
    assert first.exit_code == 0, first.output
    assert "9 new tag(s)" in first.output               # 2 stages, 1 channel, 5 feelings, 1 theme
    edits = journal.read(project / journal.JOURNAL)
    assert {e.op for e in edits} == {"tag_create"} and {e.who for e in edits} == {"ana"}
    tags = replay([], edits).tags
    assert tags[:3] == ["Journey stage/onboarding", "Journey stage/renewal", "Channel/app"] and tags[-1] == "Theme/پیام‌ها"
    again = CliRunner().invoke(app, ["codebook", "import", str(qdc), str(project), "--by", "ana"])
    assert again.exit_code == 0 and "0 new tag(s)" in again.output and "9 already there" in again.output


def test_a_file_that_is_not_a_codebook_is_refused(tmp_path: Path) -> None:
    from kit.cli import main
    bad = tmp_path / "notes.qdc"
    bad.write_text("<notes/>", encoding="utf-8")
    done = CliRunner().invoke(app, ["codebook", "import", str(bad), str(SAMPLE_PROJECT)])
    assert done.exit_code != 0 and "not a REFI-QDA codebook" in str(done.exception)
    assert callable(main)
