"""Survey exports in, the canonical ``responses`` and ``comments`` tables out.

A survey's ``format:`` picks its reader from ``READERS``; every reader returns the raw cells as
text with the file's own column names, and one validation, shared by all formats, decides what
is accepted. Rows in = rows accepted + rows rejected, for every file: each reject names the file,
the row (as a spreadsheet shows it: the header is row 1) and the column at fault.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kit.core.calendars import read_times
from kit.core.errors import InputFileError, ProjectError
from kit.core.project import Project, Survey
from kit.core.rejects import ALL_RESPONDENTS, AnswerCount, RejectLog
from kit.core.schema import COMMENT_COLUMNS, RESPONSE_COLUMNS
from kit.core.spelling import Vocabulary, closest, consent, difference, one_spelling
from kit.core.text import ascii_digits, detect_lang, has_match, match_key, normalize_fa, parse_times, strip_unsafe_series
from kit.evidence.files import TEXT_SUFFIXES, RawSurvey, read_header, read_table
from kit.evidence.limits import outside_window, window_text
from kit.evidence.privacy import redact_pii
from kit.evidence.vendors import read_google_forms, read_qualtrics, read_surveymonkey, unique_names

Reader = Callable[[Path, str], RawSurvey]
RATINGS = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


def read_generic(path: Path, name: str, columns: list[str] | None = None) -> RawSurvey:
    """CSV, TSV, XLSX or Parquet with one header row (``columns``: read only these, CSV/TSV)."""
    table = read_table(path, name, columns=columns)
    frame = table.frame
    frame.index = frame.index - 2                        # RawSurvey: the 0-based position of the data row
    names = [str(c) for c in frame.columns]
    frame.columns = unique_names([n or f"column {i + 1}" for i, n in enumerate(names)])
    empty = [c for c, n in zip(frame.columns, names, strict=True) if not n and (frame[c] == "").all()]
    return RawSurvey(frame.drop(columns=empty), 1, faults=table.faults)


READERS: dict[str, Reader] = {"generic": read_generic, "qualtrics": read_qualtrics,
                              "surveymonkey": read_surveymonkey, "google_forms": read_google_forms}


@dataclass
class SurveyResult:
    responses: pd.DataFrame
    comments: pd.DataFrame
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    answers: dict[str, AnswerCount] = field(default_factory=dict)     # open answers shown / withheld per file


def reader_for(survey: Survey) -> Reader:
    try:
        return READERS[survey.format]
    except KeyError:
        raise ProjectError(f"survey {survey.path}: format {survey.format!r} has no reader in this version; "
                           f"available: {', '.join(READERS)}. Export the file as plain CSV and use "
                           "format: generic") from None


def resolve_columns(present: list[str], aliases: dict[str, str], survey: Survey) -> Survey:
    """The survey with every mapped name turned into the file's column name (via the vendor's aliases).

    Names match as written, else once both are ``match_key``-ed: a Windows-1256 export's "تاريخ"
    (Arabic yeh) is project.yaml's "تاریخ", and "پیام‌ها" is "پیام ها". Stops when the mapping names a
    column the file lacks, listing what exists and the nearest name with the characters they differ by.
    """
    names = {**aliases, **{c: c for c in present}}
    by_key: dict[str, dict[str, None]] = {}             # key -> the file's columns, in file order
    for name, target in names.items():
        by_key.setdefault(match_key(name), {})[target] = None

    def one(key: str, col: str) -> str:
        if col in names:
            return names[col]
        found = list(by_key.get(match_key(col), {}))
        if len(found) == 1:
            return found[0]
        if found:
            raise InputFileError(survey.path, f"project.yaml maps {key} to column {col!r}, and the file has "
                                 f"{len(found)} columns spelled alike: {', '.join(map(repr, found))}", column=col,
                                 fix="Rename one of them in the file, or map the column exactly as the file writes it")
        near = closest(col, names)
        hint = f" The closest column is {near!r}: {difference(near, col)}." if near else ""
        other = f" (also addressable as: {', '.join(list(aliases)[:40])})" if aliases else ""
        raise InputFileError(survey.path, f"project.yaml maps {key} to column {col!r}, which the file "
                             f"does not have.{hint} Columns in the file: {', '.join(present)}{other}",
                             column=col, fix="Correct the name in project.yaml")

    return survey.model_copy(update={"columns": {k: one(k, c) for k, c in survey.columns.items()},
                                     "text": {k: one(k, c) for k, c in survey.text.items()}})


def check_columns(raw: pd.DataFrame | RawSurvey, survey: Survey) -> Survey:
    """Stop when the mapping names a column the file lacks; returns the survey with resolved names."""
    table = raw if isinstance(raw, RawSurvey) else RawSurvey(raw)
    return resolve_columns([str(c) for c in table.frame.columns], table.aliases, survey)


def _by_unique(s: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``fn`` applied to the distinct values only, then spread back (ratings, stages: few distinct values)."""
    codes, uniques = pd.factorize(s, use_na_sentinel=False)
    done = fn(pd.Series(uniques, dtype=s.dtype))
    return pd.Series(done.to_numpy()[codes], index=s.index, dtype=done.dtype)


