"""Property tests of the readers: mutated sample files end in the kit's own errors or are read whole.

Each input a project may hold (survey exports of every format and encoding, CSV, XLSX and Parquet, the
contact log, social posts, recording markers, transcripts, the photos sidecar, paper votes, project.yaml,
as bytes and as values of any type) starts from a
valid file of the sample or the fixtures, and is then broken by hypothesis: bytes flipped, deleted or
cut off, delimiters, quotes, NULs, control characters, byte-order marks, stray UTF-8 and random text
put in. Whatever comes out, a reader either refuses the file with a ``KitError`` subclass whose
message names it, or reads it with every row accounted for (rows in = accepted + rejected, one reject
logged per row not taken, each saying where).

The examples are drawn deterministically (``derandomize``), the same on every machine and in CI, and
their number keeps the whole file under two minutes on two cores.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit.core import project as project_mod
from kit.core.errors import InputFileError, KitError, ProjectError
from kit.core.paths import SAMPLE_PROJECT
from kit.core.project import Project
from kit.core.rejects import RejectLog
from kit.evidence.contacts import read_contacts
from kit.evidence.photos import read_sidecar
from kit.evidence.social import read_social
from kit.evidence.surveys import RATINGS, read_surveys
from kit.evidence.transcripts import _read_lines, read_transcript
from kit.steps import recordings as recordings_step
from kit.workshop.paper import PaperFileError, read_paper_csv
from tests.fixtures.make_broken import xlsx

assert SAMPLE_PROJECT is not None
SAMPLE = SAMPLE_PROJECT
VENDOR_FIXTURES = Path(__file__).parent / "fixtures" / "surveys"
FUZZ = settings(max_examples=300, deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])

# What broken exports hold: separators, quotes, line ends, NULs and other control characters, byte-order
# marks, Persian letters and joiners, bytes that are not UTF-8, placeholder dates, numbers out of range.
TOKENS = [b",", b";", b"\t", b'"', b'""', b'"\n', b"\n", b"\r\n", b"\r", b"\n\n", b"\x00", b"\x1b[31m", b"\x07", b"\x7f",
          b"\xc2\x85", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff", b"\xd9", b"\xe2\x80\x8c", b"\xdb\xb1\xdb\xb0",
          "سلام".encode(), "\u202e".encode(), b"\xed\xa0\x80", b"\xf0\x9f\x98\x80", b"9999-12-31", b"0001-01-01T00:00:00Z",
          b"1899-12-30", b"-1", b"1e309", b"NaN", b"-->", b"00:00:01.000 --> 00:00:00.500", b"WEBVTT", b"../", b"/etc/passwd",
          b"\\", b"'", b"=cmd|' /C calc'!A0", b"x" * 300]


@st.composite
def mutated(draw: st.DrawFn, seed: bytes, keep: int = 0) -> bytes:
    """``seed`` with 1-6 random edits at or after byte ``keep`` (0: anywhere, the header too)."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(keep, max(keep, len(data))))
        kind = draw(st.sampled_from(["flip", "token", "token", "bytes", "text", "delete", "truncate", "repeat"]))
        if kind == "flip" and pos < len(data):
            data[pos] = draw(st.integers(0, 255))
        elif kind == "token":
            data[pos:pos] = draw(st.sampled_from(TOKENS))
        elif kind == "bytes":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=12))
        elif kind == "text":
            data[pos:pos] = draw(st.text(min_size=1, max_size=12)).encode("utf-8")
        elif kind == "delete":
            del data[pos:pos + draw(st.integers(1, 40))]
        elif kind == "truncate":
            del data[pos:]
        elif kind == "repeat" and pos < len(data):
            data[pos:pos] = data[pos:pos + draw(st.integers(1, 200))]
    return bytes(data)


def trimmed(rel: str, rows: int, root: Path = SAMPLE) -> bytes:
    """The header and the first ``rows`` records of a CSV, as bytes (a quoted answer may span lines)."""
    with (root / rel).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        records = [next(reader) for _ in range(rows + 1)]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(records)
    return buf.getvalue().encode("utf-8")


def header_length(seed: bytes) -> int:
    return seed.index(b"\n") + 1


def first_lines(rel: str, lines: int) -> bytes:
    with (SAMPLE / rel).open("rb") as fh:
        return b"".join(fh.readline() for _ in range(lines))


