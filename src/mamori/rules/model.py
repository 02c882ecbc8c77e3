"""Rule records as loaded from the packs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Rule", "Thresholds"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of a pack: a named, described, weighted pattern set, check or combination.

    Exactly one of ``patterns`` (regular expressions over the normalised text, ``{TERM}``
    expanded from ``terms.toml``), ``check`` (a code check's versioned name) or ``all_of``
    (rule ids or tactic names that must all have fired) is set.
    """

    id: str
    tactic: str
    weight: int
    description: str
    advice: str
    pack: str
    source_patterns: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    check: str | None = None
    all_of: tuple[str, ...] = ()
    within: int | None = None
    caution_point: str | None = None
    channels: frozenset[str] = frozenset()
    negatable: bool = True
    examples_match: tuple[str, ...] = ()
    examples_no_match: tuple[str, ...] = ()
    trees: tuple[object, ...] = field(default=(), compare=False, repr=False)

    @property
    def kind(self) -> str:
        if self.all_of:
            return "composite"
        if self.check:
            return "check"
        return "pattern"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Scoring data from ``verdicts.toml``: per-tactic caps and verdict thresholds."""

    caution: int
    danger: int
    caps: dict[str, int]
    default_cap: int
    warning_markers: tuple[str, ...]
    warning_min_markers: int
