"""``cxkit redact`` on a copy of a real sample run: a speaker's name and a member number are planted
where a run carries customer words (a transcript line inside a clip, a survey answer, exhibit quotes,
a workshop note), the exports are made with ``cxkit report``, and after the redaction neither may be
found anywhere: decoded Parquet, JSON, executed notebooks, HTML, PDF text (pypdf), the workshop's
notes; where they were spoken the clip plays a 1 kHz tone instead. Votes stay, a second redaction
changes no byte, a dry run writes nothing, and the manifest holds hashes, never the words.

The run copied is the session's sample run (``sample_run`` in conftest.py: the pipeline on
data/sample), or a finished one named by ``CXKIT_SAMPLE_RUN`` so a developer need not wait for it.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from kit.core.paths import REPO_ROOT
from kit.evidence.bleep import TONE_HZ, audio_format, decode_audio
from kit.workshop.store import Workshop

pytestmark = pytest.mark.browser          # the PDFs are printed by Chromium

NAME = "Golnaz"                                   # a customer's name: speaker of s01, and said in its clips
NUMBER = "4821 3957"                              # a member number planted in a spoken line and an answer
NUMBER_RX = re.compile(r"4\W{0,2}8\W{0,2}2\W{0,2}1\W{0,2}3\W{0,2}9\W{0,2}5\W{0,2}7")
NAME_RX = re.compile(NAME, re.IGNORECASE)
NAME_CLIP = "rec-s01-0156"                        # "Did you have your breakfast, <name>?" (s01 160.3-164.0 s)
NUMBER_CLIP = "rec-s04-0133"                      # the planted line is in this clip (s04 131-143 s)
WITHDRAWN = "rec-s04-0229"                        # withdrawn in the last test, with its votes kept
DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+")
EXPORTS = ("report.html", "gallery.html", "report.pdf", "cards.pdf")


def cxkit(*args: str, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kit.cli", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=timeout)


def _needs_chromium() -> None:
    if not Path("/usr/bin/chromium").exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but /usr/bin/chromium is missing; .ci/run installs the Debian package chromium")
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def base_run(request: pytest.FixtureRequest) -> Path:
    given = os.environ.get("CXKIT_SAMPLE_RUN")
    if given and (Path(given) / "manifest.json").is_file():
        return Path(given)
    return request.getfixturevalue("sample_run")


# ---- planting ---------------------------------------------------------------------------------
# The sample's customers appear by their participant ids (privacy.pseudonymize), so the test gives
# the s01 customer a name back, the way a name the pseudonyms missed would stand in a run.

BREAKFAST = re.compile(r"breakfast, [^?\"]+\?")


def _plant_lines(run: Path) -> None:
    """NAME as the s01 customer's speaker name and said in NAME_CLIP; NUMBER said in a line inside NUMBER_CLIP."""
    path = run / "data" / "utterances.parquet"
    lines = pd.read_parquet(path)
    s01 = lines["recording_id"] == "s01"
    lines.loc[s01 & (lines["role"] == "customer"), "speaker"] = NAME
    said = s01 & lines["text"].str.contains(BREAKFAST.pattern, regex=True)
    assert said.sum() == 1
    lines.loc[said, "text"] = lines.loc[said, "text"].str.replace(BREAKFAST.pattern, f"breakfast, {NAME}?", regex=True)
    inside = lines.index[(lines["recording_id"] == "s04") & (lines["start_s"] >= 132) & (lines["end_s"] <= 142)]
    assert len(inside), "no s04 line inside 131-143 s to plant the number in"
    lines.loc[inside[0], "text"] = f"My member number is {NUMBER}, by the way."
    lines.to_parquet(path, index=False)
    for moments in (run / "data" / "moments.parquet", run / "parts" / "moments-recordings.parquet"):
        table = pd.read_parquet(moments)
        table.loc[(table["source"] == "recording") & (table["ref"] == "s01"), "speaker"] = NAME
        table["quote"] = table["quote"].str.replace(BREAKFAST.pattern, f"breakfast, {NAME}?", regex=True)
        table.to_parquet(moments, index=False)


