"""The words the pipeline writes for a Persian project are Persian, with Persian digits.

Lenses, friction names, the scorecard's answers, clip captions, the survey's metrics and the
catalogue behind them are checked on small tables; the scanner that reads a whole run
(``tests.analysis.persian_scan``) is checked on a tiny run folder, and once on a real pipeline run
of the Persian copy of the sample (marked ``notebook``: it takes minutes).
"""

from __future__ import annotations

import json
import re
import string
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from kit.analysis import lens_signals, lenses, moments, scorecard, scores, titles
from kit.analysis.moments import Moment
from kit.core.paths import ASSETS_DIR
from kit.steps import survey
from tests.analysis import persian_scan

LATIN = re.compile(r"[A-Za-z]{2,}")
ASCII_DIGIT = re.compile(r"[0-9]")
PERSIAN_DIGIT = re.compile("[۰-۹]")
KEPT_LATIN = {"NPS", "CSAT", "CES"}


def latin_words(text: str) -> set[str]:
    return set(LATIN.findall(text)) - KEPT_LATIN


def rec(id_: str, quote: str = "", **kw: object) -> dict:
    return {"id": id_, "kind": kw.pop("kind", "quote"), "title": kw.pop("title", ""), "caption": "", "quote": quote,
            "tags": [], "lenses": [], "evidence": kw.pop("evidence", {}), "valence": kw.pop("valence", -0.6),
            "severity": 0.5, "segment": kw.pop("segment", None), **kw}


# Persian answers of the sample survey (data/sample/surveys/q3_responses.csv), with what each lens should find
SENTENCES = [
    ("۱۵ دقیقه پشت خط موندم برای یه سؤال ساده.", "engineering", ["waits"]),
    ("پشتیبانی تلفنی من رو منتظر گذاشت و بعد تماس قطع شد.", "engineering", ["waits", "failures"]),
    ("اپ سه بار موقع پرداخت بسته شد.", "engineering", ["failures", "repeats"]),
    ("خواستم به اشتراک ویژه ارتقا بدم و هر بار خطای «مشکلی پیش آمد» گرفتم.", "engineering", ["failures", "repeats"]),
    ("دستور پخت‌ها تکراریه، باز هم مرغ و بروکلی.", "engineering", ["repeats"]),
    ("منوی تلفنی شش مرحله داره و هیچ‌کدومش «صحبت با مربی» نیست.", "engineering", ["steps"]),
    ("صفحه‌ی کارت موقع پرداخت هنگ کرد و مجبور شدم از اول شروع کنم.", "engineering", ["failures", "repeats", "steps"]),
    ("توی دو ماه ۳ کیلو کم کردم.", "engineering", []),
    ("قانون جایگزینی گیج‌کننده‌ست: می‌تونم جای مرغ توفو بخورم یا نه؟", "design", ["clarity"]),
    ("وسط هفته دستورالعمل هفته‌ی سوم جای هفته‌ی دوم رو گرفت و من اصلاً نفهمیدم.", "design", ["clarity"]),
    ("صبح ایمیل، ظهر نوتیفیکیشن، شب پیامک. حس می‌کنم همه‌ش دارن بهم گیر می‌دن.", "design", ["emotion"]),
    ("صفحهٔ اول اپ خیلی شلوغ و زشته.", "design", ["beauty"]),
    ("سه بار برای بازگشت وجه زنگ زدم و هر بار یه جواب متفاوت شنیدم.", "business", ["revenue"]),
    ("پیدا کردن بعضی مواد توی شهر ما سخته.", "business", ["reach"]),
    ("مربی‌ام واقعاً گوش می‌ده و برنامه رو تنظیم می‌کنه.", "business", []),
]


@pytest.mark.parametrize(("sentence", "lens", "expected"), SENTENCES)
def test_lenses_find_their_signals_in_persian_answers(sentence: str, lens: str, expected: list[str]) -> None:
    assert lenses.signals(rec("a", sentence), lens) == expected


@pytest.mark.parametrize("written", ["چندبار زنگ زدم", "چند\u200cبار زنگ زدم", "چند بار زنگ زدم",
                                     "طول\u200cکشید", "طولکشید", "خطاي پرداخت", "نمي\u200cفهمم چرا",
                                     "تأ\u064eخیر داشت", "مُنتظر موندم"])
