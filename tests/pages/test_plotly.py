"""Charts on the Voilà pages: a small widget per figure, plotly.js sent once on request (no CDN, no extension)."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from kit.pages import plotly as page_plotly
from kit.server import voila as serve


def test_a_chart_holds_its_figure_as_json_and_sends_plotly_js_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout={"height": 340, "title": "<b>x</b> & y"})
    chart = page_plotly.Chart(fig)
    assert chart.figure["data"][0]["type"] == "bar" and chart.figure["data"][0]["y"] == [1, 2]
    assert chart.figure["layout"]["title"]["text"] == "<b>x</b> & y" and chart.figure["layout"]["height"] == 340
    sent: list[dict] = []
    monkeypatch.setattr(chart, "send", lambda content, buffers=None: sent.append(content))
    chart._handle_custom_msg({"hello": 1}, [])
    chart._handle_custom_msg("plotly.js", [])
    assert sent == []                                                      # nothing asked, nothing sent
    chart._handle_custom_msg({"want": "plotly.js"}, [])
    (reply,) = sent
    library = reply["library"]
    assert len(library) > 3_000_000 and "window.Plotly = Plotly" in library   # the library itself, from the package
    assert "<script" not in library


def test_the_front_end_asks_once_and_uses_no_network() -> None:
    esm = page_plotly.ESM
    assert 'want: "plotly.js"' in esm and "globalThis.Plotly" in esm
    assert "http" not in esm and "import(" not in esm and "innerHTML" not in esm


def test_the_pages_server_leaves_the_plotly_extension_out() -> None:
    command = serve.voila_command(8866)
    assert '--VoilaConfiguration.extension_denylist=["jupyterlab-plotly"]' in command
