"""Evidence and sources in words: what a non-analyst reads in an exhibit's detail carries no ids, keys or file names."""

from __future__ import annotations

import re
from pathlib import Path

from kit.core.bidi import strip_isolates
from kit.views.evidence import evidence_text
from kit.views.html import detail_html


def test_figures_read_as_phrases_with_their_interval() -> None:
    said = strip_isolates(evidence_text({"nps": 14.3, "lo": 10.2, "hi": 18.4, "responses": 1480}))
    assert said == "NPS 14.3 (95% interval 10.2 to 18.4), 1,480 answers"


def test_ids_are_left_out_and_unknown_figures_lose_their_underscores() -> None:
    said = strip_isolates(evidence_text({"moment_ids": ["rec-s01-0019"], "coded_by": "person", "recording": "s01",
                                         "minutes_waited": 12}))
    assert said == "coded by a person, recording s01, minutes waited: 12"
    assert "rec-s01" not in said and "_" not in said


def test_persian_evidence_uses_persian_words_and_digits() -> None:
    said = evidence_text({"lost_over": 418, "tolerance_per_week": 14, "sentiment": -0.48}, "fa")
    assert "۴۱۸" in said and "۱۴" in said and "منفی" in said
    assert not any(c.isascii() and c.isalnum() for c in said)


RECORD = {"id": "rec-s02-0077", "kind": "clip", "title": "Waiting on hold", "quote": "I waited forever",
          "source": {"file": "recordings/s02.mp4", "locator": "00:01:17"}, "evidence": {"coded_by": "auto"},
          "severity": 0.51, "media": {}}


def test_a_visitor_reads_the_kind_of_source_and_an_analyst_the_file_and_id(tmp_path: Path) -> None:
    visitor = re.sub(r"</?bdi[^>]*>", "", detail_html(RECORD, tmp_path))
    assert "rec-s02-0077" not in visitor and "s02.mp4" not in visitor
    assert "recording, 00:01:17" in visitor and "found by the kit" in visitor
    analyst = detail_html(RECORD, tmp_path, analyst=True)
    assert "rec-s02-0077" in analyst and "recordings/s02.mp4 @ 00:01:17" in analyst