SURVEY = trimmed("surveys/q3_responses.csv", 6)
CONTACTS = first_lines("contacts.csv", 8)
SOCIAL = trimmed("social.csv", 6)
MARKERS = first_lines("recordings/s01_markers.csv", 6)
TRANSCRIPTS = {name: (SAMPLE / "recordings" / name).read_bytes()[:1500] for name in ("s01.vtt", "s02.vtt", "s03.srt", "s05.vtt")}
SIDECAR = first_lines("photos/photos.csv", 6)
PAPER = (b"short_id,name,department,votes,severity,note\nK7QF,Sara,design,2,3,too many e-mails\n"
         b"k7qf,Reza,engineering,1,,\nAB12,Sara,design,3,4,\"fridge door, again\"\nAB12,Mina,business,0,0,withdrawn\n")
SHORT_IDS = {"K7QF": "rec-s01-0412", "AB12": "photo-kitchen"}
VOTE_BUDGET = 5


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def project_in(root: Path, config: dict[str, object]) -> Project:
    root.mkdir(parents=True, exist_ok=True)
    (root / "project.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return project_mod.load(root)


def sample_config(**changes: object) -> dict[str, object]:
    config = yaml.safe_load((SAMPLE / "project.yaml").read_text(encoding="utf-8"))
    for key in ("recordings", "photos", "surveys", "contacts", "social"):
        config.pop(key, None)
    return {**config, **changes}


@pytest.fixture(scope="module")
def generic(folder: Path) -> Project:
    survey = yaml.safe_load((SAMPLE / "project.yaml").read_text(encoding="utf-8"))["surveys"][0]
    return project_in(folder / "generic", sample_config(surveys=[{**survey, "path": "q3.csv"}],
                                                        contacts="contacts.csv", social="social.csv"))


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def refused(exc: KitError, name: str) -> None:
    """A file refused whole: by one of the kit's errors, naming the file, with a message at all."""
    assert isinstance(exc, (InputFileError, ProjectError)), repr(exc)
    assert name in str(exc), f"the message does not name {name}: {exc}"


def rows_add_up(counts: dict[str, int], rejects: RejectLog, name: str) -> None:
    assert counts["in"] == counts["accepted"] + counts["rejected"], counts
    logged = [r for r in rejects.items if r.source_file == name]
    assert len(logged) == counts["rejected"], (counts, [(r.locator, r.reason) for r in logged])
    for r in logged:
        assert r.locator.startswith(("row ", "file", "line ")) or r.locator[:2].isdigit(), r.locator
        assert r.reason.strip(), r


def survey_read(project: Project, name: str) -> None:
    rejects = RejectLog("fuzz")
    try:
        result = read_surveys(project, rejects)
    except KitError as exc:
        refused(exc, name)
        return
    rows_add_up(result.counts[name], rejects, name)
    taken = result.responses
    assert len(taken) == result.counts[name]["accepted"]
    for key, (lo, hi) in RATINGS.items():
        assert taken[key].dropna().between(lo, hi).all(), taken[key].tolist()
    assert taken["response_id"].notna().all() and not taken["response_id"].duplicated().any()


# ---- surveys -----------------------------------------------------------------------------------

@FUZZ
@given(data=mutated(SURVEY))
def test_a_generic_survey_broken_anywhere(generic: Project, data: bytes) -> None:
    write(generic.root / "q3.csv", data)
    survey_read(generic, "q3.csv")


@FUZZ
@given(data=mutated(SURVEY, keep=header_length(SURVEY)))
def test_a_generic_survey_broken_below_its_header(generic: Project, data: bytes) -> None:
    write(generic.root / "q3.csv", data)
    survey_read(generic, "q3.csv")


BINARY_MAP = {"response_id": "ResponseId", "nps": "Q1_NPS", "submitted_at": "EndDate", "stage": "Stage"}


def binary_seeds() -> dict[str, bytes]:
    """The trimmed survey as an XLSX workbook (written byte for byte) and as Parquet."""
    records = list(csv.reader(io.StringIO(SURVEY.decode(), newline="")))
    frame = pd.DataFrame(records[1:], columns=records[0])[list(BINARY_MAP.values())]
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    return {"q3.xlsx": xlsx([list(frame.columns), *frame.to_numpy().tolist()]), "q3.parquet": buf.getvalue()}


BINARY = binary_seeds()


@pytest.fixture(scope="module")
def binary(folder: Path) -> dict[str, Path]:
    return {file: project_in(folder / file.replace(".", "_"), sample_config(
        surveys=[{"path": file, "columns": BINARY_MAP}])).root for file in BINARY}


@FUZZ
@given(file=st.sampled_from(sorted(BINARY)), data=st.data())
def test_xlsx_and_parquet_surveys_broken_anywhere(binary: dict[str, Path], file: str, data: st.DataObject) -> None:
    write(binary[file] / file, data.draw(mutated(BINARY[file]), label="file"))
    survey_read(project_mod.load(binary[file]), file)


VENDORS = {
    "qualtrics": ("qualtrics_multiline.csv", {"response_id": "_recordId", "submitted_at": "EndDate", "nps": "QID1",
                                              "csat": "How satisfied are you?", "stage": "Q3"}),
    "surveymonkey": ("surveymonkey_utf8.csv", {"response_id": "Respondent ID", "submitted_at": "End Date",
                                               "nps": "How likely is it that you would recommend NourishPath to a "
                                                      "friend or colleague? / Response",
                                               "stage": "Which part of your journey was this about?"}),
    "google_forms": ("google_forms_utf8.csv", {"response_id": "_row", "submitted_at": "Timestamp",
                                               "stage": "Journey stage"}),
}
ENCODED = ["surveymonkey_cp1256.csv", "surveymonkey_utf16.txt", "google_forms_cp1256.csv", "google_forms_utf16.txt",
           "google_forms_bom.csv"]


@pytest.fixture(scope="module")
def vendors(folder: Path) -> dict[str, Path]:
    """A project folder per vendor export (its path: a failing example prints short)."""
    projects = {}
    for fmt, (fixture, columns) in VENDORS.items():
        for file in [fixture, *(f for f in ENCODED if f.startswith(fmt))]:
            root = folder / file.replace(".", "_")
            write(root / file, (VENDOR_FIXTURES / file).read_bytes())
            config = sample_config(surveys=[{"path": file, "format": fmt, "columns": columns}],
                                   journey={"stages": ["purchase", "onboarding", "coaching", "support", "renewal"]})
            projects[file] = project_in(root, config).root
    return projects


@FUZZ
@given(file=st.sampled_from([f for f, _ in VENDORS.values()] + ENCODED), data=st.data())
def test_vendor_exports_broken_anywhere(vendors: dict[str, Path], file: str, data: st.DataObject) -> None:
    project = project_mod.load(vendors[file])
    write(project.root / file, data.draw(mutated((VENDOR_FIXTURES / file).read_bytes()), label="file"))
    survey_read(project, file)


# ---- contacts and social posts -----------------------------------------------------------------

@FUZZ
@given(data=mutated(CONTACTS))
def test_a_contact_log_broken_anywhere(generic: Project, data: bytes, folder: Path) -> None:
    write(generic.root / "contacts.csv", data)
    rejects = RejectLog("fuzz")
    try:
        counts = read_contacts(generic, folder / "contacts.parquet", rejects)
    except KitError as exc:
        refused(exc, "contacts.csv")
        return
    rows_add_up(counts.as_dict(), rejects, "contacts.csv")


@FUZZ
@given(data=mutated(SOCIAL))
def test_social_posts_broken_anywhere(generic: Project, data: bytes) -> None:
    write(generic.root / "social.csv", data)
    rejects = RejectLog("fuzz")
    try:
        posts, counts = read_social(generic, rejects)
    except KitError as exc:
        refused(exc, "social.csv")
        return
    rows_add_up(counts.as_dict(), rejects, "social.csv")
    assert len(posts) == counts.accepted


# ---- recordings: markers and transcripts -------------------------------------------------------

def recording_context(project: Project, rejects: RejectLog) -> recordings_step._Context:
    from kit.evidence import pseudonyms
    return recordings_step._Context(project.root, project.root, ["Researcher"], False, False, True, rejects,
                                    project.journey.stages, project.channels, lambda texts, langs: [0.0] * len(texts),
                                    pseudonyms.build(interviewers=["Researcher"]))


@FUZZ
@given(data=mutated(MARKERS))
def test_recording_markers_broken_anywhere(generic: Project, data: bytes) -> None:
    path = write(generic.root / "s01_markers.csv", data)
    rejects = RejectLog("fuzz")
    ctx = recording_context(generic, rejects)
    moments = recordings_step._marker_moments("s01_markers.csv", path, [], None, ctx)
    counts = ctx.counts["s01_markers.csv"]
    rows_add_up(counts, rejects, "s01_markers.csv")
    if moments is None:                                     # the file set aside: one reject, for the file
        assert counts == {"in": 1, "accepted": 0, "rejected": 1}
    else:
        assert all(0 <= m.start_s < m.end_s and -1 <= m.valence <= 1 for m in moments)


@FUZZ
@given(name=st.sampled_from(sorted(TRANSCRIPTS)), data=st.data())
def test_transcripts_broken_anywhere(folder: Path, name: str, data: st.DataObject) -> None:
    path = write(folder / "transcripts" / name, data.draw(mutated(TRANSCRIPTS[name]), label="file"))
    try:
        transcript = read_transcript(path, name)
    except KitError as exc:
        refused(exc, name)
        return
    timings = sum("-->" in line for line in _read_lines(path, name))
    assert transcript.cues_in >= timings, "a timing line was neither read nor rejected"
    for u in transcript.utterances:
        assert math.isfinite(u.start_s) and 0 <= u.start_s <= u.end_s, u
        assert u.text.strip() and "-->" not in u.text, f"a cue timing ran into a quote: {u.text!r}"
    for locator, reason in transcript.rejected:
        assert locator and reason, (locator, reason)


# ---- photos.csv and paper votes ----------------------------------------------------------------

@pytest.fixture(scope="module")
def photos(folder: Path) -> Path:
    root = folder / "photos_project"
    for line in SIDECAR.decode().splitlines()[1:]:
        write(root / "photos" / line.split(",")[0], b"")      # never opened by the sidecar reader
    return root


@FUZZ
@given(data=mutated(SIDECAR))
def test_the_photos_sidecar_broken_anywhere(photos: Path, data: bytes, generic: Project) -> None:
    write(photos / "photos" / "photos.csv", data)
    rejects = RejectLog("fuzz")
    try:
        sidecar = read_sidecar(photos, "photos", rejects, generic.journey.stages, generic.channels)
    except KitError as exc:
        refused(exc, "photos/photos.csv")
        return
    rows_add_up(sidecar.counts, rejects, "photos/photos.csv")
    assert all(p.is_relative_to((photos / "photos").resolve()) for p in [*sidecar.rows, *sidecar.refused])


@FUZZ
@given(data=mutated(PAPER))
def test_paper_votes_broken_anywhere(folder: Path, data: bytes) -> None:
    path = write(folder / "paper.csv", data)
    try:
        rows = read_paper_csv(path, SHORT_IDS, VOTE_BUDGET)
    except PaperFileError as exc:
        assert exc.problems and all(p.startswith("row") for p in exc.problems), exc.problems
        return
    except KitError as exc:
        refused(exc, "paper.csv")
        return
    for r in rows:
        assert r.exhibit_id in SHORT_IDS.values() and 0 <= r.votes <= VOTE_BUDGET and r.name
    spent: dict[tuple[str, str], int] = {}
    for r in rows:
        spent[(r.name.casefold(), r.department)] = spent.get((r.name.casefold(), r.department), 0) + r.votes
    assert all(total <= VOTE_BUDGET for total in spent.values())


# ---- project.yaml ------------------------------------------------------------------------------

def loaded_or_refused(root: Path) -> None:
    try:
        project_mod.load(root)
    except KitError as exc:
        assert isinstance(exc, ProjectError), repr(exc)
        assert "project.yaml" in str(exc) or "project folder" in str(exc), str(exc)


@FUZZ
@given(data=mutated((SAMPLE / "project.yaml").read_bytes()))
def test_project_yaml_broken_anywhere(folder: Path, data: bytes) -> None:
    write(folder / "yaml_bytes" / "project.yaml", data)
    loaded_or_refused(folder / "yaml_bytes")


VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                      lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
                      max_leaves=12)


