"""What a case is: the vocabulary, the frozen :class:`Case`, the :class:`NewCase` input, and the
checks that turn input (a NewCase, a JSON line) into values fit to store.

Every free text is masked with :func:`mamori.pii.mask` here, before anything else sees it, and
every error message shows input values only masked and shortened.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any

from mamori.errors import ChannelError, EmptyInputError, InputTooLargeError, RecordError
from mamori.message import Channel, parse_channel
from mamori.pii import mask
from mamori.report import TACTICS

__all__ = [
    "CHANNELS", "LABELS", "MAX_NOTES_CHARS", "MAX_TEXT_CHARS", "PREFECTURES", "SECTIONS", "SECTION_TITLES",
    "STATUSES", "Case", "CaseFilters", "ImportResult", "LineError", "NewCase", "SimilarCase", "parse_record",
]

#: The seed page's five sections, in its order.
SECTIONS: tuple[str, ...] = ("damage", "near_miss", "suspicious_call", "suspicious_mail", "info_requested")
SECTION_TITLES: Mapping[str, str] = MappingProxyType({
    "damage": "実際に被害に遭った事例",
    "near_miss": "被害に遭いそうになった事例",
    "suspicious_call": "不審な電話に関する相談例",
    "suspicious_mail": "不審なメールに関する相談例",
    "info_requested": "個人情報などを聞かれた事例",
})
CHANNELS: tuple[str, ...] = tuple(c.value for c in Channel)
STATUSES: tuple[str, ...] = ("open", "in_progress", "closed")
#: A counselor's judgement of the whole case; ``None`` until given.
LABELS: tuple[str, ...] = ("fraud", "legit")
PREFECTURES: tuple[str, ...] = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)
_PREFECTURE_BY_NAME = {p: p for p in PREFECTURES} | {p[:-1]: p for p in PREFECTURES if p != "北海道"}

MAX_TEXT_CHARS = 20_000
MAX_NOTES_CHARS = 10_000
MAX_SHORT_CHARS = 100
MAX_AMOUNT = 10**12
EARLIEST = date(2000, 1, 1)
_SURROGATE_OR_NUL = re.compile("[\ud800-\udfff\x00]")
_AMOUNT = re.compile(r"[0-9][0-9,]{0,20}")


@dataclass(frozen=True, slots=True)
class NewCase:
    """A consultation to record. Free texts are masked and every field checked on ``add``.

    Attributes:
        text: the message, or the counselor's description of the call or visit.
        section: one of :data:`SECTIONS`.
        channel: one of :data:`CHANNELS` (``line`` and other aliases are accepted).
        received_on: when it arrived (a date or ``YYYY-MM-DD``); ``None`` when unknown.
        tactics: the counselor's own tactic labels; ``None`` leaves the analyzer's.
        public: whether the case may appear on the published warning page.
        label: the counselor's judgement, ``fraud`` or ``legit``.
        source_id: the case's id in the collection it came from (``seed-001``).
    """

    text: str
    section: str
    channel: str = "unknown"
    received_on: date | str | None = None
    prefecture: str | None = None
    municipality: str | None = None
    tactics: Sequence[str] | None = None
    notes: str | None = None
    amount_lost: int | None = None
    public: bool = False
    status: str = "open"
    label: str | None = None
    source_id: str | None = None


@dataclass(frozen=True, slots=True)
class Case:
    """A stored case. Its texts are masked; ``tactics`` are the counselor's labels when given,
    else the analyzer's."""

    id: int
    received_on: date | None
    channel: str
    section: str
    text: str
    analyzer_tactics: tuple[str, ...]
    counselor_tactics: tuple[str, ...] | None
    verdict: str
    score: int
    rules_version: str
    public: bool
    status: str
    created_at: datetime
    updated_at: datetime
    prefecture: str | None = None
    municipality: str | None = None
    notes: str | None = None
    amount_lost: int | None = None
    label: str | None = None
    source_id: str | None = None
    report: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def tactics(self) -> tuple[str, ...]:
        return self.counselor_tactics if self.counselor_tactics is not None else self.analyzer_tactics

    def to_dict(self, *, with_report: bool = False) -> dict[str, Any]:
        """A JSON-ready dict: the export format, which ``import`` reads back."""
        d: dict[str, Any] = {
            "id": self.id,
            "source_id": self.source_id,
            "received_on": self.received_on.isoformat() if self.received_on else None,
            "channel": self.channel,
            "section": self.section,
            "prefecture": self.prefecture,
            "municipality": self.municipality,
            "text": self.text,
            "tactics": list(self.tactics),
            "analyzer_tactics": list(self.analyzer_tactics),
            "counselor_tactics": list(self.counselor_tactics) if self.counselor_tactics is not None else None,
            "notes": self.notes,
            "amount_lost": self.amount_lost,
            "public": self.public,
            "status": self.status,
            "label": self.label,
            "verdict": self.verdict,
            "score": self.score,
            "rules_version": self.rules_version,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }
        if with_report:
            d["report"] = dict(self.report)
        return d


