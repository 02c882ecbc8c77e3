"""Run every rule's own examples: ``examples.match`` must fire the rule, ``no_match`` must not."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mamori.message import Message
from mamori.rules.load import RuleSet

# An example written as a mail ("From: ...\n...\n\nbody") is parsed as one, so header checks
# (From display name, Reply-To, HTML links) can prove themselves like pattern rules.
_MAIL_EXAMPLE = re.compile(r"\A(?:[A-Za-z-]{2,40}: [^\n]*\n){1,20}\n", re.ASCII)

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
    """Analyze each example with the full ruleset; report the rules that behaved otherwise.

    An example that starts with mail headers and a blank line is parsed as an e-mail."""
    from mamori.analyzer import Analyzer

    analyzer = Analyzer(rules)

    def message(example: str) -> Message | str:
        if _MAIL_EXAMPLE.match(example):
            from mamori.formats.email import parse_eml

            return parse_eml(example.encode("utf-8"))
        return example

    failures: list[ExampleFailure] = []
    for rule in rules.rules:
        for expected, examples in ((True, rule.examples_match), (False, rule.examples_no_match)):
            for ex in examples:
                fired = {s.rule_id for s in analyzer.analyze(message(ex)).signals}
                if (rule.id in fired) != expected:
                    failures.append(ExampleFailure(rule.id, expected, ex))
    return failures
