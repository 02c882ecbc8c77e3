"""The web app and HTTP API (``mamori serve``): a public check page, a counselor area, /api/v1.

>>> from mamori.web import Settings, create_app   # doctest: +SKIP
>>> app = create_app(store, Settings())            # doctest: +SKIP

See docs/web.md (pages, security, running it) and docs/api.md (the JSON API). Needs the ``web``
extra; names are imported on first use so that ``mamori users`` starts quickly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mamori.lazy import attach

if TYPE_CHECKING:
    from mamori.web.app import create_app
    from mamori.web.settings import Settings

__all__ = ["Settings", "create_app"]

_HOME = {"Settings": "settings", "create_app": "app"}


__getattr__, __dir__ = attach(__name__, _HOME, __all__)
