"""``cxkit users add/list/remove/passwd``: the users file of the team server from the command line.

Commands run through ``kit.cli.main`` (the entry point a user runs), inside typer's CliRunner
isolation, so exit codes and messages are the ones a user sees.
"""

from __future__ import annotations

import json
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kit.core.paths
from kit.cli import main
from kit.server.users import authenticate, load_users

SECRET = "correct horse battery"


@dataclass
class Done:
    code: int
    stdout: str
    stderr: str


def cxkit(monkeypatch: pytest.MonkeyPatch, *args: str, input: str | None = None, tty: bool = False) -> Done:
    monkeypatch.setattr(sys, "argv", ["cxkit", *args])
    with CliRunner().isolation(input=input) as (stdout, stderr, _):
        if tty:
            sys.stdin.isatty = lambda: True  # type: ignore[method-assign]
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        return Done(code, stdout.getvalue().decode(), stderr.getvalue().decode())


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "reports"


def test_add_list_passwd_remove_round_trip(monkeypatch: pytest.MonkeyPatch, out: Path) -> None:
    done = cxkit(monkeypatch, "users", "add", "Mina", "--role", "analyst", "--department", "design",
                 "--project", "Q3 survey", "--project", "Onboarding", "--password-stdin", "--out", str(out),
                 input=SECRET + "\n")
    assert done.code == 0, done.stderr
    file = out / "users.json"
    assert f"added Mina (analyst, design) to {file}" in done.stdout
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert authenticate(load_users(file), "mina", SECRET) is not None   # only the line break was dropped

    done = cxkit(monkeypatch, "users", "add", "مینا", "--role", "viewer", "--password-stdin", "--out", str(out),
                 input="another secret\n")
    assert done.code == 0, done.stderr

    listed = cxkit(monkeypatch, "users", "list", "--out", str(out))
    assert listed.code == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["Mina", "analyst", "design", "Q3", "survey,", "Onboarding"]
    assert lines[1].split() == ["مینا", "viewer", "other", "all", "projects"]
    assert "argon2" not in listed.stdout + listed.stderr

    done = cxkit(monkeypatch, "users", "passwd", "MINA", "--password-stdin", "--out", str(out), input="a new password\n")
    assert done.code == 0, done.stderr
    assert authenticate(load_users(file), "Mina", SECRET) is None
    assert authenticate(load_users(file), "Mina", "a new password") is not None

    done = cxkit(monkeypatch, "users", "remove", "mina", "--out", str(out))
    assert done.code == 0 and "removed Mina" in done.stdout
    assert [u.name for u in load_users(file).values()] == ["مینا"]
    assert "argon2" not in "".join(cxkit(monkeypatch, "users", "list", "--out", str(out)).stdout)


def test_password_keeps_its_spaces_and_only_loses_the_line_break(monkeypatch: pytest.MonkeyPatch, out: Path) -> None:
    done = cxkit(monkeypatch, "users", "add", "Mina", "--role", "viewer", "--password-stdin", "--out", str(out),
                 input="  spaced out  \nsecond line\n")
    assert done.code == 0, done.stderr
    known = load_users(out / "users.json")
    assert authenticate(known, "Mina", "  spaced out  ") is not None
    assert authenticate(known, "Mina", "spaced out") is None
    assert "spaced out" not in (out / "users.json").read_text()


def test_bad_role_exits_2_with_the_choices(monkeypatch: pytest.MonkeyPatch, out: Path) -> None:
    done = cxkit(monkeypatch, "users", "add", "Mina", "--role", "admin", "--password-stdin", "--out", str(out),
                 input=SECRET + "\n")
    assert done.code == 2
    assert "role 'admin'" in done.stderr and "viewer, participant, analyst, facilitator" in done.stderr
    assert "Traceback" not in done.stderr and not (out / "users.json").exists()


def test_bad_department_and_name_exit_2(monkeypatch: pytest.MonkeyPatch, out: Path) -> None:
    done = cxkit(monkeypatch, "users", "add", "Mina", "--role", "viewer", "--department", "sales", "--password-stdin",
                 "--out", str(out), input=SECRET + "\n")
    assert done.code == 2 and "design, engineering, business, other" in done.stderr
    done = cxkit(monkeypatch, "users", "add", "<script>", "--role", "viewer", "--password-stdin", "--out", str(out),
                 input=SECRET + "\n")
    assert done.code == 2 and "'<script>'" in done.stderr


