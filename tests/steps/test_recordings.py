"""Recordings end to end on a small generated project: moments, clips, rejects, consent, redaction."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from kit.analysis.moments import find_moments, friction_cues
from kit.core.errors import UnsafePathError
from kit.core.rejects import RejectLog
from kit.core.schema import MOMENT_COLUMNS, UTTERANCE_COLUMNS
from kit.evidence import media
from kit.evidence.transcripts import CUSTOMER, INTERVIEWER, Utterance
from kit.steps.recordings import RecordingsResult, process_recordings, seconds, timeline_charts
from tests.evidence.test_media import make_audio, make_video

STAGES = ["purchase", "support"]
CHANNELS = ["app", "phone"]

VTT = """WEBVTT

00:00:00.500 --> 00:00:02.000
Researcher: How did the payment go? Did it fail?

00:00:02.500 --> 00:00:05.000
Anna Berg: I waited forever and then the payment failed again.

00:00:05.200 --> 00:00:07.000
Anna Berg: Mail me at anna.berg@example.com or call +98 912 345 6789.

00:00:08.000 --> 00:00:09.500
Researcher: Thanks. Anything else?

00:00:10.000 --> 00:00:11.500
Anna Berg: No, it was fine.
"""

SRT_FA = """1
00:00:00,500 --> 00:00:02,000
پژوهشگر: پرداخت چطور بود؟

2
00:00:02,200 --> 00:00:04,500
مریم احمدی: دوباره خطا داد و من منتظر ماندم

3
00:00:05,000 --> 00:00:06,000
مریم احمدی: کارتم ۶۰۳۷۹۹۷۵۹۹۹۹۹۹۹۳ است
"""

MARKERS = """start,end,stage,channel,valence,note
00:00:02.5,00:00:07,purchase,app,-0.8,Payment fails after a long wait
1,2,purchase,app,-1.5,too negative
4,3,purchase,app,-0.2,backwards
2,30,support,phone,-0.5,beyond the media
5,6,checkout,app,-0.3,unknown stage
5,6,purchase,fax,-0.3,unknown channel
0:09,0:11.5,support,,0.4,fine in the end, she says
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    rec = root / "recordings"
    rec.mkdir()
    make_video(rec / "s01.mp4", seconds=12.0)
    (rec / "s01.vtt").write_text(VTT, encoding="utf-8")
    (rec / "s01_markers.csv").write_text(MARKERS, encoding="utf-8")
    make_audio(rec / "s02.m4a", seconds=7.0)
    (rec / "s02.srt").write_text(SRT_FA, encoding="utf-8")
    (rec / "s03.mp4").write_bytes((rec / "s01.mp4").read_bytes()[:5000])           # truncated: corrupt
    (rec / "s03.vtt").write_text(VTT, encoding="utf-8")
    (rec / "s04.vtt").write_text(VTT, encoding="utf-8")
    return root


RECORDINGS = [
    {"id": "s01", "media": "recordings/s01.mp4", "transcript": "recordings/s01.vtt",
     "markers": "recordings/s01_markers.csv", "participant": "P01", "consent": True},
    {"id": "s02", "media": "recordings/s02.m4a", "transcript": "recordings/s02.srt", "participant": "P02",
     "consent": True},
    {"id": "s03", "media": "recordings/s03.mp4", "transcript": "recordings/s03.vtt", "participant": "P03",
     "consent": True},
    {"id": "s04", "media": "recordings/s01.mp4", "transcript": "recordings/s04.vtt", "participant": "P04",
     "consent": False},
]


# A stand-in for kit.analysis.sentiment with a few words, so every score below can be worked out by hand.
LEXICON = {"failed": -0.8, "forever": -0.4, "fine": 0.6, "خطا": -0.7, "منتظر": -0.3}
SCORED: list[tuple[str, str]] = []


def lexicon_scorer(texts: list[str], langs: list[str] | None = None) -> np.ndarray:
    SCORED.extend(zip(texts, langs or [""] * len(texts), strict=True))
    return np.array([max(-1.0, min(1.0, sum(v for w, v in LEXICON.items() if w in t))) for t in texts])


