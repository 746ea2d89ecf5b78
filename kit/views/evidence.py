"""An exhibit's evidence in words: "1,480 answers; NPS 14.3 (95% interval 10.2 to 18.4)", not ``responses: 1480, lo: 10.2``.

The steps record each exhibit's evidence as a small dict of named figures (``exhibits.json``).
People reading the gallery should not have to know those names, so each figure a step writes has a
phrase in each page language (``ev_<name>`` in kit/assets/messages/sources.yaml); figures that name
other records (``moment_ids``, a cut's ``lines``) are left to the analyst's files, and a figure no
phrase knows yet is shown with its name in plain words.

Every figure and every phrase is isolated (``kit.core.bidi.isolate``): "NPS -66" inside a Persian
line would otherwise show its minus sign on the wrong side, and an English source name would
take the Persian comma after it along.
"""

from __future__ import annotations

from typing import Any

from kit.core import i18n
from kit.core.bidi import isolate, isolate_each
from kit.core.feelings import feeling

# Figures worded by the catalogue (kit/assets/messages/sources.yaml, key ``ev_<name>``; {v} is the figure)
PHRASED = ("responses", "customers", "customers_over", "over", "lost_over", "tolerance_per_week", "observations",
           "entries", "moments", "quotes", "customer_lines", "nps", "csat", "ces", "ideal", "gap", "nps_over",
           "nps_rest", "top2box", "nps_of_author", "faces_blurred", "bleeped", "recording", "reach", "buy", "pays",
           "prefer")
# ids (moments, transcript lines, the comment a cut was made from), and bounds shown with their figure
HIDDEN = {"moment_ids", "lines", "comment", "lo", "hi", "top2box_lo", "top2box_hi"}
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
    return i18n.t("ev_interval", lang, lo=low, hi=high)


def _phrase(name: str, value: Any, evidence: dict[str, Any], lang: str) -> str:
    if name == "coded_by":
        return i18n.t(f"ev_coded_by_{value}", lang) if f"ev_coded_by_{value}" in i18n.LABELS else str(value)
    if name == "sentiment" and isinstance(value, int | float):
        return feeling(float(value), lang)[0]
    if name == "sources" and isinstance(value, list):
        words = [i18n.t(f"source_{v}", lang) if f"source_{v}" in i18n.LABELS else str(v) for v in value]
        return i18n.t("comma", lang).join(isolate_each(words))
    v = isolate(_value(name, value, lang))
    text = i18n.t(f"ev_{name}", lang, v=v) if name in PHRASED else i18n.t("ev_unknown", lang, name=name.replace("_", " "), v=v)
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
