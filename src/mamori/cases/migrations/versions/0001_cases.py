"""Cases, their tactics, and full-text search.

SQLite: an FTS5 table with the trigram tokenizer over the normalised text and notes, an
external-content index kept in step with ``cases`` by triggers. PostgreSQL: the pg_trgm
extension and GIN trigram indexes on the same columns.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SECTIONS = "'damage', 'near_miss', 'suspicious_call', 'suspicious_mail', 'info_requested'"
CHANNELS = "'email', 'sms', 'phone', 'visit', 'letter', 'web', 'sns', 'unknown'"

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE cases_fts USING fts5("
    "norm_text, norm_notes, content='cases', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN "
    "INSERT INTO cases_fts(rowid, norm_text, norm_notes) VALUES (new.id, new.norm_text, new.norm_notes); END",
    "CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN "
    "INSERT INTO cases_fts(cases_fts, rowid, norm_text, norm_notes) "
    "VALUES ('delete', old.id, old.norm_text, old.norm_notes); END",
    "CREATE TRIGGER cases_fts_update AFTER UPDATE OF norm_text, norm_notes ON cases BEGIN "
    "INSERT INTO cases_fts(cases_fts, rowid, norm_text, norm_notes) "
    "VALUES ('delete', old.id, old.norm_text, old.norm_notes); "
    "INSERT INTO cases_fts(rowid, norm_text, norm_notes) VALUES (new.id, new.norm_text, new.norm_notes); END",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.String(100)),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("received_on", sa.Date),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("section", sa.String(32), nullable=False),
        sa.Column("prefecture", sa.String(8)),
        sa.Column("municipality", sa.String(100)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("norm_text", sa.Text, nullable=False),
        sa.Column("notes", sa.Text),
        sa.Column("norm_notes", sa.Text),
        sa.Column("amount_lost", sa.BigInteger),
        sa.Column("public", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("label", sa.String(8)),
        sa.Column("labelled", sa.Boolean, nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("rules_version", sa.String(64), nullable=False),
        sa.Column("report", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
        sa.UniqueConstraint("fingerprint", name="uq_cases_fingerprint"),
        sa.CheckConstraint(f"section IN ({SECTIONS})", name="ck_cases_section"),
        sa.CheckConstraint(f"channel IN ({CHANNELS})", name="ck_cases_channel"),
        sa.CheckConstraint("status IN ('open', 'in_progress', 'closed')", name="ck_cases_status"),
        sa.CheckConstraint("label IS NULL OR label IN ('fraud', 'legit')", name="ck_cases_label"),
        sa.CheckConstraint("amount_lost IS NULL OR amount_lost >= 0", name="ck_cases_amount_lost"),
        sqlite_autoincrement=True,
    )
    for column in ("received_on", "channel", "section", "public"):
        op.create_index(f"ix_cases_{column}", "cases", [column])
    op.create_table(
        "case_tactics",
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("tactic", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "source", "tactic", name="pk_case_tactics"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_case_tactics_case_id_cases", ondelete="CASCADE"),
        sa.CheckConstraint("source IN ('analyzer', 'counselor')", name="ck_case_tactics_source"),
    )
    op.create_index("ix_case_tactics_tactic", "case_tactics", ["tactic", "source"])
    if dialect == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif dialect == "postgresql":
        for column in ("norm_text", "norm_notes"):
            op.create_index(f"ix_cases_{column}_trgm", "cases", [column], postgresql_using="gin",
                            postgresql_ops={column: "gin_trgm_ops"})


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("cases_fts_insert", "cases_fts_delete", "cases_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS cases_fts")
    op.drop_table("case_tactics")
    op.drop_table("cases")
