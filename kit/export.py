"""Static exports of a run: the executive report (nbconvert) and the one-file gallery.

Both open offline: the report's template drops nbconvert's CDN scripts and the report notebook
embeds plotly.js; the gallery embeds its thumbnails and data and filters with plain JavaScript.
Untrusted text reaches the gallery only as JSON data and is put on the page with ``textContent``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from kit import exhibits as ex
from kit.pages import data_uri

TEMPLATES = Path(__file__).parent / "assets" / "nbconvert"
GALLERY_TEMPLATE = Path(__file__).parent / "assets" / "gallery.html"
REPORT_NOTEBOOK = "06_report.ipynb"
CLIP_BUDGET_BYTES = 8 * 1024 * 1024      # clips embedded up to this total; linked beyond it
# plotly's notebook renderer adds a MathJax <script> from a CDN to every figure; the kit's charts
# use no LaTeX, and a page must open offline, so the export drops those tags.
_CDN_MATHJAX = re.compile(r'<script[^>]*src="https?://[^"]*mathjax[^"]*"[^>]*>\s*</script>', re.IGNORECASE)


def report_html(run_dir: Path) -> Path:
    """``report.html``: the executed report notebook without code, prompts or CDN links."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(run_dir / "notebooks" / REPORT_NOTEBOOK, as_version=4)
    exporter = HTMLExporter(template_name="cxreport", extra_template_basedirs=[str(TEMPLATES)],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": _title(run_dir)}})
    out = run_dir / "report.html"
    out.write_text(_CDN_MATHJAX.sub("", body), encoding="utf-8")
    return out


def _title(run_dir: Path) -> str:
    summary = run_dir / "summary.json"
    name = json.loads(summary.read_text(encoding="utf-8")).get("name", "") if summary.exists() else ""
    return f"{name} — experience report" if name else "Experience report"


def _embed_media(run_dir: Path, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Thumbnails always embedded; clips embedded while within the budget, else linked."""
    budget = CLIP_BUDGET_BYTES
    out = []
    for rec in records:
        media = dict(rec.get("media") or {})
        for key in ("thumb", "image"):
            if key in media and (run_dir / media[key]).is_file():
                media[key + "_src"] = data_uri(run_dir / media[key])
        media.pop("image_src", None) if "thumb_src" in media else None
        clip = media.get("clip")
        if clip and (run_dir / clip).is_file():
            size = (run_dir / clip).stat().st_size
            mime = "audio/mp4" if clip.endswith(".m4a") else "video/mp4"
            if size <= budget:
                media["clip_src"] = data_uri(run_dir / clip)
                budget -= size
            else:
                media["clip_src"] = clip
            media["clip_mime"] = mime
        out.append({**rec, "media": media})
    return out


def _json_for_script(data: Any) -> str:
    """JSON that cannot close its <script> element, whatever the text inside says."""
    return (json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026"))


def gallery_html(run_dir: Path) -> Path:
    """``gallery.html``: every exhibit with its filters, in one file that opens offline."""
    summary_path = run_dir / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
    records = _embed_media(run_dir, ex.load(run_dir))
    page = GALLERY_TEMPLATE.read_text(encoding="utf-8")
    page = page.replace("/*DATA*/null", _json_for_script({"summary": summary, "exhibits": records}))
    out = run_dir / "gallery.html"
    out.write_text(page, encoding="utf-8")
    return out
