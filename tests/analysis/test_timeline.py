"""Emotional timelines: windows and peaks against hand computations, the chart and its links."""

from __future__ import annotations

import pandas as pd
import pytest

from kit.analysis import timeline
from kit.analysis.moments import find_moments
from kit.charts import timeline as timeline_chart
from kit.core.exhibits import gallery_link
from kit.evidence.transcripts import CUSTOMER, INTERVIEWER, Utterance
from kit.views.recordings import links_table


def lines(*rows: tuple[float, float, float | None]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["start_s", "end_s", "sentiment"]).astype(float)


def test_windows_weight_lines_by_their_overlap() -> None:
    win = timeline.windows(lines((0, 10, 1.0), (25, 35, -1.0), (12, 14, None)), "s01", duration_s=40)
    # [0,30): 10 s at +1 and 5 s at -1 -> 5/15; [10,40): only the second line -> -1. The unscored
    # (interviewer) line at 12-14 s counts nowhere.
    assert win["start_s"].tolist() == [0.0, 10.0] and win["end_s"].tolist() == [30.0, 40.0]
    assert win["valence"].tolist() == pytest.approx([0.3333, -1.0], abs=1e-4)
    assert win["lines"].tolist() == [2.0, 1.0] and win["mid_s"].tolist() == [15.0, 25.0]
    assert set(win["recording_id"]) == {"s01"}


def test_short_cue_weighs_half_a_second_and_silence_is_a_gap() -> None:
    win = timeline.windows(lines((1.0, 1.1, -1.0), (2, 4, 1.0), (70, 72, 0.5)), duration_s=80)
    # [0,30): -1 x 0.5 s + 1 x 2 s over 2.5 s = 0.6; nothing is said 30-70 s.
    assert win.loc[0, "valence"] == pytest.approx(0.6)
    by_start = dict(zip(win["start_s"], win["valence"], strict=True))
    assert pd.isna(by_start[30.0]) and by_start[50.0] == 0.5


def test_negative_peaks_keep_the_lowest_of_overlapping_windows() -> None:
    win = pd.DataFrame({"start_s": [0, 10, 20, 30, 40, 50], "end_s": [30, 40, 50, 60, 70, 80],
                        "valence": [0.2, -0.3, -0.6, -0.5, -0.1, -0.4], "lines": 1.0})
    peaks = timeline.negative_peaks(win)
    # -0.6 at 20 s is a local low; -0.3 and -0.5 are not lows; -0.4 at 50 s is the last and a low.
    assert peaks["start_s"].tolist() == [20, 50]
    assert timeline.negative_peaks(win, threshold=-0.5)["start_s"].tolist() == [20]


def test_negative_peak_without_a_cue_is_a_moment_and_interviewers_never_count() -> None:
    utts = [Utterance(0, 5, "Ann", "It started well.", CUSTOMER, 0.5),
            Utterance(40, 45, "Ann", "That was the worst part of my week.", CUSTOMER, -0.9),
            Utterance(60, 65, "Rita", "Terrible, right?", INTERVIEWER, -1.0),
            Utterance(80, 85, "Ann", "The coach was lovely.", CUSTOMER, 0.5)]
    found = find_moments(utts, duration_s=90)
    # Windows [20,50) [30,60) [40,70) all read -0.9 (the interviewer's -1.0 is not scored);
    # the first is kept. Severity 1 - e^(-2 x 0.9) = 0.83; valence the words' own -0.9.
    assert [(m.start_s, m.end_s, m.valence, m.severity, m.tags, m.coded_by, m.speaker) for m in found] == [
        (39.0, 46.0, -0.9, 0.83, ["negative"], "auto", "Ann")]
    assert found[0].quote == "That was the worst part of my week."


def test_cue_and_peak_on_the_same_lines_are_one_moment() -> None:
    utts = [Utterance(10, 14, "Ann", "The app crashed again.", CUSTOMER, -0.6),
            Utterance(15, 18, "Ann", "I gave up.", CUSTOMER, -0.5)]
    found = find_moments(utts, duration_s=20)
    # Cues: failure 0.8 + repeating 0.5 + cancelling 0.8 = 2.1; words -(0.6x4 + 0.5x3)/7 = -0.557.
    # Severity 1 - e^-(2.1 + 2 x 0.557) = 0.96; valence -0.96 (the cues say more than the words).
    assert len(found) == 1
    m = found[0]
    assert (m.start_s, m.end_s, m.severity, m.valence) == (9.0, 19.0, 0.96, -0.96)
    assert m.tags == ["failure", "cancelling", "repeating", "negative"]


MOMENTS = pd.DataFrame({
    "moment_id": ["rec-s01-0019", "rec-s01-0090"], "start_s": [19.9, 90.0], "end_s": [28.5, 95.0],
    "valence": [-0.7, 0.8], "coded_by": ["person", "auto"],
    "title": ["<script>alert(1)</script>", "Coach & tea"]})


def test_figure_marks_every_moment_with_a_link_to_its_clip() -> None:
    win = timeline.windows(lines((0, 50, -0.4), (60, 100, 0.6)), duration_s=100)
    fig = timeline_chart.figure(win, MOMENTS, title=timeline_chart.title_for("s01", "P01", 2, 2))
    assert fig.layout.title.text == "How P01 felt through recording s01 (2 customer lines, 2 moments)"
    assert (timeline_chart.title_for("s02", None, 1, 0)
            == "How the customer felt through recording s02 (1 customer line, 0 moments)")
    names = [t.name for t in fig.data]
    assert names == ["customer valence", "moment, coded by a researcher", "moment, found automatically"]
    assert [a.text for a in fig.layout.annotations] == [
        f'<a href="{gallery_link(exhibit="rec-s01-0019")}" target="_top">1</a>',
        f'<a href="{gallery_link(exhibit="rec-s01-0090")}" target="_top">2</a>']
    hover = fig.data[1].text[0]
    assert "&lt;script&gt;" in hover and "<script>" not in hover and "exhibits.ipynb?exhibit=rec-s01-0019" in hover
    assert len(fig.layout.shapes) == 3                          # the zero line and one span per moment
    assert list(fig.data[0].y) == pytest.approx(list(win["valence"]), nan_ok=True)


def test_links_table_escapes_and_links() -> None:
    html = links_table(MOMENTS)
    assert "<script>" not in html and "&lt;script&gt;" in html and "Coach &amp; tea" in html
    assert html.count('href="exhibits.ipynb?exhibit=') == 2 and "00:00:19" in html and "+0.80" in html


def test_figure_round_trips_through_the_shared_chart_store(tmp_path) -> None:
    from kit.charts.store import load_figure, save_figure
    win = timeline.windows(lines((0, 50, -0.4)), duration_s=60)
    fig = timeline_chart.figure(win, MOMENTS.iloc[:1], title="t")
    media = save_figure(tmp_path, "chart-rec-s01-timeline", fig, png=False)
    assert media == {"figure": "charts/chart-rec-s01-timeline.json"}
    back = load_figure(tmp_path, media["figure"])
    assert back.layout.annotations[0].text == fig.layout.annotations[0].text
