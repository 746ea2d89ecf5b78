"""Photos: every real-world file is published upright without metadata, or rejected with a reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kit.photos import process_photos
from kit.rejects import RejectLog

STAGES, CHANNELS = ["purchase", "support"], ["app", "email"]


def run(project: Path, run_dir: Path, **kw) -> tuple[object, RejectLog]:
    rejects = RejectLog("photos")
    opts = dict(blur_faces=False, strip_location=True, require_consent=True, redact=True)
    opts.update(kw)
    res = process_photos(project, "photos", run_dir, rejects=rejects, stages=STAGES, channels=CHANNELS, **opts)
    return res, rejects


def sidecar(project: Path, rows: list[str]) -> None:
    (project / "photos" / "photos.csv").write_text(
        "file,caption,stage,channel,valence,participant,consent\n" + "\n".join(rows) + "\n", encoding="utf-8")


def assert_clean(path: Path) -> None:
    with Image.open(path) as img:
        assert not img.getexif(), path
        assert "exif" not in img.info and "xmp" not in img.info and "icc_profile" not in img.info, path


def test_every_orientation_is_published_upright_without_metadata(shared_data: Path, tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(shared_data / "exif-orientation", project / "photos",
                    ignore=shutil.ignore_patterns("*.md", "*.markdown", "LICENSE"))
    files = sorted(p.name for p in (project / "photos").glob("*.jpg"))
    sidecar(project, [f"{f},,,,,P1,yes" for f in files])
    res, rejects = run(project, tmp_path / "run")
    assert len(rejects) == 0, rejects.items
    by_file = {Path(r.file).name: r for r in res.photos.itertuples()}
    with Image.open(tmp_path / "run" / by_file["Landscape_1.jpg"].display) as ref_img:
        ref = np.asarray(ref_img.convert("L").resize((90, 60)), dtype=float)
    for name, rec in by_file.items():
        out = tmp_path / "run" / rec.display
        assert_clean(out)
        assert_clean(tmp_path / "run" / rec.thumb)
        with Image.open(out) as img:
            w, h = img.size
            if name.startswith("Landscape"):
                assert w > h, name                     # 5-8 are stored turned; shown as landscape
                diff = np.abs(np.asarray(img.convert("L").resize((90, 60)), dtype=float) - ref).mean()
                assert diff < 12, (name, diff)         # the same picture, the same way up
            else:
                assert h > w, name


def test_real_camera_files_published_clean_or_rejected_with_reason(shared_data: Path, tmp_path: Path) -> None:
    project = tmp_path / "p"
    photos = project / "photos"
    photos.mkdir(parents=True)
    for src in sorted((shared_data / "exif-samples").rglob("*")):
        if src.suffix.lower() in (".jpg", ".jpeg", ".heif", ".heic"):
            shutil.copy(src, photos / f"{src.parent.name}__{src.name}")
    nikon = (shared_data / "exif-samples" / "jpg" / "Nikon_D70.jpg").read_bytes()
    (photos / "truncated__Nikon_D70.jpg").write_bytes(nikon[: len(nikon) // 2])
    names = sorted(p.name for p in photos.iterdir())
    sidecar(project, [f"{n},,,,,P1,yes" for n in names])
    res, rejects = run(project, tmp_path / "run")
    published = {Path(f).name for f in res.photos["file"]}
    rejected = {Path(r.source_file).name: r.reason for r in rejects.items}
    assert published | set(rejected) == set(names)
    assert "does not decode" in rejected["truncated__Nikon_D70.jpg"]
    assert "jpg__corrupted.jpg" in published                            # broken EXIF, pixels fine
    assert "heic__samplefilehub.heif" in published                      # HEIF through pillow-heif
    assert {"gps__DSCN0010.jpg", "gps__DSCN0012.jpg", "gps__DSCN0021.jpg"} <= published
    for rec in res.photos.itertuples():
        assert_clean(tmp_path / "run" / rec.display)
    makes = dict(zip(res.photos["file"].map(lambda f: Path(f).name), res.photos["make"], strict=True))
    assert makes["jpg__Canon_40D.jpg"] == "Canon"                         # padding trimmed
    assert res.counts["photos/ (image files)"] == {"in": len(names), "accepted": len(published),
                                                   "rejected": len(names) - len(published)}


def test_no_consent_photo_appears_nowhere(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "photos").mkdir(parents=True)
    for name, colour in (("yes.jpg", "red"), ("no.jpg", "blue"), ("unlisted.jpg", "green")):
        Image.new("RGB", (64, 48), colour).save(project / "photos" / name)
    sidecar(project, ["yes.jpg,ok,purchase,app,0.5,P1,yes", "no.jpg,secret,support,email,-0.5,P2,no"])
    run_dir = tmp_path / "run"
    res, rejects = run(project, run_dir)
    assert list(res.photos["file"]) == ["photos/yes.jpg"]
    assert [e.id for e in res.exhibits] == ["photo-yes"]
    written = [p.name for p in run_dir.rglob("*")]
    assert not any("no" in n.split("-")[-1] or "unlisted" in n for n in written), written
    reasons = {Path(r.source_file).name: r.reason for r in rejects.items}
    assert "said no" in reasons["no.jpg"] and "no consent recorded" in reasons["unlisted.jpg"]


def test_sidecar_path_escaping_the_project_is_never_opened(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "photos").mkdir(parents=True)
    sidecar(project, ["../../../etc/passwd,x,,,,P1,yes", "ok.jpg,x,nowhere,fax,7,P1,maybe"])
    Image.new("RGB", (10, 10)).save(project / "photos" / "ok.jpg")
    _, rejects = run(project, tmp_path / "run")
    reasons = [r.reason for r in rejects.items if r.source_file == "photos/photos.csv"]
    assert any("leaves the project folder; the file was not opened" in r for r in reasons)
    bad = next(r for r in reasons if "stage" in r)
    assert "'nowhere'" in bad and "'fax'" in bad and "'7'" in bad and "'maybe'" in bad


def test_decompression_bomb_and_non_images_are_rejected(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "photos").mkdir(parents=True)
    Image.new("1", (12_000, 12_000)).save(project / "photos" / "bomb.png")      # 144 MP, tiny file
    (project / "photos" / "notes.txt").write_text("not a photo")
    (project / "photos" / "fake.jpg").write_text("not a jpeg either")
    sidecar(project, ["bomb.png,,,,,P1,yes", "fake.jpg,,,,,P1,yes"])
    res, rejects = run(project, tmp_path / "run")
    reasons = {Path(r.source_file).name: r.reason for r in rejects.items}
    assert "decompression bomb" in reasons["bomb.png"]
    assert "not an image type" in reasons["notes.txt"]
    assert "not an image" in reasons["fake.jpg"]
    assert res.photos.empty


@pytest.mark.parametrize("workers", [1, 2])
def test_pool_and_in_process_publish_the_same(tmp_path: Path, workers: int) -> None:
    project = tmp_path / "p"
    (project / "photos").mkdir(parents=True)
    for i in range(10):
        Image.new("RGB", (400, 300), (i * 20, 0, 0)).save(project / "photos" / f"{i}.jpg")
    sidecar(project, [f"{i}.jpg,c{i},,,,P1,yes" for i in range(10)])
    res, _ = run(project, tmp_path / "run", workers=workers)
    assert len(res.photos) == 10 and set(res.photos["width"]) == {400}
