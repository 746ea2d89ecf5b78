"""The analysts' curation controls: one anywidget (front end ``assets/voila/curation.js``) drawn in two places.

``part="drawer"`` sits in the opened exhibit's drawer (hide, pin, title and caption, re-code, tags,
merge, a clip cut from its recording's transcript, the visitor's recent edits with Undo);
``part="section"`` sits above the cards (hidden exhibits with Show, edits whose exhibit is gone, the
codebook, the themes of open answers to rename, merge or split an answer off, a quote made from an
answer or post). The browser sends each action as
a custom message (``{"op": ..., ...}``); what the kernel does with it, and whether this visitor
may, is ``kit.pages.curation``. Everything shown comes as plain values drawn with ``textContent``.
"""

from __future__ import annotations

import anywidget
import traitlets

from kit.core.paths import ASSETS_DIR

ESM = (ASSETS_DIR / "voila" / "curation.js").read_text(encoding="utf-8")
LABELS = ("cur_heading", "cur_hide", "cur_reason", "cur_pin", "cur_unpin", "cur_pinned", "cur_title", "cur_caption",
          "cur_save", "cur_recode", "cur_stage", "cur_channel", "cur_valence", "cur_lenses", "cur_tags", "cur_add_tag",
          "cur_remove_tag", "cur_no_tags", "cur_merge", "cur_find", "cur_find_hint", "cur_merge_into", "cur_no_match",
          "cur_recent", "cur_undo", "cur_no_recent", "cur_section", "cur_hidden", "cur_show", "cur_no_hidden",
          "cur_orphans", "cur_no_orphans", "cur_codebook", "cur_new_tag", "cur_create", "cur_rename",
          "cur_merge_tags", "cur_merge_tags_into", "cur_keep", "cur_edit_text", "cur_cut_clip", "cur_cut_from", "cur_cut_to",
          "cur_cut_length", "cur_cut_too_long", "cur_cut_title", "cur_cut", "cur_cut_quote", "cur_find_answers_hint",
          "cur_make_quote", "cur_no_answers", "cur_from_survey", "cur_from_social", "cur_themes", "cur_no_themes",
          "cur_theme_name", "cur_theme_merge", "cur_theme_hint", "cur_theme_split", "cur_theme_split_hint")


class CurationPanel(anywidget.AnyWidget):
    """One part of the curation controls; ``state`` is everything it draws, ``status`` the last action's outcome."""

    _esm = ESM
    part = traitlets.Unicode("drawer").tag(sync=True)     # drawer or section
    labels = traitlets.Dict().tag(sync=True)              # the words, in the page's language (LABELS)
    direction = traitlets.Unicode("ltr").tag(sync=True)
    state = traitlets.Dict().tag(sync=True)               # kernel -> browser (kit.pages.curation draws it)
    status = traitlets.Dict().tag(sync=True)              # kernel -> browser: {text, error, n} after each action
