"""The executive report's content, read from a finished run folder's tables.

Everything shown as HTML is rendered here from the templates under kit/assets/templates/report
(``kit.core.templates`` escapes every value), so the notebook only displays it; nbconvert then
turns the executed notebook into ``report.html`` (and Chromium prints that to ``report.pdf``).
Sections say plainly when their evidence is missing from the run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kit.core import exhibits as ex
from kit.core import rejects as rj
from kit.core import runfolder
from kit.core.runfolder import media_path
from kit.core.step import Step
from kit.core.templates import plain, render
from kit.views import html as pages

CSS = """<style>
.cx-r-tiles{display:flex;gap:12px;flex-wrap:wrap;margin:6px 0 10px}
.cx-r-tile{flex:1;min-width:190px;padding:12px 16px;border-radius:10px;background:#f4f6f7;break-inside:avoid}
.cx-r-tile .l{color:#566573;font-size:13px}.cx-r-tile .v{font-size:30px;font-weight:600;line-height:1.2}
.cx-r-tile .s{color:#566573;font-size:12px}
.cx-r-note{padding:10px 14px;background:#fdf2e9;border-radius:8px}
table.cx-r td.n,table.cx-r th.n{text-align:right}
table.cx-r img{width:72px;height:48px;object-fit:cover;border-radius:4px;display:block}
table.cx-r tr{break-inside:avoid}
.cx-r-sid{font-family:monospace;font-weight:700;letter-spacing:1px}
.cx-r-view{break-inside:avoid;margin:8px 0 14px}.cx-r-view img{max-width:100%}
.cx-r-view h4{margin:4px 0}
</style>"""


@dataclass
class ReportData:
    name: str
    headline: dict[str, dict[str, float]]
    by_stage: pd.DataFrame
    trend: pd.DataFrame
    bands: pd.DataFrame
    exhibits: list[dict[str, Any]]
    counts: dict[str, dict[str, int]]
    rejects: int
    run_dir: Path = field(default_factory=Path)
    ideal: dict[str, dict[str, float]] = field(default_factory=dict)
    run_id: str = ""          # the published run's id (the pipeline runs the report in .partial-<id>)
    answers: dict[str, rj.AnswerCount] = field(default_factory=dict)   # open answers shown / withheld per survey
    held_back: list[rj.HeldBack] = field(default_factory=list)         # evidence kept off every page, and why
    min_group_size: int = 0


def load(step: Step) -> ReportData:
    """The report's numbers as the gallery step wrote them to ``summary.json``: nothing is recomputed here.

    The contact log is never read: its dose-response bands were aggregated by DuckDB in the pipeline.
    """
    if not (step.run_dir / runfolder.SUMMARY).exists():     # the notebook opened on its own: assemble the gallery first
        from kit.core.rejects import RejectLog
        from kit.steps import gallery
        gallery.assemble(Step("gallery", step.project, step.run_dir, RejectLog("gallery")))
    summary = runfolder.read_summary(step.run_dir)
    trend = pd.DataFrame(summary.get("weekly") or [])
    if len(trend):
        trend["period"] = pd.to_datetime(trend["period"])
    table = runfolder.read_table(step.run_dir, "rejects") if runfolder.has_table(step.run_dir, "rejects") else \
        rj.RejectLog("").frame()
    answers = rj.read_answers(step.run_dir)
    return ReportData(
        answers=answers, held_back=rj.held_back(table, answers), min_group_size=int(summary.get("min_group_size") or 0),
        name=summary.get("name") or step.project.name, headline=summary["headline"],
        by_stage=pd.DataFrame(summary.get("by_stage") or []), trend=trend,
        bands=pd.DataFrame(summary.get("contact_bands") or []),
        exhibits=ex.load(step.run_dir), counts=runfolder.read_counts(step.run_dir), rejects=int(summary.get("rejects", 0)),
        run_dir=step.run_dir, ideal=dict(summary.get("ideal") or {}), run_id=str(summary.get("run_id") or ""))


def heading(r: ReportData) -> str:
    n = r.headline["nps"]["n"]
    period = ""
    if len(r.trend):
        first, last = r.trend["period"].iloc[0], r.trend["period"].iloc[-1]
        period = f" · answers from the week of {_day(first)} to the week of {_day(last)}"
    return (f"## {plain(r.name)}\n\nRun {plain(r.run_id or r.run_dir.name)} · {n:,} survey answers · "
            f"{len(r.exhibits):,} exhibits on the wall{period}")


def _day(value: Any) -> str:
    return pd.Timestamp(value).strftime("%-d %b %Y")


def _fmt(value: float | None, digits: int) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def headline_html(r: ReportData) -> str:
    """NPS, CSAT and CES, each with its 95% interval and its number of answers."""
    h = r.headline
    if not h.get("nps", {}).get("n"):
        return CSS + render("report/note.html.j2", text="No survey answers in this run: no scores to show.")
    tiles = []
    for key, label, digits, scale in (("nps", "NPS (−100 to 100)", 0, ""), ("csat", "CSAT (1 to 5)", 2, " / 5"),
                                      ("ces", "CES (1 to 7, higher is easier)", 2, " / 7")):
        m = h.get(key) or {}
        if not m.get("n"):
            tiles.append({"label": label, "n": 0})
            continue
        extra = f" · {m['top2box']:.0f}% satisfied (4 or 5)" if key == "csat" and "top2box" in m else ""
        tiles.append({"label": label, "n": m["n"], "value": _fmt(m["value"], digits), "scale": scale,
                      "lo": _fmt(m["lo"], digits), "hi": _fmt(m["hi"], digits), "extra": extra})
    return CSS + render("report/headline.html.j2", tiles=tiles)


def stage_table_html(r: ReportData) -> str:
    """Per stage: NPS with its interval against the designed (ideal) NPS, and whether the gap is real."""
    if not len(r.by_stage):
        return render("report/note.html.j2", text="No survey answers carry a journey stage.")
    rows = []
    for row in r.by_stage.itertuples():
        ideal = (r.ideal.get(row.stage) or {}).get("nps")
        if row.too_few:
            verdict = "too few answers to judge"
        elif ideal is None:
            verdict = "no ideal set"
        elif row.nps_hi < ideal:
            verdict = f"below the ideal by {ideal - row.nps:.0f} points"
        elif row.nps_lo > ideal:
            verdict = "above the ideal"
        else:
            verdict = "within reach of the ideal (the interval includes it)"
        rows.append({"stage": row.stage, "responses": row.responses, "nps": _fmt(row.nps, 0), "lo": _fmt(row.nps_lo, 0),
                     "hi": _fmt(row.nps_hi, 0), "ideal": _fmt(ideal, 0), "verdict": verdict})
    return render("report/stages.html.j2", rows=rows)


def trend_sentence(r: ReportData) -> str:
    """First week against last week, said with its uncertainty."""
    t = r.trend.dropna(subset=["nps"])
    if len(t) < 2:
        return render("report/paragraph.html.j2", text="Too few dated answers to draw a trend.")
    a, b = t.iloc[0], t.iloc[-1]
    overlap = not (a.nps_hi < b.nps_lo or b.nps_hi < a.nps_lo)
    judged = ("the intervals overlap, so this may be noise" if overlap
              else "the intervals do not overlap: a real change")
    return render("report/trend.html.j2", judged=judged,
                  first={"nps": f"{a.nps:.0f}", "day": _day(a.period), "n": a.nps_n},
                  last={"nps": f"{b.nps:.0f}", "day": _day(b.period), "n": b.nps_n})


def chart_views(r: ReportData) -> list[dict[str, Any]]:
    """Chart exhibits (the negative room's views), most severe first, with the files they point to."""
    views = []
    for rec in r.exhibits:
        if rec.get("kind") != "chart":
            continue
        media = rec.get("media") or {}
        figure = media_path(r.run_dir, media.get("figure"))
        thumb = media_path(r.run_dir, media.get("thumb"))
        views.append({"record": rec, "figure": figure, "thumb": thumb})
    return sorted(views, key=lambda v: -(v["record"].get("severity") or 0))


def show_chart_views(r: ReportData) -> None:
    """Display each chart view: interactive in report.html (printed as an image), else its PNG."""
    import plotly.io as pio
    from IPython.display import HTML, display
    views = chart_views(r)
    if not views:
        display(HTML(CSS + render("report/note.html.j2", text="This run has no chart views of the negative experiences "
                                  "(no chart exhibits in exhibits.json).")))
        return
    for v in views:
        rec = v["record"]
        title = rec.get("title") or ""
        display(HTML(CSS + render("report/view.html.j2", title=title, caption=rec.get("caption") or "")))
        if v["figure"] is not None:
            pio.from_json(v["figure"].read_text(encoding="utf-8")).show()
        elif v["thumb"] is not None:
            display(HTML(render("report/view_image.html.j2", src=pages.data_uri(v["thumb"]), title=title)))
        else:
            display(HTML(render("report/note.html.j2", text="The chart file of this view is missing from the run.")))


def ranked_negatives_html(run_dir: Path, exhibits: list[dict[str, Any]] | None = None, limit: int = 15) -> str:
    """The ranked negative experiences of ``negatives.json``: what, where, how many, how sure, and the cards to see.

    Score = severity x reach x evidence strength (kit.analysis.pain); entries with too little evidence are
    listed after the ranked ones and say so. Card ids are the short ids printed on cards.pdf.
    """
    items = runfolder.read_negatives(run_dir)
    if items is None:
        return render("report/note.html.j2", text="This run has no ranked list of negative experiences (negatives.json); "
                      "the exhibits below are ordered by how negative they are.")
    items = items[:limit]
    if not items:
        return render("report/paragraph.html.j2", text="No negative experience was ranked in this run.")
    records = exhibits if exhibits is not None else ex.load(Path(run_dir))
    short = ex.short_ids([r["id"] for r in records])
    rows = []
    for n, i in enumerate(items, 1):
        thumb = media_path(run_dir, i.get("thumb"))
        rows.append({"rank": i.get("rank") or n, "thumb": _still(thumb), "title": i.get("title") or "",
                     "too_few": bool(i.get("too_few")), "sources": i.get("sources") or [],
                     "where": [str(x).replace("_", " ") for x in (i.get("stage"), i.get("channel")) if x],
                     "reach": _cell(i.get("reach")), "severity": _cell(i.get("severity")),
                     "evidence": _cell(i.get("evidence_strength")),
                     "cards": [short[x] for x in (i.get("exhibits") or [])[:4] if x in short]})
    return render("report/ranked.html.j2", rows=rows)


def _still(path: Path | None) -> str | None:
    """A JPEG or PNG inside the run as a data URI (a thumbnail cell), else None."""
    return pages.data_uri(path) if path is not None and path.suffix.lower() in (".jpg", ".jpeg", ".png") else None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def negative_html(r: ReportData, limit: int = 12) -> str:
    """The most negative exhibits with their still, card id (as printed on cards.pdf) and source."""
    neg = sorted((x for x in r.exhibits if (x.get("valence") is not None and x["valence"] < 0)),
                 key=lambda x: (x["valence"], -(x.get("severity") or 0)))[:limit]
    if not neg:
        return render("report/paragraph.html.j2", text="No negative exhibit in this run.")
    short = ex.short_ids([x["id"] for x in r.exhibits])
    rows = []
    for x in neg:
        thumb = media_path(r.run_dir, (x.get("media") or {}).get("thumb"))
        src = x.get("source") or {}
        rows.append({"card": short[x["id"]], "thumb": _still(thumb), "kind": x["kind"], "stage": x.get("stage") or "",
                     "channel": x.get("channel") or "", "valence": x["valence"], "dir": "rtl" if x.get("lang") == "fa" else "ltr",
                     "what": x.get("quote") or x.get("caption") or x["title"],
                     "file": src.get("file", ""), "locator": src.get("locator", "")})
    return render("report/negatives.html.j2", rows=rows)


def counts_html(r: ReportData) -> str:
    """Rows in = accepted + rejected per input, then what was held back (``held_back_html``)."""
    return render("report/counts.html.j2", counts=list(r.counts.items()), rejects=r.rejects) + held_back_html(r)


def held_back_html(r: ReportData) -> str:
    """Open answers per survey (accepted = shown + withheld), every file and reason held back, declared
    consent, and the stages too small to rank: nothing is left out of a page without being said here."""
    answers = [{"file": name, "consent": c.consent, "accepted": f"{c.accepted:,}", "shown": f"{c.shown:,}",
                "withheld": f"{sum(c.withheld.values()):,}", "balanced": c.balanced}
               for name, c in r.answers.items() if c.accepted or c.withheld]
    declared = [name for name, c in r.answers.items() if c.consent == rj.ALL_RESPONDENTS]
    return render("report/held_back.html.j2", answers=answers, held=[h.sentence() for h in r.held_back],
                  declared=declared, small=small_groups_sentence(r))


def small_groups_sentence(r: ReportData) -> str:
    """The journey stages under ``min_group_size``: shown with their numbers, never ranked (nothing withheld)."""
    if not len(r.by_stage) or "too_few" not in r.by_stage:
        return ""
    few = r.by_stage[r.by_stage["too_few"].astype(bool)]
    if not len(few):
        return ""
    listed = ", ".join(f"{row.stage} ({int(row.responses):,})" for row in few.itertuples())
    return (f"Stages with fewer than {r.min_group_size:,} answers (min_group_size) are shown with their numbers but "
            f"never ranked or tested; none of their evidence is withheld: {listed}.")



def _note(text: str) -> None:
    from IPython.display import HTML, display
    display(HTML(CSS + render("report/note.html.j2", text=text)))


def show_stage_chart(r: ReportData) -> None:
    """NPS per stage against the ideal, titled with its n (a plain note when no answer has a stage)."""
    from kit.charts import survey as charts
    if not len(r.by_stage):
        _note("No survey answers carry a journey stage.")
        return
    n = int(r.by_stage["responses"].sum())
    charts.score_by_group(r.by_stage, "stage", "nps", r.ideal,
                          title=f"NPS by journey stage: actual (95% interval) against the ideal · {n:,} answers").show()


def show_trend_chart(r: ReportData) -> None:
    from kit.charts import survey as charts
    if len(r.trend) < 2:
        _note("Too few dated answers to draw a trend.")
        return
    n = int(r.trend["nps_n"].sum())
    charts.nps_trend(r.trend, title=f"NPS by week (95% interval) · {n:,} answers").show()


def show_contact_chart(r: ReportData) -> None:
    from kit.charts import survey as charts
    if not len(r.bands):
        _note("No contact log could be joined to survey answers, so message volume cannot be compared with NPS.")
        return
    charts.dose_response(r.bands).show()