@dataclass(frozen=True, slots=True)
class CaseFilters:
    """Which cases a list, search, stats or export covers; ``None`` means any."""

    tactic: str | None = None
    channel: str | None = None
    section: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    public: bool | None = None
    status: str | None = None
    label: str | None = None
    prefecture: str | None = None

    def checked(self) -> CaseFilters:
        """The filters with values validated and canonical (``line`` -> ``sns``)."""
        return CaseFilters(
            tactic=_one_of(self.tactic, TACTICS, "tactic") if self.tactic else None,
            channel=_channel(self.channel) if self.channel else None,
            section=_one_of(self.section, SECTIONS, "section") if self.section else None,
            date_from=_date(self.date_from, "date_from") if self.date_from else None,
            date_to=_date(self.date_to, "date_to") if self.date_to else None,
            public=self.public,
            status=_one_of(self.status, STATUSES, "status") if self.status else None,
            label=_one_of(self.label, LABELS, "label") if self.label else None,
            prefecture=_prefecture(self.prefecture) if self.prefecture else None,
        )


@dataclass(frozen=True, slots=True)
class SimilarCase:
    """A stored case close to a query text, and what the two share."""

    case_id: int
    score: float
    channel: str
    section: str
    text: str
    tactics: tuple[str, ...]
    shared_phrases: tuple[str, ...]
    shared_tactics: tuple[str, ...]
    received_on: date | None = None
    public: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "score": round(self.score, 4),
            "channel": self.channel,
            "section": self.section,
            "text": self.text,
            "tactics": list(self.tactics),
            "shared_phrases": list(self.shared_phrases),
            "shared_tactics": list(self.shared_tactics),
            "received_on": self.received_on.isoformat() if self.received_on else None,
            "public": self.public,
        }


