"""Run every rule's own examples: ``examples.match`` must fire the rule, ``no_match`` must not."""

from __future__ import annotations

from dataclasses import dataclass

from mamori.rules.load import RuleSet

__all__ = ["ExampleFailure", "run_examples"]


@dataclass(frozen=True, slots=True)
class ExampleFailure:
    rule_id: str
    expected_match: bool
    example: str

    def __str__(self) -> str:
        want = "should match" if self.expected_match else "should not match"
        return f"{self.rule_id} {want}: {self.example}"


def run_examples(rules: RuleSet) -> list[ExampleFailure]:
    """Analyze each example with the full ruleset; report the rules that behaved otherwise."""
    from mamori.analyzer import Analyzer

    analyzer = Analyzer(rules)
    failures: list[ExampleFailure] = []
    for rule in rules.rules:
        for expected, examples in ((True, rule.examples_match), (False, rule.examples_no_match)):
            for ex in examples:
                fired = {s.rule_id for s in analyzer.analyze(ex).signals}
                if (rule.id in fired) != expected:
                    failures.append(ExampleFailure(rule.id, expected, ex))
    return failures
