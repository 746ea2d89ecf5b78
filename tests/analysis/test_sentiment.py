"""Sentiment: VADER for English, the kit's Persian lexicon rules for Persian.

Expected values are worked out by hand from the lexicon files and the documented rules
(valence v, compound = v / sqrt(v² + 15), negation multiplies by -0.74, boosters by 1 + factor).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from kit.analysis import sentiment
from kit.analysis.sentiment import score, score_fa


def compound(v: float) -> float:
    return v / math.sqrt(v * v + 15)


def test_persian_word_scored_from_the_lexicon() -> None:
    # خوب is 1.9 in fa_words.tsv; بود is not polar
    assert score_fa("خوب بود") == pytest.approx(compound(1.9))


def test_negation_after_the_word_flips_it() -> None:
    assert score_fa("خوب نبود") == pytest.approx(compound(1.9 * -0.74))
    assert score_fa("خوب نیست") == pytest.approx(compound(1.9 * -0.74))
    assert score_fa("راضی نیستم") < 0 < score_fa("راضی هستم")


def test_negated_verb_prefix_flips_it() -> None:
    # پسندید is 2.0; "نمی‌پسندم" (ZWNJ) and "نمی پسندم" (space) are the same negated verb
    expected = compound(2.0 * -0.74)
    assert score_fa("نپسندیدم") == pytest.approx(expected)
    assert score_fa("نمی\u200cپسندید") == pytest.approx(expected)
    assert score_fa("نمی پسندید") == pytest.approx(expected)


def test_negator_before_the_word() -> None:
    # "بدون مشکل" is a phrase (1.6); "بدون" + مشکلات (-1.8) is negation before the word
    assert score_fa("بدون مشکلات") == pytest.approx(compound(-1.8 * -0.74))


def test_negation_stops_at_but() -> None:
    # "خوب بود ولی نرسید": the negated verb belongs to the second clause; before "ولی" counts half,
    # after it 1.5 times: 1.9 * 0.5 + (-1.8) * 1.5
    assert score_fa("خوب بود ولی نرسید") == pytest.approx(compound(1.9 * 0.5 - 1.8 * 1.5))


def test_intensifier_and_dampener() -> None:
    assert score_fa("خیلی خوب") == pytest.approx(compound(1.9 * 1.3))
    assert score_fa("خیلی خیلی خوب") == pytest.approx(compound(1.9 * 1.3 * 1.3))
    assert score_fa("نسبتا خوب") == pytest.approx(compound(1.9 * 0.7))
    assert score_fa("اصلا خوب نبود") == pytest.approx(compound(1.9 * 1.3 * -0.74))


def test_arabic_letters_zwnj_and_elongation_are_normalised() -> None:
    # Arabic yeh (ي) and kaf (ك), a ZWNJ inside a word, and a stretched letter
    assert score_fa("عالي") == score_fa("عالی") == pytest.approx(compound(3.1))
    assert score_fa("بی\u200cکیفیت") == score_fa("بیکیفیت") == score_fa("بی کیفیت") == pytest.approx(compound(-2.5))
    assert score_fa("عالیییی") == pytest.approx(compound(3.1))
    assert score_fa("خوبه") == pytest.approx(compound(1.9))         # colloquial "is good": suffix ه removed


def test_ratings_in_persian_or_ascii_digits_are_the_same() -> None:
    # 9 of 10 is (2 * 0.9 - 1) * 3 = 2.4, whatever digits it is written in
    for text in ("نمره ۹ از ۱۰", "نمره 9 از 10", "نمره ٩ از ١٠", "نمره ۹ از 10"):
        assert score_fa(text) == pytest.approx(compound(2.4))
    assert score_fa("۲ از ۱۰") == pytest.approx(compound(-1.8))
    assert score_fa("۵ از ۱۰") == 0.0
    assert score_fa("۱۲ از ۱۰") == 0.0           # not a rating


def test_phrases_win_over_their_words() -> None:
    # "دستتون درد نکنه" is thanks (2.2), though درد alone is negative
    assert score_fa("دستتون درد نکنه") == pytest.approx(compound(2.2))
    assert score_fa("دوست ندارم") == pytest.approx(compound(-2.0))
    assert score_fa("بد نبود") == pytest.approx(compound(0.8))


def test_a_phrase_is_negated_like_a_word() -> None:
    # "ارزش پول" (value for money, 1.2) followed by "رو نداره"; "دوست ندارم" carries its own negation
    assert score_fa("ارزش پول رو نداره") == pytest.approx(compound(1.2 * -0.74))
    assert score_fa("اصلا دوست ندارم") == pytest.approx(compound(-2.0 * 1.3))


def test_neutral_and_empty_text() -> None:
    assert score_fa("") == 0.0
    assert score_fa("سلام، سفارش شماره ۱۲۳") == 0.0
    assert score_fa("بدن") == 0.0                 # "body", not بد + ن


def test_score_detects_language_and_keeps_order() -> None:
    texts = ["I love this app", "", "خیلی بد بود", None, "The delivery was late and the food was cold"]
    out = score(texts)
    assert out.shape == (5,) and out.dtype == float
    assert out[0] > 0.3 and out[2] < -0.3 and out[4] < 0
    assert out[1] == 0.0 and out[3] == 0.0
    assert out[2] == pytest.approx(compound(-2.1 * 1.3))


def test_english_is_vader_compound() -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    text = "The coach was not helpful at all."
    expected = SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
    assert score([text], ["en"])[0] == pytest.approx(expected)
    assert expected < 0          # VADER negates "helpful"


def test_english_customer_service_words_added() -> None:
    # "late" is -1.3 in en_cx_words.tsv (VADER alone scores it 0); VADER negates it like any word
    assert score(["late"], ["en"])[0] == pytest.approx(compound(-1.3), abs=1e-4)      # VADER rounds to 4 places
    assert score(["not late"], ["en"])[0] == pytest.approx(compound(-1.3 * -0.74), abs=1e-4)


def test_given_languages_are_used_and_unknown_ones_detected() -> None:
    out = score(["عالی", "عالی", "great"], ["fa", "xx", None])
    assert out[0] == out[1] == pytest.approx(compound(3.1))
    assert out[2] > 0


def test_repeated_texts_scored_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = sentiment._score_prepared
    monkeypatch.setattr(sentiment, "_score_prepared", lambda t: calls.append(t) or real(t))
    out = score(["خوب", "خوب", "بد", "خوب"], ["fa"] * 4)
    assert sorted(calls) == ["بد", "خوب"]
    np.testing.assert_allclose(out, [compound(1.9), compound(1.9), compound(-2.1), compound(1.9)])


def test_scores_stay_in_range() -> None:
    text = "عالی " * 50 + "!!!!!"
    assert -1.0 <= score_fa(text) <= 1.0
    assert score_fa("افتضاح " * 50) >= -1.0


def test_english_excess_is_a_complaint() -> None:
    # "notifications" is neutral to VADER (compound 0); "too many" adds -1.5 to the sum
    assert score(["Too many notifications"], ["en"])[0] == pytest.approx(compound(-1.5), abs=1e-4)
    assert score(["too much, too many"], ["en"])[0] == pytest.approx(compound(-3.0), abs=1e-4)
    assert score(["Not too bad"], ["en"])[0] > 0          # VADER's own rules untouched