def _plant_exhibits(run: Path) -> str:
    """NAME in NAME_CLIP's quote, NUMBER in NUMBER_CLIP's and a survey quote's (and its answer); returns that id."""
    records = json.loads((run / "exhibits.json").read_text(encoding="utf-8"))
    quote = next(r for r in records if r["kind"] == "quote" and r["id"].startswith("survey-") and r.get("lang") == "en")

    def edit(r: dict[str, object]) -> None:
        if r["id"] == NAME_CLIP:
            assert BREAKFAST.search(str(r["quote"]))
            r["quote"] = BREAKFAST.sub(f"breakfast, {NAME}?", str(r["quote"]))
        if r["id"] in (NUMBER_CLIP, quote["id"]):
            r["quote"] = f"{r.get('quote') or ''} Member {NUMBER}."

    for path in [run / "exhibits.json", *(run / "exhibits").glob("*.json")]:
        own = json.loads(path.read_text(encoding="utf-8"))
        for r in own:
            edit(r)
        path.write_text(json.dumps(own, ensure_ascii=False, indent=1), encoding="utf-8")
    comments = pd.read_parquet(run / "data" / "comments.parquet")
    response, field = quote["id"].removeprefix("survey-").rsplit("-", 1)
    hit = comments["comment_id"] == f"{response}:{field}"
    assert hit.any()
    comments.loc[hit, "text"] = comments.loc[hit, "text"] + f" Member {NUMBER}."
    comments.to_parquet(run / "data" / "comments.parquet", index=False)
    # an exhibit an analyst hid (kept whole in curation.json) and one cut in a served page (cuts/)
    aside = {**quote, "id": "survey-hidden", "quote": f"Call {NAME} on member {NUMBER}.",
             "curation": {"hidden": {"reason": "duplicate", "by": "Ana"}}}
    (run / "curation.json").write_text(json.dumps({"set_aside": [aside], "orphans": []}), encoding="utf-8")
    (run / "cuts").mkdir(exist_ok=True)
    (run / "cuts" / "cut-0123456789abcdef.json").write_text(
        json.dumps({**quote, "id": "cut-0123456789abcdef", "quote": f"Ask {NAME}, member {NUMBER}."}), encoding="utf-8")
    return str(quote["id"])


def _plant_workshop(run: Path) -> dict[str, int]:
    """Two participants vote, rate and leave notes naming the customer and her number."""
    shop = Workshop(run, votes_per_person=5)
    ana = shop.join("Ana", "design")
    bo = shop.join("Bo", "engineering")
    for token, exhibit in ((ana.token, NAME_CLIP), (ana.token, WITHDRAWN), (bo.token, NAME_CLIP), (bo.token, NUMBER_CLIP)):
        shop.vote(token, exhibit)
    shop.note(ana.token, NAME_CLIP, f"{NAME} sounds exhausted here; call her on {NUMBER}")
    shop.note(bo.token, NUMBER_CLIP, "Read out a member number on the call")
    return _votes(run)


