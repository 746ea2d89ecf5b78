"""The one way text reaches the kit's markup: Jinja2 templates, autoescaped.

Every HTML fragment that a page, a notebook, the report or the printed cards show is a template
under ``kit/assets/templates/``, rendered by ``render`` through the one environment below. That
environment escapes every value it writes (``& < > " '``, the way ``html.escape`` writes them), so a
template cannot forget to. Markup the kit has itself rendered through this environment is handed
on to another template as ``Markup``; that is the only way HTML reaches a template unescaped.

Line breaks in a template file, and the indentation after them, are layout for the reader: they
are dropped when the template is read, so ``<tr>`` and ``<td>`` written on lines of their own render
as ``<tr><td>``. Words that need a space between them are written on one line.

Two kinds of markup are written outside a template, and take their text through ``plain``: plotly's
hover text and titles (plotly draws a subset of HTML, ``<b>`` and ``<br>`` among it) and the
Markdown sentences a notebook shows.

Templates have the page labels at hand (``t``, ``count``, ``label``, which fills a label's
placeholders with rendered fragments, its own words escaped, and ``sentence``, which does the same
with every value isolated) and these filters: ``number`` (a number as the page language writes it),
``fmt`` (a Python format spec), ``join`` (each item escaped like any other value), ``bdi`` (a value
escaped and isolated in ``<bdi>``), ``isolated`` (plain text whose values ``kit.core.bidi.isolate``
marked, with each isolate written as ``<bdi>``) and ``text_dir`` (the direction of a sentence the kit
wrote, by the majority of its letters: ``dir="auto"`` would read "NPS برابر ۱۴ است" left to right).

Why isolate: a value inside a sentence of the other direction (a number, a date or an English word
in a Persian sentence; a Persian quote in an English one) is laid out by the Unicode bidirectional
algorithm together with the words around it, so its hyphens, commas and brackets wander
("۰۷-۲۰۲۶" for 2026-07). ``<bdi>`` lays the value out on its own and places it as one unit.
"""

from __future__ import annotations

import html
import numbers
import re
from functools import lru_cache
from typing import Any

import jinja2
from jinja2.ext import Extension
from markupsafe import Markup

from kit.core import bidi, i18n
from kit.core.paths import ASSETS_DIR

TEMPLATES_DIR = ASSETS_DIR / "templates"

__all__ = ["Markup", "TEMPLATES_DIR", "bdi", "environment", "isolated", "label", "plain", "render", "render_string",
           "sentence"]

# A tag, an output or a comment, whose line breaks are spaces; everything between them is text.
_JINJA = re.compile(r"(\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\})", re.DOTALL)
_BREAK = re.compile(r"\r?\n[ \t]*")


