"""``cards.pdf``: exhibit cards to print and pin on a workshop wall.

Each card is a landscape A5 half of a portrait A4 sheet (two per sheet, a dashed cut line between):
the exhibit's image (photo, clip still or chart) or its quote, its title, stage, channel, feeling
(in words and with a mark that still reads on a grey printer), its source, and its short id in large
type so people can vote on paper. The most severe exhibits come first. The cards are an HTML page
with print CSS (templates cards/card.html.j2 and cards/page.html.j2, which escape every text), printed
by Chromium (kit.exports.printing).
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path
from typing import Any

from kit.core import exhibits as ex
from kit.core import i18n, runfolder
from kit.core.errors import RunFileError
from kit.core.exhibits import band
from kit.core.feelings import feeling
from kit.core.paths import ASSETS_DIR
from kit.core.templates import Markup, render
from kit.views import report_summary, sources
from kit.views.html import ARABIC_SCRIPT, data_uri

ASSETS = ASSETS_DIR
CARDS_CSS = ASSETS / "cards" / "cards.css"
FONTS_DIR = ASSETS / "fonts"
FONT_FILES = {400: "Vazirmatn-NL-Regular.woff2", 700: "Vazirmatn-NL-Bold.woff2"}

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
        path = runfolder.media_path(run_dir, media.get(key))
        if path is not None and path.suffix.lower() in (".jpg", ".jpeg", ".png"):
            return data_uri(path)
    return None


def card_html(run_dir: Path, rec: dict[str, Any], short_id: str, lang: str = "en") -> str:
    """One card (cards/card.html.j2) with the gallery card's tags, labelled in ``lang``; images are data URIs.

    The source line names the file and the place in it (``kit.views.sources.card_source``). The
    exhibit's long id is an analyst's key, printed under it on English cards only: a reader of
    another language votes with the short id, and finds the rest in the analyst's files.
    """
    fa = rec.get("lang") == "fa"
    words, mark = feeling(rec.get("valence"), lang)
    kind = rec.get("kind") or ""
    tags = [i18n.t(f"kind_{kind}", lang) if f"kind_{kind}" in i18n.LABELS else kind,
            report_summary.stage_name(rec.get("stage"), lang), _channel(rec.get("channel"), lang),
            str(rec.get("segment") or "").replace("_", " ")]
    source, is_path, where = sources.card_source(rec, lang)
    severity = rec.get("severity")
    return render("cards/card.html.j2", id=rec["id"], band=band(rec.get("valence")), short_id=short_id, fa=fa,
                  lang=lang, image=_image(run_dir, rec), title=rec.get("title") or "", quote=rec.get("quote"),
                  short=len(rec.get("quote") or "") <= 140, marks="«»" if fa else "“”",
                  caption=rec.get("caption") or rec.get("title") or "", tags=[x for x in tags if x], facts=[],
                  words=words, mark=mark, severity=None if severity is None else i18n.number(severity, lang, 2),
                  source=source, is_path=is_path, locator=where, src_dir=i18n.direction(lang),
                  long_id=rec["id"] if lang == "en" else "")


def _channel(channel: str | None, lang: str) -> str:
    """A channel as a word on a tag ("app", "email"): the catalogue's channel_<key> when it has one."""
    if not channel:
        return ""
    return i18n.t(f"channel_{channel}", lang) if f"channel_{channel}" in i18n.LABELS else channel.replace("_", " ")


def _font_faces() -> str:
    """The shipped Persian font, embedded, when present (the system fonts are the fallback).

    For Persian letters only (``unicode-range``): Latin text, its brackets and colons included, keeps
    one font, so "[redacted]" or "00:01:17" is not split into runs of two fonts in the PDF.
    """
    faces = []
    for weight, name in FONT_FILES.items():
        path = FONTS_DIR / name
        if path.is_file():
            b64 = base64.b64encode(path.read_bytes()).decode("ascii")
            faces.append(f'@font-face{{font-family:"Vazirmatn";font-weight:{weight};'
                         f'src:url(data:font/woff2;base64,{b64}) format("woff2");unicode-range:{ARABIC_SCRIPT};}}')
    return "".join(faces)


def cards_html(run_dir: Path, records: list[dict[str, Any]], title: str | None = None, lang: str = "en") -> str:
    """The whole printable page: sheets of two cards, most severe first, labelled in ``lang`` (the run's ui_language)."""
    lang = i18n.language(lang)
    ordered = order(records)
    short = ex.short_ids([r["id"] for r in records])
    cards = [Markup(card_html(run_dir, r, short[r["id"]], lang)) for r in ordered]
    style = Markup(_font_faces() + CARDS_CSS.read_text(encoding="utf-8"))     # the kit's own CSS, not text to escape
    return render("cards/page.html.j2", title=title or i18n.t("cards_title", lang), style=style, lang=lang,
                  dir=i18n.direction(lang), sheets=[cards[i:i + 2] for i in range(0, len(cards), 2)])


def _language(run_dir: Path) -> str:
    """The run's ``ui_language`` (summary.json), which labels the cards; English when the run has none."""
    try:
        return i18n.language(str(runfolder.read_summary(run_dir).get("ui_language") or "en"))
    except RunFileError:
        return "en"


def cards_pdf(run_dir: Path, records: list[dict[str, Any]] | None = None, given_browser: Any = None) -> Path:
    """Write ``<run>/cards.pdf`` (ceil(n / 2) A4 pages for n exhibits)."""
    from kit.exports import printing
    run_dir = Path(run_dir)
    records = ex.load(run_dir) if records is None else records
    out = run_dir / runfolder.CARDS_PDF
    with tempfile.TemporaryDirectory(prefix="cxkit-cards-") as tmp:
        page = Path(tmp) / "cards.html"
        page.write_text(cards_html(run_dir, records, lang=_language(run_dir)), encoding="utf-8")
        printing.print_pdf(page.as_uri(), out, given_browser=given_browser)
    return out
