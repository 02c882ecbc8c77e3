"""One case on its way in: checked, masked, normalised, fingerprinted, analyzed, inserted.

The analyzer reads the original text (a My Number in it still counts as evidence) in memory
only; what is stored is the masked text and a compact report whose evidence offsets point
into the masked text.
"""

from __future__ import annotations

import functools
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from mamori.analyzer import Analyzer
from mamori.cases.models import case_tactics, cases
from mamori.cases.records import NewCase, check, parse_record
from mamori.errors import RecordError
from mamori.pii import find, mask
from mamori.pii.redact import LABELS as PII_LABELS
from mamori.similar import normalize

__all__ = ["MAX_LINE_CHARS", "analyze_case", "check_case", "insert_case", "is_known", "parse_line"]

MAX_LINE_CHARS = 1_000_000
_LABEL_LEN = len(PII_LABELS["mynumber"])
_CASE_COLUMNS = frozenset(c.name for c in cases.c if c.name != "id")
_SAME_FINGERPRINT = sa.select(cases.c.id).where(cases.c.fingerprint == sa.bindparam("fp"))
_SIGNAL_KEYS = ("rule_id", "tactic", "weight", "caution_point", "detail", "spans")


def parse_line(line: str, public: bool) -> NewCase:
    """One JSON line as a NewCase (see :func:`mamori.cases.records.parse_record`)."""
    if len(line) > MAX_LINE_CHARS:
        raise RecordError(f"line too long: {len(line):,} characters (at most {MAX_LINE_CHARS:,})")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RecordError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    return parse_record(record, public=public)


def check_case(new: NewCase) -> dict[str, Any]:
    """The case's values, checked and masked, with the normalised texts and the fingerprint: a
    hash of the section, channel, received date, place and normalised masked text, which says
    when two cases are the same one. ``"original"`` holds the unmasked text for the analyzer."""
    values = check(new)
    values["norm_text"] = normalize(values["text"])
    values["norm_notes"] = normalize(values["notes"]) if values["notes"] else None
    key = [values["section"], values["channel"], values["received_on"].isoformat() if values["received_on"] else "",
           values["prefecture"] or "", values["municipality"] or "", values["norm_text"]]
    values["fingerprint"] = hashlib.sha256(json.dumps(key, ensure_ascii=False).encode()).hexdigest()
    return values


def analyze_case(values: dict[str, Any], analyzer: Analyzer) -> dict[str, Any]:
    """Add the analyzer's verdict, score, tactics and compact report; drop the original text."""
    original = values.pop("original")
    report = analyzer.analyze(original, values["channel"])
    values.update(
        verdict=report.verdict.value, score=report.score, rules_version=report.rules_version,
        report=json.dumps(_stored_report(report.to_dict(), original), ensure_ascii=False),
        analyzer_tactics=report.tactics,
    )
    return values


@functools.cache
def _insert_statement(dialect: str) -> Any:
    insert = sqlite.insert(cases) if dialect == "sqlite" else postgresql.insert(cases)
    return insert.on_conflict_do_nothing(index_elements=["fingerprint"]).returning(cases.c.id)


def insert_case(conn: Connection, values: dict[str, Any]) -> tuple[int | None, int | None]:
    """Insert an analyzed case and its tactic rows; ``(id, None)``, or ``(None, existing id)``
    for a duplicate. Run it inside a transaction."""
    row = {k: v for k, v in values.items() if k in _CASE_COLUMNS}
    now = datetime.now(UTC)
    row.update(labelled=values["counselor_tactics"] is not None, created_at=now, updated_at=now)
    existing = conn.execute(_SAME_FINGERPRINT, {"fp": row["fingerprint"]}).scalar()
    if existing is not None:  # looked up first: a refused insert would still use up an id
        return None, existing
    case_id = conn.execute(_insert_statement(conn.dialect.name), row).scalar()
    if case_id is None:  # PostgreSQL: another transaction stored it meanwhile
        return None, conn.execute(_SAME_FINGERPRINT, {"fp": row["fingerprint"]}).scalar()
    tactic_rows = [{"case_id": case_id, "source": "analyzer", "tactic": t} for t in values["analyzer_tactics"]]
    tactic_rows += [{"case_id": case_id, "source": "counselor", "tactic": t} for t in values["counselor_tactics"] or ()]
    if tactic_rows:
        conn.execute(case_tactics.insert(), tactic_rows)
    return case_id, None


def _stored_report(report: dict[str, Any], original: str) -> dict[str, Any]:
    """The report as stored: compact (rule ids, tactics, weights and evidence; descriptions and
    advice are pack data, looked up by rule id), the texts that come from the message masked,
    and span offsets moved from the original text to the stored, masked one."""
    ranges = [(m.start, m.end) for m in find(original) if m.kind == "mynumber"]

    def moved(offset: int, end: bool) -> int:
        shift = 0
        for start, stop in ranges:
            if offset <= start:
                break
            if offset < stop:
                return start + shift + (_LABEL_LEN if end else 0)
            shift += _LABEL_LEN - (stop - start)
        return offset + shift

    signals = []
    for signal in report.get("signals", []):
        kept = {key: signal.get(key) for key in _SIGNAL_KEYS}
        if kept["detail"]:
            kept["detail"] = mask(kept["detail"])
        spans = []
        for span in signal.get("spans", []):
            start, end = (moved(span["start"], False), moved(span["end"], True)) if ranges else (span["start"], span["end"])
            spans.append({**span, "start": start, "end": end, "text": mask(span["text"])})
        kept["spans"] = spans
        signals.append(kept)
    return {
        "verdict": report["verdict"], "score": report["score"], "tactics": report["tactics"],
        "tactic_scores": report.get("tactic_scores", {}),
        "caution_points": [cp["id"] for cp in report.get("caution_points", [])],
        "signals": signals, "channel": report.get("channel"), "rules_version": report.get("rules_version"),
        "notes": [mask(note) for note in report.get("notes", [])],
    }


def is_known(conn: Connection, fingerprint: str) -> bool:
    return conn.execute(_SAME_FINGERPRINT, {"fp": fingerprint}).first() is not None
