"""Who may do what: counselor sessions, CSRF tokens on every form, API bearer tokens.

* Sessions are Starlette's signed cookie (HttpOnly, SameSite=Lax, ``Secure`` behind HTTPS). A
  login replaces the whole session, so a session fixed before login is worth nothing.
* Every counselor form carries ``csrf_token``, bound to the session and compared in constant time;
  a post whose ``Origin`` is another site is refused as well.
* The API takes ``Authorization: Bearer <token>`` (``mamori tokens create``); the store keeps only
  a hash of each token.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from mamori.errors import AuthenticationError, CsrfError, PermissionDeniedError

__all__ = [
    "ROLES",
    "SessionUser",
    "csrf_token",
    "current_user",
    "log_in",
    "log_out",
    "require_admin",
    "require_counselor",
    "require_token",
    "safe_next",
    "verify_csrf",
    "LoginThrottle",
]

ROLES = ("admin", "counselor")
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True, slots=True)
class SessionUser:
    """The signed-in user, as the session remembers them."""

    username: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _session(request: Request) -> dict[str, Any] | None:
    return request.scope.get("session")


def current_user(request: Request) -> SessionUser | None:
    """The signed-in user, or None. Reading does not create a session."""
    session = _session(request)
    if not session:
        return None
    name, role, expires = session.get("user"), session.get("role"), session.get("expires", 0)
    if not isinstance(name, str) or role not in ROLES or not isinstance(expires, int | float):
        return None
    if expires < time.time():
        return None
    return SessionUser(name, role)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    session = request.session
    token = session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def verify_csrf(request: Request, sent: object) -> None:
    """Raise CsrfError unless ``sent`` is this session's token and the post comes from this site."""
    origin = request.headers.get("origin")
    if origin and origin != "null":
        parts = urlsplit(origin)
        if parts.netloc != request.headers.get("host", ""):
            raise CsrfError("the form was posted from another site")
    session = _session(request) or {}
    expected = session.get("csrf")
    if not isinstance(sent, str) or not isinstance(expected, str) or not sent:
        raise CsrfError("the form has no CSRF token; reload the page and submit it again")
    if not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfError("the form's CSRF token does not belong to this session; reload the page")


def log_in(request: Request, username: str, role: str, max_age: int) -> None:
    """Start a fresh session for ``username`` (drops everything the old session held)."""
    session = request.session
    session.clear()
    session.update(user=username, role=role, expires=int(time.time()) + max_age, csrf=secrets.token_urlsafe(32))


def log_out(request: Request) -> None:
    request.session.clear()


def require_counselor(request: Request) -> SessionUser:
    """Dependency: a signed-in counselor or admin (pages redirect to the login form)."""
    user = current_user(request)
    if user is None:
        raise AuthenticationError("sign in to use the counselor area")
    return user


def require_admin(request: Request) -> SessionUser:
    """Dependency: a signed-in admin."""
    user = require_counselor(request)
    if not user.is_admin:
        raise PermissionDeniedError("only an admin may do this")
    return user


_bearer = HTTPBearer(auto_error=False, scheme_name="token",
                     description="an API token from `mamori tokens create NAME`")


def require_token(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> str:
    """Dependency of the protected API routes: a valid ``Authorization: Bearer`` token."""
    if credentials is None or not credentials.credentials.strip():
        raise AuthenticationError("this endpoint needs an API token: send 'Authorization: Bearer <token>' "
                                  "(create one with: mamori tokens create NAME)")
    token = credentials.credentials.strip()
    if len(token) > 512 or not request.app.state.store.verify_token(token):
        raise AuthenticationError("the API token is not valid; create one with: mamori tokens create NAME")
    return token


def safe_next(target: str | None, default: str = "/counselor/cases") -> str:
    """A redirect target inside the counselor area only (no open redirects)."""
    if not target or not target.startswith("/counselor/") or target.startswith("//") or "\\" in target:
        return default
    return target


class LoginThrottle:
    """Slow down password guessing: after ``limit`` failures for a name, refuse it for ``window`` s."""

    def __init__(self, limit: int = 10, window: float = 300.0) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, list[float]] = {}

    def blocked(self, username: str) -> bool:
        now = time.monotonic()
        recent = [t for t in self._failures.get(username, []) if now - t < self.window]
        if recent:
            self._failures[username] = recent
        else:
            self._failures.pop(username, None)
        return len(recent) >= self.limit

    def failed(self, username: str) -> None:
        if len(self._failures) > 10_000:
            self._failures.clear()
        self._failures.setdefault(username, []).append(time.monotonic())

    def succeeded(self, username: str) -> None:
        self._failures.pop(username, None)
