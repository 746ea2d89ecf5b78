"""English words the kit wrote into a Persian run: the fields people read that are not customer text.

A run of a ``ui_language: fa`` project must word everything the kit writes in Persian. Customer and
researcher text (answers, quotes, photo captions, marker notes, social posts) stays as written, so a
field is only suspect when its words are not found in the project's own input files. What remains
is scanned for Latin words; the score names (NPS, CSAT, CES), file types and pseudonyms (P01) are
allowed, and so is a whole cell of an input (a segment such as ``premium``).

    .venv/bin/python -m tests.analysis.persian_scan RUN_DIR PROJECT_DIR
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z']+")
ALLOWED = {"nps", "csat", "ces", "pdf", "pdfs"}
PSEUDONYM = re.compile(r"^[A-Z]{1,3}\d+$")
# What the kit puts into customer text: a pseudonym (P04-1) or a redaction mark ([redacted]); text around it is theirs
INSERTED = r"\b[A-Z]{1,3}\d+(?:-\d+)?\b|\[[^\]]{1,20}\]"
INPUT_SUFFIXES = {".csv", ".tsv", ".vtt", ".srt", ".yaml", ".yml", ".txt"}
# summary.json fields that are keys for programs, not words for people
SUMMARY_KEYS = {"run_id", "ui_language", "languages", "calendar", "timezone", "freq", "key", "period", "worst",
                "band", "nps_flag", "csat_flag", "ces_flag", "nps_change_flag", "csat_change_flag",
                "ces_change_flag", "exhibits_by_kind"}
EXHIBIT_FIELDS = ("title", "caption")
NEGATIVE_FIELDS = ("title",)


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1256"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def project_text(project: Path) -> tuple[str, set[str]]:
    """Every text of the project's inputs, case-folded and on one line each, and the set of its short cells."""
    texts: list[str] = []
    cells: set[str] = set()
    for path in sorted(project.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in INPUT_SUFFIXES:
            continue
        text = _read_text(path)
        texts.append(text)
        if path.suffix.lower() in {".csv", ".tsv"}:
            dialect = "excel-tab" if path.suffix.lower() == ".tsv" else "excel"
            for row in csv.reader(text.splitlines(), dialect):
                texts.extend(row)                   # cells as read, without the file's doubled quotes
                cells.update(c.strip().casefold() for c in row if 0 < len(c.strip().split()) <= 3)
    corpus = re.sub(r"\s+", " ", "\n".join(texts)).casefold()
    return corpus, cells


def _theirs(value: str, corpus: str) -> bool:
    """Whether ``value`` is the project's own words: every piece between ellipses is found in its inputs."""
    pieces = [p.strip(" .,;:!?\"'") for p in re.split(r"…|\.\.\.|" + INSERTED, value)]
    pieces = [re.sub(r"\s+", " ", p).casefold() for p in pieces if p]
    return bool(pieces) and all(p in corpus for p in pieces)


def english_words(value: str, corpus: str, cells: set[str]) -> list[str]:
    """The Latin words of a field that the kit must have written (none for the project's own text)."""
    if not value or not LATIN_WORD.search(value) or _theirs(value, corpus):
        return []
    return [w for w in LATIN_WORD.findall(value)
            if w.casefold() not in ALLOWED and w.casefold() not in cells and not PSEUDONYM.match(w)]


def _leaves(obj: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key not in SUMMARY_KEYS:
                yield from _leaves(value, f"{path}.{key}")
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            yield from _leaves(value, f"{path}[{i}]")
    elif isinstance(obj, str):
        yield path, obj


def fields(run: Path) -> Iterator[tuple[str, str]]:
    """(where, text) of every field of the run that people read and the kit may have written."""
    for rec in json.loads((run / "exhibits.json").read_text(encoding="utf-8")):
        for name in EXHIBIT_FIELDS:
            yield f"exhibits.json {rec['id']} {name}", str(rec.get(name) or "")
    for i, entry in enumerate(json.loads((run / "negatives.json").read_text(encoding="utf-8"))):
        for name in NEGATIVE_FIELDS:
            yield f"negatives.json [{i}] {name}", str(entry.get(name) or "")
    lenses = json.loads((run / "lenses.json").read_text(encoding="utf-8"))
    for lens, labels in lenses.get("labels", {}).items():
        for ex_id, label in labels.items():
            yield f"lenses.json {lens} {ex_id}", label
    yield from (("summary.json " + where, text)
                for where, text in _leaves(json.loads((run / "summary.json").read_text(encoding="utf-8"))))
    for path in sorted((run / "counts").glob("*.json")):
        yield from ((f"counts/{path.name} {where}", text)
                    for where, text in _leaves(json.loads(path.read_text(encoding="utf-8"))))


def scan(run: Path, project: Path) -> list[tuple[str, str, list[str]]]:
    """Every field of ``run`` with English words the kit wrote: (where, text, the words)."""
    corpus, cells = project_text(project)
    found = []
    for where, text in fields(run):
        words = english_words(text, corpus, cells)
        if words:
            found.append((where, text, words))
    return found


def main(argv: list[str]) -> int:
    run, project = Path(argv[0]), Path(argv[1])
    found = scan(run, project)
    for where, text, words in found:
        print(f"{where}: {' '.join(words)}  <- {text[:120]}")
    print(f"{len(found)} fields with English words the kit wrote")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
