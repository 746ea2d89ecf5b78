"""The comparison of a batch's slices: ``<run-id>-slices/slices.json``, ``index.html`` and ``report.html``.

``slices.json`` is read from the slices' own run folders (each run's ``summary.json`` and
``negatives.json``), so the index says exactly what each run says. ``index.html`` is the
comparison to open (a heat table of NPS per journey stage per slice, a plotly heatmap with plotly.js
embedded, the top negatives of each slice, the skipped and failed slices with their reasons);
``report.html`` is the same "Slices compared" section without the chart, for printing beside the
slices' own reports. Both are self-contained and open offline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kit.core import exhibits as ex
from kit.core import i18n, periods, runfolder
from kit.core.numbers import number_or_none
from kit.core.project import Project
from kit.core.templates import Markup, render
from kit.slices import chart

SUFFIX = "slices"
SCHEMA = 1
TOP_NEGATIVES = 3
INDEX_HTML, REPORT_HTML, SLICES_JSON = "index.html", runfolder.REPORT_HTML, "slices.json"


def _read_json(path: Path, default: Any) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else default


def slice_figures(run_dir: Path) -> dict[str, Any]:
    """One finished slice run's figures: responses, NPS with its interval, NPS per stage, top negatives."""
    summary = runfolder.read_summary(run_dir)
    nps = (summary.get("headline") or {}).get("nps") or {}
    by_stage = {}
    for row in summary.get("by_stage") or []:
        by_stage[str(row.get("stage"))] = {"nps": number_or_none(row.get("nps")), "lo": number_or_none(row.get("nps_lo")),
                                           "hi": number_or_none(row.get("nps_hi")), "n": int(row.get("nps_n") or 0),
                                           "too_few": bool(row.get("too_few"))}
    responses = len(runfolder.read_table(run_dir, "responses")) if runfolder.has_table(run_dir, "responses") else 0
    return {"responses": responses,
            "nps": {"value": number_or_none(nps.get("value")), "lo": number_or_none(nps.get("lo")),
                    "hi": number_or_none(nps.get("hi")), "n": int(nps.get("n") or 0)},
            "by_stage": by_stage, "negatives": top_negatives(run_dir)}


def top_negatives(run_dir: Path, limit: int = TOP_NEGATIVES) -> list[dict[str, Any]]:
    """The run's first ``limit`` negatives: title, severity and the short id of its first exhibit (as on its cards)."""
    items = runfolder.read_negatives(run_dir) or []
    records = runfolder.read_exhibits(run_dir)
    short = ex.short_ids([str(r["id"]) for r in records if "id" in r])
    out = []
    for item in items[:limit]:
        first = next(iter(item.get("exhibits") or []), None)
        out.append({"title": str(item.get("title") or ""), "severity": number_or_none(item.get("severity")),
                    "id": short.get(str(first), "") if first else "", "exhibit": first, "rank": item.get("rank")})
    return out


def index_data(record: dict[str, Any], project: Project) -> dict[str, Any]:
    """``slices.json``: the batch, each slice run's figures, and the slices skipped or failed with the reason."""
    out_dir = Path(record["out_dir"])
    data: dict[str, Any] = {"schema": SCHEMA, "project": project.name, "by": record["by"], "run_id": record["run_id"],
                            "min_group_size": project.min_group_size, "calendar": project.trend_calendar,
                            "ui_language": project.ui_language, "stages": list(project.journey.stages),
                            "unassigned": record["unassigned"], "slices": [], "skipped": [], "failed": []}
    for s in record["slices"]:
        head = {"value": s["value"], "key": s["key"], "label": label(s["by"], s["value"], project)}
        if s["status"] == "done":
            data["slices"].append({**head, "run": s["folder"], **slice_figures(out_dir / s["folder"])})
        elif s["status"] == "skipped":
            data["skipped"].append({**head, "responses": s["responses_planned"], "reason": s["reason"]})
        else:
            data["failed"].append({**head, "reason": s["reason"], "run": s["folder"]})
    return data


def label(by: str, value: str, project: Project) -> str:
    """A slice's name for people: a Jalali month as ``مرداد ۱۴۰۵``, a quarter as ``Q3 2026``; else as written."""
    lang = project.ui_language
    if by == "month" and periods.is_jalali_key(value):
        return periods.label(periods.start_of(value), "M", "jalali", lang)
    if by == "quarter":
        year, _, q = value.partition("-Q")
        return i18n.t("slices_quarter", lang, q=i18n.number(int(q), lang), year=i18n.number(int(year), lang).replace(
            "٬", "").replace(",", ""))
    return value


def heat(nps: float | None) -> str:
    """The heat class of an NPS cell: seven steps from -100 to 100 (``none`` when there is no score)."""
    if nps is None:
        return "none"
    step = max(-3, min(3, round(nps / 25)))
    return f"n{-step}" if step < 0 else f"p{step}"


def _view(data: dict[str, Any], lang: str) -> dict[str, Any]:
    """The page's rows, every number written in the page's digits."""
    def n(v: float | None, d: int = 0) -> str:
        return i18n.number(v, lang, d)
    rows = []
    for s in data["slices"]:
        cells = []
        for stage in data["stages"]:
            st = s["by_stage"].get(stage) or {}
            cells.append({"text": n(st.get("nps")), "heat": heat(st.get("nps")), "too_few": st.get("too_few", False),
                          "n": n(st.get("n")), "interval": f"{n(st.get('lo'))} … {n(st.get('hi'))}" if st else ""})
        nps = s["nps"]
        rows.append({"label": s["label"], "run": s["run"], "responses": n(s["responses"]), "nps": n(nps["value"]),
                     "heat": heat(nps["value"]), "interval": f"{n(nps['lo'])} … {n(nps['hi'])}", "cells": cells,
                     "negatives": [{**x, "severity": n(x["severity"], 2)} for x in s["negatives"]]})
    return {"rows": rows, "skipped": [{**s, "responses": n(s["responses"])} for s in data["skipped"]],
            "failed": data["failed"], "unassigned": n(data["unassigned"]) if data["unassigned"] else ""}


def render_page(data: dict[str, Any], *, with_chart: bool) -> str:
    """index.html (with the chart) or report.html (the section alone), in the project's page language."""
    from kit.views.html import font_css, theme_css
    lang = i18n.language(data["ui_language"])
    figure = chart.heatmap(data, lang) if with_chart and data["slices"] else None
    drawn = Markup(chart.embed(figure, i18n.t("slices_chart_title", lang))) if figure is not None else None
    return render("slices/index.html.j2", lang=lang, dir=i18n.direction(lang), data=data, view=_view(data, lang),
                  by=i18n.t(f"slices_by_{data['by']}", lang), style=Markup(theme_css() + font_css()),
                  min_group=i18n.number(data["min_group_size"], lang), stages=data["stages"],
                  chart=drawn, report=not with_chart)


def write_index(folder: Path, project: Project, record: dict[str, Any]) -> Path:
    """Write ``slices.json``, ``index.html`` and ``report.html`` into ``folder`` (each by rename)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = index_data(record, project)
    _write(folder / SLICES_JSON, json.dumps(data, indent=1, ensure_ascii=False))
    _write(folder / INDEX_HTML, render_page(data, with_chart=True))
    _write(folder / REPORT_HTML, render_page(data, with_chart=False))
    return folder


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
