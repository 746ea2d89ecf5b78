"""What the photos notebook shows: the contact sheet by stage, the strongest photos, the exhibit
table.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kit.core.exhibits import Exhibit
from kit.core.templates import Markup, render
from kit.steps.photos import PhotosResult
from kit.views.html import media_uri, theme_css


def contact_sheet(photos: pd.DataFrame, run_dir: Path, stages: list[str]) -> str:
    """Published thumbnails grouped by journey stage (for the photos notebook)."""
    if photos is None or photos.empty:
        return render("report/paragraph.html.j2", text="No photo was published.")
    order = stages + sorted(set(photos["stage"].dropna()) - set(stages))
    groups = [(s, photos[photos["stage"] == s]) for s in order] + [("(no stage)", photos[photos["stage"].isna()])]
    return theme_css() + render("photos/contact_sheet.html.j2", groups=[
        (stage, [(media_uri(run_dir, r.thumb) or "", r.caption or "") for r in g.itertuples()])
        for stage, g in groups if not g.empty])


def strongest(photos: pd.DataFrame, n: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``n`` most negative and ``n`` most positive rated photos, strongest first.

    Unrated photos (no valence in photos.csv) are left out rather than counted as neutral; ties
    are broken by photo id so the choice is the same on every run.
    """
    rated = photos[photos["valence"].notna()]
    negative = rated[rated["valence"] < 0].sort_values(["valence", "photo_id"]).head(n)
    positive = rated[rated["valence"] > 0].sort_values(["valence", "photo_id"], ascending=[False, True]).head(n)
    return negative, positive


def strongest_html(photos: pd.DataFrame, exhibits: list[Exhibit], run_dir: Path, n: int = 3) -> str:
    """Cards of the strongest negative and positive photos, as the gallery draws them."""
    from kit.views.html import grid_html, theme_css
    by_id = {e.id: e.to_dict() for e in exhibits}
    negative, positive = strongest(photos, n)
    groups = []
    for heading, chosen in (("Most negative", negative), ("Most positive", positive)):
        records = [by_id[i] for i in chosen["photo_id"] if i in by_id]
        groups.append((heading, len(records), Markup(grid_html(records, run_dir)) if records else None))
    return theme_css() + render("photos/strongest.html.j2", groups=groups)


def exhibit_table(exhibits: list[Exhibit]) -> pd.DataFrame:
    """Photo exhibits as a table to read: caption, stage, channel, valence and the file each came from."""
    rows = [{"id": e.id, "caption": e.caption, "stage": e.stage, "channel": e.channel, "valence": e.valence,
             "source": e.source["file"], "faces blurred": e.evidence.get("faces_blurred", 0)} for e in exhibits]
    return pd.DataFrame(rows, columns=["id", "caption", "stage", "channel", "valence", "source", "faces blurred"])


def headline(result: PhotosResult) -> str:
    """How many photos the step published and rejected (or why it did nothing)."""
    if result.note:
        return result.note
    rejected = sum(c["rejected"] for c in result.counts.values())
    return f"{len(result.photos)} photos published, {rejected} rejected"
