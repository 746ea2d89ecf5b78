"""Survey scores with their 95% intervals, overall, by group and by period, and which differences are real.

CES follows CES 2.0: 1-7 agreement with "the company made it easy", so 7 is the easiest.

Intervals that stay honest for small groups:

- **NPS** uses the trinomial variance of the (promoter, passive, detractor) shares. From
  ``SMALL_N`` answers up it is the plain (Wald) interval; below it, the adjusted interval adds
  z^2/4 promoters, z^2/4 detractors and z^2/2 passives before computing it (the trinomial analogue
  of the Agresti-Coull interval), which keeps coverage near 95% where the plain one falls short and
  never collapses to zero width when every answer is the same. The reported value is always the
  plain NPS of the answers, and the interval is widened to hold it when the shift toward 0 would
  leave it outside (two answers of 10: NPS 100, interval up to 100). Simulated over a grid of
  true shares, groups of 5-29 answers get 94.8% average coverage (the plain interval: less).
- **CSAT and CES means** use Student's t (so a group of 8 gets a wider interval than z gives).
- **Top-2-box** (CSAT 4-5) uses the Wilson interval.

Differences are flagged only when a test says they are real: each group against the rest of the
answers (NPS: difference over the sum of the two trinomial variances; means: Welch's t) and each
period against the one before, with Holm's correction over the comparisons made in one table.
Groups smaller than ``min_n`` keep their numbers but are marked ``too_few``: they are never ranked,
never compared and never flagged.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from kit.core import periods as calendar_periods

Z95 = 1.959963984540054
SMALL_N = 30
ALPHA = 0.05
SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


def _nan_result(n: int = 0) -> dict[str, float]:
    return {"n": n, "value": math.nan, "lo": math.nan, "hi": math.nan}


def nps_counts(promoters: float, passives: float, detractors: float) -> dict[str, float]:
    """NPS in points with its 95% interval from the three counts (adjusted below ``SMALL_N`` answers)."""
    n = promoters + passives + detractors
    if n == 0:
        return _nan_result()
    value = (promoters - detractors) / n
    if n < SMALL_N:
        add = Z95**2 / 4
        p, d, m = (promoters + add) / (n + 4 * add), (detractors + add) / (n + 4 * add), n + 4 * add
    else:
        p, d, m = promoters / n, detractors / n, n
    centre = p - d
    se = math.sqrt(max(p + d - centre**2, 0.0) / m)
    lo, hi = max(-1.0, min(value, centre - Z95 * se)), min(1.0, max(value, centre + Z95 * se))
    return {"n": int(n), "value": 100 * value, "lo": 100 * lo, "hi": 100 * hi}


def nps(scores: pd.Series) -> dict[str, float]:
    """NPS in points (-100..100) with its 95% interval, from 0-10 ratings (missing ignored)."""
    s = pd.to_numeric(scores, errors="coerce").dropna().to_numpy(dtype=float)
    pro, det = int((s >= 9).sum()), int((s <= 6).sum())
    return nps_counts(pro, len(s) - pro - det, det)


def nps_variance(scores: pd.Series) -> tuple[float, float, int]:
    """NPS (as a share, -1..1), the variance of that estimate, and n: what a difference test needs."""
    s = pd.to_numeric(scores, errors="coerce").dropna().to_numpy(dtype=float)
    n = len(s)
    if n == 0:
        return math.nan, math.nan, 0
    p, d = float((s >= 9).mean()), float((s <= 6).mean())
    return p - d, (p + d - (p - d) ** 2) / n, n


def mean_ci(values: pd.Series) -> dict[str, float]:
    """Mean with its 95% Student-t interval (missing ignored; one answer has no interval)."""
    s = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    n = len(s)
    if n == 0:
        return _nan_result()
    m = float(s.mean())
    if n == 1:
        return {"n": 1, "value": m, "lo": math.nan, "hi": math.nan}
    half = float(stats.t.ppf(0.975, n - 1)) * float(s.std(ddof=1)) / math.sqrt(n)
    return {"n": n, "value": m, "lo": m - half, "hi": m + half}


def wilson(successes: float, n: float) -> tuple[float, float]:
    """95% Wilson interval of a proportion (0..1); right at 0 and n successes, unlike the plain one."""
    if n == 0:
        return math.nan, math.nan
    p = successes / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def top2box(csat: pd.Series) -> float:
    """Share (%) of CSAT answers that are 4 or 5."""
    s = pd.to_numeric(csat, errors="coerce").dropna()
    return float((s >= 4).mean() * 100) if len(s) else math.nan


def top2box_ci(csat: pd.Series) -> dict[str, float]:
    """Top-2-box share (%) with its 95% Wilson interval."""
    s = pd.to_numeric(csat, errors="coerce").dropna()
    n, k = len(s), int((s >= 4).sum())
    if n == 0:
        return _nan_result()
    lo, hi = wilson(k, n)
    return {"n": n, "value": 100 * k / n, "lo": 100 * lo, "hi": 100 * hi}


def headline(responses: pd.DataFrame) -> dict[str, dict[str, float]]:
    """NPS, CSAT (with top-2-box and its interval) and CES over all responses."""
    t2 = top2box_ci(responses["csat"])
    return {"nps": nps(responses["nps"]),
            "csat": {**mean_ci(responses["csat"]), "top2box": t2["value"], "top2box_lo": t2["lo"],
                     "top2box_hi": t2["hi"]},
            "ces": mean_ci(responses["ces"])}


def distribution(responses: pd.DataFrame, score: str) -> pd.DataFrame:
    """How many answers gave each value of the scale (every value listed, zeros included), and their share (%)."""
    lo, hi = SCALES[score]
    s = pd.to_numeric(responses[score], errors="coerce").dropna().astype(int)
    counts = s.value_counts().reindex(range(lo, hi + 1), fill_value=0)
    total = int(counts.sum())
    return pd.DataFrame({"value": counts.index, "answers": counts.to_numpy(),
                         "share": counts.to_numpy() / total * 100 if total else np.nan})


def holm(pvalues: list[float]) -> list[float]:
    """Holm-adjusted p-values (family-wise error held at the level over all the comparisons)."""
    p = np.asarray(pvalues, dtype=float)
    ok = ~np.isnan(p)
    out = np.full(len(p), np.nan)
    if not ok.any():
        return out.tolist()
    idx = np.flatnonzero(ok)
    order = idx[np.argsort(p[idx])]
    m = len(order)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out.tolist()


def nps_diff_p(a: pd.Series, b: pd.Series) -> float:
    """Two-sided p-value that two groups' NPS differ (difference over its standard error, independent groups)."""
    return _nps_diff_p(_counts(a), _counts(b))


