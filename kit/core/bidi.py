"""Values kept whole inside a sentence of the other direction: Unicode isolates for plain text.

A Persian sentence that holds a number, a date, an id or an English word is laid out by the
Unicode bidirectional algorithm, which lets the value's neutral characters (hyphens, commas,
parentheses, full stops) join the sentence around it: "2026-07" after a Persian word reads
"07-2026", "(contact, survey)" reads "contact,) (survey". Isolating the value makes the algorithm
lay it out on its own and then place it as one unit, so the sentence keeps its order.

Markup isolates a value with ``<bdi>`` (the ``bdi`` filter of ``kit.core.templates``). Plain text
has no elements: a plotly title, a widget's description, a ``<title>``, an ``alt`` or ``aria-label``
and the text a PDF is printed from take the isolate characters instead, written by ``isolate``.
FSI (first strong isolate) lets the value pick its own direction from its first letter, as
``<bdi>`` does; LRI and RLI force one.

Customer text never brings its own bidi controls in (``kit.core.text.strip_unsafe`` removes them
on the way in, against spoofing): the only isolates in a page are the ones the kit writes here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
OPENERS = {"auto": FSI, "ltr": LRI, "rtl": RLI}
ISOLATES = (LRI, RLI, FSI, PDI)

__all__ = ["FSI", "ISOLATES", "LRI", "OPENERS", "PDI", "RLI", "direction_of", "isolate", "isolate_all", "isolate_each",
           "strip_isolates"]

_ARABIC_LETTER = re.compile(r"[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\ufb50-\ufdff\ufe70-\ufefc]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


def isolate(value: Any, direction: str = "auto") -> str:
    """``value`` as text between an isolate and PDI, so a sentence of either direction keeps it whole.

    ``direction``: ``auto`` (the value's first strong letter decides, as ``<bdi>`` does), ``ltr``
    (ids, file names, dates written with ASCII hyphens) or ``rtl``. An empty value stays empty,
    so a missing part leaves no invisible characters behind.
    """
    text = "" if value is None else str(value)
    if not text:
        return ""
    return OPENERS.get(direction, FSI) + text + PDI


def isolate_all(values: dict[str, Any], direction: str = "auto") -> dict[str, str]:
    """Each placeholder value isolated, for ``i18n.t(key, lang, **isolate_all(values))`` in plain text."""
    return {name: isolate(value, direction) for name, value in values.items()}


def isolate_each(values: Iterable[Any], direction: str = "auto") -> list[str]:
    """Each item of a list isolated: the parts of "(contact, survey)" before they are joined."""
    return [isolate(v, direction) for v in values]


def direction_of(text: Any, default: str = "auto") -> str:
    """The direction a sentence the kit wrote reads in: ``rtl`` when Arabic-script letters outnumber Latin ones.

    ``dir="auto"`` goes by the first strong letter, which is wrong for a Persian sentence that opens
    with "NPS" or an English name ("NPS برابر ۱۴ است" would be laid out left to right); the majority
    of letters is the sentence's language. ``default`` when the text has no letters at all.
    """
    words = "" if text is None else strip_isolates(str(text))
    arabic, latin = len(_ARABIC_LETTER.findall(words)), len(_LATIN_LETTER.findall(words))
    if not arabic and not latin:
        return default
    return "rtl" if arabic > latin else "ltr"


def strip_isolates(text: str) -> str:
    """``text`` without the isolates the kit wrote: for comparing, searching and file names, never for showing."""
    return text.translate({ord(c): None for c in ISOLATES})
