"""Key drivers: which themes move NPS, as the NPS of those who mention a theme minus that of those
who do not, with a 95% interval.
"""

from __future__ import annotations

import math

import pandas as pd

from kit.analysis.scores import Z95, nps_variance
from kit.analysis.themes import Themes, nps_by_response, split_themes

DRIVER_COLUMNS = ["rank", "theme", "lang", "label", "n_with", "n_without", "nps_with", "nps_without", "difference",
                  "lo", "hi", "significant", "share", "impact", "direction", "too_few", "quotes", "quote_ids"]


def from_tables(comments: pd.DataFrame, table: pd.DataFrame) -> Themes:
    """The ``Themes`` of a run folder, rebuilt from ``data/comments.parquet`` (its ``themes`` column)
    and ``data/themes.parquet``: what a later notebook passes to ``key_drivers``. Every comment
    carrying a label is a member of that theme (weight 1.0)."""
    ids = {(row.lang, row.label): row.theme for row in table.itertuples(index=False)}
    members = [(cid, ids[(lang, label)], 1.0)
               for cid, lang, value in zip(comments["comment_id"], comments["lang"], comments["themes"], strict=True)
               for label in split_themes(value) if (lang, label) in ids]
    frame = pd.DataFrame(members, columns=["comment_id", "theme", "weight"]).astype({"comment_id": "string"})
    return Themes(comments["themes"].astype("string").fillna(""), frame, table)


def key_drivers(comments: pd.DataFrame, responses: pd.DataFrame, themes: Themes | pd.DataFrame,
                min_n: int = 30) -> pd.DataFrame:
    """Themes ranked by their impact on NPS, each with its best quotes (survey answers only).

    For each theme, the respondents who wrote in its language are split into those whose answers
    carry the theme and the rest. ``difference`` is NPS(with) - NPS(without) in points, with a 95%
    interval from the trinomial variance of each group (``lo``, ``hi``); ``significant`` when the
    interval excludes 0. ``impact`` = share of respondents with the theme x difference: how many
    points the theme moves the NPS of those respondents (negative: it drags NPS down).
    Themes with fewer than ``min_n`` respondents on either side keep their numbers, are marked
    ``too_few`` and get no rank; the others are ranked by the size of their impact.

    ``themes`` is what ``find_themes`` returned, or the themes table of a run folder
    (``data/themes.parquet``, read with the run's ``comments``; see ``from_tables``).
    """
    if isinstance(themes, pd.DataFrame):
        themes = from_tables(comments, themes)
    nps = nps_by_response(responses)
    if nps is None or themes.table.empty:
        return pd.DataFrame(columns=DRIVER_COLUMNS)
    c = comments[~comments["comment_id"].astype(str).str.startswith("social:") & comments["response_id"].notna()]
    c = c.assign(nps=c["response_id"].map(nps).astype(float)).dropna(subset=["nps"])
    who = themes.members.merge(c[["comment_id", "response_id"]], on="comment_id")
    rows = []
    for t in themes.table.itertuples(index=False):
        pool = c[c["lang"] == t.lang].drop_duplicates("response_id").set_index("response_id")["nps"]
        mask = pool.index.isin(who.loc[who["theme"] == t.theme, "response_id"])
        with_, without = pool[mask], pool[~mask]
        if not len(with_) or not len(without):
            continue
        (v1, var1, _), (v0, var0, _) = nps_variance(with_), nps_variance(without)
        diff = v1 - v0
        se = math.sqrt(var1 + var0)
        lo, hi = diff - Z95 * se, diff + Z95 * se
        share = len(with_) / len(pool)
        rows.append({"theme": t.theme, "lang": t.lang, "label": t.label, "n_with": len(with_), "n_without": len(without),
                     "nps_with": 100 * v1, "nps_without": 100 * v0, "difference": 100 * diff, "lo": 100 * lo,
                     "hi": 100 * hi, "significant": bool(lo > 0 or hi < 0), "share": share, "impact": 100 * share * diff,
                     "direction": "lifts" if diff > 0 else "drags", "too_few": min(len(with_), len(without)) < min_n,
                     "quotes": t.quotes, "quote_ids": t.quote_ids})
    out = pd.DataFrame(rows, columns=[c for c in DRIVER_COLUMNS if c != "rank"])
    out = out.assign(size=out["impact"].abs()).sort_values(["too_few", "size", "theme"], ascending=[True, False, True])
    ranked = ~out["too_few"]
    out.insert(0, "rank", pd.array([*range(1, int(ranked.sum()) + 1), *[pd.NA] * int((~ranked).sum())], dtype="Int64"))
    return out.drop(columns="size").reset_index(drop=True)
