"""The executive report's content, read from a finished run folder's tables.

Everything shown as HTML is rendered here from the templates under kit/assets/templates/report
(``kit.core.templates`` escapes every value), so the notebook only displays it; nbconvert then
turns the executed notebook into ``report.html`` (and Chromium prints that to ``report.pdf``).
Sections say plainly when their evidence is missing from the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kit.core import exhibits as ex
from kit.core import i18n, periods, runfolder
from kit.core import rejects as rj
from kit.core.bidi import isolate, isolate_each
from kit.core.feelings import feeling
from kit.core.runfolder import media_path
from kit.core.step import Step
from kit.core.templates import Markup, bdi, render
from kit.views import html as pages
from kit.views import report_agreement, report_figures, report_summary, sources

NO_INTRO = {"trend"}
SCALES = (("nps", "report_nps", 0), ("csat", "report_csat", 2), ("ces", "report_ces", 2))


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
    lang: str = "en"                                                  # the project's ui_language: the report's words
    summary: dict[str, Any] = field(default_factory=dict)              # summary.json as the gallery step wrote it
    negatives: list[dict[str, Any]] | None = None                      # negatives.json, ranked
    targets: dict[str, float] = field(default_factory=dict)            # headline score targets (project.yaml targets)


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
    targets = report_summary.targets_of(summary, step.project.targets.model_dump(exclude_none=True))
    return ReportData(
        lang=i18n.language(summary.get("ui_language") or step.project.ui_language), summary=summary,
        negatives=runfolder.read_negatives(step.run_dir), targets=targets,
        answers=answers, held_back=rj.held_back(table, answers), min_group_size=int(summary.get("min_group_size") or 0),
        name=summary.get("name") or step.project.name, headline=summary["headline"],
        by_stage=pd.DataFrame(summary.get("by_stage") or []), trend=trend,
        bands=pd.DataFrame(summary.get("contact_bands") or []),
        exhibits=ex.load(step.run_dir), counts=runfolder.read_counts(step.run_dir), rejects=int(summary.get("rejects", 0)),
        run_dir=step.run_dir, ideal=dict(summary.get("ideal") or {}), run_id=str(summary.get("run_id") or ""))


def meta_line(r: ReportData) -> str:
    """How much evidence the report stands on, and the period it covers, in one line."""
    parts = [i18n.count("report_meta_answers", int(r.headline.get("nps", {}).get("n") or 0), r.lang),
             i18n.count("report_meta_exhibits", len(r.exhibits), r.lang)]
    if len(r.trend):
        parts.append(i18n.t("report_meta_period", r.lang, first=isolate(_day(r, r.trend["period"].iloc[0])),
                            last=isolate(_day(r, r.trend["period"].iloc[-1]))))
    return i18n.join(isolate_each(parts), r.lang)


def summary(r: ReportData) -> str:
    """The report's opening: the page styles and Persian font once, then the summary page (kit.views.report_summary)."""
    return pages.page_css(r.lang) + report_summary.summary_html(r.run_dir, r.summary, r.negatives, r.exhibits,
                                                                r.targets, r.lang, meta_line(r))


def section(r: ReportData, name: str) -> str:
    """A section's heading and the sentence that says how to read it, in the report's language."""
    intro = "" if name in NO_INTRO else i18n.t(f"report_{name}_intro", r.lang)
    return render("report/section.html.j2", title=i18n.t(f"report_{name}_h", r.lang), intro=intro,
                  dir=i18n.direction(r.lang))


def _day(r: ReportData, value: Any) -> str:
    """A date as the report's language writes it, in the project's calendar ("13 Jul 2026", «۲۰ تیر ۱۴۰۵»)."""
    return periods.day(value, str(r.summary.get("calendar") or "gregorian"), r.lang)


