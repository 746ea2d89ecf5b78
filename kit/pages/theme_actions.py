"""Themes of open answers reshaped in the page: renamed, merged, or one answer split off into a theme of its own.

The themes are the pipeline's (``data/themes``, each answer's labels in ``data/comments``); the
journal's ``theme_rename``, ``theme_merge`` and ``theme_split`` lines are replayed over them by
every run (``kit.curation.themes``). The page keeps the pipeline's labels once and hands the
replay a fresh book each time, lists the labels as they read now in the Curation section, and after
an edit (or the undo of one) writes the run's tables again (``kit.steps.curation_themes.publish``,
always from the labels as made), so the negative room, the report and the QDA export of the served
run read the themes as the analysts named them, as the next run will.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kit.core.errors import CurationError
from kit.curation.journal import LIMITS, Edit
from kit.curation.themes import THEME_OPS, ThemeBook
from kit.pages.curation_actions import _text
from kit.steps import curation_themes

if TYPE_CHECKING:
    from kit.pages.curation import Curator


def fresh_book(cur: Curator) -> ThemeBook:
    """The pipeline's theme labels, as made (read from the run once per page), in a book of its own."""
    if cur.made_themes is None:
        made = curation_themes.book(cur.page.run_dir, keep=False)      # listing the themes writes nothing
        cur.made_themes = (list(made.made), dict(made.members))
    labels, members = cur.made_themes
    return ThemeBook(list(labels), members)


def _book(cur: Curator) -> ThemeBook:
    """The themes as the journal leaves them (the pipeline's when no theme edit stands)."""
    done = cur.start().replayed()
    return done.themes if done.themes is not None and done.themes.made else fresh_book(cur)


def labels(cur: Curator) -> list[str]:
    """Every theme label in use now, the pipeline's order first."""
    return _book(cur).labels()


def of_answer(cur: Curator, comment: str) -> list[str]:
    """One answer's themes as they read now."""
    book = _book(cur)
    return book.relabel(comment, book.members.get(comment, []))


def _theme(cur: Curator, msg: dict[str, Any], key: str) -> str:
    name = _text(msg, key, LIMITS["theme"], "theme")
    if name not in labels(cur):
        raise CurationError(f"there is no theme {name!r} in this run")
    return name


def _new(msg: dict[str, Any]) -> str:
    name = _text(msg, "new", LIMITS["theme"], "theme")
    if not name:
        raise CurationError("name the theme")
    return name


def theme_rename(cur: Curator, msg: dict[str, Any]) -> list[Edit]:
    old, new = _theme(cur, msg, "old"), _new(msg)
    return [] if old == new else [cur.make("theme_rename", before=old, after=new)]


def theme_merge(cur: Curator, msg: dict[str, Any]) -> list[Edit]:
    old = msg.get("old")
    if not isinstance(old, list) or len(old) < 2:
        raise CurationError("tick two themes or more to merge")
    names = [_theme(cur, {"t": o}, "t") for o in old]
    return [cur.make("theme_merge", before=names, after=_new(msg))]


def theme_split(cur: Curator, msg: dict[str, Any]) -> list[Edit]:
    """The answer (found by the quote search) leaves one of its themes for a new or another theme."""
    comment = _text(msg, "comment", 200, "answer")
    if comment not in {a["id"] for a in cur.answers}:
        raise CurationError("find the answer first, then split it off a theme")
    theme, new = _theme(cur, msg, "theme"), _new(msg)
    if theme not in of_answer(cur, comment):
        raise CurationError(f"that answer is not in theme {theme!r}")
    return [cur.make("theme_split", exhibit=comment, before=theme, after=new)]


def follow(cur: Curator, edits: list[Edit]) -> None:
    """After a theme edit, or the undo of one, the served run's tables read the themes as they are now."""
    ops = {e.op for e in edits} | {e.op for e in cur.start().edits if e.id in {u.undoes for u in edits}}
    if ops & set(THEME_OPS):
        curation_themes.publish(cur.page.run_dir, _book(cur))


HANDLERS = {"theme_rename": theme_rename, "theme_merge": theme_merge, "theme_split": theme_split}
