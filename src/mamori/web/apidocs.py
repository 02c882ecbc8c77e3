"""The API reference at /docs: the OpenAPI schema rendered on the server, with no script and no CDN
(the machine-readable schema is at /openapi.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from mamori.web.rendering import render

__all__ = ["router", "operations"]

router = APIRouter(include_in_schema=False)

_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Field:
    name: str
    type: str
    required: bool
    description: str


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    needs_token: bool
    parameters: list[Field] = field(default_factory=list)
    bodies: list[tuple[str, list[Field], str]] = field(default_factory=list)
    responses: list[tuple[str, str]] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"{self.method}-{self.path}".replace("/", "-").replace("{", "").replace("}", "").lower()


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    for _ in range(10):
        ref = schema.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/"):
            break
        node: Any = spec
        for part in ref[2:].split("/"):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        schema = node
    return schema


def _type(schema: dict[str, Any], spec: dict[str, Any]) -> str:
    schema = _resolve(schema, spec) if "$ref" in schema else schema
    if "anyOf" in schema:
        return " | ".join(_type(s, spec) for s in schema["anyOf"])
    kind = schema.get("type")
    if kind == "array":
        return f"array of {_type(schema.get('items', {}), spec)}"
    if kind == "string" and schema.get("format") == "binary":
        return "file"
    if "enum" in schema:
        return " | ".join(json.dumps(v, ensure_ascii=False) for v in schema["enum"])
    return str(kind or schema.get("title") or "object")


def _fields(schema: dict[str, Any], spec: dict[str, Any]) -> list[Field]:
    schema = _resolve(schema, spec)
    required = set(schema.get("required", []))
    out = []
    for name, sub in schema.get("properties", {}).items():
        resolved = _resolve(sub, spec)
        out.append(Field(name, _type(sub, spec), name in required,
                         str(sub.get("description") or resolved.get("description") or "")))
    return out


def operations(spec: dict[str, Any]) -> list[Operation]:
    """The operations of an OpenAPI document, in path order, ready for the template."""
    ops = []
    for path, item in spec.get("paths", {}).items():
        for method in _METHODS:
            op = item.get(method)
            if not op:
                continue
            params = [Field(p["name"] + f" ({p.get('in', '')})", _type(p.get("schema", {}), spec),
                            bool(p.get("required")), str(p.get("description", "")))
                      for p in op.get("parameters", [])]
            bodies = []
            for ctype, media in op.get("requestBody", {}).get("content", {}).items():
                schema = media.get("schema", {})
                fields = _fields(schema, spec)
                bodies.append((ctype, fields, "" if fields else _type(schema, spec)))
            responses = [(code, str(r.get("description", ""))) for code, r in op.get("responses", {}).items()]
            ops.append(Operation(method.upper(), path, str(op.get("summary", "")), str(op.get("description", "")),
                                 bool(op.get("security")), params, bodies, responses))
    return ops


@router.get("/docs", response_class=HTMLResponse)
async def api_docs(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    return render(request, "api_docs.html", spec=spec, ops=operations(spec))
