"""The gallery's default order (people first, worst first), grouped photos as one card, and the room's dots on cards."""

from __future__ import annotations

import json
from pathlib import Path

from kit.analysis import gallery_order
from kit.core.runs import load_run
from kit.pages import gallery as dashboard
from kit.pages.gallery_cards import card_data
from kit.workshop import dots as room_dots
from kit.workshop.store import Workshop


def rec(id_: str, kind: str = "quote", valence: float | None = -0.5, severity: float | None = None, **kw) -> dict:
    base = {"id": id_, "kind": kind, "title": id_, "caption": "", "quote": "", "stage": "purchase", "channel": "app",
            "segment": None, "valence": valence, "severity": severity if severity is not None else
            (max(0.0, -valence) if valence is not None else None), "lenses": [], "tags": [], "media": {},
            "evidence": {}, "source": {"file": "surveys/q3.csv", "locator": "row 2"}, "lang": "en", "schema": 1}
    return {**base, **kw}


def ids(records: list[dict]) -> list[str]:
    return [r["id"] for r in records]


RECORDS = [
    rec("chart-big", "chart", -0.9, 0.9, evidence={"customers": 1500}),     # severe, wide: still after the media
    rec("metric-nps", "metric", 0.1, evidence={"responses": 1480}),
    rec("quote-mild", "quote", -0.3),
    rec("photo-worst", "photo", -0.9),
    rec("clip-bad", "clip", -0.7),
    rec("quote-glad", "quote", 0.8),
    rec("quote-bad-many", "quote", -0.6, evidence={"responses": 100}),     # 100 people: reach lifts it
    rec("photo-dup", "photo", -0.9, part_of="photo-worst"),
]


def test_media_come_first_and_the_worst_leads() -> None:
    order = gallery_order.default_order(RECORDS)
    assert ids(order) == ["quote-bad-many", "photo-worst", "clip-bad", "quote-mild", "quote-glad",
                          "chart-big", "metric-nps"]
    assert "photo-dup" not in ids(order)                                # its leader stands for it
    assert all(gallery_order.is_media(r) for r in order[:5]) and not any(gallery_order.is_media(r) for r in order[5:])


def test_evidence_strength_of_a_ranked_negative_experience_lifts_its_exhibits() -> None:
    negatives = [{"rank": 1, "evidence_strength": 8.0, "exhibits": ["clip-bad"]},
                 {"rank": 2, "evidence_strength": "junk", "exhibits": ["quote-mild"]}, "not a dict"]
    order = ids(gallery_order.default_order(RECORDS, negatives))
    assert order[0] == "clip-bad" and order.index("quote-mild") > order.index("photo-worst")
    photo = rec("p", "photo", -0.5, also=["q"])
    assert gallery_order.score(photo) > gallery_order.score(rec("p", "photo", -0.5))   # two photos, more evidence


def test_sort_by_votes_keeps_the_order_among_equals() -> None:
    order = gallery_order.default_order(RECORDS)
    voted = gallery_order.by_votes(order, {"quote-glad": 3, "chart-big": 1})
    assert ids(voted)[:2] == ["quote-glad", "chart-big"] and ids(voted)[2:] == [i for i in ids(order)
                                                                                 if i not in ("quote-glad", "chart-big")]


def test_cards_carry_dots_and_photo_counts_words_not_numbers(tmp_path: Path) -> None:
    card = card_data(rec("p", "photo", -0.9, also=["q"]), tmp_path, dots=1)
    assert card["dots"] == 1 and card["dots_label"] == "● 1 dot" and card["photos"] == "2 photos"
    assert "▼▼ very negative" in card["tags"] and not any("-0.9" in t for t in card["tags"])
    assert card_data(rec("q"), tmp_path)["dots_label"] == "" and card_data(rec("q"), tmp_path)["figure"] is False
    fa = card_data(rec("p", "photo", -0.9), tmp_path, dots=3, photos=2, lang="fa")
    assert fa["dots_label"] == "● ۳ رأی" and fa["photos"] == "۲ عکس"
    assert card_data(rec("c", "chart"), tmp_path)["figure"] is True


def test_dots_are_read_from_the_workshop_and_grouped_photos_count_for_their_card(tmp_path: Path) -> None:
    assert room_dots.dots_by_exhibit(tmp_path) == {}                     # no workshop: no dots, no file made
    assert not (tmp_path / room_dots.DB_NAME).exists()
    shop = Workshop(tmp_path, votes_per_person=5)
    a, b = shop.join("Ann", "design"), shop.join("Bo", "business")
    shop.vote(a.token, "photo-worst", 2)
    shop.vote(b.token, "photo-worst")
    shop.vote(b.token, "photo-dup")                                      # a paper vote on the grouped photo's old card
    dots = room_dots.dots_by_exhibit(tmp_path)
    assert dots == {"photo-worst": 3, "photo-dup": 1}
    assert room_dots.grouped(dots, {"photo-worst": ["photo-dup"]}) == {"photo-worst": 4}


def test_gallery_page_shows_dots_at_arrival_sorts_by_them_and_opens_a_grouped_photo(tmp_path: Path) -> None:
    from kit.synth import run_folder as synth_run
    run = synth_run.write(tmp_path / "run", 30, thumbs=0)
    records = json.loads((run / "exhibits.json").read_text(encoding="utf-8"))
    lead, dup = next(r for r in records if r["kind"] == "photo"), None
    dup = next(r for r in records if r["kind"] == "photo" and r["id"] != lead["id"])
    lead["also"], dup["part_of"] = [dup["id"]], lead["id"]
    (run / "exhibits.json").write_text(json.dumps(records), encoding="utf-8")
    page = dashboard.GalleryPage(*load_run(run))
    page.shown = page.filtered()
    page.render()
    page.show()
    assert dup["id"] not in ids(page.shown) and len(page.shown) == len(records) - 1
    assert all(c["dots_label"] == "" for c in page.grid.cards)          # drawn before anybody arrived: no room yet
    quiet = next(r["id"] for r in page.shown[::-1] if r["id"] != lead["id"])
    shop = Workshop(run, votes_per_person=5)
    shop.vote(shop.join("Ann", "design").token, quiet, 2)
    page.refresh_dots()                                                  # what the visitor's arrival does
    assert len(page.shown) <= dashboard.PAGE_SIZE                       # one page: every card is drawn
    by_id = {c["id"]: c for c in page.grid.cards}
    assert by_id[quiet]["dots_label"] == "● 2 dots" and by_id[lead["id"]]["dots_label"] == "● 0 dots"
    assert by_id[lead["id"]]["photos"] == "2 photos" and page.grid.cards[-1]["id"] == quiet
    page.grid.query = {**page.grid.query, "sort": "votes"}
    assert page.grid.cards[0]["id"] == quiet and page.grid.cards[0]["dots"] == 2
    assert page.grid.sections is False                                   # by votes: one list, no "charts" heading
    page.open(dup["id"])                                                 # a link to the grouped photo opens its card
    assert page.detail.layout.display == "flex" and page.grid.cards and lead["title"] in page.detail.children[1].value
