"""A synthetic run folder with any number of exhibits, for page benchmarks and page tests.

It holds what the Voilà pages read (``summary.json``, ``exhibits.json``, ``media/`` thumbnails, the
journey table and the overview's journey SVG when Chromium is here)
without running the pipeline, so a 10,000-exhibit gallery can be served in seconds. Deterministic
by seed. It is not a substitute for a real run: its scores and texts are made up.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pandas as pd
from PIL import Image, ImageDraw

from kit.analysis import lenses
from kit.charts import journey as overview_chart
from kit.core import runfolder, runs
from kit.core.exhibits import SCHEMA_VERSION

STAGES = ["awareness", "consideration", "purchase", "onboarding", "coaching", "support", "renewal"]
CHANNELS = ["email", "phone", "in_store", "website", "app", "social"]
SEGMENTS = ["new", "returning", "lapsed"]
PHRASES = ["had to wait twenty minutes on hold", "the payment failed again", "so many instructions, I felt lost",
           "the coach remembered my name", "I will cancel at renewal", "the app looks lovely",
           "three e-mails a day is too much", "delivery was quick", "I could not find the login screen"]
PERSIAN = ["برنامهٔ غذایی خیلی پیچیده بود", "پشتیبانی سریع جواب داد", "پرداخت دوباره خطا داد"]
SOURCES = [("recordings/s{:02d}.mp4", "clip"), ("photos/p{:03d}.jpg", "photo"), ("surveys/q3.csv", "quote"),
           ("contacts.csv", "metric"), ("social.csv", "quote")]


def _thumbs(media: Path, count: int, rng: random.Random) -> list[str]:
    media.mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(count):
        img = Image.new("RGB", (320, 200), (rng.randrange(60, 220), rng.randrange(60, 220), rng.randrange(60, 220)))
        ImageDraw.Draw(img).ellipse((110, 50, 210, 150), fill=(rng.randrange(256), 90, 90))
        name = runfolder.media_rel(f"thumb-{i:03d}.jpg")
        img.save(media.parent / name, quality=70)
        names.append(name)
    return names


def exhibit(i: int, rng: random.Random, thumbs: list[str]) -> dict[str, Any]:
    """One made-up exhibit record following the exhibit contract."""
    pattern, kind = SOURCES[i % len(SOURCES)]
    persian = i % 11 == 0
    text = rng.choice(PERSIAN) if persian else rng.choice(PHRASES)
    valence = round(rng.uniform(-1, 1), 2)
    media = {"thumb": thumbs[i % len(thumbs)]} if kind in ("photo", "clip") and thumbs else {}
    return {"id": f"syn-{i:05d}", "kind": kind, "title": text[:1].upper() + text[1:], "caption": f"Exhibit {i}",
            "stage": STAGES[i % len(STAGES)], "channel": CHANNELS[(i // 3) % len(CHANNELS)],
            "segment": SEGMENTS[i % len(SEGMENTS)], "valence": valence, "severity": round(rng.random(), 2),
            "lenses": rng.sample(["design", "engineering", "business"], rng.randint(0, 2)), "tags": [],
            "media": media, "quote": text if kind == "quote" else "",
            "evidence": {"responses": rng.randint(1, 900)} if kind == "metric" else {},
            "source": {"file": pattern.format(i % 40), "locator": f"row {i + 2}"}, "lang": "fa" if persian else "en",
            "schema": SCHEMA_VERSION}


def journey(rng: random.Random) -> pd.DataFrame:
    """A made-up journey table (data/journey.parquet's columns): survey and recordings per stage, an ideal."""
    rows = []
    for i, stage in enumerate(STAGES):
        for source, n in (("survey", 200), ("recording", 40)):
            v = round(0.5 - 0.15 * i + rng.uniform(-0.1, 0.1), 3)
            rows.append({"stage": stage, "source": source, "valence": v, "lo": v - 0.1, "hi": v + 0.1, "n": n,
                         "ideal": 0.6, "too_few": False})
    return pd.DataFrame(rows)


def write(folder: Path, exhibits: int = 10_000, *, thumbs: int = 64, seed: int = 7, ui_language: str = "en") -> Path:
    """Write a run folder at ``folder`` (created) with ``exhibits`` exhibits; returns the folder."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    names = _thumbs(folder / runfolder.MEDIA, thumbs, rng)
    records = [exhibit(i, rng, names) for i in range(exhibits)]
    runfolder.write_exhibits(folder, records)
    by_stage = [{"stage": s, "responses": 200, "nps": 10.0 - 5 * i, "nps_lo": 0.0 - 5 * i, "nps_hi": 20.0 - 5 * i,
                 "nps_n": 200, "csat": 3.8, "csat_lo": 3.6, "csat_hi": 4.0, "ces": 5.0, "ces_lo": 4.8, "ces_hi": 5.2,
                 "too_few": False} for i, s in enumerate(STAGES)]
    summary = {"name": f"Synthetic gallery ({exhibits:,} exhibits)", "run_id": folder.name, "ui_language": ui_language,
               "languages": ["en", "fa"], "stages": STAGES, "channels": CHANNELS, "ideal": {"purchase": {"nps": 40}},
               "min_group_size": 30, "by_stage": by_stage, "exhibits": exhibits,
               "headline": {"nps": {"n": 1400, "value": 12.0, "lo": 8.0, "hi": 16.0},
                            "csat": {"n": 1400, "value": 3.8, "lo": 3.7, "hi": 3.9, "top2box": 64.0},
                            "ces": {"n": 1400, "value": 5.1, "lo": 5.0, "hi": 5.2}},
               "trend": {"freq": "M", "periods": [{"period": "2026-07-01", "nps": 8.0, "csat": 3.7, "ces": 5.0},
                                                  {"period": "2026-08-01", "nps": 12.0, "csat": 3.8, "ces": 5.1}]}}
    runfolder.write_summary(folder, summary)
    lenses.write(folder, records, ui_language)
    table = journey(rng)
    runfolder.write_table(folder, "journey", table)
    overview_chart.write_svg(folder, table, STAGES, ui_language)
    manifest = {"run_id": folder.name, "status": "done", "synthetic": True, "parameters": {"exhibits": exhibits, "seed": seed}}
    runs.write_manifest(folder, manifest)
    return folder
