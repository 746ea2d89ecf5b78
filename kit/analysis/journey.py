"""The journey curve: felt valence per stage from every source against the designed ideal, and where customers come and go.

All sources share one scale, valence -1..1. Survey answers give NPS / 100 per stage (its 95% interval
scaled the same way), so a project.yaml ideal ``nps: 40`` is 0.40; an ideal given only as CSAT maps
1..5 to -1..1 (``(csat - 3) / 2``). Moments (recordings, photos, social, ...) give their mean valence
with the normal 95% interval. Groups below ``min_group_size`` are kept and marked ``too_few``.
"""

from __future__ import annotations

import math

import pandas as pd

from kit.analysis import scores

JOURNEY_COLUMNS = ["stage", "source", "valence", "lo", "hi", "n", "ideal", "too_few"]


def ideal_valence(ideal: dict[str, dict[str, float]]) -> dict[str, float]:
    """The designed experience per stage on the valence scale (NPS preferred, else CSAT)."""
    out = {}
    for stage, targets in (ideal or {}).items():
        if targets.get("nps") is not None:
            out[stage] = float(targets["nps"]) / 100
        elif targets.get("csat") is not None:
            out[stage] = (float(targets["csat"]) - 3) / 2
    return out


def _clip(v: float) -> float:
    return v if math.isnan(v) else max(-1.0, min(1.0, v))


def survey_rows(responses: pd.DataFrame) -> list[dict[str, object]]:
    rows = []
    for stage, g in responses.dropna(subset=["stage"]).groupby("stage"):
        n_ = scores.nps(g["nps"])
        if n_["n"]:
            rows.append({"stage": stage, "source": "survey", "valence": n_["value"] / 100, "lo": n_["lo"] / 100,
                         "hi": n_["hi"] / 100, "n": n_["n"]})
    return rows


def moment_rows(moments: pd.DataFrame) -> list[dict[str, object]]:
    if moments.empty:
        return []
    m = moments.dropna(subset=["stage", "valence"])
    m = m[m["source"].astype("string") != "survey"]
    rows = []
    for (source, stage), g in m.groupby([m["source"].astype(str), m["stage"].astype(str)]):
        c = scores.mean_ci(g["valence"].astype(float))
        lo, hi = (c["lo"], c["hi"]) if not math.isnan(c["lo"]) else (c["value"], c["value"])
        rows.append({"stage": stage, "source": source, "valence": _clip(c["value"]), "lo": _clip(lo), "hi": _clip(hi),
                     "n": c["n"]})
    return rows


def social_rows(comments: pd.DataFrame) -> list[dict[str, object]]:
    """Social posts count only once they carry a stage and a sentiment (the sentiment step may add both)."""
    if comments.empty or "stage" not in comments:
        return []
    s = comments[comments["field"] == "social_post"].dropna(subset=["stage", "sentiment"])
    rows = []
    for stage, g in s.groupby("stage"):
        c = scores.mean_ci(g["sentiment"].astype(float))
        rows.append({"stage": stage, "source": "social", "valence": _clip(c["value"]), "lo": _clip(c["lo"]),
                     "hi": _clip(c["hi"]), "n": c["n"]})
    return rows


def journey_table(responses: pd.DataFrame, moments: pd.DataFrame, comments: pd.DataFrame, stages: list[str],
                  ideal: dict[str, dict[str, float]], min_n: int) -> pd.DataFrame:
    """One row per stage and source, stages in project.yaml's order (unknown stages after them)."""
    rows = survey_rows(responses) + moment_rows(moments)
    social_moments = len(moments) > 0 and bool((moments["source"].astype("string") == "social").any())
    if not social_moments:
        rows += social_rows(comments)
    table = pd.DataFrame(rows, columns=JOURNEY_COLUMNS[:-2])
    targets = ideal_valence(ideal)
    table["ideal"] = table["stage"].map(targets).astype(float)
    table["too_few"] = table["n"] < min_n
    order = {s: i for i, s in enumerate(stages)}
    table = table.assign(_o=table["stage"].map(lambda s: order.get(s, len(order)))).sort_values(["_o", "stage", "source"])
    return table.drop(columns="_o").reset_index(drop=True).astype({"n": int})


def pooled(table: pd.DataFrame) -> pd.DataFrame:
    """Per stage: valence over all sources weighted by n, and its gap to the ideal (actual - ideal)."""
    rows = []
    for stage, g in table.groupby("stage", sort=False):
        n = int(g["n"].sum())
        v = float((g["valence"] * g["n"]).sum() / n) if n else math.nan
        ideal = g["ideal"].dropna()
        rows.append({"stage": stage, "valence": v, "n": n, "ideal": float(ideal.iloc[0]) if len(ideal) else math.nan})
    out = pd.DataFrame(rows)
    out["gap"] = out["valence"] - out["ideal"]
    return out


def widest_gaps(table: pd.DataFrame, k: int = 3) -> pd.DataFrame:
    """The ``k`` stages whose pooled valence falls furthest below the ideal."""
    p = pooled(table).dropna(subset=["gap"])
    return p[p["gap"] < 0].nsmallest(k, "gap").reset_index(drop=True)


def entries_exits(responses: pd.DataFrame, customers: pd.DataFrame, stages: list[str]) -> pd.DataFrame:
    """Per stage: customers whose first answer was at it (entered) and leavers whose last answer was at it (left).

    The journey is not linear: customers answer from any stage. A leaver is a customer who cancelled
    in the contact log; the stage of their latest survey answer is where they were when they left.
    """
    r = responses.dropna(subset=["customer_id", "stage"]).sort_values("submitted_at")
    first = r.drop_duplicates("customer_id", keep="first")
    last = r.drop_duplicates("customer_id", keep="last")
    leavers = set(customers.loc[customers["left_us"].astype(bool), "customer_id"]) if len(customers) else set()
    left = last[last["customer_id"].isin(leavers)]
    entered = first["stage"].value_counts()
    gone = left["stage"].value_counts()
    seen = [s for s in stages if s in set(entered.index) | set(gone.index)]
    seen += sorted((set(entered.index) | set(gone.index)) - set(seen))
    return pd.DataFrame({"stage": seen, "entered": [int(entered.get(s, 0)) for s in seen],
                         "left": [int(gone.get(s, 0)) for s in seen]})