def _rating(lo: int, hi: int) -> Callable[[pd.Series], pd.Series]:
    def parse(s: pd.Series) -> pd.Series:
        num = pd.to_numeric(ascii_digits(s.str.strip()), errors="coerce")
        ok = num.notna() & (num >= lo) & (num <= hi) & (num == num.round())
        return num.where(ok, -1).where(s.str.strip() != "", np.nan)   # -1: present but not valid
    return parse


class _Faults:
    """Reasons for rejecting rows, built as text only for the rows that have them (a million rows stay fast)."""

    def __init__(self, index: pd.Index) -> None:
        self.index = index
        self.any = np.zeros(len(index), dtype=bool)
        self.parts: list[pd.Series] = []

    def add(self, mask: pd.Series, message: Callable[[pd.Index], pd.Series | str]) -> None:
        m = mask.to_numpy(dtype=bool, na_value=False)
        if m.any():
            self.any |= m
            rows = self.index[m]
            text = message(rows)
            self.parts.append(pd.Series(text, index=rows, dtype=object))

    def reasons(self) -> pd.Series:
        if not self.parts:
            return pd.Series([], dtype=object)
        return pd.concat(self.parts).groupby(level=0, sort=True).agg("; ".join)


def validate(raw: pd.DataFrame | RawSurvey, survey: Survey, project: Project, header_rows: int | None,
             rejects: RejectLog, seen_ids: pd.Index | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The accepted rows (canonical, and as read); every other row is logged with its reasons.

    A rating present but not valid rejects its row; an empty rating is a missing answer. A response
    id seen before (earlier in the file or in an earlier survey file, ``seen_ids``) rejects the
    later copy, and a time outside ``kit.evidence.limits.date_window`` rejects its row. Rows the
    reader could not take (``raw.faults``) are logged too, in row order with the rest. Times are read
    by ``kit.core.calendars.read_times`` (Jalali or Gregorian per the survey's ``dates:``, zone-less
    ones in the project's ``timezone:``) and stored in UTC. ``survey``
    must already name the file's columns (see ``resolve_columns``).
    """
    table = raw if isinstance(raw, RawSurvey) else RawSurvey(raw, header_rows or 1)
    frame, header_rows = table.frame, table.header_rows if header_rows is None else header_rows
    to_times = table.parse_times or parse_times
    cols = survey.columns
    n = len(frame)
    empty_str = pd.Series([""] * n, index=frame.index, dtype=str)
    cell = {key: frame[col].astype(str).str.strip() for key, col in cols.items()}
    faults = _Faults(frame.index)

    def quoted(key: str) -> Callable[[pd.Index], pd.Series]:
        return lambda rows: f"column {cols[key]!r} ({key}): '" + cell[key][rows].astype(object) + "'"

    out = pd.DataFrame(index=frame.index)
    out["response_id"] = cell["response_id"]
    no_id = out["response_id"] == ""
    blank = no_id & (frame[no_id.to_numpy()] == "").all(axis=1).reindex(frame.index, fill_value=False)
    faults.add(blank, lambda rows: "the row is empty")
    faults.add(no_id & ~blank, lambda rows: f"column {cols['response_id']!r} (response_id) is empty")
    for key, (lo, hi) in RATINGS.items():
        if key not in cell:
            out[key] = pd.array([pd.NA] * n, dtype="Int8")
            continue
        num = _by_unique(cell[key], _rating(lo, hi))
        faults.add(num == -1, lambda rows, k=key, a=lo, b=hi: quoted(k)(rows) + f" is not a whole number {a}-{b}")
        out[key] = num.where(num >= 0).astype("Float64").astype("Int8")
    if "submitted_at" in cell:
        s = cell["submitted_at"]
        read = read_times(s, dates=survey.dates or project.dates, tz=project.timezone, other=to_times)
        at, no_day = read.at, read.not_a_day != ""
        faults.add(no_day, lambda rows: quoted("submitted_at")(rows) + " is not a Jalali date: " + read.not_a_day[rows])
        faults.add(at.isna() & (s != "") & ~no_day, lambda rows: quoted("submitted_at")(rows) + " is not a date and time")
        far = pd.Series(outside_window(at), index=frame.index)
        faults.add(far, lambda rows: quoted("submitted_at")(rows) + " is " + window_text())
        at = at.where(~far)
        out["submitted_at"] = at.astype("datetime64[ns, UTC]")
    else:
        out["submitted_at"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    for key, allowed in (("stage", project.journey.stages), ("channel", project.channels)):
        words = Vocabulary(allowed)               # matched however typed, kept as project.yaml spells it
        s = words.series(cell[key]) if key in cell else empty_str.astype("string")
        unknown = s.isna().to_numpy(dtype=bool)
        faults.add(pd.Series(unknown, index=frame.index),
                   lambda rows, k=key, w=words: quoted(k)(rows) + " " + _by_unique(cell[k][rows], w.why_nots))
        out[key] = s.replace("", pd.NA).astype("string")
    for key in ("customer_id", "segment"):
        out[key] = (cell[key] if key in cell else empty_str).replace("", pd.NA).astype("string")
    out["segment"] = one_spelling(out["segment"])
    if "consent" in cell:
        mapped = _by_unique(cell["consent"], lambda u: pd.Series([consent(v) for v in u], dtype="boolean"))
        faults.add((cell["consent"] != "") & mapped.isna(), lambda rows: quoted("consent")(rows) + " is not yes/no")
        out["consent"] = mapped.astype("boolean")
    else:
        out["consent"] = pd.array([pd.NA] * n, dtype="boolean")
    if survey.consent == ALL_RESPONDENTS:          # the survey's own notice covered everyone; a "no" still counts
        out["consent"] = out["consent"].fillna(True)
    ids = out["response_id"]
    dup = ids.ne("") & (ids.duplicated(keep="first") | (ids.isin(seen_ids) if seen_ids is not None else False))
    faults.add(dup, lambda rows: quoted("response_id")(rows) + " repeats an earlier response; the first copy is kept")
    out["response_id"] = ids.astype("string")
    out["source_file"] = survey.path
    out["source_row"] = (frame.index.to_numpy() + header_rows + 1).astype("int64")
    reasons = faults.reasons()
    found = list(zip(out["source_row"].to_numpy()[faults.any].tolist(), reasons.to_numpy(), strict=True))
    for row, why in sorted(found + [(f.row, f.reason) for f in table.faults], key=lambda r: r[0]):
        rejects.add(survey.path, f"row {row}", why)
    good = ~faults.any
    return out.loc[good, RESPONSE_COLUMNS].reset_index(drop=True), frame.loc[good].reset_index(drop=True)


# What a text needs to hold personal data redact_pii removes: an @ (e-mail), a digit (phone, card, id,
# postcode, house number) or a word that introduces an address or a postal code
MAY_HOLD_PII = r"(?i)@|zip|post|plz|پست|آدرس|ادرس|نشانی|[0-9\u06f0-\u06f9\u0660-\u0669]"


def redact(t: pd.Series) -> pd.Series:
    """``redact_pii`` on the texts that could hold personal data (``MAY_HOLD_PII``), the rest as they are."""
    out = t.copy()
    maybe = has_match(t, MAY_HOLD_PII)
    if maybe.any():
        out[maybe] = t[maybe].map(redact_pii)
    return out


NO_CONSENT_COLUMN = "no consent column"


def consent_source(survey: Survey, project: Project) -> str:
    """Where a survey's consent comes from, as the manifest and the report say it."""
    if not project.privacy.require_consent:
        return "not required (privacy.require_consent: false)"
    if survey.consent == ALL_RESPONDENTS:
        return ALL_RESPONDENTS
    return f"column {survey.columns['consent']!r}" if "consent" in survey.columns else NO_CONSENT_COLUMN


def withheld_reasons(responses: pd.DataFrame, survey: Survey, project: Project) -> pd.Series:
    """Why each accepted row's open answers are withheld; "" where they may be shown.

    With ``require_consent`` on, only a respondent who consented (a yes in the consent column, or a
    survey that declares ``consent: all_respondents``) has words that reach a page; a no, an empty
    cell and a survey without a consent column each have their own reason. The row is still
    accepted: its ratings count in the scores.
    """
    reasons = pd.Series("", index=responses.index, dtype=object)
    if not project.privacy.require_consent:
        return reasons
    consent = responses["consent"]
    col = survey.columns.get("consent")
    reasons[consent.eq(False).fillna(False).to_numpy(dtype=bool)] = f"consent answered no (column {col!r})"
    unknown = consent.isna().to_numpy(dtype=bool)
    reasons[unknown] = f"consent cell empty (column {col!r})" if col else NO_CONSENT_COLUMN
    return reasons


def _answered(accepted_raw: pd.DataFrame, col: str) -> pd.Series:
    return accepted_raw[col].astype(str).str.strip()


def count_answers(accepted_raw: pd.DataFrame, reasons: pd.Series, survey: Survey, project: Project) -> AnswerCount:
    """The survey's open answers (non-empty text cells of accepted rows): shown, and withheld by reason."""
    given = sum(((_answered(accepted_raw, col) != "").astype(int) for col in survey.text.values()),
                start=pd.Series(0, index=reasons.index))
    by_reason = given.groupby(reasons).sum()
    withheld = {str(why): int(n) for why, n in by_reason.items() if why and n}
    unknown = [why for why in withheld if not why.startswith("consent answered no")]
    return AnswerCount(accepted=int(given.sum()), shown=int(by_reason.get("", 0)), withheld=withheld,
                       consent=consent_source(survey, project), unknown_consent=unknown)


def _cleaned(text: pd.Series, redact_pii: bool) -> tuple[pd.Series, pd.Series]:
    """Answers made safe to show (unsafe characters out, Persian normalised, personal data redacted if
    asked) and their language, each distinct answer once: exports repeat answers ("Too many
    messages"), and redaction is Python per text, so a million answers cost their distinct few."""
    codes, uniques = pd.factorize(text, use_na_sentinel=False)
    u = pd.Series(uniques, dtype=text.dtype)
    t = normalize_fa(strip_unsafe_series(u))
    if redact_pii:
        t = redact(t)
    t, lang = t.astype("string"), detect_lang(t)
    return (pd.Series(t.array.take(codes), index=text.index, dtype="string"),
            pd.Series(lang.array.take(codes), index=text.index, dtype="string"))


def comments_from(accepted_raw: pd.DataFrame, responses: pd.DataFrame, survey: Survey,
                  project: Project, reasons: pd.Series | None = None) -> pd.DataFrame:
    """Open answers of accepted rows, one per answer; redacted and normalised before being kept.

    Answers with a reason to be withheld (``withheld_reasons``) are left out: their ratings still
    count in the scores, but their words never reach a page.
    """
    frames = []
    keep = (withheld_reasons(responses, survey, project) if reasons is None else reasons) == ""
    for name, col in survey.text.items():
        text = _answered(accepted_raw, col)
        mask = (keep & (text != "")).to_numpy(dtype=bool)
        t, lang = _cleaned(text[mask], project.privacy.redact_pii)
        ids = responses["response_id"][mask]
        frames.append(pd.DataFrame({
            "comment_id": ids + ":" + name, "response_id": ids,
            "field": name, "text": t, "lang": lang,
            "sentiment": np.nan, "themes": "", "source": survey.path,
        }))
    if not frames:
        return pd.DataFrame(columns=COMMENT_COLUMNS)
    return pd.concat(frames, ignore_index=True)[COMMENT_COLUMNS]


def load_survey(project: Project, i: int, survey: Survey) -> tuple[RawSurvey, Survey]:
    """Read one survey file with its format's reader; returns it and the survey with resolved column names.

    A generic CSV/TSV is checked against its header first and then only the mapped columns are read.
    """
    path = project.path(survey.path, key=f"surveys[{i}].path")
    if survey.format == "generic" and path.suffix.lower() in TEXT_SUFFIXES and path.is_file():
        resolved = resolve_columns(read_header(path, survey.path), {}, survey)
        wanted = list(dict.fromkeys([*resolved.columns.values(), *resolved.text.values()]))
        return read_generic(path, survey.path, wanted), resolved
    raw = reader_for(survey)(path, survey.path)
    return raw, check_columns(raw, survey)


def read_surveys(project: Project, rejects: RejectLog) -> SurveyResult:
    """Every configured survey, validated, concatenated into the canonical tables.

    A response id already accepted from an earlier file is a repeat, like one within a file.
    """
    responses, comments, counts, answers = [], [], {}, {}
    seen = pd.Index([], dtype="string")
    for i, survey in enumerate(project.surveys):
        raw, resolved = load_survey(project, i, survey)
        before = len(rejects)
        accepted, accepted_raw = validate(raw, resolved, project, None, rejects, seen_ids=seen if len(seen) else None)
        counts[survey.path] = {"in": len(raw.frame) + len(raw.faults), "accepted": len(accepted),
                               "rejected": len(rejects) - before}
        reasons = withheld_reasons(accepted, resolved, project)
        answers[survey.path] = count_answers(accepted_raw, reasons, resolved, project)
        rejects.account_answers(survey.path, answers[survey.path])
        responses.append(accepted)
        comments.append(comments_from(accepted_raw, accepted, resolved, project, reasons))
        seen = seen.append(pd.Index(accepted["response_id"]))
    if not responses:
        return SurveyResult(pd.DataFrame(columns=RESPONSE_COLUMNS), pd.DataFrame(columns=COMMENT_COLUMNS), {})
    table = pd.concat(responses, ignore_index=True)
    table["segment"] = one_spelling(table["segment"])         # one segment, however each file spelled it
    return SurveyResult(table, pd.concat(comments, ignore_index=True), counts, answers)
