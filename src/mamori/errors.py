"""One exception tree for mamori.

::

    MamoriError
    ├── InputError             bad input: empty, too large, undecodable, malformed record
    │   ├── EmptyInputError
    │   ├── InputTooLargeError
    │   ├── DecodeError        bytes that are not text in the expected encoding
    │   ├── RecordError        a malformed JSON line, CSV row or call-turn file
    │   └── MailFormatError    a truncated or malformed e-mail or mailbox
    ├── ChannelError           an unknown channel name
    ├── RuleError              a rule pack that does not load, validate or compile
    │   └── UnsafePatternError a pattern that could run in super-linear time
    ├── StoreError             the case registry: connection, migration, integrity
    │   ├── CaseNotFoundError
    │   ├── DuplicateError     a case, user or token name that is already stored
    │   ├── MigrationError     a schema migration that failed (and was rolled back)
    │   └── StoreConnectionError  the database cannot be reached or opened
    ├── MissingExtraError      an optional feature whose extra is not installed
    └── WebError               an HTTP request the web app or API refuses
        ├── AuthenticationError        no or wrong credentials (401)
        ├── PermissionDeniedError      signed in, but the role may not do this (403)
        ├── CsrfError                  a form post without its session's CSRF token (403)
        ├── RequestTooLargeError       a request body above the size limit (413)
        ├── UnsupportedMediaTypeError  a body of a content type the endpoint does not read (415)
        └── MalformedRequestError      JSON or a form that does not parse or lacks a field (400)

Messages say what was expected, what came and how to fix it. They never contain a
My Number: callers pass only lengths, positions and names, never the text itself.
"""

from __future__ import annotations


class MamoriError(Exception):
    """Base class of every error mamori raises on purpose."""


class InputError(MamoriError):
    """The input cannot be analysed as given."""


class EmptyInputError(InputError):
    """The input is empty or whitespace only."""


class InputTooLargeError(InputError):
    """The input exceeds the configured size limit."""


class DecodeError(InputError):
    """Bytes that cannot be decoded as text."""


class RecordError(InputError):
    """A malformed record in a batch input (JSON line, CSV row, call turns)."""


class MailFormatError(InputError):
    """A malformed e-mail message or mailbox."""


class ChannelError(MamoriError):
    """An unknown channel name."""


class RuleError(MamoriError):
    """A rule pack that does not load, validate or compile."""


class UnsafePatternError(RuleError):
    """A pattern that is not guaranteed to run in linear time."""


class StoreError(MamoriError):
    """An error of the case registry."""


class CaseNotFoundError(StoreError):
    """No case with the given id."""


class DuplicateError(StoreError):
    """A case, user or token name that is already stored.

    ``existing_id`` is the id of the stored case when the duplicate is a case.
    """

    def __init__(self, message: str, existing_id: int | None = None) -> None:
        super().__init__(message)
        self.existing_id = existing_id


class MigrationError(StoreError):
    """A schema migration failed; its transaction was rolled back."""


class StoreConnectionError(StoreError):
    """The database cannot be reached or opened."""


class MissingExtraError(MamoriError):
    """An optional feature whose extra is not installed."""

    def __init__(self, feature: str, extra: str) -> None:
        super().__init__(
            f"{feature} needs the optional dependencies of mamori[{extra}]; "
            f"install them with: pip install 'mamori[{extra}]'"
        )
        self.feature = feature
        self.extra = extra


class WebError(MamoriError):
    """An HTTP request that the web app or the API refuses; ``code`` is the API error code."""

    code = "bad_request"
    status = 400


class AuthenticationError(WebError):
    """No credentials, or credentials that do not verify."""

    code = "unauthorized"
    status = 401


class PermissionDeniedError(WebError):
    """Signed in, but the user's role does not allow this."""

    code = "forbidden"
    status = 403


class CsrfError(WebError):
    """A form post whose CSRF token is missing or not the session's."""

    code = "csrf_failed"
    status = 403


class RequestTooLargeError(WebError):
    """A request body larger than the configured limit."""

    code = "request_too_large"
    status = 413


class UnsupportedMediaTypeError(WebError):
    """A request body of a content type the endpoint does not read."""

    code = "unsupported_media_type"
    status = 415


class MalformedRequestError(WebError):
    """A request body that does not parse (malformed JSON, a broken form) or lacks a field."""

    code = "malformed_request"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 details: object = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.details = details
