"""A value read from a JSON file or a table as a number, or None: what pages and reports draw from.

summary.json and negatives.json hold numbers, nulls and, from older runs, strings or NaN; every
reader wants "a float, or nothing to show", never an exception.
"""

from __future__ import annotations

import math
from typing import Any


def number_or_none(value: Any) -> float | None:
    """``value`` as a float; None when it is missing, not a number, NaN or infinite (JSON holds neither)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
