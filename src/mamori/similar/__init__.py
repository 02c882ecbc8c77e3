"""Nearest known cases (似た事例).

:class:`SimilarityIndex` finds, for any text, the indexed texts closest to it and says what they
share; :func:`normalize` is the form texts are indexed and queried in. The case registry
(:mod:`mamori.cases`) keeps one index over its stored cases and turns close ones into the
analyzer's "似た事例 #123" signal.

The index needs numpy, SciPy and scikit-learn; they are imported when it is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mamori.similar.text import normalize

if TYPE_CHECKING:
    from mamori.similar.index import SimilarityIndex

__all__ = ["SimilarityIndex", "normalize"]


def __getattr__(name: str) -> Any:
    if name == "SimilarityIndex":
        from mamori.similar.index import SimilarityIndex

        return SimilarityIndex
    raise AttributeError(f"module 'mamori.similar' has no attribute {name!r}")
