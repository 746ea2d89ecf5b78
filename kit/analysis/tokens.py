"""Words of open answers as the theme finder sees them: tokens per language (Persian with its ZWNJ
suffixes), light stems, stop words, fillers and non-answers ("nothing", "n/a") from the kit's
lexicons.
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from kit.core.paths import ASSETS_DIR
from kit.core.text import ascii_digits, normalize_fa

LEXICONS = ASSETS_DIR / "lexicons"


FA_ZWNJ_SUFFIXES = {"ها", "های", "هایی", "هام", "هات", "هاش", "هامون", "هاتون", "هاشون", "ی", "ای", "ام", "ات",
                    "اش", "ان", "تر", "ترین", "شون", "مون", "تون", "ست", "یه", "ش", "م", "ت", "رو", "و"}


_BREAKS = set(".!?؟،,;؛:")


_EN_WORD = re.compile(r"[a-z][a-z']*[a-z]|[a-z]|[.!?,;:]")


_FA_WORD = re.compile(r"[\u0621-\u064a\u066e-\u06d3\u06d5\u200c]+|[.!?؟،,;؛:]")      # words, and clause breaks


REDACTED = re.compile(r"\[[a-z-]+\]")        # what kit.evidence.privacy leaves in place of an e-mail, phone ...


_PUNCT = re.compile(r"[^\w\s\u200c]")


@cache
def _words(name: str) -> frozenset[str]:
    lines = (LEXICONS / name).read_text(encoding="utf-8").splitlines()
    return frozenset(w for ln in lines if not ln.startswith("#") for w in ln.split())


@cache
def _phrases(name: str) -> tuple[str, ...]:
    lines = (LEXICONS / name).read_text(encoding="utf-8").splitlines()
    return tuple(_plain(ln) for ln in lines if ln.strip() and not ln.startswith("#"))


@cache
def filler_pattern() -> re.Pattern[str]:
    alternatives = sorted(_phrases("fillers.txt"), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(r"[\s\u200c]+".join(map(re.escape, f.split())) for f in alternatives) + r")(?!\w)")


@cache
def non_answer_sets(lang: str) -> tuple[frozenset[str], ...]:
    sets = {stem_set(_content(p, lang)) for p in _phrases("non_answers.txt")}
    return tuple(x for x in sets if x)


def _plain(text: str) -> str:
    """Lower case, ZWNJ as a space, no punctuation, single spaces: how fillers and non-answers are compared."""
    t = _PUNCT.sub(" ", text.lower().replace("\u200c", " "))
    return " ".join(t.split())


def is_non_answer(text: str, lang: str) -> bool:
    """True for answers that only say there is nothing to say ("n/a", "Hmm. Nothing in particular.").

    Fillers are set aside; an answer is a non-answer when nothing is left, or when its content
    words are among those of a phrase in ``non_answers.txt``.
    """
    stems = stem_set(tokens(text, lang))
    return not stems or any(stems <= n for n in non_answer_sets(lang))


def en_stem(word: str) -> str:
    """A light English stem so "recipes" and "recipe" are one term (labels show the usual spelling)."""
    w = word.removesuffix("'s")
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def fa_stem(word: str) -> str:
    """Persian plural and possessive endings off ("غذاها", "برنامه‌ی" -> "غذا", "برنامه")."""
    head, _, rest = word.partition("\u200c")
    if rest and rest.replace("\u200c", "") in FA_ZWNJ_SUFFIXES:
        word = head
    word = word.replace("\u200c", "")
    for suf in ("های", "ها"):
        if word.endswith(suf) and len(word) - len(suf) >= 2:
            return word[: -len(suf)]
    return word


def normalise(texts: pd.Series, lang: str) -> pd.Series:
    """Texts as ``tokens`` expects them: Persian normalised (kit.core.text) with ASCII digits."""
    t = texts.astype("string").fillna("")
    return ascii_digits(normalize_fa(t)) if lang == "fa" else t


def tokens(text: str, lang: str) -> list[tuple[str, str]]:
    """(term, surface form) of the content words of one normalised answer, in order.

    Filler phrases ("Short answer:", "خلاصه بگم") and stop words are dropped, and in Persian the
    verbs written with می‌/نمی‌ too: themes are about things ("پرداخت", "مربی"), which nouns name.
    """
    return _content(filler_pattern().sub(" . ", REDACTED.sub(" . ", text.lower())), lang)


def _content(text: str, lang: str) -> list[tuple[str, str]]:
    """Content words as (stem, surface); a sentence or clause break is ("", "") so bigrams stop there."""
    out: list[tuple[str, str]] = []
    if lang == "fa":
        stop = _words("stopwords_fa.txt")
        for w in _FA_WORD.findall(text):
            w = w.strip("\u200c")
            if w and w in _BREAKS:
                out.append(("", ""))
            elif not w or w.startswith(("می\u200c", "نمی\u200c")):
                continue
            elif len(stem := fa_stem(w)) >= 2 and stem not in stop and w.replace("\u200c", "") not in stop:
                out.append((stem, w))
        return out
    stop = _words("stopwords_en.txt")
    for w in _EN_WORD.findall(text.lower()):
        if w in _BREAKS:
            out.append(("", ""))
        elif w not in stop and len(w) > 1:
            out.append((en_stem(w), w))
    return out


def stem_set(toks: list[tuple[str, str]]) -> frozenset[str]:
    return frozenset(s for s, _ in toks if s)


def term_list(toks: list[tuple[str, str]]) -> list[str]:
    """Unigrams and bigrams (of neighbouring content words in one clause) of one answer."""
    stems = [s for s, _ in toks]
    return [s for s in stems if s] + [f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False) if a and b and a != b]
