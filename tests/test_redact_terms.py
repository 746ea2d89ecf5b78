"""How a redaction finds its terms in text: whole words in any case, Persian and Arabic spellings, grouped
numbers, never inside a label or an embedded picture; and where in a clip a word is heard."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kit.redaction.audio import PAD_S, line_spans
from kit.redaction.files import WITHDRAWN, Withdrawal, withdraw_json, withdraw_notebook
from kit.redaction.terms import Matcher, RedactionError, Spec


def sub(text: str, **terms: tuple[str, ...]) -> str:
    return Matcher.build(Spec(**terms)).sub(text)[0]


@pytest.mark.parametrize(("text", "expected"), [
    ("Thanks for joining, Maryam.", "Thanks for joining, [name]."),
    ("MARYAM said maryam", "[name] said [name]"),
    ("Tomorrow Tom called", "Tomorrow [name] called"),            # a whole word, not a part of one
    ("Tom's plan", "[name]'s plan"),
    ("already [name] here", "already [name] here"),
])
def test_a_speaker_is_found_as_a_whole_word_in_any_case(text: str, expected: str) -> None:
    assert sub(text, speakers=("Maryam", "Tom")) == expected


def test_persian_and_arabic_spellings_and_joiners_match() -> None:
    for written in ("علی رضایی", "علي رضايي", "علی\u200cرضایی", "عـلی رضایی"):
        assert sub(f"با {written} صحبت کردم", texts=("علی رضایی",)) == "با [redacted] صحبت کردم", written


def test_a_number_matches_however_it_is_grouped_and_in_any_digits() -> None:
    for written in ("0912 345 6789", "09123456789", "0912-345-6789", "۰۹۱۲۳۴۵۶۷۸۹", "٠٩١٢٣٤٥٦٧٨٩"):
        assert sub(f"call {written} now", texts=("0912 345 6789",)) == "call [redacted] now", written
    assert sub("109123456789", texts=("09123456789",)) == "109123456789"      # part of a longer number


def test_a_label_is_never_searched_again() -> None:
    m = Matcher.build(Spec(texts=("redacted", "name")))
    once, n = m.sub("the name was redacted")
    assert (once, n) == ("the [redacted] was [redacted]", 2)
    assert m.sub(once) == (once, 0)


def test_embedded_pictures_and_plotly_arrays_are_left_alone() -> None:
    m = Matcher.build(Spec(speakers=("Tom",)))
    html = '<img src="data:image/png;base64,AAAA/Tom+BBBB"> Tom'
    assert m.sub(html) == ('<img src="data:image/png;base64,AAAA/Tom+BBBB"> [name]', 1)
    fig = {"x": {"dtype": "f8", "bdata": "AA/tom+A"}, "text": ["Tom"]}
    assert m.walk(fig) == ({"x": {"dtype": "f8", "bdata": "AA/tom+A"}, "text": ["[name]"]}, 1)


def test_patterns_are_checked_before_anything_is_read() -> None:
    assert sub("order ORD-123456 and ord-9", patterns=(r"ord-\d{6}",)) == "order [redacted] and ord-9"
    with pytest.raises(RedactionError, match="not a valid regular expression"):
        Matcher.build(Spec(patterns=("(",)))
    with pytest.raises(RedactionError, match="matches empty text"):
        Matcher.build(Spec(patterns=("a?",)))


def test_the_manifest_hash_is_salted_and_never_the_term() -> None:
    spec = Spec(texts=("Secret Name",), speakers=("Maryam",))
    one, two = spec.hashed("salt-1"), spec.hashed("salt-2")
    assert one != two and "Maryam" not in str(one)
    assert one[0] == {"kind": "text",
                      "sha256": hashlib.sha256(b"salt-1\x00text\x00secret name").hexdigest()}


def test_a_word_is_placed_in_its_line_by_its_characters() -> None:
    m = Matcher.build(Spec(speakers=("Maryam",)))
    text = "Did you have your breakfast, Maryam? Every single day and every night too."
    (start, end), = line_spans(100.0, 110.0, text, m)
    said = 100.0 + 10.0 * text.index("Maryam") / len(text)
    assert start <= said and end >= said + 10.0 * 6 / len(text)
    assert end - start <= 10.0 * 6 / len(text) + 2 * max(PAD_S, 1.0) + 1e-9
    assert line_spans(100.0, 110.0, "nothing here", m) == []


def test_withdrawing_drops_records_ids_and_keys_but_keeps_chart_points() -> None:
    gone = Withdrawal(frozenset({"rec-s01-0001"}), frozenset({"media/rec-s01-0001.jpg"}), frozenset({"A long title here"}))
    data = {"exhibits": [{"id": "rec-s01-0001"}, {"id": "rec-s01-00012"}], "order": ["rec-s01-0001", "x"],
            "labels": {"rec-s01-0001": "a"}, "thumb": "media/rec-s01-0001.jpg", "link": "exhibits.ipynb?exhibit=rec-s01-0001"}
    out, n = withdraw_json(data, gone)
    assert out == {"exhibits": [{"id": "rec-s01-00012"}], "order": ["x"], "labels": {}, "thumb": None, "link": WITHDRAWN}
    assert n == 5
    fig = {"data": [{"x": [1, 2], "hovertext": ["clip: exhibits.ipynb?exhibit=rec-s01-0001", "other"]}]}
    assert withdraw_json(fig, gone, aligned=True)[0]["data"][0]["hovertext"] == [WITHDRAWN, "other"]
    nb = {"cells": [{"outputs": [{"text": ["A long title here\n"]}]}, {"outputs": [{"text": ["fine"]}]}]}
    out_nb, cleared = withdraw_notebook(nb, gone)
    assert cleared == 1 and out_nb["cells"][1]["outputs"] == [{"text": ["fine"]}]


def test_a_tone_or_silence_covers_exactly_the_spans() -> None:
    import numpy as np

    from kit.evidence.bleep import TONE_HZ, cover
    rate = 16000
    speech = np.full((rate * 3, 2), 0.1, dtype=np.float32)
    muted = speech.copy()
    assert cover(muted, rate, [(1.0, 1.5)], mute=True) == 1
    assert not muted[rate:rate * 3 // 2].any() and np.all(muted[:rate] == speech[:rate])
    toned = speech.copy()
    cover(toned, rate, [(1.0, 2.0)])
    part = toned[rate:2 * rate, 0]
    peak = np.fft.rfftfreq(len(part), 1 / rate)[np.argmax(np.abs(np.fft.rfft(part - part.mean())))]
    assert abs(peak - TONE_HZ) < 2 and np.all(toned[2 * rate:] == speech[2 * rate:])


def test_a_second_redaction_of_the_same_run_at_once_is_refused(tmp_path: Path) -> None:
    import fcntl
    import os

    from kit.redaction import redact_run
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(RedactionError, match="another redaction"):
            redact_run(tmp_path, Spec(texts=("x",)))
    finally:
        os.close(fd)
