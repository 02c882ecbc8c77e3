"""mamori.pii.mynumber: the stdnum-shaped module, delegating to stdnum.jp.in_."""

from __future__ import annotations

import pytest
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError
from stdnum.jp import in_

from mamori.pii import mynumber

from .test_generate import MYNUMBERS, break_mynumber, full_width, grouped, kanji


def test_calc_check_digit_is_stdnums() -> None:
    assert mynumber.calc_check_digit is in_.calc_check_digit


@pytest.mark.parametrize("number", MYNUMBERS)
@pytest.mark.parametrize(
    "form",
    [
        lambda d: d,
        lambda d: f"  {d}  ",
        lambda d: grouped(d, " "),
        lambda d: grouped(d, "-"),
        lambda d: grouped(d, "－"),
        lambda d: grouped(d, "ー"),
        lambda d: grouped(d, "―"),
        lambda d: grouped(d, "\u3000"),
        lambda d: grouped(d, "."),
        lambda d: grouped(d, "・"),
        lambda d: grouped(d, "\n"),
        lambda d: full_width(d),
        lambda d: kanji(d),
        lambda d: kanji(d, zero="零"),
        lambda d: grouped(kanji(d[:4]) + full_width(d[4:8]) + d[8:], " "),
        lambda d: "\u200b".join(d),
    ],
)
def test_compact_validate_format_every_surface_form(number: str, form) -> None:
    surface = form(number)
    assert mynumber.compact(surface) == number
    assert mynumber.validate(surface) == number
    assert mynumber.is_valid(surface)
    assert mynumber.format(surface) == grouped(number, " ")


@pytest.mark.parametrize("number", MYNUMBERS)
def test_wrong_check_digit(number: str) -> None:
    wrong = break_mynumber(number)
    with pytest.raises(InvalidChecksum):
        mynumber.validate(wrong)
    with pytest.raises(InvalidChecksum):
        mynumber.validate(kanji(wrong))
    assert not mynumber.is_valid(grouped(full_width(wrong), "-"))


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("", InvalidLength),
        ("1234 5678 901", InvalidLength),
        ("1234 5678 90123", InvalidLength),
        ("1234 5678 901X", InvalidFormat),
        ("1234,5678,9018", InvalidFormat),
        ("一二三四五六七八九十一二", InvalidFormat),
    ],
)
def test_invalid_numbers_raise_stdnum_errors(value: str, error: type[ValidationError]) -> None:
    with pytest.raises(error):
        mynumber.validate(value)
    assert not mynumber.is_valid(value)


def test_is_valid_agrees_with_stdnum_on_plain_digits() -> None:
    for seed in range(0, 10**11, 10**11 // 997):
        body = f"{seed:011d}"
        for last in "0123456789":
            assert mynumber.is_valid(body + last) == in_.is_valid(body + last)


def test_errors_never_hold_the_number() -> None:
    wrong = break_mynumber(MYNUMBERS[0])
    with pytest.raises(ValidationError) as info:
        mynumber.validate(wrong)
    assert wrong not in str(info.value) and wrong not in repr(info.value)


def test_is_valid_is_false_for_non_strings() -> None:
    assert not mynumber.is_valid(None)  # type: ignore[arg-type]
    assert not mynumber.is_valid(123456789018)  # type: ignore[arg-type]
