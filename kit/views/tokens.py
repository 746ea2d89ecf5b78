"""The kit's design tokens and controls (kit/assets/theme/00-base.css) alone, for documents outside Voilà.

The gate's own pages and the one-file gallery are not notebook pages: they take the tokens, the
buttons and the focus ring from the same file the pages read, and style their own layout with them.
"""

from __future__ import annotations

from functools import lru_cache

from kit.views.html import THEME_DIR

BASE_CSS = THEME_DIR / "00-base.css"


@lru_cache(maxsize=1)
def base_css() -> str:
    """00-base.css as CSS text (no <style> around it): the caller puts it where its document wants it."""
    return BASE_CSS.read_text(encoding="utf-8")
