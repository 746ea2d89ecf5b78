"""Where evidence comes from and what it counts, in the page's language: a Persian reader meets no kit-written
English, while an English page reads exactly as the steps wrote it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kit.core import i18n
from kit.core.bidi import strip_isolates
from kit.core.paths import KIT_DIR
from kit.exports import cards
from kit.views import report, report_summary, sources
from kit.views.evidence import HIDDEN, PHRASED, evidence_text

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
KEPT = {"NPS", "CSAT", "CES"}
# the channel scorecard's answers (kit.analysis.scorecard.answers): evidence built by a comprehension
SCORECARD = {"prefer", "buy", "reach", "pays"}


def _evidence_keys() -> set[str]:
    """Every literal figure name the steps and analysis give an exhibit (``evidence={...}``, ``ex.evidence["x"] = ``)."""
    keys: set[str] = set()
    for path in [*(KIT_DIR / "steps").glob("*.py"), *(KIT_DIR / "analysis").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "evidence":          # dicts in it, spread ones too
                keys.update(k.value for d in ast.walk(node.value) if isinstance(d, ast.Dict)
                            for k in d.keys if isinstance(k, ast.Constant) and isinstance(k.value, str))
            if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "evidence"
                    and isinstance(node.slice, ast.Constant)):
                keys.add(node.slice.value)
    return keys


def test_the_steps_evidence_names_are_found() -> None:
    found = _evidence_keys()
    # a sample of what the steps are known to write: the scan itself works
    assert {"responses", "faces_blurred", "customers_over", "moment_ids", "lines", "coded_by", "sentiment"} <= found


@pytest.mark.parametrize("name", sorted(_evidence_keys() | SCORECARD | set(PHRASED)))
def test_every_figure_a_step_writes_has_a_persian_phrase_or_is_an_id(name: str) -> None:
    if name in HIDDEN:
        assert evidence_text({name: ["rec-s01-0001"]}, "fa") == ""
        return
    value = {"coded_by": "person", "recording": "۱", "sources": ["survey", "contact"], "sentiment": -0.5}.get(name, 12)
    if name in SCORECARD:
        value = "ایمیل"                                       # a channel of a Persian project
    said = strip_isolates(evidence_text({name: value}, "fa"))
    assert said and not set(LATIN_WORD.findall(said)) - KEPT, (name, said)
    if name in PHRASED:
        assert i18n.LABELS[f"ev_{name}"].get("fa"), name


def test_english_figures_read_as_before() -> None:
    said = strip_isolates(evidence_text({"customers_over": 470, "lost_over": 418, "tolerance_per_week": 14,
                                         "coded_by": "auto", "prefer": "email", "minutes_waited": 3}))
    assert said == ("470 customers over the limit, 418 of them lost, limit: 14 a week, found by the kit, prefer email, "
                    "minutes waited: 3")


def test_a_persian_interval_and_source_list() -> None:
    said = strip_isolates(evidence_text({"nps": -66, "lo": -71, "hi": -61, "sources": ["contact", "survey"]}, "fa"))
    assert "بازهٔ ۹۵٪" in said and "سوابق تماس" in said and "پاسخ نظرسنجی" in said
    assert not set(LATIN_WORD.findall(said)) - KEPT


LOCATORS = ["all responses", "outbound contacts per customer per week",
            "outbound contacts per customer per week, joined to answers", "valence per stage and source",
            "survey answers and moments by stage and channel", "disliked_most answers and social posts",
            "contacts and answers by channel", "severity x reach x evidence strength", "stage خرید", "row 52",
            "00:00:00-00:12:03"]


@pytest.mark.parametrize("locator", LOCATORS)
def test_kit_written_locators_are_persian_on_a_persian_page_and_unchanged_in_english(locator: str) -> None:
    assert sources.locator_text(locator, "en") == locator
    persian = sources.locator_text(locator, "fa")
    assert persian != locator and not LATIN_WORD.findall(persian), persian


def test_a_row_and_a_stage_keep_their_number_and_name() -> None:
    assert sources.locator_text("row 52", "fa") == "ردیف ۵۲"
    assert sources.locator_text("stage شروع کار", "fa") == "مرحلهٔ شروع کار"
    assert sources.locator_text("00:01:17", "fa") == "00:01:17"         # a time code is no word
    assert sources.locator_text("C-1042", "fa") == "C-1042"             # an id the step wrote: left as it is


def _rec(file: str, locator: str, kind: str = "chart", rec_id: str = "chart-detractor-wall") -> dict:
    return {"id": rec_id, "kind": kind, "title": "عنوان", "valence": -0.5, "severity": 0.5, "media": {}, "lang": "fa",
            "source": {"file": file, "locator": locator}}


CARDS = [_rec("data/comments.parquet", "disliked_most answers and social posts"),
         _rec("negatives.json", "severity x reach x evidence strength", rec_id="chart-ranked-negatives"),
         _rec("contacts.csv", "outbound contacts per customer per week", "metric", "metric-contact-overload"),
         _rec("surveys/q3_responses.csv", "stage خرید", "metric", "metric-gap-خرید-nps"),
         _rec("surveys/q3_responses.csv", "row 30", "quote", "survey-R_1-disliked_most"),
         _rec("photos/DSC_0414.JPG", "file", "photo", "photo-dsc-0414"),
         _rec("recordings/s02.mp4", "00:01:17", "clip", "rec-s02-0023")]


def _source_line(html: str) -> str:
    line = re.search(r'<div class="src"[^>]*>(.*?)</div>', html, re.S)
    assert line, html
    return re.sub(r"<[^>]+>", "", line[1])


@pytest.mark.parametrize("rec", CARDS, ids=[r["id"] for r in CARDS])
def test_a_persian_cards_source_line_has_no_latin_word_but_the_projects_file_name(tmp_path: Path, rec: dict) -> None:
    html = cards.card_html(tmp_path, rec, "K7QF", "fa")
    line = _source_line(html)
    file = rec["source"]["file"]
    own = set() if sources.is_run_file(file) else set(LATIN_WORD.findall(file))
    assert set(LATIN_WORD.findall(line)) <= own, line
    assert rec["id"] not in line and "parquet" not in line and "negatives.json" not in line
    assert line.startswith("از ")
    if own:
        assert f'<bdi dir="ltr">{file}</bdi>' in html                     # the path reads left to right


def test_a_run_file_is_named_by_its_kind_on_a_persian_card(tmp_path: Path) -> None:
    line = _source_line(cards.card_html(tmp_path, CARDS[0], "K7QF", "fa"))
    assert line == "از تحلیل کیت، پاسخ‌های «بدترین بخش تجربه» و پست‌های شبکهٔ اجتماعی"


@pytest.mark.parametrize("rec", CARDS, ids=[r["id"] for r in CARDS])
def test_an_english_card_keeps_the_file_the_locator_and_the_long_id(tmp_path: Path, rec: dict) -> None:
    html = cards.card_html(tmp_path, rec, "K7QF", "en")
    src = rec["source"]
    assert f'<div class="src" dir="ltr">from {src["file"]} @ {src["locator"]}<br>{rec["id"]}</div>' in html


def test_report_inputs_are_named_by_their_path_and_the_kits_words_translated() -> None:
    assert str(report.input_name("surveys/q3_responses.csv", "fa")) == '<bdi dir="ltr">surveys/q3_responses.csv</bdi>'
    assert str(report.input_name("photos/ (image files)", "fa")) == '<bdi dir="ltr">photos/</bdi> (پرونده‌های تصویری)'
    assert str(report.input_name("photos/ (image files)")) == '<bdi dir="ltr">photos/</bdi> (image files)'


def test_the_report_title_and_an_unknown_stage_in_persian() -> None:
    assert report.report_title("ناریش‌پث", "fa") == "ناریش‌پث — گزارش تجربهٔ مشتری"
    assert report.report_title("Acme") == "Acme — experience report" and report.report_title("") == "Experience report"
    assert report_summary.place("unspecified", "شبکه‌های اجتماعی", "fa") == "نامشخص، شبکه‌های اجتماعی"
    assert report_summary.place("unspecified", None) == "unspecified"
