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
    │   └── CaseNotFoundError
    └── MissingExtraError      an optional feature whose extra is not installed

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


class MissingExtraError(MamoriError):
    """An optional feature whose extra is not installed."""

    def __init__(self, feature: str, extra: str) -> None:
        super().__init__(
            f"{feature} needs the optional dependencies of mamori[{extra}]; "
            f"install them with: pip install 'mamori[{extra}]'"
        )
        self.feature = feature
        self.extra = extra
