"""My Number (個人番号, Japanese Individual Number).

The My Number (マイナンバー) of a resident of Japan has 12 digits; the last one is a check digit.
This module has the shape of a python-stdnum module and delegates every check to
``stdnum.jp.in_``; it only widens :func:`compact` to the surface forms people write in Japanese
text: full-width (１２３４) and kanji (一二三四, 〇 and 零) digits, ideographic spaces, every kind of
hyphen and dash (including 「ー」), dots and line breaks.

Examples below use a number generated with :func:`calc_check_digit`, never a real person's.

>>> number = '12345678901' + calc_check_digit('12345678901')
>>> number
'123456789018'
>>> validate('１２３４－５６７８－９０１８')
'123456789018'
>>> validate('一二三四 五六七八 九〇一八')
'123456789018'
>>> validate('1234 5678 9017')
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidChecksum: The number's checksum or check digit is invalid.
>>> validate('1234 5678 901')
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidLength: The number has an invalid length.
>>> is_valid('1234・5678・9018')
True
>>> format('１２３４５６７８９０１８')
'1234 5678 9018'
"""

from __future__ import annotations

from stdnum.exceptions import ValidationError
from stdnum.jp import in_
from stdnum.jp.in_ import calc_check_digit

from mamori.pii.find import normalize

__all__ = ["calc_check_digit", "compact", "format", "is_valid", "validate"]


def compact(number: str) -> str:
    """Convert the number to its minimal representation: 12 ASCII digits.

    Full-width and kanji digits become ASCII; spaces, hyphens, dots and line breaks are removed.
    Other characters are kept, so that :func:`validate` rejects them.

    >>> compact(' 一二三四ー五六七八ー九〇一八 ')
    '123456789018'
    """
    return normalize(in_.compact(number))


def validate(number: str) -> str:
    """Check the number's length, digits and check digit; return its compact form.

    Raises:
        stdnum.exceptions.InvalidLength: not 12 digits.
        stdnum.exceptions.InvalidFormat: a character that is not a digit or a separator.
        stdnum.exceptions.InvalidChecksum: the check digit does not match.
    """
    return in_.validate(compact(number))


def is_valid(number: str) -> bool:
    """Check whether the number is a valid My Number.

    >>> is_valid('1234 5678 9018'), is_valid('1234 5678 9010'), is_valid('abc')
    (True, False, False)
    """
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def format(number: str) -> str:
    """Reformat the number to the presentation on the My Number card: ``1234 5678 9018``."""
    return in_.format(compact(number))
