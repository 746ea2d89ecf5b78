"""Page labels in English and Persian, and numbers written the way each language writes them.

The labels are a catalogue of YAML files (kit/assets/messages/*.yaml), one entry per key.

``ui_language`` in project.yaml (``en`` or ``fa``) picks the labels of every page; Persian pages
also mirror their layout (``direction``) and write numbers with Persian digits and separators.
Exhibit text keeps its own direction whatever the page language (``text_dir``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import yaml
from babel import Locale
from babel.numbers import NumberPattern, format_decimal, parse_pattern

from kit.core.paths import ASSETS_DIR

LANGUAGES = ("en", "fa")
RTL_LANGUAGES = {"fa"}
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
# Babel writes numbers with each locale's separators (Persian: ٬ between thousands, ٫ before decimals)
# from CLDR, in the locale's default numbering system; it keeps ASCII digits, so Persian ones are put in after.
LOCALES = {"en": Locale.parse("en"), "fa": Locale.parse("fa")}

MESSAGES_DIR = ASSETS_DIR / "messages"


class _OnceLoader(yaml.SafeLoader):
    """YAML that refuses a key written twice in one mapping (plain YAML keeps the last one without a word)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise ValueError(f"message {key!r} is written twice (line {key_node.start_mark.line + 1})")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _load_messages(folder: Path = MESSAGES_DIR) -> dict[str, dict[str, str]]:
    """Every message of the catalogue (kit/assets/messages/*.yaml), so wording lives with its translation, not in code.

    A key found twice, in one file or in two, is refused: one of them would silently win.
    """
    labels: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            entries = yaml.load(path.read_text(encoding="utf-8"), Loader=_OnceLoader) or {}  # noqa: S506 (a SafeLoader)
        except ValueError as exc:
            raise ValueError(f"{path.name}: {exc}") from None
        for key, entry in entries.items():
            if key in labels:
                raise ValueError(f"message {key!r} is in {path.name} and in another file of {folder}")
            if not isinstance(entry, dict) or not isinstance(entry.get("en"), str):
                raise ValueError(f"message {key!r} in {path.name} needs an English text (en:)")
            labels[key] = {k: str(v) for k, v in entry.items()}
    return labels


LABELS: dict[str, dict[str, str]] = _load_messages()


def language(value: str | None) -> str:
    """A supported UI language (anything else falls back to English)."""
    return value if value in LANGUAGES else "en"


def t(key: str, lang: str = "en", **values: object) -> str:
    """The label ``key`` in ``lang``, with ``{name}`` placeholders filled (English if untranslated)."""
    entry = LABELS[key]
    text = entry.get(language(lang)) or entry["en"]
    return text.format(**values) if values else text


def template(key: str, lang: str = "en", n: int | None = None) -> str:
    """The label ``key`` with its placeholders unfilled; for ``n`` things, English's singular (``en_one``) when one."""
    entry = LABELS[key]
    if language(lang) == "en" and n == 1 and "en_one" in entry:
        return entry["en_one"]
    return entry.get(language(lang)) or entry["en"]


def count(key: str, n: int, lang: str = "en") -> str:
    """``n`` things as the label ``key`` words them (``{n} dots``), in the digits of ``lang``."""
    return template(key, lang, n).format(n=number(n, lang))


def join(parts: Iterable[str], lang: str = "en") -> str:
    """Facts on one line, separated the way ``lang`` separates them (``a · b``, Persian ``a، b``)."""
    return t("sep", lang).join(parts)


def direction(lang: str) -> str:
    """``rtl`` for a right-to-left language, else ``ltr``: the whole page mirrors for Persian."""
    return "rtl" if language(lang) in RTL_LANGUAGES else "ltr"


def text_dir(text_lang: str | None) -> str:
    """Direction of one exhibit's own text (a Persian quote reads right to left on an English page)."""
    return "rtl" if text_lang in RTL_LANGUAGES else "ltr"


def number(value: float | int | None, lang: str = "en", decimals: int = 0, *, sign: bool = False) -> str:
    """``value`` with thousands separators and ``decimals`` places, in the digits of ``lang``.

    Missing values (None, NaN) become an en dash so a tile never shows ``nan``.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    lang = language(lang)
    text = format_decimal(value, _pattern(decimals, sign), locale=LOCALES[lang], numbering_system="default")
    return text.translate(PERSIAN_DIGITS) if lang == "fa" else text


@cache
def _pattern(decimals: int, sign: bool) -> NumberPattern:
    """A Babel pattern: grouped thousands, exactly ``decimals`` places, a + before positive numbers if ``sign``."""
    body = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return parse_pattern(f"+{body};-{body}" if sign else body)
