"""kit.charts.journey: the overview's journey curve as an SVG image made by the pipeline, shown without script."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pandas as pd
import pytest

from kit.charts import journey as overview_chart
from kit.charts import store as figures
from kit.pages.overview import image_html

HOSTILE = '<img src=x onerror="window.__xss=1">'


def _journey(stage: str = "support") -> pd.DataFrame:
    return pd.DataFrame({"stage": ["purchase", stage], "source": ["survey", "survey"], "valence": [0.3, -0.4],
                         "lo": [0.2, -0.5], "hi": [0.4, -0.3], "n": [60, 40], "ideal": [0.5, 0.3]})


@pytest.mark.usefixtures("chromium")
def test_svg_is_written_with_stages_title_and_no_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(figures.NO_PNG_ENV, raising=False)
    assert overview_chart.write_svg(tmp_path, _journey(HOSTILE), ["purchase", HOSTILE], "en")
    svg = (tmp_path / overview_chart.SVG).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and f'width="{overview_chart.WIDTH}"' in svg
    assert "purchase" in svg and "n = 100" in svg
    assert "<script" not in svg.lower() and "<img" not in svg            # the hostile stage name is text
    assert "&#60;img src=x" in svg


@pytest.mark.usefixtures("chromium")
def test_svg_in_persian_carries_persian_labels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(figures.NO_PNG_ENV, raising=False)
    assert overview_chart.write_svg(tmp_path, _journey(), ["purchase", "support"], "fa")
    svg = (tmp_path / overview_chart.SVG).read_text(encoding="utf-8")
    assert "ایدئال" in svg and "۱۰۰" in svg                            # label and Persian digits (n = 100)


def test_without_images_the_stale_svg_goes_and_the_page_falls_back(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / overview_chart.SVG
    stale.parent.mkdir(parents=True)
    stale.write_text("<svg>old numbers</svg>")
    monkeypatch.setenv(figures.NO_PNG_ENV, "1")
    assert not overview_chart.write_svg(tmp_path, _journey(), ["purchase", "support"], "en")
    assert not stale.exists()
    assert image_html(tmp_path, "en") is None          # the page then draws it with plotly


def test_an_empty_or_incomplete_table_makes_no_svg(tmp_path: Path) -> None:
    assert not overview_chart.write_svg(tmp_path, _journey().iloc[:0], [], "en")
    assert not overview_chart.write_svg(tmp_path, _journey().drop(columns="lo"), [], "en")
    assert not (tmp_path / overview_chart.SVG).exists()


def test_image_html_embeds_the_svg_as_an_image_with_a_link_on(tmp_path: Path) -> None:
    path = tmp_path / overview_chart.SVG
    path.parent.mkdir(parents=True)
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    html = image_html(tmp_path, "en", link='negative.ipynb?x="><b>')
    src = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert src and base64.b64decode(src.group(1)) == path.read_bytes()  # only ever an <img>: its script cannot run
    assert "<script" not in html and '"><b>' not in html and "&quot;&gt;&lt;b&gt;" in html
    assert 'alt="The journey as customers felt it' in html and "negative room" in html
    assert "اتاق" in image_html(tmp_path, "fa", link="negative.ipynb")
