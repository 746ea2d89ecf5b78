"""HTML for the gallery pages and notebook contact sheets, built from a run folder.

Pages only read: a run's ``summary.json``, ``exhibits.json`` and its ``media/``. The markup is the
templates under kit/assets/templates/gallery, rendered through ``kit.core.templates`` (which escapes
every title, caption, quote and file name); media are inlined as data URIs because Voilà serves no
files from a run folder.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from kit.analysis import headline
from kit.core import i18n
from kit.core.bidi import isolate, isolate_each
from kit.core.exhibits import band, source_kind
from kit.core.feelings import feeling_text
from kit.core.paths import ASSETS_DIR
from kit.core.runfolder import media_path
from kit.core.severity import severity_text
from kit.core.templates import Markup, render
from kit.views.evidence import evidence_text
from kit.views.sources import locator_text

FONTS_DIR = ASSETS_DIR / "fonts"
NAMES_A_FILE = re.compile(r"\.(?:jpe?g|png|webp|heic|mp4|m4a|wav|vtt|srt|csv|tsv|xlsx|parquet|json)\b", re.IGNORECASE)

THEME_DIR = ASSETS_DIR / "theme"

# A mark beside each judgement against a target, so it reads without colour (grey print, colour blindness)
TARGET_MARKS = {"below": "✗", "on": "≈", "above": "✓"}


@lru_cache(maxsize=1)
def theme_css() -> str:
    """The kit's stylesheets (kit/assets/theme/*.css, in name order) as one <style>: one look for every page."""
    return "<style>" + "\n".join(p.read_text(encoding="utf-8") for p in sorted(THEME_DIR.glob("*.css"))) + "</style>"


# Persian glyphs only (the Vazirmatn "Non-Latin" cut): Latin text keeps the page's own font.
ARABIC_SCRIPT = "U+0600-06FF,U+0750-077F,U+08A0-08FF,U+FB50-FDFF,U+FE70-FEFF,U+200C-200F"


@lru_cache(maxsize=1)
def font_css() -> str:
    """@font-face rules for Vazirmatn (OFL, from the npm package ``vazirmatn``), inlined: no font CDN, no file route."""
    faces = []
    for weight, name in ((400, "Vazirmatn-NL-Regular.woff2"), (700, "Vazirmatn-NL-Bold.woff2")):
        data = base64.b64encode((FONTS_DIR / name).read_bytes()).decode("ascii")
        faces.append(f"@font-face{{font-family:Vazirmatn;font-weight:{weight};font-display:swap;"
                     f"src:url(data:font/woff2;base64,{data}) format('woff2');unicode-range:{ARABIC_SCRIPT}}}")
    return "<style>" + "".join(faces) + "</style>"


def page_css(lang: str = "en") -> str:
    """Everything a page needs once: the card styles, the Persian font, and the mirrored layout for RTL."""
    mirror = ("<style>body,.jp-OutputArea-output,.widget-box{direction:rtl;text-align:right}"
              ".jp-OutputArea-output .js-plotly-plot{direction:ltr}</style>" if i18n.direction(lang) == "rtl" else "")
    return theme_css() + font_css() + mirror


def page_open(lang: str = "en") -> str:
    """The opening tag every page's HTML block sits in (``dir`` and ``lang`` set once)."""
    lang = i18n.language(lang)
    return render("gallery/page_open.html.j2", lang=lang, dir=i18n.direction(lang))


@lru_cache(maxsize=4096)
def data_uri(path: Path) -> str:
    mime = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".mp4": "video/mp4",
            ".m4a": "audio/mp4"}.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def media_uri(run_dir: Path, rel: str | None) -> str | None:
    """The file a record names, inlined as a data URI; None when it is missing or leaves the run."""
    path = media_path(run_dir, rel)
    return data_uri(path) if path is not None else None


def card_html(rec: dict[str, Any], run_dir: Path, *, detail: bool = True, label: str = "", lang: str = "en") -> str:
    """One exhibit as a card; opening it shows the clip or photo, the quote, evidence and source.

    ``label`` is the lens-specific headline (kit.analysis.lenses.label); ``lang`` the page language.
    """
    media = rec.get("media") or {}
    return render("gallery/card.html.j2", id=rec["id"], band=band(rec.get("valence")), title=rec["title"],
                  thumb=media_uri(run_dir, media.get("thumb")), quote=rec.get("quote"), caption=rec.get("caption") or "",
                  dir=i18n.text_dir(rec.get("lang")),    # each exhibit's text keeps its own direction
                  label=label, tags=card_tags(rec, lang), detail=Markup(detail_html(rec, run_dir, lang=lang)) if detail else "")


