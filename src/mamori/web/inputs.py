"""Reading what a request brings: a JSON object, a form, an uploaded .eml; then analysing it.

All failures raise mamori errors (translated at the edge by :mod:`mamori.web.problems`), never a
bare library exception.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException

from mamori.analyzer import Analyzer
from mamori.errors import MalformedRequestError, UnsupportedMediaTypeError
from mamori.message import Channel, Message, parse_channel
from mamori.report import Report

__all__ = [
    "FORM_TYPES",
    "JSON_TYPES",
    "EML_TYPES",
    "analyze_message",
    "media_type",
    "message_from_eml",
    "read_form",
    "read_json_object",
    "clean_text",
]

JSON_TYPES = ("application/json",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
EML_TYPES = ("message/rfc822",)
#: Texts up to this length are analysed on the event loop; longer ones in a worker thread.
INLINE_CHARS = 4_000
_SURROGATE = re.compile("[\ud800-\udfff]")


def media_type(request: Request) -> str:
    """The request's media type, lower case, without parameters (``""`` if none)."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def clean_text(text: str) -> str:
    """Replace lone surrogates (which cannot be encoded in a response) with U+FFFD."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


async def read_json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object; malformed JSON is a 400, another JSON value a 422."""
    body = await request.body()
    if not body.strip():
        raise MalformedRequestError("the body is empty; send a JSON object such as "
                                    '{"text": "...", "channel": "sms"}', code="malformed_json")
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise MalformedRequestError(f"the body is not valid JSON: {exc.msg} at line {exc.lineno} "
                                    f"column {exc.colno}", code="malformed_json") from None
    except (UnicodeDecodeError, RecursionError, ValueError):
        raise MalformedRequestError("the body is not valid UTF-8 JSON (or is nested too deeply)",
                                    code="malformed_json") from None
    if not isinstance(data, dict):
        raise MalformedRequestError(f"expected a JSON object, got a JSON {type(data).__name__}",
                                    code="validation_error", status=422)
    return data


def text_field(data: dict[str, Any] | FormData, name: str = "text", *, required: bool = True) -> str | None:
    """A string field of a JSON object or form (422 if it has another type)."""
    value = data.get(name)
    if value is None:
        if required:
            raise MalformedRequestError(f"the field {name!r} is missing", code="validation_error", status=422)
        return None
    if not isinstance(value, str):
        raise MalformedRequestError(f"the field {name!r} must be a string, got {type(value).__name__}",
                                    code="validation_error", status=422)
    return clean_text(value)


def channel_field(data: dict[str, Any] | FormData) -> Channel:
    """The ``channel`` field (absent or empty: unknown; a name that is no channel: 400)."""
    value = data.get("channel")
    if value is None or isinstance(value, UploadFile):
        return Channel.UNKNOWN
    return parse_channel(value)


async def read_form(request: Request, max_part_bytes: int) -> FormData:
    """The body as a form (urlencoded or multipart); other content types are a 415."""
    kind = media_type(request)
    if kind not in FORM_TYPES:
        raise UnsupportedMediaTypeError(
            f"expected a form ({' or '.join(FORM_TYPES)}), got {kind or 'no content type'}")
    try:
        return await request.form(max_files=2, max_fields=30, max_part_size=max_part_bytes)
    except HTTPException as exc:
        if exc.status_code == 413:
            raise
        raise MalformedRequestError(f"the form cannot be read: {exc.detail}") from None


async def upload_bytes(form: FormData, *names: str) -> bytes | None:
    """The bytes of the first non-empty file field among ``names`` (None if no file was chosen)."""
    for name in names:
        value = form.get(name)
        if isinstance(value, UploadFile) and (value.filename or value.size):
            data = await value.read()
            if data:
                return data
            if value.filename:
                return b""
    return None


def message_from_eml(data: bytes, max_bytes: int) -> Message:
    """Parse an uploaded .eml; raises MailFormatError or InputTooLargeError."""
    from mamori.formats.email import parse_eml

    message = parse_eml(data, max_bytes=max_bytes)
    text = clean_text(message.text)
    if text is not message.text:
        message = Message(text, message.channel, message.headers, message.segments, message.turns,
                          message.links, message.notes)
    return message


async def analyze_message(request: Request, message: Message, analyzer: Analyzer | None = None) -> Report:
    """Analyse with the app's public analyzer (or ``analyzer``): on the event loop when that is
    cheap, in a worker thread when the text is long or the registry is consulted."""
    analyzer = analyzer or request.app.state.analyzer
    if len(message.text) <= INLINE_CHARS and analyzer.neighbours is None:
        return analyzer.analyze(message)
    return await run_in_threadpool(analyzer.analyze, message)
