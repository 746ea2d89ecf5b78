"""HTML for the gallery pages and notebook contact sheets, built from a run folder.

Pages only read: a run's ``summary.json``, ``exhibits.json`` and its ``media/``. Every untrusted
string (titles, captions, quotes, file names) goes through ``html.escape``; media are inlined as
data URIs because Voilà serves no files from a run folder.
"""

from __future__ import annotations

import base64
import json
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pandas as pd

from kit import exhibits as ex
from kit.runs import resolve_run

CSS = """
<style>
.cx-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:14px}
.cx-card{background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.15);overflow:hidden;border-top:5px solid #7f8c8d}
.cx-card.neg{border-top-color:#c0392b}.cx-card.pos{border-top-color:#1e8449}
.cx-card summary{list-style:none;cursor:pointer}.cx-card summary::-webkit-details-marker{display:none}
.cx-card img.thumb{width:100%;height:140px;object-fit:cover;
display:block;background:#eee}
.cx-card .q{padding:10px 12px 0;font-style:italic;max-height:140px;overflow:hidden}
.cx-card .b{padding:8px 12px 10px}.cx-card .q.fig{font-style:normal;font-weight:600}.cx-card h4{margin:0 0 6px;font-size:14px}
.cx-tag{display:inline-block;font-size:11px;background:#eef2f5;border-radius:99px;padding:1px 8px;margin:0 3px 3px 0}
.cx-tag.kind{background:#1c2833;color:#fff}
.cx-detail{padding:8px 12px 12px;font-size:13px;border-top:1px solid #eee}
.cx-detail video,.cx-detail img{width:100%;margin-bottom:6px}.cx-detail audio{width:100%}
.cx-detail dt{color:#566573;float:left;clear:left;width:80px}.cx-detail dd{margin-left:86px}
.cx-tiles{display:flex;gap:12px;flex-wrap:wrap}
.cx-tile{flex:1;min-width:180px;padding:12px 16px;border-radius:10px;background:#f4f6f7}
.cx-tile .v{font-size:30px;font-weight:600}.cx-tile .l,.cx-tile .s{color:#566573}.cx-tile .s{font-size:12px}
.cx-msg{padding:16px;background:#fdf2e9;border-radius:8px}
</style>
"""


GALLERY_PAGE = "exhibits.ipynb"
GALLERY_FILTERS = ("exhibit", "stage", "channel", "segment", "kind", "valence", "source", "lens", "q")


def gallery_link(**filters: str | None) -> str:
    """A link (relative to the Voilà pages) to the gallery page opened on some exhibits.

    The gallery page reads these query parameters when it starts: ``exhibit`` opens one exhibit,
    the others preset its filters. Charts and tables on other pages link to evidence this way.
    """
    unknown = set(filters) - set(GALLERY_FILTERS)
    if unknown:
        raise ValueError(f"gallery_link: unknown filter(s) {', '.join(sorted(unknown))}; use {', '.join(GALLERY_FILTERS)}")
    query = urlencode({k: v for k, v in filters.items() if v})
    return GALLERY_PAGE + (f"?{query}" if query else "")


def load_run(run: str | Path | None = None) -> tuple[Path, dict[str, Any], list[dict[str, Any]]]:
    """The run folder, its summary and its exhibits (raises RunNotFoundError with the fix)."""
    run_dir = resolve_run(run)
    summary_path = run_dir / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
    return run_dir, summary, ex.load(run_dir)


@lru_cache(maxsize=4096)
def data_uri(path: Path) -> str:
    mime = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".mp4": "video/mp4",
            ".m4a": "audio/mp4"}.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _media_uri(run_dir: Path, rel: str | None) -> str | None:
    if not rel:
        return None
    path = (run_dir / rel).resolve()
    return data_uri(path) if path.is_relative_to(run_dir) and path.is_file() else None


def band(valence: float | None) -> str:
    if valence is None:
        return "mid"
    return "neg" if valence <= -0.2 else "pos" if valence >= 0.2 else "mid"


def card_html(rec: dict[str, Any], run_dir: Path, *, detail: bool = True) -> str:
    """One exhibit as a card; opening it shows the clip or photo, the quote, evidence and source."""
    media = rec.get("media") or {}
    d = ' dir="rtl"' if rec.get("lang") == "fa" else ""
    thumb = _media_uri(run_dir, media.get("thumb"))
    head = (f'<img class="thumb" src="{thumb}" alt="{escape(rec["title"])}" loading="lazy">' if thumb else
            f'<div class="q"{d}>“{escape(rec["quote"])}”</div>' if rec.get("quote") else
            f'<div class="q fig"{d}>{escape(rec.get("caption") or "")}</div>')
    tags = [rec["kind"], rec.get("stage"), rec.get("channel")]
    if rec.get("valence") is not None:
        tags.append(f"valence {rec['valence']:+.1f}")
    tag_html = "".join(f'<span class="cx-tag{" kind" if i == 0 else ""}">{escape(str(t))}</span>'
                       for i, t in enumerate(tags) if t)
    body = f'<summary>{head}<div class="b"><h4{d}>{escape(rec["title"])}</h4>{tag_html}</div></summary>'
    if detail:
        body += detail_html(rec, run_dir)
    return f'<details class="cx-card {band(rec.get("valence"))}" data-id="{escape(rec["id"])}">{body}</details>'


