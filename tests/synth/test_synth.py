"""The synthetic project generator and the bundled sample it produced.

Small sizes keep these fast; the committed sample (data/sample/) is checked as it is on disk,
and its tables and photos are regenerated to prove they are what the generator writes.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pandas as pd
import pytest
import yaml
from PIL import Image, ImageOps

from kit.core.errors import ProjectError
from kit.core.paths import SAMPLE_PROJECT
from kit.synth import synthesize
from kit.synth.media import encode
from kit.synth.sessions import Cue, Session, hand_written, parse_cues
from kit.synth.tables import CONTACT_COLUMNS, RESPONSE_COLUMNS, SOCIAL_COLUMNS

SURVEY = "surveys/q3_responses.csv"


def hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def read_survey(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / SURVEY, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("synth") / "project"
    return out, synthesize(out, responses=400, photos=4, recordings=0, seed=11)


def test_same_seed_gives_identical_files(small, tmp_path):
    first, _ = small
    synthesize(tmp_path / "again", responses=400, photos=4, recordings=0, seed=11)
    assert hashes(first) == hashes(tmp_path / "again")


def test_other_seed_gives_other_data(small, tmp_path):
    first, _ = small
    synthesize(tmp_path / "other", responses=400, photos=0, recordings=0, seed=12)
    assert (first / SURVEY).read_bytes() != (tmp_path / "other" / SURVEY).read_bytes()


def test_refuses_a_non_empty_folder_unless_told(small):
    out, _ = small
    with pytest.raises(ProjectError, match="not empty"):
        synthesize(out, responses=10, photos=0, recordings=0)


def test_rows_and_columns_as_promised(small):
    out, counts = small
    survey = read_survey(out)
    contacts = pd.read_csv(out / "contacts.csv")
    social = pd.read_csv(out / "social.csv")
    assert list(survey.columns) == RESPONSE_COLUMNS and len(survey) == counts["responses"] == 400
    assert list(contacts.columns) == CONTACT_COLUMNS and len(contacts) == counts["contacts"]
    assert 15 <= len(contacts) / 400 <= 35
    assert list(social.columns) == SOCIAL_COLUMNS and len(social) == counts["social"] == 50
    assert set(contacts.customer_id) == set(survey.ExternalReference)
    assert survey.EndDate.str.fullmatch(r"2026-0[789]-\d\dT\d\d:\d\d:\d\dZ").all()
    assert set(contacts.direction) == {"inbound", "outbound"}
    assert 0.15 < (survey.UserLanguage == "FA").mean() < 0.45
    assert survey.Q5_Unhappy.str.contains("\u200c").any()  # Persian with zero-width non-joiners


def test_overloaded_customers_score_lower(small):
    out, _ = small
    survey = read_survey(out)
    contacts = pd.read_csv(out / "contacts.csv")
    weekly = contacts[contacts.direction == "outbound"].groupby("customer_id").size() / 2
    survey["weekly"] = survey.ExternalReference.map(weekly).fillna(0)
    survey["nps"] = pd.to_numeric(survey.Q1_NPS, errors="coerce").where(lambda s: s <= 10)
    high = survey[survey.weekly >= 15].nps.mean()
    low = survey[survey.weekly < 8].nps.mean()
    assert low - high > 2


def test_bad_rows_are_planted(small):
    survey = read_survey(small[0])
    assert (survey.Q1_NPS == "11").any() and (survey.Q1_NPS == "ten").any()
    assert (survey.Q2_CSAT == "0").any()
    assert survey.ResponseId.duplicated().any()
    assert (survey.Q1_NPS == "").any() and (survey.Q3_CES == "").any()
    bad = (survey.Q1_NPS.isin(["11", "ten"]) | (survey.Q2_CSAT == "0")).sum() + survey.ResponseId.duplicated().sum()
    assert bad >= 5


def test_comments_carry_pii_for_redaction(small):
    text = " ".join(read_survey(small[0]).Q5_Unhappy)
    assert re.search(r"[\w.]+@[\w.]+", text)
    assert re.search(r"(\+98|09\d\d|۰۹)", text)


def test_project_yaml_has_the_design_keys():
    doc = yaml.safe_load((SAMPLE_PROJECT / "project.yaml").read_text(encoding="utf-8"))
    assert doc["name"].startswith("NourishPath")
    assert doc["languages"] == ["en", "fa"] and doc["ui_language"] == "en"
    assert doc["interviewers"] == ["Researcher", "Interviewer"] and doc["min_group_size"] == 30
    assert doc["journey"]["stages"][0] == "awareness" and "coaching" in doc["journey"]["ideal"]
    assert doc["channels"] == ["email", "phone", "in_store", "website", "app", "social"]
    survey = doc["surveys"][0]
    assert survey["format"] == "generic" and survey["columns"]["nps"] == "Q1_NPS"
    assert set(survey["text"]) == {"liked_most", "disliked_most"}
    assert all(doc["privacy"][k] is True for k in ("redact_pii", "blur_faces", "strip_location", "require_consent"))
    paths = [survey["path"], doc["contacts"], doc["social"], doc["photos"]["folder"]]
    for rec in doc["recordings"]:
        paths += [rec["media"], rec["transcript"]] + ([rec["markers"]] if "markers" in rec else [])
    assert all((SAMPLE_PROJECT / p).exists() for p in paths)
    assert [r["consent"] for r in doc["recordings"]].count(False) == 1


def ffmpeg_info(path: Path) -> str:
    return subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                          capture_output=True, text=True).stderr


def duration_of(info: str) -> float:
    h, m, s = re.search(r"Duration: (\d+):(\d+):([\d.]+)", info).groups()
    return int(h) * 3600 + int(m) * 60 + float(s)


def test_sample_media_play_and_match_their_transcripts():
    doc = yaml.safe_load((SAMPLE_PROJECT / "project.yaml").read_text(encoding="utf-8"))
    kinds = []
    for rec in doc["recordings"]:
        media = SAMPLE_PROJECT / rec["media"]
        info = ffmpeg_info(media)
        cues = parse_cues((SAMPLE_PROJECT / rec["transcript"]).read_text(encoding="utf-8"))
        assert abs(duration_of(info) - (max(c.end for c in cues) + 1.5)) < 0.3, media
        assert "Audio: aac" in info and media.stat().st_size < 1.5e6
        kinds.append("Video: h264" in info)
    assert kinds.count(False) == 1  # one session is audio only


def test_media_is_reproducible(tmp_path):
    cues = [Cue(0.5, 2.0, "Researcher", "Hello"), Cue(2.2, 4.0, "Mina", "Too many messages.")]
    short = Session("t1", "P01", "phone", "t1.vtt", "", cues, title="test", speakers=["Researcher", "Mina"])
    a, b = tmp_path / "a.mp4", tmp_path / "b.mp4"
    encode(short, a, np.random.default_rng(1))
    encode(short, b, np.random.default_rng(1))
    assert a.read_bytes() == b.read_bytes()
    assert abs(duration_of(ffmpeg_info(a)) - 5.5) < 0.2


def test_hand_written_transcripts_are_believable():
    sessions = hand_written()
    assert len(sessions) == 5
    for s in sessions:
        speakers = set(s.speakers)
        assert 40 <= len(s.cues) <= 90 and 120 <= s.duration <= 300, s.id
        assert 2 <= len(speakers) <= 4 and speakers & {"Researcher", "Interviewer"}, s.id
    persian = [s for s in sessions if sum("\u0600" <= ch <= "\u06ff" for c in s.cues for ch in c.text) > 1000]
    assert persian and any(s.transcript_name.endswith(".srt") for s in sessions)


def test_sample_photos_have_orientation_gps_and_a_corrupt_file():
    folder = SAMPLE_PROJECT / "photos"
    sidecar = pd.read_csv(folder / "photos.csv", dtype=str)
    orientations, gps = set(), 0
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() == ".jpg" and "truncated" not in p.name):
        with Image.open(path) as im:
            exif = im.getexif()
            orientations.add(exif[0x0112])
            gps += bool(exif.get_ifd(0x8825))
            assert im.size == ((768, 1024) if exif[0x0112] in (6, 8) else (1024, 768))
            assert ImageOps.exif_transpose(im).size == (1024, 768)
    assert orientations == {1, 3, 6, 8} and gps >= 5
    with pytest.raises(OSError), Image.open(folder / "upload_truncated.jpg") as im:
        im.load()
    jpgs = {p.name for p in folder.iterdir() if p.suffix.lower() == ".jpg"}
    assert "upload_truncated.jpg" in set(sidecar.file) and len(jpgs - set(sidecar.file)) == 1
    assert (sidecar.consent == "no").sum() >= 2


def test_sample_is_what_the_generator_writes(tmp_path):
    synthesize(tmp_path / "s", responses=1500, photos=24, recordings=0, seed=7)
    fresh, committed = hashes(tmp_path / "s"), hashes(SAMPLE_PROJECT)
    for name in [SURVEY, "contacts.csv", "social.csv", "photos/photos.csv"] + \
            [k for k in fresh if k.startswith("photos/")]:
        assert fresh[name] == committed[name], name


def test_sample_is_small_enough():
    total = sum(p.stat().st_size for p in SAMPLE_PROJECT.rglob("*") if p.is_file())
    assert total < 25 * 2**20
