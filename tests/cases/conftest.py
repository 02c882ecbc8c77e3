"""Fixtures for the case registry: an empty database on SQLite and on PostgreSQL, a store over it.

PostgreSQL comes from ``MAMORI_TEST_DATABASE_URL``; each test gets its own schema, dropped
afterwards. Without the variable or the server, the PostgreSQL tests are skipped — except when
``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest

PG_ENV = "MAMORI_TEST_DATABASE_URL"


def mynumbers(count: int, seed: int = 4) -> list[str]:
    """Valid My Numbers made with the check-digit function, never a real person's."""
    from stdnum.jp import in_

    rng = random.Random(seed)
    out = []
    while len(out) < count:
        body = "".join(rng.choice("0123456789") for _ in range(11))
        out.append(body + in_.calc_check_digit(body))
    return out


def _pg_admin_url() -> str:
    url = os.environ.get(PG_ENV, "")
    ci = os.environ.get("CI") == "true"
    if not url:
        if ci:
            pytest.fail(f"CI=true but {PG_ENV} is not set: the PostgreSQL tests must run in CI")
        pytest.skip(f"{PG_ENV} is not set")
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(url)
        with engine.connect():
            pass
        engine.dispose()
    except sa.exc.SQLAlchemyError as exc:
        if ci:
            pytest.fail(f"CI=true but the PostgreSQL server at {PG_ENV} is unreachable: {exc.__class__.__name__}")
        pytest.skip(f"PostgreSQL at {PG_ENV} is unreachable")
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL whose connections use a fresh, empty schema (then ``public`` for pg_trgm)."""
    import sqlalchemy as sa

    admin = _pg_admin_url()
    schema = f"mamori_t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(admin)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in admin else "?"
    try:
        yield f"{admin}{sep}options={quote(f'-csearch_path={schema},public')}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'registry.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:
    """An empty database of each kind."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def store(db_url):
    from mamori.cases import open_store

    opened = open_store(db_url)
    yield opened
    opened.close()


@pytest.fixture
def sqlite_store(sqlite_url):
    from mamori.cases import open_store

    opened = open_store(sqlite_url)
    yield opened
    opened.close()
