"""Mask My Numbers (個人番号) in text, and in the data structures mamori writes out.

Every number that :func:`mamori.pii.find.find` finds is replaced, from its first digit to its
last, by a label: ``[個人番号]`` for a My Number, ``[法人番号]`` for a corporate number. Corporate
numbers are public, so only My Numbers are masked unless ``kinds`` says otherwise. The rest of
the text is kept as it is, character for character.

>>> from mamori.pii.mynumber import calc_check_digit
>>> number = '12345678901' + calc_check_digit('12345678901')
>>> mask(f'マイナンバーは{number[:4]} {number[4:8]} {number[8:]}です')
'マイナンバーは[個人番号]です'
>>> redact({'text': f'番号{number}', 'turns': [f'({number})', 3]})
{'text': '番号[個人番号]', 'turns': ['([個人番号])', 3]}
>>> contains_mynumber(f'番号: {number}'), contains_mynumber('電話 090-1234-5678')
(True, False)
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType
from typing import Any, get_args

from mamori.errors import InputError
from mamori.pii.find import Kind, find

__all__ = ["LABELS", "contains_mynumber", "mask", "redact"]

LABELS = MappingProxyType({"mynumber": "[個人番号]", "corporate_number": "[法人番号]"})
"""The label that replaces each kind of number."""

_KINDS = frozenset(get_args(Kind))


def _check_kinds(kinds: Iterable[str]) -> frozenset[str]:
    if isinstance(kinds, str):
        raise InputError(
            f"kinds must be a collection of kind names, not the string {kinds!r}; write ({kinds!r},)"
        )
    wanted = frozenset(kinds)
    unknown = wanted - _KINDS
    if unknown:
        raise InputError(
            f"unknown kind {sorted(unknown)[0]!r}; expected some of: {', '.join(sorted(_KINDS))}"
        )
    return wanted


def _mask(text: str, wanted: frozenset[str]) -> str:
    parts: list[str] = []
    pos = 0
    for m in find(text):
        if m.kind in wanted:
            parts.append(text[pos : m.start])
            parts.append(LABELS[m.kind])
            pos = m.end
    if not parts:
        return text
    parts.append(text[pos:])
    return "".join(parts)


def mask(text: str, *, kinds: Iterable[Kind] = ("mynumber",)) -> str:
    """Replace each number in a text with its label.

    Args:
        text: any text.
        kinds: the kinds of number to mask: ``"mynumber"`` (the default) and/or
            ``"corporate_number"``.

    Returns:
        The text with each number of those kinds replaced by ``[個人番号]`` or ``[法人番号]``.

    Raises:
        InputError: ``kinds`` names an unknown kind.

    >>> mask('法人番号 7-1234-5678-9012', kinds=('mynumber', 'corporate_number'))
    '法人番号 [法人番号]'
    """
    return _mask(text, _check_kinds(kinds))


def redact(obj: Any, *, kinds: Iterable[Kind] = ("mynumber",)) -> Any:
    """Mask every string inside a value: a report, a log record, a stored JSON document.

    Strings are masked with :func:`mask`; dicts (keys and values), lists and tuples are walked
    recursively and rebuilt (a dict subclass comes back as a plain dict, a named tuple as the same
    named tuple). An integer whose 12 or 13 decimal digits are a number of a masked kind becomes its
    label, since a JSON document may hold a My Number as a number (one that starts with 0
    has lost that digit as an integer, and is not recognised). Anything else is returned unchanged.

    Args:
        obj: the value to redact; it is not modified.
        kinds: as for :func:`mask`.

    Raises:
        InputError: ``kinds`` names an unknown kind.

    >>> redact(('ok', None, 1.5, 123456789018))
    ('ok', None, 1.5, '[個人番号]')
    """
    return _redact(obj, _check_kinds(kinds))


def _redact(obj: Any, wanted: frozenset[str]) -> Any:
    if isinstance(obj, str):
        return _mask(obj, wanted)
    if isinstance(obj, dict):
        return {_redact(key, wanted): _redact(value, wanted) for key, value in obj.items()}
    if isinstance(obj, list):
        return [_redact(item, wanted) for item in obj]
    if isinstance(obj, tuple):
        items = [_redact(item, wanted) for item in obj]
        return type(obj)(*items) if hasattr(obj, "_fields") else tuple(items)
    if isinstance(obj, int) and not isinstance(obj, bool) and 10**11 <= obj < 10**13:
        digits = str(obj)
        masked = _mask(digits, wanted)
        return obj if masked is digits else masked
    return obj


def contains_mynumber(text: str) -> bool:
    """Tell whether a text holds a valid My Number, in any surface form."""
    return any(m.kind == "mynumber" for m in find(text))
