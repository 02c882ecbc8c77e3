"""Record readers for batch scans: JSON lines, CSV, mbox, Maildir and directories of ``.eml``.

A scan reads its input in the parent process and analyses it in workers, so reading is split in
two halves:

- :func:`open_source` opens an input and yields cheap *units* — a JSON line's bytes, a CSV row's
  fields, one mail's bytes from an mbox, a file name in a Maildir — counting bytes for a progress
  bar and describing the input for a resume checkpoint (:meth:`Source.identity`);
- :func:`read_unit`, run in a worker, turns one unit into ``(position, id, Message)``, raising a
  :class:`~mamori.errors.MamoriError` that the scan turns into an error record.

Units are plain picklable values (bytes, lists of str, str, or the error that replaced a unit).
Positions are 1-based: ``line`` (JSON lines, blank lines counted), ``row`` (CSV data rows after
the header, blank rows counted), ``message`` (mbox) and ``file`` (a path relative to the input
directory, ``/``-separated).

The mbox splitter follows :func:`mamori.formats.email.iter_mbox` rule for rule (it must: a test
compares them) but hands over bytes, so that :func:`~mamori.formats.email.parse_eml` runs in the
workers.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from mamori.errors import InputError, InputTooLargeError, MailFormatError, MamoriError, RecordError
from mamori.formats.email import iter_mbox_raw
from mamori.message import Message, parse_channel

__all__ = [
    "FORMATS",
    "POSITION_KEYS",
    "CsvColumns",
    "Source",
    "detect_format",
    "iter_eml_names",
    "iter_maildir_names",
    "iter_mbox_raw",
    "open_source",
    "read_unit",
]

FORMATS = ("jsonl", "csv", "mbox", "maildir", "emldir", "eml")
POSITION_KEYS = {
    "jsonl": "line",
    "csv": "row",
    "mbox": "message",
    "maildir": "file",
    "emldir": "file",
    "eml": "file",
}
MAX_RECORD_BYTES = 4_000_000
"""The longest JSON line or CSV field read; longer ones become error records."""
MAX_MAIL_BYTES = 25 * 1024 * 1024
"""The largest mail read (the same limit as :data:`mamori.formats.email.DEFAULT_MAX_BYTES`)."""

_EXTENSIONS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".mbox": "mbox",
    ".mbx": "mbox",
    ".eml": "eml",
}
_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE_CHUNK = 64 * 1024
_HEAD_BYTES = 1 << 20


def detect_format(source: str) -> str:
    """Guess the input format from a path: by extension, or by layout for a directory.

    >>> detect_format("-"), detect_format("in.csv"), detect_format("box.mbox"), detect_format("x.txt")
    ('jsonl', 'csv', 'mbox', 'jsonl')
    """
    if source == "-":
        return "jsonl"
    path = Path(source)
    if path.is_dir():
        return "maildir" if (path / "cur").is_dir() or (path / "new").is_dir() else "emldir"
    return _EXTENSIONS.get(path.suffix.lower(), "jsonl")


@dataclass(frozen=True, slots=True)
class CsvColumns:
    """Where the fields of a CSV row are, found from its header row."""

    text: int
    id: int | None = None
    channel: int | None = None
    text_name: str = "text"
    encoding: str = "utf-8"


class Source:
    """An opened input: its units, its size for a progress bar, its identity for a checkpoint.

    Use :func:`open_source`; iterate :meth:`units` once; :meth:`close` when done.
    """

    def __init__(
        self,
        fmt: str,
        path: str,
        stream: BinaryIO | None,
        *,
        root: str = "",
        csv_columns: CsvColumns | None = None,
        total: int | None = None,
    ) -> None:
        self.fmt = fmt
        self.path = path
        self.root = root
        self.csv_columns = csv_columns
        self.total = total
        self.done = 0
        self._stream = stream
        self._csv_rows: Iterator[list[str]] | None = None
        self._listing: tuple[int, str] | None = None

    def identity(self) -> dict[str, Any]:
        """What a resume checks: path, size and a hash of the first MiB (of the listing, for a directory)."""
        if self.path == "-":
            return {"path": "-"}
        path = Path(self.path)
        if self.fmt in ("maildir", "emldir"):
            count, digest = self._list()
            return {"path": str(path.resolve()), "files": count, "listing_sha256": digest}
        st = path.stat()
        with path.open("rb") as fh:
            head = hashlib.sha256(fh.read(_HEAD_BYTES)).hexdigest()
        return {
            "path": str(path.resolve()),
            "size": st.st_size,
            "mtime_ns": st.st_mtime_ns,
            "head_sha256": head,
        }

    def units(self) -> Iterator[Any]:
        """Yield the input's units in order; :attr:`done` grows as they are read."""
        if self.fmt == "jsonl":
            yield from self._lines()
        elif self.fmt == "csv":
            yield from self._rows()
        elif self.fmt == "mbox":
            assert self._stream is not None
            yield from iter_mbox_raw(self._stream, on_read=self._advance)
        elif self.fmt == "eml":
            assert self._stream is not None
            if self.path != "-":  # the worker reads the file
                self.done = self.total or 0
                yield Path(self.path).name
                return
            data = self._stream.read(MAX_MAIL_BYTES + 1)
            self.done = len(data)
            yield (
                data
                if len(data) <= MAX_MAIL_BYTES
                else InputTooLargeError(f"more than the limit of {MAX_MAIL_BYTES:,} bytes; skipped")
            )
        else:
            names = iter_maildir_names(self.path) if self.fmt == "maildir" else iter_eml_names(self.path)
            for name in names:
                self.done += 1
                yield name

    def close(self) -> None:
        if self._stream is not None and self._stream is not _stdin():
            self._stream.close()

    # -- internals ----------------------------------------------------------------------
    def _advance(self, n: int) -> None:
        self.done += n

    def _list(self) -> tuple[int, str]:
        if self._listing is None:
            digest = hashlib.sha256()
            names = iter_maildir_names(self.path) if self.fmt == "maildir" else iter_eml_names(self.path)
            count = 0
            for name in names:
                count += 1
                digest.update(name.encode("utf-8", "surrogateescape") + b"\n")
            self._listing = (count, digest.hexdigest())
        return self._listing

    def _lines(self) -> Iterator[bytes | RecordError]:
        stream = self._stream
        assert stream is not None
        limit = MAX_RECORD_BYTES
        while True:
            line = stream.readline(limit + 1)
            if not line:
                return
            self.done += len(line)
            if len(line) > limit and not line.endswith(b"\n"):
                size = len(line)
                while line and not line.endswith(b"\n"):  # drain the rest without holding it
                    line = stream.readline(_LINE_CHUNK)
                    size += len(line)
                    self.done += len(line)
                yield RecordError(f"{size:,} bytes, above the {limit:,}-byte line limit")
            else:
                yield line

    def _rows(self) -> Iterator[list[str] | RecordError]:
        assert self._csv_rows is not None and self._stream is not None
        raw = self._stream
        rows = self._csv_rows
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as exc:
                yield RecordError(f"malformed CSV ({exc})")
                continue
            finally:
                self._track(raw)
            yield row

    def _track(self, raw: BinaryIO) -> None:
        if self.total is not None:
            try:
                self.done = raw.tell()
            except OSError:
                self.total = None

    def _open_csv(
        self, encoding: str, text_column: str, id_column: str | None, channel_column: str | None
    ) -> None:
        assert self._stream is not None
        csv.field_size_limit(MAX_RECORD_BYTES)
        enc = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
        try:
            text = io.TextIOWrapper(self._stream, encoding=enc, errors="surrogateescape", newline="")
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}; use e.g. utf-8, cp932 or euc-jp") from None
        dialect = "excel-tab" if self.path.lower().endswith(".tsv") else "excel"
        rows = csv.reader(text, dialect)
        try:
            header = next(rows)
        except StopIteration:
            raise RecordError("empty CSV: expected a header row naming the columns (e.g. id,text)") from None
        except csv.Error as exc:
            raise RecordError(f"CSV header row: malformed ({exc})") from None
        names = [h.strip() for h in header]

        def find(name: str | None, option: str) -> int | None:
            if name is None:
                return None
            if name not in names:
                shown = ", ".join(repr(n[:30]) for n in names[:20])
                raise RecordError(
                    f"the CSV header has no column {name[:30]!r} (columns: {shown}); "
                    f"name the right one with {option}"
                )
            return names.index(name)

        text_index = find(text_column, "--text-column")
        assert text_index is not None
        self.csv_columns = CsvColumns(
            text_index,
            find(id_column, "--id-column"),
            find(channel_column, "--channel-column"),
            text_column,
            encoding,
        )
        self._csv_rows = rows


