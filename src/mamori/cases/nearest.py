"""The similarity index of a store's cases, kept in step with its database.

Built from the database on the first query; follows the store's own additions at once and other
processes' at the next query (a new ``max(id)``: rows from a window below the last indexed id
are read again, so a PostgreSQL transaction that committed late is still picked up); fitted
again when :attr:`mamori.similar.SimilarityIndex.stale`. One lock serialises queries and updates.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mamori.cases.models import cases

if TYPE_CHECKING:
    from mamori.similar.index import SimilarityIndex

__all__ = ["CaseIndex"]

SYNC_WINDOW = 1000
PAGE = 20_000


class CaseIndex:
    """Nearest cases by normalised text, for one store.

    Args:
        connect: opens a read transaction on the store's database.
    """

    def __init__(self, connect: Callable[[], AbstractContextManager[Connection]]) -> None:
        self.connect = connect
        self._lock = threading.RLock()
        self._index: SimilarityIndex | None = None
        self._indexed: set[int] = set()
        self._indexed_max = 0

    def query(self, norm: str, count: int) -> list[tuple[int, float]]:
        """``(case id, score)`` of the ``count`` closest cases, best first."""
        with self._lock:
            return self._synced().query(norm, count)

    def build(self) -> int:
        """Build (or catch up) the index now; the number of cases in it."""
        with self._lock:
            return len(self._synced())

    def shared(self, norm: str, other: str, limit: int = 5) -> list[str]:
        """What two normalised texts share (see :meth:`SimilarityIndex.shared`)."""
        from mamori.similar.index import SimilarityIndex

        with self._lock:
            index = self._index if self._index is not None else SimilarityIndex()
            return index.shared(norm, other, limit)

    def added(self, items: Sequence[tuple[int, str]]) -> None:
        """Cases just stored: ``(id, normalised text)``. Nothing to do before the first query."""
        with self._lock:
            if self._index is None or not items:
                return
            fresh = [(i, t) for i, t in items if i not in self._indexed]
            if fresh:
                self._index.add([i for i, _ in fresh], [t for _, t in fresh])
                self._indexed.update(i for i, _ in fresh)
                self._indexed_max = max(self._indexed_max, max(i for i, _ in fresh))

    def reset(self) -> None:
        with self._lock:
            self._index, self._indexed, self._indexed_max = None, set(), 0

    def _synced(self) -> SimilarityIndex:
        if self._index is None or self._index.stale:
            return self._rebuild()
        with self.connect() as conn:
            newest = conn.execute(sa.select(sa.func.max(cases.c.id))).scalar() or 0
            if newest > self._indexed_max:
                rows = conn.execute(sa.select(cases.c.id, cases.c.norm_text)
                                    .where(cases.c.id > self._indexed_max - SYNC_WINDOW)).all()
        if newest > self._indexed_max:
            self.added([(r.id, r.norm_text) for r in rows])
        return self._rebuild() if self._index.stale else self._index

    def _rebuild(self) -> SimilarityIndex:
        from mamori.similar.index import SimilarityIndex

        ids: list[int] = []
        texts: list[str] = []
        while True:
            with self.connect() as conn:
                rows = conn.execute(sa.select(cases.c.id, cases.c.norm_text)
                                    .where(cases.c.id > (ids[-1] if ids else 0)).order_by(cases.c.id).limit(PAGE)).all()
            if not rows:
                break
            ids.extend(r.id for r in rows)
            texts.extend(r.norm_text for r in rows)
        index = SimilarityIndex().fit(ids, texts)
        self._index, self._indexed, self._indexed_max = index, set(ids), max(ids, default=0)
        return index
