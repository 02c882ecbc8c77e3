"""Full-text search in Japanese, and the filters shared by list, search, stats and export.

Japanese has no spaces between words, so the index is over character trigrams, and a query is
a substring search: every whitespace-separated term of the query must occur in the case's
normalised text or notes. Terms are normalised like the stored text (:func:`mamori.similar.normalize`:
full-width, half-width kana, 漏洩/漏えい, 個人番号/マイナンバー …), so a query finds every spelling.

* SQLite: the FTS5 table ``cases_fts`` (trigram tokenizer) answers terms of three characters
  or more; terms of one or two characters (詐欺, 警察) fall back to ``LIKE``.
* PostgreSQL: ``ILIKE`` on the same columns, served by pg_trgm GIN indexes for terms of three
  characters or more.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from mamori.cases.models import case_tactics, cases
from mamori.cases.records import CaseFilters
from mamori.errors import InputError

__all__ = ["MAX_TERMS", "filter_conditions", "search_conditions", "split_query", "tactic_match"]

MAX_TERMS = 8
MAX_QUERY_CHARS = 200


def split_query(query: str) -> list[str]:
    """The normalised terms of a query.

    >>> split_query("ｷｬｯｼｭｶｰﾄﾞ  漏洩")
    ['キャッシュカード', '漏えい']

    Raises:
        InputError: an empty query, or one too long.
    """
    from mamori.similar import normalize

    if not isinstance(query, str) or not query.strip():
        raise InputError("the search query is empty: give a word or phrase, e.g. 暗証番号")
    if len(query) > MAX_QUERY_CHARS:
        raise InputError(f"the search query is too long: {len(query)} characters (at most {MAX_QUERY_CHARS})")
    terms = [normalize(t) for t in query.split()]
    terms = list(dict.fromkeys(t for t in terms if t))
    if not terms:
        raise InputError("the search query has no searchable characters")
    if len(terms) > MAX_TERMS:
        raise InputError(f"the search query has {len(terms)} terms; at most {MAX_TERMS}")
    return terms


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _contains(term: str, *, ilike: bool) -> ColumnElement[bool]:
    pattern = _like_pattern(term)
    if ilike:
        return sa.or_(cases.c.norm_text.ilike(pattern, escape="\\"), cases.c.norm_notes.ilike(pattern, escape="\\"))
    return sa.or_(cases.c.norm_text.like(pattern, escape="\\"), cases.c.norm_notes.like(pattern, escape="\\"))


def search_conditions(dialect: str, query: str) -> list[ColumnElement[bool]]:
    """WHERE conditions on ``cases`` for a search query on the given SQL dialect."""
    terms = split_query(query)
    if dialect != "sqlite":
        return [_contains(t, ilike=True) for t in terms]
    conditions: list[ColumnElement[bool]] = []
    long_terms = [t for t in terms if len(t) >= 3]
    if long_terms:
        match = " AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms)
        fts = sa.table("cases_fts", sa.column("rowid"))
        matching = sa.select(fts.c.rowid).where(sa.text("cases_fts MATCH :fts_query").bindparams(fts_query=match))
        conditions.append(cases.c.id.in_(matching))
    conditions.extend(_contains(t, ilike=False) for t in terms if len(t) < 3)
    return conditions


def tactic_match(tactic: str) -> ColumnElement[bool]:
    """Cases whose tactics (the counselor's when labelled, else the analyzer's) include ``tactic``."""
    return sa.exists().where(
        case_tactics.c.case_id == cases.c.id,
        case_tactics.c.tactic == tactic,
        case_tactics.c.source == effective_source(),
    )


def effective_source() -> ColumnElement[Any]:
    """Which tactic rows count for a case: the counselor's labels when given."""
    return sa.case((cases.c.labelled, "counselor"), else_="analyzer")


def filter_conditions(filters: CaseFilters | None) -> list[ColumnElement[bool]]:
    """WHERE conditions on ``cases`` for the filters (validated here)."""
    if filters is None:
        return []
    f = filters.checked()
    conditions: list[ColumnElement[bool]] = []
    for column in ("channel", "section", "status", "label", "prefecture"):
        value = getattr(f, column)
        if value is not None:
            conditions.append(cases.c[column] == value)
    if f.public is not None:
        conditions.append(cases.c.public == f.public)
    if f.date_from is not None:
        conditions.append(cases.c.received_on >= f.date_from)
    if f.date_to is not None:
        conditions.append(cases.c.received_on <= f.date_to)
    if f.tactic is not None:
        conditions.append(tactic_match(f.tactic))
    return conditions
