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

from kit.analysis import titles
from kit.charts import store as figures
from kit.core import exhibits as ex
from kit.core import i18n, runfolder
from kit.core.bidi import isolate, isolate_each
from kit.core.errors import KitError, RunFileError
from kit.core.exhibits import GALLERY_PAGE, gallery_link
from kit.core.runs import load_run
from kit.core.severity import reach_text, severity_text
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
MAX_LINKS = 4
# Views whose drawing cannot be read at a phone's width (two panels of piled sheets, labels on every
# pile): there the page keeps their finding in words and says where to see them whole.
PHONE_TEXT_ONLY = {ex.WATERFALL_ID}


def _sources(kinds: list[str], lang: str) -> str:
    """Kinds of source in words ("photo, recording, survey answer")."""
    return i18n.t("comma", lang).join(isolate_each(i18n.t(f"source_{k}", lang) if f"source_{k}" in i18n.LABELS else str(k)
                                                   for k in kinds))


def _links(ids: list[str], href: str, by_id: dict[str, dict[str, Any]], lang: str) -> list[tuple[str, str]]:
    """Ways to the evidence that say what they open: the first "see the evidence", the others by kind and title."""
    links = [(i18n.t("nr_see_evidence", lang), href)]
    for ex_id in ids[1:]:
        rec = by_id.get(ex_id) or {}
        if rec.get("part_of") or len(links) >= MAX_LINKS:       # a near-duplicate photo opens with its leader
            continue
        kind = f"kind_{rec.get('kind')}"
        label = (i18n.t("nr_see_kind", lang, kind=i18n.t(kind, lang), title=isolate(titles.shorten(rec["title"], 40)))
                 if rec.get("title") and kind in i18n.LABELS else i18n.t("nr_more_evidence", lang))
        if label not in {text for text, _ in links}:
            links.append((label, gallery_link(exhibit=ex_id)))
    return links


def ranked_html(entries: list[dict[str, Any]], run_dir: Path, limit: int = 15, lang: str = "en",
                by_id: dict[str, dict[str, Any]] | None = None) -> str:
    """The ranked list: each entry's title, the customers' own words, how bad and how many in words, and
    links that say what they open; thin evidence is greyed."""
    items = []
    for e in entries[:limit]:
        ids = [str(i) for i in e.get("exhibits") or []]
        href = gallery_link(exhibit=ids[0]) if ids else gallery_link(stage=e.get("stage"), channel=e.get("channel"))
        facts = [severity_text(e.get("severity"), lang), reach_text(int(e.get("reach") or 0), lang),
                 i18n.t("nr_seen_in", lang, sources=_sources(list(e.get("sources") or []), lang))]
        if e.get("too_few"):
            facts.append(i18n.t("nr_too_few", lang))
        items.append({"too_few": bool(e.get("too_few")), "rank": i18n.number(e.get("rank", 0), lang),
                      "thumb": pages.media_uri(run_dir, e.get("thumb")), "href": href, "title": e.get("title", ""),
                      "said": e.get("quote") or "", "facts": i18n.join(isolate_each(facts), lang),
                      "links": _links(ids, href, by_id or {}, lang)})
    return render("negative/ranked.html.j2", entries=items)


def pain_text(entries: list[dict[str, Any]], lang: str = "en", top: int = 3) -> str:
    """The pain map's finding as a sentence (its text alternative): the worst stage-and-channel cells."""
    cells = [e for e in entries if e.get("stage") and not e.get("too_few")][:top]
    if not cells:
        return ""
    first, rest = isolate(cells[0]["title"]), "; ".join(isolate_each(e["title"] for e in cells[1:]))
    return (i18n.t("nr_pain_text", lang, first=first, rest=rest) if rest
            else i18n.t("nr_pain_text_one", lang, first=first))


def _records_by_id(run_dir: Path) -> dict[str, dict[str, Any]]:
    part = runfolder.exhibit_part_path(run_dir, "negative")
    try:
        from kit.core import exhibits as ex
        records = ex.load(run_dir) or (json.loads(part.read_text(encoding="utf-8")) if part.exists() else [])
    except (ValueError, OSError):
        log.exception("could not read the exhibits of %s", run_dir)
        records = []
    return {r["id"]: r for r in records}


def _view(run_dir: Path, ex_id: str, key: str, record: dict[str, Any] | None, lang: str,
          entries: list[dict[str, Any]]) -> None:
    rel = (record or {}).get("media", {}).get("figure") or runfolder.chart_rel(ex_id)
    path = runfolder.media_path(run_dir, rel)
    caption = (record or {}).get("caption") or ""
    title = (record or {}).get("title") or ""
    display(HTML(pages.page_open(lang) + render("negative/view.html.j2", key=key, lang=lang, caption=caption, title=title,
                                                href=gallery_link(exhibit=ex_id)) + "</div>"))
    if path is None:
        display(HTML(render("gallery/message.html.j2", text=i18n.t("nr_view_missing", lang))))
        return
    if ex_id == ex.WALL_ID and runfolder.has_table(run_dir, "wall"):
        display(HTML(wall_html(runfolder.read_table(run_dir, "wall"), lang)))
        return
    if ex_id == ex.PAIN_ID and pain_text(entries, lang):
        display(HTML(render("negative/pain_text.html.j2", text=pain_text(entries, lang))))
    fig = figures.load_figure(run_dir, rel)
    fig.update_layout(width=None, autosize=True)
    too_dense = ex_id in PHONE_TEXT_ONLY or any(getattr(trace, "type", "") == "table" for trace in fig.data)
    page_plotly.show(fig, narrow_note=i18n.t("nr_narrow", lang) if too_dense else "")


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
    head = (pages.page_css(lang) + pages.page_open(lang)
            + render("negative/header.html.j2", lang=lang, name=summary.get("name", ""), gallery=GALLERY_PAGE))
    body = (ranked_html(entries, run_dir, lang=lang, by_id=by_id) if entries
            else render("gallery/message.html.j2", text=t("nr_no_ranking")))
    display(HTML(head + body + "</div>"))
    for ex_id, key in VIEWS:
        try:
            _view(run_dir, ex_id, key, by_id.get(ex_id), lang, entries)
        except Exception:  # noqa: BLE001 - one view failing must not take the room down
            log.exception("view %s failed", ex_id)
            display(HTML(render("gallery/message.html.j2", text=t("nr_view_failed", heading=t(key)))))
