"""Stored rows back into frozen :class:`~mamori.cases.records.Case` objects."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mamori.cases.accounts import utc
from mamori.cases.models import case_tactics, cases
from mamori.cases.records import Case
from mamori.report import TACTICS

__all__ = ["fetch_cases"]

_ORDER = {t: i for i, t in enumerate(TACTICS)}


def fetch_cases(conn: Connection, conditions: list[Any], *, limit: int | None = None, offset: int = 0,
                newest_first: bool = True, with_report: bool = False,
                norms: dict[int, str] | None = None) -> list[Case]:
    """The cases matching ``conditions`` with their tactics (and report, and normalised text into
    ``norms``, when asked), newest first or in id order."""
    columns = [c for c in cases.c if c.name not in ("norm_text", "norm_notes", "fingerprint", "report")]
    if with_report:
        columns.append(cases.c.report)
    if norms is not None:
        columns.append(cases.c.norm_text)
    query = sa.select(*columns).where(sa.and_(sa.true(), *conditions))
    query = query.order_by(cases.c.id.desc() if newest_first else cases.c.id)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    rows = conn.execute(query).all()
    if not rows:
        return []
    tactics: dict[tuple[int, str], list[str]] = {}
    for case_id, source, tactic in conn.execute(
        sa.select(case_tactics.c.case_id, case_tactics.c.source, case_tactics.c.tactic)
        .where(case_tactics.c.case_id.in_([r.id for r in rows]))
    ):
        tactics.setdefault((case_id, source), []).append(tactic)
    out = []
    for r in rows:
        if norms is not None:
            norms[r.id] = r.norm_text
        out.append(_case(r, tactics.get((r.id, "analyzer"), []),
                         tactics.get((r.id, "counselor"), []) if r.labelled else None, with_report))
    return out


def _case(row: Any, analyzer_tactics: list[str], counselor_tactics: list[str] | None,
          with_report: bool) -> Case:
    return Case(
        id=row.id, received_on=row.received_on, channel=row.channel, section=row.section, text=row.text,
        analyzer_tactics=tuple(sorted(analyzer_tactics, key=_ORDER.__getitem__)),
        counselor_tactics=tuple(sorted(counselor_tactics, key=_ORDER.__getitem__)) if counselor_tactics is not None else None,
        verdict=row.verdict, score=row.score, rules_version=row.rules_version, public=bool(row.public),
        status=row.status, created_at=utc(row.created_at) or row.created_at,
        updated_at=utc(row.updated_at) or row.updated_at, prefecture=row.prefecture,
        municipality=row.municipality, notes=row.notes, amount_lost=row.amount_lost, label=row.label,
        source_id=row.source_id, report=json.loads(row.report) if with_report else {},
    )
