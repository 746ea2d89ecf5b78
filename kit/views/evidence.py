"""An exhibit's evidence in words: "1,480 answers; NPS 14.3 (95% interval 10.2 to 18.4)", not ``responses: 1480, lo: 10.2``.

The steps record each exhibit's evidence as a small dict of named figures (``exhibits.json``).
People reading the gallery should not have to know those names, so each known figure has a
phrase in each page language; figures that name other records (``moment_ids``) are left to the
analyst's files, and a figure no phrase knows is shown with its name in plain words.

Every figure and every phrase is isolated (``kit.core.bidi.isolate``): "NPS -66" inside a Persian
line would otherwise show its minus sign on the wrong side, and an English source name would
take the Persian comma after it along.
"""

from __future__ import annotations

from typing import Any

from kit.core import i18n
from kit.core.bidi import isolate, isolate_each
from kit.core.feelings import feeling

# figure name -> (English, Persian) phrase; {v} is the figure in the page's digits
PHRASES: dict[str, tuple[str, str]] = {
    "responses": ("{v} answers", "{v} پاسخ"),
    "customers": ("{v} customers", "{v} مشتری"),
    "customers_over": ("{v} customers over the limit", "{v} مشتری بیش از حد"),
    "over": ("{v} customers over the limit", "{v} مشتری بیش از حد"),
    "lost_over": ("{v} of them lost", "{v} نفر از آنان از دست رفتند"),
    "tolerance_per_week": ("limit: {v} a week", "حد: {v} در هفته"),
    "observations": ("{v} observations", "{v} مشاهده"),
    "entries": ("{v} entries", "{v} مورد"),
    "moments": ("{v} moments", "{v} لحظه"),
    "quotes": ("{v} quotes", "{v} نقل‌قول"),
    "customer_lines": ("{v} lines spoken by the customer", "{v} جملهٔ مشتری"),
    "nps": ("NPS {v}", "NPS {v}"),
    "csat": ("CSAT {v}", "CSAT {v}"),
    "ces": ("effort {v}", "سختی {v}"),
    "ideal": ("target {v}", "هدف {v}"),
    "gap": ("{v} points from the target", "{v} امتیاز فاصله از هدف"),
    "nps_over": ("NPS {v} for them", "NPS آنان {v}"),
    "nps_rest": ("NPS {v} for everyone else", "NPS بقیه {v}"),
    "top2box": ("{v}% top-two-box", "{v}٪ دو گزینهٔ بالا"),
    "nps_of_author": ("the author's score {v} of 10", "امتیاز نویسنده {v} از ۱۰"),
    "faces_blurred": ("{v} faces blurred", "{v} چهره محو شد"),
    "bleeped": ("{v} stretches of sound covered by a tone", "{v} بخش از صدا با بوق پوشانده شد"),
    "recording": ("recording {v}", "ضبط {v}"),
    "reach": ("reached by {v}", "از راه {v}"),
    "buy": ("buy in {v}", "خرید در {v}"),
    "pays": ("pay on {v}", "پرداخت در {v}"),
    "prefer": ("prefer {v}", "ترجیح {v}"),
}
CODED_BY = {"person": ("coded by a person", "کدگذاری به دست یک نفر"), "auto": ("found by the kit", "یافتهٔ کیت")}
HIDDEN = {"moment_ids", "lo", "hi", "top2box_lo", "top2box_hi"}     # ids, and bounds shown with their figure
DECIMALS = {"nps": 1, "csat": 2, "ces": 2, "ideal": 1, "gap": 1, "nps_over": 1, "nps_rest": 1, "top2box": 1}


def _value(name: str, value: Any, lang: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        if isinstance(value, list):
            return i18n.t("comma", lang).join(isolate_each(str(v).replace("_", " ") for v in value))
        return str(value).replace("_", " ")
    return i18n.number(value, lang, DECIMALS.get(name, 0 if float(value).is_integer() else 2))


def _interval(evidence: dict[str, Any], lo: str, hi: str, lang: str) -> str:
    if evidence.get(lo) is None or evidence.get(hi) is None:
        return ""
    low, high = isolate(i18n.number(evidence[lo], lang, 1)), isolate(i18n.number(evidence[hi], lang, 1))
    return f"(95% interval {low} to {high})" if i18n.language(lang) == "en" else f"(بازهٔ ۹۵٪: {low} تا {high})"


def _phrase(name: str, value: Any, evidence: dict[str, Any], lang: str) -> str:
    fa = i18n.language(lang) == "fa"
    if name == "coded_by":
        return CODED_BY.get(str(value), (str(value), str(value)))[fa]
    if name == "sentiment" and isinstance(value, int | float):
        return feeling(float(value), lang)[0]
    if name == "sources" and isinstance(value, list):
        words = [i18n.t(f"source_{v}", lang) if f"source_{v}" in i18n.LABELS else str(v) for v in value]
        return i18n.t("comma", lang).join(isolate_each(words))
    pattern = PHRASES.get(name, (f"{name.replace('_', ' ')}: {{v}}",) * 2)[fa]
    text = pattern.format(v=isolate(_value(name, value, lang)))
    if name in ("nps", "csat", "ces"):
        text = " ".join(x for x in (text, _interval(evidence, "lo", "hi", lang)) if x)
    if name == "top2box":
        text = " ".join(x for x in (text, _interval(evidence, "top2box_lo", "top2box_hi", lang)) if x)
    return text


def evidence_text(evidence: dict[str, Any] | None, lang: str = "en") -> str:
    """The evidence as one line of phrases in ``lang``; empty when there is none to say."""
    parts = [_phrase(name, value, evidence or {}, lang) for name, value in (evidence or {}).items()
             if name not in HIDDEN and value not in (None, "", [])]
    return i18n.t("comma", lang).join(isolate_each(p for p in parts if p))
