"""Who may log in to the team server: a JSON file of users beside the run folders.

The file (``reports/users.json`` by default) is written by ``cxkit users`` and read by the gate.
Passwords are kept only as argon2 hashes, the file is private to its owner (mode 0600) and
refused when others can read it, since a hash leaked is a password open to offline guessing.
Names are compared case-insensitively, so "Mina" and "mina" cannot be two people. No message
or log line ever holds a password or a hash.
"""

from __future__ import annotations

import json
import os
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kit.core.errors import UsersError
from kit.core.text import match_key
from kit.core.visitor import ROLES
from kit.workshop.fields import DEPARTMENTS

FILE_NAME = "users.json"
VERSION = 1
MAX_NAME, MAX_PROJECT = 64, 200
MIN_PASSWORD, MAX_PASSWORD = 8, 1024
NAME_PUNCTUATION = "._-@ "
ZWNJ = "\u200c"           # Persian and other scripts part letters with it inside a word (not Latin ones)
NAME_RULE = (f"1-{MAX_NAME} letters, digits, '.', '_', '-', '@' or spaces, beginning and ending "
             "with a letter or a digit")

_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    """One person who may log in. ``projects`` empty: every project; the hash never shows in a repr."""

    name: str
    role: str
    department: str = "other"
    projects: tuple[str, ...] = ()
    password_hash: str = field(default="", repr=False)
    created: str = ""

    @property
    def key(self) -> str:
        """The name as users are told apart: "Mina" and "mina" are the same user."""
        return name_key(self.name)


def users_file(reports_dir: Path) -> Path:
    """The users file of a reports folder: it sits beside the run folders it opens."""
    return Path(reports_dir) / FILE_NAME


def name_key(name: str) -> str:
    """A name as users are told apart, the key of the users dict: ``kit.core.text.match_key``, so case,
    Arabic or Persian yeh and kaf, and ZWNJ, space or nothing between parts do not make two people
    (nor a log-in fail for a name typed on another keyboard)."""
    return match_key(name)


def _allowed(text: str, i: int) -> bool:
    """Whether the i-th character may stand there: punctuation only inside, a combining mark not first."""
    ch, cat, inside = text[i], unicodedata.category(text[i]), 0 < i < len(text) - 1
    if cat[0] == "L" or cat == "Nd" or (cat[0] == "M" and i > 0):
        return True
    if ch == ZWNJ:
        return inside and all(unicodedata.category(c)[0] in "LM" and not c.isascii() for c in text[i - 1:i + 2:2])
    return inside and ch in NAME_PUNCTUATION


def clean_name(name: str) -> str:
    """A user name in NFC form, or UsersError naming the name and the rule it breaks.

    Letters of any script (with their combining marks) are allowed, so Persian or Greek names
    work; markup, slashes, quotes and control characters are not, as names show up in pages,
    logs and the signed visitor header.
    """
    text = unicodedata.normalize("NFC", name) if isinstance(name, str) else ""
    bad = dict.fromkeys(text[i] for i in range(len(text)) if not _allowed(text, i))
    if isinstance(name, str) and 1 <= len(text) <= MAX_NAME and not bad:
        return text
    why = f"it has {', '.join(map(repr, bad))} where a name may not" if bad else f"it has {len(text)} characters"
    shown = name[:MAX_NAME] + "..." if isinstance(name, str) and len(name) > 2 * MAX_NAME else name
    raise UsersError(f"user name {shown!r} is refused: {why}; allowed: {NAME_RULE}")


def _choice(kind: str, value: str, choices: tuple[str, ...]) -> str:
    """``value`` if it is one of ``choices``; the refusal lists them all."""
    if value not in choices:
        raise UsersError(f"{kind} {value!r} is not known; choose one of {', '.join(choices)}")
    return value


def check_role(role: str) -> str:
    """``role`` if it is one of ``ROLES`` (kit.core.visitor), else UsersError listing them."""
    return _choice("role", role, ROLES)


def check_department(department: str) -> str:
    """``department`` if it is one of the workshop's departments, else UsersError listing them."""
    return _choice("department", department, DEPARTMENTS)


def check_projects(projects: Iterable[str]) -> tuple[str, ...]:
    """Project names as a tuple without repeats; each must be non-empty text of at most 200 characters."""
    found: list[str] = []
    for p in (projects,) if isinstance(projects, str) else projects:
        if not isinstance(p, str) or not p.strip() or len(p) > MAX_PROJECT:
            raise UsersError(f"project name {p!r} is refused: give a non-empty name of at most "
                             f"{MAX_PROJECT} characters")
        if p not in found:
            found.append(p)
    return tuple(found)


