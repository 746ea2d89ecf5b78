"""The curation journal: append-only lines, clear refusals, and a deterministic replay with undo and orphans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kit.core.errors import CurationError
from kit.curation import journal
from kit.curation.replay import replay, standing


def _records() -> list[dict]:
    return [{"id": "photo-1", "kind": "photo", "title": "A kitchen", "caption": "", "stage": "onboarding",
             "channel": "app", "valence": -0.2, "tags": ["fridge"], "source": {"file": "photos/a.jpg"}},
            {"id": "photo-2", "kind": "photo", "title": "A kitchen", "caption": "", "stage": "onboarding",
             "channel": "app", "valence": -0.2, "tags": [], "source": {"file": "photos/b.jpg"}},
            {"id": "quote-1", "kind": "quote", "title": "Too many messages", "caption": "", "stage": "coaching",
             "channel": "email", "valence": -0.8, "tags": ["overload"], "source": {"file": "survey.csv"}}]


def _edit(op: str, **fields: object) -> journal.Edit:
    return journal.make(who="ana", role="analyst", op=op, **fields)


def test_append_and_read_keep_order_and_persian_text(tmp_path: Path) -> None:
    path = tmp_path / journal.JOURNAL
    first = _edit("edit", exhibit="quote-1", field="title", before="Too many messages", after="پیام‌ها زیادند")
    second = _edit("hide", exhibit="photo-2", reason="same photo twice")
    journal.append(path, first)
    journal.append(path, second)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["after"] == "پیام‌ها زیادند"     # readable, ZWNJ kept
    assert [e.id for e in journal.read(path)] == [first.id, second.id]
    assert journal.digest(path) and journal.digest(tmp_path / "none.jsonl") is None


def test_refusals_say_what_to_fix(tmp_path: Path) -> None:
    with pytest.raises(CurationError, match="say why"):
        _edit("hide", exhibit="photo-1")
    with pytest.raises(CurationError, match="valence must be a number"):
        _edit("recode", exhibit="photo-1", field="valence", after=3)
    with pytest.raises(CurationError, match="not 'id'"):
        _edit("edit", exhibit="photo-1", field="id", after="x")
    with pytest.raises(CurationError, match="keep it to 200"):
        _edit("edit", exhibit="photo-1", field="title", after="x" * 201)
    bad = tmp_path / journal.JOURNAL
    journal.append(bad, _edit("show", exhibit="photo-1"))
    with open(bad, "a", encoding="utf-8") as f:
        f.write("{not json\n")
    with pytest.raises(CurationError, match=r"line 2: not JSON"):
        journal.read(bad)


def test_controls_and_bidi_overrides_are_removed_from_typed_text() -> None:
    e = _edit("edit", exhibit="quote-1", field="caption", after="safe\u202e txt\x07 می‌خواهم")
    assert e.after == "safe txt می‌خواهم"


def test_replay_applies_in_order_and_marks_who() -> None:
    edits = [_edit("recode", exhibit="photo-1", field="stage", before="onboarding", after="coaching"),
             _edit("edit", exhibit="quote-1", field="title", before="Too many messages", after="Buried in messages"),
             _edit("hide", exhibit="photo-2", reason="duplicate"),
             _edit("pin", exhibit="quote-1", after=0)]
    out = replay(_records(), edits)
    by_id = {r["id"]: r for r in out.records}
    assert by_id["photo-1"]["stage"] == "coaching"
    assert by_id["photo-1"]["curation"]["original"] == {"stage": "onboarding"}
    assert by_id["quote-1"]["title"] == "Buried in messages" and out.records[0]["id"] == "quote-1"
    assert by_id["photo-2"]["curation"]["hidden"]["reason"] == "duplicate"
    assert by_id["photo-2"]["curation"]["by"] == ["ana"]
    assert _records()[0]["stage"] == "onboarding"                                 # inputs untouched


def test_undo_and_undo_of_undo() -> None:
    hide = _edit("hide", exhibit="photo-1", reason="blurry")
    undo = _edit("undo", undoes=hide.id)
    assert "hidden" not in replay(_records(), [hide, undo]).records[0].get("curation", {})
    redo = _edit("undo", undoes=undo.id)
    kept, undone = standing([hide, undo, redo])
    assert kept == [hide] and undone == []


def test_merge_keeps_every_source_and_orphans_are_listed() -> None:
    merge = _edit("merge", exhibit="photo-1", after=["photo-2"])
    gone = _edit("hide", exhibit="photo-9", reason="old")
    out = replay(_records(), [merge, gone])
    by_id = {r["id"]: r for r in out.records}
    assert by_id["photo-1"]["merged"][0]["source"] == {"file": "photos/b.jpg"}
    assert by_id["photo-2"]["curation"]["merged_into"] == "photo-1"
    assert [o["edit"].id for o in out.orphans] == [gone.id] and "no longer in the run" in out.orphans[0]["why"]


def test_tags_create_rename_merge() -> None:
    edits = [_edit("tag_create", after="waiting"), _edit("tag_rename", before="fridge", after="kitchen"),
             _edit("tag_merge", before=["overload", "waiting"], after="too much")]
    out = replay(_records(), edits, tags=["fridge", "overload"])
    assert out.tags == ["kitchen", "too much"]
    assert {r["id"]: r["tags"] for r in out.records} == {"photo-1": ["kitchen"], "photo-2": [], "quote-1": ["too much"]}


def test_replay_is_deterministic(tmp_path: Path) -> None:
    path = tmp_path / journal.JOURNAL
    for e in (_edit("recode", exhibit="quote-1", field="valence", after=-1), _edit("hide", exhibit="photo-2", reason="x")):
        journal.append(path, e)
    one = json.dumps(replay(_records(), journal.read(path)).records, sort_keys=True)
    two = json.dumps(replay(_records(), journal.read(path)).records, sort_keys=True)
    assert one == two
