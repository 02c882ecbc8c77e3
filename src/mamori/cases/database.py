"""Which database, how to connect to it, and bringing its schema to the current revision.

The URL is the first of: the ``url`` argument (``--database``), ``MAMORI_DATABASE_URL``, and
an SQLite file ``mamori.db`` in the data directory (``MAMORI_DATA_DIR``, else the user's data
directory from platformdirs). A plain path is an SQLite file; ``postgresql://`` and
``postgres://`` URLs use psycopg 3.

SQLite connections run in WAL mode with ``synchronous=NORMAL`` (a committed case survives the
process being killed), a 30 s busy timeout and foreign keys on. Transactions are begun by us, not
by the driver, so that DDL is transactional and a writing transaction takes the write lock at
``BEGIN IMMEDIATE`` (it then waits for other writers instead of failing half-way).

Migrations run in one transaction with Alembic's command API; on PostgreSQL behind an
advisory lock, on SQLite behind the write lock, so concurrent first starts are safe.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from mamori.errors import MigrationError, MissingExtraError, StoreConnectionError, StoreError
from mamori.pii import redact

__all__ = ["HEAD", "create_engine", "current_revision", "data_dir", "describe_error", "migrate", "resolve_url",
           "safe_url", "writing"]

#: The newest migration; :func:`migrate` skips Alembic when the database is already there.
HEAD = "0002"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30_000
_PG_LOCK = 0x6D616D6F  # "mamo"


def data_dir() -> Path:
    """The directory of the default SQLite database: ``MAMORI_DATA_DIR`` or the user's data dir."""
    env = os.environ.get("MAMORI_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("mamori", appauthor=False))


def resolve_url(url: str | None = None) -> str:
    """The database URL to use: ``url``, else ``MAMORI_DATABASE_URL``, else the SQLite default."""
    chosen = url or os.environ.get("MAMORI_DATABASE_URL") or ""
    if not chosen.strip():
        return "sqlite:///" + str(data_dir() / "mamori.db")
    chosen = chosen.strip()
    if "://" not in chosen:
        return "sqlite:///" + str(Path(chosen).expanduser().resolve())
    for prefix in ("postgres://", "postgresql://"):
        if chosen.startswith(prefix):
            return "postgresql+psycopg://" + chosen[len(prefix):]
    return chosen


def safe_url(url: str | sa.URL) -> str:
    """The URL with its password hidden, fit for messages."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<not a database URL>"


def create_engine(url: str) -> Engine:
    """An engine for ``url`` (see :func:`resolve_url`), with the SQLite settings described above.

    Raises:
        StoreError: not a database URL, or a database kind mamori does not support.
        MissingExtraError: the PostgreSQL driver is not installed.
    """
    try:
        parsed = sa.make_url(url)
    except ArgumentError:
        raise StoreError(f"not a database URL: {redact(url)[:80]!r}; expected sqlite:///PATH or "
                         "postgresql://USER:PASSWORD@HOST/DB") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(f"unsupported database {backend!r} in {safe_url(parsed)}; use SQLite or PostgreSQL")
    kwargs: dict[str, Any] = {}
    if backend == "sqlite":
        memory = parsed.database in (None, "", ":memory:")
        if memory:
            kwargs["poolclass"] = sa.pool.StaticPool
        else:
            _prepare_sqlite_file(Path(parsed.database or ""))
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = sa.create_engine(parsed, **kwargs)
    except NoSuchModuleError:
        raise StoreError(f"unsupported database driver in {safe_url(parsed)}") from None
    except ModuleNotFoundError as exc:
        raise MissingExtraError(f"the PostgreSQL registry ({exc.name})", "pg") from None
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _prepare_sqlite_file(path: Path) -> None:
    """Create the data directory (0700) and the database file (0600) if they are missing."""
    parent = path.parent
    if not parent.exists():
        if parent != data_dir():
            raise StoreConnectionError(f"cannot open the SQLite database {str(path)!r}: "
                                       f"the directory {str(parent)!r} does not exist")
        parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    if not path.exists():
        try:
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError as exc:
            raise StoreConnectionError(f"cannot create the SQLite database {str(path)!r}: {exc.strerror}") from None


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    mode = "IMMEDIATE" if connection.get_execution_options().get("mamori_write") else "DEFERRED"
    connection.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A connection in a writing transaction: committed on success, rolled back on error."""
    with engine.connect() as connection:
        connection.execution_options(mamori_write=True)
        with connection.begin():
            yield connection


def current_revision(engine: Engine) -> str | None:
    """The schema revision of the database, ``None`` when it has none yet.

    Raises:
        StoreConnectionError: the database cannot be reached.
    """
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("alembic_version"):
                return None
            return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except DBAPIError as exc:
        raise StoreConnectionError(f"cannot open the database {safe_url(engine.url)}: {describe_error(exc)}. "
                                   "Check MAMORI_DATABASE_URL or --database.") from None


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` in one transaction; nothing changes if a step fails.

    Raises:
        MigrationError: a migration failed; the database keeps its previous revision.
        StoreConnectionError: the database cannot be reached.
    """
    if revision in ("head", HEAD) and current_revision(engine) == HEAD:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with writing(engine) as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except SQLAlchemyError as exc:
        hint = ""
        if "pg_trgm" in str(exc) or "gin_trgm_ops" in str(exc):
            hint = " PostgreSQL needs the pg_trgm extension: run CREATE EXTENSION pg_trgm as a superuser."
        raise MigrationError(f"the database schema could not be upgraded to {revision} and was left as it was: "
                             f"{describe_error(exc)}.{hint}") from None


def describe_error(exc: BaseException) -> str:
    """The driver's message for a database error: first line only, masked, no SQL or parameters."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return redact(text)[:300]