def test_a_short_password_exits_2_without_echoing_it(monkeypatch: pytest.MonkeyPatch, out: Path) -> None:
    done = cxkit(monkeypatch, "users", "add", "Mina", "--role", "viewer", "--password-stdin", "--out", str(out),
                 input="Zq7#\n")
    assert done.code == 2 and "8 to 1024 characters" in done.stderr and "Zq7#" not in done.stdout + done.stderr


def test_a_name_taken_in_another_case_exits_2(monkeypatch: pytest.MonkeyPatch, out: Path) -> None:
    for name in ("Mina", "MINA"):
        done = cxkit(monkeypatch, "users", "add", name, "--role", "viewer", "--password-stdin", "--out", str(out),
                     input=SECRET + "\n")
    assert done.code == 2 and "already exists" in done.stderr and "cxkit users passwd" in done.stderr


def test_without_a_terminal_or_password_stdin_exits_2(monkeypatch: pytest.MonkeyPatch, out: Path) -> None:
    done = cxkit(monkeypatch, "users", "add", "Mina", "--role", "viewer", "--out", str(out), input=SECRET + "\n")
    assert done.code == 2 and "--password-stdin" in done.stderr
    assert not (out / "users.json").exists()


def test_in_a_terminal_the_password_is_asked_twice(monkeypatch: pytest.MonkeyPatch, out: Path) -> None:
    done = cxkit(monkeypatch, "users", "add", "Mina", "--role", "viewer", "--out", str(out),
                 input=f"{SECRET}\n{SECRET}\n", tty=True)
    assert done.code == 0, done.stderr
    assert "Password: " in done.stdout and "Repeat for confirmation: " in done.stdout and SECRET not in done.stdout
    assert authenticate(load_users(out / "users.json"), "Mina", SECRET) is not None


def test_unknown_user_exits_2_and_points_to_the_list(monkeypatch: pytest.MonkeyPatch, out: Path) -> None:
    cxkit(monkeypatch, "users", "add", "Mina", "--role", "viewer", "--password-stdin", "--out", str(out),
          input=SECRET + "\n")
    for args in (("remove", "Reza"), ("passwd", "Reza", "--password-stdin")):
        done = cxkit(monkeypatch, "users", *args, "--out", str(out), input=SECRET + "\n")
        assert done.code == 2 and "no user 'Reza'" in done.stderr and "cxkit users list" in done.stderr


def test_default_file_is_users_json_in_the_reports_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(kit.core.paths, "REPORTS_DIR", tmp_path / "default-reports")
    done = cxkit(monkeypatch, "users", "add", "Mina", "--role", "viewer", "--password-stdin", input=SECRET + "\n")
    assert done.code == 0, done.stderr
    assert (tmp_path / "default-reports" / "users.json").is_file()
    assert "Mina" in cxkit(monkeypatch, "users", "list").stdout


def test_users_option_names_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    file = tmp_path / "team" / "people.json"
    done = cxkit(monkeypatch, "users", "add", "Mina", "--role", "facilitator", "--password-stdin", "--users", str(file),
                 "--out", str(tmp_path / "ignored"), input=SECRET + "\n")
    assert done.code == 0, done.stderr
    assert json.loads(file.read_text())["users"][0]["role"] == "facilitator"
    assert not (tmp_path / "ignored").exists()


def test_empty_list_says_how_to_add(monkeypatch: pytest.MonkeyPatch, out: Path) -> None:
    done = cxkit(monkeypatch, "users", "list", "--out", str(out))
    assert done.code == 0 and "cxkit users add NAME --role ROLE" in done.stdout


def test_a_readable_file_exits_2_with_the_chmod(monkeypatch: pytest.MonkeyPatch, out: Path) -> None:
    cxkit(monkeypatch, "users", "add", "Mina", "--role", "viewer", "--password-stdin", "--out", str(out),
          input=SECRET + "\n")
    (out / "users.json").chmod(0o644)
    done = cxkit(monkeypatch, "users", "list", "--out", str(out))
    assert done.code == 2 and f"chmod 600 {out / 'users.json'}" in done.stderr
