"""The room board, the presenter's slides, the join link and the facilitator's "counted twice?" warning as HTML.

Titles, quotes and names come from evidence or were typed by people: every one of them goes
through the kit's autoescaped templates (kit/assets/templates/workshop). The one piece of markup
made here is the QR code, which ``segno`` draws from the address alone.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from kit.core import i18n
from kit.core.exhibits import gallery_link
from kit.core.feelings import feeling_text
from kit.core.templates import Markup, render
from kit.views.html import media_uri
from kit.workshop.board import Board
from kit.workshop.fields import DEPARTMENTS
from kit.workshop.join import qr_svg

BOARD_TOP = 8           # exhibits on the board: what a room reads from the back of it


def department(name: str, lang: str) -> str:
    """A department as the page's language names it (stored in English)."""
    return i18n.t(f"dept_{name}", lang) if f"dept_{name}" in i18n.LABELS else name


@lru_cache(maxsize=256)
def _thumb(run_dir: Path, rel: str | None) -> str:
    return media_uri(run_dir, rel) or ""


def board_html(board: Board, records: dict[str, dict[str, Any]], run_dir: Path, lang: str = "en", *,
               held: bool = True, join: str = "", top: int = BOARD_TOP) -> str:
    """The board's body: the ``top`` most-voted exhibits and the dots of each department (workshop/board.html.j2).

    ``records`` are the run's exhibits by id (titles, thumbnails, text direction); an exhibit id the
    run does not hold is shown by its id. ``join`` is the join link's HTML (``join_html``), or "".
    """
    rows = []
    for e in board.top(top):
        rec = records.get(e.exhibit_id, {})
        verdict = board.verdicts.get(e.exhibit_id, "")
        rows.append({"id": e.exhibit_id, "title": rec.get("title") or e.exhibit_id, "votes": e.votes, "voters": e.voters,
                     "thumb": _thumb(Path(run_dir), (rec.get("media") or {}).get("thumb")),
                     "href": gallery_link(exhibit=e.exhibit_id), "dir": i18n.text_dir(rec.get("lang")),
                     "verdict": verdict, "verdict_text": i18n.t(f"board_{verdict}", lang) if verdict else "",
                     "by_department": [(department(d, lang), e.votes_by_department[d])
                                       for d in DEPARTMENTS if d in e.votes_by_department]})
    departments = [(department(d, lang), board.dots_by_department.get(d, 0), board.people_by_department.get(d, 0))
                   for d in DEPARTMENTS if d in board.people_by_department or d in board.dots_by_department]
    return render("workshop/board.html.j2", lang=lang, top=rows, held=held, departments=departments, join=Markup(join))


def join_html(url: str, lang: str = "en") -> str:
    """The join link and its QR code (workshop/join.html.j2); "" without an address."""
    if not url:
        return ""
    return render("workshop/join.html.j2", lang=lang, url=url, svg=Markup(qr_svg(url)))


def same_people_html(people: list[dict[str, Any]], lang: str = "en") -> str:
    """The facilitator's warning about participants who share a name and department ("" when there are none)."""
    return render("workshop/same_people.html.j2", lang=lang,
                  people=[{**p, "department": department(p["department"], lang),
                           "sources_text": i18n.t("comma", lang).join(i18n.t(f"ws_source_{s}", lang) for s in p["sources"])}
                          for p in people])


def slide_html(rec: dict[str, Any], run_dir: Path, lang: str = "en", *, votes: int = 0, position: int = 1,
               total: int = 1) -> str:
    """One exhibit on the presenter's screen (workshop/slide.html.j2): its clip or picture, title, quote, feeling."""
    media = rec.get("media") or {}
    image = media_uri(run_dir, media.get("image") or media.get("thumb")) or ""
    video = media_uri(run_dir, media.get("clip")) if media.get("clip") else ""
    valence, caption = rec.get("valence"), rec.get("caption") or ""
    return render("workshop/slide.html.j2", lang=lang, id=rec.get("id", ""), title=rec.get("title") or "",
                  quote=rec.get("quote") or "", caption=caption if caption != rec.get("title") else "",
                  image=image, video=video or "",
                  feeling=feeling_text(valence, lang) if valence is not None else "", dir=i18n.text_dir(rec.get("lang")),
                  votes=votes, position=position, total=total)