def paths_in(config: object, at: tuple[object, ...] = ()) -> Iterator[tuple[object, ...]]:
    """Every key path of a nested configuration."""
    if isinstance(config, dict):
        for key, value in config.items():
            yield (*at, key)
            yield from paths_in(value, (*at, key))
    elif isinstance(config, list):
        for i, value in enumerate(config):
            yield (*at, i)
            yield from paths_in(value, (*at, i))


SAMPLE_CONFIG = yaml.safe_load((SAMPLE / "project.yaml").read_text(encoding="utf-8"))
KEY_PATHS = list(paths_in(SAMPLE_CONFIG))


def replaced(config: object, at: tuple[object, ...], value: object) -> object:
    if not at:
        return value
    copy: object = dict(config) if isinstance(config, dict) else list(config)  # type: ignore[call-overload]
    copy[at[0]] = replaced(copy[at[0]], at[1:], value)  # type: ignore[index]
    return copy


@FUZZ
@given(changes=st.lists(st.tuples(st.sampled_from(KEY_PATHS), VALUES), min_size=1, max_size=3))
def test_project_yaml_with_values_of_any_type(folder: Path, changes: list[tuple[tuple[object, ...], object]]) -> None:
    config: object = SAMPLE_CONFIG
    for at, value in changes:
        try:
            config = replaced(config, at, value)
        except (IndexError, KeyError, TypeError):           # an earlier change took that place away
            continue
    root = folder / "yaml_values"
    root.mkdir(exist_ok=True)
    (root / "project.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    loaded_or_refused(root)

