"""Sentiment of short texts in -1..1 (0 = neutral), English and Persian, fully offline.

English uses VADER (``vaderSentiment``, its lexicon ships in the wheel): a rule-based scorer made
for short informal text, with negation, boosters and "but" built in, plus a few customer-service
words its general lexicon lacks (``en_cx_words.tsv``: late, slow, crashed ...) and "too many" /
"too much" read as a complaint. Persian uses the same kind of
rules over a lexicon written for this kit (``kit/assets/lexicons/``, see its README): words and
phrases with a valence on VADER's -4..4 scale, negation (``نیست``, ``نبود``, ``نه``, negated verbs
such as ``نمی‌...`` / ``ن...``), intensifiers and dampeners, "but" (``ولی``/``اما``), and ratings
written as "۸ از ۱۰". Both end with VADER's normalisation ``s / sqrt(s² + 15)``, so a score means
the same in either language and in surveys, social posts and transcripts alike.

Identical texts are scored once, since survey exports repeat many short answers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from kit.core.paths import ASSETS_DIR
from kit.core.text import ascii_digits, detect_lang, normalize_fa

LEXICONS = ASSETS_DIR / "lexicons"
ALPHA = 15.0              # VADER's normalisation constant
NEGATION = -0.74          # VADER's N_SCALAR: a negated word keeps most of its strength, sign flipped
AFTER_WINDOW = 3          # Persian negates after the word: "خوب نبود" (verb last)
BEFORE_NEGATORS = {"نه", "هیچ", "بدون"}
CONTRAST = {"ولی", "اما", "ولیکن", "لیکن", "منتها", "but"}
CLAUSE_ENDS = set(".!?؟،,؛;:…")
MERGE_PREFIXES = {"می", "نمی", "بی"}       # written apart by some: "نمی کنم" is "نمی‌کنم"
SUFFIXES = ("هایی", "هاش", "های", "ترین", "تری", "تر", "ها", "مون", "تون", "شون", "اش", "ام", "ای", "یی",
            "ست", "یه", "ید", "ند", "ی", "ه", "ش", "م", "ت", "ن")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "آ", "ؤ": "و", "ئ": "ی", "ۀ": "ه", "\u200c": None, "\u200f": None,
                       "\u200e": None, "\u0654": None, "\ufe0f": None})
_REPEATS = re.compile(r"(\w)\1{2,}")
_TOKENS = re.compile(r"\w+|[^\w\s]")
_RATING = re.compile(r"(\d+(?:\.\d+)?)\s*از\s*(\d+)")
RATING_SCALES = {5, 10, 20, 100}
_EXCESS = re.compile(r"\btoo\s+(?:many|much)\b", re.IGNORECASE)
EXCESS = -1.5


@dataclass(frozen=True)
class Lexicon:
    words: dict[str, float]
    phrases: list[tuple[tuple[str, ...], float]]     # longest first
    boosters: dict[str, float]
    negator_words: frozenset[str]
    negator_prefixes: tuple[str, ...]


def _rows(name: str) -> list[list[str]]:
    lines = (LEXICONS / name).read_text(encoding="utf-8").splitlines()
    return [ln.split("\t") for ln in lines if ln.strip() and not ln.startswith("#")]


@cache
def lexicon() -> Lexicon:
    """The Persian lexicon, read once from kit/assets/lexicons (keys without ZWNJ)."""
    words = {w.translate(_FOLD): float(v) for w, v in _rows("fa_words.tsv")}
    phrases = sorted(((tuple(p.translate(_FOLD).split()), float(v)) for p, v in _rows("fa_phrases.tsv")),
                     key=lambda pv: -len(pv[0]))
    boosters = {w.translate(_FOLD): float(v) for w, v in _rows("fa_boosters.tsv")}
    neg = [r[0].translate(_FOLD) for r in _rows("fa_negators.txt")]
    return Lexicon(words, phrases, boosters, frozenset(n for n in neg if not n.endswith("*")),
                   tuple(n[:-1] for n in neg if n.endswith("*")))


@cache
def _vader():
    """VADER with the kit's customer-service words added (VADER's own values win)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    analyzer = SentimentIntensityAnalyzer()
    for word, v in _rows("en_cx_words.tsv"):
        analyzer.lexicon.setdefault(word, float(v))
    return analyzer