def card_tags(rec: dict[str, Any], lang: str = "en") -> list[str]:
    """Kind, stage, channel and feeling (words and a mark, not a number; "not rated" without one), in the page language."""
    kind = i18n.t(f"kind_{rec['kind']}", lang) if f"kind_{rec['kind']}" in i18n.LABELS else rec["kind"]
    tags = [kind, rec.get("stage"), rec.get("channel"), feeling_text(rec.get("valence"), lang)]
    return [str(t).replace("_", " ") for t in tags if t]


def detail_html(rec: dict[str, Any], run_dir: Path, *, lang: str = "en", analyst: bool = False,
                also: list[dict[str, Any]] | None = None) -> str:
    """An exhibit's detail: its clip (playable) or photo(s), quote, caption, feeling and evidence in words, where it comes from.

    Ids and file names are for the people who work with the files (``analyst``), folded away
    under their own heading; everyone else reads the kind of source and the place in it
    ("recording, 00:00:19"). ``also``: the near-duplicate photos this exhibit stands for, shown
    after its own.
    """
    media = rec.get("media") or {}
    clip = media_uri(run_dir, media.get("clip"))
    image = None
    if not clip and (media.get("image") or (rec["kind"] == "photo" and media.get("thumb"))):
        image = media_uri(run_dir, media.get("image") or media.get("thumb"))
    more = [uri for r in also or [] if (uri := media_uri(run_dir, (r.get("media") or {}).get("image")
                                                       or (r.get("media") or {}).get("thumb")))]
    severity = rec.get("severity")
    facts = [("gal_feeling", feeling_text(rec.get("valence"), lang) if rec.get("valence") is not None else None),
             ("segment", rec.get("segment")),
             ("severity", severity_text(severity, lang) if severity is not None else None),
             ("lenses", i18n.t("comma", lang).join(isolate_each(i18n.t(x, lang) if x in i18n.LABELS else x
                                                                for x in rec.get("lenses") or []))),
             ("evidence", evidence_text(rec.get("evidence"), lang)), ("source", _source_text(rec, lang, False))]
    kept = [rec, *(also or []), *(rec.get("merged") or [])]          # merged by hand: every source stays named
    files = [("source", _source_text(r, lang, True)) for r in kept] + [("id", rec["id"])] if analyst else []
    n = 1 + len(more)
    return render("gallery/detail.html.j2", clip=clip, clip_tag="audio" if str(media.get("clip")).endswith(".m4a") else "video",
                  image=image, more=more, title=rec["title"], quote=rec.get("quote"),
                  caption=rec.get("caption") if rec.get("caption") != rec["title"] else "",   # said once, in the heading
                  dir=i18n.text_dir(rec.get("lang")),    # each exhibit's text keeps its own direction
                  text_lang=i18n.language(rec.get("lang")) if rec.get("lang") else "",
                  photo_labels=[i18n.t("gal_photo_n", lang, i=isolate(i18n.number(i, lang)), n=isolate(i18n.number(n, lang)))
                                for i in range(1, n + 1)] if n > 1 else [],
                  facts=[(i18n.t(k, lang), v) for k, v in facts if v not in (None, "")],
                  files=[(i18n.t(k, lang), v) for k, v in files if v], files_heading=i18n.t("gal_for_analysts", lang))


def verdict(rec: dict[str, Any], lang: str = "en") -> tuple[str, str]:
    """The opened exhibit's feeling said plainly ("A negative experience: ▼▼ very negative") and its band; ("", "") unrated."""
    if rec.get("valence") is None:
        return "", ""
    kind = band(rec.get("valence"))
    return i18n.t(f"gal_verdict_{kind}", lang, feeling=feeling_text(rec["valence"], lang)), kind


def _source_text(rec: dict[str, Any], lang: str, analyst: bool) -> str:
    src = rec.get("source") or {}
    locator = str(src.get("locator") or "")
    if analyst:
        return " @ ".join(x for x in (str(src.get("file") or ""), locator_text(locator, lang)) if x)
    kind = source_kind(rec)
    words = i18n.t(f"source_{kind}", lang) if f"source_{kind}" in i18n.LABELS else ""
    if locator == "file" or NAMES_A_FILE.search(locator):
        locator = ""                        # "file", or a file's name: nothing a visitor reads, and names are for analysts
    return i18n.t("comma", lang).join(isolate_each(x for x in (words, locator_text(locator, lang)) if x))


