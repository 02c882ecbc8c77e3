"""One error shape for the API, plain Japanese for the pages: exceptions -> status, code, message.

Every error the API returns has the shape::

    {"error": {"code": "empty_input", "message": "...", "details": null}}

Codes and statuses (documented in docs/api.md):

=========================  ======  ==================================================
code                       status  when
=========================  ======  ==================================================
empty_input                400     the text is empty or whitespace only
bad_input                  400     other unreadable input (a bad record, bad bytes)
unknown_channel            400     a channel name that is not one of the channels
malformed_json             400     the body is not valid JSON
malformed_request          400     a form or body that does not parse, a missing field
unauthorized               401     no token, or a token that does not verify
forbidden                  403     the role does not allow it
csrf_failed                403     a form post without the session's CSRF token
not_found / case_not_found 404     no such route, or no such case
method_not_allowed         405     the route exists, the method does not
duplicate                  409     the case (same text) or name is already stored
input_too_large            413     the text is longer than the limit
request_too_large          413     the request body is larger than the limit
unsupported_media_type     415     a content type the endpoint does not read
mail_format                422     an .eml upload that is not a readable e-mail
validation_error           422     JSON of the wrong shape or a field of a wrong value
store_error                503     the case registry failed
internal_error             500     a bug; the message never contains a traceback
=========================  ======  ==================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from mamori import errors
from mamori.pii import redact

__all__ = ["Problem", "error_body", "problem_for", "page_message", "wants_json"]


@dataclass(frozen=True, slots=True)
class Problem:
    """An error ready to be shown: HTTP status, stable code, message and optional details."""

    status: int
    code: str
    message: str
    details: Any = None

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.details)


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """The one JSON error shape."""
    return {"error": {"code": code, "message": message, "details": details}}


def wants_json(path: str) -> bool:
    """Whether errors on ``path`` are answered in JSON (the API) rather than as a page."""
    return path == "/api" or path.startswith("/api/") or path == "/openapi.json"


# MamoriError subclasses outside the WebError branch, most specific first.
_CORE: tuple[tuple[type[errors.MamoriError], int, str], ...] = (
    (errors.EmptyInputError, 400, "empty_input"),
    (errors.InputTooLargeError, 413, "input_too_large"),
    (errors.MailFormatError, 422, "mail_format"),
    (errors.DecodeError, 400, "decode_error"),
    (errors.RecordError, 422, "validation_error"),
    (errors.InputError, 400, "bad_input"),
    (errors.ChannelError, 400, "unknown_channel"),
    (errors.CaseNotFoundError, 404, "case_not_found"),
    (errors.DuplicateError, 409, "duplicate"),
    (errors.StoreError, 503, "store_error"),
    (errors.MissingExtraError, 503, "missing_extra"),
)

_HTTP_CODES = {
    400: "malformed_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "request_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    501: "not_implemented",
}

_HTTP_MESSAGES = {
    404: "no such resource; see /docs for the routes of the API",
    405: "this method is not allowed on this route; see /docs",
}


def problem_for(exc: BaseException) -> Problem:
    """Translate an exception into a Problem. Unknown exceptions become a bare 500."""
    if isinstance(exc, errors.WebError):
        return Problem(exc.status, exc.code, redact(str(exc)), getattr(exc, "details", None))
    if isinstance(exc, errors.DuplicateError) and exc.existing_id is not None:
        return Problem(409, "duplicate", redact(str(exc)), {"existing_id": exc.existing_id})
    if isinstance(exc, errors.MamoriError):
        for cls, status, code in _CORE:
            if isinstance(exc, cls):
                return Problem(status, code, redact(str(exc)))
        return Problem(400, "bad_input", redact(str(exc)))
    if isinstance(exc, RequestValidationError):
        return _validation_problem(exc)
    if isinstance(exc, HTTPException):
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        detail = exc.detail if isinstance(exc.detail, str) else None
        message = _HTTP_MESSAGES.get(exc.status_code) or detail or code.replace("_", " ")
        return Problem(exc.status_code, code, redact(message))
    return Problem(500, "internal_error", "an internal error occurred; it has been logged")


def _validation_problem(exc: RequestValidationError) -> Problem:
    details = []
    json_broken = False
    for err in exc.errors():
        kind = str(err.get("type", ""))
        if kind == "json_invalid":
            json_broken = True
        # Never echo the input back: it may contain a My Number.
        details.append({
            "loc": [str(part) for part in err.get("loc", ())],
            "msg": redact(str(err.get("msg", ""))),
            "type": kind,
        })
    if json_broken:
        return Problem(400, "malformed_json", "the body is not valid JSON", details)
    return Problem(422, "validation_error", "the request does not have the expected fields and types", details)


# Plain Japanese for the public page (people, not programs, read these).
_PAGE_MESSAGES = {
    "empty_input": "文章が入っていません。調べたい文章を貼り付けるか、メールのファイルを選んでください。",
    "input_too_large": "文章が長すぎます。怪しいと思うところだけを貼り付けて、もう一度お試しください。",
    "request_too_large": "送られた内容が大きすぎます。文章は短く、メールのファイルは10MBまでにしてください。",
    "mail_format": "選んだファイルはメールとして読み取れませんでした。"
                   "メールソフトで「.eml 形式で保存」したファイルを選ぶか、本文を貼り付けてください。",
    "decode_error": "文字を読み取れませんでした。文章をコピーして貼り付けてください。",
    "bad_input": "入力された内容を読み取れませんでした。文章を貼り付けて、もう一度お試しください。",
    "unknown_channel": "「どこから届いたか」の選び方が正しくありません。一覧から選び直してください。",
    "unsupported_media_type": "送られた内容を読み取れませんでした。この画面のフォームから送ってください。",
    "malformed_request": "送られた内容を読み取れませんでした。この画面のフォームから送ってください。",
    "malformed_json": "送られた内容を読み取れませんでした。この画面のフォームから送ってください。",
    "validation_error": "入力の内容が正しくありません。入力欄を確かめて、もう一度お試しください。",
    "csrf_failed": "画面の有効期限が切れました。ページを開き直してから、もう一度操作してください。",
    "unauthorized": "ログインが必要です。",
    "forbidden": "この操作をする権限がありません。",
    "not_found": "お探しのページは見つかりませんでした。",
    "case_not_found": "その事例は見つかりませんでした。",
    "duplicate": "同じ内容がすでに登録されています。",
    "method_not_allowed": "この操作はできません。トップページからやり直してください。",
    "store_error": "事例の記録を読み書きできませんでした。しばらくしてからお試しください。",
    "internal_error": "申し訳ありません。問題が起きました。しばらくしてからお試しください。",
}


def page_message(code: str) -> str:
    """The plain Japanese sentence shown on a page for an error code."""
    return _PAGE_MESSAGES.get(code, "うまく処理できませんでした。もう一度お試しください。")
