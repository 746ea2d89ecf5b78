"""The recordings and photos steps on a small project that names its customers everywhere it can:
no customer's name reaches a table or a JSON file of the run, and the interviewers keep theirs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from kit.core import exhibits as ex
from kit.core.step import open_step
from kit.evidence import pseudonyms
from kit.steps import photos, recordings

# Customer names as the project writes them, in every script and spelling it uses.
CUSTOMER_NAMES = ["Anna", "Berg", "Maryam", "مریم", "مريم", "احمدی", "Tom", "Priya", "Sam", "Lowe", "Laura"]
INTERVIEWERS = ["Researcher", "پژوهشگر"]

S01 = """WEBVTT

00:00:00.500 --> 00:00:02.000
Researcher: Thanks for joining, Anna. How did the payment go?

00:00:02.500 --> 00:00:05.000
Anna Berg: I waited forever and then the payment failed again.

00:00:05.200 --> 00:00:07.000
Anna Berg: My husband said "Anna, just call them", so I called and waited again.

00:00:08.000 --> 00:00:09.500
Researcher: Thank you, Ms Berg.
"""

S01_MARKERS = """start,end,stage,channel,valence,note
2.5,7,purchase,app,-0.8,Anna waits and the payment fails
"""

S02 = """1
00:00:00,500 --> 00:00:02,000
پژوهشگر: سلام مريم خانم، پرداخت چطور بود؟

2
00:00:02,200 --> 00:00:04,500
مریم احمدی: دوباره خطا داد و من منتظر ماندم. مریم‌ام، نه ماریا.

3
00:00:05,000 --> 00:00:06,000
پژوهشگر: ممنون مریم جان.
"""

S03 = """WEBVTT

00:00:00.500 --> 00:00:02.000
Researcher: Tom, Priya, what went wrong?

00:00:02.500 --> 00:00:05.000
Tom: The app crashed at pay, and I waited forty minutes on hold.