def test_persian_signals_match_however_the_words_are_typed(written: str) -> None:
    """ZWNJ, a space or nothing between the parts of a phrase; Arabic yeh; diacritics: the same words."""
    found = lenses.signals(rec("a", written), "engineering") + lenses.signals(rec("a", written), "design")
    assert found, written


@pytest.mark.parametrize("sentence", ["دیروز خرید کردم و راضی بودم.", "این برنامه کار را آسان می‌کند.",
                                      "حسابم را شارژ کردم.", "فرمول ساده‌ای دارد."])
def test_persian_words_match_whole_unless_the_lexicon_lets_them_go_on(sentence: str) -> None:
    """دیر (late) is not دیروز (yesterday), کند (slow) not می‌کند (does), حس not حساب, فرم not فرمول."""
    assert lenses.signals(rec("a", sentence), "engineering") == []
    assert "emotion" not in lenses.signals(rec("a", sentence), "design")


def test_lens_labels_of_a_persian_project_are_persian_with_persian_digits() -> None:
    wide = rec("w", "پرداخت ناموفق بود ولی پول از حسابم کم شد. دو بار!", evidence={"responses": 1250},
               segment="ویژه")
    plain = rec("p", "چیزی نبود.", valence=0.0)
    assert lenses.label(wide, "engineering", "fa") == "خطا، تکرار"
    assert lenses.label(wide, "business", "fa") == "۱٬۲۵۰ نفر، بخش ویژه، درآمد در خطر"
    assert lenses.label(wide, "design", "fa") == "حس بد"
    assert lenses.label(plain, "engineering", "fa") == "بدون نشانهٔ مهندسی"
    assert lenses.label(plain, "business", "fa") == "یک صدا"
    for r in (wide, plain):
        for lens in lenses.LENSES:
            assert not latin_words(lenses.label(r, lens, "fa"))
    assert [lenses.name(lens, "fa") for lens in lenses.LENSES] == ["طراحی", "مهندسی", "کسب‌وکار"]


def test_english_lens_words_are_unchanged() -> None:
    wait = rec("e", "I had to wait twenty minutes and the payment failed again")
    assert lenses.label(wait, "engineering") == "waits · failures · repeats"
    assert lenses.label(rec("n", "Fine.", valence=0.1), "engineering") == "no engineering signal"
    assert lenses.label(rec("c", "Ingredients are hard to find where I live."), "business") == "one voice · hard to reach"


def test_every_lexicon_line_is_a_known_lens_and_compiles() -> None:
    words = lens_signals.signal_words()
    assert list(words) == list(lenses.LENSES)
    assert list(words["engineering"]) == ["waits", "failures", "repeats", "steps"]
    for lens, groups in words.items():
        for group, entries in groups.items():
            assert any(not w.isascii() for w in entries), f"{lens}/{group} has no Persian word"
            assert all("\u200c" not in w for w in entries), "the lexicon is written without ZWNJ"


def test_found_moments_are_named_in_persian() -> None:
    m = Moment(0.0, 5.0, "P01", "", -0.7, 0.7, "auto", ["waiting", "failure", "negative"])
    assert moments.title(m, "fa") == "منتظر ماندن، چیزی کار نمی‌کند"
    assert moments.title(m) == "Kept waiting, Something fails"
    assert moments.title(Moment(0.0, 5.0, "P01", "", -0.7, 0.7, "auto", ["negative"]), "fa") == "حرف‌های بسیار منفی"
    assert moments.title(Moment(0.0, 5.0, "P01", "", -0.7, 0.7, "person", []), "fa") == "لحظهٔ علامت‌خورده"


def test_scorecard_answers_in_persian_use_persian_digits() -> None:
    answers = {"prefer": "تلفن", "buy": None, "reach": "اپلیکیشن", "pays": "ایمیل",
               "social_complaint_share": 42.4, "other_complaint_share": 7.0}
    text = " ".join(scorecard.answers_text(answers, "fa"))
    assert not latin_words(text) and not ASCII_DIGIT.search(text)
    assert "۴۲٪" in text and "۷٪" in text and "خریدی ثبت نشده" in text
    assert scorecard.answers_text(answers)[1] == "They buy most through: no purchases recorded."