@dataclass(frozen=True, slots=True)
class LineError:
    """Why one input line (or item, counted from 1) was not stored."""

    line: int
    message: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import or ``add_many`` did: counts, the new ids, and each error with its line."""

    added: int = 0
    duplicates: int = 0
    errors: tuple[LineError, ...] = ()
    ids: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "duplicates": self.duplicates,
            "errors": [{"line": e.line, "message": e.message} for e in self.errors],
            "ids": list(self.ids),
        }


# -- checks ---------------------------------------------------------------------------------
def shown(value: Any) -> str:
    """A value as it may appear in an error message: masked and shortened."""
    text = mask(str(value))
    return repr(text if len(text) <= 30 else text[:30] + "…")


def clean_text(value: Any, name: str, limit: int, *, required: bool = False) -> str | None:
    """A free text: a str, masked, without NUL or lone surrogates, at most ``limit`` chars."""
    text = unmasked_text(value, name, limit, required=required)
    return mask(text) if text is not None else None


def unmasked_text(value: Any, name: str, limit: int, *, required: bool = False) -> str | None:
    """Like :func:`clean_text` but not yet masked: only for the analyzer, never for storage."""
    if value is None or (isinstance(value, str) and not value.strip() and not required):
        if required:
            raise EmptyInputError(f"{name} is required: give the message or the counselor's description")
        return None
    if not isinstance(value, str):
        raise RecordError(f"{name} must be a string, got {type(value).__name__}")
    if not value.strip():
        raise EmptyInputError(f"{name} is empty: give the message or the counselor's description")
    if len(value) > limit:
        raise InputTooLargeError(f"{name} is too long: {len(value):,} characters (at most {limit:,}); "
                                 "shorten it or split the case")
    return _SURROGATE_OR_NUL.sub("\ufffd", value).strip()


def _one_of(value: Any, allowed: Sequence[str], name: str) -> str:
    key = value.strip().lower() if isinstance(value, str) else value
    if key not in allowed:
        raise RecordError(f"unknown {name} {shown(value)}; expected one of: {', '.join(allowed)}")
    return str(key)


def _channel(value: Any) -> str:
    try:
        return parse_channel(value).value
    except ChannelError:
        raise ChannelError(f"unknown channel {shown(value)}; expected one of: {', '.join(CHANNELS)}") from None


def _date(value: Any, name: str) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip().replace("/", "-"))
        except ValueError:
            raise RecordError(f"{name} {shown(value)} is not a date; write YYYY-MM-DD") from None
    if not isinstance(value, date):
        raise RecordError(f"{name} must be a date (YYYY-MM-DD), got {type(value).__name__}")
    if not EARLIEST <= value <= date.today() + timedelta(days=1):
        raise RecordError(f"{name} {value.isoformat()} is out of range ({EARLIEST.isoformat()} to today)")
    return value


def _prefecture(value: Any) -> str:
    key = value.strip() if isinstance(value, str) else value
    if key not in _PREFECTURE_BY_NAME:
        raise RecordError(f"unknown prefecture {shown(value)}; write its name, e.g. 東京都, 大阪府, 北海道")
    return _PREFECTURE_BY_NAME[key]


def _tactics(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    if not isinstance(value, list | tuple):
        raise RecordError(f"tactics must be a list of tactic names, got {type(value).__name__}")
    names = {_one_of(v, TACTICS, "tactic") for v in value}
    return tuple(t for t in TACTICS if t in names)


def _amount(value: Any) -> int:
    if isinstance(value, str) and _AMOUNT.fullmatch(value.strip()):
        value = int(value.strip().replace(",", ""))
    if not isinstance(value, int) or isinstance(value, bool):
        raise RecordError(f"amount_lost must be a whole number of yen, got {shown(value)}")
    if not 0 <= value <= MAX_AMOUNT:
        raise RecordError(f"amount_lost {value:,} is out of range (0 to {MAX_AMOUNT:,} yen)")
    return value


def check(new: NewCase) -> dict[str, Any]:
    """Validate a NewCase and return its values, masked and canonical; ``"original"`` is the
    unmasked text for the analyzer and must never be stored.

    Raises:
        EmptyInputError, InputTooLargeError, ChannelError, RecordError: what is wrong, and how to fix it.
    """
    if not isinstance(new, NewCase):
        raise RecordError(f"expected a NewCase, got {type(new).__name__}")
    if not isinstance(new.public, bool):
        raise RecordError(f"public must be true or false, got {type(new.public).__name__}")
    original = unmasked_text(new.text, "text", MAX_TEXT_CHARS, required=True) or ""
    return {
        "original": original,
        "text": mask(original),
        "section": _one_of(new.section, SECTIONS, "section"),
        "channel": _channel(new.channel),
        "received_on": _date(new.received_on, "received_on") if new.received_on else None,
        "prefecture": _prefecture(new.prefecture) if new.prefecture else None,
        "municipality": clean_text(new.municipality, "municipality", MAX_SHORT_CHARS),
        "counselor_tactics": _tactics(new.tactics) if new.tactics is not None else None,
        "notes": clean_text(new.notes, "notes", MAX_NOTES_CHARS),
        "amount_lost": _amount(new.amount_lost) if new.amount_lost is not None else None,
        "public": new.public,
        "status": _one_of(new.status, STATUSES, "status"),
        "label": _one_of(new.label, LABELS, "label") if new.label else None,
        "source_id": clean_text(new.source_id, "source_id", MAX_SHORT_CHARS),
    }


def parse_record(record: Any, *, public: bool = True) -> NewCase:
    """Turn one decoded JSON line (the export format, or the seed's) into a NewCase.

    ``text`` (or ``description``) and ``section`` are required. ``counselor_tactics`` (or, if
    absent, ``tactics``) become the counselor's labels; ``id`` becomes ``source_id`` when it is a
    string. ``public`` defaults to the ``public`` argument. Other keys (the analyzer's results in an
    export) are ignored: they are computed again.

    Raises:
        RecordError: not an object, a field of the wrong type or value.
    """
    if not isinstance(record, dict):
        raise RecordError(f"expected a JSON object, got {type(record).__name__}")
    text = record.get("text", record.get("description"))
    if not isinstance(text, str):
        raise RecordError("text is required: a string with the message or the counselor's description"
                          if text is None else f"text must be a string, got {type(text).__name__}")
    if "section" not in record:
        raise RecordError(f"section is required; expected one of: {', '.join(SECTIONS)}")
    tactics = record["counselor_tactics"] if "counselor_tactics" in record else record.get("tactics")
    source_id = record.get("source_id")
    if source_id is None and isinstance(record.get("id"), str):
        source_id = record["id"]
    flag = record.get("public", public)
    if not isinstance(flag, bool):
        raise RecordError(f"public must be true or false, got {shown(flag)}")
    return NewCase(
        text=text, section=record["section"], channel=record.get("channel") or "unknown",
        received_on=record.get("received_on", record.get("date")), prefecture=record.get("prefecture"),
        municipality=record.get("municipality"), tactics=tactics, notes=record.get("notes", record.get("note")),
        amount_lost=record.get("amount_lost"), public=flag, status=record.get("status") or "open",
        label=record.get("label"), source_id=source_id,
    )
