"""``cxkit users add|list|remove|passwd``: who may log in to the team server."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

# ---- cxkit users ...: who may log in to the team server ----
users_app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                        help="Add, list or remove the people who may log in to cxkit serve. They are kept in "
                             "users.json beside the run folders, passwords only as argon2 hashes.")
UsersFile = Annotated[Path | None, typer.Option("--users", metavar="FILE",
                                                help="users file [default: users.json in the reports folder]")]
ReportsDir = Annotated[Path | None, typer.Option("--out", metavar="DIR", help="reports folder [default: reports/]")]
UserName = Annotated[str, typer.Argument(metavar="NAME", help="login name (compared without regard to case)")]
PasswordStdin = Annotated[bool, typer.Option("--password-stdin",
                                             help="read the password from the first line of standard input")]


def _users_path(users: Path | None, out_dir: Path | None) -> Path:
    """The users file: --users, else users.json in the reports folder (--out, as for cxkit run)."""
    from kit.core.paths import REPORTS_DIR, locate
    from kit.server.users import users_file
    return locate(users) if users else users_file(locate(out_dir) if out_dir else REPORTS_DIR)


def _password(from_stdin: bool) -> str:
    """One line of standard input (its line break dropped), or asked twice, unseen, in a terminal."""
    from kit.core.errors import UsersError
    if from_stdin:
        line = sys.stdin.readline()
        return line.removesuffix("\n").removesuffix("\r")
    if sys.stdin.isatty():
        return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    raise UsersError("no password given: send it on standard input with --password-stdin, "
                     "or run the command in a terminal to be asked for it")


@users_app.command("add")
def users_add(name: UserName,
              role: Annotated[str, typer.Option(metavar="ROLE", help="viewer, participant, analyst or facilitator")],
              department: Annotated[str, typer.Option(metavar="DEPT", help="design, engineering, business or other")]
              = "other",
              project: Annotated[list[str] | None, typer.Option("--project", metavar="NAME", help="a project the user "
                                                                "may open (repeatable) [default: all projects]")] = None,
              password_stdin: PasswordStdin = False, users: UsersFile = None, out_dir: ReportsDir = None) -> None:
    """Add a user who may log in to cxkit serve."""
    from kit.server import users as store
    path = _users_path(users, out_dir)
    store.check_new_user(path, name, role, department, project or ())
    user = store.add_user(path, name, role, _password(password_stdin), department, project or ())
    typer.echo(f"added {user.name} ({user.role}, {user.department}) to {path}")


@users_app.command("list")
def users_list(users: UsersFile = None, out_dir: ReportsDir = None) -> None:
    """List the users: name, role, department and the projects they may open."""
    from kit.server.users import list_users
    path = _users_path(users, out_dir)
    found = list_users(path)
    if not found:
        typer.echo(f"no users in {path}; add one with: cxkit users add NAME --role ROLE")
        return
    width = max(len(u.name) for u in found)
    for u in found:
        typer.echo(f"{u.name:<{width}}  {u.role:<11}  {u.department:<11}  {', '.join(u.projects) or 'all projects'}")


@users_app.command("remove")
def users_remove(name: UserName, users: UsersFile = None, out_dir: ReportsDir = None) -> None:
    """Remove a user; they cannot log in any more."""
    from kit.server.users import remove_user
    path = _users_path(users, out_dir)
    typer.echo(f"removed {remove_user(path, name).name} from {path}")


@users_app.command("passwd")
def users_passwd(name: UserName, password_stdin: PasswordStdin = False, users: UsersFile = None,
                 out_dir: ReportsDir = None) -> None:
    """Set a new password for a user."""
    from kit.server.users import find_user, set_password
    path = _users_path(users, out_dir)
    find_user(path, name)
    typer.echo(f"changed the password of {set_password(path, name, _password(password_stdin)).name} in {path}")
