"""The analyzer's output: frozen Span, Signal and Report, and the Verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["CautionPoint", "Report", "Signal", "Span", "Verdict", "TACTICS", "CAUTION_POINTS"]

#: The fixed tactic vocabulary of DESIGN.md, in display order.
TACTICS: tuple[str, ...] = (
    "impersonation",
    "money_demand",
    "card_collection",
    "atm_operation",
    "sensitive_info_request",
    "threat",
    "proxy_service",
    "data_deletion_offer",
    "phishing_link",
    "investment_lure",
    "refund_lure",
    "unpaid_bill",
    "multi_actor",
    "urgency",
    "remote_contact_shift",
)


class Verdict(StrEnum):
    """How dangerous a message looks. Never "safe": no tool can promise that."""

    DANGER = "danger"
    CAUTION = "caution"
    NO_SIGNAL = "no_signal"

    @property
    def label_ja(self) -> str:
        return _VERDICT_JA[self]


_VERDICT_JA = {
    Verdict.DANGER: "危険",
    Verdict.CAUTION: "注意",
    Verdict.NO_SIGNAL: "既知の手口は見つかりませんでした",
}


@dataclass(frozen=True, slots=True)
class CautionPoint:
    """One of the seed page's three caution points (注意ポイント)."""

    id: str
    text: str


#: What national and local government staff never do in My Number procedures.
CAUTION_POINTS: dict[str, CautionPoint] = {
    "CP1": CautionPoint(
        "CP1",
        "国や自治体の職員が「個人番号」「口座の暗証番号」「所得」「資産」「家族構成」「年金情報」「保険情報」"
        "などを聞くことは一切ありません。",
    ),
    "CP2": CautionPoint("CP2", "国や自治体の職員がお金やキャッシュカードを要求することは一切ありません。"),
    "CP3": CautionPoint("CP3", "国や自治体の職員がATMの操作をお願いすることは一切ありません。"),
}


@dataclass(frozen=True, slots=True)
class Span:
    """Evidence: ``[start, end)`` in the ORIGINAL text, the text there (My Numbers masked),
    and where it came from (a mail header or part, a call turn) when known."""

    start: int
    end: int
    text: str
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"start": self.start, "end": self.end, "text": self.text}
        if self.source is not None:
            d["source"] = self.source
        return d


@dataclass(frozen=True, slots=True)
class Signal:
    """One rule that fired, with its explanation and evidence."""

    rule_id: str
    tactic: str
    weight: int
    description: str
    advice: str
    spans: tuple[Span, ...]
    caution_point: str | None = None
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "tactic": self.tactic,
            "weight": self.weight,
            "description": self.description,
            "advice": self.advice,
            "caution_point": self.caution_point,
            "detail": self.detail,
            "spans": [s.to_dict() for s in self.spans],
        }


@dataclass(frozen=True, slots=True)
class Report:
    """The analyzer's verdict on one message, with every reason for it."""

    verdict: Verdict
    score: int
    tactics: tuple[str, ...]
    signals: tuple[Signal, ...]
    caution_points: tuple[CautionPoint, ...]
    advice: tuple[str, ...]
    rules_version: str
    channel: str
    tactic_scores: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    first_violation_turn: int | None = None

    @property
    def verdict_ja(self) -> str:
        return self.verdict.label_ja

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; keys are stable and documented in docs/rules.md."""
        d: dict[str, Any] = {
            "verdict": self.verdict.value,
            "verdict_ja": self.verdict.label_ja,
            "score": self.score,
            "tactics": list(self.tactics),
            "tactic_scores": dict(self.tactic_scores),
            "caution_points": [{"id": c.id, "text": c.text} for c in self.caution_points],
            "signals": [s.to_dict() for s in self.signals],
            "advice": list(self.advice),
            "channel": self.channel,
            "rules_version": self.rules_version,
            "notes": list(self.notes),
        }
        if self.first_violation_turn is not None:
            d["first_violation_turn"] = self.first_violation_turn
        return d
