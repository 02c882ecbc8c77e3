"""Corporate Number (法人番号, Japanese Corporate Number).

The National Tax Agency assigns a corporate number to every registered corporation, government
organ and local government. It has 13 digits; the *first* one is a check digit (1-9). Corporate
numbers are public, unlike My Numbers, so mamori finds them but masks them only when asked.

This module has the shape of a python-stdnum module and delegates every check to
``stdnum.jp.cn``; :func:`compact` accepts the same surface forms as
:func:`mamori.pii.mynumber.compact` (full-width and kanji digits, ideographic spaces, every
hyphen, dots).

Examples below use a number generated with :func:`calc_check_digit`.

>>> number = calc_check_digit('123456789012') + '123456789012'
>>> number
'7123456789012'
>>> validate('７－１２３４－５６７８－９０１２')
'7123456789012'
>>> validate('6-1234-5678-9012')
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidChecksum: The number's checksum or check digit is invalid.
>>> is_valid('七 一二三四 五六七八 九〇一二')
True
>>> format('7123456789012')
'7-1234-5678-9012'
"""

from __future__ import annotations

from stdnum.exceptions import ValidationError
from stdnum.jp import cn
from stdnum.jp.cn import calc_check_digit

from mamori.pii.find import normalize

__all__ = ["calc_check_digit", "compact", "format", "is_valid", "validate"]


def compact(number: str) -> str:
    """Convert the number to its minimal representation: 13 ASCII digits.

    >>> compact('７ー１２３４ー５６７８ー９０１２')
    '7123456789012'
    """
    return normalize(cn.compact(number))


def validate(number: str) -> str:
    """Check the number's length, digits and check digit; return its compact form.

    Raises:
        stdnum.exceptions.InvalidLength: not 13 digits.
        stdnum.exceptions.InvalidFormat: a character that is not a digit or a separator.
        stdnum.exceptions.InvalidChecksum: the check digit does not match.
    """
    return cn.validate(compact(number))


def is_valid(number: str) -> bool:
    """Check whether the number is a valid corporate number.

    >>> is_valid('7-1234-5678-9012'), is_valid('7-1234-5678-9013')
    (True, False)
    """
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def format(number: str) -> str:
    """Reformat the number to the standard presentation: ``7-1234-5678-9012``."""
    return cn.format(compact(number))
