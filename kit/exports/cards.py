"""``cards.pdf``: exhibit cards to print and pin on a workshop wall.

Each card is a landscape A5 half of a portrait A4 sheet (two per sheet, a dashed cut line between):
the exhibit's image (photo, clip still or chart) or its quote, its title, stage, channel, feeling
(in words and with a mark that still reads on a grey printer), its source, and its short id in large
type so people can vote on paper. The most severe exhibits come first. The cards are an HTML page
with print CSS, printed by Chromium (kit.exports.printing); every untrusted string is escaped.
"""

from __future__ import annotations

import base64
import math
import tempfile
from html import escape
from pathlib import Path
from typing import Any

from kit.core import exhibits as ex
from kit.core.paths import ASSETS_DIR
from kit.views.html import data_uri
from kit.core.exhibits import band

ASSETS = ASSETS_DIR
CARDS_CSS = ASSETS / "cards" / "cards.css"
FONTS_DIR = ASSETS / "fonts"
FONT_FILES = {400: "Vazirmatn-NL-Regular.woff2", 700: "Vazirmatn-NL-Bold.woff2"}

# (upper bound of valence, words, mark): the mark is a shape, so it needs no colour to be read.
FEELINGS = [(-0.6, "very negative", "▼▼"), (-0.2, "negative", "▼"), (0.2, "neutral", "◆"),
            (0.6, "positive", "▲"), (math.inf, "very positive", "▲▲")]


def feeling(valence: float | None) -> tuple[str, str]:
    """Words and mark for a valence; the thresholds match the gallery's bands (-0.2 / 0.2)."""
    if valence is None:
        return "not rated", "○"
    for upper, words, mark in FEELINGS:
        if valence <= upper if upper < 0 else valence < upper:
            return words, mark
    return FEELINGS[-1][1], FEELINGS[-1][2]


def order(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Most severe first; then the most negative; unrated severity last; ties by id so print runs repeat."""
    def key(r: dict[str, Any]) -> tuple[float, float, str]:
        sev = r.get("severity")
        val = r.get("valence")
        return (-(sev if sev is not None else -1.0), val if val is not None else 2.0, r["id"])
    return sorted(records, key=key)


def _image(run_dir: Path, rec: dict[str, Any]) -> str | None:
    """The best still to print: a photo's display image, else the thumbnail (clip still, chart PNG)."""
    media = rec.get("media") or {}
    for key in ("image", "thumb"):
        rel = media.get(key)
        if not rel:
            continue
        path = (run_dir / rel).resolve()
        if path.is_relative_to(run_dir.resolve()) and path.is_file() and path.suffix.lower() in (".jpg", ".jpeg", ".png"):
            return data_uri(path)
    return None


def _dir(rec: dict[str, Any]) -> str:
    return ' dir="rtl" lang="fa" class="fa"' if rec.get("lang") == "fa" else ' dir="auto"'


def card_html(run_dir: Path, rec: dict[str, Any], short_id: str) -> str:
    """One card. Text goes through html.escape; images are data URIs of files inside the run."""
    img = _image(run_dir, rec)
    d = _dir(rec)
    if img:
        media = f'<div class="media"><img src="{img}" alt="{escape(rec.get("title") or "")}"></div>'
    elif rec.get("quote"):
        marks = "«»" if rec.get("lang") == "fa" else "“”"
        size = " short" if len(rec["quote"]) <= 140 else ""
        media = (f'<div class="media quote{size}"><blockquote{d}>{marks[0]}{escape(rec["quote"])}{marks[1]}</blockquote>'
                 "</div>")
    else:
        media = f'<div class="media figure"><p{d}>{escape(rec.get("caption") or rec.get("title") or "")}</p></div>'
    words, mark = feeling(rec.get("valence"))
    valence = rec.get("valence")
    feel = f'<span class="mark">{mark}</span>{words}' + (f" ({valence:+.1f})" if valence is not None else "")
    facts = [("kind", rec.get("kind")), ("stage", rec.get("stage")), ("channel", rec.get("channel")),
             ("segment", rec.get("segment"))]
    rows = "".join(f"<dt>{k}</dt><dd>{escape(str(v).replace('_', ' '))}</dd>" for k, v in facts if v)
    rows += f'<dt>feeling</dt><dd class="feel">{feel}</dd>'
    if rec.get("severity") is not None:
        rows += f"<dt>severity</dt><dd>{rec['severity']:.2f}</dd>"
    src = rec.get("source") or {}
    where = escape(str(src.get("file", ""))) + (f" @ {escape(str(src['locator']))}" if src.get("locator") else "")
    return (f'<section class="card {band(valence)}" data-id="{escape(rec["id"])}">{media}<div class="info">'
            f'<div class="sid">{escape(short_id)}</div><div class="sid-label">vote with this id</div>'
            f'<h2{d}>{escape(rec.get("title") or "")}</h2><dl>{rows}</dl>'
            f'<div class="src">source: {where}<br>exhibit {escape(rec["id"])}</div></div></section>')


def _font_faces() -> str:
    """The shipped Persian font, embedded, when present (the system fonts are the fallback)."""
    faces = []
    for weight, name in FONT_FILES.items():
        path = FONTS_DIR / name
        if path.is_file():
            b64 = base64.b64encode(path.read_bytes()).decode("ascii")
            faces.append(f'@font-face{{font-family:"Vazirmatn";font-weight:{weight};'
                         f'src:url(data:font/woff2;base64,{b64}) format("woff2");}}')
    return "".join(faces)


def cards_html(run_dir: Path, records: list[dict[str, Any]], title: str = "Exhibit cards") -> str:
    """The whole printable page: sheets of two cards, most severe first."""
    ordered = order(records)
    short = ex.short_ids([r["id"] for r in records])
    cards = [card_html(run_dir, r, short[r["id"]]) for r in ordered]
    sheets = []
    for i in range(0, len(cards), 2):
        pair = cards[i:i + 2]
        cut = '<div class="cut"><span>✂ cut here</span></div>' if len(pair) == 2 else ""
        sheets.append(f'<div class="sheet">{"".join(pair)}{cut}</div>')
    if not sheets:
        sheets.append('<div class="sheet"><p class="empty">This run has no exhibits to print.</p></div>')
    css = CARDS_CSS.read_text(encoding="utf-8")
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{_font_faces()}{css}</style></head><body>{''.join(sheets)}</body></html>")


def cards_pdf(run_dir: Path, records: list[dict[str, Any]] | None = None, given_browser: Any = None) -> Path:
    """Write ``<run>/cards.pdf`` (ceil(n / 2) A4 pages for n exhibits)."""
    from kit.exports import printing
    run_dir = Path(run_dir)
    records = ex.load(run_dir) if records is None else records
    out = run_dir / "cards.pdf"
    with tempfile.TemporaryDirectory(prefix="cxkit-cards-") as tmp:
        page = Path(tmp) / "cards.html"
        page.write_text(cards_html(run_dir, records), encoding="utf-8")
        printing.print_pdf(page.as_uri(), out, given_browser=given_browser)
    return out
