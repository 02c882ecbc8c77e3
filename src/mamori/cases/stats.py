"""Counts and sums over the registry: by month × tactic, channel, section, and the money lost.

A case counts under its tactics (the counselor's labels when given, else the analyzer's), so a
case with three tactics adds one to each. Months are those of the received date (``YYYY-MM``);
cases without one count under ``"unknown"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from mamori.cases.models import case_tactics, cases
from mamori.cases.records import CHANNELS, SECTIONS
from mamori.cases.search import effective_source
from mamori.report import TACTICS

__all__ = ["UNKNOWN_MONTH", "Stats", "compute"]

UNKNOWN_MONTH = "unknown"


@dataclass(frozen=True, slots=True)
class Stats:
    """The registry's counts. Money is in yen."""

    total: int
    by_section: Mapping[str, int]
    by_channel: Mapping[str, int]
    by_tactic: Mapping[str, int]
    by_month: Mapping[str, int]
    by_month_tactic: Mapping[str, Mapping[str, int]]
    loss_total: int = 0
    loss_cases: int = 0
    loss_by_month: Mapping[str, int] = field(default_factory=dict)
    loss_by_section: Mapping[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_section": dict(self.by_section),
            "by_channel": dict(self.by_channel),
            "by_tactic": dict(self.by_tactic),
            "by_month": dict(self.by_month),
            "by_month_tactic": {m: dict(t) for m, t in self.by_month_tactic.items()},
            "losses": {
                "total": self.loss_total,
                "cases": self.loss_cases,
                "by_month": dict(self.loss_by_month),
                "by_section": dict(self.loss_by_section),
            },
        }


def _month(dialect: str) -> ColumnElement[Any]:
    if dialect == "sqlite":
        return sa.func.strftime("%Y-%m", cases.c.received_on)
    return sa.func.to_char(cases.c.received_on, "YYYY-MM")


def _ordered(counts: dict[Any, int], order: tuple[str, ...], *, keep_zero: bool = False) -> dict[str, int]:
    out = {key: int(counts.get(key, 0)) for key in order if keep_zero or counts.get(key)}
    out.update({str(k): int(v) for k, v in sorted(counts.items(), key=lambda kv: str(kv[0])) if k not in out and v})
    return out


def _months(rows: Sequence[Any]) -> dict[str, int]:
    named = {(r[0] or UNKNOWN_MONTH): int(r[1] or 0) for r in rows}
    return {m: named[m] for m in sorted(named, key=lambda m: (m == UNKNOWN_MONTH, m))}


def compute(connection: Connection, conditions: list[ColumnElement[bool]]) -> Stats:
    """The statistics of the cases matching ``conditions`` (see :mod:`mamori.cases.search`)."""
    month = _month(connection.dialect.name).label("month")
    where = sa.and_(sa.true(), *conditions)

    def grouped(column: ColumnElement[Any]) -> dict[Any, int]:
        rows = connection.execute(sa.select(column, sa.func.count()).where(where).group_by(column))
        return {key: int(n) for key, n in rows}

    total = connection.execute(sa.select(sa.func.count()).select_from(cases).where(where)).scalar_one()
    tactic_join = cases.join(case_tactics, sa.and_(case_tactics.c.case_id == cases.c.id,
                                                   case_tactics.c.source == effective_source()))
    by_tactic: dict[str, int] = dict(connection.execute(
        sa.select(case_tactics.c.tactic, sa.func.count()).select_from(tactic_join).where(where)
        .group_by(case_tactics.c.tactic)).all())
    month_tactic: dict[str, dict[str, int]] = {}
    for m, tactic, n in connection.execute(
        sa.select(month, case_tactics.c.tactic, sa.func.count()).select_from(tactic_join).where(where)
        .group_by(month, case_tactics.c.tactic)
    ):
        month_tactic.setdefault(m or UNKNOWN_MONTH, {})[tactic] = int(n)
    by_month = _months(connection.execute(
        sa.select(month, sa.func.count()).select_from(cases).where(where).group_by(month)).all())
    lost = sa.func.coalesce(sa.func.sum(cases.c.amount_lost), 0)
    loss_total, loss_cases = connection.execute(
        sa.select(lost, sa.func.count(cases.c.amount_lost)).where(where)).one()
    loss_by_month = _months(connection.execute(
        sa.select(month, lost).select_from(cases).where(where, cases.c.amount_lost.is_not(None))
        .group_by(month)).all())
    loss_by_section = dict(connection.execute(
        sa.select(cases.c.section, lost).where(where, cases.c.amount_lost.is_not(None))
        .group_by(cases.c.section)).all())
    return Stats(
        total=int(total),
        by_section=_ordered(grouped(cases.c.section), SECTIONS, keep_zero=True),
        by_channel=_ordered(grouped(cases.c.channel), CHANNELS),
        by_tactic=_ordered(by_tactic, TACTICS),
        by_month=by_month,
        by_month_tactic={m: _ordered(month_tactic[m], TACTICS)
                         for m in sorted(month_tactic, key=lambda m: (m == UNKNOWN_MONTH, m))},
        loss_total=int(loss_total),
        loss_cases=int(loss_cases),
        loss_by_month=loss_by_month,
        loss_by_section=_ordered({k: int(v) for k, v in loss_by_section.items()}, SECTIONS),
    )
