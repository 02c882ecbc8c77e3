"""Find My Numbers (個人番号) and corporate numbers (法人番号) in text, in any surface form.

A number is a *run*: digits — ASCII, full-width (０-９), kanji (〇一二三四五六七八九, 零) or
mathematical (𝟏𝟐𝟑), mixed freely — where two neighbouring digits are separated by
nothing or by a short *gap*:

* up to three separator characters: spaces (ASCII, no-break, ideographic 「　」, tab), hyphens
  and dashes (``-‐‑‒–—―−ー－ｰ─``), dots (``.．・･·``) and invisible characters (zero-width
  space and joiners, soft hyphen, bidi marks);
* or a single line break with at most two separator characters on each side (a number wrapped
  by a mail client or split across two SMS lines); a blank line ends the run.

A run is never part of a longer one, so a number glued to other digits is not a number: the
12 digits inside a 16-digit card number are not a My Number. A run with exactly 12 digits whose
check digit is valid (``stdnum.jp.in_``) is a ``"mynumber"``; with exactly 13 digits and a valid
check digit (``stdnum.jp.cn``), a ``"corporate_number"``.

When a whole run is not a number, its *chunks* — the parts joined without whitespace, such as
``1234-5678-9012`` — are tried one by one, and then the stretches between the chunks that
matched: ``1234-5678-9012 090-1234-5678`` holds one My Number (the chunks of a card number
written ``1234 5678 9012 3456`` have four digits each, so none matches). A 13-digit run that
is a valid corporate number but holds a 12-digit chunk that is a valid My Number
(``1. 1234-5678-9012``) yields the My Number: protecting a person's number comes first. A run
right after ``+`` is an international phone number and is skipped.

Offsets are positions in the text as given, from the first digit to just after the last one.
The scan is linear in the length of the text: the patterns have bounded gaps over disjoint
character classes, and texts without any digit return after one search.

>>> from stdnum.jp import cn, in_
>>> body = '12345678901'
>>> number = body + in_.calc_check_digit(body)
>>> text = f'個人番号は{number[:4]}－{number[4:8]}－{number[8:]}です'
>>> find(text)
[PiiMatch(kind='mynumber', start=5, end=19)]
>>> normalize('一二三四　５６７８-9012')
'123456789012'
>>> find('カード番号 4111 1111 1111 1111')
[]
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from stdnum.jp import cn, in_

__all__ = ["Kind", "PiiMatch", "find", "mynumber_ranges", "normalize"]

Kind = Literal["mynumber", "corporate_number"]

_KANJI_DIGITS = "〇一二三四五六七八九"
_SPACES = " \t\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2500\u2501\u30fc\ufe58\ufe63\uff0d\uff70"
_DOTS = ".\u00b7\u30fb\uff0e\uff65"
_INVISIBLE = (
    "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\ufeff\ufe0e\ufe0f\u20e3"
)
_LINE_BREAKS = "\n\r\u2028\u2029"
_PHONE_PREFIXES = "+\uff0b"

_MAX_GAP = 3  # separator characters between two digits (a gap with a line break holds up to 5)
_MAX_RUN_CHARS = 13 + 12 * 5  # a longer run or chunk surely holds more than 13 digits


def _char_class(chars: str) -> str:
    return "[" + "".join(re.escape(c) for c in chars) + "]"


# ASCII, full-width, kanji and mathematical (bold, double-struck, sans-serif, monospace) digits.
_DIGIT_CLASS = "0-9\uff10-\uff19" + _KANJI_DIGITS + "零\U0001d7ce-\U0001d7ff"
_D = f"[{_DIGIT_CLASS}]"
_TIGHT = _char_class(_HYPHENS + _DOTS + _INVISIBLE)
_SEP = _char_class(_SPACES + _HYPHENS + _DOTS + _INVISIBLE)
_RUN_CHARS = "".join(re.escape(c) for c in _SPACES + _HYPHENS + _DOTS + _INVISIBLE + _LINE_BREAKS)
_NL = r"(?:\r\n|[\n\r\u2028\u2029])"
_GAP = f"(?:{_SEP}{{1,{_MAX_GAP}}}|{_SEP}{{0,2}}{_NL}{_SEP}{{0,2}})"

_ANY_DIGIT_RE = re.compile(_D)
# Digits and separators are disjoint classes and every gap is bounded, so a run is read in one
# pass; the possessive repeats give nothing back and keep no backtracking state on long runs.
# A number takes at least 12 characters: the lookahead skips the lone 一 of 一緒 or 統一 at once.
_RUN_RE = re.compile(f"(?=[{_DIGIT_CLASS}{_RUN_CHARS}]{{12}}){_D}++(?:{_GAP}{_D}++)*+")
_LONG_CHUNK_RE = re.compile(f"{_D}(?:{_TIGHT}{{0,{_MAX_GAP}}}{_D}){{11,}}+")
_LOOSE_RE = re.compile(_char_class(_SPACES + _LINE_BREAKS))

_FOLD = str.maketrans(
    {
        **{c: str(i) for i, c in enumerate(_KANJI_DIGITS)},
        "零": "0",
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **dict.fromkeys(_SPACES + _HYPHENS + _DOTS + _INVISIBLE + _LINE_BREAKS),
    }
)


@dataclass(frozen=True, slots=True)
class PiiMatch:
    """A number found in a text: its kind and where it is.

    It holds offsets only, never the digits, so it can be logged, stored and shown safely.

    Attributes:
        kind: ``"mynumber"`` (個人番号, 12 digits) or ``"corporate_number"`` (法人番号, 13 digits).
        start: offset of the first digit in the original text.
        end: offset just after the last digit.
    """

    kind: Kind
    start: int
    end: int


def normalize(text: str) -> str:
    """Fold a number's surface form to ASCII digits.

    Full-width, kanji and mathematical digits become ``0``-``9``; spaces, hyphens, dots, line breaks and invisible
    characters are removed; anything else is kept, so that validation can reject it.

    >>> normalize('〇一二三 ４５６７ 零-9')
    '0123456709'
    >>> normalize('12a4')
    '12a4'
    """
    folded = text.translate(_FOLD)
    if folded.isascii():
        return folded
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in folded)


def _kind_of(surface: str) -> Kind | None:
    """The kind of number a run or chunk is, if any.

    The check digit is computed by stdnum (``in_.calc_check_digit``, ``cn.calc_check_digit``),
    once the length and the ASCII digits are known — what ``validate`` does after ``compact``,
    without cleaning the number a second time (the tests hold it equal to ``is_valid``).
    """
    if len(surface) > _MAX_RUN_CHARS:
        return None
    digits = normalize(surface)
    if not (digits.isascii() and digits.isdigit()):
        return None
    if len(digits) == 12 and in_.calc_check_digit(digits[:11]) == digits[11]:
        return "mynumber"
    if len(digits) == 13 and cn.calc_check_digit(digits[1:]) == digits[0]:
        return "corporate_number"
    return None


def find(text: str) -> list[PiiMatch]:
    """Find the My Numbers and corporate numbers in a text.

    Args:
        text: any text; nothing in it is kept or logged.

    Returns:
        The numbers found, in text order, with offsets into ``text``. They never overlap.
    """
    if _ANY_DIGIT_RE.search(text) is None:
        return []
    found: list[PiiMatch] = []
    for m in _RUN_RE.finditer(text):
        start, end = m.span()
        if end - start < 12:
            continue
        phone = start > 0 and text[start - 1] in _PHONE_PREFIXES
        _find_in_run(m.group(), start, phone, found)
    return found


def mynumber_ranges(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every My Number in ``text``: the ranges a report or a page masks.

    >>> mynumber_ranges("番号 1234-5678-9018 です")
    [(3, 17)]
    """
    return [(m.start, m.end) for m in find(text) if m.kind == "mynumber"]


