"""Where it hurts, across every source: one table of observations, the stage x channel pain matrix, and the ranking.

Every piece of evidence becomes one *observation* (stage, channel, kind of source, who, how severe):
a survey answer (negative when NPS is 0-6; severity ``1 - nps/10``), a recorded or photographed moment
(negative when valence < 0; severity as coded, else ``-valence``), a social post (negative when its
sentiment < 0; severity ``-sentiment``). The ranking multiplies severity, reach (distinct customers
affected) and strength of evidence (kinds of sources x (1 + log10 of the number of observations)).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from kit.analysis import titles
from kit.core.text import match_key

UNSPECIFIED = "unspecified"
OBS_COLUMNS = ["kind", "stage", "channel", "who", "severity", "negative", "ref"]


def _order(values: pd.Series, order: list[str]) -> list[str]:
    seen = [v for v in order if v in set(values)]
    return seen + sorted(set(values) - set(seen))


def survey_observations(responses: pd.DataFrame) -> pd.DataFrame:
    r = responses.dropna(subset=["nps"])
    nps = r["nps"].astype(float)
    who = r["customer_id"].astype("string").fillna("response:" + r["response_id"].astype("string"))
    return pd.DataFrame({"kind": "survey", "stage": r["stage"], "channel": r["channel"], "who": who,
                         "severity": (1 - nps / 10).where(nps <= 6, 0.0), "negative": nps <= 6,
                         "ref": "survey-" + r["response_id"].astype("string")})


def moment_observations(moments: pd.DataFrame) -> pd.DataFrame:
    m = moments.dropna(subset=["valence"])
    m = m[m["source"].astype("string") != "survey"]           # survey answers are counted from responses
    valence = m["valence"].astype(float)
    severity = pd.to_numeric(m["severity"], errors="coerce") if "severity" in m else pd.Series(np.nan, index=m.index)
    severity = severity.fillna(-valence).clip(0, 1).where(valence < 0, 0.0)
    who = m["source"].astype("string") + ":" + m["ref"].astype("string")
    return pd.DataFrame({"kind": m["source"].astype("string"), "stage": m["stage"], "channel": m["channel"],
                         "who": who, "severity": severity, "negative": valence < 0, "ref": m["moment_id"].astype("string")})


# What projects call the channel of public posts; a Persian project names it in Persian
SOCIAL_NAMES = ("social", "social media", "شبکه‌های اجتماعی", "شبکه اجتماعی", "رسانه‌های اجتماعی", "اجتماعی")


def social_channel(channels: list[str] | None) -> str:
    """The project's own name for the social channel (``social``, ``شبکه‌های اجتماعی``), so posts join its column.

    Social posts carry no channel of their own; naming them ``social`` in a project whose channels
    are Persian would add an English column to the pain map. Compared by ``match_key`` (ZWNJ,
    spaces, Arabic letters); without such a channel, ``social``.
    """
    wanted = {match_key(name) for name in SOCIAL_NAMES}
    return next((c for c in channels or [] if match_key(str(c)) in wanted), "social")


def social_observations(comments: pd.DataFrame, channel: str = "social") -> pd.DataFrame:
    s = comments[(comments["field"] == "social_post")].dropna(subset=["sentiment"]) if len(comments) else comments
    if s.empty:
        return pd.DataFrame(columns=OBS_COLUMNS)
    stage = s["stage"] if "stage" in s else pd.Series(pd.NA, index=s.index)
    return pd.DataFrame({"kind": "social", "stage": stage, "channel": channel, "who": "social:" + s["comment_id"].astype(str),
                         "severity": (-s["sentiment"].astype(float)).clip(0, 1), "negative": s["sentiment"] < 0,
                         "ref": s["comment_id"].astype(str)})


def observations(responses: pd.DataFrame, moments: pd.DataFrame, comments: pd.DataFrame,
                 channels: list[str] | None = None) -> pd.DataFrame:
    """Every observation from every source, with unknown stage or channel named ``unspecified``.

    Social posts count in the project's social channel (``social_channel(channels)``).
    """
    parts = [survey_observations(responses)]
    if len(moments):
        parts.append(moment_observations(moments))
        has_social = bool((moments["source"].astype("string") == "social").any())
    else:
        has_social = False
    if not has_social and len(comments):
        parts.append(social_observations(comments, social_channel(channels)))
    obs = pd.concat([p for p in parts if len(p)], ignore_index=True)
    for col in ("stage", "channel"):
        obs[col] = obs[col].astype("string").fillna(UNSPECIFIED).replace("", UNSPECIFIED)
    obs["negative"] = obs["negative"].astype(bool)
    obs["severity"] = obs["severity"].astype(float)
    return obs[OBS_COLUMNS]


def pain_matrix(obs: pd.DataFrame, stages: list[str], channels: list[str], min_n: int) -> pd.DataFrame:
    """One row per stage x channel with observations: n, negative count, mean severity of the negatives, pain.

    ``pain`` = mean severity x negative count / the largest negative count of any cell (0..1), so the
    worst cell is both severe and frequent. ``too_few`` marks cells with fewer than ``min_n`` observations.
    """
    rows = []
    for (stage, channel), g in obs.groupby(["stage", "channel"], sort=False):
        neg = g[g["negative"]]
        rows.append({"stage": stage, "channel": channel, "n": len(g), "negatives": len(neg),
                     "severity": float(neg["severity"].mean()) if len(neg) else 0.0,
                     "customers": int(neg["who"].nunique()), "kinds": ", ".join(sorted(neg["kind"].unique())),
                     "too_few": len(g) < min_n})
    table = pd.DataFrame(rows)
    top = table["negatives"].max() if len(table) else 0
    table["pain"] = table["severity"] * table["negatives"] / top if top else 0.0
    s_order = {s: i for i, s in enumerate(_order(table["stage"], stages))}
    c_order = {c: i for i, c in enumerate(_order(table["channel"], channels))}
    return (table.assign(_s=table["stage"].map(s_order), _c=table["channel"].map(c_order))
            .sort_values(["_s", "_c"]).drop(columns=["_s", "_c"]).reset_index(drop=True))


def evidence_strength(kinds: int, items: int) -> float:
    """Kinds of sources x (1 + log10 of the observations): two kinds beat one, ten answers beat one."""
    return kinds * (1 + math.log10(items)) if items > 0 else 0.0


def _exhibits_for(records: list[dict[str, Any]], stage: str, channel: str) -> list[dict[str, Any]]:
    hits = [r for r in records if r.get("stage") == stage and (r.get("channel") or UNSPECIFIED) == channel
            and (r.get("valence") is None or r["valence"] < 0) and r.get("kind") != "metric"]
    return sorted(hits, key=lambda r: -(r.get("severity") or 0))


def _thumb(records: list[dict[str, Any]]) -> str | None:
    for r in records:
        thumb = (r.get("media") or {}).get("thumb")
        if thumb:
            return thumb
    return None


QUOTES_READ = 6          # the most severe quotes of a cell whose sentences compete for its strongest words


def _strongest_quote(records: list[dict[str, Any]]) -> str:
    """The strongest customer words behind a cell: of the sentences of its most severe quotes (records
    come most severe first), the most negative one by the survey's sentiment scorer, shortened."""
    quotes = [str(r["quote"]) for r in records if r.get("quote")][:QUOTES_READ]
    candidates = [s for q in quotes for s in titles.sentences(q)]
    if not candidates:
        return titles.excerpt(quotes[0]) if quotes else ""
    from kit.analysis.sentiment import score  # loads its lexicons: only when there are words to weigh
    values = score(candidates)
    return titles.shorten(candidates[int(np.argmin(values))])


