"""What the photos notebook shows: the contact sheet by stage, the strongest photos, the exhibit
table.
"""

from __future__ import annotations
from kit.views.html import CSS, media_uri
from html import escape
from pathlib import Path
import pandas as pd
from kit.core.exhibits import Exhibit


def contact_sheet(photos: pd.DataFrame, run_dir: Path, stages: list[str]) -> str:
    """Published thumbnails grouped by journey stage (for the photos notebook)."""
    if photos is None or photos.empty:
        return "<p>No photo was published.</p>"
    out = [CSS]
    order = stages + sorted(set(photos["stage"].dropna()) - set(stages))
    groups = [(s, photos[photos["stage"] == s]) for s in order] + [("(no stage)", photos[photos["stage"].isna()])]
    for stage, g in groups:
        if g.empty:
            continue
        cells = "".join(
            f'<figure style="margin:0;width:160px"><img src="{media_uri(run_dir, r.thumb) or ""}" '
            f'style="width:160px;height:110px;object-fit:cover"><figcaption style="font-size:11px">'
            f'{escape(str(r.caption or ""))}</figcaption></figure>' for r in g.itertuples())
        out.append(f"<h4>{escape(stage)}</h4><div style='display:flex;flex-wrap:wrap;gap:8px'>{cells}</div>")
    return "".join(out)


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
    """Cards of the strongest negative and positive photos, as the gallery draws them (text escaped there)."""
    from kit.views.html import CSS, grid_html
    by_id = {e.id: e.to_dict() for e in exhibits}
    negative, positive = strongest(photos, n)
    parts = [CSS]
    for heading, chosen in (("Most negative", negative), ("Most positive", positive)):
        records = [by_id[i] for i in chosen["photo_id"] if i in by_id]
        parts.append(f"<h4>{heading} ({len(records)})</h4>" + (grid_html(records, run_dir) if records else
                                                                "<p>No photo rated this way.</p>"))
    return "".join(parts)


def exhibit_table(exhibits: list[Exhibit]) -> pd.DataFrame:
    """Photo exhibits as a table to read: caption, stage, channel, valence and the file each came from."""
    rows = [{"id": e.id, "caption": e.caption, "stage": e.stage, "channel": e.channel, "valence": e.valence,
             "source": e.source["file"], "faces blurred": e.evidence.get("faces_blurred", 0)} for e in exhibits]
    return pd.DataFrame(rows, columns=["id", "caption", "stage", "channel", "valence", "source", "faces blurred"])
