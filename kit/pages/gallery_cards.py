"""What the gallery's grid shows of an exhibit: which exhibits match a query, and each card as plain data.

Kept apart from the page class (``kit.pages.gallery``) because both are pure: they read records
and a run folder's media, and know nothing of widgets or visitors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kit.analysis.gallery_order import is_media, pictures
from kit.core import i18n
from kit.core.exhibits import band, source_kind
from kit.views.html import card_tags, media_uri

MAX_QUERY = 200                # characters of search text (and of an exhibit id) a visitor can send; the rest is cut


def filter_exhibits(records: list[dict[str, Any]], *, stage: str = "", channel: str = "", kind: str = "",
                    feeling: str = "", lens: str = "", text: str = "", segment: str = "", source: str = "",
                    valence: str = "", q: str = "") -> list[dict[str, Any]]:
    """The exhibits matching every filter given (empty means any), in their order.

    ``valence`` (or its older name ``feeling``) is a band: neg, mid or pos. ``q`` (or ``text``) is
    searched in titles, captions, quotes and tags. ``lens`` keeps only exhibits tagged with that
    lens; the gallery page does not use it (its lens re-ranks, kit.analysis.lenses, and never hides).
    """
    needle = (q or text)[:MAX_QUERY].strip().casefold()
    band_wanted = valence or feeling

    def ok(r: dict[str, Any]) -> bool:
        if (stage and r.get("stage") != stage) or (channel and r.get("channel") != channel) or (kind and r["kind"] != kind):
            return False
        if (segment and r.get("segment") != segment) or (band_wanted and band(r.get("valence")) != band_wanted):
            return False
        if (source and source_kind(r) != source) or (lens and lens not in (r.get("lenses") or [])):
            return False
        if needle:
            hay = " ".join([str(r.get(k) or "") for k in ("title", "caption", "quote")] + [str(t) for t in r.get("tags") or []])
            return needle in hay.casefold()
        return True
    return [r for r in records if ok(r)]


def card_data(rec: dict[str, Any], run_dir: Path, *, label: str = "", lang: str = "en",
              dots: int | None = None, photos: int | None = None) -> dict[str, Any]:
    """One card as plain data for the gallery grid widget (it writes every string with textContent).

    Only the cards of the visible page are built, so only their thumbnails are read and inlined.
    ``dots``: the room's dots on it when the run has a workshop (None: no workshop, no count shown).
    A photo standing for near-duplicates says how many photos it holds ("2 photos"): ``photos``,
    else counted from its record.
    """
    media = rec.get("media") or {}
    n = photos if photos is not None else pictures(rec) if rec.get("kind") == "photo" else 1
    return {"id": rec["id"], "title": rec.get("title") or "", "thumb": media_uri(run_dir, media.get("thumb")) or "",
            "snippet": rec.get("quote") or rec.get("caption") or "", "quoted": bool(rec.get("quote")),
            "tags": card_tags(rec, lang), "band": band(rec.get("valence")), "label": label,
            "dir": i18n.text_dir(rec.get("lang")), "kind": rec["kind"], "figure": not is_media(rec),
            "photos": i18n.count("gal_photos", n, lang) if n > 1 else "",
            "dots": dots if dots is not None else -1,
            "dots_label": i18n.count("gal_dots", dots, lang) if dots is not None else ""}
