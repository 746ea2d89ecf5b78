"""The negative room (Voilà page ``gallery/negative.ipynb``): the ranked negative experiences and the views behind them.

It only reads the run folder: ``negatives.json``, ``charts/<id>.json`` and ``data/wall.parquet``, all
written by the negative-experiences step. Nothing here computes; a missing piece becomes one plain
line on the page and the details go to the server's log.
"""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path
from typing import Any

from IPython.display import HTML, display

from kit.charts import store as figures
from kit.core import exhibits as ex
from kit.core import i18n, runfolder
from kit.core.errors import KitError, RunFileError
from kit.core.exhibits import GALLERY_PAGE, gallery_link
from kit.core.runs import load_run
from kit.core.templates import render
from kit.pages import plotly as page_plotly
from kit.pages.page import served_run
from kit.views import html as pages
from kit.views.negative import wall_html

log = logging.getLogger("cxkit.pages")

VIEWS = [  # (exhibit id, i18n key of its heading; "<key>_why" says why it is here)
    (ex.WATERFALL_ID, "nr_waterfall"),
    (ex.JOURNEY_ID, "nr_journey"),
    (ex.PAIN_ID, "nr_pain"),
    (ex.WALL_ID, "nr_wall"),
    (ex.SCORECARD_ID, "nr_scorecard"),
]
ROOM_CSS = """<style>
.cx-rank{list-style:none;padding:0;margin:0;display:grid;gap:8px}
.cx-rank li{display:flex;gap:12px;align-items:flex-start;background:#f4f6f7;border-radius:8px;padding:8px 12px;
border-inline-start:6px solid #D55E00}
.cx-rank li.few{border-inline-start-color:#B3B6B7;color:#566573}
.cx-rank .n{font-size:24px;font-weight:700;min-width:34px}.cx-rank img{width:120px;height:68px;object-fit:cover;border-radius:4px}
.cx-rank .facts{font-size:12px;color:#424949}.cx-rank .ex a{font-size:12px;margin-inline-end:8px}
.cx-painmap{border-collapse:collapse;font-size:12px}.cx-painmap th,.cx-painmap td{padding:4px 8px;border:1px solid #fff}
.cx-painmap td a{color:inherit;text-decoration:none;display:block}.cx-painmap td a:hover{outline:2px solid #0072B2}
</style>"""


def ranked_html(entries: list[dict[str, Any]], run_dir: Path, limit: int = 15, lang: str = "en") -> str:
    """The ranked list: each entry leads to its first exhibit, and lists the others; thin evidence is greyed."""
    items = []
    for e in entries[:limit]:
        ids = [str(i) for i in e.get("exhibits") or []]
        href = gallery_link(exhibit=ids[0]) if ids else gallery_link(stage=e.get("stage"), channel=e.get("channel"))
        where = i18n.join((str(x) for x in (e.get("stage"), e.get("channel")) if x), lang)
        facts = i18n.t("nr_facts", lang, severity=i18n.number(e.get("severity", 0), lang, 2),
                       reach=i18n.number(e.get("reach", 0), lang),
                       evidence=i18n.number(e.get("evidence_strength", 0), lang, 1),
                       sources=", ".join(map(str, e.get("sources") or [])))
        facts = i18n.join((x for x in (where, facts, i18n.t("nr_too_few", lang) if e.get("too_few") else "") if x), lang)
        items.append({"too_few": bool(e.get("too_few")), "rank": i18n.number(e.get("rank", 0), lang),
                      "thumb": pages.media_uri(run_dir, e.get("thumb")), "href": href, "title": e.get("title", ""),
                      "facts": facts, "links": [(i18n.t("nr_evidence_n", lang, n=i18n.number(n, lang)), gallery_link(exhibit=i))
                                for n, i in enumerate(ids[:6], start=1)]})
    return render("negative/ranked.html.j2", entries=items)


