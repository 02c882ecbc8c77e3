"""find() runs in linear time on adversarial input, and returns at once on texts without digits.

The bounds are generous on purpose (a slow CI machine must pass them); the targets themselves
are measured by the benchmarks. A super-linear pattern would miss them by orders of magnitude.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from mamori.pii import find, mask

from .test_generate import make_mynumber

ONE_MB_BOUND = 3.0  # seconds; about 0.1 s on a developer laptop


def _best_of(runs: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize(
    "text",
    [
        "1 " * 500_000,
        "１２３４" * 250_000,
        "１２３４" * 250_000 + " 1",
        "1-" * 500_000,
        "1 - " * 250_000,
        "1\n" * 500_000,
        "1 \n\n" * 250_000,
        "1    " * 200_000,
        "一二三四 " * 200_000,
        "1234-5678-9012 " * 66_000,
        "1" * 1_000_000,
        ("あ" * 99 + "1") * 10_000,
    ],
    ids=lambda t: repr(t[:6]),
)
def test_one_megabyte_of_adversarial_input(text: str) -> None:
    assert _best_of(1, lambda: find(text)) < ONE_MB_BOUND


def test_one_megabyte_of_valid_numbers() -> None:
    text = "".join(make_mynumber(seed) + " " for seed in range(77_000))
    start = time.perf_counter()
    masked = mask(text)
    assert time.perf_counter() - start < 2 * ONE_MB_BOUND
    assert masked == "[個人番号] " * 77_000


@pytest.mark.parametrize("unit", ["1 ", "１２３４", "12 - ", "1\n", "一 "])
def test_time_grows_linearly(unit: str) -> None:
    small = unit * (100_000 // len(unit))
    large = unit * (1_000_000 // len(unit))
    ratio = _best_of(3, lambda: find(large)) / max(_best_of(3, lambda: find(small)), 1e-6)
    assert ratio < 40  # 10x the text; a quadratic scan would take 100x


def test_short_text_without_digits_is_fast() -> None:
    text = (
        "市役所の職員を名乗る男から電話があり、マイナンバーカードの手続きに手数料がかかると言われました。" * 5
    )[:300]
    calls = 20_000
    start = time.perf_counter()
    for _ in range(calls):
        find(text)
    per_call = (time.perf_counter() - start) / calls
    assert per_call < 50e-6  # a few microseconds in practice