def mean_diff_p(a: pd.Series, b: pd.Series) -> float:
    """Two-sided Welch's t-test p-value that two groups' means differ."""
    return _welch_p(_moments(a), _moments(b))


def _counts(s: pd.Series) -> tuple[float, float, float]:
    v = pd.to_numeric(s, errors="coerce").dropna().to_numpy(dtype=float)
    pro, det = float((v >= 9).sum()), float((v <= 6).sum())
    return pro, len(v) - pro - det, det


def _moments(s: pd.Series) -> tuple[float, float, float]:
    v = pd.to_numeric(s, errors="coerce").dropna().to_numpy(dtype=float)
    return float(len(v)), float(v.sum()), float((v * v).sum())


def _nps_diff_p(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    (pa, ma, da), (pb, mb, db) = a, b
    na, nb = pa + ma + da, pb + mb + db
    if na == 0 or nb == 0:
        return math.nan
    va, vb = (pa - da) / na, (pb - db) / nb
    var = (pa / na + da / na - va**2) / na + (pb / nb + db / nb - vb**2) / nb
    if var <= 0:
        return math.nan
    return float(2 * stats.norm.sf(abs(va - vb) / math.sqrt(var)))


def _sd(n: float, total: float, squares: float) -> float:
    return math.sqrt(max(squares - total * total / n, 0.0) / (n - 1)) if n > 1 else math.nan


def _welch_p(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    (na, sa, qa), (nb, sb, qb) = a, b
    if na < 2 or nb < 2:
        return math.nan
    sda, sdb = _sd(na, sa, qa), _sd(nb, sb, qb)
    if sda == 0 and sdb == 0:
        return math.nan
    return float(stats.ttest_ind_from_stats(sa / na, sda, na, sb / nb, sdb, nb, equal_var=False).pvalue)


class _GroupStats:
    """Sufficient statistics per group, in one pass over the answers: counts, sums and sums of squares.

    Every score, interval and test of a group (and of "the rest": total minus the group) follows
    from them, so a million answers are summed once, not once per group and comparison.
    """

    def __init__(self, responses: pd.DataFrame, codes: np.ndarray, k: int) -> None:
        self.k = k
        self.rows = np.bincount(codes[codes >= 0], minlength=k).astype(float)
        self.values = {c: self._sums(responses[c], codes) for c in ("nps", "csat", "ces")}
        v, ok = self._valid(responses["nps"], codes)
        self.pro = np.bincount(codes[ok], weights=(v[ok] >= 9), minlength=k)
        self.det = np.bincount(codes[ok], weights=(v[ok] <= 6), minlength=k)
        v, ok = self._valid(responses["csat"], codes)
        self.top2 = np.bincount(codes[ok], weights=(v[ok] >= 4), minlength=k)

    @staticmethod
    def _valid(s: pd.Series, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        return v, ~np.isnan(v) & (codes >= 0)

    def _sums(self, s: pd.Series, codes: np.ndarray) -> np.ndarray:
        v, ok = self._valid(s, codes)
        c, x = codes[ok], v[ok]
        return np.stack([np.bincount(c, minlength=self.k).astype(float), np.bincount(c, x, self.k),
                         np.bincount(c, x * x, self.k)], axis=1)

    def nps3(self, i: int | None) -> tuple[float, float, float]:
        """(promoters, passives, detractors) of group i, or of all groups together when i is None."""
        pro, det, n = (self.pro, self.det, self.values["nps"][:, 0])
        if i is None:
            return float(pro.sum()), float(n.sum() - pro.sum() - det.sum()), float(det.sum())
        return float(pro[i]), float(n[i] - pro[i] - det[i]), float(det[i])

    def moments(self, score: str, i: int | None) -> tuple[float, float, float]:
        m = self.values[score]
        return tuple(float(x) for x in (m.sum(axis=0) if i is None else m[i]))  # type: ignore[return-value]

    def rest(self, score: str, i: int) -> tuple[float, float, float]:
        whole = self.nps3(None) if score == "nps" else self.moments(score, None)
        mine = self.nps3(i) if score == "nps" else self.moments(score, i)
        return tuple(w - m for w, m in zip(whole, mine, strict=True))  # type: ignore[return-value]

    def row(self, i: int) -> dict[str, float]:
        n_ = nps_counts(*self.nps3(i))
        c, e = _mean_from(*self.moments("csat", i)), _mean_from(*self.moments("ces", i))
        t_n = self.values["csat"][i, 0]
        lo, hi = wilson(self.top2[i], t_n)
        return {"responses": int(self.rows[i]), "nps": n_["value"], "nps_lo": n_["lo"], "nps_hi": n_["hi"],
                "nps_n": n_["n"], "csat": c["value"], "csat_lo": c["lo"], "csat_hi": c["hi"], "csat_n": c["n"],
                "top2box": 100 * self.top2[i] / t_n if t_n else math.nan, "top2box_lo": 100 * lo, "top2box_hi": 100 * hi,
                "ces": e["value"], "ces_lo": e["lo"], "ces_hi": e["hi"], "ces_n": e["n"]}


def _mean_from(n: float, total: float, squares: float) -> dict[str, float]:
    """Mean and its Student-t interval from count, sum and sum of squares."""
    if n == 0:
        return _nan_result()
    m = total / n
    if n == 1:
        return {"n": 1, "value": m, "lo": math.nan, "hi": math.nan}
    half = float(stats.t.ppf(0.975, n - 1)) * _sd(n, total, squares) / math.sqrt(n)
    return {"n": int(n), "value": m, "lo": m - half, "hi": m + half}


def _score_value(score: str, three: tuple[float, float, float]) -> float:
    if score == "nps":
        n = sum(three)
        return 100 * (three[0] - three[2]) / n if n else math.nan
    return three[1] / three[0] if three[0] else math.nan


def _flag(diff: float, p_adj: float, up: str, down: str) -> str:
    if math.isnan(p_adj) or p_adj >= ALPHA:
        return ""
    return up if diff > 0 else down


def by_group(responses: pd.DataFrame, key: str, min_n: int, order: list[str] | None = None) -> pd.DataFrame:
    """One row per value of ``key``: n, each score with its interval, and its difference from the rest.

    ``{score}_p`` is the Holm-adjusted p-value of the group against all other answers and
    ``{score}_flag`` is "above", "below" or "" (not a real difference, or too few answers to say).
    Groups with fewer than ``min_n`` NPS answers are ``too_few``: kept, never tested or ranked.
    """
    codes, values = pd.factorize(responses[key], sort=True)
    if not len(values):
        return pd.DataFrame()
    st = _GroupStats(responses, np.asarray(codes), len(values))
    table = pd.DataFrame([{key: v, **st.row(i)} for i, v in enumerate(values)])
    table["too_few"] = table["nps_n"] < min_n
    for score in ("nps", "csat", "ces"):
        test = _nps_diff_p if score == "nps" else _welch_p
        n_of = (lambda t: sum(t)) if score == "nps" else (lambda t: t[0])
        raw, diff = [], []
        for i in range(len(values)):
            mine, rest = (st.nps3(i) if score == "nps" else st.moments(score, i)), st.rest(score, i)
            diff.append(_score_value(score, mine) - _score_value(score, rest))
            enough = not table["too_few"].iloc[i] and n_of(rest) >= min_n
            raw.append(test(mine, rest) if enough else math.nan)
        table[f"{score}_p"] = holm(raw)
        table[f"{score}_flag"] = [_flag(d, p, "above", "below") for d, p in zip(diff, table[f"{score}_p"], strict=True)]
    if order:
        rank = {v: i for i, v in enumerate(order)}
        table = table.sort_values(key, key=lambda s: s.map(lambda v: rank.get(v, len(rank))), kind="stable")
    return table.reset_index(drop=True)


def periods(submitted_at: pd.Series, freq: str, calendar: str = "gregorian", tz: str = "UTC") -> pd.Series:
    """Start of each answer's week ('W') or month ('M') as naive timestamps, by its day in ``tz``.

    Gregorian weeks run Monday to Sunday; Jalali weeks Saturday to Friday and Jalali months are
    Farvardin, Ordibehesht... (``kit.core.periods``).
    """
    return calendar_periods.starts(submitted_at, freq, calendar, tz)


def by_period(responses: pd.DataFrame, freq: str = "W", min_n: int = SMALL_N, *, calendar: str = "gregorian",
              tz: str = "UTC", lang: str = "en") -> pd.DataFrame:
    """Scores per week ('W') or month ('M') with their intervals, and which changes from the period before are real.

    ``nps_change`` is the difference from the previous period, ``nps_change_p`` its Holm-adjusted
    p-value over all consecutive pairs, ``nps_change_flag`` "up", "down" or "". A period with fewer
    than ``min_n`` answers is ``too_few`` and no change into or out of it is tested. Periods are of
    ``calendar`` in ``tz`` (``periods``); ``key`` and ``label`` name them in that calendar, the
    label in ``lang``.
    """
    r = responses.dropna(subset=["submitted_at"])
    if r.empty:
        return pd.DataFrame(columns=["period", "key", "label", "nps", "nps_n", "nps_lo", "nps_hi", "too_few"])
    codes, values = pd.factorize(periods(r["submitted_at"], freq, calendar, tz), sort=True)
    st = _GroupStats(r, np.asarray(codes), len(values))
    table = pd.DataFrame([{"period": p, "key": calendar_periods.key(p, freq, calendar),
                           "label": calendar_periods.label(p, freq, calendar, lang), **st.row(i)}
                          for i, p in enumerate(values)])
    table["too_few"] = table["nps_n"] < min_n
    for score in ("nps", "csat", "ces"):
        test = _nps_diff_p if score == "nps" else _welch_p
        get = st.nps3 if score == "nps" else (lambda i, s=score: st.moments(s, i))
        raw, change = [math.nan], [math.nan]
        for i in range(1, len(values)):
            both = not table["too_few"].iloc[i] and not table["too_few"].iloc[i - 1]
            raw.append(test(get(i), get(i - 1)) if both else math.nan)
            change.append(table[score].iloc[i] - table[score].iloc[i - 1])
        table[f"{score}_change"] = change
        table[f"{score}_change_p"] = holm(raw)
        table[f"{score}_change_flag"] = [_flag(c, p, "up", "down")
                                         for c, p in zip(change, table[f"{score}_change_p"], strict=True)]
    return table


def actual_vs_ideal(by_stage: pd.DataFrame, ideal: dict[str, dict[str, float]]) -> pd.DataFrame:
    """Per stage and target (project.yaml journey.ideal): actual with its interval, ideal, gap, and if the gap is real.

    ``beyond_interval`` is true when the ideal lies outside the actual score's 95% interval, so
    the gap is more than sampling noise; a ``too_few`` stage never counts as beyond.
    """
    rows = []
    table = by_stage.set_index("stage") if len(by_stage) else pd.DataFrame()
    for stage, targets in ideal.items():
        for score, target in targets.items():
            have = stage in table.index
            actual = float(table.loc[stage, score]) if have else math.nan
            lo = float(table.loc[stage, f"{score}_lo"]) if have else math.nan
            hi = float(table.loc[stage, f"{score}_hi"]) if have else math.nan
            few = bool(table.loc[stage, "too_few"]) if have else True
            n = int(table.loc[stage, f"{score}_n"]) if have and f"{score}_n" in table else 0
            rows.append({"stage": stage, "score": score, "actual": actual, "lo": lo, "hi": hi, "ideal": float(target),
                         "gap": actual - target, "n": n, "too_few": few,
                         "beyond_interval": bool(not few and (target < lo or target > hi))})
    return pd.DataFrame(rows, columns=["stage", "score", "actual", "lo", "hi", "ideal", "gap", "n", "too_few",
                                       "beyond_interval"])


NAMES = {"nps": "NPS", "csat": "CSAT", "ces": "CES", "top2box": "top-2-box"}