def headline_html(r: ReportData) -> str:
    """NPS, CSAT and CES, each with its 95% interval and its number of answers."""
    h, lang = r.headline, r.lang
    if not h.get("nps", {}).get("n"):
        return render("report/note.html.j2", text=i18n.t("report_no_scores", lang))
    tiles = []
    for key, label, digits in SCALES:
        m = h.get(key) or {}
        if not m.get("n"):
            tiles.append({"label": i18n.t(label, lang), "n": 0})
            continue
        extra = i18n.t("report_satisfied", lang, pct=i18n.number(m["top2box"], lang)) \
            if key == "csat" and "top2box" in m else ""
        tiles.append({"label": i18n.t(label, lang), "n": m["n"], "value": i18n.number(m["value"], lang, digits),
                      "lo": i18n.number(m["lo"], lang, digits), "hi": i18n.number(m["hi"], lang, digits),
                      "extra": extra})
    return render("report/headline.html.j2", tiles=tiles, lang=lang)


def stage_table_html(r: ReportData) -> str:
    """Per stage: NPS with its interval against the designed NPS (journey.ideal), and whether the gap is real."""
    lang = r.lang
    if not len(r.by_stage):
        return render("report/note.html.j2", text=i18n.t("report_no_stage", lang))
    rows = []
    for row in r.by_stage.itertuples():
        ideal = (r.ideal.get(row.stage) or {}).get("nps")
        if row.too_few:
            verdict = i18n.t("report_verdict_few", lang)
        elif ideal is None:
            verdict = i18n.t("report_verdict_no_design", lang)
        elif row.nps_hi < ideal:
            verdict = i18n.t("report_verdict_below", lang, gap=i18n.number(ideal - row.nps, lang))
        elif row.nps_lo > ideal:
            verdict = i18n.t("report_verdict_above", lang)
        else:
            verdict = i18n.t("report_verdict_within", lang)
        rows.append({"stage": report_summary.stage_name(row.stage, lang), "responses": row.responses,
                     "nps": i18n.number(row.nps, lang), "lo": i18n.number(row.nps_lo, lang),
                     "hi": i18n.number(row.nps_hi, lang), "ideal": i18n.number(ideal, lang), "verdict": verdict})
    return render("report/stages.html.j2", rows=rows, lang=lang)


def trend_sentence(r: ReportData) -> str:
    """First week against last week, said with its uncertainty."""
    t, lang = r.trend.dropna(subset=["nps"]), r.lang
    if len(t) < 2:
        return render("report/paragraph.html.j2", text=i18n.t("report_trend_few", lang))
    a, b = t.iloc[0], t.iloc[-1]
    overlap = not (a.nps_hi < b.nps_lo or b.nps_hi < a.nps_lo)
    judged = i18n.t("report_trend_noise" if overlap else "report_trend_real", lang)
    return render("report/paragraph.html.j2", text=i18n.t(
        "report_trend_sentence", lang, first=i18n.number(a.nps, lang), first_day=_day(r, a.period),
        first_n=i18n.number(a.nps_n, lang), last=i18n.number(b.nps, lang), last_day=_day(r, b.period),
        last_n=i18n.number(b.nps_n, lang), judged=judged))


def chart_views(r: ReportData) -> list[dict[str, Any]]:
    """The negative room's chart views, most severe first (kit.views.report_figures)."""
    return report_figures.chart_views(r.run_dir, r.exhibits)


def show_chart_views(r: ReportData) -> None:
    """Each view at its column's width; a table view as a table (kit.views.report_figures)."""
    report_figures.show_chart_views(r.run_dir, r.exhibits, r.lang)


