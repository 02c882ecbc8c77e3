"""The web app: wiring of pages, API, middleware and error handlers.

>>> from mamori.web import create_app            # doctest: +SKIP
>>> app = create_app(store, Settings(secret_key="..."))  # doctest: +SKIP

Layers, outermost first: security headers -> request-size limit -> signed session cookie ->
routes. Every error becomes the one JSON shape under ``/api`` and ``/openapi.json``, and a page in
plain Japanese elsewhere; a bug is a 500 with a generic message, never a traceback.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from mamori.analyzer import Analyzer
from mamori.errors import AuthenticationError, MamoriError
from mamori.web.auth import LoginThrottle
from mamori.web.middleware import BodyLimitMiddleware, SecurityHeadersMiddleware
from mamori.web.problems import Problem, page_message, problem_for, wants_json
from mamori.web.rendering import STATIC_DIR, make_templates, render
from mamori.web.settings import Settings

__all__ = ["create_app"]

log = logging.getLogger("mamori.web")

API_DESCRIPTION = """\
mamori の HTTP API: メッセージを調べ (analyze)、相談事例を登録・検索します。

* `POST /api/v1/analyze` needs no token. Everything else needs `Authorization: Bearer <token>`
  (create one with `mamori tokens create NAME`).
* Errors always have the shape `{"error": {"code": "...", "message": "...", "details": ...}}`.
* Bodies: JSON up to 1 MiB, multipart (.eml upload) up to 10 MiB; texts up to 100,000 characters.
"""


def create_app(store: Any = None, settings: Settings | None = None) -> FastAPI:
    """Build the web app over a case store.

    Args:
        store: a :class:`mamori.cases.CaseStore`; ``None`` opens the one named by
            ``settings.database_url`` (or ``MAMORI_DATABASE_URL``, or the SQLite default).
        settings: limits, secret key, cookie flags; :meth:`Settings.from_env` by default.
    """
    settings = settings or Settings.from_env()
    if store is None:
        from mamori.cases import open_store

        store = open_store(settings.database_url)

    app = FastAPI(
        title="mamori API",
        version=_version(),
        description=API_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.store = store
    app.state.templates = make_templates()
    app.state.login_throttle = LoginThrottle()
    # The public page and the open API see published cases only; counselors see them all.
    neighbours = getattr(store, "neighbours", None)
    app.state.analyzer = Analyzer(max_chars=settings.max_text_chars,
                                  neighbours=partial(neighbours, public_only=True) if neighbours else None)
    app.state.counselor_analyzer = Analyzer(max_chars=settings.max_text_chars, neighbours=neighbours)
    app.state.plain_analyzer = Analyzer(max_chars=settings.max_text_chars)

    from mamori.web import api, apidocs, counselor, pages

    app.include_router(api.router)
    app.include_router(api.cases_router)
    app.include_router(apidocs.router)
    app.include_router(pages.public)
    app.include_router(counselor.counselor)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    app.add_exception_handler(MamoriError, _handle)
    app.add_exception_handler(HTTPException, _handle)
    app.add_exception_handler(RequestValidationError, _handle)
    app.add_exception_handler(Exception, _handle_bug)

    # add_middleware wraps: the last added is the outermost.
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.resolved_secret_key(),
        session_cookie="mamori_session",
        max_age=settings.session_max_age,
        same_site="lax",
        https_only=settings.https_only,
    )
    app.add_middleware(
        BodyLimitMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
        reject=_reject_too_large,
    )
    app.add_middleware(SecurityHeadersMiddleware)
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mamori")
    except PackageNotFoundError:
        return "0"


def problem_response(request: Request, problem: Problem) -> Response:
    """The Problem as JSON (API) or as a page in plain Japanese."""
    if wants_json(request.url.path):
        headers = {"WWW-Authenticate": "Bearer"} if problem.status == 401 else None
        return JSONResponse(problem.body(), status_code=problem.status, headers=headers)
    return render(request, "error.html", status=problem.status, message=page_message(problem.code),
                  problem=problem)


async def _handle(request: Request, exc: Exception) -> Response:
    if isinstance(exc, AuthenticationError) and not wants_json(request.url.path):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import quote

        return RedirectResponse(f"/counselor/login?next={quote(target, safe='/')}", status_code=303)
    problem = problem_for(exc)
    if problem.status >= 500:
        log.error("%s %s -> %s %s", request.method, request.url.path, problem.status, problem.code)
    return problem_response(request, problem)


async def _handle_bug(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    response = problem_response(request, problem_for(exc))
    from mamori.web.middleware import SECURITY_HEADERS

    for name, value in SECURITY_HEADERS:
        response.headers.setdefault(name, value)
    return response


def _reject_too_large(scope: Scope, limit: int) -> Response:
    request = Request(scope)
    problem = Problem(413, "request_too_large",
                      f"the request body is larger than the limit of {limit:,} bytes")
    response = problem_response(request, problem)
    response.headers["connection"] = "close"
    return response
