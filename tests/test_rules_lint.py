"""The linear-time lint, and linear running time of every shipped pattern on adversarial input."""

from __future__ import annotations

import time

import pytest

from mamori import Analyzer
from mamori.errors import UnsafePatternError
from mamori.rules import check_linear, default_ruleset, required_literals

UNSAFE = [
    "(a+)+b",
    "(?:ab)*c",
    ".*マイナンバー",
    "マイナンバー.+教えて",
    "x{2,}",
    "(?:a|ab){0,20}c",
    "(?:a.{0,5}){0,5}",
    r"(a)\1",
    "a.{0,61}b",
    "a.{0,50}b.{0,50}c.{0,50}d",
]


@pytest.mark.parametrize("pattern", UNSAFE)
def test_lint_rejects_super_linear_or_unbounded_patterns(pattern: str):
    with pytest.raises(UnsafePatternError):
        check_linear(pattern)


@pytest.mark.parametrize("pattern", ["マイナンバー.{0,15}教えて", "(?:市役所|警察)(?:の者|です)", "[^。]{0,30}ATM", "お金(?:を)?"])
def test_lint_accepts_bounded_patterns(pattern: str):
    check_linear(pattern)


def test_required_literals_prefilter():
    assert required_literals("(?:市役所|警察)の者.{0,5}です") == frozenset({"市役所の者", "警察の者"})
    assert required_literals("(?:暗証番号|パスワード).{0,9}教えて") in ({"暗証番号", "パスワード"}, {"教えて"})
    # The parser splits (?:金を|金に) into 金 + [をに]; the fixed parts are joined again.
    assert required_literals("(?:金を|金に).{0,3}隠") == frozenset({"金を", "金に"})
    assert required_literals("[0-9]{0,4}") is None


def test_every_shipped_pattern_passes_the_lint():
    rs = default_ruleset()
    n = 0
    for rule in rs.rules:
        for p in rule.patterns:
            check_linear(p.pattern)
            n += 1
    assert n > 50


def _adversarial(size: int) -> list[str]:
    """Inputs built from the packs' own vocabulary, the worst case for gap patterns."""
    rs = default_ruleset()
    words = sorted({w for terms in rs.terms.values() for w in terms})
    dense = "".join(words)
    reps = size // len(dense) + 1
    return [
        (dense * reps)[:size],
        ("マイナンバー" + "お金" * 3 + "教えて") * (size // 14),
        ("市役所の者です。" * (size // 8))[:size],
        "あ" * size,
        ("1 " * (size // 2)),
    ]


def test_analysis_time_grows_linearly_on_adversarial_input():
    analyzer = Analyzer(max_chars=5_000_000)
    small_n, big_n = 20_000, 200_000
    for small, big in zip(_adversarial(small_n), _adversarial(big_n), strict=True):
        t0 = time.perf_counter()
        analyzer.analyze(small)
        t_small = time.perf_counter() - t0
        t0 = time.perf_counter()
        analyzer.analyze(big)
        t_big = time.perf_counter() - t0
        # 10x the text: allow generous noise, but quadratic growth (100x) must fail.
        assert t_big <= max(30 * t_small, 0.5), (big[:30], t_small, t_big)
