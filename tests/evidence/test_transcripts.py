"""Transcripts: real exports from Zoom, Teams and webvtt-py's own fixtures, plus edge cases."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import pytest

from kit.core.errors import InputFileError
from kit.evidence.transcripts import (
    CUSTOMER,
    INTERVIEWER,
    UNKNOWN,
    Utterance,
    assign_roles,
    read_transcript,
    split_speaker,
)

# Every shared file: (cues in, cues accepted) or the start of the reason it is rejected.
EXPECTED: dict[str, tuple[int, int] | str] = {
    "webvtt/captions_with_bom.vtt": (4, 4),
    "webvtt/comments.vtt": (3, 3),
    "webvtt/cue_tags.vtt": (3, 3),
    "webvtt/invalid_format3.srt": "not a valid SRT file",
    "webvtt/invalid_timeframe.vtt": (7, 6),
    "webvtt/invalid_timeframe_in_cue_text.vtt": (4, 3),
    "webvtt/metadata_headers.vtt": (2, 2),
    "webvtt/metadata_headers_multiline.vtt": (2, 2),
    "webvtt/missing_caption_text.srt": (5, 4),
    "webvtt/missing_timeframe.vtt": (6, 6),
    "webvtt/one_caption.srt": (1, 1),
    "webvtt/sample.sbv": (5, 4),
    "webvtt/sample.srt": (5, 5),
    "webvtt/sample.vtt": (16, 16),
    "webvtt/styles.vtt": (1, 1),
    "webvtt/teams_timeframe.vtt": (2, 2),
    "webvtt/using_identifiers.vtt": (6, 6),
    "webvtt/youtube_dl.vtt": (4, 4),
    "zoom/GMT20240124-202901_Recording.cc.vtt": (100, 100),
    "zoom/GMT20240124-202901_Recording.transcript.vtt": (102, 102),
    "zoom/GMT20240124-202901_RecordingnewChat.txt": "a Zoom chat log (time, name and message per line), not a transcript",
    "zoom/zoomus_recordings__20240124.csv": "unsupported transcript type '.csv'",
}
NOT_EVIDENCE = {"LICENSE", "LICENSE.md", "ORIGIN.md"}
ZOOM = "zoom/GMT20240124-202901_Recording.transcript.vtt"


def test_every_shared_file_is_listed(shared_data: Path) -> None:
    found = {str(p.relative_to(shared_data)) for folder in ("webvtt", "zoom")
             for p in (shared_data / folder).iterdir() if p.name not in NOT_EVIDENCE}
    assert found == set(EXPECTED)


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_shared_file_parses_or_is_rejected_with_reason(shared_data: Path, rel: str) -> None:
    expected = EXPECTED[rel]
    if isinstance(expected, str):
        with pytest.raises(InputFileError) as err:
            read_transcript(shared_data / rel, rel)
        assert str(err.value).startswith(f"{rel}: {expected}")
        return
    t = read_transcript(shared_data / rel, rel)
    assert (t.cues_in, len(t.utterances)) == expected
    assert all(u.text and "<" not in u.text and "\u00a0" not in u.text for u in t.utterances)
    assert all(reason for _, reason in t.rejected)


def test_rejected_cues_say_where_and_why(shared_data: Path) -> None:
    bad_stamp = read_transcript(shared_data / "webvtt/invalid_timeframe.vtt")
    assert bad_stamp.rejected == [("line 6", "cue timing cannot be read: '00:00:07.000 --> 00:00:1d.890'")]
    backwards = read_transcript(shared_data / "webvtt/sample.sbv")
    assert backwards.rejected == [("00:00:17.484", "cue ends (00:00:16.543) before it starts (00:00:17.484)")]
    empty = read_transcript(shared_data / "webvtt/invalid_timeframe_in_cue_text.vtt")
    assert empty.rejected == [("00:00:07.000", "cue has no text")]


def test_zoom_speakers_names_with_periods_and_unnamed_cue(shared_data: Path) -> None:
    t = read_transcript(shared_data / ZOOM)
    counts = Counter(u.speaker for u in t.utterances)
    assert counts == {"Cyrus Hadavi": 80, "Samira Ghaffari": 8, "Shirin Kamali": 6,
                      "Dr. Mina Kowsari": 5, "Reza Soltani": 2, "": 1}
    first = t.utterances[0]
    assert (first.start_s, first.end_s, first.speaker, first.text) == (0.05, 1.79, "Samira Ghaffari", "Hi!")
    hmm = next(u for u in t.utterances if u.speaker == "")
    assert (hmm.start_s, hmm.text) == (307.3, "Hmm.")          # after a question: not a continuation
    nbsp = next(u for u in t.utterances if "breakout sessions" in u.text)
    assert "the 90 min class" in nbsp.text


def test_zoom_roles_inferred_from_questions(shared_data: Path) -> None:
    roles = {(u.speaker, u.role) for u in assign_roles(read_transcript(shared_data / ZOOM).utterances, [])}
    assert ("Cyrus Hadavi", INTERVIEWER) in roles
    assert ("Reza Soltani", CUSTOMER) in roles and ("", UNKNOWN) in roles


def test_teams_voice_tags_hourless_stamps_and_overlap(shared_data: Path) -> None:
    t = read_transcript(shared_data / "webvtt/teams_timeframe.vtt")
    assert [(u.start_s, u.end_s, u.speaker, u.text) for u in t.utterances] == [
        (0.0, 0.57, "Yuri Bakulin", "There you go."),
        (0.21, 1.13, "Adrian Petrescu", "Why hello there, Yuri."),
    ]


def test_zoom_closed_captions_crlf_and_touching_cues(shared_data: Path) -> None:
    t = read_transcript(shared_data / "zoom/GMT20240124-202901_Recording.cc.vtt")
    assert t.utterances[0] == Utterance(68.0, 69.0, "", "This doesn't.")
    assert all(not u.text.endswith("\r") for u in t.utterances)
    assert all(a.start_s <= b.start_s for a, b in itertools.pairwise(t.utterances))


def test_bom_inline_tags_and_style_blocks(shared_data: Path) -> None:
    assert read_transcript(shared_data / "webvtt/captions_with_bom.vtt").utterances[0].text == "Caption text #1"
    tags = read_transcript(shared_data / "webvtt/cue_tags.vtt").utterances
    assert [u.text for u in tags] == ["When the moon hits your eye", "Like a big-a pizza pie", "That's amore"]
    assert tags[0].start_s == 16.5                                       # hour-less 00:16.500
    assert read_transcript(shared_data / "webvtt/styles.vtt").utterances[0].text == "- Hello world."


@pytest.mark.parametrize(("text", "speaker", "rest"), [
    ("Dr. Mona Lisa: I waited an hour.", "Dr. Mona Lisa", "I waited an hour."),
    ("Speaker 1: hello", "Speaker 1", "hello"),
    ("Ludwig van Beethoven: da da da", "Ludwig van Beethoven", "da da da"),
    ("مریم احمدی: منتظر ماندم", "مریم احمدی", "منتظر ماندم"),
    ("Note: the app crashed", "", "Note: the app crashed"),
    ("The problem was: it crashed", "", "The problem was: it crashed"),
    ("Meet at 10:30 please", "", "Meet at 10:30 please"),
    ("see https://example.com", "", "see https://example.com"),
])
def test_split_speaker(text: str, speaker: str, rest: str) -> None:
    assert split_speaker(text) == (speaker, rest)


def _write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_bytes(body.encode("utf-8"))
    return path


def test_continuation_keeps_speaker_only_mid_sentence(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.vtt", "WEBVTT\r\n\r\n00:01.000 --> 00:03.000\r\nAnna Berg: the payment kept\r\n\r\n"
                  "00:03.200 --> 00:05.000\r\nfailing every time.\r\n\r\n"
                  "00:09.000 --> 00:10.000\r\nOkay.\r\n")
    assert [u.speaker for u in read_transcript(path).utterances] == ["Anna Berg", "Anna Berg", ""]


def test_listed_interviewers_case_insensitive_and_overlapping_cues(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.vtt", "WEBVTT\n\nNOTE exported\n\n00:00:00.000 --> 00:00:04.000\n"
                  "Anna Berg: I waited forever?\n\n00:00:02.000 --> 00:00:03.000\nRESEARCHER: Go on.\n")
    utts = assign_roles(read_transcript(path).utterances, ["Researcher"])
    assert [(u.start_s, u.speaker, u.role) for u in utts] == [
        (0.0, "Anna Berg", CUSTOMER), (2.0, "RESEARCHER", INTERVIEWER)]


def test_plain_captions_are_customer_words() -> None:
    utts = assign_roles([Utterance(0, 1, "", "it crashed")], ["Researcher"])
    assert utts[0].role == CUSTOMER


def test_unreadable_inputs_raise_input_file_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"t\.vtt: not a valid VTT file"):
        read_transcript(_write(tmp_path, "t.vtt", "hello\n"))
    with pytest.raises(InputFileError, match="no cues found"):
        read_transcript(_write(tmp_path, "e.vtt", "WEBVTT\n\n"))
    with pytest.raises(InputFileError, match="unsupported transcript type '.docx'"):
        read_transcript(_write(tmp_path, "t.docx", "x"))
    with pytest.raises(InputFileError, match="file not found"):
        read_transcript(tmp_path / "missing.vtt")
