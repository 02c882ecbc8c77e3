"""From fired rules to a score and a verdict, in sums a person can add up by hand.

1. Each rule that fired counts once, with its weight, however many spans it matched.
2. Pattern and check rules are summed per tactic, and each tactic's sum is capped
   (``[caps]`` in ``verdicts.toml``), so many wordings of one tactic cannot make a danger alone.
3. Composite rules (the caution points: authority AND money, …) are added in full, uncapped.
4. score = Σ capped tactic sums + Σ composite weights; ``danger`` at ``thresholds.danger`` or
   more, ``caution`` at ``thresholds.caution`` or more, else ``no_signal``.

>>> th = Thresholds(caution=3, danger=8, caps={"urgency": 2}, default_cap=6,
...                 warning_markers=(), warning_min_markers=3)
>>> tally([("urgency", 2, False), ("urgency", 1, False), ("threat", 4, False)], th)
(6, {'threat': 4, 'urgency': 2})
>>> verdict_for(6, th)
<Verdict.CAUTION: 'caution'>
"""

from __future__ import annotations

from collections.abc import Iterable

from mamori.report import TACTICS, Verdict
from mamori.rules.model import Thresholds

__all__ = ["tally", "verdict_for"]


def tally(weights: Iterable[tuple[str, int, bool]], thresholds: Thresholds) -> tuple[int, dict[str, int]]:
    """Sum ``(tactic, weight, is_composite)`` triples; return the score and per-tactic scores."""
    plain: dict[str, int] = {}
    composite: dict[str, int] = {}
    for tactic, weight, is_composite in weights:
        bucket = composite if is_composite else plain
        bucket[tactic] = bucket.get(tactic, 0) + weight
    per_tactic: dict[str, int] = {}
    for tactic in TACTICS:
        if tactic in plain or tactic in composite:
            capped = min(plain.get(tactic, 0), thresholds.caps.get(tactic, thresholds.default_cap))
            per_tactic[tactic] = capped + composite.get(tactic, 0)
    return sum(per_tactic.values()), per_tactic


def verdict_for(score: int, thresholds: Thresholds) -> Verdict:
    """The verdict for a score."""
    if score >= thresholds.danger:
        return Verdict.DANGER
    if score >= thresholds.caution:
        return Verdict.CAUTION
    return Verdict.NO_SIGNAL