def ranked_negatives_html(run_dir: Path, exhibits: list[dict[str, Any]] | None = None, limit: int = 15,
                          lang: str = "en") -> str:
    """The ranked negative experiences of ``negatives.json``: what, where, how many, how bad, and the cards to see.

    Score = severity x reach x evidence strength (kit.analysis.pain); entries with too little evidence are
    listed after the ranked ones and say so. Card numbers are the short ids printed on cards.pdf.
    """
    items = runfolder.read_negatives(run_dir)
    if items is None:
        return render("report/note.html.j2", text=i18n.t("report_no_ranking", lang))
    items = items[:limit]
    if not items:
        return render("report/paragraph.html.j2", text=i18n.t("report_no_negative", lang))
    records = exhibits if exhibits is not None else ex.load(Path(run_dir))
    short = ex.short_ids([r["id"] for r in records])
    rows = []
    for n, i in enumerate(items, 1):
        words, mark = feeling(-float(i.get("severity") or 0), lang)
        rows.append({"rank": i.get("rank") or n, "thumb": _still(media_path(run_dir, i.get("thumb"))),
                     "title": i.get("title") or "", "too_few": bool(i.get("too_few")),
                     "sources": [_source_word(x, lang) for x in i.get("sources") or []],
                     "where": isolate(report_summary.place(i.get("stage"), i.get("channel"), lang)),
                     "reach": i18n.number(i.get("reach"), lang), "severity": f"{mark} {words}",
                     "cards": [short[x] for x in (i.get("exhibits") or [])[:4] if x in short]})
    return render("report/ranked.html.j2", rows=rows, lang=lang)


def _source_word(kind: str, lang: str) -> str:
    key = f"source_{kind}"
    return i18n.t(key, lang) if key in i18n.LABELS else kind


def _still(path: Path | None) -> str | None:
    """A JPEG or PNG inside the run as a data URI (a thumbnail cell), else None."""
    return pages.data_uri(path) if path is not None and path.suffix.lower() in (".jpg", ".jpeg", ".png") else None


def negative_html(r: ReportData, limit: int = 12) -> str:
    """The most negative exhibits with their still, card number (as printed on cards.pdf), where and feeling."""
    neg = sorted((x for x in r.exhibits if (x.get("valence") is not None and x["valence"] < 0)),
                 key=lambda x: (x["valence"], -(x.get("severity") or 0)))[:limit]
    if not neg:
        return render("report/paragraph.html.j2", text=i18n.t("report_no_negative", r.lang))
    short = ex.short_ids([x["id"] for x in r.exhibits])
    rows = []
    for x in neg:
        words, mark = feeling(x["valence"], r.lang)
        rows.append({"card": short[x["id"]], "thumb": _still(media_path(r.run_dir, (x.get("media") or {}).get("thumb"))),
                     "where": isolate(report_summary.place(x.get("stage"), x.get("channel"), r.lang)),
                     "feeling": f"{mark} {words}", "dir": i18n.text_dir(x.get("lang")),
                     "what": x.get("quote") or x.get("caption") or x["title"],
                     "source": _source_word(ex.source_kind(x), r.lang)})
    return render("report/negatives.html.j2", rows=rows, lang=r.lang)


def counts_html(r: ReportData) -> str:
    """Records in = used + set aside per source, then what was held back (``held_back_html``)."""
    counts = [(*sources.input_label(name, r.lang), c) for name, c in r.counts.items()]
    return (render("report/counts.html.j2", counts=counts, rejects=r.rejects, lang=r.lang) + held_back_html(r)
            + report_agreement.agreement_html(r.run_dir, r.exhibits, r.lang))     # only when coders coded


def input_name(name: str, lang: str = "en") -> Markup:
    """An input by its path in the project (the project's own name for it, left to right), with the kit's words in ``lang``."""
    path, words = sources.input_label(name, lang)
    return bdi(path, "ltr") + (f" {words}" if words else "")


def report_title(name: str | None, lang: str = "en") -> str:
    """The report's title: the project's name, then what the report is, in ``lang``."""
    return i18n.t("report_title_named", lang, name=name) if name else i18n.t("report_title_plain", lang)


