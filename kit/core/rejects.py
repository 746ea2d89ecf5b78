"""Rejected inputs and withheld evidence: everything not taken, or not shown, is written down with why.

Readers append to a ``RejectLog``; the ingest step writes it as ``<run>/data/rejects.parquet`` and
adds the per-file counts to the manifest, so rows in = rows accepted + rows rejected can be
checked for every input.

Withheld is not rejected. A survey row whose respondent gave no consent (or whose consent is not
known, with ``privacy.require_consent`` on) is accepted: its scores count. Only its open answers
are kept off every page and export. Those are counted per survey file and reason
(``RejectLog.account_answers``) and written as ``<run>/withheld/<step>.json``, so for every survey
accepted answers = shown + withheld. ``held_back`` puts both kinds together, one line per input
file and reason, for ``cxkit validate``, the manifest and the report.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kit.core import runfolder
from kit.core.errors import RunFileError
from kit.core.schema import REJECT_COLUMNS as COLUMNS

WITHHELD = "withheld"            # <run>/withheld/<step>.json: open answers shown and withheld per survey file
ALL_RESPONDENTS = "all_respondents"
UNKNOWN_IS_NO = "privacy.require_consent counts unknown consent as no"
ROWS_STILL_COUNT = "the rows are accepted and their scores still count"
# Kinds of evidence held back, in the order they are listed
ANSWERS_WITHHELD, NO_CONSENT, CONSENT_UNKNOWN, NOT_USABLE = (
    "open answers withheld", "no consent", "consent unknown", "file not usable")
KINDS = (ANSWERS_WITHHELD, NO_CONSENT, CONSENT_UNKNOWN, NOT_USABLE)


@dataclass
class Reject:
    source_file: str      # relative to the project folder
    locator: str          # "row 12", "row 12, column 'Q1'", "00:01:02.5", "file", "byte 2048"
    reason: str
    step: str = ""


@dataclass
class AnswerCount:
    """One survey file's open answers (non-empty text cells of its accepted rows): shown, and withheld by reason."""

    accepted: int
    shown: int
    withheld: dict[str, int] = field(default_factory=dict)
    consent: str = ""       # where consent comes from: "column 'X'", all_respondents, "no consent column", "not required"
    unknown_consent: list[str] = field(default_factory=list)   # reasons that are unknown consent (counted as no)

    @property
    def balanced(self) -> bool:
        return self.accepted == self.shown + sum(self.withheld.values())


@dataclass
class HeldBack:
    """Evidence of one input file kept out of every page and export, how much of it, and why."""

    source_file: str
    kind: str             # one of KINDS
    count: int
    reason: str
    unknown_is_no: bool = False

    def sentence(self) -> str:
        """What ``cxkit validate`` prints and the report lists: how many, what, why, where, and what still counts."""
        if self.kind == ANSWERS_WITHHELD:
            plural = "" if self.count == 1 else "s"
            rule = f"; {UNKNOWN_IS_NO}" if self.unknown_is_no else ""
            return (f"{self.count:,} open answer{plural} withheld: {self.reason} in {self.source_file}{rule}; "
                    f"{ROWS_STILL_COUNT}")
        why = "" if self.reason.startswith(self.kind) else f" ({self.kind})"
        return f"{self.source_file} not used{why}: {self.reason}"


@dataclass
class RejectLog:
    """Collects rejects (and withheld open answers) from one step; written to the run when the step ends."""

    step: str
    items: list[Reject] = field(default_factory=list)
    answers: dict[str, AnswerCount] = field(default_factory=dict)

    def add(self, source_file: str | Path, locator: str, reason: str) -> None:
        self.items.append(Reject(str(source_file), locator, reason, self.step))

    def account_answers(self, source_file: str | Path, count: AnswerCount) -> None:
        """Record one survey file's open answers: accepted, shown, withheld by reason (not rejects)."""
        self.answers[str(source_file)] = count

    def __len__(self) -> int:
        return len(self.items)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([vars(r) for r in self.items], columns=COLUMNS).astype("string")

    def save(self, run_dir: Path) -> Path:
        """Replace this step's rows in rejects.parquet and its withheld answers (a re-run never doubles them)."""
        old = runfolder.read_table(run_dir, "rejects") if runfolder.has_table(run_dir, "rejects") \
            else pd.DataFrame(columns=COLUMNS)
        old = old[old["step"] != self.step]
        frames = [f for f in (old.astype("string"), self.frame()) if len(f)]
        table = pd.concat(frames, ignore_index=True) if frames else self.frame()
        self._save_answers(Path(run_dir))
        return runfolder.write_table(run_dir, "rejects", table)

    def _save_answers(self, run_dir: Path) -> None:
        path = run_dir / WITHHELD / f"{self.step}.json"
        if not self.answers:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {name: asdict(c) for name, c in self.answers.items()}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def read_answers(run_dir: str | Path) -> dict[str, AnswerCount]:
    """Every step's open-answer counts per survey file (``{}`` for a run without them, an older run)."""
    found: dict[str, AnswerCount] = {}
    for part in sorted((Path(run_dir) / WITHHELD).glob("*.json")):
        try:
            data = json.loads(part.read_text(encoding="utf-8"))
            found.update({name: AnswerCount(**c) for name, c in data.items()})
        except (UnicodeDecodeError, json.JSONDecodeError, TypeError, AttributeError) as exc:
            raise RunFileError(part, f"is not a readable account of withheld answers ({exc})",
                               fix="make the run again (cxkit run)") from None
    return found


def file_kind(reason: str) -> str:
    """Why a whole file was not used, as a kind: no consent, consent unknown, or not usable (failed, corrupt...)."""
    if reason.startswith("no consent recorded"):
        return CONSENT_UNKNOWN
    if reason.startswith("no consent"):
        return NO_CONSENT
    return NOT_USABLE


def held_back(rejects: pd.DataFrame, answers: dict[str, AnswerCount]) -> list[HeldBack]:
    """Open answers withheld (per survey file and reason) and whole files not used (from the rejects' ``file`` rows).

    Rejected rows are not listed here: they are counted as rejected with the rest of their file.
    """
    items = [HeldBack(name, ANSWERS_WITHHELD, n, why, why in c.unknown_consent)
             for name, c in answers.items() for why, n in c.withheld.items() if n]
    if len(rejects):
        files = rejects[rejects["locator"] == "file"]
        items += [HeldBack(str(r.source_file), file_kind(str(r.reason)), 1, str(r.reason))
                  for r in files.itertuples()]
    return sorted(items, key=lambda h: (KINDS.index(h.kind), h.source_file, h.reason))


def summary(items: list[HeldBack], answers: dict[str, AnswerCount]) -> dict[str, Any]:
    """The account as the manifest keeps it: held back per input file, open answers per survey, declared consent."""
    per_file: dict[str, list[dict[str, Any]]] = {}
    for h in items:
        per_file.setdefault(h.source_file, []).append({"kind": h.kind, "count": h.count, "reason": h.reason})
    return {"held_back": per_file,
            "open_answers": {name: {**asdict(c), "balanced": c.balanced} for name, c in answers.items()},
            "consent_declared": sorted(name for name, c in answers.items() if c.consent == ALL_RESPONDENTS)}
