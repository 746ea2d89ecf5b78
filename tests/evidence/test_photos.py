"""Photos: every real-world file is published upright without metadata, or rejected with a reason."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image, ImageOps

import kit.evidence.photos
import kit.views.photos
from kit.core import engine
from kit.core.rejects import RejectLog
from kit.evidence.faces import detect_faces
from kit.evidence.photos import DISPLAY_SIDE, THUMB_SIDE, publish_one, thumbnail_reference
from kit.steps.photos import PhotosResult, process_photos

STAGES, CHANNELS = ["purchase", "support", "in_store"], ["app", "email"]
HEADER = "file,caption,stage,channel,valence,participant,consent\n"
PHOTOS = 13                        # photos for the cluster test: more than one task per worker


def run(project: Path, run_dir: Path, **kw: object) -> tuple[PhotosResult, RejectLog]:
    rejects = RejectLog("photos")
    opts: dict = dict(blur_faces=False, strip_location=True, require_consent=True, redact=True)
    opts.update(kw)
    res = process_photos(project, "photos", run_dir, rejects=rejects, stages=STAGES, channels=CHANNELS, **opts)
    return res, rejects


def sidecar(project: Path, rows: list[str]) -> None:
    (project / "photos" / "photos.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")


def assert_clean(path: Path) -> None:
    """Nothing but pixels: no EXIF (so no GPS), no XMP, no ICC profile, no comment, read back two ways."""
    with Image.open(path) as img:
        assert img.format == "JPEG" and img.mode == "RGB", path
        assert not img.getexif(), path
        assert not {"exif", "xmp", "icc_profile", "comment", "photoshop"} & set(img.info), (path, img.info.keys())
    raw = path.read_bytes()
    assert b"Exif\x00" not in raw and b"http://ns.adobe.com" not in raw and b"ICC_PROFILE" not in raw, path


def small_grey(path: Path) -> np.ndarray:
    with Image.open(path) as img:
        return np.asarray(img.convert("L").resize((60, 60)), dtype=float)


def check_upright(run_dir: Path, res: PhotosResult, reference: dict[str, str]) -> None:
    """Each published photo matches its orientation-1 sibling in shape and content."""
    by_name = {Path(r.file).name: r for r in res.photos.itertuples()}
    for name, ref_name in reference.items():
        rec, ref = by_name[name], by_name[ref_name]
        with Image.open(run_dir / rec.display) as img, Image.open(run_dir / ref.display) as ref_img:
            assert img.size == ref_img.size, (name, img.size, ref_img.size)
        diff = np.abs(small_grey(run_dir / rec.display) - small_grey(run_dir / ref.display)).mean()
        assert diff < 12, (name, diff)                      # the same picture, the same way up
        assert (rec.width > rec.height) == (img.size[0] > img.size[1]), name     # size as taken, upright


def test_every_orientation_is_published_upright_without_metadata(shared_data: Path, tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(shared_data / "exif-orientation", project / "photos")
    shutil.copytree(shared_data / "exif-samples" / "jpg" / "orientation", project / "photos" / "set2")
    images = sorted(p.relative_to(project / "photos").as_posix() for p in (project / "photos").rglob("*.jpg"))
    sidecar(project, [f"{f},,,,,P1,yes" for f in images])
    run_dir = tmp_path / "run"
    res, rejects = run(project, run_dir)
    assert sorted(Path(f).relative_to("photos").as_posix() for f in res.photos["file"]) == images
    assert {Path(r.source_file).suffix for r in rejects.items} <= {"", ".md", ".markdown"}    # README, LICENSE...
    every = {p.relative_to(project / "photos").as_posix() for p in (project / "photos").rglob("*") if p.is_file()}
    rejected = {Path(r.source_file).relative_to("photos").as_posix(): r.reason for r in rejects.items}
    assert set(images) | set(rejected) == every - {"photos.csv"} and all(rejected.values())    # each file: one fate
    stored = {}
    for name in images:
        with Image.open(project / "photos" / name) as img:
            stored[Path(name).name] = img.size
    assert stored["Landscape_6.jpg"] == (1200, 1800)         # stored turned; 5-8 swap width and height
    reference = {f"Landscape_{i}.jpg": "Landscape_1.jpg" for i in range(9)}
    reference |= {"Portrait_6.jpg": "Portrait_1.jpg", "Portrait_8.jpg": "Portrait_1.jpg"}
    reference |= {f"{kind}_{i}.jpg": f"{kind}_1.jpg" for kind in ("landscape", "portrait") for i in (3, 6, 8)}
    check_upright(run_dir, res, reference)
    for rec in res.photos.itertuples():
        assert_clean(run_dir / rec.display)
        assert_clean(run_dir / rec.thumb)
        with Image.open(run_dir / rec.display) as d, Image.open(run_dir / rec.thumb) as t:
            assert max(d.size) <= DISPLAY_SIDE and max(t.size) == 480


def gps_of(path: Path) -> dict:
    with Image.open(path) as img:
        return dict(img.getexif().get_ifd(0x8825))


def test_real_camera_files_published_clean_or_rejected_with_reason(shared_data: Path, tmp_path: Path) -> None:
    project = tmp_path / "p"
    photos = project / "photos"
    shutil.copytree(shared_data / "exif-samples", photos)           # every file, subfolders kept
    nikon = (shared_data / "exif-samples" / "jpg" / "Nikon_D70.jpg").read_bytes()
    (photos / "truncated_Nikon_D70.jpg").write_bytes(nikon[: len(nikon) // 2])
    names = sorted(p.relative_to(photos).as_posix() for p in photos.rglob("*") if p.is_file())
    sidecar(project, [f"{n},,,,,P1,yes" for n in names])
    run_dir = tmp_path / "run"
    res, rejects = run(project, run_dir)
    published = {Path(f).relative_to("photos").as_posix() for f in res.photos["file"]}
    reasons = {Path(r.source_file).relative_to("photos").as_posix(): r.reason for r in rejects.items
               if r.source_file != "photos/photos.csv"}
    assert published | set(reasons) == set(names) and not published & set(reasons)
    assert all(reasons.values())
    assert "does not decode" in reasons["truncated_Nikon_D70.jpg"]
    assert "not an image type" in reasons["ORIGIN.md"]
    jpgs_and_heif = {n for n in names if n.endswith((".jpg", ".heif"))} - {"truncated_Nikon_D70.jpg"}
    assert jpgs_and_heif <= published           # broken EXIF (invalid/, tests/, corrupted.jpg) still decodes
    had_gps = [n for n in published if n.endswith(".jpg") and gps_of(photos / n)]
    assert {"jpg/gps/DSCN0010.jpg", "jpg/gps/DSCN0012.jpg", "jpg/gps/DSCN0021.jpg"} <= set(had_gps)   # stripped below
    for rec in res.photos.itertuples():
        assert_clean(run_dir / rec.display)
        assert_clean(run_dir / rec.thumb)
    facts = res.photos.set_index(res.photos["file"].str.removeprefix("photos/"))
    assert facts.loc["jpg/Canon_40D.jpg", ["make", "model"]].tolist() == ["Canon", "Canon EOS 40D"]
    assert facts.loc["jpg/corrupted.jpg", "make"] == "OLYMPUS IMAGING CORP."          # padding trimmed
    assert facts.loc["jpg/Canon_40D.jpg", "taken_at"] == datetime(2008, 5, 30, 15, 56, 1)
    assert facts.loc["jpg/corrupted.jpg", ["width", "height"]].tolist() == [3648, 2736]  # as taken, not as shown
    assert res.counts["photos/ (image files)"] == {"in": len(names), "accepted": len(published),
                                                   "rejected": len(names) - len(published)}
    assert res.counts["photos/photos.csv"] == {"in": len(names), "accepted": len(names), "rejected": 0}


def test_faces_are_blurred_in_published_copies(shared_data: Path, tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "photos").mkdir(parents=True)
    for name in ("xmp/no_exif.jpg", "invalid/image01137.jpg"):                # the two real faces there
        shutil.copy(shared_data / "exif-samples" / "jpg" / name, project / "photos" / Path(name).name)
    run_dir = tmp_path / "run"
    res, _ = run(project, run_dir, blur_faces=True, require_consent=False)
    assert res.photos["faces_blurred"].tolist() == [1, 1]
    assert [e.evidence["faces_blurred"] for e in res.exhibits] == [1, 1]
    for rec in res.photos.itertuples():
        with Image.open(project / rec.file) as img:
            original = np.asarray(ImageOps.exif_transpose(img).convert("RGB"))
        with Image.open(run_dir / rec.display) as img:
            published = np.asarray(img.convert("RGB"))
        assert published.shape == original.shape                              # both small: published as they are
        boxes = detect_faces(original)
        assert len(boxes) == 1
        # A detector may still find a head where a face was blurred (CenterFace does, as it should);
        # what must be gone is the face's detail: eyes, mouth, the edges a person recognises
        for x, y, w, h in boxes:
            before, after = (_detail(a[y:y + h, x:x + w]) for a in (original, published))
            assert after < 0.1 * before, (rec.file, before, after)


def _detail(patch: np.ndarray) -> float:
    """How much fine detail a patch holds: the variance of its grey Laplacian."""
    import cv2
    return float(cv2.Laplacian(cv2.cvtColor(patch, cv2.COLOR_RGB2GRAY), cv2.CV_64F).var())


def colours_published(run_dir: Path) -> list[tuple[int, ...]]:
    """The mean colour of every image file written anywhere in the run folder."""
    out = []
    for path in run_dir.rglob("*"):
        if path.is_file():
            with Image.open(path) as img:
                out.append(tuple(int(c) for c in np.asarray(img.convert("RGB"), dtype=float).mean(axis=(0, 1))))
    return out


def step_files_written(run_dir: Path, res: PhotosResult, rejects: RejectLog) -> None:
    """Write what the photos notebook writes besides the images: tables, moments, exhibits, rejects."""
    from kit.core.exhibits import write_part
    (run_dir / "data").mkdir(exist_ok=True)
    res.photos.to_parquet(run_dir / "data" / "photos.parquet", compression=None)
    res.moments.to_parquet(run_dir / "data" / "moments-photos.parquet", compression=None)
    write_part(run_dir, "photos", res.exhibits)
    rejects.save(run_dir)


def test_no_consent_photo_appears_nowhere(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "photos").mkdir(parents=True)
    colours = {"yes.jpg": (200, 30, 30), "no.jpg": (30, 30, 200), "unlisted.jpg": (30, 200, 30),
               "blank.jpg": (200, 200, 30)}
    for name, colour in colours.items():
        Image.new("RGB", (64, 48), colour).save(project / "photos" / name)
    sidecar(project, ["yes.jpg,mail me at a.b@example.com,purchase,app,-0.8,P1,YES",
                      "no.jpg,secret,support,email,-0.5,P2,no", "blank.jpg,x,,,,P3,"])
    run_dir = tmp_path / "run"
    res, rejects = run(project, run_dir)
    assert list(res.photos["file"]) == ["photos/yes.jpg"]
    assert [e.id for e in res.exhibits] == ["photo-yes"]
    for seen in colours_published(run_dir):                 # only the red photo's pixels were written
        assert all(abs(a - b) < 20 for a, b in zip(seen, colours["yes.jpg"], strict=True)), seen
    step_files_written(run_dir, res, rejects)
    for path in run_dir.rglob("*"):                          # tables, exhibits, rejects: no trace of its caption
        assert not path.is_file() or b"secret" not in path.read_bytes(), path
    reasons = {Path(r.source_file).name: r.reason for r in rejects.items}
    assert "said no" in reasons["no.jpg"]
    assert "no row in photos.csv" in reasons["unlisted.jpg"] and "consent cell" in reasons["blank.jpg"]
    ex = res.exhibits[0]
    assert ex.caption == "mail me at [email]" and ex.severity == pytest.approx(0.8)
    assert ex.lenses == ["design", "engineering", "business"]
    assert ex.media == {"thumb": "media/photo-yes-thumb.jpg", "image": "media/photo-yes.jpg"}
    assert ex.source == {"file": "photos/yes.jpg", "locator": "file"}
    m = res.moments.iloc[0]
    assert (m["source"], m["ref"], m["speaker"], m["quote"], m["coded_by"]) == (
        "photo", "photos/yes.jpg", "P1", "mail me at [email]", "person")


def test_without_require_consent_every_decodable_photo_is_published(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "photos").mkdir(parents=True)
    for name in ("a.jpg", "b.jpg"):
        Image.new("RGB", (40, 30), "white").save(project / "photos" / name)
    sidecar(project, ["a.jpg,,In store,,,P1,"])
    res, rejects = run(project, tmp_path / "run", require_consent=False)
    assert len(rejects) == 0 and res.photos["stage"].iloc[0] == "in_store" and pd.isna(res.photos["stage"].iloc[1])
    assert res.moments["coded_by"].isna().all() and res.moments["severity"].isna().all()     # nobody rated them


def test_sidecar_path_escaping_the_project_is_never_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "p"
    (project / "photos").mkdir(parents=True)
    Image.new("RGB", (10, 10)).save(tmp_path / "secret.jpg")                 # outside the project
    Image.new("RGB", (10, 10)).save(project / "elsewhere.jpg")              # inside, outside photos/
    Image.new("RGB", (10, 10)).save(project / "photos" / "ok.jpg")
    (project / "photos" / "link.jpg").symlink_to(tmp_path / "secret.jpg")
    sidecar(project, ["../../../etc/passwd,x,,,,P1,yes", "../../secret.jpg,x,,,,P1,yes",
                      "../elsewhere.jpg,x,,,,P1,yes", "/etc/passwd,x,,,,P1,yes",
                      "ok.jpg,x,nowhere,fax,7,P1,maybe", "link.jpg,x,,,,P1,yes"])
    opened: list[str] = []
    real_open = Image.open
    monkeypatch.setattr(kit.evidence.photos.Image, "open", lambda fp, *a, **k: opened.append(str(fp)) or real_open(fp, *a, **k))
    res, rejects = run(project, tmp_path / "run")
    assert not any("secret" in p or "passwd" in p or "elsewhere" in p or "link" in p for p in opened), opened
    reasons = {r.locator: r.reason for r in rejects.items if r.source_file == "photos/photos.csv"}
    assert "leaves the project folder; the file was not opened" in reasons["row 2, column 'file'"]
    assert "leaves the project folder" in reasons["row 3, column 'file'"]
    assert "outside photos/" in reasons["row 4, column 'file'"]
    assert "leaves the project folder" in reasons["row 5, column 'file'"]
    assert "leaves the project folder" in reasons["row 7, column 'file'"]               # the link resolves outside
    bad = reasons["row 6"]
    assert "'nowhere'" in bad and "'fax'" in bad and "'7'" in bad and "'maybe'" in bad
    files = {Path(r.source_file).name: r.reason for r in rejects.items}
    assert "row 6 in photos/photos.csv was rejected" in files["ok.jpg"]     # its row said something else
    assert "outside the photos folder" in files["link.jpg"] and res.photos.empty


def test_decompression_bomb_and_non_images_are_rejected(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "photos").mkdir(parents=True)
    Image.new("1", (12_000, 12_000)).save(project / "photos" / "bomb.png")      # 144 MP in a tiny file
    Image.new("1", (10_000, 9_000)).save(project / "photos" / "big.png")        # 90 MP: over MAX_PIXELS only
    (project / "photos" / "notes.txt").write_text("not a photo")
    (project / "photos" / "fake.jpg").write_text("not a jpeg either")
    sidecar(project, ["bomb.png,,,,,P1,yes", "big.png,,,,,P1,yes", "fake.jpg,,,,,P1,yes"])
    res, rejects = run(project, tmp_path / "run")
    reasons = {Path(r.source_file).name: r.reason for r in rejects.items}
    assert "decompression bomb" in reasons["bomb.png"] and "decompression bomb" in reasons["big.png"]
    assert "not an image type" in reasons["notes.txt"]
    assert reasons["fake.jpg"] == "content is text, not a JPEG image"        # refused before Pillow saw it
    assert res.photos.empty and not list((tmp_path / "run" / "media").iterdir())


def test_names_that_slug_alike_get_distinct_ids(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "photos" / "sub").mkdir(parents=True)
    for name, colour in (("a.jpg", "red"), ("A.png", "blue"), ("sub/a.jpg", "green")):
        Image.new("RGB", (20, 20), colour).save(project / "photos" / name)
    res, _ = run(project, tmp_path / "run", require_consent=False)
    assert res.photos["photo_id"].is_unique and len(res.photos) == 3
    assert len({*res.photos["display"], *res.photos["thumb"]}) == 6


def test_draft_decode_matches_full_decode(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    big = Image.fromarray((rng.random((150, 200, 3)) * 255).astype("uint8")).resize((4000, 3000), Image.BICUBIC)
    exif = Image.Exif()
    exif[0x0112] = 6
    big.save(tmp_path / "big.jpg", quality=90, exif=exif)
    fast = publish_one(str(tmp_path / "big.jpg"), str(tmp_path / "d1.jpg"), str(tmp_path / "t1.jpg"), False)
    slow = publish_one(str(tmp_path / "big.jpg"), str(tmp_path / "d2.jpg"), str(tmp_path / "t2.jpg"), False, draft=False)
    assert (fast["width"], fast["height"]) == (slow["width"], slow["height"]) == (3000, 4000)
    for a, b in (("d1.jpg", "d2.jpg"), ("t1.jpg", "t2.jpg")):
        with Image.open(tmp_path / a) as x, Image.open(tmp_path / b) as y:
            assert x.size == y.size and max(x.size) in (DISPLAY_SIDE, THUMB_SIDE)
            assert np.abs(np.asarray(x, dtype=float) - np.asarray(y, dtype=float)).mean() < 4
    with Image.open(thumbnail_reference(tmp_path / "big.jpg", tmp_path / "ref.jpg")) as ref:
        assert ref.size == (360, 480)


def test_a_cluster_and_in_process_publish_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(engine.SCHEDULER_ENV, raising=False)
    project = tmp_path / "p"
    (project / "photos").mkdir(parents=True)
    for i in range(PHOTOS):
        Image.new("RGB", (400, 300), (i * 15, 0, 0)).save(project / "photos" / f"{i:02}.jpg")
    (project / "photos" / "zz.jpg").write_bytes(b"\xff\xd8broken")            # one bad file cannot stop the cluster
    one, rej1 = run(project, tmp_path / "run1", workers=1, require_consent=False)
    with engine.for_run(None, PHOTOS, workers=2) as cluster:                 # as `cxkit run --workers 2` does
        assert cluster is not None and cluster.workers == 2
        two, rej2 = run(project, tmp_path / "run2", require_consent=False)
    assert len(one.photos) == PHOTOS and set(one.photos["width"]) == {400}
    assert one.photos.equals(two.photos) and [r.reason for r in rej1.items] == [r.reason for r in rej2.items]


def test_an_explicit_no_is_honoured_even_without_require_consent(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "photos").mkdir(parents=True)
    for name in ("no.jpg", "blank.jpg"):
        Image.new("RGB", (32, 24), "red").save(project / "photos" / name)
    sidecar(project, ["no.jpg,,,,,P1,no", "blank.jpg,,,,,P2,"])
    res, rejects = run(project, tmp_path / "run", require_consent=False)
    assert [Path(f).name for f in res.photos["file"]] == ["blank.jpg"]
    assert "said no" in {Path(r.source_file).name: r.reason for r in rejects.items}["no.jpg"]


def test_heic_is_read_upright_and_published_clean(tmp_path: Path) -> None:
    """An iPhone-style HEIC, stored with orientation 6 (camera held upright, sensor sideways)."""
    from pillow_heif import register_heif_opener
    register_heif_opener()
    project = tmp_path / "p"
    (project / "photos").mkdir(parents=True)
    taken = Image.new("RGB", (160, 120), (200, 30, 30))                 # red left half, blue right half
    taken.paste((30, 30, 200), (80, 0, 160, 120))
    exif = Image.Exif()
    exif[0x0112], exif[0x010F] = 6, "Apple"
    gps = exif.get_ifd(0x8825)
    gps[0x0001], gps[0x0002] = "N", (35.0, 41.0, 21.0)
    taken.save(project / "photos" / "IMG_0001.HEIC", exif=exif.tobytes(), quality=95)
    res, rejects = run(project, tmp_path / "run", require_consent=False)
    assert len(rejects) == 0 and res.photos["make"].tolist() == ["Apple"]
    rec = res.photos.iloc[0]
    assert (rec["width"], rec["height"]) == (120, 160)                   # orientation 6: turned a quarter
    assert_clean(tmp_path / "run" / rec["display"])
    with Image.open(tmp_path / "run" / rec["display"]) as img:
        px = np.asarray(img, dtype=float)
    # Orientation 6 shows the picture turned 90 degrees clockwise: the left (red) half ends on top.
    assert px.shape == (160, 120, 3)
    assert px[:70, :, 0].mean() > 150 > px[:70, :, 2].mean() and px[90:, :, 2].mean() > 150 > px[90:, :, 0].mean()


def test_strongest_photos_and_exhibit_table(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "photos").mkdir(parents=True)
    valences = {"a": -0.9, "b": -0.2, "c": 0.8, "d": "", "e": 0.3, "f": -0.9}
    for name in valences:
        Image.new("RGB", (20, 20), "grey").save(project / "photos" / f"{name}.jpg")
    sidecar(project, [f"{n}.jpg,caption <{n}>,purchase,app,{v},P1,yes" for n, v in valences.items()])
    res, _ = run(project, tmp_path / "run")
    negative, positive = kit.views.photos.strongest(res.photos, n=2)
    assert negative["photo_id"].tolist() == ["photo-a", "photo-f"]        # -0.9 twice: by id
    assert positive["photo_id"].tolist() == ["photo-c", "photo-e"]        # unrated d is neither
    html = kit.views.photos.strongest_html(res.photos, res.exhibits, tmp_path / "run", n=2)
    assert "Most negative (2)" in html and "caption &lt;a&gt;" in html and "caption <a>" not in html
    table = kit.views.photos.exhibit_table(res.exhibits)
    assert table.columns.tolist() == ["id", "caption", "stage", "channel", "valence", "source", "faces blurred"]
    assert table.set_index("id").loc["photo-c", ["caption", "stage", "channel", "valence", "source"]].tolist() == [
        "caption <c>", "purchase", "app", 0.8, "photos/c.jpg"]
    assert pd.isna(table.set_index("id").loc["photo-d", "valence"])
