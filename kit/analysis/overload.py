"""Negative experiences computed from the contact log joined to survey answers, and from every source's moments.

The contact log is never loaded whole: ``kit.analysis.contact_log.customer_contacts`` gives one row per customer
(outbound messages per week, complaints, leaving), and everything here starts from that table.
A customer's *worst outcome* is counted once: left (cancelled) before complained before detractor
(NPS 0-6), so the pit's layers add up to the customers lost.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kit.analysis import scores
from kit.core import i18n
from kit.core.exhibits import Exhibit

OUTCOMES = ("left", "complained", "detractor")
BAND_EDGES = (0, 3, 7, 14, 28, np.inf)


def _joined(customers: pd.DataFrame, responses: pd.DataFrame) -> pd.DataFrame:
    """Customers written to, with their survey answer when they gave one (last answer per customer)."""
    sent = customers.dropna(subset=["per_week"])
    answered = (responses.dropna(subset=["customer_id"]).sort_values("submitted_at")
                .drop_duplicates("customer_id", keep="last")[["customer_id", "nps"]])
    return sent.merge(answered, on="customer_id", how="left")


def worst_outcome(joined: pd.DataFrame) -> pd.Series:
    """left, complained, detractor or '' per customer (each customer counted once, worst first)."""
    nps = pd.to_numeric(joined["nps"], errors="coerce")
    out = pd.Series("", index=joined.index, dtype=object)
    out[nps <= 6] = "detractor"
    out[joined["complaints"] > 0] = "complained"
    out[joined["left_us"].astype(bool)] = "left"
    return out


def overload_pile(customers: pd.DataFrame, responses: pd.DataFrame, width: float = 2.0,
                  cap: float = 40.0) -> pd.DataFrame:
    """Per bin of outbound messages a week: customers in the pile, and those lost to each worst outcome.

    Bins are ``[lo, lo + width)``; the last one holds everyone at ``cap`` or more. ``lost_share`` is the
    share (%) of the bin's customers who left, complained or (having answered) scored 0-6.
    """
    joined = _joined(customers, responses)
    edges = list(np.arange(0, cap + width / 2, width)) + [np.inf]
    joined["lo"] = pd.cut(joined["per_week"], bins=edges, right=False, labels=edges[:-1]).astype(float)
    joined["worst"] = worst_outcome(joined)
    rows = []
    for lo, g in joined.groupby("lo", sort=True):
        row = {"lo": lo, "hi": lo + width if lo < cap else math.inf, "customers": len(g),
               "answered": int(g["nps"].notna().sum()), "messages_per_week": float(g["per_week"].sum())}
        for kind in OUTCOMES:
            row[kind] = int((g["worst"] == kind).sum())
        row["lost"] = sum(row[k] for k in OUTCOMES)
        row["lost_share"] = 100.0 * row["lost"] / len(g)
        rows.append(row)
    return pd.DataFrame(rows)


def band_labels(edges: tuple[float, ...] = BAND_EDGES) -> list[str]:
    return [f"{int(a)}–{int(b)}" if np.isfinite(b) else f"{int(a)}+" for a, b in zip(edges[:-1], edges[1:], strict=True)]


def dose_response(customers: pd.DataFrame, responses: pd.DataFrame, min_n: int,
                  edges: tuple[float, ...] = BAND_EDGES) -> pd.DataFrame:
    """NPS with its 95% interval per band of outbound messages a week (as ``contact_log.contact_bands``), small bands marked."""
    per_week = customers.dropna(subset=["per_week"]).set_index("customer_id")["per_week"]
    joined = responses.dropna(subset=["customer_id"]).join(per_week, on="customer_id", how="inner")
    joined["band"] = pd.cut(joined["per_week"], bins=list(edges), labels=band_labels(edges), right=False)
    rows = []
    for band, grp in joined.groupby("band", observed=False):
        n_ = scores.nps(grp["nps"])
        rows.append({"band": str(band), "customers": grp["customer_id"].nunique(), "nps": n_["value"],
                     "nps_lo": n_["lo"], "nps_hi": n_["hi"], "nps_n": n_["n"], "too_few": n_["n"] < min_n})
    return pd.DataFrame(rows)


def overload_summary(customers: pd.DataFrame, responses: pd.DataFrame, tolerance: float) -> dict[str, float]:
    """Customers above the tolerance, how many were lost, and NPS above against at-or-below the tolerance."""
    joined = _joined(customers, responses)
    joined["worst"] = worst_outcome(joined)
    over, rest = joined[joined["per_week"] > tolerance], joined[joined["per_week"] <= tolerance]
    a, b = scores.nps(over["nps"]), scores.nps(rest["nps"])
    return {"customers": len(joined), "over": len(over), "lost_over": int((over["worst"] != "").sum()),
            "lost_rest": int((rest["worst"] != "").sum()), "rest": len(rest),
            "nps_over": a["value"], "nps_over_lo": a["lo"], "nps_over_hi": a["hi"], "nps_over_n": a["n"],
            "nps_rest": b["value"], "nps_rest_lo": b["lo"], "nps_rest_hi": b["hi"], "nps_rest_n": b["n"]}


def overload_exhibits(summary: dict[str, float], tolerance: float, source: str, lang: str = "en") -> list[Exhibit]:
    """One metric exhibit: NPS of customers above the tolerance against everyone else, worded in ``lang``."""
    if not source or not summary.get("over") or not summary.get("rest") or math.isnan(summary["nps_over"]):
        return []
    s = summary
    gap = s["nps_over"] - s["nps_rest"]
    def num(v: float) -> str:
        return i18n.number(v, lang)

    caption = i18n.t("cap_overload", lang, n=num(s["over"]), limit=num(tolerance), lost=num(s["lost_over"]),
                     a=num(s["nps_over"]), a_lo=num(s["nps_over_lo"]), a_hi=num(s["nps_over_hi"]), b=num(s["nps_rest"]),
                     b_lo=num(s["nps_rest_lo"]), b_hi=num(s["nps_rest_hi"]))
    title = i18n.t("ttl_overload", lang, n=num(s["over"]), limit=num(tolerance))
    return [Exhibit(
        id="metric-contact-overload", kind="metric", title=title, caption=caption,
        valence=round(max(-1.0, min(1.0, s["nps_over"] / 100)), 2),
        severity=round(min(1.0, max(0.0, -gap / 100)), 2), lenses=["business", "design"],
        tags=["overload", "messages"], stage=None, channel=None,
        evidence={"customers_over": int(s["over"]), "lost_over": int(s["lost_over"]), "nps_over": round(s["nps_over"], 1),
                  "nps_rest": round(s["nps_rest"], 1), "tolerance_per_week": tolerance},
        source={"file": source, "locator": "outbound contacts per customer per week"})]
