"""Jinja2 templates with autoescape always on, and the helpers the templates use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from mamori.cases.records import PREFECTURES, SECTION_TITLES
from mamori.explain import pieces
from mamori.pii import mask
from mamori.report import CAUTION_POINTS, Report
from mamori.web.labels import (
    CHANNEL_LABELS,
    JUDGEMENT_LABELS,
    STATUS_LABELS,
    TACTIC_LABELS,
    VERDICT_SHORT,
    VERDICT_TEXT,
    channel_label,
    tactic_label,
)

__all__ = ["TEMPLATES_DIR", "STATIC_DIR", "make_templates", "render"]

TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")


def highlighted(text: str, report: Report) -> Markup:
    """The user's text, escaped, with evidence in ``<mark>`` and My Numbers masked.

    The markup of :func:`mamori.explain.to_html_fragment` (``<mark data-signals="1 2">``), built
    from the same :func:`~mamori.explain.pieces` but with neighbouring runs of the same signals
    joined, so each highlighted phrase carries its reason numbers once.
    """
    runs: list[tuple[tuple[int, ...], bool, list[str]]] = []
    for piece in pieces(text, report):
        if runs and runs[-1][0] == piece.signals and runs[-1][1] == piece.masked:
            runs[-1][2].append(piece.text)
        else:
            runs.append((piece.signals, piece.masked, [piece.text]))
    out: list[str] = []
    for signals, masked, texts in runs:
        body = str(escape("".join(texts))).replace("\n", "<br>")
        if masked:
            body = f'<span class="masked">{body}</span>'
        if signals:
            numbers = " ".join(str(i + 1) for i in signals)
            body = f'<mark data-signals="{numbers}">{body}</mark>'
        out.append(body)
    return Markup("".join(out))


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(
        CHANNEL_LABELS=CHANNEL_LABELS,
        TACTIC_LABELS=TACTIC_LABELS,
        VERDICT_TEXT=VERDICT_TEXT,
        CAUTION_POINTS=CAUTION_POINTS,
        STATUS_LABELS=STATUS_LABELS,
        JUDGEMENT_LABELS=JUDGEMENT_LABELS,
        VERDICT_SHORT=VERDICT_SHORT,
        SECTION_TITLES=dict(SECTION_TITLES),
        PREFECTURES=PREFECTURES,
    )
    env.filters.update(tactic_label=tactic_label, channel_label=channel_label, mask=mask)
    env.globals["highlighted"] = highlighted
    return Jinja2Templates(env=env)


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a page. ``user`` is always in the context; forms call ``csrf_token()``, so a
    session (and its cookie) only exists where a form needs one."""
    from mamori.web.auth import csrf_token, current_user

    templates: Jinja2Templates = request.app.state.templates
    context.setdefault("user", current_user(request))
    context.setdefault("csrf_token", lambda: csrf_token(request))
    return templates.TemplateResponse(request, name, context, status_code=status)
