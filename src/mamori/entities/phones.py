"""Phone numbers (電話番号) in a message: Japanese, international and short numbers.

:func:`find_phones` reads full-width digits, every kind of hyphen (``-``, ``‐``, ``－``, ``ー``…),
parentheses and spaces, and tells what kind of line a number is. It does not take dates, amounts,
postal codes (``〒123-4567``) or 12/13-digit ID numbers for phone numbers.

>>> [(p.digits, p.kind, p.official) for p in find_phones("マイナンバー総合フリーダイヤル（０１２０－９５－０１７８）")]
[('0120950178', 'freedial', True)]
>>> [(p.raw, p.kind) for p in find_phones("折り返しは090ー1234ー5678、または+1 (202) 555-0143まで")]
[('090ー1234ー5678', 'mobile'), ('+1 (202) 555-0143', 'international')]
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

__all__ = ["KINDS", "MAX_PHONES", "OFFICIAL_NUMBERS", "PhoneMatch", "find_phones"]

KINDS = ("landline", "mobile", "ip", "freedial", "navidial", "international", "short")

OFFICIAL_NUMBERS = {
    "#9110": "警察相談専用電話",
    "110": "警察(緊急通報)",
    "188": "消費者ホットライン",
    "0120950178": "マイナンバー総合フリーダイヤル",
}
"""The consultation numbers a warning may rightly give, by normalised digits."""

# Short numbers found only with context; the # numbers are found wherever they stand.
_SHARP = {"#9110", "#7119", "#8000", "#8103", "#8891"}
_THREE = {"110", "118", "119", "171", "188", "189"}
_THREE_CONTEXT = ("電話", "ダイヤル", "ホットライン", "局番なし", "相談", "通報", "tel", "いやや")

_HYPHENS = "‐‑‒–—―−ーｰ─━﹣⁃˗－"
_FOLD = (
    {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
    | {ord(h): "-" for h in _HYPHENS}
    | {0x3000: " ", 0x00A0: " ", 0x09: " "}
)
# Patterns run on the text as given (full-width digits and every hyphen included), so offsets
# need no map; only the short matched strings are folded. Each pattern starts with a character
# class, so the regex engine skips in C to the next possible start; lookbehinds come after it.
_DIGITS = "0-9０-９"
_SEPARATORS = "()（）\\- \u3000\u00a0\t" + _HYPHENS
_CANDIDATE = re.compile(rf"[+＋(（{_DIGITS}](?<![{_DIGITS}].)[{_DIGITS}{_SEPARATORS}]{{7,}}")
_GROUP = re.compile(r"[0-9]+")
_MAX_GROUPS = 6  # "010-1-212-555-0100", "+81 (0)90-1234-5678"
_MAX_ATTEMPTS = 20_000  # candidates and numbers tried per text: bounds the work on pathological input
_SHORT = re.compile(
    rf"[#＃1１](?<![{_DIGITS}.,\-#＃－].)(?:(?<=[#＃])[{_DIGITS}]{{4}}|(?<=[1１])[{_DIGITS}]{{2}})(?![{_DIGITS}])"
)
_COUNTERS = set("円万千億兆年月日時分秒歳才件個人回名枚本台冊点％%倍位号番")
_WORD_BEFORE = re.compile(r"(tel|fax|phone|telephone|mobile|call|free|dial)$", re.IGNORECASE)
MAX_PHONES = 1000
"""At most this many phone numbers are returned for one text."""


@dataclass(frozen=True)
class PhoneMatch:
    """A phone number found in a text.

    ``digits`` is normalised: ``"0312345678"`` for a Japanese number written the domestic way,
    ``"+819012345678"`` for one written with ``+`` or ``010`` (E.164), ``"#9110"`` or ``"188"``
    for a short number. ``domestic`` says whether the number is a Japanese one (``+81`` is).
    ``name`` is the Japanese name of an official consultation line, else ``""``.
    """

    start: int
    end: int
    raw: str
    digits: str
    kind: str
    official: bool
    domestic: bool
    name: str = ""


def _domestic_kind(d: str) -> str | None:
    """Kind of a Japanese number written with its leading 0, or None if it is not one."""
    if len(d) == 10 and d.startswith("0120"):
        return "freedial"
    if len(d) == 11 and d.startswith("0800"):
        return "freedial"
    if len(d) == 10 and d.startswith("0570"):
        return "navidial"
    if len(d) == 11 and d[:3] in ("070", "080", "090"):
        return "mobile"
    if len(d) == 11 and d.startswith("050"):
        return "ip"
    if len(d) == 10 and d[0] == "0" and d[1] != "0" and d[2] != "0" and not d.startswith(("0570", "0990")):
        return "landline"
    return None


def _number(groups: list[tuple[str, int, int, str]], plus: bool) -> tuple[str, str, bool] | None:
    """(digits, kind, domestic) for consecutive digit groups, or None if they are no number."""
    if plus:
        digits = "".join(g for g, _, _, _ in groups)
        if not 8 <= len(digits) <= 15:
            return None
        if digits.startswith("81"):
            national = "0" + digits[2:]
            return ("+" + digits, "international", True) if _domestic_kind(national) else None
        if digits.startswith("1") and len(digits) != 11:
            return None
        return "+" + digits, "international", False
    digits = "".join(g for g, _, _, _ in groups)
    if groups[0][0] == "010" and len(groups) >= 3:  # 010 + country code + number, dialled from Japan
        if not 11 <= len(digits) <= 18:
            return None
        return "+" + digits[3:], "international", digits[3:5] == "81"
    if len(groups) > 1 and not 2 <= len(groups[0][0]) <= 5:
        return None
    kind = _domestic_kind(digits)
    return (digits, kind, True) if kind else None


def _context_ok(text: str, start: int, end: int) -> bool:
    """Reject numbers glued to letters, decimals, counters, currency or a postal mark."""
    before = text[max(0, start - 10) : start].translate(_FOLD).rjust(10)
    glued = before[-1] in ".:" and before[-2].isascii() and before[-2].isalpha()
    word = before[:-1] if glued else before  # "Tel.", "TEL:" but not "No.", "ID:"
    if word[-1].isascii() and word[-1].isalpha():
        if not _WORD_BEFORE.search(word):
            return False
    elif (
        (before[-1] in ".," and before[-2].isdigit())
        or before[-1] in "¥￥$#/"
        or before.rstrip().endswith("〒")
    ):
        return False
    after = text[end : end + 2].translate(_FOLD).ljust(2)
    if (after[0].isascii() and after[0].isalnum()) or after[0] in _COUNTERS:
        return False
    return not (after[0] in ".," and after[1].isdigit())


def _long_numbers(text: str, out: list[PhoneMatch]) -> None:
    budget = _MAX_ATTEMPTS
    for m in _CANDIDATE.finditer(text):
        budget -= 1
        if len(out) >= MAX_PHONES or budget <= 0:
            return
        base = m.start()
        cand = m.group().translate(_FOLD)
        plus = cand[0] == "+"
        # digit groups: (digits, start, end, separator before), offsets into the text
        groups: list[tuple[str, int, int, str]] = []
        last = 0
        for g in _GROUP.finditer(cand):
            budget -= 1
            if budget <= 0:
                break
            groups.append((g.group(), base + g.start(), base + g.end(), cand[last : g.start()]))
            last = g.end()
        if plus:  # a trunk "0" written "+81 (0)3-..." is not dialled
            groups = [g for i, g in enumerate(groups) if not (i and g[0] == "0" and g[3].endswith("("))]
        count = [0]  # digits before each group
        for group in groups:
            count.append(count[-1] + len(group[0]))
        breaks = [k for k in range(1, len(groups)) if " " in groups[k][3]] + [len(groups)]
        i = 0
        while i < len(groups) and len(out) < MAX_PHONES:
            for j in range(min(len(groups), i + _MAX_GROUPS), i, -1):
                if (j < len(groups) and " " not in groups[j][3]) or not 8 <= count[j] - count[i] <= 18:
                    continue
                budget -= 1
                found = _number(groups[i:j], plus and i == 0) if budget > 0 else None
                if found is None:
                    continue
                start = base if plus and i == 0 else groups[i][1]
                if not plus and i == 0 and cand[0] == "(" and ")" in cand[: groups[j - 1][2] - base]:
                    start = base  # "(03)1234-5678": the parenthesis belongs to the number
                end = groups[j - 1][2]
                if not _context_ok(text, start, end):
                    continue
                digits, kind, domestic = found
                national = "0" + digits[3:] if digits.startswith("+81") else digits
                name = OFFICIAL_NUMBERS.get(national, "")
                out.append(PhoneMatch(start, end, text[start:end], digits, kind, bool(name), domestic, name))
                i = j
                break
            else:
                i = breaks[bisect_right(breaks, i)]  # the next group after a space


def _short_numbers(text: str, out: list[PhoneMatch]) -> None:
    for m in _SHORT.finditer(text):
        if len(out) >= MAX_PHONES:
            return
        number = m.group().translate(_FOLD)
        start, end = m.span()
        after = text[end : end + 2].translate(_FOLD)
        if number.startswith("#"):
            if number not in _SHARP or (after[:1].isascii() and after[:1].isalnum()):
                continue
        else:
            if number not in _THREE:
                continue
            window = text[max(0, start - 12) : start].translate(_FOLD).lower()
            if after.startswith("番号") or (after[:1] in _COUNTERS and not after.startswith("番")):
                continue
            if not after.startswith("番") and not any(word in window for word in _THREE_CONTEXT):
                continue
            if window[-1:].isascii() and window[-1:].isalnum():
                continue
        name = OFFICIAL_NUMBERS.get(number, "")
        out.append(PhoneMatch(start, end, text[start:end], number, "short", bool(name), True, name))


def find_phones(text: str) -> list[PhoneMatch]:
    """Find phone numbers in ``text``, in order of position (at most :data:`MAX_PHONES`).

    >>> [(p.raw, p.kind, p.official) for p in find_phones("警察相談専用電話（＃９１１０）か、消費者ホットライン188番へ")]
    [('＃９１１０', 'short', True), ('188', 'short', True)]
    >>> find_phones("〒100-8926 東京都千代田区霞が関2-1-2 2024-04-01 合計 3,300円")
    []
    """
    out: list[PhoneMatch] = []
    _long_numbers(text, out)
    _short_numbers(text, out)
    out.sort(key=lambda p: p.start)
    return out[:MAX_PHONES]
