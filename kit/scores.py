"""Survey scores with their 95% intervals, overall and by group.

CES follows CES 2.0: 1-7 agreement with "the company made it easy", so 7 is the easiest.
NPS uses the trinomial variance of (promoter, passive, detractor) shares; CSAT and CES use the
normal interval of the mean. Groups smaller than ``min_n`` keep their numbers but are marked
``too_few`` so pages show them greyed and never rank them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

Z95 = 1.959963984540054


def nps(scores: pd.Series) -> dict[str, float]:
    """NPS in points (-100..100) with its 95% interval, from 0-10 ratings (missing ignored)."""
    s = scores.dropna().astype(float)
    n = len(s)
    if n == 0:
        return {"n": 0, "value": math.nan, "lo": math.nan, "hi": math.nan}
    pro, det = float((s >= 9).mean()), float((s <= 6).mean())
    value = pro - det
    se = math.sqrt(max(pro + det - value**2, 0.0) / n)
    return {"n": n, "value": 100 * value, "lo": max(-100.0, 100 * (value - Z95 * se)),
            "hi": min(100.0, 100 * (value + Z95 * se))}


def mean_ci(values: pd.Series) -> dict[str, float]:
    """Mean with its 95% interval (missing ignored)."""
    s = values.dropna().astype(float)
    n = len(s)
    if n == 0:
        return {"n": 0, "value": math.nan, "lo": math.nan, "hi": math.nan}
    m = float(s.mean())
    se = float(s.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
    return {"n": n, "value": m, "lo": m - Z95 * se, "hi": m + Z95 * se}


def top2box(csat: pd.Series) -> float:
    """Share (%) of CSAT answers that are 4 or 5."""
    s = csat.dropna()
    return float((s >= 4).mean() * 100) if len(s) else math.nan


def headline(responses: pd.DataFrame) -> dict[str, dict[str, float]]:
    """NPS, CSAT (with top-2-box) and CES over all responses."""
    return {"nps": nps(responses["nps"]), "csat": {**mean_ci(responses["csat"]),
                                                   "top2box": top2box(responses["csat"])},
            "ces": mean_ci(responses["ces"])}


def by_group(responses: pd.DataFrame, key: str, min_n: int, order: list[str] | None = None) -> pd.DataFrame:
    """One row per value of ``key``: n and each score with its interval; ``too_few`` below min_n."""
    rows = []
    for value, g in responses.groupby(key, observed=True, dropna=True):
        n_, c, e = nps(g["nps"]), mean_ci(g["csat"]), mean_ci(g["ces"])
        rows.append({key: value, "responses": len(g), "nps": n_["value"], "nps_lo": n_["lo"], "nps_hi": n_["hi"],
                     "nps_n": n_["n"], "csat": c["value"], "csat_lo": c["lo"], "csat_hi": c["hi"],
                     "ces": e["value"], "ces_lo": e["lo"], "ces_hi": e["hi"]})
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table["too_few"] = table["nps_n"] < min_n
    if order:
        rank = {v: i for i, v in enumerate(order)}
        table = table.sort_values(key, key=lambda s: s.map(lambda v: rank.get(v, len(rank))))
    return table.reset_index(drop=True)


def by_period(responses: pd.DataFrame, freq: str = "W") -> pd.DataFrame:
    """NPS per week ('W') or month ('M') with its interval, for trend lines."""
    r = responses.dropna(subset=["submitted_at"])
    period = r["submitted_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period(freq).dt.start_time
    rows = [{"period": p, **{f"nps_{k}" if k != "value" else "nps": v for k, v in nps(g["nps"]).items()}}
            for p, g in r.groupby(period)]
    return pd.DataFrame(rows)


def weekly_outbound(contacts: pd.DataFrame) -> pd.Series:
    """Outbound messages per customer per week (over the span of their contacts, at least a week)."""
    out = contacts[contacts["direction"] == "outbound"]
    g = out.groupby("customer_id")["at"].agg(["count", "min", "max"])
    weeks = ((g["max"] - g["min"]).dt.total_seconds() / 604800).clip(lower=1.0)
    return (g["count"] / weeks).rename("per_week")


def contact_bands(contacts: pd.DataFrame, responses: pd.DataFrame,
                  edges: tuple[float, ...] = (0, 3, 7, 14, 28, np.inf)) -> pd.DataFrame:
    """Dose-response: NPS by band of outbound contacts per customer per week.

    Weekly volume comes from ``weekly_outbound``, joined to survey answers by customer id.
    """
    if (contacts["direction"] != "outbound").all() or responses["customer_id"].isna().all():
        return pd.DataFrame()
    per_week = weekly_outbound(contacts)
    joined = responses.dropna(subset=["customer_id"]).join(per_week, on="customer_id", how="inner")
    labels = [f"{int(a)}–{int(b)}" if np.isfinite(b) else f"{int(a)}+" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    joined["band"] = pd.cut(joined["per_week"], bins=list(edges), labels=labels, right=False)
    rows = []
    for band, grp in joined.groupby("band", observed=False):
        n_ = nps(grp["nps"])
        rows.append({"band": band, "customers": grp["customer_id"].nunique(), "nps": n_["value"],
                     "nps_lo": n_["lo"], "nps_hi": n_["hi"], "nps_n": n_["n"]})
    return pd.DataFrame(rows)
