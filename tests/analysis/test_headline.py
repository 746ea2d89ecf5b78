"""The run's headline: the worst experience with its numbers, and a score said to move only when it did."""

from __future__ import annotations

from typing import Any

import pytest

from kit.analysis import headline as hl

OVERLOAD = {"rank": 1, "title": "Buried in messages: more than 14 a week", "stage": None, "channel": None,
            "severity": 0.889, "reach": 470, "exhibits": ["chart-paper-waterfall", "metric-contact-overload"],
            "evidence": {"tolerance_per_week": 14, "lost": 418}, "too_few": False}
CELL = {"rank": 2, "title": "Coaching in the app: 62 customers unhappy", "stage": "coaching", "channel": "app",
        "severity": 0.539, "reach": 62, "exhibits": ["rec-s01-0019"], "too_few": False}


def summary(trend: list[dict[str, Any]] | None = None, targets: dict[str, float] | None = None) -> dict[str, Any]:
    return {"headline": {"nps": {"n": 1480, "value": 14.3, "lo": 10.2, "hi": 18.4},
                         "csat": {"n": 1450, "value": 3.82, "lo": 3.77, "hi": 3.87},
                         "ces": {"n": 1434, "value": 5.23, "lo": 5.15, "hi": 5.30}},
            "targets": targets if targets is not None else {"nps": 30, "csat": 4.2, "ces": 5.5},
            "trend": {"freq": "M", "periods": trend or []}}


NOISE = [{"period": "2026-07-01", "nps": 13.5, "nps_lo": 4.9, "nps_hi": 22.1},
         {"period": "2026-08-01", "nps": 12.5, "nps_lo": 5.7, "nps_hi": 19.3},
         {"period": "2026-09-01", "nps": 16.5, "nps_lo": 10.2, "nps_hi": 22.8}]
REAL_DROP = [{"period": "2026-07-01", "nps": 30.0, "nps_lo": 25.0, "nps_hi": 35.0},
             {"period": "2026-09-01", "nps": 10.0, "nps_lo": 5.0, "nps_hi": 15.0}]


def test_overload_leads_with_its_numbers() -> None:
    first = hl.headline_sentences(summary(NOISE), [OVERLOAD, CELL])[0]
    assert first == ("470 customers were sent more than 14 messages a week; 89% of them left, "
                     "complained or gave a score of 0 to 6.")


def test_overload_from_an_older_run_reads_the_limit_from_its_title() -> None:
    older = {k: v for k, v in OVERLOAD.items() if k != "evidence"}
    assert "more than 14 messages a week; 89% of them" in hl.headline_sentences(summary(), [older])[0]


def test_a_stage_cell_is_worded_with_place_reach_and_severity_not_decimals() -> None:
    first = hl.headline_sentences(summary(), [CELL])[0]
    assert first == ("The worst experience is “Coaching in the app: 62 customers unhappy” (coaching, in the app): "
                     "62 customers, severe.")
    assert "0.5" not in first


def test_entries_with_too_little_evidence_never_lead() -> None:
    thin = dict(CELL, rank=1, too_few=True, title="Thin")
    sentences = hl.headline_sentences(summary(), [thin, dict(OVERLOAD, rank=2)])
    assert sentences[0].startswith("470 customers")


def test_insignificant_trend_is_not_called_a_move() -> None:
    sentences = hl.headline_sentences(summary(NOISE), [OVERLOAD])
    assert sentences[1] == "NPS is 14, below target (30), with no significant change since July 2026."
    assert not any(w in " ".join(sentences) for w in ("rose", "fell"))


def test_significant_trend_is_called_a_real_change() -> None:
    sentences = hl.headline_sentences(summary(REAL_DROP), [OVERLOAD])
    assert sentences[1] == ("NPS fell from 30 in July 2026 to 10 in September 2026, a real change "
                            "(the 95% intervals do not overlap).")


def test_a_score_without_intervals_is_never_significant() -> None:
    no_bounds = [{"period": "2026-07-01", "csat": 4.5}, {"period": "2026-09-01", "csat": 2.0}]
    move = hl.score_move(summary(no_bounds), "csat")
    assert move is not None and move["significant"] is False


def test_without_negatives_or_trend_only_the_score_is_said() -> None:
    assert hl.headline_sentences(summary(), None) == ["NPS is 14, below target (30)."]
    assert hl.headline_sentences(summary(targets={}), []) == ["NPS is 14."]


def test_nothing_to_say_is_an_empty_list() -> None:
    assert hl.headline_sentences({}, None) == []


def test_persian_uses_persian_digits_and_words() -> None:
    sentences = hl.headline_sentences(summary(NOISE), [OVERLOAD], "fa")
    assert sentences[0].startswith("۴۷۰ مشتری هر هفته بیش از ۱۴ پیام")
    assert "۸۹٪" in sentences[0]
    assert "زیر هدف (۳۰)" in sentences[1] and "تغییر معناداری نکرده" in sentences[1]
    assert not any(ch.isascii() and ch.isdigit() for s in sentences for ch in s)


def test_persian_cell_and_real_change() -> None:
    sentences = hl.headline_sentences(summary(REAL_DROP), [CELL], "fa")
    assert "(مربی‌گری، در اپلیکیشن)" in sentences[0] and "۶۲ مشتری" in sentences[0] and "شدید" in sentences[0]
    assert sentences[1].startswith("NPS از ۳۰ در ژوئیه ۲۰۲۶ به ۱۰ در سپتامبر ۲۰۲۶ افتاد")


@pytest.mark.parametrize(("value", "lo", "hi", "target", "verdict"), [
    (14.3, 10.2, 18.4, 30, "below"), (28.0, 24.0, 32.0, 30, "on"), (40.0, 35.0, 45.0, 30, "above"),
    (5.0, None, None, 5.0, "on"), (5.0, 4.0, 6.0, None, None)])
def test_judged_against_the_target_with_its_interval(value: float, lo: float | None, hi: float | None,
                                                     target: float | None, verdict: str | None) -> None:
    assert hl.judge(value, lo, hi, target) == verdict


def test_judgement_text_names_the_target() -> None:
    s = summary()
    assert hl.judgement_text(s, "nps") == "below target (30)"
    assert hl.judgement_text(s, "csat") == "below target (4.2)"
    assert hl.judgement_text(s, "ces", "fa") == "زیر هدف (۵٫۵)"
    assert hl.judgement_text(summary(targets={}), "nps") == ""
