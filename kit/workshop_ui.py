"""Workshop widgets for the gallery page: who is voting, and the votes and notes on one exhibit.

The gallery page (``kit.dashboard``) puts ``participant_bar`` above the grid and
``exhibit_panel`` under an opened exhibit; the overview shows ``overview_panel``.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w


def participant_bar(run_dir: Path) -> w.Widget:
    """The participant's name and department, asked once per browser."""
    return w.VBox()


def exhibit_panel(run_dir: Path, exhibit_id: str) -> w.Widget:
    """Dot votes, severity and a note on one exhibit, with the live tallies of the room."""
    return w.VBox()


def overview_panel(run_dir: Path) -> str:
    """HTML for the overview: this run's workshop tallies and links to past workshops."""
    return ""
