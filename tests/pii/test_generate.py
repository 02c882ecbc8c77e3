"""Generated test numbers and surface forms, shared by the tests of mamori.pii.

Every number in these tests is made here with python-stdnum's ``calc_check_digit``: none is a
real person's My Number. The digit helpers are written independently of mamori, so that the
tests do not check mamori against itself.
"""

from __future__ import annotations

import unicodedata

from stdnum.jp import cn, in_

FULL_WIDTH = "０１２３４５６７８９"
KANJI = "〇一二三四五六七八九"
KANJI_REI = "零一二三四五六七八九"
HYPHENS = "-‐‑–—―−ー－"  # every hyphen the brief names


def make_mynumber(seed: int) -> str:
    """A valid My Number: 11 digits from ``seed`` and stdnum's check digit."""
    body = f"{seed % 10**11:011d}"
    return body + in_.calc_check_digit(body)


def make_corporate_number(seed: int) -> str:
    """A valid corporate number: stdnum's check digit, then 12 digits from ``seed``."""
    body = f"{seed % 10**12:012d}"
    return cn.calc_check_digit(body) + body


def break_mynumber(number: str) -> str:
    """The same My Number with a wrong check digit."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def break_corporate_number(number: str) -> str:
    """The same corporate number with a wrong check digit (check digits run from 1 to 9)."""
    return str(int(number[0]) % 9 + 1) + number[1:]


def full_width(digits: str) -> str:
    return digits.translate(str.maketrans("0123456789", FULL_WIDTH))


def kanji(digits: str, *, zero: str = "〇") -> str:
    return digits.translate(str.maketrans("0123456789", zero + KANJI[1:]))


def grouped(digits: str, sep: str, sizes: tuple[int, ...] = (4, 4, 4)) -> str:
    parts, pos = [], 0
    for size in sizes:
        parts.append(digits[pos : pos + size])
        pos += size
    return sep.join(parts)


def digits_of(text: str) -> str:
    """Every digit left in a text, in any script (ASCII, full-width, kanji, others), as ASCII."""
    out = []
    for ch in text:
        if ch in KANJI:
            out.append(str(KANJI.index(ch)))
        elif ch == "零":
            out.append("0")
        elif ch.isdecimal():
            out.append(str(unicodedata.decimal(ch)))
    return "".join(out)


MYNUMBERS = [make_mynumber(seed) for seed in (12345678901, 98765432109, 20240401, 55555000011)]
CORPORATE_NUMBERS = [make_corporate_number(seed) for seed in (123456789012, 987654321098, 10203040506)]


def test_generated_mynumbers_are_valid() -> None:
    for number in MYNUMBERS:
        assert in_.is_valid(number)
        assert not in_.is_valid(break_mynumber(number))


def test_generated_corporate_numbers_are_valid() -> None:
    for number in CORPORATE_NUMBERS:
        assert cn.is_valid(number)
        assert not cn.is_valid(break_corporate_number(number))


def test_digits_of_reads_every_script() -> None:
    assert digits_of("a1２三零𝟒") == "12304"
    assert digits_of("個人番号[個人番号]") == ""
