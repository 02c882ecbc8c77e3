"""The case registry (事例の登録): counselors record consultations, find similar past cases,
search them, count them, and publish a warning page like the police's.

The registry is also how mamori learns: ``Analyzer(neighbours=store.neighbours)`` adds a signal
"似た事例 #123" when a message is close to a stored case, so a newly logged case makes the
next similar message count, without retraining anything.

SQLite (WAL) in the data directory by default, PostgreSQL by URL; see :func:`open_store` and
docs/registry.md.

>>> from mamori.cases import NewCase, open_store
>>> store = open_store("sqlite://")
>>> case = store.add(NewCase(text="市役所の職員を名乗る男が来て、マイナンバーカードの手数料を払えと言った",
...                          section="damage", channel="visit", received_on="2024-05-01"))
>>> case.id, case.verdict, case.tactics
(1, 'danger', ('impersonation', 'money_demand'))
>>> [(c.case_id, c.shared_phrases) for c in store.similar("市役所の職員がマイナンバーカードの手数料を要求")]
[(1, ('マイナンバーカードの手数料', '市役所の職員'))]
>>> store.close()
"""

from __future__ import annotations

from mamori.cases.accounts import ApiToken, User
from mamori.cases.records import (
    CHANNELS,
    SECTION_TITLES,
    SECTIONS,
    STATUSES,
    Case,
    CaseFilters,
    ImportResult,
    LineError,
    NewCase,
    SimilarCase,
)
from mamori.cases.stats import Stats
from mamori.cases.store import CaseStore

__all__ = [
    "CHANNELS",
    "SECTIONS",
    "SECTION_TITLES",
    "STATUSES",
    "ApiToken",
    "Case",
    "CaseFilters",
    "CaseStore",
    "ImportResult",
    "LineError",
    "NewCase",
    "SimilarCase",
    "Stats",
    "User",
    "open_store",
]


def open_store(url: str | None = None) -> CaseStore:
    """Open the case registry, creating or upgrading its schema (Alembic migrations to head).

    Args:
        url: a database URL (``sqlite:///PATH``, ``postgresql://USER:PASS@HOST/DB``) or an SQLite
            file path; ``None`` uses ``MAMORI_DATABASE_URL``, else ``mamori.db`` in the data
            directory (``MAMORI_DATA_DIR``, else the user's data directory).

    Raises:
        StoreConnectionError: the database cannot be opened or reached.
        MigrationError: the schema could not be upgraded (nothing was changed).
        MissingExtraError: PostgreSQL without ``mamori[pg]``.
    """
    from mamori.cases import database

    engine = database.create_engine(database.resolve_url(url))
    try:
        database.migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return CaseStore(engine)
