"""Streaming batch analysis: records in, one result record out per input, in order.

Bad records never stop a scan: each becomes an error record with its position.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mamori.analyzer import Analyzer
from mamori.errors import MamoriError, RecordError
from mamori.message import Message, Segment, Turn, parse_channel
from mamori.pii import redact

__all__ = ["ScanSummary", "analyze_record", "parse_jsonl_line", "scan_jsonl", "turns_message"]

MAX_LINE_BYTES = 4_000_000


@dataclass
class ScanSummary:
    """Counts for the end-of-scan summary."""

    total: int = 0
    errors: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)
    tactics: dict[str, int] = field(default_factory=dict)

    def add(self, record: dict[str, Any]) -> None:
        self.total += 1
        if "error" in record:
            self.errors += 1
            return
        v = record["verdict"]
        self.verdicts[v] = self.verdicts.get(v, 0) + 1
        for t in record["tactics"]:
            self.tactics[t] = self.tactics.get(t, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "errors": self.errors, "verdicts": self.verdicts, "tactics": self.tactics}


def turns_message(turns: Any, channel: str = "phone") -> Message:
    """Build one Message from call turns ``[{"speaker": ..., "text": ...}, ...]``.

    The text is the turns joined line by line as ``speaker: text``; each turn is a segment
    labelled ``turn N`` (1-based) so evidence says at which turn it was said.

    >>> m = turns_message([{"speaker": "caller", "text": "市役所です"}, {"speaker": "me", "text": "はい"}])
    >>> m.text
    'caller: 市役所です\\nme: はい'
    >>> m.segments[1].label
    'turn 2'
    """
    if not isinstance(turns, list) or not turns:
        raise RecordError("turns must be a non-empty JSON list of {\"speaker\", \"text\"} objects")
    parts: list[str] = []
    segments: list[Segment] = []
    out_turns: list[Turn] = []
    pos = 0
    for i, t in enumerate(turns, 1):
        if not isinstance(t, dict) or not isinstance(t.get("text"), str):
            raise RecordError(f"turn {i}: expected an object with a string \"text\" (and optional \"speaker\")")
        speaker = t.get("speaker", "")
        if not isinstance(speaker, str):
            raise RecordError(f"turn {i}: \"speaker\" must be a string")
        prefix = f"{speaker}: " if speaker else ""
        line = prefix + t["text"].replace("\n", " ")
        if parts:
            pos += 1  # the joining newline
        segments.append(Segment(f"turn {i}", pos, pos + len(line), speaker or None))
        parts.append(line)
        out_turns.append(Turn(speaker, t["text"]))
        pos += len(line)
    return Message("\n".join(parts), parse_channel(channel), segments=tuple(segments), turns=tuple(out_turns))


def parse_jsonl_line(raw: bytes | str, line_no: int) -> tuple[Any, Message]:
    """Parse one JSON line into ``(id, Message)``; raise RecordError with a precise reason."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_LINE_BYTES:
            raise RecordError(f"line {line_no}: {len(raw):,} bytes, above the {MAX_LINE_BYTES:,}-byte line limit")
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RecordError(f"line {line_no}: not valid UTF-8 (byte {exc.start})") from None
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise RecordError(f"line {line_no}: invalid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise RecordError(f"line {line_no}: expected a JSON object with \"text\", got {type(obj).__name__}")
    rid = obj.get("id")
    if isinstance(rid, dict | list):
        raise RecordError(f"line {line_no}: \"id\" must be a string or a number")
    channel = obj.get("channel", "unknown")
    if not isinstance(channel, str):
        raise RecordError(f"line {line_no}: \"channel\" must be a string")
    if "turns" in obj and "text" not in obj:
        return rid, turns_message(obj["turns"], channel if "channel" in obj else "phone")
    text = obj.get("text")
    if not isinstance(text, str):
        raise RecordError(f"line {line_no}: missing string field \"text\" (or \"turns\")")
    return rid, Message(text, parse_channel(channel))


def analyze_record(analyzer: Analyzer, rid: Any, message: Message) -> dict[str, Any]:
    """A result record: the input's id and the report's fields."""
    record: dict[str, Any] = {"id": rid}
    record.update(analyzer.analyze(message).to_dict())
    return record


def error_record(position: dict[str, Any], exc: MamoriError, rid: Any = None) -> dict[str, Any]:
    """An error record: where, what kind, and a message (My Numbers masked)."""
    rec = dict(position)
    rec["id"] = rid
    rec["error"] = redact(str(exc))
    rec["error_type"] = type(exc).__name__
    return rec


def scan_jsonl(lines: Iterable[bytes], analyzer: Analyzer) -> Iterator[dict[str, Any]]:
    """Analyze JSON lines one by one (constant memory); blank lines are skipped and counted as nothing."""
    for line_no, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        rid = None
        try:
            rid, message = parse_jsonl_line(raw, line_no)
            rec = analyze_record(analyzer, rid, message)
            rec["line"] = line_no
            yield rec
        except MamoriError as exc:
            yield error_record({"line": line_no}, exc, rid)
