"""Photos of customers' real situations, drawn with Pillow and saved like phone and camera JPEGs.

Each picture is drawn upright, then stored the way a camera held sideways stores it: the pixels
rotated and the EXIF Orientation tag (1, 3, 6 or 8) saying how to turn them back. Make and Model
are padded the way some cameras pad them, about a third carry a GPS block, and one upload is cut
short so readers meet a corrupt file. The sidecar ``photos.csv`` captions them in English or
Persian, with a couple of participants who did not consent and one photo left out of it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter
from PIL.TiffImagePlugin import IFDRational

from kit.synth.media import font

W, H = 1024, 768
Rng = np.random.Generator
Painter = Callable[[ImageDraw.ImageDraw, Rng], None]

CAMERAS = [("Apple", "iPhone 13"), ("samsung", "SM-A536B"), ("OLYMPUS IMAGING CORP.  ", "E-M10MarkIII     "),
           ("Xiaomi", "Redmi Note 11"), ("NIKON CORPORATION", "NIKON D3500"), ("Canon", "Canon EOS 250D  ")]
# How to store the upright picture so that applying the Orientation tag shows it upright again.
STORE = {1: None, 3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}
ORIENTATIONS = [1, 6, 1, 3, 8, 1, 6, 8]


def _paper(d: ImageDraw.ImageDraw, rng: Rng, box: tuple[int, int, int, int], title: str) -> None:
    """A printed instruction sheet: a heading and grey lines of text."""
    x0, y0, x1, y1 = box
    d.rectangle(box, fill=(246, 244, 236), outline=(190, 188, 180))
    d.text((x0 + 12, y0 + 10), title, fill=(40, 90, 60), font=font(18))
    for y in range(y0 + 40, y1 - 12, 14):
        d.line((x0 + 12, y, x0 + 12 + int(rng.integers(60, max(61, x1 - x0 - 24))), y), fill=(150, 150, 150), width=3)


def kitchen_table(d: ImageDraw.ImageDraw, rng: Rng) -> None:
    """A kitchen table buried under printed meal plans and guides."""
    d.rectangle((0, 0, W, 300), fill=(214, 200, 180))
    d.rectangle((0, 300, W, H), fill=(150, 105, 70))
    titles = ["Meal plan - week 2", "Snack guide", "Fasting days", "Shopping list", "Week 3 (updated)",
              "Hydration tips", "Start here!", "Portion guide"]
    for i in range(int(rng.integers(14, 22))):
        x, y = int(rng.integers(-60, W - 200)), int(rng.integers(260, H - 120))
        _paper(d, rng, (x, y, x + 260, y + 330), titles[i % len(titles)])
    d.ellipse((820, 330, 940, 450), fill=(245, 245, 245), outline=(120, 120, 120), width=4)


def phone_notifications(d: ImageDraw.ImageDraw, rng: Rng) -> None:
    """A phone held over a desk with dozens of unread notifications."""
    d.rectangle((0, 0, W, H), fill=(95, 100, 110))
    d.rounded_rectangle((352, 40, 672, 740), radius=40, fill=(12, 12, 14), outline=(60, 60, 64), width=8)
    unread = int(rng.integers(36, 48))
    labels = ["NourishPath: Your meal plan is ready", "NourishPath: Drink a glass of water",
              "NourishPath: Did you log breakfast?", "NourishPath: New guide available",
              "NourishPath: Reminder: weigh in", "NourishPath: Tip of the day"]
    for row in range(11):
        y = 110 + row * 56
        d.rounded_rectangle((372, y, 652, y + 48), radius=10, fill=(40, 44, 52))
        d.text((384, y + 14), labels[(row + unread) % len(labels)], fill=(230, 230, 235), font=font(14))
    d.ellipse((610, 20, 690, 100), fill=(225, 60, 50))
    d.text((650, 60), str(unread), fill=(255, 255, 255), font=font(34), anchor="mm")


def fridge(d: ImageDraw.ImageDraw, rng: Rng) -> None:
    """A fridge door covered in meal-plan sheets held by magnets."""
    d.rectangle((0, 0, W, H), fill=(200, 196, 188))
    d.rounded_rectangle((262, 20, 762, 760), radius=18, fill=(236, 238, 240), outline=(170, 172, 176), width=6)
    for i in range(int(rng.integers(8, 12))):
        x, y = int(rng.integers(270, 560)), int(rng.integers(30, 520))
        _paper(d, rng, (x, y, x + 190, y + 240), ["Week 1", "Week 2", "Week 2 v2", "Snacks", "Rules"][i % 5])
        d.ellipse((x + 85, y - 8, x + 105, y + 12), fill=[(220, 60, 60), (60, 120, 220), (240, 190, 40)][i % 3])


def laptop(d: ImageDraw.ImageDraw, rng: Rng) -> None:
    """A person-like silhouette at a laptop with an inbox full of NourishPath e-mails."""
    d.rectangle((0, 0, W, H), fill=(178, 190, 200))
    d.rectangle((0, 560, W, H), fill=(120, 90, 60))
    d.ellipse((120, 140, 300, 330), fill=(70, 60, 55))
    d.rounded_rectangle((80, 320, 340, 620), radius=60, fill=(60, 70, 90))
    d.polygon([(420, 560), (900, 560), (950, 600), (380, 600)], fill=(50, 50, 55))
    d.rectangle((440, 250, 880, 555), fill=(30, 30, 34))
    d.rectangle((452, 262, 868, 543), fill=(250, 250, 252))
    for row in range(9):
        y = 272 + row * 30
        d.text((462, y), f"NourishPath   {['Your plan', 'Reminder', 'Newsletter', 'Guide'][row % 4]}",
               fill=(30, 30, 30) if row % 3 else (20, 60, 150), font=font(14))


def payment_error(d: ImageDraw.ImageDraw, rng: Rng) -> None:
    """A phone screen showing the app's payment error."""
    d.rectangle((0, 0, W, H), fill=(60, 64, 70))
    d.rounded_rectangle((352, 40, 672, 740), radius=40, fill=(248, 248, 250), outline=(20, 20, 20), width=10)
    d.text((380, 120), "Renew premium", fill=(20, 20, 20), font=font(24))
    d.text((380, 160), "99,00 EUR / 3 months", fill=(80, 80, 80), font=font(16))
    d.rounded_rectangle((372, 300, 652, 430), radius=12, fill=(253, 230, 228), outline=(220, 60, 50), width=3)
    d.text((390, 330), "Something went wrong", fill=(200, 40, 30), font=font(20))
    d.text((390, 370), f"Error PAY-{int(rng.integers(500, 504))}", fill=(120, 40, 40), font=font(16))


