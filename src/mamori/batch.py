"""Streaming batch analysis: records in, one result record out per input, in order.

Bad records never stop a scan: each becomes an error record with its position.

Two layers:

- one record at a time, in one process: :func:`parse_jsonl_line`, :func:`analyze_record`,
  :func:`error_record` and :func:`scan_jsonl`;
- chunked scans for ``mamori scan``: the units of a :class:`~mamori.formats.readers.Source` are
  grouped by :func:`iter_chunks`; :func:`process_chunk` analyses a chunk into a
  :class:`ChunkResult` (its JSON lines or flat rows, and its :class:`ScanSummary`); and
  :func:`run_chunks` runs chunks in a pool of worker processes, each of which builds its
  Analyzer once, and yields the results in input order with a bounded number of chunks in
  flight, so memory stays constant whatever the input's size. Parsing, analysis and JSON
  encoding all happen in the workers; the parent only reads, hands out and writes bytes.
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from mamori.analyzer import DEFAULT_MAX_CHARS, Analyzer
from mamori.errors import MamoriError, RecordError
from mamori.formats.readers import POSITION_KEYS, CsvColumns, read_unit, unit_position
from mamori.message import Message, Segment, Turn, parse_channel
from mamori.pii import redact

__all__ = [
    "ChunkResult",
    "ScanOptions",
    "ScanSummary",
    "analyze_record",
    "error_record",
    "flat_row",
    "iter_chunks",
    "parse_jsonl_line",
    "process_chunk",
    "run_chunks",
    "scan_jsonl",
    "turns_message",
]

MAX_LINE_BYTES = 4_000_000
CHUNK_UNITS = 256
CHUNK_BYTES = 4_000_000


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

    def merge(self, other: ScanSummary) -> None:
        """Add another summary's counts to this one."""
        self.total += other.total
        self.errors += other.errors
        for mine, theirs in ((self.verdicts, other.verdicts), (self.tactics, other.tactics)):
            for k, n in theirs.items():
                mine[k] = mine.get(k, 0) + n

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "errors": self.errors,
            "verdicts": self.verdicts,
            "tactics": self.tactics,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScanSummary:
        """The inverse of :meth:`to_dict` (a checkpoint stores the summary so far)."""
        return cls(int(data["total"]), int(data["errors"]), dict(data["verdicts"]), dict(data["tactics"]))


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
        raise RecordError('turns must be a non-empty JSON list of {"speaker", "text"} objects')
    parts: list[str] = []
    segments: list[Segment] = []
    out_turns: list[Turn] = []
    pos = 0
    for i, t in enumerate(turns, 1):
        if not isinstance(t, dict) or not isinstance(t.get("text"), str):
            raise RecordError(f'turn {i}: expected an object with a string "text" (and optional "speaker")')
        speaker = t.get("speaker", "")
        if not isinstance(speaker, str):
            raise RecordError(f'turn {i}: "speaker" must be a string')
        prefix = f"{speaker}: " if speaker else ""
        line = prefix + t["text"].replace("\n", " ")
        if parts:
            pos += 1  # the joining newline
        segments.append(Segment(f"turn {i}", pos, pos + len(line), speaker or None))
        parts.append(line)
        out_turns.append(Turn(speaker, t["text"]))
        pos += len(line)
    return Message("\n".join(parts), parse_channel(channel), segments=tuple(segments), turns=tuple(out_turns))


