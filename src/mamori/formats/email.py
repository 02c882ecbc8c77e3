"""Reading e-mail: ``.eml`` files, mbox mailboxes, Maildir and directories of ``.eml`` files.

:func:`parse_eml` turns the bytes of one mail into a :class:`~mamori.message.Message` whose text is
the decoded subject and sender followed by the body text(s)::

    件名: <subject>
    差出人: <from display name and address>
    返信先: <reply-to>            (only when present)

    <body text, or the chosen parts separated by a blank line>

``segments`` say which header or MIME part each region came from, ``headers`` keeps the decoded
headers and ``links`` the ``(text, href)`` pairs of HTML bodies. What could not be read (an
attachment, a damaged part, an unknown charset) becomes a note in ``notes``; only a mail with
nothing usable raises :class:`~mamori.errors.MailFormatError`. No exception of the standard
library escapes.
"""

from __future__ import annotations

import email.errors
import email.policy
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from email.message import Message as MimePart
from email.parser import BytesParser
from pathlib import Path
from types import MappingProxyType
from typing import BinaryIO
from urllib.parse import unquote_to_bytes

from mamori.errors import InputTooLargeError, MailFormatError
from mamori.formats.charsets import decode, decode_header_text, raw_bytes
from mamori.formats.html import html_to_text
from mamori.formats.sender import split_addresses
from mamori.message import Channel, Message, Segment

__all__ = ["DEFAULT_MAX_BYTES", "iter_eml_dir", "iter_maildir", "iter_mbox", "iter_mbox_raw", "parse_eml"]

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
"""The largest mail :func:`parse_eml` reads (25 MiB, a common provider limit)."""

