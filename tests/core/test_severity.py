"""Severity, reach and place in words: what a card and the headline say instead of decimals and keys."""

from __future__ import annotations

import math

import pytest

from kit.core.places import place_text
from kit.core.severity import reach_text, severity_text


@pytest.mark.parametrize(("value", "en", "fa"), [
    (1.0, "very severe", "بسیار شدید"), (0.889, "very severe", "بسیار شدید"), (0.51, "severe", "شدید"),
    (0.3, "moderate", "متوسط"), (0.1, "mild", "خفیف"), (None, "severity not known", "شدت نامعلوم"),
    (math.nan, "severity not known", "شدت نامعلوم")])
def test_severity_in_words(value: float | None, en: str, fa: str) -> None:
    assert severity_text(value, "en") == en
    assert severity_text(value, "fa") == fa


def test_reach_counts_customers() -> None:
    assert reach_text(50) == "50 customers"
    assert reach_text(1) == "1 customer"
    assert reach_text(1200, "fa") == "۱٬۲۰۰ مشتری"
    assert reach_text(None) == ""


def test_place_in_plain_words() -> None:
    assert place_text("coaching", "app") == "coaching, in the app"
    assert place_text("onboarding", "in_store") == "onboarding, in store"
    assert place_text("check_out", None) == "check out"
    assert place_text(None, "email", "fa") == "از راه ایمیل"
    assert place_text(None, None) == ""
