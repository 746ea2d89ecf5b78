"""What is to be removed from a run, and how a piece of text is searched for it.

A redaction names words (``--text``), regular expressions (``--pattern``), speakers (``--speaker``:
the name as a speaker and as a word said or written) and exhibits (``--exhibit``: withdrawn whole).
Words are found the way a reader would find them: case-insensitively, as whole words, in English or
Persian spelling variants (Arabic ``ي``/``ك`` for Persian ``ی``/``ک``, a zero-width non-joiner or a
tatweel inside a word, Persian or Arabic-Indic digits for ASCII ones, a number grouped by spaces or
dashes). Each match is replaced by a label in square brackets, as ``kit.evidence.privacy`` labels
what it removes at ingest; text already inside such a label is never searched again, so a second
redaction with the same terms finds nothing (and "redacted" can itself be a term).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from kit.core.errors import KitError
from kit.core.templates import escaped_forms

TEXT_LABEL = "[redacted]"          # a word or a pattern removed after the fact
NAME_LABEL = "[name]"              # a speaker's name, as a speaker and as a word
# A label the kit wrote: by ingest redaction ([email], [phone] ...) or by an earlier redaction.
LABEL = re.compile(r"\[[a-z][a-z-]{1,20}\]")
# An embedded image or clip: its base64 letters may spell a short name between two "/" or "+".
DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+")
BINARY_KEYS = frozenset({"bdata", "image/png", "image/jpeg", "image/gif", "image/webp"})   # plotly arrays, images

# Letters written two ways in Persian and Arabic text: each one matches every spelling of its group.
_VARIANTS = ["يیى", "كک", "هةۀە", "اأإآ", "وؤ"]
_DIGITS = ["0۰٠", "1۱١", "2۲٢", "3۳٣", "4۴٤", "5۵٥", "6۶٦", "7۷٧", "8۸٨", "9۹٩"]
_CLASS = {ch: "[" + group + "]" for group in _VARIANTS + _DIGITS for ch in group}
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")
_JOINERS = "[\u200c\u200d\u0640]*"        # ZWNJ, ZWJ, tatweel: invisible inside a Persian word
_NUMBER_GAP = r"[\s.\-/()]{0,2}"           # 0912 345-6789 is 09123456789


class RedactionError(KitError, ValueError):
    """A redaction that cannot be done as asked: an unknown exhibit, a bad pattern, nothing to redact."""

    exit_code = 2


@dataclass(frozen=True)
class Spec:
    """The terms of one redaction, as the user gave them (kept in memory only, never written down)."""

    texts: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    exhibits: tuple[str, ...] = ()
    mute: bool = False                     # silence instead of a tone over spoken terms

    def __post_init__(self) -> None:
        for kind in ("texts", "patterns", "speakers", "exhibits"):
            values = tuple(v.strip() for v in getattr(self, kind) if v and v.strip())
            object.__setattr__(self, kind, tuple(dict.fromkeys(values)))

    @property
    def empty(self) -> bool:
        return not (self.texts or self.patterns or self.speakers or self.exhibits)

    def hashed(self, salt: str) -> list[dict[str, str]]:
        """Each term as ``{kind, sha256}``: the manifest records what was redacted without the term itself.

        The hash is of salt, kind and the case-folded term, so the same name redacted in two runs
        does not give the same hash (a list of names cannot be checked against every manifest at once).
        """
        out = []
        for kind, values in (("text", self.texts), ("pattern", self.patterns), ("speaker", self.speakers)):
            for value in values:
                digest = hashlib.sha256(f"{salt}\x00{kind}\x00{value.casefold()}".encode()).hexdigest()
                out.append({"kind": kind, "sha256": digest})
        return out


def new_salt() -> str:
    return secrets.token_hex(16)


def _word_pattern(term: str) -> str:
    """A regex for ``term`` as a whole word, in any of its spellings (see the module docstring)."""
    digits_only = bool(re.fullmatch(r"[\d\s.\-/()+]+", term)) and any(c.isdigit() for c in term)
    if digits_only:
        chars = [c for c in term if c.isdigit()]
        body = _NUMBER_GAP.join(_CLASS.get(c, re.escape(c)) for c in chars)
        return rf"(?<![\d۰-۹٠-٩]){body}(?![\d۰-۹٠-٩])"
    persian = bool(_ARABIC_SCRIPT.search(term))
    parts = []
    for c in term:
        if c.isspace():
            parts.append(r"[\s\u00a0\u202f\u200c]+")
        elif c in "\u200c\u0640":
            continue
        else:
            parts.append(_CLASS.get(c, re.escape(c)))
    body = (_JOINERS if persian else "").join(p for p in parts if p)
    return rf"(?<!\w){body}(?!\w)"


@dataclass
class Matcher:
    """Finds and replaces the terms of a ``Spec`` in text; one compiled regex per label."""

    spec: Spec
    rules: list[tuple[re.Pattern[str], str]] = field(default_factory=list)

    @classmethod
    def build(cls, spec: Spec) -> Matcher:
        rules: list[tuple[re.Pattern[str], str]] = []
        names = [_word_pattern(s) for s in spec.speakers]
        names += [re.escape(f) for s in spec.speakers for f in escaped_forms(s)]
        if names:
            rules.append((re.compile("|".join(names), re.IGNORECASE), NAME_LABEL))
        words = [_word_pattern(t) for t in spec.texts] + [re.escape(f) for t in spec.texts for f in escaped_forms(t)]
        for p in spec.patterns:
            try:
                re.compile(p)
            except re.error as exc:
                raise RedactionError(f"--pattern {p!r} is not a valid regular expression: {exc}; "
                                     "write it in Python's syntax (docs.python.org/3/library/re.html)") from None
            if re.fullmatch(p, ""):
                raise RedactionError(f"--pattern {p!r} matches empty text, so it would match everywhere; "
                                     "make it match at least one character")
            words.append(f"(?:{p})")
        if words:
            rules.append((re.compile("|".join(words), re.IGNORECASE), TEXT_LABEL))
        return cls(spec, rules)

    @property
    def active(self) -> bool:
        return bool(self.rules)

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Where the terms are in ``text``: (start, end, label), outside any label, not overlapping."""
        if not self.rules or not text:
            return []
        guarded = [m.span() for m in LABEL.finditer(text)]
        if "base64," in text:
            guarded += [m.span() for m in DATA_URI.finditer(text)]
        found: list[tuple[int, int, str]] = []
        for rx, label in self.rules:
            for m in rx.finditer(text):
                s, e = m.span()
                if e == s or any(s < ge and e > gs for gs, ge in guarded):
                    continue
                if all(e <= fs or s >= fe for fs, fe, _ in found):
                    found.append((s, e, label))
        return sorted(found)

    def sub(self, text: str) -> tuple[str, int]:
        """``text`` with each term replaced by its label, and how many were replaced."""
        spans = self.spans(text)
        if not spans:
            return text, 0
        out, at = [], 0
        for s, e, label in spans:
            out += [text[at:s], label]
            at = e
        out.append(text[at:])
        return "".join(out), len(spans)

    def count(self, text: str) -> int:
        return len(self.spans(text))

    def walk(self, data: Any) -> tuple[Any, int]:
        """A JSON value with every string in it redacted (keys too), and the number of replacements.

        Base64 payloads (plotly's typed arrays, notebook images) are left alone: they hold no words.
        """
        if isinstance(data, str):
            return self.sub(data)
        if isinstance(data, list):
            total, out = 0, []
            for v in data:
                nv, n = self.walk(v)
                out.append(nv)
                total += n
            return out, total
        if isinstance(data, dict):
            total, res = 0, {}
            for k, v in data.items():
                nk, nk_count = self.sub(k) if isinstance(k, str) else (k, 0)
                nv, n = (v, 0) if k in BINARY_KEYS else self.walk(v)
                res[nk] = nv
                total += n + nk_count
            return res, total
        return data, 0

    def prefilter(self) -> str | None:
        """One RE2-compatible pattern that every match also matches (for Arrow's fast search), or None.

        Lookarounds are left out, so it may find more rows than ``spans``; each row it finds is
        checked again in Python. None when a user pattern needs Python's own regex syntax.
        """
        if self.spec.patterns:          # Python's \w and \d know every script, RE2's only ASCII
            return None
        parts = []
        for rx, _ in self.rules:
            parts.append(re.sub(r"\(\?<?[!=][^()]*(?:\([^()]*\)[^()]*)*\)", "", rx.pattern))
        joined = "|".join(f"(?:{p})" for p in parts)
        try:
            import pyarrow as pa
            import pyarrow.compute as pc
            pc.match_substring_regex(pa.array(["x"]), pattern=joined, ignore_case=True)
        except Exception:  # noqa: BLE001 - RE2 refused the pattern: every row goes through Python
            return None
        return joined
