"""What the photos notebook shows: the contact sheet by stage, the strongest photos, the exhibit
table.
"""

from __future__ import annotations
from kit.views.html import CSS, media_uri
from html import escape
from pathlib import Path
import pandas as pd


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
