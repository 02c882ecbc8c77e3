"""Find, mask and redact My Numbers (個人番号) and corporate numbers (法人番号) in text.

A My Number never leaves mamori: reports, log lines, errors and stored cases pass through
:func:`mask` or :func:`redact` first. :func:`find` recognises the numbers in any surface form
(ASCII, full-width or kanji digits; spaces, hyphens, dots) and checks them with python-stdnum;
:mod:`mamori.pii.mynumber` and :mod:`mamori.pii.corporate_number` validate a single number.

>>> from mamori import pii
>>> number = '12345678901' + pii.mynumber.calc_check_digit('12345678901')
>>> pii.find(f'個人番号：{number}')
[PiiMatch(kind='mynumber', start=5, end=17)]
>>> pii.mask(f'個人番号：{number}')
'個人番号：[個人番号]'
"""

from __future__ import annotations

from mamori.pii import corporate_number, mynumber
from mamori.pii.find import PiiMatch, find, mynumber_ranges
from mamori.pii.redact import contains_mynumber, mask, redact

__all__ = [
    "PiiMatch",
    "contains_mynumber",
    "corporate_number",
    "find",
    "mask",
    "mynumber",
    "mynumber_ranges",
    "redact",
]
