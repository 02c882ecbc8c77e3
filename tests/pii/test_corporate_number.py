"""mamori.pii.corporate_number: the stdnum-shaped module, delegating to stdnum.jp.cn."""

from __future__ import annotations

import pytest
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.jp import cn

from mamori.pii import corporate_number

from .test_generate import CORPORATE_NUMBERS, break_corporate_number, full_width, grouped, kanji


def test_calc_check_digit_is_stdnums() -> None:
    assert corporate_number.calc_check_digit is cn.calc_check_digit


@pytest.mark.parametrize("number", CORPORATE_NUMBERS)
@pytest.mark.parametrize(
    "form",
    [
        lambda d: d,
        lambda d: grouped(d, "-", (1, 4, 4, 4)),
        lambda d: grouped(d, " ", (1, 4, 4, 4)),
        lambda d: grouped(full_width(d), "－", (1, 4, 4, 4)),
        lambda d: grouped(d, "ー", (1, 4, 4, 4)),
        lambda d: grouped(kanji(d), "\u3000", (1, 4, 4, 4)),
        lambda d: grouped(d, ".", (1, 4, 4, 4)),
    ],
)
def test_compact_validate_format_every_surface_form(number: str, form) -> None:
    surface = form(number)
    assert corporate_number.compact(surface) == number
    assert corporate_number.validate(surface) == number
    assert corporate_number.is_valid(surface)
    assert corporate_number.format(surface) == grouped(number, "-", (1, 4, 4, 4))


@pytest.mark.parametrize("number", CORPORATE_NUMBERS)
def test_wrong_check_digit(number: str) -> None:
    wrong = break_corporate_number(number)
    with pytest.raises(InvalidChecksum):
        corporate_number.validate(wrong)
    assert not corporate_number.is_valid(grouped(wrong, "-", (1, 4, 4, 4)))


def test_invalid_shapes() -> None:
    with pytest.raises(InvalidLength):
        corporate_number.validate("1234 5678 9018")
    with pytest.raises(InvalidFormat):
        corporate_number.validate("7-1234-5678-901X")
    assert not corporate_number.is_valid("")
