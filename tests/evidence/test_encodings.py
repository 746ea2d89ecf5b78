"""The CSV reader is handed UTF-8 only: other encodings are decoded by the kit into a copy."""

from __future__ import annotations

from pathlib import Path

from kit.evidence.encodings import detect_encoding, utf8_copy
from kit.evidence.files import read_header, read_table

PERSIAN = "شناسه,نظر\n1,پشتیبانی خوب بود\n2,کند بود\n"


def test_a_utf8_file_is_read_in_place(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(PERSIAN, encoding="utf-8")
    with utf8_copy(path) as text:
        assert text == path


def test_a_windows_persian_file_is_read_from_a_utf8_copy_that_is_gone_afterwards(tmp_path: Path) -> None:
    path = tmp_path / "fa.csv"
    path.write_bytes(PERSIAN.replace("ی", "ي").encode("cp1256"))
    assert detect_encoding(path) == "cp1256"
    with utf8_copy(path) as text:
        assert text != path and text.name == "fa.csv"
        assert text.read_text(encoding="utf-8") == PERSIAN.replace("ی", "ي")
    assert not text.exists()
    table = read_table(path, "surveys/fa.csv")
    assert list(table.frame.columns) == ["شناسه", "نظر"]
    assert table.frame["نظر"].tolist() == ["پشتيباني خوب بود", "کند بود"]


def test_excel_unicode_text_keeps_its_tab_separator_through_the_copy(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes("id\tcomment\n1\tslow, then fine\n".encode("utf-16"))
    assert read_header(path, "export.txt") == ["id", "comment"]
    assert read_table(path, "export.txt").frame["comment"].tolist() == ["slow, then fine"]