def parse_jsonl_line(
    raw: bytes | str, line_no: int, *, default_channel: str = "unknown"
) -> tuple[Any, Message]:
    """Parse one JSON line into ``(id, Message)``; raise RecordError with a precise reason.

    ``default_channel`` applies when the object has no ``"channel"`` (call turns default to phone).
    """
    if isinstance(raw, bytes):
        if len(raw) > MAX_LINE_BYTES:
            raise RecordError(
                f"line {line_no}: {len(raw):,} bytes, above the {MAX_LINE_BYTES:,}-byte line limit"
            )
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RecordError(f"line {line_no}: not valid UTF-8 (byte {exc.start})") from None
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise RecordError(f"line {line_no}: invalid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise RecordError(f'line {line_no}: expected a JSON object with "text", got {type(obj).__name__}')
    rid = obj.get("id")
    if isinstance(rid, dict | list):
        raise RecordError(f'line {line_no}: "id" must be a string or a number')
    channel = obj.get("channel", default_channel)
    if not isinstance(channel, str):
        raise RecordError(f'line {line_no}: "channel" must be a string')
    if "turns" in obj and "text" not in obj:
        if "channel" not in obj and default_channel == "unknown":
            channel = "phone"
        return rid, turns_message(obj["turns"], channel)
    text = obj.get("text")
    if not isinstance(text, str):
        raise RecordError(f'line {line_no}: missing string field "text" (or "turns")')
    return rid, Message(text, parse_channel(channel))


def analyze_record(analyzer: Analyzer, rid: Any, message: Message) -> dict[str, Any]:
    """A result record: the input's id and the report's fields."""
    record: dict[str, Any] = {"id": redact(rid)}
    record.update(analyzer.analyze(message).to_dict())
    return record


def peak_rss_kb() -> int:
    """Peak resident memory of this process in KB.

    Linux keeps ``ru_maxrss`` across exec, so a process started from a large parent would
    report the parent's peak; the VmHWM line of /proc/self/status belongs to this process alone.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def error_record(position: dict[str, Any], exc: MamoriError, rid: Any = None) -> dict[str, Any]:
    """An error record: where, what kind, and a message (My Numbers masked)."""
    rec = dict(position)
    rec["id"] = redact(rid)  # an id may itself be a My Number
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


# -- chunked scans ----------------------------------------------------------------------------

#: The columns of a flat row (Parquet output), after the position column. Nested values
#: (tactic_scores, caution_points, signals) are JSON text, exactly as in the JSON lines.
ROW_COLUMNS = (
    "id",
    "verdict",
    "verdict_ja",
    "score",
    "tactics",
    "tactic_scores",
    "caution_points",
    "signals",
    "advice",
    "channel",
    "rules_version",
    "notes",
    "first_violation_turn",
    "error",
    "error_type",
)
_JSON_COLUMNS = ("tactic_scores", "caution_points", "signals")


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """What a worker needs to know to turn units into output.

    Args:
        fmt: the input format (:data:`mamori.formats.readers.FORMATS`).
        channel: the channel of records that do not state one.
        only: verdicts to output (error records are always output); None for all.
        rows: produce flat rows (for Parquet) instead of JSON lines.
        root: the directory that file units are relative to.
        csv_columns: where the CSV fields are.
        max_chars: the analyzer's text limit.
    """

    fmt: str = "jsonl"
    channel: str = "unknown"
    only: frozenset[str] | None = None
    rows: bool = False
    root: str = ""
    csv_columns: CsvColumns | None = None
    max_chars: int = DEFAULT_MAX_CHARS

    @property
    def position_key(self) -> str:
        return POSITION_KEYS[self.fmt]


@dataclass(slots=True)
class ChunkResult:
    """One chunk's output: ``lines`` (UTF-8 JSON lines) or ``rows``, and its counts.

    ``worker`` is the pid that made it; ``peak_rss_kb`` and ``cpu_s`` are that process's peak
    RSS and CPU time so far, for the run statistics; ``rules_version`` the version of its rules.
    """

    units: int
    summary: ScanSummary
    lines: bytes = b""
    rows: list[dict[str, Any]] | None = None
    worker: int = 0
    peak_rss_kb: int = 0
    cpu_s: float = 0.0
    rules_version: str = ""


def flat_row(record: dict[str, Any], position_key: str) -> dict[str, Any]:
    """A record as a flat row: the position, then :data:`ROW_COLUMNS`.

    The id becomes text (a JSON number keeps its JSON spelling); nested values become JSON text.

    >>> flat_row({"line": 2, "id": 7, "error": "bad", "error_type": "RecordError"}, "line")["id"]
    '7'
    """
    row: dict[str, Any] = {position_key: record.get(position_key)}
    for col in ROW_COLUMNS:
        value = record.get(col)
        if col == "id" and value is not None and not isinstance(value, str):
            value = json.dumps(value)
        elif col in _JSON_COLUMNS and value is not None:
            value = json.dumps(value, ensure_ascii=False)
        row[col] = value
    return row


def process_chunk(analyzer: Analyzer, options: ScanOptions, chunk: tuple[int, list[Any]]) -> ChunkResult:
    """Analyze one chunk ``(number of its first unit, units)``; never raises for a bad unit."""
    first, units = chunk
    summary = ScanSummary()
    out: list[Any] = []
    keep = options.only
    key = options.position_key
    cols = options.csv_columns
    for i, unit in enumerate(units):
        number = first + i
        rid = None
        try:
            got = read_unit(
                options.fmt, unit, number, root=options.root, channel=options.channel, csv_columns=cols
            )
            if got is None:
                continue
            position, rid, message = got
            rec = analyze_record(analyzer, rid, message)
            rec.update(position)
        except MamoriError as exc:
            rec = error_record(unit_position(options.fmt, unit, number), exc, rid)
        summary.add(rec)
        if keep is not None and "error" not in rec and rec["verdict"] not in keep:
            continue
        out.append(flat_row(rec, key) if options.rows else json.dumps(rec, ensure_ascii=False))
    result = ChunkResult(
        len(units),
        summary,
        worker=os.getpid(),
        peak_rss_kb=peak_rss_kb(),
        cpu_s=time.process_time(),
        rules_version=analyzer.rules.version,
    )
    if options.rows:
        result.rows = out
    elif out:
        # A lone surrogate can only sit inside a JSON string: \\udXXX is its JSON escape.
        result.lines = ("\n".join(out) + "\n").encode("utf-8", "backslashreplace")
    return result


def iter_chunks(
    units: Iterable[Any], first: int = 1, *, size: int = CHUNK_UNITS, max_bytes: int = CHUNK_BYTES
) -> Iterator[tuple[int, list[Any]]]:
    """Group units into chunks of ``size`` units (fewer when they pass ``max_bytes``).

    Chunk boundaries depend only on the units from ``first`` on, so a resumed scan that starts
    at a boundary cuts the rest of the input exactly as an uninterrupted one.

    >>> [(n, len(c)) for n, c in iter_chunks(range(600), size=256)]
    [(1, 256), (257, 256), (513, 88)]
    """
    chunk: list[Any] = []
    nbytes = 0
    for unit in units:
        chunk.append(unit)
        if isinstance(unit, bytes):
            nbytes += len(unit)
        elif isinstance(unit, list):  # a CSV row
            nbytes += sum(map(len, unit))
        if len(chunk) >= size or nbytes >= max_bytes:
            yield first, chunk
            first += len(chunk)
            chunk, nbytes = [], 0
    if chunk:
        yield first, chunk


_worker_state: tuple[Analyzer, ScanOptions] | None = None


def _init_worker(options: ScanOptions) -> None:
    global _worker_state
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    parent = multiprocessing.parent_process()
    if parent is not None:  # exit with the parent, even one killed with SIGKILL
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()
    _worker_state = (Analyzer(max_chars=options.max_chars), options)


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def _work(chunk: tuple[int, list[Any]]) -> ChunkResult:
    assert _worker_state is not None, "worker not initialised"
    analyzer, options = _worker_state
    return process_chunk(analyzer, options, chunk)


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["mamori.batch"])
        return ctx
    return multiprocessing.get_context("spawn")


def run_chunks(
    chunks: Iterable[tuple[int, list[Any]]],
    options: ScanOptions,
    jobs: int = 1,
    *,
    in_flight: int | None = None,
) -> Iterator[ChunkResult]:
    """Process chunks and yield their results in input order.

    ``jobs`` = 1 works in this process; more start a pool of that many worker processes
    (forkserver where available, else spawn: never fork a parent with threads), each
    building its Analyzer once. At most ``in_flight`` chunks (4 per worker by default) are
    handed out and not yet yielded, which bounds memory. Closing the generator stops the pool.

    The pool is a ``concurrent.futures.ProcessPoolExecutor`` rather than a
    ``multiprocessing.Pool``: the latter's worker-handler thread wakes up whenever a result
    waits in its pipe, and spins while large results are read (it cost the parent 1.8 s of
    CPU on 200,000 messages, two thirds of all its work).
    """
    if jobs <= 1:
        analyzer = Analyzer(max_chars=options.max_chars)
        for chunk in chunks:
            yield process_chunk(analyzer, options, chunk)
        return
    window = max(1, in_flight or 4 * jobs)
    pool = ProcessPoolExecutor(jobs, mp_context=_context(), initializer=_init_worker, initargs=(options,))
    try:
        pending: deque[Future[ChunkResult]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_work, chunk))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
