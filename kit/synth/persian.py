"""A Persian copy of a project folder, written the way Iranian teams' files arrive.

The copy keeps every answer, recording and photo and changes what a Persian team changes:
project.yaml typed on a Persian keyboard (Persian yeh and kaf, ZWNJ, ``ui_language: fa``,
``timezone: Asia/Tehran``); stages, channels and segments named in Persian; the survey export
saved by Excel as Windows-1256, which writes Arabic yeh and kaf (ي ك) in its headers and cells and
has no Persian digits; date-times in the Jalali calendar and Tehran's wall-clock time (Latin digits
with ق.ظ / ب.ظ in the survey, Persian digits in the contact log, ``-`` between parts in social
posts). It is what ``make demo-fa`` serves and what the Persian end-to-end tests run.
"""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import jdatetime
import pandas as pd
import yaml

from kit.core.errors import ProjectError

TZ = "Asia/Tehran"
STAGES = {"awareness": "آگاهی", "consideration": "بررسی", "purchase": "خرید", "onboarding": "شروع کار",
          "coaching": "مربی‌گری", "support": "پشتیبانی", "renewal": "تمدید"}
CHANNELS = {"email": "ایمیل", "phone": "تلفن", "in_store": "حضوری", "website": "وب‌سایت", "app": "اپلیکیشن",
            "social": "شبکه‌های اجتماعی"}
SEGMENTS = {"new": "تازه", "returning": "قدیمی", "premium": "ویژه", "corporate": "سازمانی"}
CONSENT = {"yes": "بله", "no": "خیر"}
HEADERS = {"ResponseId": "شناسه پاسخ", "ExternalReference": "کد مشتری", "StartDate": "زمان شروع",
           "EndDate": "تاریخ", "Duration (in seconds)": "مدت (ثانیه)", "UserLanguage": "زبان",
           "Q1_NPS": "امتیاز توصیه", "Q2_CSAT": "رضایت", "Q3_CES": "سهولت", "Stage": "مرحله",
           "Channel": "کانال", "Segment": "گروه مشتری", "Consent": "رضایت‌نامه",
           "Q4_LikedMost": "بیشتر از همه چه چیزی را دوست داشتید", "Q5_Unhappy": "از چه چیزی ناراضی بودید"}
# What Excel's "CSV (Windows-1256)" does to Persian text: the code page has Arabic yeh and kaf and no Persian digits.
WINDOWS_1256 = str.maketrans({"ی": "ي", "ک": "ك", **{chr(0x06F0 + d): str(d) for d in range(10)}})
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def jalali(stamps: pd.Series, pattern: str, *, ampm: bool = False, digits: str = "latin") -> pd.Series:
    """UTC stamps as Tehran wall-clock Jalali text (``1405/05/31 02:44 ب.ظ``), the way Iranian tools export them."""
    local = pd.to_datetime(stamps, utc=True).dt.tz_convert(TZ).dt.tz_localize(None)

    def one(ts: pd.Timestamp) -> str:
        if pd.isna(ts):
            return ""
        day = jdatetime.datetime.fromgregorian(datetime=ts.to_pydatetime())
        if not ampm:
            text = day.strftime(pattern)
        else:
            hour = ts.hour % 12 or 12
            text = f"{day.strftime(pattern)} {hour:02d}:{ts.minute:02d} {'ق.ظ' if ts.hour < 12 else 'ب.ظ'}"
        return text.translate(PERSIAN_DIGITS) if digits == "persian" else text

    return local.map(one)


def _names(series: pd.Series, names: dict[str, str]) -> pd.Series:
    return series.map(lambda v: names.get(v, v) if isinstance(v, str) else v)


