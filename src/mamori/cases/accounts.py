"""Users and API tokens of the web app, kept in the registry's database.

Passwords are stored only as argon2id hashes (argon2-cffi, in the ``web`` extra); API tokens only
as their SHA-256, so a copy of the database lets nobody sign in. The store's methods
(:meth:`mamori.cases.CaseStore.add_user` …) call these functions inside a transaction.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mamori.cases.models import ROLES, api_tokens, users
from mamori.errors import DuplicateError, InputError, MissingExtraError
from mamori.pii import contains_mynumber, mask

__all__ = ["ApiToken", "User", "add_user", "check_password", "check_user", "create_token", "find_token",
           "find_user", "list_tokens", "list_users", "revoke_token", "set_password_hash", "touch_token"]

_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024
TOKEN_PREFIX = "mamori_"
LAST_USED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class User:
    """A web-app account; the password hash stays in the database."""

    id: int
    username: str
    role: str
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "username": self.username, "role": self.role,
                "created_at": self.created_at.isoformat()}


@dataclass(frozen=True, slots=True)
class ApiToken:
    """An API token's record; the token itself is shown once, at creation."""

    id: int
    name: str
    created_at: datetime
    last_used: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "created_at": self.created_at.isoformat(),
                "last_used": self.last_used.isoformat() if self.last_used else None}


def utc(value: datetime | None) -> datetime | None:
    """A datetime read back from the database, as aware UTC (SQLite returns it naive)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@functools.cache
def _hasher() -> Any:
    try:
        from argon2 import PasswordHasher
    except ModuleNotFoundError:
        raise MissingExtraError("user accounts (argon2-cffi)", "web") from None
    return PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    return str(_hasher().hash(secrets.token_hex(16)))


def _user(row: Any) -> User:
    return User(id=row.id, username=row.username, role=row.role, created_at=utc(row.created_at) or row.created_at)


def check_user(username: str, password: str, role: str) -> str:
    """Validate a new user's fields and return the password's argon2 hash (slow on purpose:
    call it outside any transaction).

    Raises:
        InputError: a malformed username, a short password or an unknown role.
    """
    if not isinstance(username, str) or not _USERNAME.fullmatch(username) or contains_mynumber(username):
        raise InputError("a username is 1-64 letters, digits and _ . @ -, starting with a letter or digit")
    if not isinstance(password, str) or not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        raise InputError(f"a password needs {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters")
    if role not in ROLES:
        raise InputError(f"unknown role {mask(str(role))[:20]!r}; expected one of: {', '.join(ROLES)}")
    return str(_hasher().hash(password))


def add_user(connection: Connection, username: str, password_hash: str, role: str) -> User:
    """Store a user checked by :func:`check_user`.

    Raises:
        DuplicateError: the username is taken.
    """
    if connection.execute(sa.select(users.c.id).where(users.c.username == username)).first():
        raise DuplicateError(f"the user {username!r} already exists")
    now = datetime.now(UTC)
    key = connection.execute(users.insert().values(
        username=username, password_hash=password_hash, role=role, created_at=now)).inserted_primary_key
    return User(id=int(key[0]) if key else 0, username=username, role=role, created_at=now)


def find_user(connection: Connection, username: str) -> Any:
    """The user's row (with its hash), or ``None``."""
    if not isinstance(username, str) or not _USERNAME.fullmatch(username):
        return None
    return connection.execute(sa.select(users).where(users.c.username == username)).first()


def check_password(row: Any, password: str) -> tuple[User | None, str | None]:
    """``(user, new_hash)``: the user if ``password`` is theirs, and a fresh hash when the stored
    one uses outdated parameters. Unknown users (``row`` is ``None``) take as long to refuse."""
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = _hasher()
    if not isinstance(password, str) or len(password) > MAX_PASSWORD_CHARS:
        return None, None
    try:
        hasher.verify(row.password_hash if row is not None else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None, None
    if row is None:
        return None, None
    new_hash = str(hasher.hash(password)) if hasher.check_needs_rehash(row.password_hash) else None
    return _user(row), new_hash


def set_password_hash(connection: Connection, user_id: int, password_hash: str) -> None:
    connection.execute(users.update().where(users.c.id == user_id).values(password_hash=password_hash))


def list_users(connection: Connection) -> list[User]:
    return [_user(r) for r in connection.execute(sa.select(users).order_by(users.c.username))]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(connection: Connection, name: str) -> str:
    """Create an API token named ``name`` and return it; only its SHA-256 is stored.

    Raises:
        InputError: an empty or overlong name.
        DuplicateError: a token with that name exists.
    """
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise InputError("a token name is 1-100 characters, e.g. the system that will use it")
    name = mask(name.strip())
    if connection.execute(sa.select(api_tokens.c.id).where(api_tokens.c.name == name)).first():
        raise DuplicateError(f"a token named {name!r} already exists; revoke it or choose another name")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    connection.execute(api_tokens.insert().values(name=name, token_hash=_digest(token), created_at=datetime.now(UTC)))
    return token


def find_token(connection: Connection, token: str) -> tuple[int, bool] | None:
    """``(id, stale)`` of a live API token, ``None`` for an unknown one; ``stale`` says its
    ``last_used`` is over a minute old and should be :func:`touch_token`-ed."""
    if not isinstance(token, str) or not token or len(token) > 512:
        return None
    row = connection.execute(sa.select(api_tokens.c.id, api_tokens.c.last_used)
                             .where(api_tokens.c.token_hash == _digest(token))).first()
    if row is None:
        return None
    last = utc(row.last_used)
    return row.id, last is None or datetime.now(UTC) - last >= LAST_USED_EVERY


def touch_token(connection: Connection, token_id: int) -> None:
    connection.execute(api_tokens.update().where(api_tokens.c.id == token_id).values(last_used=datetime.now(UTC)))


def list_tokens(connection: Connection) -> list[ApiToken]:
    return [ApiToken(id=r.id, name=r.name, created_at=utc(r.created_at) or r.created_at, last_used=utc(r.last_used))
            for r in connection.execute(sa.select(api_tokens).order_by(api_tokens.c.name))]


def revoke_token(connection: Connection, name: str) -> bool:
    """Delete the token named ``name``; whether there was one."""
    return bool(connection.execute(api_tokens.delete().where(api_tokens.c.name == name)).rowcount)