00:00:05.500 --> 00:00:08.000
Priya: Tom is right, it failed again for me too, and the error never went away.
"""

SIDECAR = """file,caption,stage,channel,valence,participant,consent
a.jpg,Anna's kitchen table under printed plans,purchase,app,-0.8,P01,yes
b.jpg,Sam Lowe: the fridge door full of week two sheets,support,app,-0.6,Sam Lowe,yes
"""


def write_project(root: Path, extra: str = "") -> Path:
    (root / "recordings").mkdir(parents=True)
    (root / "photos").mkdir()
    for name, text in (("s01.vtt", S01), ("s01_markers.csv", S01_MARKERS), ("s02.srt", S02), ("s03.vtt", S03)):
        (root / "recordings" / name).write_text(text, encoding="utf-8")
    for name, colour in (("a.jpg", "tan"), ("b.jpg", "grey")):
        Image.new("RGB", (64, 48), colour).save(root / "photos" / name, "JPEG")
    (root / "photos/photos.csv").write_text(SIDECAR, encoding="utf-8")
    (root / "project.yaml").write_text(
        "name: Pseudonyms\njourney: {stages: [purchase, support]}\nchannels: [app, phone]\n"
        "interviewers: [Researcher, پژوهشگر]\nphotos: {folder: photos/}\n"
        f"privacy: {{blur_faces: false{extra}}}\nrecordings:\n"
        "  - {id: s01, transcript: recordings/s01.vtt, markers: recordings/s01_markers.csv, participant: P01, consent: true}\n"
        "  - {id: s02, transcript: recordings/s02.srt, participant: P02, consent: true}\n"
        "  - {id: s03, transcript: recordings/s03.vtt, consent: true}\n", encoding="utf-8")
    return root


def run_steps(root: Path, run_dir: Path) -> tuple[recordings.RecordingsResult, photos.PhotosResult]:
    return (recordings.run(open_step("recordings", root, run_dir)), photos.run(open_step("photos", root, run_dir)))


def published_text(run_dir: Path) -> str:
    """Every string cell of every Parquet table and every JSON file the run holds, as one text."""
    parts = []
    for path in sorted(run_dir.rglob("*.parquet")):
        frame = pd.read_parquet(path)
        parts += [str(v) for col in frame.columns for v in frame[col].dropna()]
    parts += [path.read_text(encoding="utf-8") for path in sorted(run_dir.rglob("*.json"))]
    parts.append(json.dumps(ex.merge_parts(run_dir), ensure_ascii=False))      # what the gallery step merges
    return "\n".join(parts)


def names_in(text: str) -> set[str]:
    """Customer names found as whole words (Persian yeh and kaf, ZWNJ as a word boundary)."""
    norm = pseudonyms.normalise(text)
    return {n for n in CUSTOMER_NAMES if re.search(rf"(?<!\w){re.escape(pseudonyms.normalise(n))}(?!\w)", norm)}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, recordings.RecordingsResult, photos.PhotosResult]:
    mp = pytest.MonkeyPatch()
    mp.setenv("CXKIT_NO_PNG", "1")
    base = tmp_path_factory.mktemp("pseudonyms")
    root = write_project(base / "project")
    try:
        rec, pho = run_steps(root, base / "run")
    finally:
        mp.undo()
    return base / "run", rec, pho


def test_no_customer_name_in_any_table_or_json(run: tuple[Path, recordings.RecordingsResult, photos.PhotosResult]) -> None:
    run_dir, rec, pho = run
    text = published_text(run_dir)
    assert {"utterances.parquet", "photos.parquet"} <= {p.name for p in run_dir.rglob("*.parquet")}
    assert len(rec.exhibits) >= 3 and len(pho.exhibits) == 2
    assert names_in(text) == set()


def test_interviewers_keep_their_names_and_customers_take_pseudonyms(
        run: tuple[Path, recordings.RecordingsResult, photos.PhotosResult]) -> None:
    _, rec, pho = run
    speakers = rec.utterances.groupby("recording_id")["speaker"].apply(lambda s: list(dict.fromkeys(s))).to_dict()
    group = [pseudonyms.generated(n, "Pseudonyms") for n in ("Tom", "Priya")]
    assert speakers == {"s01": ["Researcher", "P01"], "s02": ["پژوهشگر", "P02"], "s03": ["Researcher", *group]}
    lines = rec.utterances["text"].tolist()
    assert "Thanks for joining, P01. How did the payment go?" in lines and "Thank you, P01." in lines
    assert "پژوهشگر: " not in lines[0] and "سلام P02 خانم، پرداخت چطور بود؟" in lines
    assert f"{group[0]} is right, it failed again for me too, and the error never went away." in lines
    assert set(rec.moments["speaker"].dropna()) <= {"P01", "P02", *group}
    assert next(e for e in rec.exhibits if e.id == "rec-s01-0002").title == "P01 waits and the payment fails"
    sam = pseudonyms.generated("Sam Lowe", "Pseudonyms")
    assert pho.photos[["participant", "caption"]].values.tolist() == [
        ["P01", "P01's kitchen table under printed plans"], [sam, f"{sam}: the fridge door full of week two sheets"]]


def test_the_same_project_gives_the_same_pseudonyms_on_every_run(
        run: tuple[Path, recordings.RecordingsResult, photos.PhotosResult], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXKIT_NO_PNG", "1")
    _, rec, pho = run
    again, photos_again = run_steps(write_project(tmp_path / "project"), tmp_path / "run")
    assert again.utterances["speaker"].tolist() == rec.utterances["speaker"].tolist()
    assert photos_again.photos["participant"].tolist() == pho.photos["participant"].tolist()


def test_pseudonymize_false_publishes_names_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXKIT_NO_PNG", "1")
    rec, pho = run_steps(write_project(tmp_path / "project", ", pseudonymize: false"), tmp_path / "run")
    assert {"Anna Berg", "مریم احمدی", "Tom", "Priya"} <= set(rec.utterances["speaker"])
    assert "Sam Lowe" in set(pho.photos["participant"])
    assert names_in(published_text(tmp_path / "run")) >= {"Anna", "Tom", "Sam"}