def happy_meal(d: ImageDraw.ImageDraw, rng: Rng) -> None:
    """A home-cooked meal from the recipes, on a plate."""
    d.rectangle((0, 0, W, H), fill=(120, 86, 60))
    d.ellipse((262, 134, 762, 634), fill=(245, 245, 240), outline=(210, 210, 205), width=6)
    for _ in range(int(rng.integers(10, 16))):
        x, y, r = int(rng.integers(360, 640)), int(rng.integers(230, 520)), int(rng.integers(20, 60))
        colour = [(70, 150, 60), (210, 120, 40), (230, 200, 90), (160, 40, 40)][int(rng.integers(4))]
        d.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    d.rectangle((820, 200, 860, 600), fill=(200, 200, 205))


SCENES: list[tuple[str, Painter, str, str, float, str, str]] = [
    # name, painter, stage, channel, valence, English caption, Persian caption (see also CAPTIONS_2)
    ("kitchen", kitchen_table, "onboarding", "email", -0.8,
     "My kitchen table after two weeks of printed plans", "میز آشپزخونه‌ام بعد از دو هفته برنامه‌ی چاپی"),
    ("phone", phone_notifications, "coaching", "app", -0.9,
     "Unread notifications before lunch", "نوتیفیکیشن‌های خوانده‌نشده تا قبل از ناهار"),
    ("fridge", fridge, "coaching", "email", -0.6,
     "Which week is this? The fridge door", "کدوم هفته‌ست؟ در یخچال ما"),
    ("laptop", laptop, "coaching", "email", -0.5,
     "Inbox on a Monday morning", "صندوق ایمیل صبح دوشنبه"),
    ("payment", payment_error, "renewal", "app", -0.9,
     "Trying to renew, third attempt", "تلاش سوم برای تمدید اشتراک"),
    ("meal", happy_meal, "coaching", "app", 0.8,
     "Dinner from the lentil recipe, family approved", "شام با دستور عدس، خانواده پسندید"),
]


# A second pair of captions per scene, so repeated scenes are not captioned identically.
CAPTIONS_2 = {
    "kitchen": ("Where is this week's plan? Somewhere in here", "برنامه‌ی این هفته کجاست؟ یه جایی همین‌جا"),
    "phone": ("Phone on the desk at 11am, all NourishPath", "گوشی ساعت ۱۱ صبح، همه از نوریش‌پث"),
    "fridge": ("Three versions of week two on the fridge", "سه نسخه از هفته‌ی دوم روی یخچال"),
    "laptop": ("Working from home, inbox full of reminders", "دورکاری، صندوق ایمیل پر از یادآوری"),
    "payment": ("The error I got when paying for premium", "خطایی که موقع پرداخت اشتراک ویژه گرفتم"),
    "meal": ("Sunday recipe, the kids loved it", "دستور پخت یکشنبه، بچه‌ها عاشقش شدن"),
}


