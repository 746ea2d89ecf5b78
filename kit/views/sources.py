"""Where an exhibit comes from, in the reader's language: the file and the place in it.

The steps write each exhibit's ``source`` as a file and a locator in English (``"all responses"``,
``"row 52"``, ``"stage onboarding"``); exhibits.json keeps them so, for the analyst. An English page
shows them exactly as written; a page in another language says the same through the catalogue
(``loc_*`` in kit/assets/messages/sources.yaml), so no step has to know the page's language.

A file the project gave (``surveys/q3_responses.csv``) is the project's own name and is shown as it
is, isolated left to right; a file the run made (``data/comments.parquet``, ``negatives.json``) is
no name a reader knows, so a non-English page names the kind of source instead.
"""

from __future__ import annotations

import re
from typing import Any

from kit.core import i18n, runfolder
from kit.core.exhibits import source_kind

# locators the steps write word for word -> catalogue key
FIXED = {"all responses": "loc_all_responses", "outbound contacts per customer per week": "loc_outbound_week",
         "outbound contacts per customer per week, joined to answers": "loc_outbound_week_joined",
         "valence per stage and source": "loc_valence_stage_source",
         "survey answers and moments by stage and channel": "loc_answers_moments",
         "contacts and answers by channel": "loc_contacts_answers_channel",
         "severity x reach x evidence strength": "loc_ranking"}
ROW = re.compile(r"row (\d+)")
STAGE = re.compile(r"stage (.+)")
FIELD_POSTS = re.compile(r"(\w+) answers and social posts")
SPAN = re.compile(r"(\d\d:\d\d:\d\d)-(\d\d:\d\d:\d\d)")
FILE = "file"               # a photo's locator: the whole file
IMAGE_FILES = " (image files)"      # how the photos step counts the image files of a folder: "photos/ (image files)"


def locator_text(locator: str | None, lang: str = "en") -> str:
    """The place in a source as ``lang`` says it; English (and any locator not written by a step) as it is."""
    text = str(locator or "")
    if i18n.language(lang) == "en" or not text:
        return text
    if text in FIXED:
        return i18n.t(FIXED[text], lang)
    if m := ROW.fullmatch(text):
        return i18n.t("loc_row", lang, row=i18n.number(int(m[1]), lang))
    if m := STAGE.fullmatch(text):
        return i18n.t("loc_stage", lang, stage=m[1])
    if m := FIELD_POSTS.fullmatch(text):
        field = i18n.t(f"loc_field_{m[1]}", lang) if f"loc_field_{m[1]}" in i18n.LABELS else m[1].replace("_", " ")
        return i18n.t("loc_field_posts", lang, field=field)
    if m := SPAN.fullmatch(text):
        return i18n.t("loc_recording_span", lang, start=m[1], end=m[2])
    return text


def is_run_file(path: str | None) -> bool:
    """A file the run made (its tables under data/, negatives.json), not one of the project's."""
    name = str(path or "")
    return name.startswith(f"{runfolder.DATA}/") or name == runfolder.NEGATIVES


def kind_words(rec: dict[str, Any], lang: str) -> str:
    """The kind of source an exhibit comes from in words (a survey answer, the kit's analysis), '' when unnamed."""
    key = f"source_{source_kind(rec)}"
    return i18n.t(key, lang) if key in i18n.LABELS else ""


def input_label(name: str, lang: str = "en") -> tuple[str, str]:
    """An input as the counts name it, as (its path in the project, the kit's own words about it in ``lang``).

    ``photos/ (image files)`` -> ("photos/", "(image files)"): the folder is the project's name, the
    words are the kit's.
    """
    text = str(name)
    if text.endswith(IMAGE_FILES):
        return text[: -len(IMAGE_FILES)], i18n.t("src_image_files", lang)
    return text, ""


def card_source(rec: dict[str, Any], lang: str = "en") -> tuple[str, bool, str]:
    """A card's source line as (what, is_a_path, where).

    English: the file and the locator as the step wrote them. Otherwise the project's file by its
    path, a run's own file by the kind of source, and the locator in ``lang`` (a photo's "file" says
    nothing the path does not).
    """
    src = rec.get("source") or {}
    file, locator = str(src.get("file") or ""), str(src.get("locator") or "")
    if i18n.language(lang) == "en":
        return file, True, locator
    what, is_path = (kind_words(rec, lang), False) if is_run_file(file) or not file else (file, True)
    return what, is_path, "" if locator == FILE else locator_text(locator, lang)