def run(project: Path, run_dir: Path, recordings: list[dict], **options: object) -> tuple[RecordingsResult, RejectLog]:
    rejects = RejectLog("recordings")
    settings = {"interviewers": ["researcher", "پژوهشگر"], "redact": True, "blur_faces": False,
                "require_consent": True, "stages": STAGES, "channels": CHANNELS, "scorer": lexicon_scorer,
                **options}
    return process_recordings(project, recordings, run_dir, rejects=rejects, **settings), rejects


@pytest.fixture(scope="module")
def result(project: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[RecordingsResult, RejectLog, Path]:
    run_dir = tmp_path_factory.mktemp("run")
    res, rejects = run(project, run_dir, RECORDINGS)
    return res, rejects, run_dir


def reasons(rejects: RejectLog, file: str) -> dict[str, str]:
    return {r.locator: r.reason for r in rejects.items if r.source_file == file}


def test_tables_have_the_contract_columns(result: tuple[RecordingsResult, RejectLog, Path]) -> None:
    res, _, _ = result
    assert list(res.utterances.columns) == UTTERANCE_COLUMNS
    assert list(res.moments.columns) == MOMENT_COLUMNS
    assert set(res.utterances["recording_id"]) == {"s01", "s02", "s03"}


def test_markers_validated_with_row_numbers(result: tuple[RecordingsResult, RejectLog, Path]) -> None:
    res, rejects, _ = result
    bad = reasons(rejects, "recordings/s01_markers.csv")
    assert bad == {
        "row 3": "valence '-1.5' is not a number from -1 to 1",
        "row 4": "end '3' is not after start '4'",
        "row 5": "end '30' is after the end of the media (00:00:12.000)",
        "row 6": "unknown stage 'checkout'; use one of purchase, support",
        "row 7": "unknown channel 'fax'; use one of app, phone",
    }
    assert res.counts["recordings/s01_markers.csv"] == {"in": 7, "accepted": 2, "rejected": 5}
    s01 = res.moments[res.moments["ref"] == "s01"].sort_values("start_s")
    assert s01[["start_s", "end_s", "stage", "valence", "severity", "coded_by"]].values.tolist() == [
        [2.5, 7.0, "purchase", -0.8, 0.8, "person"], [9.0, 11.5, "support", 0.4, 0.0, "person"]]
    assert s01["channel"].iloc[0] == "app" and pd.isna(s01["channel"].iloc[1])
    assert next(e.title for e in res.exhibits if e.id == "rec-s01-0009") == "fine in the end, she says"
    first = s01.iloc[0]
    assert first["speaker"] == "P01" and first["moment_id"] == "rec-s01-0002"      # by participant id, not name
    assert first["quote"] == ("I waited forever and then the payment failed again. "
                              "Mail me at [email] or call [phone].")


def test_clip_and_thumbnail_for_video_moment(result: tuple[RecordingsResult, RejectLog, Path]) -> None:
    res, _, run_dir = result
    ex = next(e for e in res.exhibits if e.id == "rec-s01-0002")
    assert (ex.kind, ex.title, ex.stage, ex.channel) == ("clip", "Payment fails after a long wait", "purchase", "app")
    # The moment is 2.5-7.0 s; its clip runs 2 s beyond it on each side.
    assert ex.media == {"thumb": "media/rec-s01-0002.jpg", "clip": "media/rec-s01-0002.mp4",
                        "start_s": 0.5, "end_s": 9.0}
    assert ex.source == {"file": "recordings/s01.mp4", "locator": "00:00:02"}
    assert ex.lenses == ["engineering"] and {"failure", "waiting"} <= set(ex.tags)
    clip = media.probe(run_dir / ex.media["clip"])
    assert clip.duration_s == pytest.approx(8.5, abs=0.5) and clip.codecs == ("h264", "aac")
    with Image.open(run_dir / ex.media["thumb"]) as thumb:
        assert thumb.format == "JPEG" and thumb.size == (480, 360)


def test_audio_only_persian_moment_found_automatically(result: tuple[RecordingsResult, RejectLog, Path]) -> None:
    res, _, run_dir = result
    moments = res.moments[res.moments["ref"] == "s02"]
    assert len(moments) == 1
    m = moments.iloc[0]
    assert (m["coded_by"], m["speaker"], m["start_s"], m["end_s"]) == ("auto", "P02", 1.2, 5.5)
    # Cues failure 0.8 + waiting 0.6 + repeating 0.5 = 1.9; the line scores -0.7 - 0.3 = -1.0, so
    # severity 1 - e^-(1.9 + 2 x 1.0) = 0.98 and valence -1.0. Its window [0, 7) reads
    # (-1.0 x 2.3 s + 0 x 1 s) / 3.3 s = -0.70: a negative peak on the same line, one moment.
    assert m["severity"] == pytest.approx(0.98) and m["valence"] == pytest.approx(-1.0)
    ex = next(e for e in res.exhibits if e.evidence["recording"] == "s02")
    assert ex.kind == "clip" and ex.lang == "fa" and ex.media["clip"].endswith(".m4a")
    assert ex.media["thumb"].endswith(".png") and (run_dir / ex.media["thumb"]).is_file()
    assert (ex.media["start_s"], ex.media["end_s"]) == (0.0, pytest.approx(7.0, abs=0.1))   # 1.2-5.5 s padded, within the file
    assert media.probe(run_dir / ex.media["clip"]).duration_s == pytest.approx(7.0, abs=0.5)
    assert ex.tags == ["failure", "waiting", "repeating", "negative"] and ex.lenses == ["design", "engineering"]
    card = res.utterances[res.utterances["recording_id"] == "s02"]["text"].iloc[-1]
    assert card == "کارتم [card] است"


def test_corrupt_media_is_rejected_and_transcript_gives_quotes(result: tuple[RecordingsResult, RejectLog, Path]) -> None:
    res, rejects, _ = result
    why = reasons(rejects, "recordings/s03.mp4")["file"]
    assert "Invalid data found when processing input" in why and "transcript is still used" in why
    assert res.counts["recordings/s03.mp4"] == {"in": 1, "accepted": 0, "rejected": 1}
    quotes = [e for e in res.exhibits if e.evidence["recording"] == "s03"]
    assert [(e.kind, e.media, e.source["file"]) for e in quotes] == [("quote", {}, "recordings/s03.vtt")]
    assert quotes[0].quote.startswith("I waited forever")


def test_no_consent_leaves_nothing(result: tuple[RecordingsResult, RejectLog, Path]) -> None:
    res, rejects, run_dir = result
    assert reasons(rejects, "recordings/s04.vtt")["file"].startswith("no consent")
    assert "s04" not in set(res.utterances["recording_id"]) and "s04" not in set(res.moments["ref"])
    assert not any(e.evidence["recording"] == "s04" for e in res.exhibits)
    assert not [p for p in run_dir.rglob("*") if "s04" in p.name]


def test_no_consent_alone_writes_nothing(project: Path, tmp_path: Path) -> None:
    res, rejects = run(project, tmp_path, RECORDINGS[3:])
    assert list(tmp_path.iterdir()) == [] and res.exhibits == [] and len(res.utterances) == 0
    assert {r.reason.split(":")[0] for r in rejects.items} == {"no consent"}


def test_pii_redacted_everywhere(result: tuple[RecordingsResult, RejectLog, Path]) -> None:
    res, _, _ = result
    texts = [*res.utterances["text"], *res.moments["quote"], *(e.quote for e in res.exhibits)]
    assert any("[email]" in t for t in texts)
    assert not any("example.com" in t or "912 345" in t or "6037" in t for t in texts)


def test_pii_is_not_heard_in_the_clips_either(result: tuple[RecordingsResult, RejectLog, Path]) -> None:
    """The e-mail and number of s01 and the Persian card number of s02 are covered by the tone; the
    number's span, widened past the end of its line, reaches into s01's second clip."""
    from kit.evidence.bleep import TONE_HZ, audio_format, decode_audio, spoken_at
    res, _, run_dir = result
    clips = {e.id: e for e in res.exhibits if e.kind == "clip"}
    assert {eid: e.evidence.get("bleeped", 0) for eid, e in clips.items()} == {
        "rec-s01-0002": 1, "rec-s01-0009": 1, "rec-s02-0001": 1}
    path = run_dir / clips["rec-s02-0001"].media["clip"]
    fmt = audio_format(path)
    assert fmt is not None and clips["rec-s02-0001"].media["start_s"] == 0.0
    sound, rate = decode_audio(path, *fmt).mean(axis=1), fmt[0]
    line = "کارتم ۶۰۳۷۹۹۷۵۹۹۹۹۹۹۹۳ است"
    (said,) = spoken_at(5.0, 6.0, len(line), [(6, 22)])
    for (s, e), tone in ((said, True), ((0.5, 4.5), False)):
        part = sound[int((s + 0.05) * rate):int((e - 0.05) * rate)]
        spectrum = np.abs(np.fft.rfft(part * np.hanning(len(part)))) ** 2
        share = spectrum[np.abs(np.fft.rfftfreq(len(part), 1 / rate) - TONE_HZ) < 30].sum() / spectrum.sum()
        assert (share > 0.9) if tone else (share < 0.01), (s, e, share)


def test_interviewer_lines_never_make_moments(result: tuple[RecordingsResult, RejectLog, Path]) -> None:
    res, _, _ = result
    s03 = res.utterances[res.utterances["recording_id"] == "s03"]
    assert s03[["speaker", "role"]].drop_duplicates().values.tolist() == [
        ["Researcher", INTERVIEWER], ["P03", CUSTOMER]]
    auto = res.moments[res.moments["coded_by"] == "auto"]
    assert not auto["quote"].str.contains("Did it fail").any()


def test_only_customer_lines_are_scored_in_their_language(result: tuple[RecordingsResult, RejectLog, Path]) -> None:
    res, _, _ = result
    scored = dict(SCORED)
    assert "دوباره خطا داد و من منتظر ماندم" in scored and scored["دوباره خطا داد و من منتظر ماندم"] == "fa"
    assert scored["No, it was fine."] == "en"
    assert not any(t.startswith(("How did", "Thanks.", "پرداخت")) for t in scored)
    u = res.utterances
    assert u.loc[u["role"] == INTERVIEWER, "sentiment"].isna().all()
    s03 = u[u["recording_id"] == "s03"].set_index("text")["sentiment"]
    assert s03["I waited forever and then the payment failed again."] == -1.0     # -0.8 - 0.4, clipped
    assert s03["No, it was fine."] == 0.6


def test_timeline_per_recording(result: tuple[RecordingsResult, RejectLog, Path]) -> None:
    res, _, _ = result
    t = res.timeline
    assert sorted(set(t["recording_id"])) == ["s01", "s02", "s03"]
    s03 = t[t["recording_id"] == "s03"]
    # No media (corrupt), so the timeline ends with the last line at 11.5 s: one window,
    # (-1.0 x 2.5 s + 0 x 1.8 s + 0.6 x 1.5 s) / 5.8 s.
    assert s03[["start_s", "end_s"]].values.tolist() == [[0.0, 11.5]]
    assert s03["valence"].iloc[0] == pytest.approx(-1.6 / 5.8, abs=1e-4)
    assert res.durations == {"s01": 12.0, "s02": pytest.approx(7.0, abs=0.1), "s03": 11.5}


def test_timeline_charts_are_chart_exhibits(result: tuple[RecordingsResult, RejectLog, Path]) -> None:
    import plotly.io as pio
    res, _, run_dir = result
    charts = timeline_charts(res, RECORDINGS, run_dir, png=False)
    assert [e.id for _, e in charts] == ["chart-rec-s01-timeline", "chart-rec-s02-timeline", "chart-rec-s03-timeline"]
    fig, ex = charts[0]
    assert ex.kind == "chart" and ex.media == {"figure": "charts/chart-rec-s01-timeline.json"}
    assert ex.source == {"file": "recordings/s01.vtt", "locator": "00:00:00-00:00:12"}
    assert ex.evidence["moment_ids"] == ["rec-s01-0002", "rec-s01-0009"]
    assert "2 moments marked (2 coded by a researcher, 0 found automatically)" in ex.caption
    stored = pio.from_json((run_dir / ex.media["figure"]).read_text(encoding="utf-8"))
    assert [a.text for a in stored.layout.annotations] == [a.text for a in fig.layout.annotations]
    assert "exhibit=rec-s01-0002" in stored.layout.annotations[0].text


def test_counts_balance(result: tuple[RecordingsResult, RejectLog, Path]) -> None:
    res, _, _ = result
    assert res.counts["recordings/s01.vtt"] == {"in": 5, "accepted": 5, "rejected": 0}
    assert res.counts["recordings/s01.mp4"] == {"in": 2, "accepted": 1, "rejected": 1}   # s04 shares it
    assert all(c["in"] == c["accepted"] + c["rejected"] for c in res.counts.values())


def test_found_moments_merge_and_score() -> None:
    utts = [Utterance(10, 12, "A", "it crashed", CUSTOMER), Utterance(15, 17, "A", "I had to wait", CUSTOMER),
            Utterance(40, 41, "A", "so confusing", CUSTOMER), Utterance(42, 43, "R", "any errors?", INTERVIEWER)]
    found = find_moments(utts, duration_s=41.5)
    assert [(m.start_s, m.end_s, m.tags, m.severity) for m in found] == [
        (9.0, 18.0, ["failure", "waiting"], 0.75), (39.0, 41.5, ["confusion"], 0.39)]


def test_friction_cues_english_and_persian() -> None:
    assert friction_cues("I want to cancel, too many messages") == {"cancelling": 0.8, "overwhelmed": 0.6}
    assert friction_cues("پیام‌های زیادی می‌فرستند و گیج شدم") == {"overwhelmed": 0.6, "confusion": 0.5}
    assert friction_cues("می‌خواهم اشتراک را لغو کنم") == {"cancelling": 0.8}
    assert friction_cues("Lovely, it works.") == {}


@pytest.mark.parametrize(("text", "expected"), [("12.5", 12.5), ("06:52", 412.0), ("00:06:52.5", 412.5),
                                                ("۱۲", 12.0), ("soon", None), ("-3", None), ("1:2:3:4", None)])
def test_marker_times(text: str, expected: float | None) -> None:
    assert seconds(text) == expected


def test_unsafe_path_is_refused(project: Path, tmp_path: Path) -> None:
    with pytest.raises(UnsafePathError):
        run(project, tmp_path, [{"id": "x", "transcript": "../../etc/passwd", "consent": True}])


def test_face_blur_applies_to_clip_and_thumbnail(project: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The real blurrer, with its detector counted: thumbnails once, clips twice a second."""
    import kit.evidence.faces
    calls: list[int] = []

    def detect(frame: np.ndarray) -> list[tuple[int, int, int, int]]:
        calls.append(1)
        return []

    monkeypatch.setattr(kit.evidence.faces, "detect_faces", detect)
    res, _ = run(project, tmp_path, RECORDINGS[:1], blur_faces=True)
    assert [e.kind for e in res.exhibits] == ["clip", "clip"]
    assert len(calls) > 2 + 4                                       # two thumbnails, then every clip


def test_markers_file_missing_columns_falls_back_to_found(project: Path, tmp_path: Path) -> None:
    (project / "recordings/bad_markers.csv").write_text("when,what\n1,x\n", encoding="utf-8")
    rec = {**RECORDINGS[2], "id": "s05", "media": None, "markers": "recordings/bad_markers.csv"}
    res, rejects = run(project, tmp_path, [rec])
    assert reasons(rejects, "recordings/bad_markers.csv")["file"].startswith("missing column(s) start, end")
    assert res.moments["coded_by"].tolist() == ["auto"]
    assert pd.isna(res.moments["stage"].iloc[0])


def test_notebook_views_summary_strongest_and_sources(result: tuple[RecordingsResult, RejectLog, Path]) -> None:
    from kit.views import recordings as views
    res, _, run_dir = result
    table = views.summary(res, RECORDINGS).set_index("recording")
    assert table.loc["s01", ["length", "media", "customers", "interviewers", "moments", "coded by a person"]].tolist() == [
        "00:00:12", "video", "P01", "Researcher", 2, 2]
    assert table.loc["s02", ["media", "customers", "found automatically"]].tolist() == ["audio", "P02", 1]
    assert table.loc["s03", "media"] == "unusable (see rejects); quotes only"
    assert table.loc["s04", ["length", "moments"]].tolist() == ["not used (no consent)", 0]
    negative, positive = views.strongest(res, n=2)
    assert [e.id for e in negative] == ["rec-s02-0001", "rec-s03-0001"]           # -1.0 each, then by severity
    assert [e.id for e in positive] == ["rec-s01-0009"]
    html = views.moments_html(negative, run_dir, "Strongest <moments>")
    assert html.count("<video") == 0 and html.count("<audio") == 1            # s02 is audio; s03 has no media
    assert 'src="data:audio/mp4;base64,' in html and "&lt;moments&gt;" in html
    assert "recordings/s02.srt" not in html and "recordings/s02.m4a at 00:00:01" in html
    assert "no clip: the media could not be used" in html and 'dir="rtl"' in html
    first = views.moments_html(positive, run_dir, "x")
    assert first.count("<video") == 1 and 'poster="data:image/jpeg;base64,' in first
    rows = views.exhibit_table(res.exhibits).set_index("exhibit")
    assert rows.loc["rec-s01-0002", ["kind", "source file", "at", "coded by"]].tolist() == [
        "clip", "recordings/s01.mp4", "00:00:02", "person"]
    assert rows.loc["rec-s03-0001", ["kind", "source file", "at"]].tolist() == ["quote", "recordings/s03.vtt", "00:00:01"]
    links = views.timeline_links(res, "s01")
    assert links.count("exhibits.ipynb?exhibit=rec-s01-") == 2 and "Payment fails after a long wait" in links


def test_thumbnail_time_is_the_line_that_says_most() -> None:
    from kit.analysis.moments import Moment, telling_time
    utts = [Utterance(10, 12, "A", "Fine so far.", CUSTOMER, 0.4), Utterance(12, 16, "A", "Then it crashed.", CUSTOMER, -0.2),
            Utterance(16, 18, "A", "Awful.", CUSTOMER, -0.6), Utterance(13, 15, "R", "Terrible?", INTERVIEWER, -0.9)]
    bad = Moment(11.0, 17.0, "A", "", -0.7, 0.7, "person", [])
    # 'Then it crashed.': 0.2 + failure 0.8 = 1.0; 'Awful.': 0.6 + frustration 0.7 = 1.3, the most telling;
    # its part inside the moment is 16-17 s. The interviewer's line is never a candidate.
    assert telling_time(bad, utts) == 16.5
    good = Moment(9.0, 14.0, "A", "", 0.5, 0.0, "person", [])
    assert telling_time(good, utts) == 11.0                      # the only positive line
    assert telling_time(Moment(30.0, 40.0, "A", "", -0.5, 0.5, "auto", []), utts) == 35.0


def test_missing_media_is_rejected_and_transcript_gives_quotes(project: Path, tmp_path: Path) -> None:
    rec = {**RECORDINGS[2], "id": "s06", "media": "recordings/gone.mp4"}
    res, rejects = run(project, tmp_path, [rec])
    assert reasons(rejects, "recordings/gone.mp4") == {"file": "file not found; its transcript is still used, as quotes"}
    assert [(e.kind, e.source["file"]) for e in res.exhibits] == [("quote", "recordings/s03.vtt")]
    assert res.counts["recordings/gone.mp4"] == {"in": 1, "accepted": 0, "rejected": 1}
    assert not (tmp_path / "media").exists()