_KEPT_HEADERS = ("from", "reply-to", "return-path", "subject", "to", "date", "message-id")
_MAILBOX_HEADERS = frozenset({"from", "reply-to", "return-path", "to"})
_MAIL_HEADERS = frozenset(
    {
        "from",
        "to",
        "cc",
        "subject",
        "date",
        "message-id",
        "received",
        "return-path",
        "reply-to",
        "sender",
        "mime-version",
        "content-type",
        "delivered-to",
        "x-mailer",
        "in-reply-to",
    }
)
# Exceptions the standard e-mail package raises on hostile input (RecursionError on nested
# comments or parts, AttributeError/IndexError from the header parser's corner cases).
_STDLIB_ERRORS = (
    email.errors.MessageError,
    LookupError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    RecursionError,
    UnicodeError,
)
_MAX_NOTES = 40
_MAX_DEPTH = 20
_ADDRESS_LIMIT = 4096
_PARAM = re.compile(r';\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_HEADER_LINE = re.compile(rb"[\x21-\x39\x3b-\x7e]+:|[ \t]|From ")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")
_META_CHARSET = re.compile(rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{1,40})", re.IGNORECASE)
_SPECIALS = frozenset('()<>@,;:\\".[]')
_DEFECTS = {
    email.errors.CloseBoundaryNotFoundDefect: (
        "multipart end boundary missing: the mail may be truncated",
        "マルチパートの終端がなく、途中で切れている可能性があります",
    ),
    email.errors.StartBoundaryNotFoundDefect: (
        "multipart boundary not found: the body was read as one part",
        "マルチパートの区切りが見つかりません",
    ),
    email.errors.NoBoundaryInMultipartDefect: (
        "multipart without a boundary: the body was read as one part",
        "マルチパートに区切りの指定がありません",
    ),
    email.errors.MissingHeaderBodySeparatorDefect: (
        "a line without a colon in the headers: the rest was read as the body",
        "ヘッダー中にコロンのない行があります",
    ),
}
_BASE64_DEFECTS = (
    email.errors.InvalidBase64CharactersDefect,
    email.errors.InvalidBase64PaddingDefect,
    email.errors.InvalidBase64LengthDefect,
)


def _one_line(text: str) -> str:
    return _CONTROL.sub(" ", text).strip()


def _unfold(raw: str) -> str:
    return _FOLD.sub("", str(raw)).strip()


def _mime_value(raw: str | None) -> tuple[str, dict[str, str]]:
    """Split a Content-Type or Content-Disposition value into its lower-case value and parameters,
    joining RFC 2231 continuations and decoding RFC 2231 and RFC 2047 encoded values."""
    if not raw:
        return "", {}
    text = _unfold(raw)[:65536]
    head, _, rest = text.partition(";")
    plain: dict[str, str] = {}
    pieces: dict[str, list[tuple[int, bool, str]]] = {}
    for match in _PARAM.finditer(";" + rest):
        name, value = match.group(1).lower(), match.group(2).strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        if "*" not in name:
            plain.setdefault(name, value)
            continue
        base, _, index = name.partition("*")
        extended = index.endswith("*") or index == ""
        number = index.rstrip("*")
        pieces.setdefault(base, []).append((int(number) if number.isdigit() else 0, extended, value))
    for base, parts in pieces.items():
        parts.sort(key=lambda part: part[0])
        charset, data = "", bytearray()
        for position, (_, extended, value) in enumerate(parts):
            if extended and position == 0 and value.count("'") >= 2:
                charset, _, value = value.split("'", 2)
            data += unquote_to_bytes(raw_bytes(value)) if extended else raw_bytes(value)
        plain[base] = decode(bytes(data), charset or "utf-8").text
    return head.strip().lower(), plain


def _first_headers(part: MimePart) -> dict[str, str]:
    """The raw value of the first occurrence of each header, by lower-case name."""
    headers: dict[str, str] = {}
    for name, value in part.raw_items():
        headers.setdefault(name.lower(), str(value))
    return headers


def _format_mailbox(name: str, address: str) -> str:
    if not address:
        return name
    if not name:
        return address
    if any(char in _SPECIALS for char in name):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{address}>"


class _Reader:
    """The state of reading one mail: notes, links and the part counter."""

    def __init__(self) -> None:
        self.notes: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.count = 0
        self.root_is_leaf = False
        self.defects: set[type[email.errors.MessageDefect]] = set()

    def note(self, english: str, japanese: str) -> None:
        if len(self.notes) < _MAX_NOTES:
            self.notes.append(f"{english} / {japanese}")
        elif len(self.notes) == _MAX_NOTES:
            self.notes.append("more notes omitted / 以降の注記は省略しました")

    def header(self, name: str, raw: str) -> str:
        if name in _MAILBOX_HEADERS:
            pairs = split_addresses(_unfold(raw)[:_ADDRESS_LIMIT])
            shown, fell_back = [], False
            for name_raw, address_raw in pairs:
                display, name_fb = decode_header_text(name_raw)
                address, address_fb = decode_header_text(address_raw)
                fell_back = fell_back or name_fb or address_fb
                shown.append(_format_mailbox(_one_line(display), _one_line(address)))
            value = ", ".join(item for item in shown if item)
        else:
            value, fell_back = decode_header_text(raw)
            value = _one_line(value)
        if fell_back:
            self.note(
                f"{name}: charset missing, unknown or wrong; decoded by detection",
                f"{name} の文字コードを推定して読みました",
            )
        return value

    def select(self, part: MimePart, depth: int) -> list[tuple[str, str]]:
        """Return the (label, text) pieces of ``part`` worth reading, in order."""
        if depth > _MAX_DEPTH:
            self.note(
                "MIME parts nested too deeply; the inner ones were skipped",
                "入れ子が深すぎるパートを読み飛ばしました",
            )
            return []
        self.defects.update(type(defect) for defect in part.defects)
        headers = _first_headers(part)
        ctype = _mime_value(headers.get("content-type"))[0] or "text/plain"
        if not part.is_multipart():
            self.count += 1
            return self.leaf(part, self.count, headers)
        children = [child for child in part.get_payload() if isinstance(child, MimePart)]
        if ctype == "message/rfc822":
            pieces = []
            for child in children:
                inner = _first_headers(child)
                lines = [
                    f"{label}: {self.header(key, inner[key])}"
                    for key, label in (("subject", "件名"), ("from", "差出人"))
                    if key in inner
                ]
                if lines:
                    pieces.append(("forwarded message", "\n".join(lines)))
                pieces += self.select(child, depth + 1)
            return pieces
        chosen = [self.select(child, depth + 1) for child in children]
        if ctype != "multipart/alternative":
            return [piece for pieces in chosen for piece in pieces]
        plain = next((p for p in chosen if p and not p[0][0].endswith("(text/html)")), [])
        rich = next((p for p in reversed(chosen) if p and p[-1][0].endswith("(text/html)")), [])
        if not plain:
            return rich
        if rich and not _same_content(" ".join(t for _, t in plain), " ".join(t for _, t in rich)):
            return plain + rich
        return plain

    def leaf(self, part: MimePart, number: int, headers: dict[str, str]) -> list[tuple[str, str]]:
        ctype, params = _mime_value(headers.get("content-type"))
        ctype = ctype or "text/plain"
        disposition, dparams = _mime_value(headers.get("content-disposition"))
        filename = decode_header_text(dparams.get("filename") or params.get("name") or "")[0]
        label = "body" if self.root_is_leaf else f"part {number} ({ctype})"
        where = "body" if self.root_is_leaf else f"part {number}"
        maintype = ctype.partition("/")[0]
        if disposition == "attachment" or maintype not in ("text", "multipart"):
            self.note(
                f"{where} skipped: attachment {_safe_name(filename)}({ctype})",
                "添付ファイルを読み飛ばしました",
            )
            return []
        try:
            payload = part.get_payload(decode=True)
        except _STDLIB_ERRORS:
            self.note(
                f"{where} skipped: unreadable transfer encoding",
                "転送エンコーディングを読めないパートを読み飛ばしました",
            )
            return []
        if not isinstance(payload, bytes):
            return []
        if any(isinstance(defect, _BASE64_DEFECTS) for defect in part.defects):
            self.note(f"{where}: damaged base64, partly decoded", "base64 が壊れているため一部だけ読みました")
        cte = _unfold(headers.get("content-transfer-encoding", "")).lower()
        if cte not in ("", "7bit", "8bit", "binary", "base64", "quoted-printable", "x-uuencode", "uuencode"):
            self.note(
                f"{where}: unknown transfer encoding {_safe_name(cte)}read as is",
                "不明な転送エンコーディングのまま読みました",
            )
        declared = params.get("charset")
        if ctype == "text/html" and not declared:
            meta = _META_CHARSET.search(payload[:4096])
            declared = meta.group(1).decode("ascii") if meta else None
        result = decode(payload, declared)
        if result.lossy:
            self.note(
                f"{where}: undecodable bytes replaced ({result.reason}; read as {result.charset})",
                "文字コードを判定できず、読めない文字を置き換えました",
            )
        elif result.fell_back:
            self.note(
                f"{where}: {result.reason}; decoded as {result.charset}",
                f"文字コードを {result.charset} と推定して読みました",
            )
        text = result.text
        if ctype == "text/html":
            text, links = html_to_text(text)
            self.links.extend(links)
        elif maintype == "multipart":
            self.note(
                f"{where}: multipart without parts, read as text",
                "区切りのないマルチパートをテキストとして読みました",
            )
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n\t ")
        return [(label, text)] if text else []


def _safe_name(name: str) -> str:
    """A file name or token fit for a note: one line, 60 characters, digits hidden when there are
    enough of them to be a My Number."""
    name = _one_line(name)[:60]
    if sum(char.isdigit() for char in name) >= 12:
        name = "".join("#" if char.isdigit() else char for char in name)
    return f"{name} " if name else ""


def _same_content(plain: str, rich: str) -> bool:
    """True when a text/plain and a text/html alternative say the same (character bigrams)."""
    a, b = "".join(plain.split())[:20000], "".join(rich.split())[:20000]
    if not a or not b or min(len(a), len(b)) < 0.5 * max(len(a), len(b)):
        return False
    grams_a, grams_b = Counter(zip(a, a[1:], strict=False)), Counter(zip(b, b[1:], strict=False))
    shared = sum((grams_a & grams_b).values())
    return shared >= 0.8 * min(len(a), len(b)) - 1


def _parse_tree(data: bytes, reader: _Reader) -> MimePart:
    # compat32 first: headers are decoded from their raw values below anyway, and the default
    # policy's header objects cost milliseconds per mail. The default policy is the fallback.
    attempts = (
        (email.policy.compat32, False, ""),
        (
            email.policy.default,
            False,
            "headers damaged; read with the standard policy / ヘッダーが壊れているため別の方式で読みました",
        ),
        (
            email.policy.compat32,
            True,
            "MIME structure unreadable; the body was read as text / MIME 構造を読めないため本文をそのまま読みました",
        ),
    )
    for policy, headers_only, note in attempts:
        try:
            tree = BytesParser(policy=policy).parsebytes(data, headersonly=headers_only)
        except _STDLIB_ERRORS:
            continue
        if note:
            reader.notes.append(note)
        return tree
    raise MailFormatError(f"the mail ({len(data):,} bytes) cannot be parsed even as plain headers and text")


def _headers_cut(data: bytes) -> bool:
    """True when the header block never ends: no blank line, and every complete line is a header
    line, so the mail stops inside its headers (a colon-less last piece is a cut line, not a body)."""
    if b"\n\n" in data or b"\n\r\n" in data:
        return False
    return all(_HEADER_LINE.match(line) for line in data.split(b"\n")[:-1])


def _parse(data: bytes) -> Message:
    if not data.strip():
        raise MailFormatError(
            f"empty mail: expected header lines, a blank line and a body, got {len(data)} bytes of nothing"
        )
    reader = _Reader()
    tree = _parse_tree(data, reader)
    raw_headers = [(name.lower(), value) for name, value in tree.raw_items()]
    if not any(name in _MAIL_HEADERS for name, _ in raw_headers):
        raise MailFormatError(
            f"not an e-mail message: expected header lines such as 'From:' or 'Subject:' at the start "
            f"of the {len(data):,} bytes, found none; pass a .eml file or an mbox"
        )
    if _headers_cut(data):
        raise MailFormatError(
            f"truncated mail: the header block ({len(raw_headers)} header lines, {len(data):,} bytes) "
            "never ends with a blank line, so the mail was cut off before its body; "
            "save or export the whole message again"
        )
    headers: dict[str, str] = {}
    for name, value in raw_headers:
        if name in _KEPT_HEADERS and name not in headers:
            headers[name] = reader.header(name, value)
    reader.root_is_leaf = not tree.is_multipart()
    pieces = reader.select(tree, 0)
    for kind, (english, japanese) in _DEFECTS.items():
        if kind in reader.defects:
            reader.note(english, japanese)

    out: list[str] = []
    segments: list[Segment] = []
    offset = 0

    def add(text: str, label: str | None = None) -> None:
        nonlocal offset
        if label is not None and text:
            segments.append(Segment(label, offset, offset + len(text)))
        out.append(text)
        offset += len(text)

    for key, label in (("subject", "件名"), ("from", "差出人"), ("reply-to", "返信先")):
        if key in headers or key != "reply-to":
            add(f"{label}: ")
            add(headers.get(key, ""), key)
            add("\n")
    for index, (label, text) in enumerate(pieces):
        add("\n" if index == 0 else "\n\n")
        add(text, label)
    return Message(
        text="".join(out),
        channel=Channel.EMAIL,
        headers=MappingProxyType(headers),
        segments=tuple(segments),
        links=tuple(reader.links),
        notes=tuple(reader.notes),
    )


def parse_eml(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Message:
    """Parse one e-mail message (RFC 5322 / MIME bytes, as in a ``.eml`` file).

    Args:
        data: the raw bytes of the mail.
        max_bytes: the largest input accepted.

    Returns:
        A Message on channel ``email``; see the module docstring for its text layout.

    Raises:
        MailFormatError: the bytes are empty, not a mail, or cut off inside the headers.
        InputTooLargeError: ``data`` is longer than ``max_bytes``.

    >>> msg = parse_eml(b"From: a@example.com\\nSubject: =?UTF-8?B?44GK55+l44KJ44Gb?=\\n\\nbody\\n")
    >>> msg.text
    '件名: お知らせ\\n差出人: a@example.com\\n\\nbody'
    >>> [(s.label, msg.text[s.start:s.end]) for s in msg.segments]
    [('subject', 'お知らせ'), ('from', 'a@example.com'), ('body', 'body')]
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise MailFormatError(
            f"parse_eml expects bytes, got {type(data).__name__}; read the file in binary mode"
        )
    data = bytes(data)
    if len(data) > max_bytes:
        raise InputTooLargeError(
            f"the mail is {len(data):,} bytes, more than the limit of {max_bytes:,} bytes; "
            "raise max_bytes to read it"
        )
    return _parse(data)


def _parse_or_error(data: bytes, max_bytes: int, where: str) -> Message | MailFormatError:
    if len(data) > max_bytes:
        return MailFormatError(
            f"{where} is {len(data):,} bytes, more than the limit of {max_bytes:,}; skipped"
        )
    try:
        return _parse(data)
    except MailFormatError as error:
        return MailFormatError(f"{where}: {error}")


_ESCAPED_FROM = re.compile(rb">+From ")
_LINE_CHUNK = 64 * 1024


def iter_mbox(
    stream: BinaryIO, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[tuple[int, Message | MailFormatError]]:
    """Read an mbox mailbox message by message, in constant memory.

    A message starts at a ``From `` line at the start of the stream or after a blank line;
    ``>From `` lines (mboxrd/mboxo escapes) lose one ``>``. Text before the first ``From `` line
    counts as a message, so a single ``.eml`` reads as a one-message mailbox.

    Args:
        stream: a binary stream, such as ``open(path, "rb")``.
        max_bytes: the largest message read; a larger one is reported as an error and skipped
            without being held in memory.

    Yields:
        ``(position, result)``: the 1-based message position and the Message, or the
        MailFormatError that explains why that message was skipped. Reading goes on after it.

    Raises:
        MailFormatError: ``stream`` is a text stream.
    """
    for position, raw in enumerate(iter_mbox_raw(stream, max_bytes=max_bytes), 1):
        where = f"message {position}"
        if isinstance(raw, MailFormatError):
            yield position, MailFormatError(f"{where} is larger than the limit of {max_bytes:,} bytes; skipped")
        else:
            yield position, _parse_or_error(raw, max_bytes, where)


def iter_mbox_raw(
    stream: BinaryIO, *, max_bytes: int = DEFAULT_MAX_BYTES, on_read: Callable[[int], object] | None = None
) -> Iterator[bytes | MailFormatError]:
    """Split an mbox into the bytes of each message, in constant memory.

    A message starts at a ``From `` line at
    the start or after a blank line; ``>From `` loses one ``>``; text before the first ``From ``
    line is a message. A message above ``max_bytes`` becomes a MailFormatError, never held whole.
    ``on_read(n)`` is called with the size of every piece read.
    """
    lines: list[bytes] = []
    size = 0
    at_line_start = previous_blank = True
    pending = False

    def finish() -> bytes | MailFormatError:
        if size > max_bytes:
            return MailFormatError(f"the message is larger than the limit of {max_bytes:,} bytes; skipped")
        data = b"".join(lines)
        if data.endswith(b"\r\n\r\n"):
            data = data[:-2]
        elif data.endswith(b"\n\n"):
            data = data[:-1]
        return data

    while True:
        chunk = stream.readline(_LINE_CHUNK)
        if not isinstance(chunk, bytes | bytearray):
            raise MailFormatError("an mbox needs a binary stream: open the mailbox with open(path, 'rb')")
        if not chunk:
            break
        if on_read is not None:
            on_read(len(chunk))
        line_start, at_line_start = at_line_start, chunk.endswith(b"\n")
        if line_start and previous_blank and chunk.startswith(b"From "):
            if pending:
                yield finish()
            lines, size, pending, previous_blank = [], 0, True, False
            continue
        if line_start and _ESCAPED_FROM.match(chunk):
            chunk = chunk[1:]
        if not pending:
            if not chunk.strip():
                continue
            pending = True
        size += len(chunk)
        if size <= max_bytes:
            lines.append(bytes(chunk))
        elif lines:
            lines = []
        previous_blank = line_start and at_line_start and not chunk.strip(b"\r\n")
    if pending:
        yield finish()


def _read_file(path: Path, max_bytes: int, where: str) -> Message | MailFormatError:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return MailFormatError(
                f"{where} is {size:,} bytes, more than the limit of {max_bytes:,}; skipped"
            )
        data = path.read_bytes()
    except OSError as error:
        return MailFormatError(f"{where} cannot be read: {error.strerror or type(error).__name__}")
    return _parse_or_error(data, max_bytes, where)


def iter_maildir(
    path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[tuple[str, Message | MailFormatError]]:
    """Read the messages of a Maildir (``cur/`` then ``new/``, by file name).

    Yields:
        ``(name, result)`` with ``name`` like ``"cur/1700000000.M1P2.host:2,S"``.

    Raises:
        MailFormatError: ``path`` has neither a ``cur`` nor a ``new`` directory.
    """
    root = Path(path)
    folders = [name for name in ("cur", "new") if (root / name).is_dir()]
    if not folders:
        raise MailFormatError(f"not a Maildir: {root} has no cur/ or new/ directory")
    for folder in folders:
        try:
            names = sorted(os.listdir(root / folder))
        except OSError as error:
            raise MailFormatError(
                f"cannot list {root / folder}: {error.strerror or type(error).__name__}"
            ) from None
        for name in names:
            file = root / folder / name
            if not name.startswith(".") and file.is_file():
                yield f"{folder}/{name}", _read_file(file, max_bytes, f"{folder}/{name}")


def iter_eml_dir(
    path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[tuple[str, Message | MailFormatError]]:
    """Read every ``*.eml`` file under a directory, recursively, in path order.

    Yields:
        ``(relative_path, result)`` with ``/`` as separator.

    Raises:
        MailFormatError: ``path`` is not a directory.
    """
    root = Path(path)
    if not root.is_dir():
        raise MailFormatError(f"not a directory: {root}; pass a folder that contains .eml files")
    for file in sorted(p for p in root.rglob("*") if p.suffix.lower() == ".eml" and p.is_file()):
        name = file.relative_to(root).as_posix()
        yield name, _read_file(file, max_bytes, name)