def _stdin() -> BinaryIO:
    return sys.stdin.buffer


def open_source(
    source: str,
    fmt: str,
    *,
    encoding: str = "utf-8",
    text_column: str = "text",
    id_column: str | None = None,
    channel_column: str | None = None,
) -> Source:
    """Open ``source`` (a path, or ``-`` for stdin) as ``fmt`` (one of :data:`FORMATS`).

    Raises:
        FileNotFoundError, OSError: the input cannot be opened (the CLI reports them).
        RecordError: a CSV without a header row or without the text column.
        MailFormatError: a directory that is not a Maildir, or not a directory.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown input format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    if fmt in ("maildir", "emldir"):
        if source == "-" or not Path(source).is_dir():
            raise MailFormatError(f"{fmt} input must be a directory, got {source!r}")
        if fmt == "maildir" and not any((Path(source) / d).is_dir() for d in ("cur", "new")):
            raise MailFormatError(f"not a Maildir: {source} has no cur/ or new/ directory")
        src = Source(fmt, source, None, root=source)
        src.total = src._list()[0]
        return src
    if source == "-":
        stream, total = _stdin(), None
    else:
        stream = open(source, "rb")  # noqa: SIM115 - owned by the Source, closed by close()
        total = os.fstat(stream.fileno()).st_size
    src = Source(fmt, source, stream, root=str(Path(source).parent) if source != "-" else "", total=total)
    if fmt == "csv":
        try:
            src._open_csv(encoding, text_column, id_column, channel_column)
        except InputError:
            src.close()
            raise
    return src


def iter_maildir_names(path: str | os.PathLike[str]) -> Iterator[str]:
    """The messages of a Maildir as ``cur/NAME`` then ``new/NAME``, by name (as ``iter_maildir``)."""
    root = Path(path)
    for folder in ("cur", "new"):
        if not (root / folder).is_dir():
            continue
        for name in sorted(os.listdir(root / folder)):
            if not name.startswith(".") and (root / folder / name).is_file():
                yield f"{folder}/{name}"


def iter_eml_names(path: str | os.PathLike[str], _prefix: str = "") -> Iterator[str]:
    """Every ``*.eml`` under a directory, recursively, in path order (as ``iter_eml_dir``).

    One directory's listing is held at a time.
    """
    base = Path(path)
    for name in sorted(os.listdir(base)):
        full = base / name
        if full.is_dir():
            yield from iter_eml_names(full, f"{_prefix}{name}/")
        elif name.lower().endswith(".eml") and full.is_file():
            yield f"{_prefix}{name}"


def read_unit(
    fmt: str,
    unit: Any,
    number: int,
    *,
    root: str = "",
    channel: str = "unknown",
    csv_columns: CsvColumns | None = None,
) -> tuple[dict[str, Any], Any, Message] | None:
    """Turn one unit into ``(position, id, Message)``, or None for a blank line or row.

    Runs in the workers. Raises a MamoriError for a bad unit; the error record then carries the
    position :func:`unit_position` gives.
    """
    if isinstance(unit, MamoriError):
        where = unit_position(fmt, unit, number)
        raise type(unit)(f"{next(iter(where))} {next(iter(where.values()))}: {unit}")
    if fmt == "jsonl":
        if not unit.strip():
            return None
        from mamori.batch import parse_jsonl_line

        rid, message = parse_jsonl_line(unit, number, default_channel=channel)
        return {"line": number}, rid, message
    if fmt == "csv":
        assert csv_columns is not None
        if not unit:
            return None
        rid, message = _csv_message(unit, number, csv_columns, channel)
        return {"row": number}, rid, message
    from mamori.formats.email import parse_eml

    position = unit_position(fmt, unit, number)
    try:
        data = unit if isinstance(unit, bytes) else _read_mail_file(Path(root) / unit)
        message = parse_eml(data, max_bytes=MAX_MAIL_BYTES)
    except (MailFormatError, InputTooLargeError) as exc:
        where = f"message {number}" if fmt == "mbox" else position["file"]
        raise type(exc)(f"{where}: {exc}") from None
    return position, message.headers.get("message-id") or None, message


def unit_position(fmt: str, unit: Any, number: int) -> dict[str, Any]:
    """The position of a unit, for its record: ``{"line": 3}``, ``{"file": "cur/x"}``..."""
    key = POSITION_KEYS[fmt]
    if key == "file":
        return {key: unit if isinstance(unit, str) else "-"}
    return {key: number}


def _csv_message(row: list[str], number: int, cols: CsvColumns, channel: str) -> tuple[Any, Message]:
    for cell in row:
        if _SURROGATE.search(cell):
            raise RecordError(f"row {number}: not valid {cols.encoding}; convert the file or pass --encoding")
    needed = max(i for i in (cols.text, cols.id, cols.channel) if i is not None)
    if len(row) <= needed:
        raise RecordError(
            f"row {number}: {len(row)} field(s), but the column {cols.text_name!r} "
            f"is field {cols.text + 1} of the header; the row is short or its quoting is broken"
        )
    rid = row[cols.id] if cols.id is not None else None
    chan = row[cols.channel].strip() if cols.channel is not None else ""
    return rid, Message(row[cols.text], parse_channel(chan or channel))


def _read_mail_file(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_MAIL_BYTES + 1)
    except OSError as exc:
        raise MailFormatError(f"cannot be read: {exc.strerror or type(exc).__name__}") from None
    if len(data) > MAX_MAIL_BYTES:
        raise InputTooLargeError(f"more than the limit of {MAX_MAIL_BYTES:,} bytes; skipped")
    return data
