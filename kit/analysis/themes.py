"""Themes of open answers and social posts: groups with short labels in the answers' own words.

Why this way: open answers are short, so each language is modelled on its own (an English and a
Persian answer share no words) with TF-IDF over normalised content words and their bigrams, and
NMF (non-negative matrix factorisation, fixed seed, so a re-run gives the same themes). NMF lets
an answer carry two themes ("the app crashed and support never called back"). A theme's label
is its two strongest terms, as the answers spell them most often ("payment failed · card").
Answers that say nothing ("n/a", "nothing in particular", "چیزی به ذهنم نمی‌رسه") get no theme.

The canonical column ``comments.themes`` is a string: the comment's theme labels, strongest
first, separated by `` | `` ("" when it has none). A label never contains ``|``, ``;`` or ``,``.
Labels are unique within a language; the themes table (``data/themes.parquet``) has one row per
theme with its id, language, label, counts, detractor and promoter shares, reach and quotes.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

from kit.analysis.tokens import (
    REDACTED,
    en_stem,
    fa_stem,
    filler_pattern,
    non_answer_sets,
    normalise,
    stem_set,
    term_list,
    tokens,
)

SEPARATOR = " | "
LABEL_JOIN = " · "
SEED = 0
MAX_THEMES = 12
MAX_PER_ANSWER = 2
SECOND_THEME = 0.5        # a second theme must weigh at least half the first
MIN_WEIGHT = 0.05         # below this an answer's strongest theme is noise
QUOTES = 3
SECOND_TERM = 0.35      # a label's second term must weigh this share of its first
THEME_COLUMNS = ["theme", "lang", "label", "terms", "n_answers", "n_survey", "n_social", "n_respondents",
                 "n_detractors", "n_promoters", "detractor_share", "promoter_share", "mean_sentiment",
                 "reach", "reach_weighted_severity", "quotes", "quote_ids"]


@dataclass
class Themes:
    """What ``find_themes`` returns.

    ``labels``: per comment (same index as the input) its ``comments.themes`` string.
    ``members``: one row per (comment_id, theme) with the comment's weight on the theme.
    ``table``: one row per theme (columns ``THEME_COLUMNS``, see ``theme_table``).
    """

    labels: pd.Series
    members: pd.DataFrame
    table: pd.DataFrame


# ---------------------------------------------------------------- words


# ---------------------------------------------------------------- model


def n_themes(n_texts: int) -> int:
    """How many themes a language gets: about sqrt(n) for n distinct answers, between 2 and MAX_THEMES."""
    return int(min(MAX_THEMES, max(2, round(math.sqrt(n_texts)))))


def _spans(texts: pd.Series, lang: str, bigrams: set[str]) -> dict[str, str]:
    """How each bigram term is usually written in full: "thinking cancelling" -> "thinking of cancelling"
    (its two words with at most one word between them, the commonest such span)."""
    found: dict[str, Counter[str]] = {}
    stem = fa_stem if lang == "fa" else en_stem
    word = re.compile(r"[\w\u200c]+" if lang == "fa" else r"[a-z0-9']+")
    for text in texts:
        for clause in re.split(r"[.!?؟،,;؛:\d]", filler_pattern().sub(" . ", REDACTED.sub(" . ", text.lower()))):
            words = [w.strip("\u200c") for w in word.findall(clause)]
            stems = [stem(w) for w in words]
            for i in range(len(words)):
                for j in range(i + 1, min(i + 3, len(words))):
                    key = f"{stems[i]} {stems[j]}"
                    if key in bigrams:
                        found.setdefault(key, Counter())[" ".join(words[i: j + 1])] += 1
    return {k: c.most_common(1)[0][0] for k, c in found.items()}


def _label(component: np.ndarray, names: np.ndarray, surface: dict[str, str]) -> tuple[str, list[str]]:
    """A theme's label and its five top terms, in the answers' usual spelling.

    The label is the strongest term (a word is replaced by a strong bigram holding it: "meal" by
    "meal plan"), plus the next term sharing no word with it when that weighs at least
    ``SECOND_TERM`` of the first.
    """
    order = [i for i in np.argsort(-component)[:10] if component[i] > 0]
    # a bigram never seen written as a short phrase ("قبول ... پیغامی") is not readable: left out
    order = [i for i in order if " " not in names[i] or names[i] in surface] or order
    spell = {i: surface.get(names[i]) or " ".join(surface.get(w, w) for w in names[i].split()) for i in order}
    top = component[order[0]]

    def widen(i: int) -> int:
        if " " in names[i]:
            return i
        pairs = [j for j in order if " " in names[j] and names[i] in names[j].split() and component[j] >= 0.5 * component[i]]
        return pairs[0] if pairs else i

    first = widen(order[0])
    parts, used = [spell[first]], set(names[first].split())
    for i in order[1:]:
        if component[i] < SECOND_TERM * top:
            break
        if used & set(names[i].split()):
            continue
        j = widen(i)
        if not used & set(names[j].split()):
            pair = [f"{names[first]} {names[j]}", f"{names[j]} {names[first]}"]
            joined = next((surface[p] for p in pair if p in surface), None)   # "plan" + "meal" = "meal plan"
            parts = [joined] if joined else [*parts, spell[j]]
            break
    return LABEL_JOIN.join(parts), [spell[i] for i in order[:5]]


def _fit_language(texts: pd.Series, lang: str, k: int | None) -> tuple[list[list[tuple[int, float]]], list[str],
                                                                         list[list[str]]]:
    """Themes of one language: per text [(theme index, weight)], theme labels, theme top terms.

    The model is fitted on distinct answers by content (two answers with the same content words
    are one document), so a template answered a hundred times does not become several themes.
    """
    uniq = pd.Series(texts.unique(), dtype="string")
    norm = normalise(uniq, lang)
    toks = [tokens(t, lang) for t in norm]
    toks = [[] if not tk or any(stem_set(tk) <= n for n in non_answer_sets(lang)) else tk
            for tk in toks]
    docs = [tuple(term_list(t)) for t in toks]
    distinct = sorted({d for d in docs if d})
    empty: list[list[tuple[int, float]]] = [[] for _ in range(len(texts))]
    if len(distinct) < 4:
        return empty, [], []
    counts: dict[str, Counter[str]] = {}
    for tk in toks:
        for stem, word in tk:
            if not stem:
                continue
            counts.setdefault(stem, Counter())[word] += 1
    surface = {st: c.most_common(1)[0][0] for st, c in counts.items()}
    big = len(distinct) >= 20
    vec = TfidfVectorizer(analyzer=lambda d: d, min_df=2 if big else 1, max_df=0.5 if big else 1.0, sublinear_tf=True)
    try:
        x = vec.fit_transform(distinct)
    except ValueError:                       # every term too rare or too common
        return empty, [], []
    k = min(k or n_themes(len(distinct)), x.shape[1], len(distinct) - 1)
    if k < 1:
        return empty, [], []
    model = NMF(n_components=k, init="nndsvda", random_state=SEED, max_iter=500)
    w = model.fit_transform(x)
    names = vec.get_feature_names_out()
    surface.update(_spans(norm, lang, {n for n in names if " " in n}))
    labels, terms = zip(*(_label(c, names, surface) for c in model.components_), strict=True)
    per_doc: dict[tuple[str, ...], list[tuple[int, float]]] = {}
    for row, d in zip(w, distinct, strict=True):
        order = np.argsort(-row)
        best = row[order[0]]
        if best >= MIN_WEIGHT:
            per_doc[d] = [(int(j), float(row[j])) for j in order[:MAX_PER_ANSWER] if row[j] >= SECOND_THEME * best]
    by_text = dict(zip(uniq.tolist(), (per_doc.get(d, []) for d in docs), strict=True))
    return [by_text[t] for t in texts.tolist()], list(labels), [list(t) for t in terms]


def find_themes(comments: pd.DataFrame, responses: pd.DataFrame | None = None, *,
                k: dict[str, int] | None = None) -> Themes:
    """Themes of ``comments`` (the canonical table: comment_id, response_id, text, lang, sentiment,
    source; social posts may carry likes and shares), found separately per language.

    ``responses`` (response_id, nps) gives each theme its detractor and promoter shares; ``k``
    fixes the number of themes per language (default: from the number of distinct answers).
    Returns ``Themes``: the ``comments.themes`` strings, the memberships and the themes table.
    """
    labels = pd.Series("", index=comments.index, dtype="string")
    members: list[tuple[str, str, float]] = []
    meta: list[dict[str, object]] = []
    text = comments["text"].fillna("").astype(str)
    for lang in sorted(comments["lang"].dropna().unique()):
        mask = (comments["lang"] == lang).to_numpy(dtype=bool) & (text.str.strip() != "").to_numpy(dtype=bool)
        if not mask.any():
            continue
        assigned, names, terms = _fit_language(text[mask], lang, (k or {}).get(lang))
        names = _unique(names)
        ids = [f"{lang}-{j + 1:02d}" for j in range(len(names))]
        meta += [{"theme": ids[j], "lang": lang, "label": names[j], "terms": LABEL_JOIN.join(terms[j])}
                 for j in range(len(names))]
        strings = [SEPARATOR.join(dict.fromkeys(names[j] for j, _ in themes)) for themes in assigned]
        labels.iloc[np.flatnonzero(mask)] = strings
        cids = comments["comment_id"].to_numpy()[mask]
        members += [(cid, ids[j], wt) for cid, themes in zip(cids, assigned, strict=True) for j, wt in themes]
    member_frame = pd.DataFrame(members, columns=["comment_id", "theme", "weight"]).astype({"comment_id": "string"})
    table = theme_table(comments, responses, pd.DataFrame(meta, columns=["theme", "lang", "label", "terms"]), member_frame)
    return Themes(labels, member_frame, table)


def _unique(names: list[str]) -> list[str]:
    """Labels made unique within a language by numbering repeats ("price", "price 2")."""
    seen: Counter[str] = Counter()
    out = []
    for n in names:
        seen[n] += 1
        out.append(n if seen[n] == 1 else f"{n} {seen[n]}")
    return out


# ---------------------------------------------------------------- table


def theme_table(comments: pd.DataFrame, responses: pd.DataFrame | None, meta: pd.DataFrame,
                members: pd.DataFrame) -> pd.DataFrame:
    """One row per theme: counts, who mentions it, reach, and its best quotes.

    - ``n_answers``: comments with the theme (``n_survey`` survey answers, ``n_social`` posts);
      ``n_respondents``: distinct survey responses among them.
    - ``detractor_share`` / ``promoter_share``: of the detractors (NPS 0-6) / promoters (9-10) who
      wrote at least one answer in the theme's language, the share whose answers carry the theme.
    - ``reach``: likes + shares of the theme's social posts; ``reach_weighted_severity``: the sum
      over its posts of negativity (``max(0, -sentiment)``) x ``log1p(likes + shares)`` (see
      ``kit.analysis.themes.post_severity``).
    - ``quotes`` / ``quote_ids``: the most representative distinct answers (highest weight on
      the theme), text as stored (redacted).
    """
    if meta.empty:
        return pd.DataFrame(columns=THEME_COLUMNS)
    c = comments.copy()
    c["is_social"] = c["comment_id"].astype(str).str.startswith("social:")
    c["severity"] = post_severity(c)
    c["reach"] = _reach(c).where(c["is_social"], 0.0)
    nps = nps_by_response(responses)
    c["nps"] = c["response_id"].map(nps).astype(float) if nps is not None else np.nan
    pool = c[~c["is_social"] & c["response_id"].notna()].drop_duplicates(["lang", "response_id"])
    det_pool = (pool["nps"] <= 6).groupby(pool["lang"]).sum()
    pro_pool = (pool["nps"] >= 9).groupby(pool["lang"]).sum()
    m = members.merge(c, on="comment_id", how="left").sort_values(["theme", "weight", "comment_id"],
                                                                   ascending=[True, False, True])
    groups = dict(tuple(m.groupby("theme", sort=False)))
    rows = []
    for t in meta.itertuples(index=False):
        mt = groups.get(t.theme, m.iloc[:0])
        survey = mt[~mt["is_social"]]
        resp = survey.dropna(subset=["response_id"]).drop_duplicates("response_id")
        n_det, n_pro = int((resp["nps"] <= 6).sum()), int((resp["nps"] >= 9).sum())
        dp, pp = int(det_pool.get(t.lang, 0)), int(pro_pool.get(t.lang, 0))
        quotes = _quotes(mt, t.lang)
        rows.append({**t._asdict(), "n_answers": len(mt), "n_survey": len(survey), "n_social": int(mt["is_social"].sum()),
                     "n_respondents": len(resp), "n_detractors": n_det, "n_promoters": n_pro,
                     "detractor_share": n_det / dp if dp else np.nan, "promoter_share": n_pro / pp if pp else np.nan,
                     "mean_sentiment": float(pd.to_numeric(mt["sentiment"], errors="coerce").mean()) if len(mt) else np.nan,
                     "reach": float(mt["reach"].sum()), "reach_weighted_severity": float(mt["severity"].sum()),
                     "quotes": quotes["text"].astype(str).tolist(), "quote_ids": quotes["comment_id"].astype(str).tolist()})
    return pd.DataFrame(rows, columns=THEME_COLUMNS).sort_values(["lang", "n_answers", "theme"],
                                                                  ascending=[True, False, True]).reset_index(drop=True)


def _quotes(mt: pd.DataFrame, lang: str, n: int = QUOTES) -> pd.DataFrame:
    """The theme's ``n`` most representative answers (highest weight first), one per distinct
    content (answers that differ only in fillers, numbers or punctuation count once)."""
    seen: set[frozenset[str]] = set()
    keep = []
    candidates = mt.head(50)
    norm = normalise(candidates["text"], lang)
    for pos, text in enumerate(norm):
        key = stem_set(tokens(text, lang))
        if key not in seen:
            seen.add(key)
            keep.append(pos)
        if len(keep) == n:
            break
    return candidates.iloc[keep]


def _reach(comments: pd.DataFrame) -> pd.Series:
    """likes + shares (missing as 0)."""
    zero = pd.Series(0.0, index=comments.index)
    likes = pd.to_numeric(comments["likes"], errors="coerce") if "likes" in comments else zero
    shares = pd.to_numeric(comments["shares"], errors="coerce") if "shares" in comments else zero
    return (likes.fillna(0) + shares.fillna(0)).clip(lower=0).astype(float)


def nps_by_response(responses: pd.DataFrame | None) -> pd.Series | None:
    if responses is None or "nps" not in responses:
        return None
    r = responses.dropna(subset=["response_id"]).drop_duplicates("response_id")
    return pd.Series(pd.to_numeric(r["nps"], errors="coerce").to_numpy(), index=r["response_id"].to_numpy())


def post_severity(comments: pd.DataFrame) -> pd.Series:
    """Reach-weighted severity of each social post: ``max(0, -sentiment) * log1p(likes + shares)``.

    Customers on social networks complain to an audience, so a negative post seen by many weighs
    more than one seen by few; the logarithm keeps one viral post from outweighing every other
    voice (a post with 1,000 likes counts about 3x one with 10). Survey answers and non-negative
    posts score 0. A missing sentiment counts as neutral.
    """
    sent = pd.to_numeric(comments["sentiment"], errors="coerce").fillna(0) if "sentiment" in comments else 0.0
    social = comments["comment_id"].astype(str).str.startswith("social:")
    out = (-sent).clip(lower=0) * np.log1p(_reach(comments))
    return pd.Series(out, index=comments.index).where(social, 0.0).astype(float)


def split_themes(value: object) -> list[str]:
    """The labels in one ``comments.themes`` string (strongest first); [] for "" or missing."""
    if not isinstance(value, str) or not value.strip():
        return []
    return [t.strip() for t in value.split(SEPARATOR.strip()) if t.strip()]


# ---------------------------------------------------------------- key drivers


