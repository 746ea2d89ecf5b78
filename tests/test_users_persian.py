"""Persian user names through ``cxkit users``: the ZWNJ is kept as typed, and a name typed on an
Arabic keyboard (Arabic yeh and kaf) or with a space for the ZWNJ is the same person."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kit.server.users import authenticate, load_users
from tests.test_users_cli import SECRET, cxkit

NAME = "علی\u200cرضا کاکایی"          # Persian yeh and kaf, a ZWNJ inside the first name


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "reports"


def add(monkeypatch: pytest.MonkeyPatch, out: Path, name: str):   # noqa: ANN201 - the helper's own Done
    return cxkit(monkeypatch, "users", "add", name, "--role", "participant", "--password-stdin", "--out", str(out),
                 input=SECRET + "\n")


def test_a_persian_name_keeps_its_zwnj(monkeypatch: pytest.MonkeyPatch, out: Path) -> None:
    done = add(monkeypatch, out, NAME)
    assert done.code == 0, done.stderr
    stored = json.loads((out / "users.json").read_text(encoding="utf-8"))
    assert [u["name"] for u in stored["users"]] == [NAME]
    assert [u.name for u in load_users(out / "users.json").values()] == [NAME]


@pytest.mark.parametrize("typed", ["علي\u200cرضا كاكايي", "علی رضا کاکایی", "علیرضا کاکایی"])
def test_the_same_name_typed_another_way_is_the_same_person(monkeypatch: pytest.MonkeyPatch, out: Path,
                                                            typed: str) -> None:
    assert add(monkeypatch, out, NAME).code == 0
    again = add(monkeypatch, out, typed)
    assert again.code == 2 and "already exists" in again.stderr
    user = authenticate(load_users(out / "users.json"), typed, SECRET)
    assert user is not None and user.name == NAME
