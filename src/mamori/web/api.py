"""The JSON API under /api/v1 (docs/api.md). Only ``analyze`` is open; the rest needs a token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from mamori.cases.records import CaseFilters, NewCase
from mamori.errors import InputTooLargeError, MalformedRequestError, UnsupportedMediaTypeError
from mamori.message import Message
from mamori.web.auth import require_token
from mamori.web.filters import case_filters
from mamori.web.inputs import (
    EML_TYPES,
    FORM_TYPES,
    JSON_TYPES,
    analyze_message,
    channel_field,
    clean_text,
    media_type,
    message_from_eml,
    read_form,
    read_json_object,
    text_field,
    upload_bytes,
)
from mamori.web.schemas import (
    AnalyzeRequest,
    CaseIn,
    CaseList,
    CaseOut,
    CasePatch,
    ReportOut,
    SimilarIn,
    SimilarOut,
    StatsOut,
    error_responses,
)

__all__ = ["cases_router", "router"]

router = APIRouter(prefix="/api/v1")

_ANALYZE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": AnalyzeRequest.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "an .eml file (up to 10 MiB)"},
                        "text": {"type": "string", "description": "the text, when no file is sent"},
                        "channel": {"type": "string", "description": "for text only; a mail is always email"},
                    },
                }
            },
            "message/rfc822": {"schema": {"type": "string", "format": "binary", "description": "the raw .eml"}},
        },
    }
}


@router.post(
    "/analyze",
    summary="Analyse a message (JSON text or an .eml upload)",
    description="Returns the report (`Report.to_dict()`): verdict, score, tactics, caution points, "
    "signals with evidence spans (My Numbers masked) and advice. Needs no token; nothing is stored. "
    "With `similar=true` the published cases of the registry are consulted too.",
    response_model=None,
    responses={200: {"model": ReportOut, "description": "the report"}, **error_responses(400, 413, 415, 422)},
    openapi_extra=_ANALYZE_BODY,
    tags=["analyze"],
)
async def analyze(
    request: Request,
    similar: bool = Query(False, description="also compare with the published cases of the registry and add "
                          "the signal SIMILAR_KNOWN_CASE (似た事例) when one is close; slower"),
) -> JSONResponse:
    message = await _message(request)
    state = request.app.state
    report = await analyze_message(request, message, state.analyzer if similar else state.plain_analyzer)
    return JSONResponse(report.to_dict())


async def _message(request: Request) -> Message:
    settings = request.app.state.settings
    kind = media_type(request)
    if kind in JSON_TYPES or kind.endswith("+json"):
        data = await read_json_object(request)
        return Message(text_field(data, "text") or "", channel_field(data))
    if kind in FORM_TYPES:
        form = await read_form(request, settings.max_upload_bytes)
        raw = await upload_bytes(form, "file", "eml")
        if raw is not None:
            return message_from_eml(raw, settings.max_upload_bytes)
        text = text_field(form, "text", required=False)
        if text is None:
            raise MalformedRequestError("send an .eml in the field 'file' or a text in the field 'text'",
                                        code="validation_error", status=422)
        return Message(text, channel_field(form))
    if kind in EML_TYPES:
        return message_from_eml(await request.body(), settings.max_upload_bytes)
    raise UnsupportedMediaTypeError(
        f"expected application/json, multipart/form-data or message/rfc822, got {kind or 'no content type'}")


# -- cases, similar, stats (token required) -------------------------------------------------
cases_router = APIRouter(prefix="/api/v1", dependencies=[Depends(require_token)],
                         responses=error_responses(401))


def _filters(
    tactic: str | None = Query(None, description="one of the 15 tactics"),
    channel: str | None = Query(None, description="email, sms, phone, visit, letter, web, sns, unknown"),
    section: str | None = Query(None, description="damage, near_miss, suspicious_call, suspicious_mail, info_requested"),
    status: str | None = Query(None, description="open, in_progress, closed"),
    label: str | None = Query(None, description="fraud or legit"),
    prefecture: str | None = Query(None, description="e.g. 東京都"),
    date_from: str | None = Query(None, description="received on or after, YYYY-MM-DD"),
    date_to: str | None = Query(None, description="received on or before, YYYY-MM-DD"),
    public: str | None = Query(None, description="true or false"),
) -> CaseFilters:
    return case_filters(locals())


def _validated(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        details = [{"loc": ["body", *(str(p) for p in e["loc"])], "msg": e["msg"], "type": e["type"]}
                   for e in exc.errors(include_input=False, include_url=False)]
        raise MalformedRequestError("the JSON does not have the expected fields and types",
                                    code="validation_error", status=422, details=details) from None


async def _json_body(request: Request) -> dict[str, Any]:
    kind = media_type(request)
    if not (kind in JSON_TYPES or kind.endswith("+json")):
        raise UnsupportedMediaTypeError(f"expected application/json, got {kind or 'no content type'}")
    return await read_json_object(request)


def _body_doc(model: type[BaseModel]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": model.model_json_schema()}}}}


@cases_router.get("/cases", summary="List or search cases", response_model=CaseList, tags=["cases"],
                  responses=error_responses(400, 422))
async def list_cases(
    request: Request,
    filters: CaseFilters = Depends(_filters),
    q: str | None = Query(None, description="search words; every word must occur (Japanese-aware)"),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    store = request.app.state.store
    if q and q.strip():
        found = await run_in_threadpool(store.search, q, filters, limit, offset)
        total = None
    else:
        found = await run_in_threadpool(store.list, filters, limit, offset)
        total = await run_in_threadpool(store.count, filters)
    return {"cases": [c.to_dict() for c in found], "total": total, "limit": limit, "offset": offset}


@cases_router.post("/cases", summary="Record a case", status_code=201, response_model=CaseOut, tags=["cases"],
                   responses=error_responses(400, 409, 413, 415, 422), openapi_extra=_body_doc(CaseIn))
async def create_case(request: Request) -> JSONResponse:
    data = _validated(CaseIn, await _json_body(request))
    case = await run_in_threadpool(request.app.state.store.add, NewCase(**data.model_dump()))
    return JSONResponse(case.to_dict(with_report=True), status_code=201,
                        headers={"location": f"/api/v1/cases/{case.id}"})


@cases_router.get("/cases/{case_id}", summary="One case, with the analyzer's report", response_model=CaseOut,
                  tags=["cases"], responses=error_responses(404))
async def get_case(request: Request, case_id: int = Path(ge=1, le=2**62)) -> dict[str, Any]:
    case = await run_in_threadpool(request.app.state.store.get, case_id)
    return case.to_dict(with_report=True)


@cases_router.patch("/cases/{case_id}", summary="Correct a case (tactics, notes, public, status, label)",
                    response_model=CaseOut, tags=["cases"], responses=error_responses(400, 404, 415, 422),
                    openapi_extra=_body_doc(CasePatch))
async def update_case(request: Request, case_id: int = Path(ge=1, le=2**62)) -> dict[str, Any]:
    patch = _validated(CasePatch, await _json_body(request))
    changes = patch.model_dump(exclude_unset=True)
    if "public" in changes and changes["public"] is None:
        raise MalformedRequestError("public must be true or false", code="validation_error", status=422)
    store = request.app.state.store
    case = await run_in_threadpool(lambda: store.update(case_id, **changes))
    return case.to_dict(with_report=True)


@cases_router.delete("/cases/{case_id}", summary="Delete a case", status_code=204, tags=["cases"],
                     responses=error_responses(404))
async def delete_case(request: Request, case_id: int = Path(ge=1, le=2**62)) -> Response:
    delete = getattr(request.app.state.store, "delete", None)
    if delete is None:
        raise HTTPException(501, "this case store cannot delete cases")
    await run_in_threadpool(delete, case_id)
    return Response(status_code=204)


@cases_router.post("/similar", summary="Stored cases most similar to a text", response_model=SimilarOut,
                   tags=["cases"], responses=error_responses(400, 413, 415, 422), openapi_extra=_body_doc(SimilarIn))
async def similar(request: Request) -> dict[str, Any]:
    data = _validated(SimilarIn, await _json_body(request))
    text = clean_text(data.text)
    if len(text) > request.app.state.settings.max_text_chars:
        raise InputTooLargeError(f"the text has {len(text):,} characters; at most "
                                 f"{request.app.state.settings.max_text_chars:,}")
    found = await run_in_threadpool(request.app.state.store.similar, text, data.k)
    return {"similar": [s.to_dict() for s in found]}


@cases_router.get("/stats", summary="Counts by month × tactic, channel, section; losses", response_model=StatsOut,
                  tags=["cases"], responses=error_responses(400, 422))
async def stats(request: Request, filters: CaseFilters = Depends(_filters)) -> dict[str, Any]:
    result = await run_in_threadpool(request.app.state.store.stats, filters)
    return result.to_dict()
