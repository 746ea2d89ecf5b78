"""``curation_replay``: what replaying a curation journal of 10,000 edits on 10,000 exhibits costs.

A busy project's journal after months of workshops: hides and shows, pins, edited titles and
captions, recodes, merges, tag and theme edits, coders' readings and undos, one line each, read
from ``curation.jsonl`` (parsed and checked line by line) and replayed (``kit.curation.replay``),
then the agreement among the coders computed, as every run does after its steps. The reference is
the floor any replay pays: copying the 10,000 records once. Target: a run spends under 3 s on it.
"""

from __future__ import annotations

import argparse
import copy
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import record
from kit.analysis.agreement import agreements
from kit.curation import journal
from kit.curation.replay import replay
from kit.curation.themes import ThemeBook

EXHIBITS = 10_000
EDITS = 10_000
SEED = 7
STAGES = ["awareness", "purchase", "support", "loyalty"]


def exhibits() -> list[dict[str, Any]]:
    return [{"id": f"ex-{i}", "kind": "quote", "title": f"Quote {i}", "caption": "", "stage": STAGES[i % 4],
             "channel": "app", "valence": -0.5, "severity": 0.5, "lenses": ["design"], "tags": [f"t{i % 50}"],
             "media": {}, "quote": "It took forever to reach a person.", "source": {"file": "s.csv", "locator": f"row {i}"},
             "evidence": {}, "lang": "en", "schema": 1} for i in range(EXHIBITS)]


def _edit(rng: random.Random, made: list[journal.Edit]) -> journal.Edit:
    """One edit of the mix a long-lived journal holds."""
    ex = f"ex-{rng.randrange(EXHIBITS)}"
    kind = rng.random()
    make = journal.make
    if kind < 0.15:
        return make(who="ana", role="analyst", op="hide", exhibit=ex, reason="a duplicate of another answer")
    if kind < 0.20:
        return make(who="ana", role="analyst", op="show", exhibit=ex)
    if kind < 0.25:
        return make(who="bo", role="facilitator", op="pin", exhibit=ex, after=rng.randrange(20))
    if kind < 0.40:
        return make(who="ana", role="analyst", op="edit", exhibit=ex, field="title", after=f"Retitled {rng.random():.4f}")
    if kind < 0.55:
        return make(who="bo", role="analyst", op="recode", exhibit=ex, field="stage", after=rng.choice(STAGES))
    if kind < 0.60:
        return make(who="ana", role="analyst", op="merge", exhibit=ex, after=[f"ex-{rng.randrange(EXHIBITS)}"])
    if kind < 0.62:
        return make(who="ana", role="analyst", op="tag_rename", before=f"t{rng.randrange(50)}", after=f"t{rng.randrange(50)}")
    if kind < 0.64:
        return make(who="ana", role="analyst", op="theme_rename", before=f"theme {rng.randrange(30)}",
                    after=f"theme {rng.randrange(30)}")
    if kind < 0.92:
        return make(who=rng.choice(["ana", "bo", "cy"]), role="analyst", op="code", exhibit=f"ex-{rng.randrange(2000)}",
                    field="stage", after=rng.choice(STAGES))
    target = rng.choice(made) if made else None
    if target is None:
        return make(who="ana", role="analyst", op="show", exhibit=ex)
    return make(who="ana", role="analyst", op="undo", undoes=target.id)


def journal_file(folder: Path) -> Path:
    rng = random.Random(SEED)
    path = folder / journal.JOURNAL
    made: list[journal.Edit] = []
    with open(path, "w", encoding="utf-8") as f:        # written at once: append() fsyncs every line, as it must
        for _ in range(EDITS):
            e = _edit(rng, made)
            made.append(e)
            f.write(e.model_dump_json() + "\n")
    return path


def run(args: argparse.Namespace | None = None) -> list[dict[str, Any]]:
    records = exhibits()
    themes = [f"theme {i}" for i in range(30)]
    with tempfile.TemporaryDirectory() as tmp:
        path = journal_file(Path(tmp))
        t0 = time.perf_counter()
        copy.deepcopy(records)
        floor = time.perf_counter() - t0
        t0 = time.perf_counter()
        edits = journal.read(path)
        read_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        done = replay(records, edits, themes=ThemeBook(themes))
        replay_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        agreements([(e.who, e.exhibit, e.field, e.after) for e in done.codings])
        agree_s = time.perf_counter() - t0
    total = read_s + replay_s + agree_s
    return [record("curation_journal_read_10k_edits", read_s, "s", None, "part of the total", None),
            record("curation_replay_10k_edits_10k_exhibits", replay_s, "s", floor, "part of the total", None),
            record("curation_agreement_10k_edits", agree_s, "s", None, "part of the total", None),
            record("curation_total_10k_edits_10k_exhibits", total, "s", floor, "under 3 s per run", total < 3.0)]
