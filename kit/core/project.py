"""project.yaml: the user's description of their evidence, checked before anything is read.

The model mirrors docs/design.md. Unknown keys are errors with a did-you-mean (a typo such as
``requre_consent`` must not silently turn a privacy setting off), every path is checked to stay
inside the project folder before it is opened, and privacy settings default to on.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kit.core.errors import ProjectError
from kit.core.paths import inside

PROJECT_FILE = "project.yaml"
SURVEY_FORMATS = ("generic", "qualtrics", "surveymonkey", "google_forms")
CANONICAL_SURVEY_COLUMNS = ("response_id", "customer_id", "submitted_at", "nps", "csat", "ces",
                            "stage", "channel", "segment", "consent")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Journey(_Strict):
    stages: list[str] = Field(min_length=1, description="journey stages, in order")
    ideal: dict[str, dict[str, float]] = Field(default_factory=dict,
                                               description="designed targets per stage, e.g. nps, csat")

    @model_validator(mode="after")
    def _ideal_stages_known(self) -> Journey:
        for stage, targets in self.ideal.items():
            if stage not in self.stages:
                raise ValueError(f"journey.ideal names stage {stage!r}, which is not in journey.stages "
                                 f"({', '.join(self.stages)})")
            unknown = set(targets) - {"nps", "csat", "ces"}
            if unknown:
                raise ValueError(f"journey.ideal.{stage} has unknown targets {sorted(unknown)}; "
                                 "use nps, csat, ces")
        return self


class Survey(_Strict):
    path: str
    format: Literal["generic", "qualtrics", "surveymonkey", "google_forms"] = "generic"
    columns: dict[str, str] = Field(default_factory=dict, description="canonical field: source column")
    text: dict[str, str] = Field(default_factory=dict, description="open answer name: source column")
    consent: Literal["all_respondents"] | None = Field(
        None, description="all_respondents: the survey's own consent notice covered everyone who answered "
                          "(recorded in the manifest); otherwise consent comes from the mapped consent column")
    dates: Literal["auto", "jalali", "gregorian"] | None = Field(
        None, description="calendar of this file's date cells; default: the project's dates:")

    @field_validator("columns")
    @classmethod
    def _known_fields(cls, v: dict[str, str]) -> dict[str, str]:
        for key in v:
            if key not in CANONICAL_SURVEY_COLUMNS:
                raise ValueError(f"unknown survey field {key!r}{_did_you_mean(key, CANONICAL_SURVEY_COLUMNS)}; "
                                 f"the fields are {', '.join(CANONICAL_SURVEY_COLUMNS)}")
        if "response_id" not in v:
            raise ValueError("columns must map response_id (the column that identifies each answer)")
        return v


class Recording(_Strict):
    id: str
    media: str | None = None
    transcript: str | None = None
    markers: str | None = None
    participant: str | None = None
    consent: bool = False

    @model_validator(mode="after")
    def _has_evidence(self) -> Recording:
        if not self.media and not self.transcript:
            raise ValueError(f"recording {self.id!r} needs a media file, a transcript, or both")
        return self


class Photos(_Strict):
    folder: str = "photos/"


class Privacy(_Strict):
    redact_pii: bool = True
    blur_faces: bool = True
    strip_location: bool = True
    require_consent: bool = True
    pseudonymize: bool = True                    # participants appear by their participant id, not their name
    redact: list[str] = Field(default_factory=list, description="words or names removed from every later run")


class Workshop(_Strict):
    votes_per_person: int = Field(5, ge=1, le=100, description="dot votes each workshop participant may spend")


class Targets(_Strict):
    """The scores the company aims for: the pages judge each headline score against them."""
    nps: float | None = Field(None, ge=-100, le=100, description="net promoter score aimed for (-100..100)")
    csat: float | None = Field(None, ge=1, le=5, description="mean satisfaction aimed for (1-5)")
    ces: float | None = Field(None, ge=1, le=7, description="mean customer effort score aimed for (1-7, 7 = very easy)")


class Project(_Strict):
    name: str
    languages: list[Literal["en", "fa"]] = Field(default_factory=lambda: ["en"])
    ui_language: Literal["en", "fa"] = "en"
    interviewers: list[str] = Field(default_factory=list)
    min_group_size: int = Field(30, ge=1)
    journey: Journey
    channels: list[str] = Field(min_length=1)
    surveys: list[Survey] = Field(default_factory=list)
    recordings: list[Recording] = Field(default_factory=list)
    photos: Photos | None = None
    contacts: str | None = None
    social: str | None = None
    privacy: Privacy = Field(default_factory=Privacy)
    workshop: Workshop = Field(default_factory=Workshop)
    targets: Targets = Field(default_factory=Targets)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$",
                                 description="ISO 4217 code of the contact log's costs, e.g. EUR")
    timezone: str = Field("UTC", description="IANA time zone of date-times written without one, e.g. Asia/Tehran")
    calendar: Literal["gregorian", "jalali"] | None = Field(
        None, description="calendar of trends and dates; default jalali when ui_language is fa, else gregorian")
    dates: Literal["auto", "jalali", "gregorian"] = Field(
        "auto", description="calendar of the inputs' date cells: auto reads a year 1300-1499 as Jalali")

    # Set by load(); not part of the YAML.
    root: Path = Field(default=Path("."), exclude=True)

    @model_validator(mode="after")
    def _unique_recording_ids(self) -> Project:
        ids = [r.id for r in self.recordings]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"recording ids must be unique; repeated: {', '.join(dupes)}")
        return self

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"timezone {value!r} is not an IANA time zone name; write one such as UTC, "
                             "Europe/London or Asia/Tehran") from None
        return value

    @property
    def trend_calendar(self) -> str:
        """The calendar trends and dates are shown in: the declared one, else Jalali for a Persian project."""
        return self.calendar or ("jalali" if self.ui_language == "fa" else "gregorian")

    def path(self, relative: str, key: str = "path") -> Path:
        """The absolute path of a configured file, refused if it leaves the project folder."""
        return inside(self.root, relative, key=key)

    def input_paths(self) -> dict[str, str]:
        """Every configured input, keyed by where it is configured (for checks and the manifest)."""
        out: dict[str, str] = {}
        for i, s in enumerate(self.surveys):
            out[f"surveys[{i}].path"] = s.path
        for i, r in enumerate(self.recordings):
            for key in ("media", "transcript", "markers"):
                value = getattr(r, key)
                if value:
                    out[f"recordings[{i}].{key}"] = value
        if self.contacts:
            out["contacts"] = self.contacts
        if self.social:
            out["social"] = self.social
        return out


def _did_you_mean(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _model_for(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that owns the field at ``loc`` (to list its allowed keys)."""
    model: Any = Project
    for part in loc[:-1]:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        ann = field.annotation
        for candidate in (ann, *getattr(ann, "__args__", ())):
            inner = getattr(candidate, "__args__", (candidate,))
            hit = next((c for c in (candidate, *inner) if isinstance(c, type) and issubclass(c, BaseModel)), None)
            if hit:
                model = hit
                break
        else:
            model = None
    return model