def hash_password(password: str) -> str:
    """The argon2 hash of a password of 8 to 1024 characters (UsersError otherwise, without the password)."""
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        how = "too long" if isinstance(password, str) and len(password) > MAX_PASSWORD else "too short"
        raise UsersError(f"the password is {how}; give one of {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    """Whether ``password`` is the user's; False (never an exception) for a wrong one or a broken hash."""
    if not isinstance(password, str) or len(password) > MAX_PASSWORD:
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def authenticate(users: dict[str, User], name: str, password: str) -> User | None:
    """The user whose name and password these are, or None.

    An unknown name still costs one argon2 verification (against a throwaway hash), so the time a
    login takes does not tell anybody which names exist.
    """
    dummy = _dummy_hash()          # made before the look-up, so the first login of each kind costs the same
    user = users.get(name_key(name)) if isinstance(name, str) else None
    if user is None:
        check_password(User(name="", role=ROLES[0], password_hash=dummy), password)
        return None
    return user if check_password(user, password) else None


def _user_from(entry: object, where: str) -> User:
    """One entry of the file's "users" list, checked; ``where`` names it in messages (no hashes)."""
    if not isinstance(entry, dict):
        raise UsersError(f"{where} is not an object with name, role, department, projects, password, created")
    try:
        name = clean_name(entry.get("name"))  # type: ignore[arg-type]
        role = check_role(entry.get("role"))  # type: ignore[arg-type]
        department = check_department(entry.get("department", "other"))
        projects = entry.get("projects", [])
        if not isinstance(projects, list):
            raise UsersError("projects must be a list of project names (empty: every project)")
        projects = check_projects(projects)
    except UsersError as exc:
        raise UsersError(f"{where}: {exc}") from None
    hashed, created = entry.get("password"), entry.get("created", "")
    if not isinstance(hashed, str) or not hashed.startswith("$argon2"):
        raise UsersError(f"{where} ({name}): the password is not an argon2 hash; "
                         f"set one with: cxkit users passwd {name!r}")
    if not isinstance(created, str):
        raise UsersError(f"{where} ({name}): created must be an ISO time as text")
    return User(name, role, department, projects, hashed, created)


def load_users(path: Path) -> dict[str, User]:
    """The users of a file, keyed by ``name_key``; a missing file has none.

    A file that others on the machine may read is refused rather than used: the hashes in it
    would be open to offline guessing, and a warning in a log is easily missed.
    """
    path = Path(path)
    if not path.exists():
        return {}
    st = path.stat()
    if not path.is_file():
        raise UsersError(f"{path} is not a file; give the users file (a JSON file) with --users")
    if os.name == "posix" and st.st_mode & 0o077:
        raise UsersError(f"{path} can be read by other users of this machine (mode {st.st_mode & 0o777:o}); "
                         f"make it private with: chmod 600 {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:       # not UTF-8, or not JSON: say where, never what (it holds hashes)
        at = f" (line {exc.lineno}, column {exc.colno}: {exc.msg})" if isinstance(exc, json.JSONDecodeError) else ""
        raise UsersError(f"{path} is not valid JSON{at}; fix it, or remove it and add the users again") from None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("users"), list):
        raise UsersError(f"{path} is not a users file: expected an object with \"version\": {VERSION} "
                         "and a \"users\" list")
    users: dict[str, User] = {}
    for i, entry in enumerate(data["users"], start=1):
        user = _user_from(entry, f"{path}, user {i}")
        if user.key in users:
            raise UsersError(f"{path}, user {i}: {user.name!r} is there twice (names are compared "
                             "without regard to case); remove one of them")
        users[user.key] = user
    return users


def save_users(path: Path, users: dict[str, User] | Iterable[User]) -> None:
    """Write the users file atomically with mode 0600, creating its folder if need be.

    The content goes to a private temporary file in the same folder, flushed to disk, then renamed
    over the old file: the gate never reads half a file, and a crash leaves the old users or the new.
    """
    path = Path(path)
    text = json.dumps({"version": VERSION, "users": [
        {"name": u.name, "role": u.role, "department": u.department, "projects": list(u.projects),
         "password": u.password_hash, "created": u.created}
        for u in (users.values() if isinstance(users, dict) else users)]}, ensure_ascii=False, indent=2) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if os.name == "posix":        # the rename itself survives a power cut only once the folder is synced
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def find_user(path: Path, name: str) -> User:
    """The user of that name in the file, or UsersError pointing to ``cxkit users list``."""
    user = load_users(path).get(name_key(name))
    if user is None:
        raise UsersError(f"there is no user {name!r} in {path}; see who there is with: cxkit users list")
    return user


def check_new_user(path: Path, name: str, role: str, department: str = "other",
                   projects: Iterable[str] = ()) -> User:
    """The user ``add_user`` would add, without its password: a bad role is refused before one is asked for."""
    user = User(clean_name(name), check_role(role), check_department(department), check_projects(projects),
                created=_now())
    if (old := load_users(path).get(user.key)) is not None:
        raise UsersError(f"user {old.name!r} already exists in {path}; change the password with "
                         f"cxkit users passwd {old.name!r}, or remove the user with cxkit users remove first")
    return user


def _put(path: Path, user: User, *, drop: bool = False) -> User:
    """Store ``user`` in the file (or take it out, ``drop``), keeping everybody else as they are."""
    users = load_users(path)
    if drop:
        del users[user.key]
    else:
        users[user.key] = user
    save_users(path, users)
    return user


def add_user(path: Path, name: str, role: str, password: str, department: str = "other",
             projects: Iterable[str] = ()) -> User:
    """Add a user to the file (created if missing); an existing name, in any case, is refused."""
    user = check_new_user(path, name, role, department, projects)
    return _put(path, replace(user, password_hash=hash_password(password)))


def remove_user(path: Path, name: str) -> User:
    """Take a user out of the file; returns who was removed."""
    return _put(path, find_user(path, name), drop=True)


def set_password(path: Path, name: str, password: str) -> User:
    """Give a user a new password (hashed afresh, so with the hasher's current parameters)."""
    return _put(path, replace(find_user(path, name), password_hash=hash_password(password)))


def list_users(path: Path) -> list[User]:
    """The users of the file, sorted by name (case-insensitively)."""
    return sorted(load_users(path).values(), key=lambda u: u.key)
