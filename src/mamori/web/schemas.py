"""Pydantic models that document the API's JSON in OpenAPI (and validate case bodies)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AnalyzeRequest",
    "CaseIn",
    "CaseList",
    "CaseOut",
    "CasePatch",
    "ErrorResponse",
    "ReportOut",
    "SimilarIn",
    "SimilarOut",
    "StatsOut",
    "error_responses",
]


class AnalyzeRequest(BaseModel):
    """A message to analyse."""

    text: str = Field(description="the message text (up to 100,000 characters)",
                      examples=["市役所の者です。マイナンバーの手続きに手数料が必要です。"])
    channel: str = Field("unknown", description="email, sms, phone, visit, letter, web, sns or unknown "
                         "(aliases: line, mail, call)", examples=["phone"])


class SpanOut(BaseModel):
    start: int = Field(description="offset of the evidence in the text (characters)")
    end: int
    text: str = Field(description="the evidence; My Numbers masked as [個人番号]")
    source: str | None = Field(None, description="subject, from, body, turn N … when known")


class SignalOut(BaseModel):
    rule_id: str
    tactic: str
    weight: int
    description: str
    advice: str
    caution_point: str | None
    detail: str | None
    spans: list[SpanOut]


class CautionPointOut(BaseModel):
    id: str = Field(examples=["CP2"])
    text: str


class ReportOut(BaseModel):
    """``Report.to_dict()``: the verdict and every reason for it."""

    verdict: str = Field(description="danger, caution or no_signal", examples=["danger"])
    verdict_ja: str = Field(examples=["危険"])
    score: int
    tactics: list[str]
    tactic_scores: dict[str, int]
    caution_points: list[CautionPointOut]
    signals: list[SignalOut]
    advice: list[str]
    channel: str
    rules_version: str
    notes: list[str]
    first_violation_turn: int | None = None


class ErrorBody(BaseModel):
    code: str = Field(examples=["empty_input"])
    message: str
    details: Any = None


class ErrorResponse(BaseModel):
    """The one error shape of the API."""

    model_config = ConfigDict(json_schema_extra={
        "example": {"error": {"code": "unauthorized", "message": "this endpoint needs an API token",
                              "details": None}}})

    error: ErrorBody


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the given error statuses."""
    text = {400: "bad input (empty text, unknown channel, malformed JSON)", 401: "no or wrong token",
            403: "not allowed", 404: "not found", 413: "body or text too large",
            415: "unsupported content type", 422: "wrong fields or a broken .eml", 503: "registry unavailable"}
    return {s: {"model": ErrorResponse, "description": text.get(s, "error")} for s in statuses}


class CaseIn(BaseModel):
    """A consultation case to record (texts are masked before they are stored)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="the message, or the counselor's description of the call or visit "
                      "(up to 20,000 characters)")
    section: str = Field(description="damage, near_miss, suspicious_call, suspicious_mail or info_requested",
                         examples=["suspicious_call"])
    channel: str = Field("unknown", examples=["phone"])
    received_on: date | None = Field(None, description="YYYY-MM-DD")
    prefecture: str | None = Field(None, examples=["東京都"])
    municipality: str | None = None
    tactics: list[str] | None = Field(None, description="the counselor's tactic labels; null keeps the analyzer's")
    notes: str | None = None
    amount_lost: int | None = Field(None, description="yen")
    public: bool = Field(False, description="may appear on the published warning page")
    status: str = Field("open", description="open, in_progress or closed")
    label: str | None = Field(None, description="fraud or legit")
    source_id: str | None = None


class CasePatch(BaseModel):
    """Corrections to a case; only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    tactics: list[str] | None = Field(None, description="the counselor's tactics; null returns to the analyzer's")
    notes: str | None = None
    public: bool | None = None
    status: str | None = None
    label: str | None = Field(None, description="fraud, legit or null")


class CaseOut(BaseModel):
    """``Case.to_dict()``; ``report`` (the analyzer's report) on single-case answers."""

    id: int
    source_id: str | None
    received_on: str | None
    channel: str
    section: str
    prefecture: str | None
    municipality: str | None
    text: str = Field(description="My Numbers masked as [個人番号]")
    tactics: list[str]
    analyzer_tactics: list[str]
    counselor_tactics: list[str] | None
    notes: str | None
    amount_lost: int | None
    public: bool
    status: str
    label: str | None
    verdict: str
    score: int
    rules_version: str
    created_at: str
    updated_at: str
    report: dict[str, Any] | None = None


class CaseList(BaseModel):
    cases: list[CaseOut]
    total: int | None = Field(description="matching cases (null for a text search)")
    limit: int
    offset: int


class SimilarIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    k: int = Field(5, ge=1, le=100)


class SimilarCaseOut(BaseModel):
    case_id: int
    score: float = Field(description="cosine similarity, 0 to 1")
    channel: str
    section: str
    text: str
    tactics: list[str]
    shared_phrases: list[str]
    shared_tactics: list[str]
    received_on: str | None
    public: bool


class SimilarOut(BaseModel):
    similar: list[SimilarCaseOut]


class StatsOut(BaseModel):
    """``Stats.to_dict()``: counts by section, channel, tactic, month and month × tactic; losses in yen."""

    total: int
    by_section: dict[str, int]
    by_channel: dict[str, int]
    by_tactic: dict[str, int]
    by_month: dict[str, int]
    by_month_tactic: dict[str, dict[str, int]]
    losses: dict[str, Any]