def test_clip_captions_write_times_in_the_project_digits() -> None:
    assert titles.clip_caption("P01", 19, 28, "coaching", "app") == "P01, 00:00:19-00:00:28 (coaching · app)"
    fa = titles.clip_caption("P01", 19, 28, "مربی‌گری", "اپلیکیشن", "fa")
    assert fa == "P01، ۰۰:۰۰:۱۹ تا ۰۰:۰۰:۲۸ (مربی‌گری، اپلیکیشن)"
    assert titles.clip_caption("P02", 3661, 3700, None, None, "fa") == "P02، ۰۱:۰۱:۰۱ تا ۰۱:۰۱:۴۰"


def _responses() -> pd.DataFrame:
    return pd.DataFrame({"nps": [10, 9, 3, 8, 0, 10, 6, 9] * 150, "csat": [5, 4, 2, 4, 1, 5, 3, 4] * 150,
                         "ces": [7, 6, 2, 5, 1, 6, 4, 6] * 150})


def test_survey_metrics_of_a_persian_project_are_persian() -> None:
    made = survey.metric_exhibits(_responses(), "surveys/q3.csv", "fa")
    assert [e.id for e in made] == ["metric-nps", "metric-csat", "metric-ces"]
    for e in made:
        assert not latin_words(e.title) and not latin_words(e.caption), (e.title, e.caption)
        assert not ASCII_DIGIT.search(e.caption) and PERSIAN_DIGIT.search(e.caption)
    assert "۱٬۲۰۰ پاسخ" in made[0].caption
    english = survey.metric_exhibits(_responses(), "surveys/q3.csv")
    assert english[0].title == "Net Promoter Score"
    assert re.fullmatch(r"NPS \d+ \(95% interval \d+ to \d+\) from 1,200 answers", english[0].caption)


def test_survey_gaps_and_chart_captions_of_a_persian_project_are_persian() -> None:
    by_stage = scores.by_group(pd.DataFrame({**_responses(), "stage": "خرید"}), "stage", 30)
    gaps = scores.actual_vs_ideal(by_stage, {"خرید": {"nps": 90, "csat": 4.9}})
    made = survey.gap_exhibits(gaps, "surveys/q3.csv", "fa")
    assert {e.id for e in made} == {"metric-gap-خرید-nps", "metric-gap-خرید-csat"}
    for e in made:
        assert not latin_words(e.title) and not latin_words(e.caption) and not ASCII_DIGIT.search(e.caption)
        assert e.title.endswith("در خرید پایین‌تر از وضع مطلوب است")
    english = survey.gap_exhibits(gaps, "surveys/q3.csv")
    assert {e.title for e in english} == {"NPS at خرید is below its ideal", "CSAT at خرید is below its ideal"}
    assert survey.CAPTIONS[survey.NPS_CHANNEL] == "NPS per channel"


FINDINGS = ASSETS_DIR / "messages" / "findings.yaml"


def test_every_finding_has_a_persian_text_with_the_same_blanks() -> None:
    entries = yaml.safe_load(FINDINGS.read_text(encoding="utf-8"))
    assert entries
    for key, entry in entries.items():
        fa = entry.get("fa", "")
        assert fa, key
        if latin_words(re.sub(r"\{\w+\}", "", entry["en"])):      # words, not only a pattern
            assert re.search("[\u0600-\u06ff]", fa), key
        blanks = {name for _, name, _, _ in string.Formatter().parse(entry["en"]) if name}
        assert blanks == {name for _, name, _, _ in string.Formatter().parse(fa) if name}, key
        assert not latin_words(re.sub(r"\{\w+\}", "", fa)), key


# ---- the scanner of a whole run ----------------------------------------------------------------------