def upright(scene: int, rng: Rng) -> Image.Image:
    """Draw a scene and give it a photographic look: soft focus, uneven light and sensor noise."""
    img = Image.new("RGB", (W, H))
    SCENES[scene][1](ImageDraw.Draw(img), rng)
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    pixels = np.asarray(img).astype(np.float32)
    vignette = 1.0 - 0.25 * (((np.arange(W) - W / 2) / W) ** 2 + ((np.arange(H)[:, None] - H / 2) / H) ** 2)
    pixels = pixels * vignette[..., None] * float(rng.uniform(0.85, 1.1)) + rng.normal(0, 3, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _rational(value: float) -> IFDRational:
    return IFDRational(round(value * 100), 100)


def taken_on(i: int) -> tuple[int, int]:
    """(month, day) photo ``i`` was taken, shared by its file name and its EXIF."""
    return 7 + i % 3, 1 + (i * 11) % 28


def exif_for(i: int, orientation: int, rng: Rng) -> Image.Exif:
    """Fixed, seed-derived EXIF: camera, time taken, orientation and (for a third) GPS."""
    exif = Image.Exif()
    make, model = CAMERAS[i % len(CAMERAS)]
    month, day = taken_on(i)
    taken = f"2026:{month:02d}:{day:02d} {int(rng.integers(7, 22)):02d}:" \
            f"{int(rng.integers(60)):02d}:{int(rng.integers(60)):02d}"
    exif[0x010F], exif[0x0110], exif[0x0112], exif[0x0132] = make, model, orientation, taken
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = sub[0x9004] = taken
    if i % 3 == 1:
        lat, lon = 35.6892 + float(rng.normal(0, 0.05)), 51.3890 + float(rng.normal(0, 0.05))
        gps = exif.get_ifd(0x8825)
        gps[0x0000] = b"\x02\x03\x00\x00"
        gps[0x0001], gps[0x0003] = "N", "E"
        gps[0x0002] = tuple(_rational(v) for v in _dms(lat))
        gps[0x0004] = tuple(_rational(v) for v in _dms(lon))
    return exif


def _dms(deg: float) -> tuple[float, float, float]:
    d = int(deg)
    m = int((deg - d) * 60)
    return float(d), float(m), round(((deg - d) * 60 - m) * 60, 2)


def photo_name(i: int) -> str:
    """File names as phones, cameras and chat apps write them (the camera one uses .JPG)."""
    month, day = taken_on(i)
    styles = [f"IMG_2026{month:02d}{day:02d}_{183205 + i * 97}.jpg",
              f"PXL_2026{month:02d}{day:02d}_{71544123 + i * 1013}.jpg",
              f"DSC_{412 + i:04d}.JPG",
              f"photo_2026-{month:02d}-{day:02d}_19-02-{i % 60:02d}.jpg"]
    return styles[i % len(styles)]


def write_photos(folder: Path, count: int, rng: Rng) -> int:
    """Write ``count`` JPEGs (the last one truncated) and the sidecar; returns files written."""
    folder.mkdir(parents=True, exist_ok=True)
    rows: list[list[str]] = []
    for i in range(count):
        if i == count - 1 and count >= 2:
            data = _jpeg(upright(i % len(SCENES), rng), exif_for(i, 1, rng))
            (folder / "upload_truncated.jpg").write_bytes(data[: len(data) * 2 // 5])
            rows.append(_sidecar_row("upload_truncated.jpg", i, rng))
            continue
        orientation = ORIENTATIONS[i % len(ORIENTATIONS)]
        img = upright(i % len(SCENES), rng)
        if STORE[orientation] is not None:
            img = img.transpose(STORE[orientation])
        name = photo_name(i)
        (folder / name).write_bytes(_jpeg(img, exif_for(i, orientation, rng)))
        if not (i == count - 2 and count >= 3):  # one photo arrives without a sidecar row
            rows.append(_sidecar_row(name, i, rng))
    with open(folder / "photos.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["file", "caption", "stage", "channel", "valence", "participant", "consent"])
        writer.writerows(rows)
    return count


def _jpeg(img: Image.Image, exif: Image.Exif) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80, exif=exif.tobytes())
    return buf.getvalue()


def _sidecar_row(name: str, i: int, rng: Rng) -> list[str]:
    scene, _, stage, channel, valence, en, fa = SCENES[i % len(SCENES)]
    if (i // len(SCENES)) % 2:
        en, fa = CAPTIONS_2[scene]
    caption = fa if i % 3 == 2 else en
    consent = "no" if i in (4, 9) else "yes"
    return [name, caption, stage, channel, f"{valence:.1f}", f"P{1 + i % 12:02d}", consent]


def camera_jpeg(i: int, rng: Rng, size: tuple[int, int] = (4000, 3000), quality: int = 90) -> bytes:
    """A full-size camera JPEG (12 MP by default) of scene ``i``, grainy enough to weigh what a real one does.

    Drawn scenes are flat; a camera file owes most of its bytes to sensor grain and fine texture,
    so noise is added at full size (a 12 MP photo comes out at about 3-5 MB, like a phone's).
    """
    img = upright(i % len(SCENES), rng).resize(size, Image.Resampling.BICUBIC)
    grain = rng.normal(0, 5, (size[1], size[0], 1)).astype(np.float32)
    pixels = np.clip(np.asarray(img, dtype=np.float32) + grain, 0, 255).astype(np.uint8)
    orientation = ORIENTATIONS[i % len(ORIENTATIONS)]
    out = Image.fromarray(pixels)
    if STORE[orientation] is not None:
        out = out.transpose(STORE[orientation])
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=quality, exif=exif_for(i, orientation, rng).tobytes())
    return buf.getvalue()
