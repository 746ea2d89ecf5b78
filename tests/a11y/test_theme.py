"""The design tokens and the offline pieces of the accessibility checks, without a browser.

The colours of kit/assets/theme/00-base.css must keep WCAG AA on the surfaces the pages use; the
one-file gallery and the gate's pages must carry those tokens; the axe-core fetch must refuse a
tarball that is not the registry's.
"""

from __future__ import annotations

import io
import json
import re
import tarfile
from pathlib import Path

import pytest

from kit.core import i18n
from kit.exports import gallery_file
from kit.synth import run_folder
from kit.views.tokens import BASE_CSS, base_css
from tests.a11y import fetch_axe

TEXT = ("ink", "muted", "accent", "accent-strong", "good", "warn", "bad")
SURFACES = ("paper", "canvas", "tile", "tag", "good-bg", "warn-bg", "bad-bg", "note-bg")


def tokens() -> dict[str, str]:
    return dict(re.findall(r"--cx-([a-z-]+):(#[0-9a-fA-F]{6})", BASE_CSS.read_text(encoding="utf-8")))


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("text", TEXT)
def test_every_text_colour_reads_on_every_surface(text: str) -> None:
    colours = tokens()
    low = {surface: round(contrast(colours[text], colours[surface]), 2) for surface in SURFACES
           if contrast(colours[text], colours[surface]) < 4.5}
    assert not low, f"--cx-{text} below 4.5:1 on {low}"


def test_buttons_focus_ring_and_control_edges_are_visible() -> None:
    colours = tokens()
    assert contrast(colours["on-accent"], colours["accent"]) >= 4.5          # a primary button's label
    assert contrast(colours["on-accent"], colours["accent-strong"]) >= 4.5   # ... when hovered
    assert contrast(colours["focus"], colours["paper"]) >= 3                 # the focus ring (non-text, 3:1)
    assert contrast(colours["edge"], colours["paper"]) >= 3                  # a field's edge
    css = BASE_CSS.read_text(encoding="utf-8")
    for selector in (".jupyter-button", ".widget-button", ".widget-dropdown select", ".widget-text input", ":focus-visible"):
        assert selector in css, selector


def test_judgements_carry_a_mark_as_well_as_a_colour() -> None:
    css = BASE_CSS.read_text(encoding="utf-8")
    for judgement in ("good", "warn", "bad"):
        assert re.search(rf"\.cx-judge\.{judgement}::before\{{content:\"[^\"]+\"", css), judgement


def test_no_stylesheet_fetches_anything() -> None:
    css = "\n".join(p.read_text(encoding="utf-8") for p in sorted(BASE_CSS.parent.glob("*.css")))
    assert "url(http" not in css.replace(" ", "") and "@import" not in css


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_one_file_gallery_speaks_the_run_language_with_the_kit_tokens(lang: str, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_folder.overview_chart, "write_svg", lambda *a, **k: False)    # no Chromium needed here
    run = run_folder.write(tmp_path / "run", exhibits=6, thumbs=2, ui_language=lang)
    html = gallery_file.gallery_html(run).read_text(encoding="utf-8")
    assert f'<html lang="{lang}" dir="{i18n.direction(lang)}">' in html
    assert "--cx-accent:" in html and base_css()[:200] in html            # the same tokens as the pages
    assert "@font-face{font-family:Vazirmatn" in html
    words = json.loads(re.search(r'<script id="cx-words" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert words["gx_skip"] == i18n.t("gx_skip", lang) and words["all_stages"] == i18n.t("all_stages", lang)
    data = json.loads(re.search(r'<script id="cx-data" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert all(r["kind_label"] == i18n.t(f"kind_{r['kind']}", lang) for r in data["exhibits"])
    if lang == "fa":
        assert any("منفی" in (r["feeling"] or "") or "مثبت" in (r["feeling"] or "") or "خنثی" in (r["feeling"] or "")
                   for r in data["exhibits"])


def _tarball(script: bytes) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo(fetch_axe.MEMBER)
        info.size = len(script)
        tar.addfile(info, io.BytesIO(script))
    return buffer.getvalue()


def test_a_tarball_that_is_not_the_registrys_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "axe-core" / "axe.min.js"
    with pytest.raises(fetch_axe.IntegrityError, match="sha512"):
        fetch_axe.extract(_tarball(b"window.axe = {run: () => ({violations: []})};"), target)
    assert not target.exists()


def test_the_pinned_integrity_is_what_npm_writes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    data = _tarball(b"/* axe */")
    monkeypatch.setattr(fetch_axe, "INTEGRITY", fetch_axe.integrity_of(data))
    target = fetch_axe.extract(data, tmp_path / "axe.min.js")
    assert target.read_bytes() == b"/* axe */" and (tmp_path / "VERSION").read_text().strip() == fetch_axe.VERSION
    assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", fetch_axe.integrity_of(data))
