"""Themes as people reshape them: renamed, merged, or one answer split off into a theme of its own.

The pipeline names themes from the answers' own words (``kit.analysis.themes``); an analyst who
reads them often knows better ("meal plan · morning" is "Morning meal plan"; two themes are one;
one answer belongs elsewhere). The journal keeps those edits (``theme_rename``, ``theme_merge``,
``theme_split``) and every run replays them over the labels the pipeline made, so they survive a
re-run. The book maps each label the pipeline made to the label shown now, and keeps the answers
split off one by one; ``relabel`` gives any answer's labels as they read after the edits. Edits
apply in order: a theme renamed after a split carries the split answer's new theme along only if
that answer was not split off it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

THEME_OPS = ("theme_rename", "theme_merge", "theme_split")


@dataclass
class ThemeBook:
    """The pipeline's theme labels, what they read as now, and the answers split off a theme."""

    made: list[str]                                              # the labels the pipeline made, in its order
    members: Mapping[str, list[str]] = field(default_factory=dict)    # answer (comment id) -> its labels as made
    current: dict[str, str] = field(default_factory=dict)        # label as made -> label now
    split_off: dict[str, dict[str, str]] = field(default_factory=dict)   # answer -> {label as made: label now}

    def __post_init__(self) -> None:
        self.current = {label: label for label in self.made} | self.current

    def labels(self) -> list[str]:
        """Every label in use now, the pipeline's order first, then the new ones."""
        moved = [v for m in self.split_off.values() for v in m.values()]
        return list(dict.fromkeys([*self.current.values(), *moved]))

    def relabel(self, answer: str, labels: Iterable[str]) -> list[str]:
        """An answer's labels (as the pipeline made them) as they read after the edits, each once."""
        moved = self.split_off.get(answer, {})
        return list(dict.fromkeys(moved.get(lab) or self.current.get(lab, lab) for lab in labels))

    def rename(self, old: list[str], new: str) -> str:
        """Every label reading as one of ``old`` reads ``new`` (a merge when old holds several); why not, or ''."""
        now = set(self.labels())
        missing = [o for o in old if o not in now]
        if missing:
            return f"no theme named {', '.join(missing)}"
        gone = set(old)
        self.current = {k: new if v in gone else v for k, v in self.current.items()}
        self.split_off = {a: {k: new if v in gone else v for k, v in m.items()} for a, m in self.split_off.items()}
        return ""

    def split(self, answer: str, theme: str, new: str) -> str:
        """The answer leaves ``theme`` for ``new`` (a theme of its own, or one that exists); why not, or ''."""
        if new == theme:
            return f"the answer is already in theme {theme}"
        if answer not in self.members:
            return f"answer {answer} is no longer in the run"
        made = [lab for lab in self.members[answer] if self.relabel(answer, [lab]) == [theme]]
        if not made:
            return f"answer {answer} is not in theme {theme}"
        self.split_off.setdefault(answer, {})[made[0]] = new
        return ""

    def changes(self) -> dict[str, object]:
        """What ``curation.json`` says of themes: each label renamed (as made -> now) and each answer split off."""
        return {"renamed": {k: v for k, v in self.current.items() if k != v},
                "split": {a: dict(m) for a, m in sorted(self.split_off.items())}}

    @property
    def changed(self) -> bool:
        return bool(self.split_off) or any(k != v for k, v in self.current.items())