class JoinLines(Extension):
    """Drop each line break of a template's text, with the indentation after it (see the module's note)."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        parts = _JINJA.split(source)
        return "".join(_BREAK.sub(" ", p) if i % 2 else _BREAK.sub("", p) for i, p in enumerate(parts))


def plain(text: Any) -> str:
    """``text`` escaped for markup written outside a template: plotly hover text and titles, Markdown sentences."""
    return html.escape(str(text))


def escaped_forms(text: str) -> list[str]:
    """The ways markup may write ``text`` other than as it is (``&amp;``, ``&#x27;``, ``&#39;``).

    For finding a customer's words again in HTML already written (an executed notebook's outputs):
    searching for ``text`` alone would miss them wherever they were escaped.
    """
    forms = {html.escape(text, quote=True), html.escape(text, quote=False), text.replace("'", "&#39;")}
    return sorted(f for f in forms if f != text)


def _finalize(value: Any) -> Any:
    """Every value a template writes, escaped as ``plain`` escapes it; rendered markup stays as it is."""
    if hasattr(value, "__html__"):
        return value
    return Markup(plain(value))


def fmt(value: Any, spec: str = "") -> str:
    """``value`` in a Python format spec: ``{{ n|fmt(",") }}`` writes 1,480; ``{{ v|fmt("+.2f") }}`` writes +0.25."""
    return format(value, spec)


def number(value: Any, lang: str = "en", decimals: int = 0, sign: bool = False) -> str:
    """A number as the page language writes it (``kit.core.i18n.number``): ``{{ n|number(lang, 1) }}``.

    Anything that is not a number is written as the text it is (and escaped, as every value is).
    """
    if value is not None and not isinstance(value, numbers.Number):
        return str(value)
    return i18n.number(value, lang, decimals, sign=sign)


def count(key: str, n: Any, lang: str = "en") -> str:
    """``n`` things as the label ``key`` words them (``kit.core.i18n.count``), ``n`` written by ``number``."""
    return i18n.template(key, lang, n).format(n=number(n, lang))


def label(key: str, lang: str = "en", amount: int | None = None, **fragments: Any) -> Markup:
    """A page label (worded for ``amount`` things) as markup: its words escaped, its placeholders filled.

    A fragment that is ``Markup`` goes in as it is; anything else is escaped first.
    """
    words = plain(i18n.template(key, lang, amount))
    return Markup(words.format(**{k: _finalize(v) for k, v in fragments.items()}))


def bdi(value: Any, direction: str | None = None) -> Markup:
    """``value`` escaped inside ``<bdi>``, so the sentence around it keeps its order: ``{{ run|bdi }}``.

    Markup the kit rendered goes in as it is; anything else is escaped first, so customer text stays
    inert inside the element. ``direction`` (``ltr``/``rtl``) fixes the value's direction where its
    first letter would guess wrong (an id, a file name); without it the value's first strong letter
    decides. An empty value stays empty: no element holds nothing.
    """
    if value is None or value == "":
        return Markup("")
    opening = f'<bdi dir="{direction}">' if direction in ("ltr", "rtl") else "<bdi>"
    return Markup(opening) + _finalize(value) + Markup("</bdi>")


_OPENING_TAGS = {bidi.FSI: "<bdi>", bidi.LRI: '<bdi dir="ltr">', bidi.RLI: '<bdi dir="rtl">'}


def isolated(text: Any) -> Markup:
    """Plain text with the kit's isolates (``kit.core.bidi.isolate``) as markup: each isolate a ``<bdi>``.

    Sentences written once for plain text and markup alike (the headline, a chart's caption) carry
    their values isolated; here the text is escaped and the isolates become elements, closed even
    when the text lost a PDI on the way.
    """
    if hasattr(text, "__html__"):
        return Markup(text)
    out, depth = [], 0
    for part in re.split(f"([{''.join(bidi.ISOLATES)}])", "" if text is None else str(text)):
        if part in _OPENING_TAGS:
            out.append(_OPENING_TAGS[part])
            depth += 1
        elif part == bidi.PDI:
            if depth:
                out.append("</bdi>")
                depth -= 1
        elif part:
            out.append(plain(part))
    return Markup("".join(out) + "</bdi>" * depth)


def sentence(key: str, lang: str = "en", amount: int | None = None, **fragments: Any) -> Markup:
    """A page label as markup, like ``label``, with every value isolated in ``<bdi>``.

    For sentences that hold numbers, dates, ids, names or customer words: each keeps its own order
    whatever the sentence's direction. Markup fragments (the kit's own rendered words) go in as they
    are; anything else is escaped and isolated.
    """
    return label(key, lang, amount, **{k: v if hasattr(v, "__html__") else bdi(v) for k, v in fragments.items()})


def join(values: Any, separator: str = "") -> Markup:
    """``values`` joined by ``separator``, each escaped as every other value is: ``{{ sources|join(", ") }}``."""
    return Markup(str(_finalize(separator)).join(str(_finalize(v)) for v in values))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The kit's one Jinja2 environment: templates from kit/assets/templates, every value escaped."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        extensions=[JoinLines],
        auto_reload=False,
    )
    env.filters.update(fmt=fmt, number=number, join=join, bdi=bdi, isolated=isolated, text_dir=bidi.direction_of)
    env.globals.update(t=i18n.t, count=count, label=label, sentence=sentence)
    return env


def render(name: str, /, **context: Any) -> str:
    """The template ``name`` (a path under kit/assets/templates) rendered with ``context``, as HTML text."""
    return environment().get_template(name).render(context)


def render_string(source: str, /, **context: Any) -> str:
    """A template given as text, rendered like a template file (escaped, lines joined)."""
    return environment().from_string(source).render(context)
