"""Near-duplicate photos: two shots of one scene become one exhibit; a different scene stays its own."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from kit.core.exhibits import write_part
from kit.core.rejects import RejectLog
from kit.evidence import photodups
from kit.steps.photos import process_photos

HEADER = "file,caption,stage,channel,valence,participant,consent\n"


def scene(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A picture with structure (blocks of random grey levels), so its perceptual hash means something."""
    rng = np.random.default_rng(seed)
    blocks = rng.integers(0, 255, (6, 8), dtype=np.uint8)
    return Image.fromarray(blocks).resize(size, Image.Resampling.NEAREST).convert("RGB")


def near_copy(img: Image.Image) -> Image.Image:
    """The same scene shot again: a little smaller, softer, brighter, with a mark in a corner."""
    copy = img.resize((600, 450), Image.Resampling.BILINEAR).filter(ImageFilter.GaussianBlur(1.5))
    copy = Image.eval(copy, lambda v: min(255, v + 12))
    ImageDraw.Draw(copy).rectangle((560, 410, 590, 440), fill=(255, 255, 255))
    return copy


def test_hash_distances_part_near_copies_from_other_scenes() -> None:
    a, b, other = scene(1), near_copy(scene(1)), scene(2)
    ha, hb, ho = photodups.phash(a), photodups.phash(b), photodups.phash(other)
    assert len(ha) == 16 and int(ha, 16) >= 0                     # 64 bits as hex
    assert photodups.distance(ha, hb) <= photodups.MAX_DISTANCE
    assert photodups.distance(ha, ho) > 3 * photodups.MAX_DISTANCE
    assert photodups.distance(ha, "") is None and photodups.distance(ha, "not hex") is None


def test_grouping_by_hash_by_participant_and_caption_and_never_chained() -> None:
    P = photodups.Photo
    photos = [
        P("mild", "P1", "Inbox", -0.3, "ffff000000000000"),
        P("worst", "P2", "Inbox again", -0.9, "ffff000000000003"),        # 2 bits from "mild": same scene
        P("chain", "P3", "other", -0.5, "ffff00000000000c"),             # 2 bits from "mild", 4 from "worst"
        P("far", "P4", "Fridge", -0.6, "0000ffffffff0000"),
        P("same-words", "P4", " fridge! ", -0.6, None),                   # same participant, same caption
        P("glad", "P5", "Dinner", 0.8, "ffff000000000001"),               # looks alike but a different feeling
    ]
    groups = photodups.group(photos, max_distance=4)
    assert groups[0] == ["worst", "chain", "mild"]                      # led by the most severe photo, then by severity
    assert ["far", "same-words"] in groups and ["glad"] in groups
    tight = photodups.group(photos, max_distance=2)
    assert tight[0] == ["worst", "mild"] and ["chain"] in tight        # close to "mild", not to its leader: alone


def test_photo_step_writes_one_card_for_near_duplicates(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "photos").mkdir(parents=True)
    scene(1).save(project / "photos" / "a.jpg")
    near_copy(scene(1)).save(project / "photos" / "b.jpg")
    scene(2).save(project / "photos" / "c.jpg")
    scene(3).save(project / "photos" / "d.jpg")
    scene(4).save(project / "photos" / "e.jpg")
    (project / "photos" / "photos.csv").write_text(HEADER + "\n".join([
        "a.jpg,Paper everywhere,purchase,app,-0.6,P1,yes",
        "b.jpg,The same pile,purchase,app,-0.8,P2,yes",
        "c.jpg,Something else,support,email,-0.7,P3,yes",
        "d.jpg,Kitchen table,purchase,app,-0.5,P4,yes",
        "e.jpg,kitchen table.,purchase,app,-0.5,P4,yes"]) + "\n", encoding="utf-8")
    run_dir = tmp_path / "run"
    res = process_photos(project, "photos", run_dir, blur_faces=False, strip_location=True, require_consent=True,
                         redact=True, rejects=RejectLog("photos"), stages=["purchase", "support"], channels=["app", "email"])
    assert len(res.photos) == 5                                          # every photo is still published
    write_part(run_dir, "photos", res.exhibits)
    records = {r["id"]: r for r in json.loads((run_dir / "exhibits" / "photos.json").read_text(encoding="utf-8"))}
    assert records["photo-b"]["also"] == ["photo-a"] and records["photo-a"]["part_of"] == "photo-b"   # worst leads
    assert records["photo-d"]["also"] == ["photo-e"] and records["photo-e"]["part_of"] == "photo-d"
    assert "also" not in records["photo-c"] and "part_of" not in records["photo-c"]   # alone: written as before
    assert all((run_dir / r["media"]["image"]).is_file() for r in records.values())
