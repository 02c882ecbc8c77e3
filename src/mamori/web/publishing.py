"""Publishing the warning page (注意喚起ページ) from the web app.

An admin's "publish" renders :func:`mamori.cases.publish.render_page` over the public cases and
writes it atomically to ``<data dir>/published/warning.html``; ``GET /warning`` serves that file.
The page carries its own ``<style>``: it is allowed by its SHA-256 in the page's CSP, so no other
inline style (and no script at all) can run.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.responses import HTMLResponse

from mamori.cases.records import CaseFilters

__all__ = ["page_response", "publish_now", "publish_status", "published_page", "render_preview"]

_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def _path(app: FastAPI) -> Path:
    from mamori.web.settings import data_dir

    configured = getattr(app.state.settings, "publish_dir", None)
    return Path(configured or data_dir() / "published") / "warning.html"


def render_preview(app: FastAPI) -> str:
    """The page as it would be published now."""
    from mamori.cases.publish import render_page

    return render_page(app.state.store.export(CaseFilters(public=True)))


def publish_now(app: FastAPI) -> Path:
    """Render and write the page; return where it was written."""
    from mamori.cases.publish import write_page

    path = _path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_page(render_preview(app), path)
    return path


def published_page(app: FastAPI) -> str | None:
    """The published page, or None before the first publish."""
    try:
        return _path(app).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def publish_status(app: FastAPI) -> dict[str, Any]:
    """When the page was last published and how many cases are public now."""
    path = _path(app)
    published = datetime.fromtimestamp(path.stat().st_mtime) if path.exists() else None
    return {"published_at": published, "public_cases": app.state.store.count(CaseFilters(public=True))}


def page_response(html: str) -> HTMLResponse:
    """Serve a rendered warning page with a CSP that allows exactly its own stylesheet."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.group(1).encode("utf-8")).digest()).decode() + "'"
        for m in _STYLE.finditer(html)
    )
    csp = (f"default-src 'none'; style-src {hashes or 'none'}; img-src 'self' data:; form-action 'self'; "
           "frame-ancestors 'none'; base-uri 'none'")
    return HTMLResponse(html, headers={"content-security-policy": csp})
