"""The report's and the cards' content, built from hand-made data (no browser, no pipeline run)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from kit.core.exhibits import PAIN_ID, WALL_ID, short_ids
from kit.exports import cards
from kit.views import report, report_summary

HOSTILE = '<img src=x onerror="window.__xss=1">'
PNG_1x1 = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8ffff3f"
                        "0005fe02fea7d6a4f00000000049454e44ae426082")


def rec(id_: str, *, severity: float | None = None, valence: float | None = None, **kw: object) -> dict:
    base = {"id": id_, "kind": "quote", "title": f"title {id_}", "quote": f"quote {id_}", "caption": "",
            "stage": "purchase", "channel": "app", "segment": None, "valence": valence, "severity": severity,
            "media": {}, "source": {"file": "surveys/q3.csv", "locator": "row 7"}, "lang": "en", "schema": 1}
    return {**base, **kw}


@pytest.mark.parametrize(("valence", "words", "mark"), [
    (-1.0, "very negative", "▼▼"), (-0.6, "very negative", "▼▼"), (-0.59, "negative", "▼"), (-0.2, "negative", "▼"),
    (-0.19, "neutral", "◆"), (0.0, "neutral", "◆"), (0.19, "neutral", "◆"), (0.2, "positive", "▲"),
    (0.59, "positive", "▲"), (0.6, "very positive", "▲▲"), (1.0, "very positive", "▲▲"), (None, "not rated", "○")])
def test_feeling_words_and_marks_follow_the_gallery_bands(valence: float | None, words: str, mark: str) -> None:
    assert cards.feeling(valence) == (words, mark)


def test_cards_are_ordered_most_severe_first_then_most_negative() -> None:
    records = [rec("a", severity=0.2, valence=-0.9), rec("b", severity=0.9, valence=-0.1), rec("c"),
               rec("d", severity=0.9, valence=-0.8), rec("e", severity=0.0, valence=0.5)]
    assert [r["id"] for r in cards.order(records)] == ["d", "b", "a", "e", "c"]


def test_cards_page_holds_two_cards_per_sheet_with_one_cut_line_each(tmp_path: Path) -> None:
    records = [rec(f"x{i}", severity=i / 10) for i in range(5)]
    page = cards.cards_html(tmp_path, records)
    assert page.count('class="sheet"') == math.ceil(5 / 2)
    assert page.count('class="cut"') == 5 // 2
    ids = short_ids([r["id"] for r in records])
    # the most severe card (x4) comes first, with its short id printed large
    first = page.index('data-id="x4"')
    assert first < page.index('data-id="x3"') < page.index('data-id="x0"')
    assert f'<div class="sid">{ids["x4"]}</div>' in page
    assert "@page { size: A4 portrait" in page


def test_cards_escape_untrusted_text_and_set_persian_right_to_left(tmp_path: Path) -> None:
    records = [rec("h", title=HOSTILE, quote=HOSTILE, source={"file": HOSTILE, "locator": HOSTILE}),
               rec("f", title="پرداخت سه بار شکست خورد", quote="هیچکس جواب نداد", lang="fa")]
    page = cards.cards_html(tmp_path, records)
    assert "<img src=x" not in page
    assert page.count("&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;") >= 4   # quote, title, file, locator
    fa = page[page.index('data-id="f"'):]
    assert '<h2 dir="rtl" lang="fa" class="fa">پرداخت سه بار شکست خورد</h2>' in fa
    assert "«هیچکس جواب نداد»" in fa
    if (cards.FONTS_DIR / cards.FONT_FILES[400]).is_file():
        assert 'font-family:"Vazirmatn"' in page


def test_cards_embed_images_from_the_run_only(tmp_path: Path) -> None:
    run = tmp_path / "run"
    (run / "media").mkdir(parents=True)
    (run / "media" / "p.png").write_bytes(PNG_1x1)
    (tmp_path / "outside.png").write_bytes(PNG_1x1)
    inside = cards.card_html(run, rec("p", kind="photo", media={"thumb": "media/p.png"}), "AAAA")
    outside = cards.card_html(run, rec("o", kind="photo", quote="", media={"thumb": "../outside.png"}), "BBBB")
    assert 'src="data:image/png;base64,' in inside
    assert "data:image" not in outside and "title o" in outside          # falls back to its words


def test_empty_run_still_prints_one_sheet(tmp_path: Path) -> None:
    page = cards.cards_html(tmp_path, [])
    assert page.count('class="sheet"') == 1 and "no exhibits" in page


def _data(tmp_path: Path, **kw: object) -> report.ReportData:
    base = dict(name="Test", headline={"nps": {"n": 0}}, by_stage=pd.DataFrame(), trend=pd.DataFrame(),
                bands=pd.DataFrame(), exhibits=[], counts={}, rejects=0, run_dir=tmp_path, ideal={})
    return report.ReportData(**{**base, **kw})


def test_stage_table_judges_the_gap_by_the_whole_interval(tmp_path: Path) -> None:
    by_stage = pd.DataFrame({
        "stage": ["purchase", "onboarding", "support", "renewal", "coaching"],
        "responses": [195, 340, 198, 10, 80], "nps": [24.6, -1.8, 19.8, 50.0, 60.0],
        "nps_lo": [13.8, -10.5, 8.7, 10.0, 52.0], "nps_hi": [35.4, 7.0, 30.9, 80.0, 68.0],
        "too_few": [False, False, False, True, False]})
    ideal = {"purchase": {"nps": 50}, "onboarding": {"nps": 40}, "support": {"nps": 30}, "renewal": {"nps": 40},
             "coaching": {"nps": 45}}
    html = report.stage_table_html(_data(tmp_path, by_stage=by_stage, ideal=ideal))
    rows = re.findall(r"<tr>(.*?)</tr>", html)[1:]
    assert "25 points below the design" in rows[0]             # 50 - 24.6, interval 13.8..35.4 all below 50
    assert "42 points below the design" in rows[1]             # 40 - (-1.8)
    assert "within reach of the design" in rows[2]             # 30 lies in 8.7..30.9
    assert "too few answers" in rows[3]
    assert "above the design" in rows[4]                       # 52 > 45
    assert "<td class=n><bdi>14</bdi> – <bdi>35</bdi></td>" in rows[0]


def test_trend_sentence_says_whether_the_change_is_real(tmp_path: Path) -> None:
    weeks = pd.to_datetime(["2026-07-13", "2026-07-20", "2026-09-28"])
    noisy = pd.DataFrame({"period": weeks, "nps_n": [92, 100, 54], "nps": [8.7, 10.0, 15.0],
                          "nps_lo": [-7.1, -5.0, 0.2], "nps_hi": [24.5, 25.0, 29.8]})
    real = noisy.assign(nps=[-20.0, 0.0, 40.0], nps_lo=[-30.0, -10.0, 31.0], nps_hi=[-10.0, 10.0, 49.0])
    said = report.trend_sentence(_data(tmp_path, trend=noisy))
    assert "from 9 in the week of 13 Jul 2026 (92 answers) to 15 in the week of 28 Sep 2026 (54 answers)" in said
    assert "may be chance" in said
    assert "a real change" in report.trend_sentence(_data(tmp_path, trend=real))
    assert "Too few" in report.trend_sentence(_data(tmp_path, trend=noisy.head(1)))


def test_headline_tiles_show_each_interval_and_n(tmp_path: Path) -> None:
    headline = {"nps": {"n": 1480, "value": 14.32, "lo": 10.25, "hi": 18.4},
                "csat": {"n": 1450, "value": 3.8234, "lo": 3.774, "hi": 3.8725, "top2box": 65.86},
                "ces": {"n": 0}}
    html = report.headline_html(_data(tmp_path, headline=headline))
    assert "likely between <bdi>10</bdi> and <bdi>18</bdi> · <bdi>1,480</bdi> answers" in html
    assert ">3.82<" in html
    assert "likely between <bdi>3.77</bdi> and <bdi>3.87</bdi> · <bdi>1,450</bdi> answers · 66% satisfied" in html
    assert "no answers" in html
    assert "No survey answers" in report.headline_html(_data(tmp_path))


def test_ranked_negatives_absent_present_and_escaped(tmp_path: Path) -> None:
    assert "no ranking of negative experiences" in report.ranked_negatives_html(tmp_path, [])
    records = [rec("a"), rec("b"), rec("c")]
    (tmp_path / "negatives.json").write_text(json.dumps({"negatives": [
        {"rank": 2, "title": "Late refunds", "stage": "support", "channel": "phone", "severity": 0.5, "reach": 12,
         "evidence_strength": 0.4, "score": 2.4, "sources": ["survey"], "exhibits": ["c"], "too_few": True},
        {"rank": 1, "title": HOSTILE, "stage": "purchase", "channel": "in_store", "severity": 0.91234, "reach": 40,
         "evidence_strength": 0.8, "score": 29.19, "sources": ["recording", "survey"], "exhibits": ["a", "b", "zz"],
         "thumb": "../outside.png"}]}))
    html = report.ranked_negatives_html(tmp_path, records)
    assert "<img src=x" not in html and "&lt;img src=x" in html
    rows = re.findall(r"<tr><td class=n>(.*?)</tr>", html)
    assert [r.split("<")[0] for r in rows] == ["1", "2"]                # by rank, whatever the file order
    ids = short_ids(["a", "b", "c"])
    assert f'<td class="cx-r-sid">{ids["a"]} {ids["b"]}</td>' in rows[0]   # unknown exhibit ids are left out
    assert "▼▼ very negative" in rows[0]                               # severity in words and a mark, not 0.91
    assert report_summary.place("purchase", "in_store") in rows[0] and "0.91" not in rows[0]
    assert "data:image" not in html                                    # a thumb outside the run is not read
    assert "too little evidence" in rows[1] and "too little evidence" not in rows[0]


def test_negative_table_worst_first_with_card_ids_and_escaped(tmp_path: Path) -> None:
    records = [rec("m", valence=-0.3), rec("w", valence=-0.9, quote=HOSTILE), rec("p", valence=0.8)]
    html = report.negative_html(_data(tmp_path, exhibits=records))
    ids = short_ids(["m", "w", "p"])
    assert html.index(ids["w"]) < html.index(ids["m"]) and ids["p"] not in html
    assert "<img src=x" not in html and "&lt;img src=x" in html


def test_chart_views_read_only_files_inside_the_run(tmp_path: Path) -> None:
    (tmp_path / "charts").mkdir()
    (tmp_path / "charts" / "c1.json").write_text("{}")
    records = [rec(PAIN_ID, kind="chart", severity=0.2, media={"figure": "charts/c1.json", "thumb": "charts/c1.png"}),
               rec(WALL_ID, kind="chart", severity=0.9, media={"figure": "../../etc/passwd"}), rec("q"),
               rec("chart-survey-nps-stage", kind="chart", severity=1.0, media={"figure": "charts/c1.json"})]
    views = report.chart_views(_data(tmp_path, exhibits=records))
    assert [v["record"]["id"] for v in views] == [WALL_ID, PAIN_ID]     # the negative room's views only
    assert views[0]["figure"] is None and views[1]["figure"] == (tmp_path / "charts" / "c1.json").resolve()
    assert views[1]["thumb"] is None                                   # the PNG does not exist


def test_a_feeling_reads_the_same_in_both_languages_and_never_as_a_number() -> None:
    from kit.core.feelings import feeling, feeling_text
    assert feeling_text(-0.9) == "▼▼ very negative"
    assert feeling_text(-0.04) == "◆ neutral"                  # never "valence -0.0"
    assert feeling(0.7, "fa") == ("خیلی مثبت", "▲▲")
    assert feeling_text(float("nan"), "fa") == "○ بی‌ارزیابی"