def _find_in_run(run: str, offset: int, phone: bool, found: list[PiiMatch]) -> None:
    kind = None if phone else _kind_of(run)
    if kind == "mynumber":
        found.append(PiiMatch(kind, offset, offset + len(run)))
        return
    if _LOOSE_RE.search(run) is None:  # one chunk: the whole run
        if kind is not None:
            found.append(PiiMatch(kind, offset, offset + len(run)))
        return
    chunks: list[tuple[int, int, Kind]] = []
    for c in _LONG_CHUNK_RE.finditer(run):
        chunk_kind = _kind_of(c.group())
        if chunk_kind is not None and not (phone and c.start() == 0):
            chunks.append((c.start(), c.end(), chunk_kind))
    if kind is not None and not any(k == "mynumber" for _, _, k in chunks):
        found.append(PiiMatch(kind, offset, offset + len(run)))
        return
    pos = 0
    for start, end, chunk_kind in chunks:
        _find_in_stretch(run, pos, start, offset, phone, found)
        found.append(PiiMatch(chunk_kind, offset + start, offset + end))
        pos = end
    if chunks:
        _find_in_stretch(run, pos, len(run), offset, phone, found)


def _find_in_stretch(
    run: str, pos: int, endpos: int, offset: int, phone: bool, found: list[PiiMatch]
) -> None:
    """Try the digits between two matched chunks as one number."""
    m = _RUN_RE.search(run, pos, endpos)
    if m is None or m.end() - m.start() < 12 or (phone and m.start() == 0):
        return
    kind = _kind_of(m.group())
    if kind is not None:
        found.append(PiiMatch(kind, offset + m.start(), offset + m.end()))