def pain_grid_html(fig_json: dict[str, Any]) -> str:
    """The pain map as a table whose cells link to the gallery filtered on that stage and channel."""
    trace = fig_json["data"][0]
    xs, ys, z, text, links = trace["x"], trace["y"], trace["z"], trace.get("text"), trace.get("customdata")
    rows = []
    for i, y in enumerate(ys):
        cells = []
        for j, _ in enumerate(xs):
            v = z[i][j]
            shade = "#ffffff" if v is None else f"rgba(213,94,0,{0.1 + 0.9 * float(v):.2f})"
            label = str(text[i][j]).replace("<br>", " · ") if text else ""     # plotly's line breaks, as one line
            cells.append((shade, links[i][j] if links else "", label))
        rows.append((y, cells))
    return render("negative/pain_grid.html.j2", columns=xs, rows=rows)


def _records_by_id(run_dir: Path) -> dict[str, dict[str, Any]]:
    part = runfolder.exhibit_part_path(run_dir, "negative")
    try:
        from kit.core import exhibits as ex
        records = ex.load(run_dir) or (json.loads(part.read_text(encoding="utf-8")) if part.exists() else [])
    except (ValueError, OSError):
        log.exception("could not read the exhibits of %s", run_dir)
        records = []
    return {r["id"]: r for r in records}


def _view(run_dir: Path, ex_id: str, key: str, record: dict[str, Any] | None, lang: str) -> None:
    rel = (record or {}).get("media", {}).get("figure") or runfolder.chart_rel(ex_id)
    path = runfolder.media_path(run_dir, rel)
    caption = (record or {}).get("caption") or ""
    display(HTML(pages.page_open(lang) + render("negative/view.html.j2", key=key, lang=lang, caption=caption,
                                                href=gallery_link(exhibit=ex_id)) + "</div>"))
    if path is None:
        display(HTML(render("gallery/message.html.j2", text=i18n.t("nr_view_missing", lang))))
        return
    if ex_id == ex.WALL_ID and runfolder.has_table(run_dir, "wall"):
        display(HTML(wall_html(runfolder.read_table(run_dir, "wall"))))
        return
    fig = figures.load_figure(run_dir, rel)
    fig.update_layout(width=None, autosize=True)
    page_plotly.show(fig)
    if ex_id == ex.PAIN_ID:
        display(HTML(pain_grid_html(json.loads(path.read_text(encoding="utf-8")))))


def negative_room() -> None:
    """The page: a plain header, the ranked list leading to its exhibits, then each view."""
    try:
        run_dir, summary, _ = load_run(served_run("negative.ipynb"))
    except KitError as exc:
        display(HTML(render("gallery/message.html.j2", text=str(exc))))
        return
    except Exception:  # noqa: BLE001 - a viewer sees a plain message; the log keeps the details
        log.exception("could not read the run folder")
        display(HTML(render("gallery/message.html.j2", text=i18n.t("unreadable"))))
        return
    lang = i18n.language(summary.get("ui_language"))
    try:
        _room(run_dir, summary, lang)
    except Exception:  # noqa: BLE001
        log.exception("negative room failed")
        display(HTML(render("gallery/message.html.j2", text=i18n.t("page_failed", lang))))


def _room(run_dir: Path, summary: dict[str, Any], lang: str) -> None:
    t = functools.partial(i18n.t, lang=lang)
    try:
        entries = runfolder.read_negatives(run_dir) or []
    except RunFileError:                # the room shows what it shows for a run without a ranking
        log.exception("could not read the ranking of %s", run_dir)
        entries = []
    by_id = _records_by_id(run_dir)
    head = (pages.page_css(lang) + ROOM_CSS + pages.page_open(lang)
            + render("negative/header.html.j2", lang=lang, name=summary.get("name", ""), gallery=GALLERY_PAGE))
    body = (ranked_html(entries, run_dir, lang=lang) if entries
            else render("gallery/message.html.j2", text=t("nr_no_ranking")))
    display(HTML(head + body + "</div>"))
    for ex_id, key in VIEWS:
        try:
            _view(run_dir, ex_id, key, by_id.get(ex_id), lang)
        except Exception:  # noqa: BLE001 - one view failing must not take the room down
            log.exception("view %s failed", ex_id)
            display(HTML(render("gallery/message.html.j2", text=t("nr_view_failed", heading=t(key)))))
