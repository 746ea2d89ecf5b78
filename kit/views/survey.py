"""The survey notebook's sentences, written from the numbers: headline, groups, trend, ideal,
drivers; and what the notebook shows of the survey step's result.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from kit.analysis.scores import NAMES
from kit.core.templates import plain
from kit.steps.survey import SurveyResult


def headline_text(head: dict[str, dict[str, float]]) -> str:
    """Two sentences on the headline scores, with their intervals and n."""
    n, c, e = head["nps"], head["csat"], head["ces"]
    if not n["n"]:
        return "No survey answer carries an NPS rating, so there is no headline score."
    verdict = "more promoters than detractors" if n["lo"] > 0 else (
        "more detractors than promoters" if n["hi"] < 0 else "about as many promoters as detractors")
    text = (f"NPS is **{n['value']:.0f}** (95% interval {n['lo']:.0f} to {n['hi']:.0f}, {n['n']:,} answers): "
            f"{verdict}.")
    if c["n"]:
        text += (f" CSAT averages **{c['value']:.2f} of 5** with {c['top2box']:.0f}% satisfied (4-5; "
                 f"{c['n']:,} answers)")
    if e["n"]:
        text += f", and effort (CES) averages **{e['value']:.2f} of 7** where 7 is very easy ({e['n']:,} answers)"
    return text + "."


def group_text(table: pd.DataFrame, key: str, score: str = "nps") -> str:
    """Which groups differ from the rest (tested), which are too small to judge."""
    if table.empty:
        return f"No answer names a {key}."
    fmt = ".0f" if score == "nps" else ".2f"
    name = NAMES[score]
    ok = table[~table["too_few"]]
    parts = []
    for flag, word in (("above", "above"), ("below", "below")):
        hit = ok[ok[f"{score}_flag"] == flag]
        if len(hit):
            items = ", ".join(f"{plain(r[key])} ({r[score]:{fmt}}, n={int(r[f'{score}_n']):,})"
                              for _, r in hit.iterrows())
            parts.append(f"{word} the rest: {items}")
    text = (f"{name} by {key}: " + "; ".join(parts) + "." if parts else
            f"No {key} differs from the rest in {name} by more than chance would explain (tests with Holm's correction).")
    few = table[table["too_few"]]
    if len(few):
        text += (f" Too few answers to judge: {', '.join(plain(v) for v in few[key])} "
                 f"(shown grey, never ranked).")
    return text


def trend_text(table: pd.DataFrame, freq_word: str = "week", score: str = "nps") -> str:
    """The first and last period, and each change that a test found real."""
    t = table.dropna(subset=[score]) if len(table) else table
    if len(t) < 2:
        return f"Too few dated answers to draw a trend by {freq_word}."
    fmt = ".0f" if score == "nps" else ".2f"
    first, last = t.iloc[0], t.iloc[-1]

    def when(p: pd.Timestamp) -> str:
        return f"{p:%B %Y}" if freq_word == "month" else f"the week of {p:%d %b %Y}"

    text = (f"{NAMES[score]} went from {first[score]:{fmt}} in {when(first['period'])} "
            f"({int(first[f'{score}_n']):,} answers) to {last[score]:{fmt}} in {when(last['period'])} "
            f"({int(last[f'{score}_n']):,} answers).")
    real = t[t[f"{score}_change_flag"].isin(["up", "down"])]
    if len(real):
        text += " Real changes (tested against the period before, Holm-corrected): " + "; ".join(
            f"{r[f'{score}_change_flag']} {abs(r[f'{score}_change']):{fmt}} points in {when(r['period'])}"
            for _, r in real.iterrows()) + "."
    else:
        text += f" No change from one {freq_word} to the next is larger than chance would explain."
    few = int(t["too_few"].sum())
    if few:
        text += f" {few} {freq_word}(s) had too few answers to test (grey)."
    return text


def ideal_text(gaps: pd.DataFrame) -> str:
    """Stages whose actual score misses (or beats) the designed ideal by more than the interval."""
    if gaps.empty:
        return "project.yaml sets no ideal targets (journey.ideal), so there is nothing to compare against."
    below = gaps[gaps["beyond_interval"] & (gaps["gap"] < 0)]
    above = gaps[gaps["beyond_interval"] & (gaps["gap"] > 0)]
    few = gaps[gaps["too_few"]]

    def items(t: pd.DataFrame) -> str:
        return ", ".join(f"{plain(r.stage)} {NAMES[r.score]} ({r.actual:.{0 if r.score == 'nps' else 2}f} vs "
                         f"{r.ideal:.{0 if r.score == 'nps' else 2}f})" for r in t.itertuples())

    parts = []
    if len(below):
        parts.append(f"Below the ideal by more than the 95% interval: {items(below)}.")
    if len(above):
        parts.append(f"Above the ideal: {items(above)}.")
    if not parts:
        parts.append("Every stage with enough answers is within its interval of the ideal.")
    if len(few):
        parts.append(f"Too few answers to judge: {', '.join(sorted(set(plain(s) for s in few['stage'])))}.")
    return " ".join(parts)


def drivers_text(drivers: pd.DataFrame, top: int = 3) -> str:
    """The themes that move NPS most (ranked, tested), in the customers' words."""
    if drivers.empty:
        return "No themes were found in the open answers, so there are no key drivers to rank."
    ranked = drivers[drivers["rank"].notna() & drivers["significant"]].head(top)
    if ranked.empty:
        return ("No theme makes a difference to NPS larger than chance would explain (or too few respondents "
                "mention one to judge).")
    items = []
    for r in ranked.itertuples():
        items.append(f"**{plain(r.label)}** ({r.lang}, {r.n_with:,} respondents): NPS {r.nps_with:.0f} against "
                     f"{r.nps_without:.0f} for the rest ({r.difference:+.0f} points, 95% interval {r.lo:+.0f} to "
                     f"{r.hi:+.0f}); it {r.direction} NPS by {abs(r.impact):.1f} points overall")
    return "The themes that move NPS most: " + "; ".join(items) + "."


