"""The overview's parts as HTML: tiles judged against targets, worst-experience cards in words, the journey list."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from kit.views import html as pages
from kit.views import worst

HEAD = {"nps": {"n": 1480, "value": 14.3, "lo": 10.2, "hi": 18.4},
        "csat": {"n": 1450, "value": 4.25, "lo": 4.15, "hi": 4.35, "top2box": 70},
        "ces": {"n": 1434, "value": 5.9, "lo": 5.8, "hi": 6.0}}
TARGETS = {"nps": 30, "csat": 4.2, "ces": 5.5}
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"</?bdi[^>]*>|[\u2066-\u2069]", "", html)).split())


def test_each_tile_is_judged_against_its_target_with_a_mark_and_words() -> None:
    html = pages.tiles_html({"headline": HEAD, "targets": TARGETS})
    words = text(html)
    assert "✗ below target (30)" in words        # 10-18 lies under 30
    assert "≈ on target (4.2)" in words           # 4.15-4.35 holds 4.2
    assert "✓ above target (5.5)" in words        # 5.8-6.0 lies over 5.5
    assert 'class="cx-tile below"' in html and 'class="cx-tile above"' in html


def test_tiles_without_targets_judge_nothing_and_persian_words_them() -> None:
    assert "target" not in text(pages.tiles_html({"headline": HEAD}))
    fa = text(pages.tiles_html({"headline": HEAD, "targets": TARGETS}, "fa"))
    assert "✗ زیر هدف (۳۰)" in fa and "✓ بالاتر از هدف (۵٫۵)" in fa


def records(tmp: Path) -> list[dict[str, Any]]:
    (tmp / "media").mkdir(exist_ok=True)
    (tmp / "charts").mkdir(exist_ok=True)
    for name in ("media/p1-thumb.jpg", "media/c1.jpg", "charts/chart-paper-waterfall.png"):
        (tmp / name).write_bytes(JPEG)
    return [{"id": "photo-p1", "kind": "photo", "media": {"thumb": "media/p1-thumb.jpg"}, "quote": "", "caption": "a"},
            {"id": "rec-s01-0019", "kind": "clip", "media": {"thumb": "media/c1.jpg", "clip": "media/c1.mp4"}, "quote": "x"},
            {"id": "survey-R_abc-disliked_most", "kind": "quote", "media": {}, "quote": "Thirty reminders a day!",
             "lang": "en"},
            {"id": "chart-paper-waterfall", "kind": "chart", "media": {"thumb": "charts/chart-paper-waterfall.png"},
             "caption": "470 customers were sent more than 14 messages a week.", "quote": ""}]


NEGATIVES = [
    {"rank": 1, "title": "Buried in messages", "stage": None, "channel": None, "severity": 0.889, "reach": 470,
     "exhibits": ["chart-paper-waterfall", "metric-contact-overload"], "thumb": "charts/chart-paper-waterfall.png"},
    {"rank": 2, "title": "Coaching in the app", "stage": "coaching", "channel": "app", "severity": 0.51, "reach": 50,
     "exhibits": ["photo-p1", "rec-s01-0019"], "thumb": "media/p1-thumb.jpg"},
    {"rank": 3, "title": "Onboarding in the store", "stage": "onboarding", "channel": "in_store", "severity": 0.3,
     "reach": 1, "exhibits": ["rec-s01-0019"], "thumb": None},
    {"rank": 4, "title": "Onboarding in the app", "stage": "onboarding", "channel": "app", "severity": 0.6, "reach": 40,
     "exhibits": ["survey-R_abc-disliked_most"], "thumb": None},
    {"rank": 5, "title": "Thin", "stage": "support", "channel": "app", "severity": 0.9, "reach": 2, "exhibits": [],
     "too_few": True}]


def test_cards_show_media_or_words_never_a_chart_thumbnail(tmp_path: Path) -> None:
    cards = [worst.worst_card(n, records(tmp_path), tmp_path, "en") for n in NEGATIVES[:4]]
    overload, photo, clip, said = cards
    assert overload["media"] is None and not overload["quoted"]          # the finding, not the chart shrunk
    assert overload["words"] == "89% of them left, complained or gave a score of 0 to 6"
    assert photo["media"]["kind"] == "photo" and photo["media"]["src"].startswith("data:image/jpeg")
    assert clip["media"]["kind"] == "clip"                     # found among its exhibits when the entry has no thumb
    assert said["media"] is None and said["words"] == "Thirty reminders a day!" and said["quoted"]


def test_cards_say_reach_severity_and_place_in_words(tmp_path: Path) -> None:
    html = worst.worst_html(NEGATIVES, records(tmp_path), tmp_path, "en")
    words = text(html)
    assert "50 customers · severe" in words and "470 customers · very severe" in words
    assert "1 customer · moderate" in words and "onboarding, in store" in words and "coaching, in the app" in words
    assert "Thin" not in words                                   # too little evidence: not among the worst
    for leak in ("0.51", "0.889", "photo-p1", "survey-R_", "rec-s0", ".jpg", ".png", "in_store"):
        assert leak not in words
    assert html.count('class="cx-wcard"') == 4


def test_persian_cards(tmp_path: Path) -> None:
    words = text(worst.worst_html(NEGATIVES, records(tmp_path), tmp_path, "fa"))
    assert "۵۰ مشتری، شدید" in words and "مربی‌گری، در اپلیکیشن" in words
    assert "۸۹٪ از آنان رفتند" in words


def test_journey_list_judges_each_stage_against_its_design() -> None:
    summary = {"ideal": {"purchase": {"nps": 50}, "support": {"nps": 30}},
               "by_stage": [{"stage": "awareness", "nps": 23.3, "nps_lo": 4, "nps_hi": 42},
                            {"stage": "purchase", "nps": 25, "nps_lo": 15, "nps_hi": 35},
                            {"stage": "support", "nps": 20, "nps_lo": 5, "nps_hi": 35},
                            {"stage": "renewal", "nps": 44, "too_few": True}]}
    rows = worst.stage_rows(summary, "en")
    assert [(r["stage"], r["text"], r["judged"]) for r in rows] == [
        ("awareness", "actual 23", ""), ("purchase", "actual 25, designed 50", "below design"),
        ("support", "actual 20, designed 30", "as designed"), ("renewal", "actual 44", "too few answers to judge")]
    assert "class=\"below\"" in worst.journey_list_html(summary, "en")


def test_sample_run_cards_leak_no_ids(tmp_path: Path) -> None:
    negatives = json.loads(json.dumps(NEGATIVES))
    negatives[1]["title"] = "<b>bold</b>"
    html = worst.worst_html(negatives, records(tmp_path), tmp_path, "en")
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
