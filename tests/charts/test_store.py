"""kit.charts.store: a chart exhibit's figure is stored as JSON and, where Chromium exists, as a PNG."""

from __future__ import annotations

import json
import logging
import struct
from pathlib import Path

import plotly.graph_objects as go
import pytest

from kit.charts import store as figures


def _fig() -> go.Figure:
    return go.Figure(go.Bar(x=["email", "phone"], y=[3, 5], name="contacts"),
                     layout={"title": {"text": "Contacts by channel (n=8)"}})


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_json_round_trip_keeps_data_and_title(tmp_path: Path) -> None:
    media = figures.save_figure(tmp_path, "chart-x", _fig(), png=False)
    assert media == {"figure": "charts/chart-x.json"}
    stored = json.loads((tmp_path / "charts" / "chart-x.json").read_text(encoding="utf-8"))
    assert stored["data"][0]["type"] == "bar"
    back = figures.load_figure(tmp_path, media["figure"])
    assert list(back.data[0].x) == ["email", "phone"]
    assert list(back.data[0].y) == [3, 5]
    assert back.layout.title.text == "Contacts by channel (n=8)"


@pytest.mark.usefixtures("chromium")
def test_png_written_at_the_figure_size_or_the_default(tmp_path: Path) -> None:
    media = figures.save_figure(tmp_path, "chart-y", _fig())
    assert media == {"figure": "charts/chart-y.json", "thumb": "charts/chart-y.png"}
    width, height = _png_size((tmp_path / media["thumb"]).read_bytes())
    assert (width, height) == (figures.PNG_WIDTH * figures.PNG_SCALE, figures.PNG_HEIGHT * figures.PNG_SCALE)
    sized = _fig().update_layout(width=640, height=300)
    media = figures.save_figure(tmp_path, "chart-sized", sized)
    assert _png_size((tmp_path / media["thumb"]).read_bytes()) == (640 * figures.PNG_SCALE, 300 * figures.PNG_SCALE)


def test_without_chromium_the_png_is_skipped_with_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.delenv(figures.NO_PNG_ENV, raising=False)
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    stale = tmp_path / "charts" / "chart-z.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old image")
    with caplog.at_level(logging.INFO, logger="cxkit.figures"):
        media = figures.save_figure(tmp_path, "chart-z", _fig())
    assert media == {"figure": "charts/chart-z.json"}
    assert not stale.exists()
    assert "no Chromium found" in caplog.text


def test_switch_turns_png_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(figures.NO_PNG_ENV, "1")
    assert figures.save_figure(tmp_path, "chart-w", _fig()) == {"figure": "charts/chart-w.json"}
    assert not (tmp_path / "charts" / "chart-w.png").exists()


def test_paths_that_leave_the_run_are_refused(tmp_path: Path) -> None:
    (tmp_path / "outside.json").write_text(_fig().to_json(), encoding="utf-8")
    run = tmp_path / "run"
    run.mkdir()
    with pytest.raises(ValueError, match="leaves the run folder"):
        figures.load_figure(run, "../outside.json")
    with pytest.raises(ValueError, match="cannot name a file"):
        figures.save_figure(run, "../evil", _fig(), png=False)
