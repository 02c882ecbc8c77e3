"""The public pages: check a message (no login, no JavaScript), report it if you choose to, and
read the published warning page. Nothing is stored unless the user presses "report"."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from mamori.cases.records import MAX_NOTES_CHARS, MAX_TEXT_CHARS, NewCase
from mamori.errors import DuplicateError, MamoriError
from mamori.message import Message
from mamori.report import Report
from mamori.web.inputs import (
    analyze_message,
    channel_field,
    message_from_eml,
    read_form,
    text_field,
    upload_bytes,
)
from mamori.web.labels import CHANNEL_LABELS
from mamori.web.problems import page_message, problem_for
from mamori.web.rendering import render

__all__ = ["public", "section_for"]

public = APIRouter(include_in_schema=False)

#: Similar cases shown to the public: published ones at least this close.
PUBLIC_SIMILAR_MIN_SCORE = 0.3
_TEXT_CHANNELS = {"email", "sms", "sns", "web"}


@public.get("/", response_class=HTMLResponse)
async def index(request: Request) -> HTMLResponse:
    return render(request, "index.html", text="", channel="unknown", error=None)


@public.post("/check", response_class=HTMLResponse)
async def check(request: Request) -> HTMLResponse:
    """Analyse the pasted text (or the uploaded .eml) and show the result."""
    settings = request.app.state.settings
    text, channel, from_mail = "", "unknown", False
    try:
        form = await read_form(request, settings.max_upload_bytes)
        text = text_field(form, "text", required=False) or ""
        raw_channel = form.get("channel")
        channel = raw_channel if isinstance(raw_channel, str) and raw_channel in CHANNEL_LABELS else "unknown"
        raw = await upload_bytes(form, "eml")
        if raw is not None:
            message, from_mail = message_from_eml(raw, settings.max_upload_bytes), True
        else:
            message = Message(text, channel_field(form))
        report = await analyze_message(request, message)
    except (MamoriError, HTTPException) as exc:
        return _form_again(request, exc, text, channel)
    similar = await _similar_public(request, message.text, report)
    return render(request, "result.html", text=message.text, channel=message.channel.value, report=report,
                  similar=similar, from_mail=from_mail)


def _form_again(request: Request, exc: Exception, text: str, channel: str) -> HTMLResponse:
    problem = problem_for(exc)
    if problem.status >= 500:
        raise exc
    shown = text if len(text) <= request.app.state.settings.max_text_chars else ""
    return render(request, "index.html", status=problem.status, text=shown, channel=channel,
                  error=page_message(problem.code))


async def _similar_public(request: Request, text: str, report: Report) -> list[Any]:
    """Published cases close to the text (never a private one), when the text shows a tactic."""
    if not report.tactics:
        return []
    store = request.app.state.store
    k = request.app.state.settings.similar_k
    found = await run_in_threadpool(store.similar, text, k * 5)
    return [c for c in found if c.public and c.score >= PUBLIC_SIMILAR_MIN_SCORE][:k]


def section_for(harm: str, channel: str, tactics: tuple[str, ...]) -> str:
    """The seed page's section for a citizen's report.

    >>> section_for("none", "sms", ("phishing_link",))
    'suspicious_mail'
    >>> section_for("damage", "phone", ())
    'damage'
    """
    if harm in {"damage", "near_miss"}:
        return harm
    if channel in _TEXT_CHANNELS:
        return "suspicious_mail"
    if "sensitive_info_request" in tactics:
        return "info_requested"
    return "suspicious_call"


@public.post("/report", response_class=HTMLResponse)
async def report_case(request: Request) -> HTMLResponse:
    """Store what the user chose to report, as a private case for counselors."""
    settings = request.app.state.settings
    try:
        form = await read_form(request, settings.max_body_bytes)
        text = text_field(form, "text", required=False) or ""
        message = Message(text, channel_field(form))
        report = await analyze_message(request, message)
        note = (text_field(form, "note", required=False) or "").strip()[: MAX_NOTES_CHARS - 100]
        harm = form.get("harm") if isinstance(form.get("harm"), str) else "none"
    except (MamoriError, HTTPException) as exc:
        problem = problem_for(exc)
        if problem.status >= 500:
            raise
        return render(request, "error.html", status=problem.status, message=page_message(problem.code),
                      problem=problem)
    cut = len(text) > MAX_TEXT_CHARS
    notes = "チェック画面から一般の方が報告" + ("(長いため先頭の部分のみ保存)" if cut else "")
    if note:
        notes += "\n報告者のメモ: " + note
    new = NewCase(text=text[:MAX_TEXT_CHARS], section=section_for(str(harm), message.channel.value, report.tactics),
                  channel=message.channel.value, received_on=date.today(), notes=notes, public=False, status="open")
    try:
        case = await run_in_threadpool(request.app.state.store.add, new)
        case_id = case.id
    except DuplicateError as exc:
        case_id = exc.existing_id
    return render(request, "reported.html", case_ref=f"#{case_id}" if case_id else "")


@public.get("/favicon.ico")
async def favicon() -> Response:
    return RedirectResponse("/static/favicon.svg", status_code=301)


@public.get("/robots.txt")
async def robots() -> Response:
    return PlainTextResponse("User-agent: *\nDisallow: /counselor/\nDisallow: /api/\n")


@public.get("/warning", response_class=HTMLResponse)
async def warning_page(request: Request) -> Response:
    """The published warning page (注意喚起), or a short note that none is published yet."""
    from mamori.web.publishing import page_response, published_page

    page = await run_in_threadpool(published_page, request.app)
    if page is None:
        return render(request, "error.html", status=404,
                      message="注意喚起のページはまだ公開されていません。", problem=None)
    return page_response(page)