def score(texts: Sequence[str], langs: Sequence[str] | None = None) -> np.ndarray:
    """Sentiment in -1..1 per text (0 neutral); empty or missing text is 0.

    ``langs`` gives "en" or "fa" per text; when None (or a value is neither), the language is
    detected with ``kit.core.text.detect_lang``. Anything not Persian is scored as English.
    """
    s = pd.Series(list(texts), dtype="string").fillna("")
    given = pd.Series(list(langs) if langs is not None else [None] * len(s), dtype="string", index=s.index)
    lang = given.where(given.isin(["en", "fa"]), detect_lang(s))
    out = np.zeros(len(s), dtype=float)
    filled = (s.str.strip() != "").to_numpy(dtype=bool)
    for code in ("fa", "en"):
        mask = (lang == "fa" if code == "fa" else lang != "fa").to_numpy(dtype=bool) & filled
        if mask.any():
            uniq, inverse = np.unique(s[mask].to_numpy(dtype=object), return_inverse=True)
            if code == "fa":
                values = [_score_prepared(t) for t in prepare_fa_many(pd.Series(uniq, dtype="string"))]
            else:
                values = [score_en(t) for t in uniq]
            out[mask] = np.array(values, dtype=float)[inverse]
    return out


def score_en(text: str) -> float:
    """VADER's compound score of one English text (with the kit's added words), plus ``EXCESS``
    for each "too many" / "too much": customers complain of excess ("Too many notifications!!")
    in words VADER reads as neutral. The extra valence is added to VADER's sum before its
    normalisation (the sum is recovered from the compound score), so it combines like a word."""
    if not text.strip():
        return 0.0
    c = float(_vader().polarity_scores(text)["compound"])
    n = len(_EXCESS.findall(text))
    if not n:
        return c
    c = float(np.clip(c, -0.9999, 0.9999))
    total = c * math.sqrt(ALPHA / (1 - c * c)) + EXCESS * n
    return round(total / math.sqrt(total * total + ALPHA), 4)


def prepare_fa_many(texts: pd.Series) -> list[str]:
    """Persian texts as the lexicon is written: normalised, ASCII digits, no ZWNJ, no letter runs."""
    norm = ascii_digits(normalize_fa(texts.astype("string").fillna("")))
    return [_REPEATS.sub(r"\1", t.translate(_FOLD).lower()) for t in norm]


def tokens_fa(text: str) -> list[str]:
    """Tokens of prepared Persian text, with "نمی کنم"-style split prefixes joined to their word."""
    out: list[str] = []
    for tok in _TOKENS.findall(text):
        if out and out[-1] in MERGE_PREFIXES and tok[0].isalpha():
            out[-1] += tok
        else:
            out.append(tok)
    return out


def score_fa(text: str) -> float:
    """Rule-based sentiment of one Persian text in -1..1 (see the module docstring)."""
    return _score_prepared(prepare_fa_many(pd.Series([text], dtype="string"))[0])


def _score_prepared(t: str) -> float:
    if not t.strip():
        return 0.0
    lex = lexicon()
    toks = tokens_fa(t)
    items = _polar_items(toks, lex)
    values = [v for _, v in items]
    cut = max((i for i, tok in enumerate(toks) if tok in CONTRAST), default=None)
    if cut is not None:
        values = [v * (0.5 if pos < cut else 1.5) for (pos, _), v in zip(items, values, strict=True)]
    total = sum(values) + sum(_ratings(t))
    if total:
        total += math.copysign(0.292 * min(t.count("!"), 4), total)
    return float(np.clip(total / math.sqrt(total * total + ALPHA), -1.0, 1.0))


