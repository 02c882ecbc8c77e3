"""The counselor area (/counselor): login, case list with search and filters, case detail and
edit, new case from an analysed message, statistics, and (admins) publishing the warning page.

Every form carries the session's CSRF token; every page needs a signed-in counselor or admin.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from mamori.cases.records import MAX_TEXT_CHARS, SECTION_TITLES, SECTIONS, STATUSES, NewCase
from mamori.errors import CsrfError, DuplicateError, MamoriError, RecordError
from mamori.message import Message, parse_channel
from mamori.report import TACTICS
from mamori.web.auth import (
    SessionUser,
    current_user,
    log_in,
    log_out,
    require_admin,
    require_counselor,
    safe_next,
    verify_csrf,
)
from mamori.web.charts import bar_chart, month_label, stacked_month_chart
from mamori.web.filters import FILTER_FIELDS, case_filters
from mamori.web.inputs import FORM_TYPES, analyze_message, channel_field, media_type, read_form, text_field
from mamori.web.labels import TACTIC_LABELS, channel_label
from mamori.web.pages import section_for
from mamori.web.problems import page_message, problem_for
from mamori.web.rendering import render

__all__ = ["counselor"]

counselor = APIRouter(prefix="/counselor", include_in_schema=False)

PAGE_SIZE = 25


async def _form(request: Request) -> FormData:
    """The posted form, after its CSRF token is checked (a body that is no form has none)."""
    if media_type(request) not in FORM_TYPES:
        raise CsrfError("expected a form with its CSRF token")
    form = await read_form(request, request.app.state.settings.max_body_bytes)
    verify_csrf(request, form.get("csrf_token"))
    return form


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _str(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


# -- signing in and out ------------------------------------------------------------------
@counselor.get("/", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    return _see_other("/counselor/cases")


@counselor.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, next: str = "") -> Response:
    if current_user(request) is not None:
        return _see_other(safe_next(next))
    return render(request, "login.html", next=safe_next(next), username="", error=None)


@counselor.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    form = await _form(request)
    username, password, target = _str(form, "username"), form.get("password"), safe_next(_str(form, "next"))
    throttle = request.app.state.login_throttle
    if throttle.blocked(username):
        return render(request, "login.html", status=429, next=target, username=username,
                      error="ログインの失敗が続いたため、しばらく(5分ほど)待ってからお試しください。")
    store = request.app.state.store
    user = None
    if username and isinstance(password, str) and password:
        user = await run_in_threadpool(store.verify_user, username, password)
    if user is None:
        throttle.failed(username)
        return render(request, "login.html", status=401, next=target, username=username,
                      error="ユーザー名かパスワードが違います。")
    throttle.succeeded(username)
    log_in(request, user.username, user.role, request.app.state.settings.session_max_age)
    return _see_other(target)


@counselor.post("/logout")
async def logout(request: Request) -> Response:
    await _form(request)
    log_out(request)
    return _see_other("/counselor/login")


# -- cases ---------------------------------------------------------------------------------
@counselor.get("/cases", response_class=HTMLResponse)
async def case_list(request: Request, user: SessionUser = Depends(require_counselor)) -> Response:
    params = dict(request.query_params)
    query = params.get("q", "").strip()
    try:
        page = max(1, int(params.get("page", "1") or 1))
    except ValueError:
        page = 1
    store = request.app.state.store
    cases: list[Any] = []
    total: int | None = None
    error = None
    try:
        filters = case_filters(params)
        offset = (page - 1) * PAGE_SIZE
        if query:
            cases = await run_in_threadpool(store.search, query, filters, PAGE_SIZE + 1, offset)
        else:
            cases = await run_in_threadpool(store.list, filters, PAGE_SIZE + 1, offset)
            total = await run_in_threadpool(store.count, filters)
    except MamoriError as exc:
        if problem_for(exc).status >= 500:
            raise
        error = "検索や絞り込みの条件を読み取れませんでした: " + str(exc)
    more = len(cases) > PAGE_SIZE
    shown = {k: params.get(k, "") for k in ("q", *FILTER_FIELDS)}
    base = urlencode({k: v for k, v in shown.items() if v})
    return render(request, "cases.html", status=400 if error else 200, cases=cases[:PAGE_SIZE], total=total,
                  page=page, more=more, params=shown, query_base=base, error=error,
                  TACTICS=TACTICS, SECTIONS=SECTIONS, STATUSES=STATUSES)


@counselor.get("/cases/new", response_class=HTMLResponse)
async def new_case_form(request: Request, user: SessionUser = Depends(require_counselor)) -> Response:
    return render(request, "case_new.html", step=1, text="", channel="unknown", error=None)


@counselor.post("/cases/new", response_class=HTMLResponse)
async def new_case_analyse(request: Request, user: SessionUser = Depends(require_counselor)) -> Response:
    """Step 1 -> 2: analyse the message and offer the case form, tactics filled in."""
    form = await _form(request)
    text = text_field(form, "text", required=False) or ""
    channel = _str(form, "channel") or "unknown"
    try:
        message = Message(text, channel_field(form))
        if len(text) > MAX_TEXT_CHARS:
            raise RecordError(f"a case text has at most {MAX_TEXT_CHARS:,} characters")
        report = await analyze_message(request, message, request.app.state.counselor_analyzer)
    except MamoriError as exc:
        problem = problem_for(exc)
        return render(request, "case_new.html", status=problem.status, step=1, text=text[:MAX_TEXT_CHARS],
                      channel=channel, error=page_message(problem.code))
    return render(request, "case_new.html", step=2, text=text, channel=message.channel.value, report=report,
                  section=section_for("none", message.channel.value, report.tactics), today=date.today().isoformat(),
                  error=None, TACTICS=TACTICS, SECTIONS=SECTIONS, STATUSES=STATUSES, values={})


@counselor.post("/cases", response_class=HTMLResponse)
async def create_case(request: Request, user: SessionUser = Depends(require_counselor)) -> Response:
    form = await _form(request)
    analyzer_tactics = sorted(t for t in _str(form, "analyzer_tactics").split(",") if t)
    chosen = sorted(v for v in form.getlist("tactics") if isinstance(v, str))
    amount = _str(form, "amount_lost").replace(",", "").replace("円", "")
    try:
        if amount and not amount.isdecimal():
            raise RecordError("amount_lost must be a whole number of yen")
        new = NewCase(
            text=text_field(form, "text", required=False) or "", section=_str(form, "section"),
            channel=_str(form, "channel") or "unknown", received_on=_str(form, "received_on") or None,
            prefecture=_str(form, "prefecture") or None, municipality=_str(form, "municipality") or None,
            tactics=None if chosen == analyzer_tactics else chosen, notes=_str(form, "notes") or None,
            amount_lost=int(amount) if amount else None, public=form.get("public") == "on",
            status=_str(form, "status") or "open", label=_str(form, "label") or None,
        )
        case = await run_in_threadpool(request.app.state.store.add, new)
    except DuplicateError as exc:
        return render(request, "error.html", status=409, problem=None,
                      message=f"同じ内容がすでに登録されています(#{exc.existing_id})。",
                      link=f"/counselor/cases/{exc.existing_id}" if exc.existing_id else None)
    except MamoriError as exc:
        problem = problem_for(exc)
        if problem.status >= 500:
            raise
        return render(request, "error.html", status=problem.status, problem=problem,
                      message="登録できませんでした: " + str(exc), link="/counselor/cases/new")
    return _see_other(f"/counselor/cases/{case.id}?saved=1")


@counselor.get("/cases/{case_id}", response_class=HTMLResponse)
async def case_detail(request: Request, case_id: int, user: SessionUser = Depends(require_counselor)) -> Response:
    store = request.app.state.store
    case = await run_in_threadpool(store.get, case_id)
    report = await analyze_message(request, Message(case.text, parse_channel(case.channel)),
                                   request.app.state.plain_analyzer)
    similar = [s for s in await run_in_threadpool(store.similar, case.text, 6) if s.case_id != case.id][:5]
    return render(request, "case.html", case=case, report=report, similar=similar,
                  saved=request.query_params.get("saved") == "1")


@counselor.get("/cases/{case_id}/edit", response_class=HTMLResponse)
async def case_edit_form(request: Request, case_id: int, user: SessionUser = Depends(require_counselor)) -> Response:
    case = await run_in_threadpool(request.app.state.store.get, case_id)
    return render(request, "case_edit.html", case=case, TACTICS=TACTICS, STATUSES=STATUSES, error=None)


@counselor.post("/cases/{case_id}/edit", response_class=HTMLResponse)
async def case_edit(request: Request, case_id: int, user: SessionUser = Depends(require_counselor)) -> Response:
    form = await _form(request)
    store = request.app.state.store
    reset = form.get("reset_tactics") == "on"
    tactics = None if reset else [v for v in form.getlist("tactics") if isinstance(v, str)]
    try:
        await run_in_threadpool(lambda: store.update(
            case_id, tactics=tactics, notes=_str(form, "notes") or None, public=form.get("public") == "on",
            status=_str(form, "status") or None, label=_str(form, "label") or None))
    except MamoriError as exc:
        problem = problem_for(exc)
        if problem.status >= 500 or problem.status == 404:
            raise
        case = await run_in_threadpool(store.get, case_id)
        return render(request, "case_edit.html", status=problem.status, case=case, TACTICS=TACTICS,
                      STATUSES=STATUSES, error="保存できませんでした: " + str(exc))
    return _see_other(f"/counselor/cases/{case_id}?saved=1")


# -- statistics and publishing -----------------------------------------------------------------
@counselor.get("/stats", response_class=HTMLResponse)
async def stats_page(request: Request, user: SessionUser = Depends(require_counselor)) -> Response:
    params = dict(request.query_params)
    error = None
    try:
        filters = case_filters(params)
    except MamoriError as exc:
        filters, error = case_filters({}), "絞り込みの条件を読み取れませんでした: " + str(exc)
    stats = await run_in_threadpool(request.app.state.store.stats, filters)
    return render(
        request, "stats.html", status=400 if error else 200, stats=stats, error=error,
        params={k: params.get(k, "") for k in FILTER_FIELDS},
        month_chart=stacked_month_chart(stats.by_month_tactic, TACTIC_LABELS),
        month_total_chart=bar_chart([(month_label(m), n) for m, n in stats.by_month.items()],
                                    title="月ごとの事例数"),
        tactic_chart=bar_chart([(TACTIC_LABELS.get(t, t), n) for t, n in stats.by_tactic.items()],
                               title="手口ごとの事例数", horizontal=True),
        channel_chart=bar_chart([(channel_label(c), n) for c, n in stats.by_channel.items()],
                                title="届いた経路ごとの事例数", horizontal=True),
        section_chart=bar_chart([(SECTION_TITLES.get(s, s), n) for s, n in stats.by_section.items()],
                                title="区分ごとの事例数", horizontal=True),
        month_label=month_label, TACTICS=TACTICS,
    )


@counselor.get("/publish", response_class=HTMLResponse)
async def publish_form(request: Request, user: SessionUser = Depends(require_admin)) -> Response:
    from mamori.web.publishing import publish_status

    status = await run_in_threadpool(publish_status, request.app)
    return render(request, "publish.html", status_info=status, done=request.query_params.get("done") == "1")


@counselor.get("/publish/preview", response_class=HTMLResponse)
async def publish_preview(request: Request, user: SessionUser = Depends(require_admin)) -> Response:
    from mamori.web.publishing import page_response, render_preview

    return page_response(await run_in_threadpool(render_preview, request.app))


@counselor.post("/publish", response_class=HTMLResponse)
async def publish(request: Request, user: SessionUser = Depends(require_admin)) -> Response:
    from mamori.web.publishing import publish_now

    await _form(request)
    await run_in_threadpool(publish_now, request.app)
    return _see_other("/counselor/publish?done=1")
