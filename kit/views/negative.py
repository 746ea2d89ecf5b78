"""The detractor wall as HTML: the most severe unhappy answers, in the notebook and the negative
room.
"""

from __future__ import annotations
from kit.core.exhibits import gallery_link
from html import escape
import pandas as pd


def wall_html(quotes: pd.DataFrame) -> str:
    """The wall as HTML cards: Persian quotes right to left, every text escaped, each leading to its source."""
    cards = []
    for q in quotes.itertuples(index=False):
        rtl = q.lang == "fa"
        shared = (f"{int(q.theme_answers)} answers share the theme “{escape(q.theme)}”" if q.theme and pd.notna(q.theme_answers)
                  else "no theme recorded")
        link = (f'<a href="{escape(gallery_link(exhibit=q.exhibit))}">open exhibit</a>' if q.exhibit
                else f'<span>{escape(str(q.source))} · {escape(str(q.locator))}</span>')
        where = " · ".join(escape(str(x)) for x in (q.stage, q.channel) if isinstance(x, str) and x)
        cards.append(
            f'<figure class="cx-wq" style="border-inline-start:{4 + int(8 * q.severity)}px solid #222">'
            f'<blockquote dir="{"rtl" if rtl else "ltr"}" lang="{escape(str(q.lang))}">{escape(str(q.text))}</blockquote>'
            f'<figcaption>severity {q.severity:.2f} · {shared}<br>{where} · {link}</figcaption></figure>')
    css = ("<style>.cx-wall{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:12px}"
           ".cx-wq{margin:0;padding:10px 14px;background:#f4f6f7;border-radius:6px}"
           ".cx-wq blockquote{margin:0 0 8px;font-size:15px}.cx-wq figcaption{font-size:12px;color:#424949}</style>")
    return css + '<div class="cx-wall">' + "".join(cards) + "</div>"
