"""Negative experiences that can be computed from the contact log joined to survey answers."""

from __future__ import annotations

import pandas as pd

from kit import scores
from kit.exhibits import Exhibit


def overload_exhibits(contacts: pd.DataFrame, responses: pd.DataFrame, tolerance: float,
                      source: str) -> list[Exhibit]:
    """One metric exhibit: NPS of customers above the tolerance against everyone else."""
    if contacts.empty or not source:
        return []
    per_week = scores.weekly_outbound(contacts)
    joined = responses.dropna(subset=["customer_id"]).join(per_week, on="customer_id", how="inner")
    over = joined[joined["per_week"] > tolerance]
    rest = joined[joined["per_week"] <= tolerance]
    if over.empty or rest.empty:
        return []
    a, b = scores.nps(over["nps"]), scores.nps(rest["nps"])
    gap = a["value"] - b["value"]
    caption = (f"{over['customer_id'].nunique()} customers were sent more than {tolerance:g} messages a week: "
               f"NPS {a['value']:.0f} ({a['lo']:.0f} to {a['hi']:.0f}) against {b['value']:.0f} "
               f"({b['lo']:.0f} to {b['hi']:.0f}) for everyone else.")
    return [Exhibit(
        id="metric-contact-overload", kind="metric", title="Buried in messages", caption=caption,
        valence=round(max(-1.0, min(1.0, a["value"] / 100)), 2),
        severity=round(min(1.0, max(0.0, -gap / 100)), 2), lenses=["business", "design"],
        tags=["overload", "messages"], stage=None, channel=None,
        evidence={"customers_over": int(over["customer_id"].nunique()), "nps_over": round(a["value"], 1),
                  "nps_rest": round(b["value"], 1), "tolerance_per_week": tolerance},
        source={"file": source, "locator": "outbound contacts per customer per week"})]
