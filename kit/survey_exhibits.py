"""Exhibits from survey evidence: headline metrics and customers' own words.

Until text sentiment is scored, a quote's valence comes from its author's NPS rating
(0 -> -1, 5 -> 0, 10 -> 1); unhappy answers of detractors are the negative quotes. The notebook
says so next to them.
"""

from __future__ import annotations

import pandas as pd

from kit import scores
from kit.exhibits import Exhibit
from kit.project import Project

QUOTES_PER_STAGE = 4
POSITIVE_QUOTES = 8


def metric_exhibits(responses: pd.DataFrame, source: str) -> list[Exhibit]:
    head = scores.headline(responses)
    n, c, e = head["nps"], head["csat"], head["ces"]
    items = [
        ("metric-nps", "Net Promoter Score", f"NPS {n['value']:.0f} (95% interval {n['lo']:.0f} to {n['hi']:.0f})",
         {"responses": n["n"], "nps": round(n["value"], 1), "lo": round(n["lo"], 1), "hi": round(n["hi"], 1)},
         max(-1.0, min(1.0, n["value"] / 100))),
        ("metric-csat", "Customer satisfaction",
         f"CSAT {c['value']:.2f} of 5, {c['top2box']:.0f}% satisfied (4-5)",
         {"responses": c["n"], "csat": round(c["value"], 2), "top2box": round(c["top2box"], 1)},
         max(-1.0, min(1.0, (c["value"] - 3) / 2))),
        ("metric-ces", "Customer effort", f"CES {e['value']:.2f} of 7 (7 = very easy)",
         {"responses": e["n"], "ces": round(e["value"], 2)}, max(-1.0, min(1.0, (e["value"] - 4) / 3))),
    ]
    return [Exhibit(id=i, kind="metric", title=t, caption=cap, evidence=ev, valence=round(v, 2),
                    lenses=["business"], source={"file": source, "locator": "all responses"})
            for i, t, cap, ev, v in items if ev["responses"]]


def _valence(nps: pd.Series) -> pd.Series:
    return (nps.astype(float) / 5 - 1).clip(-1, 1).round(2)


def quote_exhibits(responses: pd.DataFrame, comments: pd.DataFrame, project: Project) -> list[Exhibit]:
    """The most severe unhappy answers per stage, and a few of the happiest, as quotes."""
    survey = comments[comments["response_id"].notna()].merge(
        responses[["response_id", "nps", "stage", "channel", "segment", "source_row"]], on="response_id")
    survey = survey[survey["nps"].notna()].drop_duplicates("text")      # one wall entry per wording
    neg = survey[(survey["field"] == "disliked_most") & (survey["nps"] <= 6)]
    neg = neg.sort_values(["nps", "source_row"]).groupby("stage", dropna=False).head(QUOTES_PER_STAGE)
    pos = survey[(survey["field"] == "liked_most") & (survey["nps"] >= 9)].sort_values("source_row")
    pos = pos.groupby("stage", dropna=False).head(1).head(POSITIVE_QUOTES)
    out = []
    for row in pd.concat([neg, pos]).itertuples():
        valence = float(_valence(pd.Series([row.nps])).iloc[0])
        unhappy = row.field == "disliked_most"
        out.append(Exhibit(
            id=f"survey-{row.response_id}-{row.field}", kind="quote",
            title=("Unhappy" if unhappy else "Liked most") + (f" at {row.stage}" if isinstance(row.stage, str) else ""),
            quote=row.text, stage=row.stage if isinstance(row.stage, str) else None,
            channel=row.channel if isinstance(row.channel, str) else None,
            segment=row.segment if isinstance(row.segment, str) else None,
            valence=valence, severity=round(max(0.0, -valence), 2) if unhappy else 0.0,
            lenses=["design"], lang=row.lang, tags=[row.field],
            evidence={"nps_of_author": int(row.nps)},
            source={"file": row.source, "locator": f"row {row.source_row}"}))
    return out
