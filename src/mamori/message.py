"""The input of the analyzer: a Message with its channel, and where its text came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from mamori.errors import ChannelError

__all__ = ["Channel", "Message", "Segment", "Turn", "parse_channel"]


class Channel(StrEnum):
    """Where a message arrived (DESIGN.md, Channels)."""

    EMAIL = "email"
    SMS = "sms"
    PHONE = "phone"
    VISIT = "visit"
    LETTER = "letter"
    WEB = "web"
    SNS = "sns"
    UNKNOWN = "unknown"


_ALIASES = {"line": Channel.SNS, "mail": Channel.EMAIL, "call": Channel.PHONE, "": Channel.UNKNOWN}


def parse_channel(value: str | Channel | None) -> Channel:
    """Return the Channel named by ``value``.

    >>> parse_channel("SMS")
    <Channel.SMS: 'sms'>
    >>> parse_channel("line")
    <Channel.SNS: 'sns'>
    """
    if value is None:
        return Channel.UNKNOWN
    if isinstance(value, Channel):
        return value
    if not isinstance(value, str):
        raise ChannelError(f"channel must be a string, got {type(value).__name__}")
    key = value.strip().lower()
    if key in _ALIASES:
        return _ALIASES[key]
    try:
        return Channel(key)
    except ValueError:
        names = ", ".join(c.value for c in Channel)
        shown = key[:20]
        raise ChannelError(f"unknown channel {shown!r}; expected one of: {names}") from None


@dataclass(frozen=True, slots=True)
class Segment:
    """A region ``[start, end)`` of the message text and where it came from.

    ``label`` names the origin: ``"subject"``, ``"from"``, ``"body"``, ``"part 2 (text/html)"``,
    ``"turn 3"``. ``speaker`` is set for call turns.
    """

    label: str
    start: int
    end: int
    speaker: str | None = None


@dataclass(frozen=True, slots=True)
class Turn:
    """One turn of a call transcript."""

    speaker: str
    text: str


@dataclass(frozen=True, slots=True)
class Message:
    """A message to analyse.

    ``text`` is what rules read. Parsers that assemble it from headers, parts or call turns
    record each region in ``segments`` so evidence can say where it came from; ``headers``
    keeps decoded mail headers for header checks; ``notes`` lists what a parser skipped.
    """

    text: str
    channel: Channel = Channel.UNKNOWN
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    segments: tuple[Segment, ...] = ()
    turns: tuple[Turn, ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()

    def segment_at(self, offset: int) -> Segment | None:
        """Return the segment containing ``offset``, if segments were recorded."""
        for seg in self.segments:
            if seg.start <= offset < seg.end:
                return seg
        return None
