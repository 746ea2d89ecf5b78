"""gallery.html: the whole gallery in one file that opens offline, media embedded up to a budget and
linked beyond it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from kit.analysis import lenses
from kit.core import exhibits as ex
from kit.core import i18n, runfolder
from kit.core.exhibits import source_kind
from kit.core.feelings import feeling_text
from kit.core.paths import ASSETS_DIR
from kit.core.runfolder import media_path
from kit.views.html import data_uri, font_css
from kit.views.tokens import base_css

GALLERY_TEMPLATE = ASSETS_DIR / "gallery.html"


CLIP_BUDGET_BYTES = 8 * 1024 * 1024      # clips embedded up to this total; linked beyond it

# The page's words, from the message catalogue (kit/assets/messages): the page fills their {names}.
WORDS = ("gx_title", "gx_title_plain", "gx_subtitle", "gx_shown", "gx_skip", "gx_filters", "gx_channel", "gx_kind",
         "gx_lens", "gx_tags", "gx_exhibit_id", "gx_feeling", "stage", "segment", "source", "severity", "lenses",
         "evidence", "search", "close", "no_match", "all_stages", "all_channels", "all_segments", "all_kinds",
         "all_feelings", "all_sources", "no_lens", "neg", "mid", "pos", "design", "engineering", "business",
         *(f"kind_{k}" for k in ("photo", "clip", "quote", "chart", "metric")),
         *(f"source_{k}" for k in ("recording", "photo", "survey", "contact", "social", "analysis")))


def _title(run_dir: Path) -> str:
    name = runfolder.read_summary(run_dir).get("name", "")
    return f"{name} — experience report" if name else "Experience report"


def _words(lang: str) -> dict[str, str]:
    return {key: i18n.template(key, lang) for key in WORDS}


def _embed_media(run_dir: Path, records: list[dict[str, Any]], lang: str = "en") -> list[dict[str, Any]]:
    """Thumbnails always embedded; clips embedded while within the budget, else linked.

    Each record also carries its source kind (for the source filter) and its score and label under
    every lens (kit.analysis.lenses), so the page re-ranks by a lens without hiding any exhibit, and
    its feeling, kind and source in words of the page language.
    """
    budget = CLIP_BUDGET_BYTES
    out = []
    for rec in records:
        media = dict(rec.get("media") or {})
        for key in ("thumb", "image"):
            path = media_path(run_dir, media.get(key))
            if path is not None:
                media[key + "_src"] = data_uri(path)
        media.pop("image_src", None) if "thumb_src" in media else None
        clip = media.get("clip")
        clip_path = media_path(run_dir, clip)
        if clip_path is not None:
            size = clip_path.stat().st_size
            mime = "audio/mp4" if clip.endswith(".m4a") else "video/mp4"
            if size <= budget:
                media["clip_src"] = data_uri(clip_path)
                budget -= size
            else:
                media["clip_src"] = clip
            media["clip_mime"] = mime
        lens = {name: {"score": round(lenses.score(rec, name), 4), "label": lenses.label(rec, name, lang)}
                for name in lenses.LENSES}
        kind = source_kind(rec)
        words = {"feeling": feeling_text(rec.get("valence"), lang) if rec.get("valence") is not None else None,
                 "kind_label": _label(f"kind_{rec.get('kind')}", lang, rec.get("kind")),
                 "source_label": _label(f"source_{kind}", lang, kind)}
        out.append({**rec, "media": media, "source_kind": kind, "lens": lens, **words})
    return out


def _label(key: str, lang: str, fallback: Any) -> Any:
    return i18n.t(key, lang) if key in i18n.LABELS else fallback


def _finite(data: Any) -> Any:
    """``data`` with NaN and infinities as null: the page reads it with JSON.parse, which refuses NaN."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(v) for v in data]
    return data


def _json_for_script(data: Any) -> str:
    """JSON that cannot close its <script> element, whatever the text inside says, and that JSON.parse reads."""
    return (json.dumps(_finite(data), ensure_ascii=False, allow_nan=False).replace("<", "\\u003c")
            .replace(">", "\\u003e").replace("&", "\\u0026"))


def _theme() -> str:
    """The kit's tokens and controls (00-base.css) and the Persian font, as the pages have them: one look."""
    return "<style>" + base_css().replace("</", "<\\/") + "</style>" + font_css()


def gallery_html(run_dir: Path) -> Path:
    """``gallery.html``: every exhibit with its filters, in one file that opens offline."""
    summary = runfolder.read_summary(run_dir)
    lang = i18n.language(summary.get("ui_language"))
    records = _embed_media(run_dir, ex.load(run_dir), lang)
    page = GALLERY_TEMPLATE.read_text(encoding="utf-8")
    page = page.replace('<html lang="en" dir="ltr">', f'<html lang="{lang}" dir="{i18n.direction(lang)}">', 1)
    page = page.replace("<style>/*THEME*/</style>", _theme(), 1)
    page = page.replace("/*WORDS*/null", _json_for_script(_words(lang)), 1)
    page = page.replace("/*DATA*/null", _json_for_script({"summary": summary, "exhibits": records}), 1)
    out = run_dir / runfolder.GALLERY_HTML
    out.write_text(page, encoding="utf-8")
    return out
