"""The message catalogue refuses a key that would silently hide another."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.core import i18n


def test_a_key_written_twice_in_one_file_is_refused_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("k:\n  en: first\n  fa: یک\nk:\n  en: second\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"a.yaml: message 'k' is written twice \(line 4\)"):
        i18n._load_messages(tmp_path)


def test_a_key_in_two_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("k:\n  en: first\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("k:\n  en: second\n", encoding="utf-8")
    with pytest.raises(ValueError, match="is in b.yaml and in another file"):
        i18n._load_messages(tmp_path)


def test_the_shipped_catalogue_loads_and_every_entry_has_persian() -> None:
    labels = i18n._load_messages()
    missing = sorted(k for k, v in labels.items() if not v.get("fa"))
    assert labels and missing == []
