"""Journey stages and channels in plain words ("in the app", "by email"), as pages show them to people.

Stages and channels are the project's own keys (``in_store``, ``onboarding``); the common ones have
a wording in the message catalogue (``stage_name_<key>``, ``channel_name_<key>``) and any other
key is shown with its underscores as spaces, so a project's own stage still reads as a word.
"""

from __future__ import annotations

from kit.core import i18n


def _named(prefix: str, key: str | None, lang: str) -> str:
    if not key:
        return ""
    label = f"{prefix}{key}"
    return i18n.t(label, lang) if label in i18n.LABELS else str(key).replace("_", " ")


def stage_text(stage: str | None, lang: str = "en") -> str:
    """A journey stage as a word ("onboarding", Persian "شروع کار")."""
    return _named("stage_name_", stage, lang)


def channel_text(channel: str | None, lang: str = "en") -> str:
    """A channel as a phrase that follows a stage ("in the app", "by email")."""
    return _named("channel_name_", channel, lang)


def place_text(stage: str | None, channel: str | None, lang: str = "en") -> str:
    """Where an experience happened: "onboarding, by email"; either part alone when the other is missing."""
    parts = [p for p in (stage_text(stage, lang), channel_text(channel, lang)) if p]
    return i18n.t("comma", lang).join(parts)