def detail_html(rec: dict[str, Any], run_dir: Path) -> str:
    media = rec.get("media") or {}
    d = ' dir="rtl"' if rec.get("lang") == "fa" else ""
    parts = []
    clip = _media_uri(run_dir, media.get("clip"))
    if clip:
        tag = "audio" if str(media.get("clip")).endswith(".m4a") else "video"
        parts.append(f'<{tag} controls preload="none" src="{clip}"></{tag}>')
    elif media.get("image"):
        img = _media_uri(run_dir, media.get("image"))
        if img:
            parts.append(f'<img src="{img}" alt="{escape(rec["title"])}">')
    if rec.get("quote"):
        parts.append(f"<blockquote{d}>{escape(rec['quote'])}</blockquote>")
    if rec.get("caption"):
        parts.append(f"<p{d}>{escape(rec['caption'])}</p>")
    src = rec.get("source") or {}
    facts = [("segment", rec.get("segment")), ("severity", rec.get("severity")),
             ("lenses", ", ".join(rec.get("lenses") or [])),
             ("evidence", ", ".join(f"{k}: {v}" for k, v in (rec.get("evidence") or {}).items())),
             ("source", f"{src.get('file', '')} @ {src.get('locator', '')}"), ("id", rec["id"])]
    parts.append("<dl>" + "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in facts if v not in (None, ""))
                 + "</dl>")
    return f'<div class="cx-detail">{"".join(parts)}</div>'


def grid_html(records: list[dict[str, Any]], run_dir: Path) -> str:
    if not records:
        return '<p class="cx-msg">No exhibit matches these filters.</p>'
    return '<div class="cx-grid">' + "".join(card_html(r, run_dir) for r in records) + "</div>"


def tiles_html(summary: dict[str, Any]) -> str:
    h = summary.get("headline") or {}
    n, c, e = h.get("nps", {}), h.get("csat", {}), h.get("ces", {})
    if not n.get("n"):
        return '<p class="cx-msg">No survey answers in this run.</p>'
    tiles = [("NPS", f"{n['value']:.0f}", f"95% interval {n['lo']:.0f} to {n['hi']:.0f} · {n['n']:,} answers"),
             ("CSAT", f"{c['value']:.2f} / 5", f"{c.get('top2box', 0):.0f}% satisfied · {c['n']:,} answers"),
             ("CES", f"{e['value']:.2f} / 7", f"CES 2.0: higher is easier · {e['n']:,} answers")]
    return '<div class="cx-tiles">' + "".join(
        f'<div class="cx-tile"><div class="l">{escape(t)}</div><div class="v">{escape(v)}</div>'
        f'<div class="s">{escape(s)}</div></div>' for t, v, s in tiles) + "</div>"


def filter_exhibits(records: list[dict[str, Any]], *, stage: str = "", channel: str = "", kind: str = "",
                    feeling: str = "", lens: str = "", text: str = "") -> list[dict[str, Any]]:
    """The exhibits matching every filter given (empty means any)."""
    q = text.strip().lower()

    def ok(r: dict[str, Any]) -> bool:
        hay = " ".join(str(r.get(k) or "") for k in ("title", "caption", "quote")).lower()
        return ((not stage or r.get("stage") == stage) and (not channel or r.get("channel") == channel)
                and (not kind or r["kind"] == kind) and (not feeling or band(r.get("valence")) == feeling)
                and (not lens or lens in (r.get("lenses") or [])) and (not q or q in hay))
    return [r for r in records if ok(r)]


def contact_sheet(photos: pd.DataFrame, run_dir: Path, stages: list[str]) -> str:
    """Published thumbnails grouped by journey stage (for the photos notebook)."""
    if photos is None or photos.empty:
        return "<p>No photo was published.</p>"
    out = [CSS]
    order = stages + sorted(set(photos["stage"].dropna()) - set(stages))
    groups = [(s, photos[photos["stage"] == s]) for s in order] + [("(no stage)", photos[photos["stage"].isna()])]
    for stage, g in groups:
        if g.empty:
            continue
        cells = "".join(
            f'<figure style="margin:0;width:160px"><img src="{_media_uri(run_dir, r.thumb) or ""}" '
            f'style="width:160px;height:110px;object-fit:cover"><figcaption style="font-size:11px">'
            f'{escape(str(r.caption or ""))}</figcaption></figure>' for r in g.itertuples())
        out.append(f"<h4>{escape(stage)}</h4><div style='display:flex;flex-wrap:wrap;gap:8px'>{cells}</div>")
    return "".join(out)
