"""Lazy package attributes: a package names what it exports and imports each on first use, so
importing the package (or one of its light submodules) does not load the heavy ones.

>>> getattr_, dir_ = attach("mamori.formats", {"html_to_text": "html"}, ["html_to_text"])
>>> getattr_("html_to_text").__name__
'html_to_text'
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["attach"]


def attach(
    package: str, home: Mapping[str, str], names: Iterable[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: ``home`` maps each name to its submodule."""
    exported = set(names)

    def __getattr__(name: str) -> Any:
        module = home.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)  # found directly next time
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | exported)

    return __getattr__, __dir__
