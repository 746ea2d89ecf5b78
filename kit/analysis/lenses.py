"""Three ways to walk the same gallery: design, engineering and business lenses.

A lens never hides an exhibit: it re-ranks the whole list by what that discipline cares about and
gives each card a lens-specific label saying why it ranks where it does.

- **design**, the felt experience: how strong the feeling is (emotion), and signs of confusion
  (clarity) or of ugliness and delight (beauty); photos, clips and quotes carry feeling best.
- **engineering**, efficiency: waits, failures, repeats and extra steps, read from tags, text and
  evidence keys.
- **business**, reach and money: how many responses or customers stand behind an exhibit, whether
  a segment is named, and signs of revenue at risk (cancelling, refunds, renewals, price).

The words behind each signal, English and Persian, are in ``kit/assets/lexicons/lens_signals.tsv``
(``kit.analysis.lens_signals``); the labels come from the catalogue in the page's language.

Scores are in 0..1 and built from the exhibit record alone, so ranking 10,000 exhibits is a sort.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kit.analysis import lens_signals
from kit.core import runfolder
from kit.core.i18n import join as join_facts
from kit.core.i18n import number, t

LENSES = ("design", "engineering", "business")

# Words that signal what each lens looks for, English and Persian (kit/assets/lexicons/lens_signals.tsv).
SIGNALS: dict[str, dict[str, tuple[str, ...]]] = lens_signals.signal_words()
# Evidence keys that count people (for reach) and that measure waits or failures directly.
REACH_KEYS = ("responses", "customers", "customers_over", "n", "reach", "people", "answers")
ENGINEERING_KEYS = {"waits": ("wait_s", "wait", "duration_s", "minutes"), "failures": ("failures", "errors"),
                    "repeats": ("repeats", "retries", "contacts"), "steps": ("steps",)}
FEELING_KINDS = {"photo": 1.0, "clip": 1.0, "quote": 0.8, "chart": 0.3, "metric": 0.3}


def _text(rec: dict[str, Any]) -> str:
    return " ".join([str(rec.get(k) or "") for k in ("title", "caption", "quote")] + [str(tag) for tag in rec.get("tags") or []])


def signals(rec: dict[str, Any], lens: str) -> list[str]:
    """The signal groups of ``lens`` (e.g. ``waits``, ``failures``) this exhibit shows, in a fixed order."""
    if lens not in SIGNALS:
        raise ValueError(f"unknown lens {lens!r}; use {', '.join(LENSES)}")
    found = lens_signals.found(_text(rec), lens)
    if lens == "engineering":
        keys = {k.lower() for k in (rec.get("evidence") or {})}
        found += [name for name, names in ENGINEERING_KEYS.items() if name not in found and keys & set(names)]
        found.sort(key=list(ENGINEERING_KEYS).index)
    return found


def reach(rec: dict[str, Any]) -> int:
    """How many people stand behind an exhibit: the largest people count in its evidence (1 for one voice)."""
    counts = [v for k, v in (rec.get("evidence") or {}).items()
              if k.lower() in REACH_KEYS and isinstance(v, int | float) and not isinstance(v, bool) and v == v]
    return int(max(counts)) if counts else 1


def _negativity(rec: dict[str, Any]) -> float:
    v = rec.get("valence")
    return max(0.0, -float(v)) if isinstance(v, int | float) else 0.0


def _severity(rec: dict[str, Any]) -> float:
    s = rec.get("severity")
    return float(s) if isinstance(s, int | float) and s == s else 0.0


def score(rec: dict[str, Any], lens: str) -> float:
    """How high ``rec`` ranks under ``lens``, in 0..1 (higher first). Weights sum to 1 per lens."""
    found = signals(rec, lens)
    tagged = 1.0 if lens in (rec.get("lenses") or []) else 0.0
    v = rec.get("valence")
    if lens == "design":
        emotion = abs(float(v)) if isinstance(v, int | float) else 0.0
        groups = len(found) / len(SIGNALS["design"])
        return 0.40 * emotion + 0.20 * FEELING_KINDS.get(rec.get("kind", ""), 0.0) + 0.20 * groups + 0.10 * tagged \
            + 0.10 * _severity(rec)
    if lens == "engineering":
        groups = len(found) / len(SIGNALS["engineering"])
        return 0.45 * groups + 0.25 * _severity(rec) + 0.15 * _negativity(rec) + 0.15 * tagged
    people = min(1.0, math.log10(reach(rec)) / 3)            # 1 person -> 0, 1,000 or more -> 1
    money = 1.0 if "revenue" in found else 0.5 if "loyalty" in found else 0.0
    return 0.40 * people + 0.20 * money + 0.15 * _negativity(rec) + 0.10 * (1.0 if rec.get("segment") else 0.0) \
        + 0.15 * tagged


def rank(records: Iterable[dict[str, Any]], lens: str | None) -> list[dict[str, Any]]:
    """Every record, most relevant to ``lens`` first (ties keep their order). No lens: order unchanged."""
    items = list(records)
    if not lens:
        return items
    if lens not in LENSES:
        raise ValueError(f"unknown lens {lens!r}; use {', '.join(LENSES)}")
    keyed = [(score(r, lens), i) for i, r in enumerate(items)]
    keyed.sort(key=lambda k: (-k[0], k[1]))
    return [items[i] for _, i in keyed]


def label(rec: dict[str, Any], lens: str, lang: str = "en") -> str:
    """A short lens-specific headline for a card, saying why it ranks where it does under ``lens``."""
    named = [t(f"lx_{f}", lang) for f in signals(rec, lens)]
    if lens == "design":
        v = rec.get("valence")
        felt = "neg" if isinstance(v, int | float) and v <= -0.2 else "pos" if isinstance(v, int | float) and v >= 0.2 \
            else "mid"
        parts = [t(f"lx_felt_{felt}", lang)] + named
    elif lens == "engineering":
        parts = named or [t("lx_none", lang, lens=name(lens, lang))]
    else:
        n = reach(rec)
        parts = [t("lx_people", lang, n=number(n, lang)) if n > 1 else t("lx_one_voice", lang)]
        if rec.get("segment"):
            parts.append(t("lx_segment", lang, s=rec["segment"]))
        parts += named
    return join_facts(parts, lang)


def name(lens: str, lang: str = "en") -> str:
    """The lens's name in ``lang`` (``design``, Persian ``طراحی``)."""
    return t(f"lx_name_{lens}", lang)


def precompute(records: list[dict[str, Any]], lang: str = "en") -> dict[str, Any]:
    """Every lens's order (exhibit ids) and card labels in ``lang``: what the gallery page reads instead of ranking."""
    return {"lang": lang, "order": {lens: [r["id"] for r in rank(records, lens)] for lens in LENSES},
            "labels": {lens: {r["id"]: label(r, lens, lang) for r in records} for lens in LENSES}}


def write(run_dir: Path, records: list[dict[str, Any]], lang: str = "en") -> Path:
    """``<run>/lenses.json``, written by the gallery step so a page with 10,000 exhibits switches lens at once."""
    return runfolder.write_lenses(run_dir, precompute(records, lang))


def read(run_dir: Path, records: list[dict[str, Any]], lang: str = "en") -> dict[str, Any] | None:
    """The precomputed lenses if they match these exhibits and this language; else None (the page ranks itself)."""
    data = runfolder.read_lenses(run_dir)
    if data is None:
        return None
    ids = {r["id"] for r in records}
    if data.get("lang") != lang or any(set(data["order"].get(lens, [])) != ids for lens in LENSES):
        return None
    return data
