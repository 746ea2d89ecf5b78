"""Costs carry the project's currency, written the way the page language writes money."""

from __future__ import annotations

from kit.core.money import money


def test_costs_in_the_projects_currency() -> None:
    assert money(1.234, "EUR") == "€1.23"
    assert money(1234.5, "USD", decimals=0) == "$1,234" or money(1234.5, "USD", decimals=0) == "$1,235"
    assert money(0.0123, "EUR", decimals=3) == "€0.012"


def test_persian_pages_write_persian_digits_and_separators() -> None:
    text = money(1234.5, "EUR", "fa")
    assert "€" in text and "۱٬۲۳۴٫۵۰" in text and not any(c.isascii() and c.isdigit() for c in text)


def test_missing_cost_is_a_dash_and_no_currency_is_a_plain_number() -> None:
    assert money(float("nan"), "EUR") == "—" and money(None, "EUR") == "—"
    assert money(3, None) == "3.00"