def _tiny_run(tmp_path: Path) -> tuple[Path, Path]:
    project, run = tmp_path / "project", tmp_path / "run"
    (project / "surveys").mkdir(parents=True)
    (project / "surveys" / "q3.csv").write_text(
        'id,segment,unhappy\n1,premium,"The app crashed, twice. I gave up"\n', encoding="utf-8")
    (run / "counts").mkdir(parents=True)
    exhibits = [{"id": "survey-1", "title": "The app crashed, twice…", "caption": "", "quote": "x"},
                {"id": "metric-nps", "title": "Net Promoter Score", "caption": "NPS ۱۴ از ۱٬۴۸۰ پاسخ"}]
    (run / "exhibits.json").write_text(json.dumps(exhibits), encoding="utf-8")
    (run / "negatives.json").write_text(json.dumps([{"title": "مربی‌گری: ۵۰ مشتری ناراضی", "quote": "I gave up"}]),
                                        encoding="utf-8")
    (run / "lenses.json").write_text(json.dumps({"labels": {"business": {"survey-1": "یک صدا، بخش premium"}}}),
                                     encoding="utf-8")
    (run / "summary.json").write_text(json.dumps({"run_id": "fa", "name": "نمونه", "worst": ["survey-1"]}),
                                      encoding="utf-8")
    return run, project


def test_the_scan_finds_the_kits_english_and_leaves_the_customers_words(tmp_path: Path) -> None:
    run, project = _tiny_run(tmp_path)
    found = persian_scan.scan(run, project)
    assert [(where, words) for where, _, words in found] == [
        ("exhibits.json metric-nps title", ["Net", "Promoter", "Score"])]


@pytest.fixture(scope="module")
def persian_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    import subprocess

    from kit.synth.persian import persian_copy
    sample = Path(__file__).resolve().parents[2] / "data" / "sample"
    project = persian_copy(sample, tmp_path_factory.mktemp("fa") / "project")
    out = tmp_path_factory.mktemp("fa_runs")
    done = subprocess.run([sys.executable, "-m", "kit.cli", "run", str(project), "--out", str(out), "--run-id", "fa",
                           "--quiet"], capture_output=True, text=True, timeout=3600)
    assert done.returncode == 0, done.stderr[-3000:]
    return out / "fa", project


@pytest.mark.notebook
def test_a_persian_run_has_no_english_word_the_kit_wrote(persian_run: tuple[Path, Path]) -> None:
    run, project = persian_run
    found = persian_scan.scan(run, project)
    assert not found, "\n".join(f"{where}: {' '.join(words)} <- {text[:100]}" for where, text, words in found)
    negatives = json.loads((run / "negatives.json").read_text(encoding="utf-8"))
    assert negatives and all(PERSIAN_DIGIT.search(e["title"]) for e in negatives if e.get("reach"))


def test_social_posts_join_the_projects_own_social_channel() -> None:
    """A Persian project's pain map and scorecard have no English ``social`` column beside its Persian one."""
    from kit.analysis import pain
    assert pain.social_channel(["ایمیل", "شبکه\u200cهای اجتماعی"]) == "شبکه\u200cهای اجتماعی"
    assert pain.social_channel(["email", "social"]) == "social"
    assert pain.social_channel(["email"]) == "social"
    comments = pd.DataFrame({"comment_id": ["social-1", "social-2"], "field": "social_post", "sentiment": [-0.8, 0.4],
                             "stage": ["پشتیبانی", "پشتیبانی"]})
    responses = pd.DataFrame({"response_id": ["r1"], "customer_id": ["c1"], "nps": [3], "stage": ["پشتیبانی"],
                              "channel": ["تلفن"]})
    obs = pain.observations(responses, pd.DataFrame(), comments, ["تلفن", "شبکه\u200cهای اجتماعی"])
    assert set(obs["channel"]) == {"تلفن", "شبکه\u200cهای اجتماعی"}


def test_charts_and_metrics_of_a_persian_run_read_right_to_left() -> None:
    """The kit words charts and metrics in the project's language; customer exhibits keep their own."""
    from kit.core import i18n
    from kit.steps.gallery import in_language
    records = [{"id": "chart-pain-map", "kind": "chart", "lang": "en"},
               {"id": "metric-nps", "kind": "metric", "lang": "en"},
               {"id": "survey-1", "kind": "quote", "lang": "en"}, {"id": "photo-1", "kind": "photo", "lang": "fa"}]
    marked = in_language(records, "fa")
    assert [r["lang"] for r in marked] == ["fa", "fa", "en", "fa"]
    assert i18n.text_dir(marked[0]["lang"]) == "rtl"
    assert in_language(records, "en") == records
