"""Printed cards speak the run's language and carry the gallery cards' tags and feeling pill."""

from __future__ import annotations

from pathlib import Path

from kit.exports import cards


def _rec(**kw: object) -> dict:
    return {"id": "x", "kind": "photo", "title": "Paid twice", "quote": "", "stage": "purchase", "channel": "in_store",
            "segment": "new", "valence": -0.8, "severity": 0.9, "media": {}, "lang": "en",
            "source": {"file": "photos/a.jpg", "locator": "file"}, **kw}


def test_cards_carry_the_gallery_tags_and_the_feeling_as_mark_and_words(tmp_path: Path) -> None:
    page = cards.cards_html(tmp_path, [_rec()])
    assert '<html lang="en" dir="ltr">' in page
    assert '<span class="tag feel neg"><span class="mark">▼▼</span> very negative</span>' in page
    assert '<span class="tag kind">photo</span>' in page and '<span class="tag">in store</span>' in page
    assert "vote with this number" in page and "0.90" in page
    assert "font-family:\"Vazirmatn\"" in page or not (cards.FONTS_DIR / cards.FONT_FILES[400]).is_file()


def test_a_persian_run_prints_persian_labels_right_to_left(tmp_path: Path) -> None:
    page = cards.cards_html(tmp_path, [_rec(), _rec(id="y", valence=0.7)], lang="fa")
    assert '<html lang="fa" dir="rtl">' in page
    assert "با این شماره رأی دهید" in page and "از اینجا ببرید" in page and "خیلی منفی" in page
    assert "۰٫۹۰" in page and "vote with" not in page
