"""The registry's tables (SQLAlchemy Core). The migrations in ``migrations/versions`` create them;
a test checks that the migrated schema and these tables agree.

::

    cases          one consultation: masked text, its normalised form (search, similarity),
                   the analyzer's verdict and report, the counselor's notes and flags
    case_tactics   (case_id, source, tactic): source "analyzer" or "counselor"; a case's
                   tactics are the counselor's when ``cases.labelled``, else the analyzer's
    users          counselors and admins of the web app: argon2 password hashes
    api_tokens     SHA-256 of each API token, never the token

Full-text search lives beside them: an FTS5 trigram table ``cases_fts`` kept by triggers on
SQLite, pg_trgm GIN indexes on PostgreSQL (see :mod:`mamori.cases.search`).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from mamori.cases.records import CHANNELS, LABELS, SECTIONS, STATUSES

__all__ = ["ROLES", "TACTIC_SOURCES", "api_tokens", "case_tactics", "cases", "metadata", "users"]

ROLES = ("admin", "counselor")
TACTIC_SOURCES = ("analyzer", "counselor")

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


cases = Table(
    "cases", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_id", String(100)),
    Column("fingerprint", String(64), nullable=False, unique=True),
    Column("received_on", Date, index=True),
    Column("channel", String(16), nullable=False, index=True),
    Column("section", String(32), nullable=False, index=True),
    Column("prefecture", String(8)),
    Column("municipality", String(100)),
    Column("text", Text, nullable=False),
    Column("norm_text", Text, nullable=False),
    Column("notes", Text),
    Column("norm_notes", Text),
    Column("amount_lost", BigInteger),
    Column("public", Boolean, nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("label", String(8)),
    Column("labelled", Boolean, nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("score", Integer, nullable=False),
    Column("rules_version", String(64), nullable=False),
    Column("report", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(_in("section", SECTIONS), name="section"),
    CheckConstraint(_in("channel", CHANNELS), name="channel"),
    CheckConstraint(_in("status", STATUSES), name="status"),
    CheckConstraint(f"label IS NULL OR {_in('label', LABELS)}", name="label"),
    CheckConstraint("amount_lost IS NULL OR amount_lost >= 0", name="amount_lost"),
    sqlite_autoincrement=True,
)

case_tactics = Table(
    "case_tactics", metadata,
    Column("case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("source", String(10), primary_key=True),
    Column("tactic", String(32), primary_key=True),
    CheckConstraint(_in("source", TACTIC_SOURCES), name="source"),
)
Index("ix_case_tactics_tactic", case_tactics.c.tactic, case_tactics.c.source)

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(_in("role", ROLES), name="role"),
)

api_tokens = Table(
    "api_tokens", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used", DateTime(timezone=True)),
)
