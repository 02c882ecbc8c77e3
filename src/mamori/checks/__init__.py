"""Code-backed checks, registered by versioned name ("mynumber.valid.v1").

A rule names a check instead of patterns when a pattern cannot do the work: checksums, URL
and domain parsing, mail headers. A check reads a :class:`CheckContext` and returns hits with
offsets into the ORIGINAL text. Checks are pure: no I/O, no network.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mamori.document import Document
from mamori.errors import RuleError
from mamori.message import Message

__all__ = ["CheckContext", "CheckHit", "available_checks", "check_function", "register"]


@dataclass(frozen=True, slots=True)
class CheckHit:
    """Evidence from a check: ``[start, end)`` in the original text and an explanation."""

    start: int
    end: int
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a check may read: the message (original text, headers, links) and its document.

    ``terms`` are the packs' term lists; ``memo`` lets checks of one analysis share work (the URLs are found once for all URL checks).
    """

    message: Message
    doc: Document
    terms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict)


CheckFn = Callable[[CheckContext], list[CheckHit]]
_REGISTRY: dict[str, CheckFn] = {}
_BUILTIN_MODULES = (
    "mamori.checks.pii",
    "mamori.checks.links",
    "mamori.checks.phones",
    "mamori.checks.money",
    "mamori.checks.mail",
    "mamori.checks.identities",
)
_loaded = False


def register(name: str) -> Callable[[CheckFn], CheckFn]:
    """Register a check function under a versioned name."""

    def deco(fn: CheckFn) -> CheckFn:
        if name in _REGISTRY and _REGISTRY[name] is not fn:
            raise RuleError(f"check {name} is registered twice")
        _REGISTRY[name] = fn
        return fn

    return deco


def _load_builtin() -> None:
    global _loaded
    if not _loaded:
        for mod in _BUILTIN_MODULES:
            importlib.import_module(mod)
        _loaded = True


def check_function(name: str) -> CheckFn:
    """Return the check registered as ``name``; raise RuleError if there is none."""
    _load_builtin()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise RuleError(f"unknown check {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None


def available_checks() -> list[str]:
    """Names of all registered checks."""
    _load_builtin()
    return sorted(_REGISTRY)