def _votes(run: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{run / 'workshop.sqlite'}?mode=ro", uri=True) as db:
        return {f"{p}:{e}": d for p, e, d in db.execute("SELECT participant_id, exhibit_id, dots FROM votes")}


@pytest.fixture(scope="module")
def planted(base_run: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A copy of the sample run with the name and number planted and all four exports made."""
    _needs_chromium()
    run = tmp_path_factory.mktemp("redact") / "run"
    shutil.copytree(base_run, run, symlinks=True)
    _plant_lines(run)
    quote_id = _plant_exhibits(run)
    votes = _plant_workshop(run)
    done = cxkit("report", str(run))
    assert done.returncode == 0, done.stdout + done.stderr
    keep = tmp_path_factory.mktemp("originals")
    for clip in (NAME_CLIP, NUMBER_CLIP):
        shutil.copy2(run / "media" / f"{clip}.mp4", keep / f"{clip}.mp4")
    return {"run": run, "quote": quote_id, "votes": votes, "originals": keep}


# ---- reading everything a run holds ------------------------------------------------------------

def _fingerprint(run: Path) -> dict[str, str]:
    """sha256 of every file (SQLite's -wal/-shm side files aside: reading the store may touch them)."""
    return {p.relative_to(run).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(run.rglob("*")) if p.is_file() and not p.name.endswith(("-wal", "-shm"))}


def _cells(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple | np.ndarray):
        return [s for v in value for s in _cells(v)]
    return []


def _squeeze(text: str) -> str:
    """Text as a PDF's extraction gives it, without the line breaks the layout put in."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


def _texts(run: Path) -> dict[str, str]:
    """What a reader finds as text in each file of the run: decoded tables, JSON, HTML, PDF, the notes."""
    from pypdf import PdfReader
    found: dict[str, str] = {}
    for path in sorted(run.rglob("*.parquet")):
        table = pq.read_table(path).to_pylist()
        found[path.relative_to(run).as_posix()] = "\n".join(s for row in table for v in row.values() for s in _cells(v))
    for pattern in ("*.json", "*.ipynb", "*.html", "*.svg"):
        for path in sorted(run.rglob(pattern)):
            text = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix in (".json", ".ipynb"):
                text = json.dumps(json.loads(text), ensure_ascii=False)       # plotly writes \\u escapes
                text = re.sub(r'"(image/png|image/jpeg|bdata)": "[^"]*"', "", text)
            found[path.relative_to(run).as_posix()] = html.unescape(DATA_URI.sub("", text))
    for path in sorted(run.rglob("*.pdf")):
        found[path.relative_to(run).as_posix()] = _squeeze("\n".join(p.extract_text() or "" for p in PdfReader(path).pages))
    if (run / "workshop.sqlite").is_file():
        with sqlite3.connect(f"file:{run / 'workshop.sqlite'}?mode=ro", uri=True) as db:
            found["workshop.sqlite notes"] = "\n".join(t for (t,) in db.execute("SELECT text FROM notes"))
    return found


def _where(run: Path) -> dict[str, list[str]]:
    texts = _texts(run)
    return {"name": sorted(k for k, t in texts.items() if NAME_RX.search(t)),
            "number": sorted(k for k, t in texts.items() if NUMBER_RX.search(t))}


# ---- the sound --------------------------------------------------------------------------------

def _tone_share(samples: np.ndarray, rate: int) -> float:
    """The share of a stretch's energy within 30 Hz of the bleep's tone."""
    x = samples.mean(axis=1) if samples.ndim == 2 else samples
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x)))) ** 2
    freqs = np.fft.rfftfreq(len(x), 1 / rate)
    return float(spectrum[np.abs(freqs - TONE_HZ) < 30].sum() / max(spectrum.sum(), 1e-12))


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


def _clip_sound(path: Path) -> tuple[np.ndarray, int]:
    fmt = audio_format(path)
    assert fmt is not None, f"{path} has no sound"
    return decode_audio(path, *fmt), fmt[0]


def _line_in_clip(run: Path, clip: str, pattern: re.Pattern[str]) -> tuple[float, float]:
    """Where (seconds from the clip's start) the transcript line that says ``pattern`` is in ``clip``."""
    record = next(r for r in json.loads((run / "exhibits.json").read_text(encoding="utf-8")) if r["id"] == clip)
    start, end = record["media"]["start_s"], record["media"]["end_s"]
    lines = pd.read_parquet(run / "data" / "utterances.parquet")
    rec = record["evidence"]["recording"]
    said = lines[(lines["recording_id"] == rec) & (lines["start_s"] < end) & (lines["end_s"] > start)
                 & lines["text"].str.contains(pattern.pattern, case=False, regex=True)]
    assert len(said) == 1
    return float(said["start_s"].iloc[0]) - start, float(said["end_s"].iloc[0]) - start


# ---- the redaction ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def redacted(planted: dict[str, object]) -> dict[str, object]:
    """The planted run before (what was where, a dry run's listing) and after ``cxkit redact``."""
    run = planted["run"]
    assert isinstance(run, Path)
    before = _where(run)
    lines = {NAME_CLIP: _line_in_clip(run, NAME_CLIP, re.compile(f"breakfast, {NAME}")),
             NUMBER_CLIP: _line_in_clip(run, NUMBER_CLIP, re.compile("member number"))}
    prints = _fingerprint(run)
    marked = int(pd.read_parquet(run / "data" / "utterances.parquet")["text"].str.contains(r"\[redacted\]").sum())
    dry = cxkit("redact", str(run), "--speaker", NAME, "--text", NUMBER, "--dry-run")
    after_dry = _fingerprint(run)
    done = cxkit("redact", str(run), "--speaker", NAME.lower(), "--text", NUMBER, "--by", "Data Protection Officer")
    return {**planted, "before": before, "lines": lines, "dry": dry, "dry_kept": prints == after_dry, "marked": marked,
            "done": done, "after": _where(run)}


def test_the_planted_words_were_everywhere_before(redacted: dict[str, object]) -> None:
    """The check below is not vacuous: each kind of file carried the name or the number first."""
    before = redacted["before"]
    assert isinstance(before, dict)
    for rel in ("data/utterances.parquet", "data/moments.parquet", "data/comments.parquet", "exhibits.json",
                "report.html", "gallery.html", "cards.pdf", "workshop.sqlite notes", "curation.json",
                "cuts/cut-0123456789abcdef.json"):
        assert rel in before["name"] + before["number"], rel
    assert {"report.pdf", "cards.pdf", "gallery.html"} <= set(before["number"])
    assert {"data/utterances.parquet", "parts/moments-recordings.parquet", "gallery.html"} <= set(before["name"])


def test_a_dry_run_lists_the_files_and_writes_nothing(redacted: dict[str, object]) -> None:
    dry = redacted["dry"]
    assert isinstance(dry, subprocess.CompletedProcess)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert redacted["dry_kept"] is True
    listed = dict(re.findall(r"^\s+(\S+): (\d+) place", dry.stdout, re.MULTILINE))
    assert int(listed["data/utterances.parquet"]) >= 40           # her lines as speaker, and her name said
    assert int(listed[f"media/{NAME_CLIP}.mp4"]) == 1
    assert int(listed[f"media/{NUMBER_CLIP}.mp4"]) == 1
    assert {"exhibits.json", "workshop.sqlite", "cards.pdf", "report.pdf"} <= set(listed)
    assert "nothing was written" in dry.stdout


def test_the_name_and_number_are_gone_from_every_file(redacted: dict[str, object]) -> None:
    done = redacted["done"]
    assert isinstance(done, subprocess.CompletedProcess)
    assert done.returncode == 0, done.stdout + done.stderr
    assert redacted["after"] == {"name": [], "number": []}
    run = redacted["run"]
    assert isinstance(run, Path)
    for name in EXPORTS:
        assert (run / name).is_file(), f"{name} was not made again: {done.stdout}"
    lines = pd.read_parquet(run / "data" / "utterances.parquet")
    assert "[name]" in set(lines["speaker"])                       # her lines are kept, her name is not
    # one line more says [redacted]: the number's (the sample's own privacy.redact marks the coach's name already)
    assert lines["text"].str.contains(r"\[redacted\]", regex=True).sum() == redacted["marked"] + 1


def test_the_clips_play_a_tone_where_the_words_were_said(redacted: dict[str, object]) -> None:
    run, originals, lines = redacted["run"], redacted["originals"], redacted["lines"]
    assert isinstance(run, Path) and isinstance(originals, Path) and isinstance(lines, dict)
    for clip, (said_from, said_to) in lines.items():
        old, rate = _clip_sound(originals / f"{clip}.mp4")
        new, rate_after = _clip_sound(run / "media" / f"{clip}.mp4")
        assert rate == rate_after and abs(len(old) - len(new)) <= rate // 10
        window = slice(int(max(0.0, said_from - 0.5) * rate), int((said_to + 0.5) * rate))
        # within the line the tone takes a good share of the sound; before it, almost none
        share_old, share_new = _tone_share(old[window], rate), _tone_share(new[window], rate)
        if clip == NAME_CLIP:
            # the run itself covered the customer's real name there (a name the pseudonyms replace is
            # bleeped when the clip is cut); redacting keeps it covered
            assert share_old > 0.2 and share_new > 0.2, (clip, share_old, share_new)
        else:
            assert share_new > 0.2 and share_new > 10 * share_old, (clip, share_old, share_new)
        # away from the line the sound is as it was (re-encoded: level within 10 %)
        quiet = slice(0, int(max(0.0, said_from - 1.5) * rate))
        if quiet.stop > rate:
            assert abs(_rms(new[quiet]) - _rms(old[quiet])) <= 0.1 * _rms(old[quiet]) + 1e-4, clip


def test_every_vote_is_kept_and_the_notes_redacted(redacted: dict[str, object]) -> None:
    run, votes = redacted["run"], redacted["votes"]
    assert isinstance(run, Path)
    assert _votes(run) == votes
    with sqlite3.connect(f"file:{run / 'workshop.sqlite'}?mode=ro", uri=True) as db:
        notes = dict(db.execute("SELECT exhibit_id, text FROM notes").fetchall())
    assert notes[NAME_CLIP] == "[name] sounds exhausted here; call her on [redacted]"
    assert notes[NUMBER_CLIP] == "Read out a member number on the call"


def test_the_manifest_records_hashes_never_the_words(redacted: dict[str, object]) -> None:
    run = redacted["run"]
    assert isinstance(run, Path)
    text = (run / "manifest.json").read_text(encoding="utf-8")
    assert not NAME_RX.search(text) and not NUMBER_RX.search(text)
    entry = json.loads(text)["redactions"][-1]
    assert entry["by"] == "Data Protection Officer" and entry["places"] > 50
    assert entry["clips"] == {f"media/{NAME_CLIP}.mp4": 1, f"media/{NUMBER_CLIP}.mp4": 1}
    salt = entry["salt"]
    expected = {"speaker": hashlib.sha256(f"{salt}\x00speaker\x00{NAME.casefold()}".encode()).hexdigest(),
                "text": hashlib.sha256(f"{salt}\x00text\x00{NUMBER}".encode()).hexdigest()}
    assert {t["kind"]: t["sha256"] for t in entry["terms"]} == expected
    assert set(entry["made_again"]) == set(EXPORTS) and entry["stale"] == []


def test_redacting_again_changes_no_byte(redacted: dict[str, object]) -> None:
    run = redacted["run"]
    assert isinstance(run, Path)
    prints = _fingerprint(run)
    again = cxkit("redact", str(run), "--speaker", NAME, "--text", NUMBER)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "0 changes" in again.stdout
    assert _fingerprint(run) == prints


def test_withdrawing_an_exhibit_removes_it_and_its_media_but_keeps_its_votes(redacted: dict[str, object]) -> None:
    from kit.core.exhibits import short_ids
    run = redacted["run"]
    assert isinstance(run, Path)
    records = json.loads((run / "exhibits.json").read_text(encoding="utf-8"))
    gone = next(r for r in records if r["id"] == WITHDRAWN)
    short = short_ids([r["id"] for r in records])[WITHDRAWN]
    votes = _votes(run)
    done = cxkit("redact", str(run), "--exhibit", WITHDRAWN)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (run / gone["media"]["clip"]).exists() and not (run / gone["media"]["thumb"]).exists()
    texts = _texts(run)
    for rel in ("exhibits.json", "lenses.json", "negatives.json", "summary.json", "gallery.html",
                "exhibits/recordings.json", "data/moments.parquet"):
        assert WITHDRAWN not in texts[rel], rel
    # the report lists the votes it was given (kept) under its bare id, in the workshop findings only
    report = texts["report.html"]
    assert WITHDRAWN not in report[:report.index("Workshop findings")]
    for rel in ("gallery.html", "report.html", "cards.pdf", "report.pdf"):
        assert _squeeze(gone["title"]) not in _squeeze(texts[rel]), rel
    assert short not in texts["cards.pdf"].replace(" ", "")
    moments = pd.read_parquet(run / "data" / "moments.parquet")
    assert WITHDRAWN not in set(moments["moment_id"])
    assert _votes(run) == votes                                    # the withdrawn exhibit's vote too
    again = cxkit("redact", str(run), "--exhibit", WITHDRAWN)
    assert again.returncode == 0 and "0 changes" in again.stdout


@pytest.mark.parametrize(("args", "says"), [
    (("--exhibit", "rec-s99-0000"), "has no exhibit 'rec-s99-0000'"),
    (("--pattern", "(unclosed"), "is not a valid regular expression"),
    (("--pattern", "x*"), "matches empty text"),
    ((), "nothing to redact"),
])
def test_bad_input_exits_2_with_a_message(redacted: dict[str, object], args: tuple[str, ...], says: str) -> None:
    run = redacted["run"]
    assert isinstance(run, Path)
    prints = _fingerprint(run)
    done = cxkit("redact", str(run), *args)
    assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr
    assert _fingerprint(run) == prints


def test_a_missing_run_exits_2(tmp_path: Path) -> None:
    done = cxkit("redact", str(tmp_path / "nowhere"), "--text", "x")
    assert done.returncode == 2 and "no run folder" in done.stderr


def test_every_json_file_is_written_back_in_its_own_layout(base_run: Path) -> None:
    """A rewritten file differs from its original only where a term was: each is re-written as its writer wrote it."""
    from kit.redaction.run import _json_files
    files = _json_files(base_run)
    assert {"exhibits.json", "lenses.json", "notebooks/06_report.ipynb"} <= {p.relative_to(base_run).as_posix()
                                                                              for p, _, _ in files}
    for path, dump, _ in files:
        text = path.read_text(encoding="utf-8")
        assert dump(json.loads(text)) == text, path.name