def grid_html(records: list[dict[str, Any]], run_dir: Path) -> str:
    if not records:
        return render("gallery/message.html.j2", text="No exhibit matches these filters.")
    return render("gallery/grid.html.j2", cards=[Markup(card_html(r, run_dir)) for r in records])


def _sparkline(values: list[float]) -> str:
    pts = [v for v in values if v == v]
    if len(pts) < 2:
        return ""
    lo, hi = min(pts), max(pts)
    span = (hi - lo) or 1.0
    xy = " ".join(f"{i * 80 / (len(pts) - 1):.1f},{20 - (v - lo) / span * 18:.1f}" for i, v in enumerate(pts))
    return render("gallery/sparkline.html.j2", points=xy)


def trend_html(summary: dict[str, Any], metric: str, lang: str = "en", decimals: int = 0) -> str:
    """First period to last period of ``metric`` (summary.json's ``trend``), with a sparkline.

    An arrow and a difference only when the change is real by the report's test (the first and
    last periods' 95% intervals do not overlap); otherwise "no significant change since ...", so a
    wobble of noise is not read as news.
    """
    move = headline.score_move(summary, metric)
    if move is None:
        return ""
    since = headline.period_text(move["since"], move["freq"], lang)
    delta = move["last"] - move["first"]
    if move["significant"]:
        key, cls = ("trend_real_up", "up") if delta > 0 else ("trend_real_down", "down")
        text = i18n.t(key, lang, d=isolate(i18n.number(abs(delta), lang, decimals)), since=isolate(since))
    else:
        cls, text = "", i18n.t("trend_no_change", lang, since=isolate(since))
    periods = (summary.get("trend") or {}).get("periods") or []
    spark = _sparkline([p[metric] for p in periods if p.get(metric) is not None])
    return render("gallery/trend.html.j2", cls=cls, sparkline=Markup(spark), text=text)


def _judged(summary: dict[str, Any], metric: str, lang: str) -> dict[str, str] | None:
    """A tile's judgement against the project's target: a class for its colour, a mark and words for grey print."""
    judged = headline.target_judgement(summary, metric)
    if judged is None:
        return None
    return {"cls": judged[0], "mark": TARGET_MARKS[judged[0]], "text": headline.judgement_text(summary, metric, lang)}


def tiles_html(summary: dict[str, Any], lang: str = "en") -> str:
    """NPS, CSAT and CES tiles: value, its judgement against the target, 95% interval, answers, and the trend."""
    h = summary.get("headline") or {}
    n, c, e = h.get("nps", {}), h.get("csat", {}), h.get("ces", {})
    if not n.get("n"):
        return render("gallery/message.html.j2", text=i18n.t("no_answers", lang))

    def num(v: Any, d: int = 0) -> str:
        return i18n.number(v, lang, d)

    def interval(x: dict[str, Any], d: int) -> str:
        return i18n.t("interval", lang, lo=isolate(num(x.get("lo"), d)), hi=isolate(num(x.get("hi"), d)))

    def facts(*parts: str) -> str:
        return i18n.join(isolate_each(parts), lang)

    def tile(name: str, metric: str, value: str, fact: str, decimals: int) -> dict[str, Any]:
        return {"name": name, "value": value, "judged": _judged(summary, metric, lang), "facts": fact,
                "trend": Markup(trend_html(summary, metric, lang, decimals))}

    tiles = [tile("NPS", "nps", num(n["value"]), facts(interval(n, 0), i18n.t("answers", lang, n=num(n["n"]))), 0),
             tile("CSAT", "csat", f"{num(c.get('value'), 2)} / {num(5)}",
                  facts(interval(c, 2), i18n.t("satisfied", lang, p=num(c.get("top2box"))),
                        i18n.t("answers", lang, n=num(c.get("n")))), 2),
             tile("CES", "ces", f"{num(e.get('value'), 2)} / {num(7)}",
                  facts(interval(e, 2), i18n.t("ces_note", lang), i18n.t("answers", lang, n=num(e.get("n")))), 2)]
    return render("gallery/tiles.html.j2", tiles=tiles)


