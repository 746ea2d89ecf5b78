"""Every broken project of tests/fixtures/broken/ through ``cxkit``, as a user meets it.

Each case folder holds ``expect.json`` (tests/fixtures/make_broken.py says what it means): the command
runs as a process, its exit code and message are the expected ones, nothing ends in a traceback, and a
project that is accepted accounts for every row (rows in = accepted + rejected for each input, and the
rejects listed are exactly the rows counted as rejected). The ``run`` cases that execute the notebooks
are marked ``notebook``; the folder itself must be what the generator writes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kit.core.paths import REPO_ROOT

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "broken"
GENERATOR = FIXTURES / "make_broken.py"
COUNTS = re.compile(r"^(.+): (\d+) rows in, (\d+) accepted, (\d+) rejected$", re.MULTILINE)
LISTED = re.compile(r"^(\d+) row\(s\) would be rejected", re.MULTILINE)
VALIDATE_TIMEOUT_S, RUN_TIMEOUT_S = 300, 1200


def corpus() -> list[Any]:
    params = []
    for folder in sorted(p for p in CORPUS.iterdir() if (p / "expect.json").is_file()):
        expect = json.loads((folder / "expect.json").read_text(encoding="utf-8"))
        slow = expect["command"] == "run" and expect["exit"] == 0
        params.append(pytest.param(folder, expect, id=folder.name, marks=[pytest.mark.notebook] if slow else []))
    return params


def cxkit(*args: str | Path, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kit.cli", *map(str, args)], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def counted(stdout: str) -> dict[str, tuple[int, int, int]]:
    """``name: N rows in, A accepted, R rejected`` lines of ``cxkit validate``, each checked to add up."""
    found = {m[1]: (int(m[2]), int(m[3]), int(m[4])) for m in COUNTS.finditer(stdout)}
    for name, (rows_in, accepted, rejected) in found.items():
        assert rows_in == accepted + rejected, f"{name}: {rows_in} rows in != {accepted} accepted + {rejected} rejected"
    return found


def check_rejects(expected: int | str | None, reasons: list[str]) -> None:
    if isinstance(expected, int):
        assert len(reasons) == expected, reasons
    elif isinstance(expected, str):
        assert any(expected in r for r in reasons), f"no reject says {expected!r}: {reasons}"


@pytest.fixture(scope="module")
def validated(request: pytest.FixtureRequest) -> Iterator[dict[str, Future[subprocess.CompletedProcess[str]]]]:
    """``cxkit validate`` of every selected validate case, started at once on all cores (each is its own process)."""
    cases = [item.callspec.params["case"] for item in request.session.items
             if isinstance(item, pytest.Function) and item.originalname == "test_broken_input"
             and item.callspec.params["expect"]["command"] == "validate"]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        yield {case.name: pool.submit(cxkit, "validate", case, "--show", "1000", timeout=VALIDATE_TIMEOUT_S)
               for case in cases}


@pytest.mark.parametrize(("case", "expect"), corpus())
def test_broken_input(case: Path, expect: dict[str, Any], tmp_path: Path,
                      validated: dict[str, Future[subprocess.CompletedProcess[str]]]) -> None:
    out = tmp_path / "runs"
    if expect["command"] == "validate":
        done = validated[case.name].result()
    else:
        done = cxkit("run", case, "--out", out, "--run-id", "case", "--quiet", timeout=RUN_TIMEOUT_S)
    said = done.stdout + done.stderr
    assert "Traceback" not in said, said[-4000:]
    assert done.returncode == expect["exit"], said[-4000:]
    assert expect["message"] in said, f"expected {expect['message']!r} in:\n{said[-4000:]}"
    if expect["exit"] != 0:
        assert expect["message"] in done.stderr, "an error belongs on standard error"
        assert not (out / "case").exists(), "a refused run left a run folder"
        return
    if expect["command"] == "validate":
        counts = counted(done.stdout)
        assert counts, done.stdout
        listed = LISTED.search(done.stdout)
        total = int(listed[1]) if listed else 0
        assert total == sum(r for _, _, r in counts.values()), "rejects listed != rows counted as rejected"
        if isinstance(expect.get("rejects"), int):
            assert total == expect["rejects"], done.stdout
        else:
            check_rejects(expect.get("rejects"), [ln.strip() for ln in done.stdout.splitlines() if ln.startswith("  ")])
    else:
        manifest = json.loads((out / "case" / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["status"] == "succeeded"
        for name, c in manifest["rows"].items():
            assert c["in"] == c["accepted"] + c["rejected"], f"{name}: {c}"
        rejects = pd.read_parquet(out / "case" / "data" / "rejects.parquet")
        assert len(rejects) == sum(c["rejected"] for c in manifest["rows"].values()), manifest["rows"]
        check_rejects(expect.get("rejects"), [f"{r.source_file}, {r.locator}: {r.reason}" for r in rejects.itertuples()])


def test_the_corpus_is_large_and_covers_both_commands() -> None:
    params = corpus()
    commands = {p.values[1]["command"] for p in params}
    assert len(params) >= 60 and commands == {"validate", "run"}


def tree(root: Path) -> dict[str, bytes]:
    """Every file of ``root`` (bytes) and every link (its target), by relative path."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[rel] = b"-> " + os.readlink(path).encode()
            elif path.is_file():
                found[rel] = path.read_bytes()
    return found


def test_the_corpus_is_what_the_generator_writes(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(GENERATOR), str(tmp_path / "broken")], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    fresh, committed = tree(tmp_path / "broken"), tree(CORPUS)
    stale = sorted(rel for rel in fresh.keys() | committed.keys() if fresh.get(rel) != committed.get(rel))
    assert not stale, (f"tests/fixtures/broken/ is not what {GENERATOR.name} writes ({len(stale)} files differ, "
                       f"e.g. {stale[:5]}); run: .venv/bin/python tests/fixtures/make_broken.py")
