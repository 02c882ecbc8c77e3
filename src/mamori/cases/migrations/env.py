"""Alembic environment of the case registry.

Run by :func:`mamori.cases.database.migrate`, which passes an open connection already inside a
transaction (``config.attributes["connection"]``): all pending revisions run in that one
transaction and are rolled back together when any of them fails. Importing this file outside
Alembic (pytest collecting modules) does nothing.
"""

from __future__ import annotations

from alembic import context


def run_migrations() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=None, transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()


if hasattr(context, "config"):
    run_migrations()
