"""The team server's users file: argon2 hashes only, private to its owner, names told apart without case."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from kit.core.errors import KitError, UsersError
from kit.server import users
from kit.server.users import (
    User,
    add_user,
    authenticate,
    check_password,
    clean_name,
    list_users,
    load_users,
    remove_user,
    save_users,
    set_password,
    users_file,
)

SECRET = "correct horse battery"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return users_file(tmp_path / "reports")


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_users_file_sits_beside_the_run_folders(tmp_path: Path) -> None:
    assert users_file(tmp_path) == tmp_path / "users.json"


def test_error_is_a_user_fixable_kit_error() -> None:
    assert issubclass(UsersError, KitError) and issubclass(UsersError, ValueError)
    assert UsersError.exit_code == 2


def test_add_keeps_only_an_argon2_hash_and_checks_the_password(path: Path) -> None:
    user = add_user(path, "Mina", "analyst", SECRET, department="design", projects=["Q3 survey"])
    assert user.password_hash.startswith("$argon2id$")
    assert check_password(user, SECRET) and not check_password(user, SECRET + "!")
    assert not check_password(user, "") and not check_password(user, "x" * 5000)
    text = path.read_text(encoding="utf-8")
    assert SECRET not in text
    data = json.loads(text)
    assert data["version"] == 1
    assert data["users"][0] == {"name": "Mina", "role": "analyst", "department": "design", "projects": ["Q3 survey"],
                                "password": user.password_hash, "created": user.created}
    assert load_users(path) == {"mina": user}


def test_a_broken_hash_is_a_wrong_password_not_an_exception() -> None:
    assert not check_password(User("Mina", "viewer", password_hash="$argon2id$broken"), SECRET)
    assert not check_password(User("Mina", "viewer", password_hash=""), SECRET)


def test_the_hash_never_shows_in_a_repr(path: Path) -> None:
    user = add_user(path, "Mina", "viewer", SECRET)
    assert "argon2" not in repr(user) and "argon2" not in str(list_users(path))


def test_saved_file_is_private_and_its_folder_is_made(path: Path) -> None:
    assert not path.parent.exists()
    add_user(path, "Mina", "viewer", SECRET)
    assert mode(path) == 0o600
    os.chmod(path, 0o600)
    set_password(path, "Mina", "another secret")
    assert mode(path) == 0o600


def test_saving_replaces_the_file_and_leaves_no_temporary_files(path: Path) -> None:
    add_user(path, "Mina", "viewer", SECRET)
    add_user(path, "Reza", "participant", SECRET)
    remove_user(path, "reza")
    assert sorted(p.name for p in path.parent.iterdir()) == ["users.json"]


def test_a_failed_replace_keeps_the_old_file_and_no_temporary_one(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add_user(path, "Mina", "viewer", SECRET)
    before = path.read_bytes()

    def broken(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(users.os, "replace", broken)
    with pytest.raises(OSError):
        add_user(path, "Reza", "viewer", SECRET)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["users.json"]


def test_missing_file_has_no_users(path: Path) -> None:
    assert load_users(path) == {} and list_users(path) == []


def test_bad_json_names_the_file_and_the_place(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text('{"version": 1, "users": [', encoding="utf-8")
    path.chmod(0o600)
    with pytest.raises(UsersError, match="not valid JSON") as caught:
        load_users(path)
    assert str(path) in str(caught.value) and "line 1" in str(caught.value)


@pytest.mark.parametrize(("content", "expected"), [
    ([], "expected an object"),
    ({"version": 2, "users": []}, '"version": 1'),
    ({"version": 1, "users": {}}, '"users" list'),
    ({"version": 1, "users": ["Mina"]}, "user 1 is not an object"),
    ({"version": 1, "users": [{"name": "Mina", "role": "boss", "password": "$argon2id$x"}]}, "role 'boss'"),
    ({"version": 1, "users": [{"name": "Mina", "role": "viewer", "projects": "all", "password": "$argon2id$x"}]},
     "projects must be a list"),
])
def test_wrong_shape_names_the_file_and_what_is_wrong(path: Path, content: object, expected: str) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(content), encoding="utf-8")
    path.chmod(0o600)
    with pytest.raises(UsersError, match=expected) as caught:
        load_users(path)
    assert str(caught.value).startswith(str(path))


def test_a_clear_password_in_the_file_is_refused_without_showing_it(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 1, "users": [{"name": "Mina", "role": "viewer", "password": SECRET}]}))
    path.chmod(0o600)
    with pytest.raises(UsersError, match="not an argon2 hash") as caught:
        load_users(path)
    assert SECRET not in str(caught.value) and "cxkit users passwd" in str(caught.value)


def test_the_same_name_twice_in_the_file_is_refused(path: Path) -> None:
    add_user(path, "Mina", "viewer", SECRET)
    data = json.loads(path.read_text())
    data["users"].append({**data["users"][0], "name": "MINA"})
    path.write_text(json.dumps(data))
    with pytest.raises(UsersError, match="twice"):
        load_users(path)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("loose", [0o640, 0o604, 0o660], ids=oct)
def test_a_file_others_can_read_is_refused(path: Path, loose: int) -> None:
    add_user(path, "Mina", "viewer", SECRET)
    path.chmod(loose)
    with pytest.raises(UsersError, match=f"chmod 600 {path}"):
        load_users(path)
    with pytest.raises(UsersError, match="chmod 600"):
        add_user(path, "Reza", "viewer", SECRET)


@pytest.mark.parametrize("name", ["Mina", "مینا رضایی", "علی\u200cرضا", "mina.rezaei@example.org", "J. Doe-Smith_2",
                                  "Ζωή", "a"])
def test_names_of_any_script_are_accepted(name: str) -> None:
    assert clean_name(name) == name


def test_names_are_kept_in_nfc() -> None:
    assert clean_name("Rene\u0301") == "Ren\u00e9"


@pytest.mark.parametrize("name", ["../x", "<script>", "a/b", " mina", "mina ", ".mina", "mina.", "", "a" * 65,
                                  "mi\nna", "mi\u200cna", "\u200cمینا", "x'y", 'x"y', "\u0301a"])
def test_other_names_are_refused_naming_the_name_and_the_rule(name: str) -> None:
    with pytest.raises(UsersError) as caught:
        clean_name(name)
    assert repr(name) in str(caught.value) and "letters, digits" in str(caught.value)


def test_names_differing_only_in_case_are_the_same_user(path: Path) -> None:
    add_user(path, "Mina", "viewer", SECRET)
    with pytest.raises(UsersError, match="already exists") as caught:
        add_user(path, "mina", "analyst", SECRET)
    assert "cxkit users passwd" in str(caught.value) and "remove" in str(caught.value)
    add_user(path, "Ren\u00e9", "viewer", SECRET)
    with pytest.raises(UsersError, match="already exists"):
        add_user(path, "RENE\u0301", "viewer", SECRET)        # decomposed and upper case: still René
    assert [u.name for u in list_users(path)] == ["Mina", "René"]


@pytest.mark.parametrize(("kwargs", "choices"), [
    ({"role": "admin"}, "viewer, participant, analyst, facilitator"),
    ({"role": "viewer", "department": "sales"}, "design, engineering, business, other"),
])
def test_role_and_department_are_refused_with_the_choices(path: Path, kwargs: dict[str, str], choices: str) -> None:
    with pytest.raises(UsersError, match=choices):
        add_user(path, "Mina", password=SECRET, **kwargs)  # type: ignore[arg-type]
    assert not path.exists()


@pytest.mark.parametrize("project", ["", "   ", "p" * 201])
def test_project_names_must_be_short_text(path: Path, project: str) -> None:
    with pytest.raises(UsersError, match="project name"):
        add_user(path, "Mina", "viewer", SECRET, projects=[project])


def test_projects_are_kept_once_each(path: Path) -> None:
    assert add_user(path, "Mina", "viewer", SECRET, projects=["a", "b", "a"]).projects == ("a", "b")


@pytest.mark.parametrize("password", ["", "Zq7#", "x" * 1025])
def test_passwords_out_of_bounds_are_refused_without_being_shown(path: Path, password: str) -> None:
    with pytest.raises(UsersError, match="8 to 1024 characters") as caught:
        add_user(path, "Mina", "viewer", password)
    assert (password or "\0") not in str(caught.value)
    assert not path.exists()


def test_authenticate_lets_only_the_right_password_in(path: Path) -> None:
    add_user(path, "Mina", "analyst", SECRET)
    known = load_users(path)
    assert authenticate(known, "Mina", SECRET) == known["mina"]
    assert authenticate(known, "MINA", SECRET) == known["mina"]
    assert authenticate(known, "Mina", "wrong password") is None
    assert authenticate(known, "Nobody", SECRET) is None
    assert authenticate(known, "../x", SECRET) is None
    assert authenticate({}, "Mina", SECRET) is None


def test_an_unknown_name_costs_a_verification_too(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add_user(path, "Mina", "analyst", SECRET)
    known = load_users(path)
    checked: list[str] = []
    real = users.check_password

    def spy(user: User, password: str) -> bool:
        checked.append(user.password_hash[:9])
        return real(user, password)

    monkeypatch.setattr(users, "check_password", spy)
    assert authenticate(known, "Nobody", SECRET) is None
    assert authenticate(known, "Mina", "wrong password") is None
    assert checked == ["$argon2id", "$argon2id"]


def test_set_password_replaces_the_old_one(path: Path) -> None:
    old = add_user(path, "Mina", "analyst", SECRET)
    new = set_password(path, "mina", "a new password")
    assert new.created == old.created and new.password_hash != old.password_hash
    known = load_users(path)
    assert authenticate(known, "Mina", SECRET) is None
    assert authenticate(known, "Mina", "a new password") == new


def test_unknown_user_points_to_the_list(path: Path) -> None:
    add_user(path, "Mina", "viewer", SECRET)
    for action in (lambda: remove_user(path, "Reza"), lambda: set_password(path, "Reza", SECRET)):
        with pytest.raises(UsersError, match="cxkit users list") as caught:
            action()
        assert "Mina" not in str(caught.value) and "argon2" not in str(caught.value)


def test_no_message_ever_holds_a_password_or_a_hash(path: Path) -> None:
    user = add_user(path, "Mina", "viewer", SECRET)
    messages = []
    for attempt in (lambda: add_user(path, "mina", "viewer", SECRET), lambda: add_user(path, "Reza", "boss", SECRET),
                    lambda: set_password(path, "Reza", SECRET), lambda: add_user(path, "<b>", "viewer", SECRET)):
        with pytest.raises(UsersError) as caught:
            attempt()
        messages.append(str(caught.value))
    for m in messages:
        assert SECRET not in m and user.password_hash not in m and "argon2id" not in m


def test_save_accepts_a_list_of_users(path: Path) -> None:
    user = User("Mina", "viewer", password_hash=users.hash_password(SECRET), created="2026-01-01T00:00:00+00:00")
    save_users(path, [user])
    assert load_users(path) == {"mina": user}
