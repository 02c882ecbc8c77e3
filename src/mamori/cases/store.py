"""The case store: cases in, similar cases, search, statistics and exports out.

Writes are one transaction per case (a killed import loses at most the case being written);
every text is masked before it reaches SQL (:mod:`mamori.cases.ingest`). Similar cases come from
an in-memory index kept in step with the database (:mod:`mamori.cases.nearest`).
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import Enum
from importlib import resources
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from mamori.analyzer import Analyzer, KnownCase
from mamori.cases import accounts, database, ingest, search
from mamori.cases.accounts import ApiToken, User
from mamori.cases.models import case_tactics, cases
from mamori.cases.nearest import CaseIndex
from mamori.cases.records import (
    MAX_NOTES_CHARS,
    MAX_TEXT_CHARS,
    Case,
    CaseFilters,
    ImportResult,
    LineError,
    NewCase,
    SimilarCase,
    check,
    clean_text,
)
from mamori.cases.rows import fetch_cases
from mamori.cases.stats import Stats, compute
from mamori.errors import (
    CaseNotFoundError,
    DuplicateError,
    EmptyInputError,
    InputError,
    MamoriError,
    RecordError,
    StoreConnectionError,
    StoreError,
)
from mamori.pii import redact
from mamori.similar import normalize

__all__ = ["CaseStore"]

MAX_K = 100
_INDEX_BATCH = 500


class _Keep(Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP


class CaseStore:
    """The case registry over one database. Thread-safe; open it with :func:`mamori.cases.open_store`.

    Args:
        engine: a SQLAlchemy engine made by :func:`mamori.cases.database.create_engine`, migrated.
        analyzer: analyzes each new case; the built-in packs, without neighbours, by default.
    """

    def __init__(self, engine: Engine, *, analyzer: Analyzer | None = None) -> None:
        self.engine = engine
        self.analyzer = analyzer
        self._index = CaseIndex(self._connection)

    def __repr__(self) -> str:
        return f"CaseStore({self.url!r})"

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return database.safe_url(self.engine.url)

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    def close(self) -> None:
        """Close the database connections and drop the in-memory index."""
        self._index.reset()
        self.engine.dispose()

    # -- adding ------------------------------------------------------------------------
    def add(self, case: NewCase) -> Case:
        """Store one case: checked, masked, analyzed.

        Raises:
            InputError, ChannelError: a field is missing or wrong (the message says which).
            DuplicateError: the same text, section, channel, date and place is stored already.
        """
        values = self._prepare(case)
        with self._connection(write=True) as conn:
            case_id, existing = ingest.insert_case(conn, values)
        if case_id is None:
            raise DuplicateError(f"this case is already stored as #{existing} (same text, section, channel, "
                                 "received date and place)", existing_id=existing)
        self._index.added([(case_id, values["norm_text"])])
        return self.get(case_id)

    def add_many(self, new_cases: Iterable[NewCase]) -> ImportResult:
        """Store many cases, each in its own transaction; bad ones are reported by position (from 1)."""
        return self._add_all(((n, lambda c=c: c) for n, c in enumerate(new_cases, 1)), dry_run=False)

    def import_jsonl(self, lines: Iterable[str | bytes], *, public: bool = True, dry_run: bool = False) -> ImportResult:
        """Import JSON lines (the export format, or the seed's); see :func:`mamori.cases.records.parse_record`.

        Each line is stored whole or not at all; a bad line becomes a :class:`LineError` with its
        number and the import goes on. ``public`` is the flag of lines that do not say. With
        ``dry_run`` nothing is stored: the result says what would be added.
        """
        def records() -> Iterator[tuple[int, Any]]:
            for lineno, line in enumerate(lines, 1):
                if isinstance(line, bytes | bytearray):
                    try:
                        line = bytes(line).decode("utf-8")
                    except UnicodeDecodeError as exc:
                        yield lineno, _failing(RecordError(f"not UTF-8 (byte {exc.start})"))
                        continue
                if not line.strip():
                    continue
                yield lineno, lambda line=line: ingest.parse_line(line, public)

        return self._add_all(records(), dry_run=dry_run)

    def load_seed(self) -> ImportResult:
        """Store the 27 cases of the police's warning page (package data), public; idempotent."""
        text = (resources.files("mamori") / "data" / "seed_cases.jsonl").read_text(encoding="utf-8")
        lines = [json.dumps({**json.loads(line), "status": "closed"}, ensure_ascii=False)
                 for line in text.splitlines() if line.strip()]
        return self.import_jsonl(lines, public=True)

    def update(
        self,
        case_id: int,
        *,
        tactics: Sequence[str] | None | _Keep = KEEP,
        notes: str | None | _Keep = KEEP,
        public: bool | None = None,
        status: str | None = None,
        label: str | None | _Keep = KEEP,
    ) -> Case:
        """Correct a case: the counselor's tactics (``None`` returns to the analyzer's), notes,
        public flag, status, label. The analyzer's tactics are kept apart, never overwritten.

        Raises:
            CaseNotFoundError: no such case.
            InputError: a wrong value.
        """
        current = self.get(case_id)
        probe = NewCase(
            text=current.text, section=current.section, channel=current.channel,
            tactics=None if tactics is KEEP else tactics,
            public=current.public if public is None else public,
            status=current.status if status is None else status,
            label=None if label is KEEP else label,
        )
        checked = check(probe)
        values: dict[str, Any] = {"public": checked["public"], "status": checked["status"],
                                  "updated_at": datetime.now(UTC)}
        if label is not KEEP:
            values["label"] = checked["label"]
        if notes is not KEEP:
            clean = clean_text(notes, "notes", MAX_NOTES_CHARS)
            values["notes"], values["norm_notes"] = clean, normalize(clean) if clean else None
        with self._connection(write=True) as conn:
            if not conn.execute(cases.update().where(cases.c.id == case_id).values(**values)).rowcount:
                raise CaseNotFoundError(f"no case #{case_id}")
            if tactics is not KEEP:
                conn.execute(case_tactics.delete().where(case_tactics.c.case_id == case_id,
                                                         case_tactics.c.source == "counselor"))
                labelled = checked["counselor_tactics"]
                conn.execute(cases.update().where(cases.c.id == case_id).values(labelled=labelled is not None))
                if labelled:
                    conn.execute(case_tactics.insert(), [{"case_id": case_id, "source": "counselor", "tactic": t}
                                                         for t in labelled])
        return self.get(case_id)

    def delete(self, case_id: int) -> None:
        """Delete a case with its tactics; full-text search follows (trigger on SQLite, the
        table's own indexes on PostgreSQL). The similarity index skips a deleted case at once
        and drops it at its next rebuild.

        Raises:
            CaseNotFoundError: no such case.
        """
        if not isinstance(case_id, int) or isinstance(case_id, bool):
            raise CaseNotFoundError(f"a case id is a whole number like 12, got {type(case_id).__name__}")
        with self._connection(write=True) as conn:
            conn.execute(case_tactics.delete().where(case_tactics.c.case_id == case_id))
            if not conn.execute(cases.delete().where(cases.c.id == case_id)).rowcount:
                raise CaseNotFoundError(f"no case #{case_id}; `mamori cases list` shows the stored ones")

    # -- reading -----------------------------------------------------------------------
    def get(self, case_id: int) -> Case:
        """The case with its analyzer report.

        Raises:
            CaseNotFoundError: no such case.
        """
        if not isinstance(case_id, int) or isinstance(case_id, bool):
            raise CaseNotFoundError(f"a case id is a whole number like 12, got {type(case_id).__name__}")
        with self._connection() as conn:
            found = fetch_cases(conn, [cases.c.id == case_id], with_report=True)
        if not found:
            raise CaseNotFoundError(f"no case #{case_id}; `mamori cases list` shows the stored ones")
        return found[0]

    def count(self, filters: CaseFilters | None = None) -> int:
        """How many cases match ``filters``."""
        with self._connection() as conn:
            where = sa.and_(sa.true(), *search.filter_conditions(filters))
            return int(conn.execute(sa.select(sa.func.count()).select_from(cases).where(where)).scalar_one())

    def search(self, query: str, filters: CaseFilters | None = None, limit: int = 50, offset: int = 0) -> builtins.list[Case]:
        """Cases whose text or notes contain every term of ``query`` (Japanese-aware), newest first."""
        conditions = search.search_conditions(self.dialect, query) + search.filter_conditions(filters)
        with self._connection() as conn:
            return fetch_cases(conn, conditions, limit=_limit(limit), offset=max(0, int(offset)))

    def stats(self, filters: CaseFilters | None = None) -> Stats:
        """Counts by month × tactic, channel, section, and the money lost."""
        with self._connection() as conn:
            return compute(conn, search.filter_conditions(filters))

    def export(self, filters: CaseFilters | None = None) -> Iterator[Case]:
        """Every matching case, in id order, in constant memory (read in pages of 500).
        ``case.to_dict()`` is the JSON-lines export format that :meth:`import_jsonl` reads back."""
        conditions = search.filter_conditions(filters)
        last = 0
        while True:
            with self._connection() as conn:
                page = fetch_cases(conn, [*conditions, cases.c.id > last], limit=500, newest_first=False)
            if not page:
                return
            yield from page
            last = page[-1].id

    def similar(self, text: str, k: int = 5) -> builtins.list[SimilarCase]:
        """The ``k`` stored cases most similar to ``text``, with what they share."""
        if not isinstance(text, str) or not text.strip():
            raise EmptyInputError("give a text to compare with the stored cases")
        text = text[:MAX_TEXT_CHARS]
        norm = normalize(text)
        found = self._nearest(norm, _limit(k, MAX_K))
        ours = set(self._analyzer().analyze(text).tactics)
        return [SimilarCase(
            case_id=case.id, score=score, channel=case.channel, section=case.section, text=case.text,
            tactics=case.tactics, shared_phrases=tuple(self._index.shared(norm, case_norm)),
            shared_tactics=tuple(t for t in case.tactics if t in ours), received_on=case.received_on,
            public=case.public,
        ) for case, case_norm, score in found]

    def build_index(self) -> int:
        """Build the similarity index now (else the first similarity query builds it: about 20 s
        for 100,000 cases); a web app can call this in a thread at start-up. Returns its size."""
        return self._index.build()

    def neighbours(self, text: str, *, k: int = 3, public_only: bool = False) -> builtins.list[KnownCase]:
        """Close known fraud cases for the analyzer: ``Analyzer(neighbours=store.neighbours)``.

        Cases a counselor labelled ``legit`` are left out; so are private ones with ``public_only``
        (use ``functools.partial(store.neighbours, public_only=True)`` for a page the public sees).
        """
        if not isinstance(text, str) or not text.strip():
            return []
        norm = normalize(text[:MAX_TEXT_CHARS])
        found = self._nearest(norm, k, public_only=public_only, exclude_legit=True)
        out = []
        for case, case_norm, score in found:
            phrases = self._index.shared(norm, case_norm, limit=3)
            shared = "共通の表現: " + "".join(f"「{p}」" for p in phrases) if phrases else ""
            out.append(KnownCase(case_id=str(case.id), score=round(score, 4), tactics=case.tactics, shared=shared))
        return out

    def list(self, filters: CaseFilters | None = None, limit: int = 50, offset: int = 0) -> builtins.list[Case]:
        """Cases matching ``filters``, newest first (without their reports: :meth:`get` has them)."""
        with self._connection() as conn:
            return fetch_cases(conn, search.filter_conditions(filters), limit=_limit(limit), offset=max(0, int(offset)))

    # -- users and API tokens (for the web app) -----------------------------------------
    def add_user(self, username: str, password: str, role: str = "counselor") -> User:
        """Create a web-app user (role ``admin`` or ``counselor``); the password is stored as an argon2 hash."""
        password_hash = accounts.check_user(username, password, role)
        with self._connection(write=True) as conn:
            return accounts.add_user(conn, username, password_hash, role)

    def verify_user(self, username: str, password: str) -> User | None:
        """The user whose password this is, or ``None``."""
        with self._connection() as conn:
            row = accounts.find_user(conn, username)
        user, new_hash = accounts.check_password(row, password)
        if user is not None and new_hash is not None:
            with self._connection(write=True) as conn:
                accounts.set_password_hash(conn, user.id, new_hash)
        return user

    def list_users(self) -> builtins.list[User]:
        with self._connection() as conn:
            return accounts.list_users(conn)

    def create_token(self, name: str) -> str:
        """Create an API token and return it, the only time it is seen: only its SHA-256 is stored."""
        with self._connection(write=True) as conn:
            return accounts.create_token(conn, name)

    def verify_token(self, token: str) -> bool:
        """Whether ``token`` is a live API token (and note when it was used)."""
        with self._connection() as conn:
            found = accounts.find_token(conn, token)
        if found is None:
            return False
        token_id, stale = found
        if stale:
            with self._connection(write=True) as conn:
                accounts.touch_token(conn, token_id)
        return True

    def list_tokens(self) -> builtins.list[ApiToken]:
        with self._connection() as conn:
            return accounts.list_tokens(conn)

    def revoke_token(self, name: str) -> bool:
        """Delete the API token called ``name``; whether there was one."""
        with self._connection(write=True) as conn:
            return accounts.revoke_token(conn, name)

    # -- internals: writing --------------------------------------------------------------
    @contextmanager
    def _connection(self, *, write: bool = False) -> Iterator[Connection]:
        """A connection in a transaction (``BEGIN IMMEDIATE`` on SQLite when writing),
        database errors translated into StoreError without SQL or parameters."""
        try:
            with self.engine.connect() as conn:
                if write:
                    conn.execution_options(mamori_write=True)
                with conn.begin():
                    yield conn
        except OperationalError as exc:
            raise StoreConnectionError(f"database error on {self.url}: {database.describe_error(exc)}") from None
        except SQLAlchemyError as exc:
            raise StoreError(f"database error: {database.describe_error(exc)}") from None

    def _analyzer(self) -> Analyzer:
        if self.analyzer is None:
            self.analyzer = Analyzer()
        return self.analyzer

    def _prepare(self, new: NewCase) -> dict[str, Any]:
        return ingest.analyze_case(ingest.check_case(new), self._analyzer())

    def _add_all(self, items: Iterable[tuple[int, Any]], *, dry_run: bool) -> ImportResult:
        added, duplicates, errors, ids = 0, 0, [], []
        seen: set[str] = set()
        pending: builtins.list[tuple[int, str]] = []
        try:
            with self._connection_for_many(write=not dry_run) as conn:
                for number, make in items:
                    try:
                        new = make()
                        values = ingest.check_case(new) if dry_run else self._prepare(new)
                    except StoreError:
                        raise
                    except MamoriError as exc:
                        errors.append(LineError(number, redact(str(exc))))
                        continue
                    if dry_run:
                        fingerprint = values["fingerprint"]
                        known = fingerprint in seen or ingest.is_known(conn, fingerprint)
                        seen.add(fingerprint)
                        duplicates, added = duplicates + known, added + (not known)
                        continue
                    with conn.begin():
                        case_id, _existing = ingest.insert_case(conn, values)
                    if case_id is None:
                        duplicates += 1
                        continue
                    added += 1
                    ids.append(case_id)
                    pending.append((case_id, values["norm_text"]))
                    if len(pending) >= _INDEX_BATCH:
                        self._index.added(pending)
                        pending = []
        finally:
            self._index.added(pending)
        return ImportResult(added=added, duplicates=duplicates, errors=tuple(errors), ids=tuple(ids))

    @contextmanager
    def _connection_for_many(self, *, write: bool) -> Iterator[Connection]:
        """A connection for a run of short transactions (one per case)."""
        try:
            with self.engine.connect() as conn:
                conn.execution_options(mamori_write=write)
                yield conn
                if conn.in_transaction():
                    conn.rollback()
        except OperationalError as exc:
            raise StoreConnectionError(f"database error on {self.url}: {database.describe_error(exc)}") from None
        except SQLAlchemyError as exc:
            raise StoreError(f"database error: {database.describe_error(exc)}") from None

    # -- internals: reading -------------------------------------------------------------
    def _nearest(self, norm: str, k: int, *, public_only: bool = False,
                 exclude_legit: bool = False) -> builtins.list[tuple[Case, str, float]]:
        filtered = public_only or exclude_legit
        hits = self._index.query(norm, k * 4 + 20 if filtered else k)
        if not hits:
            return []
        norms: dict[int, str] = {}
        with self._connection() as conn:
            if filtered:  # over-fetched: keep the first k that pass, reading only two flags
                flags = {r.id: r for r in conn.execute(sa.select(cases.c.id, cases.c.public, cases.c.label)
                                                       .where(cases.c.id.in_([i for i, _ in hits])))}
                hits = [(i, score) for i, score in hits if i in flags
                        and (flags[i].public or not public_only)
                        and (flags[i].label != "legit" or not exclude_legit)][:k]
                if not hits:
                    return []
            found = {c.id: c for c in fetch_cases(conn, [cases.c.id.in_([i for i, _ in hits])], norms=norms)}
        return [(found[i], norms[i], score) for i, score in hits if i in found]


# -- helpers ----------------------------------------------------------------------------
def _limit(value: int, ceiling: int = 10_000) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InputError(f"a limit is a whole number from 1 to {ceiling}")
    return min(value, ceiling)


def _failing(exc: MamoriError) -> Any:
    def fail() -> NewCase:
        raise exc
    return fail
