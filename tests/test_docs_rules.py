"""The worked example of docs/rules.md, recomputed: the documentation cannot drift from the packs."""

from __future__ import annotations

from pathlib import Path

import mamori
from mamori.rules import default_ruleset

DOC = Path(__file__).resolve().parents[1] / "docs" / "rules.md"


def test_worked_example_adds_up_as_documented():
    text = "市役所の者です。マイナンバーの手続きに手数料が必要です"
    assert f"「{text}」" in DOC.read_text(encoding="utf-8")
    report = mamori.analyze(text)
    fired = {s.rule_id: (s.tactic, s.weight) for s in report.signals}
    assert fired == {
        "CLAIMS_AUTHORITY": ("impersonation", 1),
        "FEE_FOR_MYNUMBER_PROCEDURE": ("money_demand", 4),
        "AUTHORITY_ASKS_MONEY_OR_CARD": ("money_demand", 4),
    }
    th = default_ruleset().thresholds
    assert th.caps["impersonation"] == 2 and th.default_cap == 5
    assert (th.caution, th.danger) == (4, 7)
    assert report.tactic_scores == {"impersonation": 1, "money_demand": 8}
    assert report.score == 9 and report.verdict is mamori.Verdict.DANGER
    doc = DOC.read_text(encoding="utf-8")
    assert "impersonation = min(1, cap 2) = 1; money_demand = min(4, cap 5) + 4 = 8; score = 9 ≥ 7" in doc
