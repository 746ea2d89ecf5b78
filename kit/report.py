"""The executive report's content, read from a finished run folder's tables.

Everything shown as HTML is built here with every untrusted string escaped, so the notebook only
displays it; nbconvert then turns the executed notebook into ``report.html``.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import pandas as pd

from kit import exhibits as ex
from kit import pages, scores
from kit.runs import collect_counts
from kit.steps import Step


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


def load(step: Step) -> ReportData:
    responses = step.load_table("responses")
    contacts = step.load_table("contacts") if step.has_table("contacts") else pd.DataFrame()
    rejects = step.load_table("rejects") if step.has_table("rejects") else pd.DataFrame()
    return ReportData(
        name=step.project.name, headline=scores.headline(responses),
        by_stage=scores.by_group(responses, "stage", step.project.min_group_size, step.project.journey.stages),
        trend=scores.by_period(responses, "W"),
        bands=scores.contact_bands(contacts, responses) if len(contacts) else pd.DataFrame(),
        exhibits=ex.load(step.run_dir), counts=collect_counts(step.run_dir), rejects=len(rejects))


def heading(r: ReportData) -> str:
    n = r.headline["nps"]["n"]
    return f"## {escape(r.name)}\n\n{n:,} survey answers · {len(r.exhibits):,} exhibits on the wall"


def headline_html(r: ReportData) -> str:
    return pages.CSS + pages.tiles_html({"headline": r.headline})


def negative_html(r: ReportData, limit: int = 12) -> str:
    neg = sorted((x for x in r.exhibits if (x.get("valence") is not None and x["valence"] < 0)),
                 key=lambda x: (x["valence"], -(x.get("severity") or 0)))[:limit]
    if not neg:
        return "<p>No negative exhibit in this run.</p>"
    rows = "".join(
        f"<tr><td>{escape(x['kind'])}</td><td>{escape(str(x.get('stage') or ''))}</td>"
        f"<td>{escape(str(x.get('channel') or ''))}</td><td>{x['valence']:.2f}</td>"
        f"<td dir=\"{'rtl' if x.get('lang') == 'fa' else 'ltr'}\">{escape(x.get('quote') or x.get('caption') or x['title'])}</td>"
        f"<td>{escape(x['source']['file'])} @ {escape(str(x['source'].get('locator', '')))}</td></tr>" for x in neg)
    return ("<table><thead><tr><th>kind</th><th>stage</th><th>channel</th><th>valence</th><th>what</th>"
            f"<th>source</th></tr></thead><tbody>{rows}</tbody></table>")


def counts_html(r: ReportData) -> str:
    rows = "".join(f"<tr><td>{escape(k)}</td><td>{v['in']:,}</td><td>{v['accepted']:,}</td><td>{v['rejected']:,}</td>"
                   f"<td>{'yes' if v['in'] == v['accepted'] + v['rejected'] else 'NO'}</td></tr>"
                   for k, v in r.counts.items())
    return ("<table><thead><tr><th>input</th><th>in</th><th>accepted</th><th>rejected</th><th>balanced</th></tr>"
            f"</thead><tbody>{rows}</tbody></table><p>{r.rejects:,} rejects are listed with their reasons in "
            "<code>data/rejects.parquet</code>.</p>")