def _describe(err: dict[str, Any], file: Path) -> str:
    loc = err["loc"]
    where = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc).replace(".[", "[")
    if err["type"] == "extra_forbidden":
        model = _model_for(loc)
        allowed = [k for k in (model.model_fields if model else {}) if k != "root"]
        return (f"{file}: unknown key {where!r}{_did_you_mean(str(loc[-1]), allowed)}; "
                f"allowed here: {', '.join(allowed)}")
    if err["type"] == "missing":
        return f"{file}: {where} is required but missing"
    msg = err["msg"].removeprefix("Value error, ")
    return f"{file}: {where}: {msg}" if where else f"{file}: {msg}"


def load(project_dir: str | Path) -> Project:
    """Read and check ``project.yaml``; every problem is listed in one ProjectError."""
    root = Path(project_dir).resolve()
    file = root / PROJECT_FILE
    if not root.is_dir():
        raise ProjectError(f"project folder {root} does not exist; give the folder that holds {PROJECT_FILE}")
    if not file.is_file():
        raise ProjectError(f"{file} is missing; every project folder needs one "
                           "(copy data/sample/project.yaml as a template)")
    try:
        raw = yaml.safe_load(file.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = exc.object[:exc.start].count(b"\n") + 1
        raise ProjectError(f"{file}: is not UTF-8 text (line {line} holds bytes that are not); save it as UTF-8") from None
    except OSError as exc:
        raise ProjectError(f"{file}: cannot be read ({exc.strerror})") from None
    except RecursionError:
        raise ProjectError(f"{file}: not valid YAML (lists or mappings nested too deeply to read)") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ProjectError(f"{file}{at}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if raw is None:
        raise ProjectError(f"{file}: is empty; it needs at least name:, journey: and channels: "
                           "(copy data/sample/project.yaml as a template)")
    if not isinstance(raw, dict):
        found = {list: "a list", str: "a text"}.get(type(raw), f"a single {type(raw).__name__} value")
        raise ProjectError(f"{file}: expected a mapping of settings (name:, journey:, ...), found {found}")
    try:
        project = Project.model_validate({**raw, "root": root})
    except ValidationError as exc:
        problems = [_describe(e, file) for e in exc.errors()]
        raise ProjectError("\n".join(problems)) from None
    for key, rel in project.input_paths().items():
        project.path(rel, key=f"{file.name}: {key}")
    if project.photos:
        project.path(project.photos.folder, key=f"{file.name}: photos.folder")
    return project