def _survey(src: Path, out: Path) -> None:
    frame = pd.read_csv(src, dtype=str, keep_default_na=False)
    frame["StartDate"] = jalali(frame["StartDate"], "%Y/%m/%d", ampm=True)
    frame["EndDate"] = jalali(frame["EndDate"], "%Y/%m/%d", ampm=True)
    for column, names in (("Stage", STAGES), ("Channel", CHANNELS), ("Segment", SEGMENTS), ("Consent", CONSENT)):
        frame[column] = _names(frame[column], names)
    frame = frame.rename(columns=HEADERS)
    text = frame.to_csv(index=False, lineterminator="\r\n").translate(WINDOWS_1256)
    out.write_bytes(text.encode("cp1256", errors="replace"))   # as Excel does: "?" for an emoji


def _contacts(src: Path, out: Path) -> None:
    frame = pd.read_csv(src, dtype=str, keep_default_na=False)
    frame["at"] = jalali(frame["at"], "%Y/%m/%d %H:%M:%S", digits="persian")
    frame["channel"] = _names(frame["channel"], CHANNELS)
    frame.to_csv(out, index=False)


def _social(src: Path, out: Path) -> None:
    frame = pd.read_csv(src, dtype=str, keep_default_na=False)
    frame["at"] = jalali(frame["at"], "%Y-%m-%d %H:%M")
    frame.to_csv(out, index=False)


def _coded(src: Path, out: Path) -> None:
    """A sidecar or marker file with its stage, channel and consent answers in Persian.

    Read with the csv module row by row, so a malformed row (the sample keeps some on purpose) is copied as it is.
    """
    with src.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    names = {header.index(c): n for c, n in (("stage", STAGES), ("channel", CHANNELS), ("consent", CONSENT))
             if c in header}
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for row in rows[1:]:
            writer.writerow([names[i].get(v, v) if i in names else v for i, v in enumerate(row)])


def _project(config: dict) -> dict:
    config = dict(config)
    config.update(name="ناریش‌پث، مربی‌گری تغذیه — بررسی تجربه‌ی مشتری در تابستان", ui_language="fa",
                  timezone=TZ)
    journey = dict(config["journey"])
    journey["stages"] = [STAGES.get(s, s) for s in journey["stages"]]
    journey["ideal"] = {STAGES.get(s, s): v for s, v in journey.get("ideal", {}).items()}
    config["journey"] = journey
    config["channels"] = [CHANNELS.get(c, c) for c in config["channels"]]
    config["surveys"] = [{**survey, "columns": {k: HEADERS.get(v, v) for k, v in survey["columns"].items()},
                          "text": {k: HEADERS.get(v, v) for k, v in survey.get("text", {}).items()}}
                         for survey in config["surveys"]]
    return config


def persian_copy(src: Path, out: Path) -> Path:
    """Write a Persian copy of the project at ``src`` into the new folder ``out``; returns ``out``.

    Raises ProjectError if ``out`` already holds files (nothing is written over).
    """
    if out.exists() and any(out.iterdir()):
        raise ProjectError(f"{out} is not empty; choose an empty or new folder for the Persian copy")
    shutil.copytree(src, out, dirs_exist_ok=True)
    config = yaml.safe_load((src / "project.yaml").read_text(encoding="utf-8"))
    for survey in config["surveys"]:
        _survey(src / survey["path"], out / survey["path"])
    _contacts(src / config["contacts"], out / config["contacts"])
    if config.get("social"):
        _social(src / config["social"], out / config["social"])
    for recording in config.get("recordings", []):
        if recording.get("markers"):
            _coded(src / recording["markers"], out / recording["markers"])
    sidecar = src / config["photos"]["folder"] / "photos.csv"
    if sidecar.exists():
        _coded(sidecar, out / config["photos"]["folder"] / "photos.csv")
    head = "# project.yaml of the Persian copy of the sample (written by kit.synth.persian).\n"
    body = yaml.safe_dump(_project(config), allow_unicode=True, sort_keys=False, width=120)
    (out / "project.yaml").write_text(head + body, encoding="utf-8")
    return out


if __name__ == "__main__":                        # python -m kit.synth.persian SRC OUT
    print(persian_copy(Path(sys.argv[1]), Path(sys.argv[2])))
