"""Settings of the web app: limits, session lifetime and the secret key that signs sessions.

The secret key comes from ``MAMORI_SECRET_KEY``; without it one is generated once and kept in
``<data dir>/secret_key`` (mode 0600), so sessions survive a restart.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Settings", "data_dir", "load_secret_key"]

KIB = 1024
MIB = 1024 * KIB


def data_dir() -> Path:
    """The directory of mamori's files, shared with the case registry: ``MAMORI_DATA_DIR`` or the
    user's data directory."""
    from mamori.cases.database import data_dir as registry_data_dir

    return registry_data_dir()


def load_secret_key(directory: Path | None = None) -> str:
    """Return ``MAMORI_SECRET_KEY``, or the key stored in ``directory`` (created on first use)."""
    env = os.environ.get("MAMORI_SECRET_KEY")
    if env:
        return env
    directory = directory or data_dir()
    path = directory / "secret_key"
    try:
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= 32:
            return key
    except FileNotFoundError:
        pass
    directory.mkdir(parents=True, mode=0o700, exist_ok=True)
    key = secrets.token_urlsafe(48)
    tmp = directory / f".secret_key.{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    os.replace(tmp, path)
    return key


@dataclass(frozen=True, slots=True)
class Settings:
    """How the web app behaves. Every field has a safe default for a local server.

    Attributes:
        database_url: the case registry (``None``: ``MAMORI_DATABASE_URL`` or the SQLite default).
        secret_key: signs session cookies (``None``: see :func:`load_secret_key`).
        max_body_bytes: the largest JSON or form request (413 above it).
        max_upload_bytes: the largest multipart request, i.e. an .eml upload (413 above it).
        max_text_chars: the longest text analysed per request (413 above it).
        session_max_age: seconds a counselor stays signed in.
        https_only: mark cookies ``Secure`` (set it behind HTTPS; ``MAMORI_HTTPS=1``).
        similar_k: how many similar known cases a result shows.
        publish_dir: where the published warning page is written (``<data dir>/published``).
    """

    database_url: str | None = None
    secret_key: str | None = field(default=None, repr=False)
    max_body_bytes: int = 1 * MIB
    max_upload_bytes: int = 10 * MIB
    max_text_chars: int = 100_000
    session_max_age: int = 8 * 60 * 60
    https_only: bool = False
    similar_k: int = 3
    publish_dir: Path | None = None

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from the environment (``MAMORI_DATABASE_URL``, ``MAMORI_HTTPS``), then ``overrides``."""
        values: dict[str, object] = {
            "database_url": os.environ.get("MAMORI_DATABASE_URL") or None,
            "https_only": os.environ.get("MAMORI_HTTPS", "").lower() in {"1", "true", "yes"},
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def resolved_secret_key(self) -> str:
        return self.secret_key or load_secret_key()
