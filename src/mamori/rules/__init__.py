"""Rule packs: load, validate, lint and compile them."""

from mamori.rules.lint import check_linear, required_literals
from mamori.rules.load import RuleSet, default_ruleset, load_packs
from mamori.rules.model import Rule, Thresholds

__all__ = ["Rule", "RuleSet", "Thresholds", "check_linear", "default_ruleset", "load_packs", "required_literals"]
