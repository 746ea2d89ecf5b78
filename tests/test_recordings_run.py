"""No e-mail address or phone number said in a session survives anywhere in a run folder.

The sample's transcripts carry personal data on purpose (an e-mail and a phone number spoken to a
support agent, a card number read out, a Persian phone number in Persian digits). The whole
pipeline runs once on the sample (the shared ``sample_run``), then every file of the run is read
(Parquet tables decoded, notebooks, HTML, JSON, SQLite and media bytes as they are) and searched
for each of those values, written as in the transcript and as plain ASCII digits.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from kit.core.paths import SAMPLE_PROJECT
from kit.evidence.transcripts import read_transcript

pytestmark = pytest.mark.notebook

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
LONG_NUMBER = re.compile(r"(?:\+|00)?\d(?:[\s\-]?\d){7,}")           # phones and cards, any digits
ASCII = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def spoken_pii(project: Path) -> set[str]:
    """Every e-mail and long number said in the project's transcripts, in each way it may be written."""
    found: set[str] = set()
    for path in sorted((project / "recordings").iterdir()):
        if path.suffix not in (".vtt", ".srt"):
            continue
        for u in read_transcript(path).utterances:
            for value in EMAIL.findall(u.text) + LONG_NUMBER.findall(u.text):
                ascii_value = value.translate(ASCII)
                found |= {value, ascii_value, re.sub(r"\D", "", ascii_value)} if "@" not in value else {value}
    return found


def run_texts(run_dir: Path) -> list[tuple[Path, str]]:
    """Every file of the run as text: Parquet decoded cell by cell, anything else as its bytes."""
    out = []
    for path in sorted(p for p in run_dir.rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
            text = "\n".join(map(str, [*frame.columns, *frame.to_numpy(dtype=object).ravel()]))
        else:
            text = path.read_bytes().decode("utf-8", errors="replace")
        out.append((path, text))
    return out


def test_sample_transcripts_do_hold_personal_data() -> None:
    pii = spoken_pii(SAMPLE_PROJECT)
    assert {"maryam.h.1987@gmail.com", "0912 345 6789", "09123456789", "+44 7700 900123", "۰۹۱۲۳۴۵۶۷۸۹",
            "4111 1111 1111 1111"} <= pii


def test_no_spoken_email_or_phone_anywhere_in_the_run(sample_run: Path) -> None:
    pii = spoken_pii(SAMPLE_PROJECT)
    files = run_texts(sample_run)
    kinds = {p.suffix for p, _ in files}
    assert {".parquet", ".ipynb", ".json", ".html"} <= kinds              # the scan reached every kind of output
    leaks = [(str(p.relative_to(sample_run)), value) for p, text in files for value in pii if value in text]
    assert leaks == []
    utterances = pd.read_parquet(sample_run / "data" / "utterances.parquet")
    said = utterances[utterances["text"].str.contains("give them my email", regex=False)]["text"].iloc[0]
    assert "[email]" in said and "[phone]" in said                          # redacted where it was said


def test_the_scan_finds_a_leak_in_a_table_or_a_page(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    pd.DataFrame({"text": ["fine", None, "call 0912 345 6789"], "n": [1.0, None, 3.0]}).to_parquet(
        tmp_path / "data" / "t.parquet")
    (tmp_path / "report.html").write_text("<p>maryam.h.1987@gmail.com</p>", encoding="utf-8")
    found = {p.name: text for p, text in run_texts(tmp_path)}
    assert "0912 345 6789" in found["t.parquet"] and "maryam.h.1987@gmail.com" in found["report.html"]