# --- the survey step's result, as the notebook shows it -----------------------------------------

def inputs(result: SurveyResult) -> str:
    return (f"{result.responses:,} accepted responses, {result.comments:,} open answers; groups under "
            f"{result.min_group_size} answers are too few to rank")


def show(result: SurveyResult, *figure_ids: str) -> None:
    """Show each of these figures the step made (a chart it had no data for is left out)."""
    for key in figure_ids:
        if key in result.figures:
            result.figures[key].show()


def headline(result: SurveyResult) -> Markdown:
    return Markdown(headline_text(result.headline))


def headline_table(result: SurveyResult) -> pd.DataFrame:
    return pd.DataFrame(result.headline).T.round(2)


def groups(result: SurveyResult, key: str, *scores: str) -> Markdown:
    """What the scores (NPS unless named) by ``key`` (stage, channel or segment) say."""
    return Markdown(" ".join(group_text(result.groups[key], key, score) for score in scores or ("nps",)))


def trend(result: SurveyResult) -> Markdown:
    return Markdown(trend_text(result.weekly, "week") + "\n\n" + trend_text(result.monthly, "month"))


def ideal(result: SurveyResult) -> Markdown:
    return Markdown(ideal_text(result.gaps))


def drivers(result: SurveyResult) -> Markdown:
    return Markdown(drivers_text(result.drivers))


def drivers_table(result: SurveyResult, top: int = 12) -> pd.DataFrame:
    return result.drivers.drop(columns=["quote_ids"], errors="ignore").head(top).round(1)


def exhibit_table(result: SurveyResult, limit: int = 20) -> pd.DataFrame:
    """The first exhibits the step stored: id, kind, stage, the evidence behind each and its text."""
    return pd.DataFrame([{"id": e.id, "kind": e.kind, "stage": e.stage, "evidence": e.evidence, "text": e.quote or e.caption}
                         for e in result.exhibits[:limit]], columns=["id", "kind", "stage", "evidence", "text"])
