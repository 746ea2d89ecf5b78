"""A recording's emotional timeline: how the customer's words felt, minute by minute.

Each customer line carries a sentiment score (the survey's method, ``kit.analysis.sentiment``); here the
scores are pooled into overlapping windows, weighted by how long each line lasts within the
window, so one sharp word does not paint a whole minute and a silent stretch is a gap in the
line rather than a neutral zero. Interviewer lines are never scored, so they never count.

The same windows serve twice: the chart, and the negative peaks that become moments when a
recording has no researcher's markers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

WINDOW_S = 30.0                 # long enough to hold a few lines, short enough to find the bad minute
STEP_S = 10.0                   # windows overlap: a moment is never split by a window edge
PEAK_VALENCE = -0.25            # a window this negative, and lower than its neighbours, is a peak
MIN_WEIGHT_S = 0.5              # a very short cue still counts as half a second of speech
TIMELINE_COLUMNS = ["recording_id", "start_s", "end_s", "mid_s", "valence", "lines"]


def windows(utterances: pd.DataFrame, recording_id: str = "", *, window_s: float = WINDOW_S,
            step_s: float = STEP_S, duration_s: float | None = None) -> pd.DataFrame:
    """Valence per window of one recording from its scored customer lines.

    ``utterances`` needs start_s, end_s and sentiment (NaN for lines that are not the customer's).
    A window's valence is the mean of the lines overlapping it, each weighted by its overlap in
    seconds (at least MIN_WEIGHT_S for a line inside it); windows with no customer line are NaN.
    """
    scored = utterances[utterances["sentiment"].notna()]
    end = max(float(scored["end_s"].max()) if len(scored) else 0.0, duration_s or 0.0)
    if not len(scored) or end <= 0:
        return pd.DataFrame(columns=TIMELINE_COLUMNS).astype({c: float for c in TIMELINE_COLUMNS[1:]})
    starts = np.arange(0.0, max(end - window_s, 0.0) + step_s, step_s)
    starts = starts[starts < end] if len(starts) > 1 else starts
    s0, s1 = starts[:, None], starts[:, None] + window_s
    u0, u1 = scored["start_s"].to_numpy(float)[None, :], scored["end_s"].to_numpy(float)[None, :]
    overlap = np.clip(np.minimum(s1, u1) - np.maximum(s0, u0), 0.0, None)
    inside = (u0 < s1) & (u1 > s0)
    weight = np.where(inside, np.maximum(overlap, np.minimum(MIN_WEIGHT_S, u1 - u0 + MIN_WEIGHT_S)), 0.0)
    total = weight.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        valence = np.where(total > 0, weight @ scored["sentiment"].to_numpy(float) / np.where(total > 0, total, 1), np.nan)
    ends = np.minimum(starts + window_s, end)
    return pd.DataFrame({"recording_id": recording_id, "start_s": starts, "end_s": ends,
                         "mid_s": (starts + ends) / 2, "valence": np.round(valence, 4),
                         "lines": inside.sum(axis=1).astype(float)}, columns=TIMELINE_COLUMNS)


def negative_peaks(win: pd.DataFrame, threshold: float = PEAK_VALENCE) -> pd.DataFrame:
    """Windows at or below ``threshold`` that are no higher than their scored neighbours,
    most negative first; a peak overlapping a more negative one is the same stretch and dropped."""
    scored = win[win["valence"].notna()].reset_index(drop=True)
    v = scored["valence"].to_numpy(float)
    if not len(v):
        return scored
    prev = np.concatenate([[np.inf], v[:-1]])
    nxt = np.concatenate([v[1:], [np.inf]])
    candidates = scored[(v <= threshold) & (v <= prev) & (v <= nxt)].sort_values(["valence", "start_s"])
    kept: list[int] = []
    for i, row in candidates.iterrows():
        if all(row["end_s"] <= scored.at[k, "start_s"] or row["start_s"] >= scored.at[k, "end_s"] for k in kept):
            kept.append(int(i))
    return scored.loc[kept].reset_index(drop=True)


def hms(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


