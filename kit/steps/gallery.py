"""Gallery assembly: every step's exhibits and moments merged, and the summary pages show first."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kit.analysis import contact_log, lenses, overload, scores
from kit.core import exhibits as ex
from kit.core import periods as calendar_periods
from kit.core import runfolder
from kit.core.project import Project
from kit.core.schema import MOMENT_COLUMNS
from kit.core.step import Step
from kit.steps.curation import curate
from kit.workshop import findings


def merge_moments(step: Step) -> pd.DataFrame:
    parts = [pd.read_parquet(p) for p in runfolder.moment_parts(step.run_dir)]
    parts = [p for p in parts if len(p)]
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=MOMENT_COLUMNS)
    step.save_table("moments", table)
    return table


def trend(responses: pd.DataFrame, freq: str = "M", *, calendar: str = "gregorian", tz: str = "UTC",
          lang: str = "en") -> dict[str, Any]:
    """NPS, CSAT and CES per period (month by default) with their n, for the overview's trend lines.

    Periods are months (or weeks with ``W``) of ``calendar`` (``scores.periods``), by the day each
    answer was given in ``tz``; a period with no answer is left out. ``period`` is the Gregorian
    date of its first day (what charts plot on), ``key`` its name in its own calendar (1404-07),
    ``label`` its name for the pages in ``lang`` (مهر ۱۴۰۴). Each score keeps its 95% interval.
    """
    r = responses.dropna(subset=["submitted_at"]) if "submitted_at" in responses else responses.iloc[:0]
    if r.empty:
        return {"freq": freq, "calendar": calendar, "periods": []}
    period = scores.periods(r["submitted_at"], freq, calendar, tz)
    rows = []
    for p, g in r.groupby(period):
        n_, c, e = scores.nps(g["nps"]), scores.mean_ci(g["csat"]), scores.mean_ci(g["ces"])
        rows.append({"period": p.date().isoformat(), "key": calendar_periods.key(p, freq, calendar),
                     "label": calendar_periods.label(p, freq, calendar, lang), "responses": len(g), "nps": _num(n_["value"]),
                     "nps_lo": _num(n_["lo"]), "nps_hi": _num(n_["hi"]), "csat": _num(c["value"]), "ces": _num(e["value"]),
                     "csat_lo": _num(c["lo"]), "csat_hi": _num(c["hi"]), "ces_lo": _num(e["lo"]), "ces_hi": _num(e["hi"])})
    return {"freq": freq, "calendar": calendar, "periods": rows}


def _num(v: float) -> float | None:
    return None if v != v else round(float(v), 3)


def worst(records: list[dict[str, Any]], limit: int = 5) -> list[str]:
    """Ids of the most negative exhibits (lowest valence, then highest severity): the overview's fallback wall."""
    neg = [r for r in records if r.get("valence") is not None and r["valence"] < 0]
    neg.sort(key=lambda r: (r["valence"], -(r.get("severity") or 0)))
    return [r["id"] for r in neg[:limit]]


def summary(step: Step, records: list[dict[str, Any]]) -> dict[str, Any]:
    """What the pages show before anything else, computed once here so pages stay light."""
    p = step.project
    responses = step.load_table("responses")
    head = scores.headline(responses)
    return {
        "name": p.name, "run_id": step.run_dir.name.removeprefix(".partial-"), "ui_language": p.ui_language,
        "languages": p.languages, "stages": p.journey.stages, "channels": p.channels,
        "ideal": p.journey.ideal, "targets": p.targets.model_dump(), "min_group_size": p.min_group_size, "headline": head,
        "by_stage": scores.by_group(responses, "stage", p.min_group_size, p.journey.stages).to_dict("records"),
        "trend": trend(responses, calendar=p.trend_calendar, tz=p.timezone, lang=p.ui_language),
        "worst": worst(records), "exhibits": len(records), "calendar": p.trend_calendar, "timezone": p.timezone,
        "weekly": scores.by_period(responses, "W", calendar=p.trend_calendar, tz=p.timezone,
                                   lang=p.ui_language).to_dict("records"),
        "contact_bands": contact_bands(step, responses),
        "rejects": rejected_rows(step), "workshop": workshop_settings(p),
        "past_workshops": findings.past_workshops(step.run_dir),
        "exhibits_by_kind": pd.Series([r["kind"] for r in records]).value_counts().to_dict() if records else {},
    }


def contact_bands(step: Step, responses: pd.DataFrame) -> list[dict[str, Any]]:
    """NPS by band of outbound messages a week, for the report; the contact log is aggregated by DuckDB, never loaded whole."""
    if not step.has_table("contacts") or responses["customer_id"].isna().all():
        return []
    customers = contact_log.customer_contacts(step.table_path("contacts"))
    if customers.empty or customers["per_week"].isna().all():
        return []
    bands = overload.dose_response(customers, responses, min_n=0)
    return bands.drop(columns="too_few").to_dict("records")


def workshop_settings(project: Project) -> dict[str, Any]:
    """What a workshop on this run needs from project.yaml, so the pages never open the project."""
    return {"votes_per_person": int(project.workshop.votes_per_person)}


def rejected_rows(step: Step) -> int:
    """How many input rows the run rejected, read from the rejects table's footer (no rows loaded)."""
    if not step.has_table("rejects"):
        return 0
    import pyarrow.parquet as pq
    return int(pq.ParquetFile(step.table_path("rejects")).metadata.num_rows)


KIT_WORDED = ("chart", "metric")       # exhibits whose title and caption the kit writes, never a customer


def in_language(records: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Charts and metrics marked as written in the project's language.

    Their words come from the catalogue in ``ui_language``, so on a Persian run they read right to
    left; the steps leave every exhibit's ``lang`` at English unless its customer text says otherwise.
    """
    return [{**r, "lang": lang} if r.get("kind") in KIT_WORDED else r for r in records]


def assemble(step: Step) -> list[dict[str, Any]]:
    """Write ``exhibits.json``, ``data/moments.parquet``, ``lenses.json`` and ``summary.json``; returns the exhibits."""
    records = in_language(curate(step, ex.merge_parts(step.run_dir)), step.project.ui_language)
    runfolder.write_exhibits(step.run_dir, records)
    merge_moments(step)
    lenses.write(step.run_dir, records, step.project.ui_language)
    runfolder.write_summary(step.run_dir, summary(step, records))
    step.finish()
    return records