def _ratings(text: str) -> list[float]:
    """"۸ از ۱۰"-style ratings as valences: 10/10 is +3, 0/10 is -3, half marks are 0."""
    out = []
    for num, den in _RATING.findall(text):
        n, d = float(num), int(den)
        if d in RATING_SCALES and n <= d:
            out.append((2 * n / d - 1) * 3)
    return out


def _polar_items(toks: list[str], lex: Lexicon) -> list[tuple[int, float]]:
    """(position, valence) of each polar word or phrase, after boosters and negation."""
    items: list[tuple[int, float]] = []
    i = 0
    while i < len(toks):
        match = _phrase_at(toks, i, lex)
        if match:
            length, v = match
            v *= _boost(toks, i, lex)
            own = any(is_negator(t, lex) for t in toks[i: i + length])      # "دوست ندارم" is negative already
            if not own and _negated_around(toks, i + length - 1, lex):
                v *= NEGATION
            items.append((i, v))
            i += length
            continue
        v, negated = _word_valence(toks[i], lex)
        if v:
            v *= _boost(toks, i, lex)
            if negated != _negated_around(toks, i, lex):
                v *= NEGATION
            items.append((i, v))
        i += 1
    return items


@cache
def _phrases_by_first() -> dict[str, list[tuple[tuple[str, ...], float]]]:
    """Phrases by their first word (never a wildcard), longest first."""
    out: dict[str, list[tuple[tuple[str, ...], float]]] = {}
    for words, v in lexicon().phrases:
        out.setdefault(words[0], []).append((words, v))
    return out


def _phrase_at(toks: list[str], i: int, lex: Lexicon) -> tuple[int, float] | None:
    for words, v in _phrases_by_first().get(toks[i], ()):
        if i + len(words) > len(toks):
            continue
        if all(toks[i + k] == w or (w.endswith("*") and toks[i + k].startswith(w[:-1])) for k, w in enumerate(words)):
            return len(words), v
    return None


def _lookup(tok: str, lex: Lexicon) -> float | None:
    """The valence of a word or of its stem once common suffixes are removed."""
    if tok in lex.words:
        return lex.words[tok]
    for suf in SUFFIXES:
        if tok.endswith(suf) and len(tok) - len(suf) >= 2 and tok[: -len(suf)] in lex.words:
            return lex.words[tok[: -len(suf)]]
    return None


def _word_valence(tok: str, lex: Lexicon) -> tuple[float, bool]:
    """(valence, negated by its own prefix): "نپسندیدم" is "پسندیدم" negated."""
    v = _lookup(tok, lex)
    if v is not None:
        return v, False
    for prefix in ("نمی", "ن"):
        if tok.startswith(prefix) and len(tok) - len(prefix) >= 3:
            v = _lookup(tok[len(prefix):], lex)
            if v:
                return v, True
    return 0.0, False


def is_negator(tok: str, lex: Lexicon) -> bool:
    return tok in lex.negator_words or tok.startswith(lex.negator_prefixes)


def _negated_around(toks: list[str], i: int, lex: Lexicon) -> bool:
    """A negator in the same clause: up to three words after, or نه/هیچ/بدون up to two before."""
    for tok in toks[i + 1: i + 1 + AFTER_WINDOW]:
        if tok in CLAUSE_ENDS or tok in CONTRAST:
            break
        if is_negator(tok, lex):
            return True
    for tok in reversed(toks[max(0, i - 2): i]):
        if tok in CLAUSE_ENDS or tok in CONTRAST:
            break
        if tok in BEFORE_NEGATORS:
            return True
    return False


def _boost(toks: list[str], i: int, lex: Lexicon) -> float:
    """Product of 1 + factor over the (at most two) boosters right before position i."""
    factor = 1.0
    for tok in reversed(toks[max(0, i - 2): i]):
        if tok not in lex.boosters:
            break
        factor *= 1 + lex.boosters[tok]
    return factor
