"""Amounts of money as each page language writes them, with the project's currency.

project.yaml's ``currency`` (an ISO 4217 code such as EUR) names what the contact log's costs are
in; a cost shown without it reads as a bare number. Babel writes the symbol and separators of the
page language from CLDR (``€1.20``; Persian ``‎€۱٫۲۰`` with Persian digits), and a missing amount is
a dash, never ``nan``.
"""

from __future__ import annotations

import math

from babel.numbers import format_currency

from kit.core import i18n


def money(value: float | int | None, currency: str | None, lang: str = "en", decimals: int = 2) -> str:
    """``value`` in ``currency`` (plain number when the project names none), written for ``lang``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    lang = i18n.language(lang)
    if not currency:
        return i18n.number(value, lang, decimals)
    body = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    text = format_currency(value, currency, format=f"¤{body}", locale=i18n.LOCALES[lang], currency_digits=False,
                           numbering_system="default")
    return text.translate(i18n.PERSIAN_DIGITS) if lang == "fa" else text