def held_back_html(r: ReportData) -> str:
    """What was kept off every page and export, by source and reason: nothing is left out without being said here.

    Open answers per survey (accepted = shown + withheld) and every input held back are counted by the
    reason they were held back (kit.core.rejects.HeldBack); the file-by-file list stays with the analyst.
    """
    held: dict[tuple[str, str], int] = {}
    for h in r.held_back:
        what = "answers" if h.kind == rj.ANSWERS_WITHHELD else input_kind(h.source_file)
        held[(what, _why(h))] = held.get((what, _why(h)), 0) + int(h.count)
    rows = [{"what": i18n.t(f"report_held_{what}", r.lang), "why": i18n.t(why, r.lang), "n": i18n.number(n, r.lang)}
            for (what, why), n in held.items()]
    declared = [input_name(name, r.lang) for name, c in r.answers.items() if c.consent == rj.ALL_RESPONDENTS]
    return render("report/held_back.html.j2", rows=rows, small=small_groups_sentence(r), lang=r.lang,
                  declared=Markup(i18n.t("comma", r.lang)).join(declared))


_REASONS = {rj.NO_CONSENT: "report_why_consent", rj.CONSENT_UNKNOWN: "report_why_unknown",
            rj.NOT_USABLE: "report_why_unusable"}


def _why(h: rj.HeldBack) -> str:
    """The catalogue key of why evidence was held back: an open answer's consent was refused or never asked."""
    if h.kind == rj.ANSWERS_WITHHELD:
        return "report_why_consent" if "answered no" in h.reason else "report_why_unknown"
    return _REASONS.get(h.kind, "report_held_other")


def input_kind(path: str) -> str:
    """What an input file holds, from its folder or type: photos, recordings or other files."""
    low = str(path).lower()
    if low.startswith("photo") or low.endswith((".jpg", ".jpeg", ".png", ".heic", ".webp")):
        return "photos"
    if low.startswith("recording") or low.endswith((".mp4", ".mov", ".m4a", ".mp3", ".wav", ".vtt", ".srt")):
        return "recordings"
    return "files"


def small_groups_sentence(r: ReportData) -> str:
    """The journey stages with too few answers to judge: shown with their numbers, never ranked (nothing withheld)."""
    if not len(r.by_stage) or "too_few" not in r.by_stage:
        return ""
    few = r.by_stage[r.by_stage["too_few"].astype(bool)]
    if not len(few):
        return ""
    listed = i18n.t("comma", r.lang).join(f"{report_summary.stage_name(row.stage, r.lang)} "
                                          f"({i18n.number(int(row.responses), r.lang)})" for row in few.itertuples())
    return i18n.t("report_small_groups", r.lang, n=i18n.number(r.min_group_size, r.lang), stages=listed)


def _note(text: str) -> None:
    from IPython.display import HTML, display
    display(HTML(render("report/note.html.j2", text=text)))


def show_stage_chart(r: ReportData) -> None:
    """NPS per stage against the ideal, titled with its n (a plain note when no answer has a stage)."""
    from kit.charts import survey as charts
    if not len(r.by_stage):
        _note(i18n.t("report_no_stage", r.lang))
        return
    n = int(r.by_stage["responses"].sum())
    title = i18n.t("report_chart_stages", r.lang, n=i18n.number(n, r.lang))
    report_figures.fit(charts.score_by_group(r.by_stage, "stage", "nps", r.ideal, title=title, lang=r.lang)).show()


def show_trend_chart(r: ReportData) -> None:
    """NPS week by week with its interval, at the column's width."""
    from kit.charts import survey as charts
    if len(r.trend) < 2:
        _note(i18n.t("report_trend_few", r.lang))
        return
    n = int(r.trend["nps_n"].sum())
    title = i18n.t("report_chart_trend", r.lang, n=i18n.number(n, r.lang))
    report_figures.fit(charts.nps_trend(r.trend, title=title, lang=r.lang)).show()


def show_contact_chart(r: ReportData) -> None:
    """NPS by how many messages a week customers were sent (the contact log's bands, from summary.json)."""
    from kit.charts import survey as charts
    if not len(r.bands):
        _note(i18n.t("report_no_contacts", r.lang))
        return
    report_figures.fit(charts.dose_response(r.bands, lang=r.lang)).show()