def cell_entries(obs: pd.DataFrame, records: list[dict[str, Any]], min_n: int, lang: str = "en") -> list[dict[str, Any]]:
    """One candidate per stage x channel where something went wrong.

    Its title says where and how many in plain words ("Coaching in the app: 50 customers unhappy");
    ``quote`` holds the strongest customer words behind it, for the page to show under the title.
    """
    out = []
    for (stage, channel), g in obs[obs["negative"]].groupby(["stage", "channel"], sort=False):
        kinds = sorted(g["kind"].unique())
        reach = int(g["who"].nunique())
        ex = _exhibits_for(records, stage, channel)
        out.append({"title": titles.unhappy(stage, channel, reach, lang), "quote": _strongest_quote(ex),
                    "stage": stage, "channel": channel,
                    "severity": round(float(g["severity"].mean()), 3), "reach": reach,
                    "evidence_strength": round(evidence_strength(len(kinds), len(g)), 3), "sources": kinds,
                    "observations": len(g), "exhibits": [r["id"] for r in ex[:12]], "thumb": _thumb(ex),
                    "too_few": reach < min_n and len(kinds) < 2})
    return out


def rank(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Score = severity x reach x evidence strength; entries with too little evidence follow the ranked ones."""
    for e in entries:
        e["score"] = round(e["severity"] * e["reach"] * e["evidence_strength"], 3)
    ordered = sorted(entries, key=lambda e: (bool(e.get("too_few")), -e["score"], e["title"]))
    for i, e in enumerate(ordered, start=1):
        e["rank"] = i
    return ordered
