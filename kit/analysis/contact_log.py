"""The contact log aggregated by DuckDB, never loaded whole: contacts per customer and per channel,
outbound messages per week, and NPS by weekly-volume band.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kit.analysis.scores import nps

DUCKDB_MEMORY = "1GB"


def _query(sql: str, params: list[object]) -> pd.DataFrame:
    import duckdb

    with duckdb.connect(config={"memory_limit": DUCKDB_MEMORY, "threads": 2}) as con:
        con.execute("SET enable_progress_bar = false")
        return con.execute(sql, params).df()


def _to_utc(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Nanoseconds since 1970 (as queried, to stay clear of time-zone casts) back to UTC times."""
    for col in cols:
        frame[col] = pd.to_datetime(frame[col].astype("int64"), unit="ns", utc=True)
    return frame


def customer_contacts(parquet: Path) -> pd.DataFrame:
    """One row per customer of the contact log: outbound volume per week, complaints, leaving, buying, first and last contact.

    ``per_week`` follows ``scores.weekly_outbound``: outbound messages over the span between the first and
    last outbound message, at least one week; it is missing for customers never written to.
    """
    sql = """
    SELECT customer_id,
      count(*) FILTER (WHERE direction = 'outbound') AS outbound,
      count(*) FILTER (WHERE direction = 'outbound')
        / greatest(1.0, (max(t) FILTER (WHERE direction = 'outbound')
                         - min(t) FILTER (WHERE direction = 'outbound')) / 604800e9) AS per_week,
      count(*) FILTER (WHERE direction = 'inbound') AS inbound,
      count(*) FILTER (WHERE direction = 'inbound' AND kind = 'complaint') AS complaints,
      bool_or(kind = 'cancellation' OR outcome = 'cancelled') AS left_us,
      bool_or(kind = 'purchase' OR outcome = 'purchased') AS purchased,
      min(t) AS first_at, max(t) AS last_at,
      arg_min(channel, t) AS first_channel, arg_max(channel, t) AS last_channel,
      arg_min(kind, t) AS first_kind, arg_max(kind, t) AS last_kind
    FROM (SELECT *, epoch_ns("at") AS t FROM read_parquet(?)) GROUP BY customer_id ORDER BY customer_id"""
    frame = _to_utc(_query(sql, [str(parquet)]), ["first_at", "last_at"])
    frame.loc[frame["outbound"] == 0, "per_week"] = np.nan
    return frame


def channel_contacts(parquet: Path) -> pd.DataFrame:
    """One row per channel of the contact log: volume each way, customers reached, purchases, complaints and cost."""
    sql = """
    SELECT channel, count(*) AS contacts,
      count(*) FILTER (WHERE direction = 'inbound') AS inbound,
      count(*) FILTER (WHERE direction = 'outbound') AS outbound,
      count(DISTINCT customer_id) AS customers,
      count(*) FILTER (WHERE kind = 'purchase' OR outcome = 'purchased') AS purchases,
      count(*) FILTER (WHERE direction = 'inbound' AND kind = 'complaint') AS complaints,
      coalesce(sum(cost), 0) AS cost, count(cost) AS costed
    FROM read_parquet(?) GROUP BY channel ORDER BY channel"""
    return _query(sql, [str(parquet)])


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
