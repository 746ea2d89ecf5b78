"""How bad and how wide a negative experience is, in words people read without a scale.

``negatives.json`` carries severity as 0..1 (a survey answer of 0-6 counts 1 - nps/10, a moment its
coded severity) and reach as distinct customers. "severity 0.51" asks a reader to know that scale;
"severe" and "50 customers" do not. The bands follow what the numbers mean: 0.5 is a detractor's
typical answer (a 5 out of 10), 0.8 and over is a 0-2 or someone who left.
"""

from __future__ import annotations

import math

from kit.core import i18n

# (lowest severity of the band, label key), most severe first
SEVERITY_BANDS = [(0.8, "severity_very_severe"), (0.5, "severity_severe"), (0.25, "severity_moderate"),
                  (0.0, "severity_mild")]
UNKNOWN = "severity_unknown"


def severity_key(value: float | None) -> str:
    """The label key of a 0..1 severity (``None`` or NaN: not known)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return UNKNOWN
    for lowest, key in SEVERITY_BANDS:
        if value >= lowest:
            return key
    return SEVERITY_BANDS[-1][1]


def severity_text(value: float | None, lang: str = "en") -> str:
    """A 0..1 severity as a word in ``lang``: "very severe", "severe", "moderate", "mild"."""
    return i18n.t(severity_key(value), lang)


def reach_text(n: int | float | None, lang: str = "en") -> str:
    """How many customers an experience reached, worded ("50 customers", "1 customer"); "" when not known."""
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return ""
    return i18n.count("reach_customers", int(n), lang)
