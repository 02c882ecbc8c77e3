"""Money (お金) in a message: amounts, e-money and gift cards, transfers, cash, crypto-assets.

:func:`find_money` returns one :class:`MoneyMatch` per mention, with a ``kind``:

- ``amount``: ``3万円``, ``30,000円``, ``３０００円``, ``1万5千円``, ``五万円``, ``100万``, ``¥5,000``,
  ``数万円``; ``yen_value`` holds the value in yen when it can be read (not for dollars or "数万円");
- ``emoney``: e-money and gift cards (電子マネー・ギフトカード), with a ``brand`` such as ``amazon``,
  ``apple``, ``google_play``, ``webmoney``, ``bitcash``, ``nanaco``, ``paypay``, ``rakuten_edy``,
  ``vpreca``, ``nintendo`` or ``generic``;
- ``transfer``: 振込, 振り込み, 送金, 口座に入金 (but not the crime's name 振り込め詐欺);
- ``cash_handover``: 現金を渡す/預かる, 受け取りに伺う, 封筒に入れて, 現金をレターパックで;
- ``crypto``: ビットコイン, 暗号資産, 仮想通貨, USDT, ウォレット.

Full-width letters and digits and half-width katakana are read like their usual forms; offsets
always point into the text given.

>>> [(m.raw, m.kind, m.yen_value) for m in find_money("手数料1万5千円を至急お振り込みください")]
[('1万5千円', 'amount', 15000), ('振り込み', 'transfer', None)]
>>> [(m.raw, m.brand) for m in find_money("ｱﾏｿﾞﾝｷﾞﾌﾄ券かiTunesカードを買って番号を送って")]
[('ｱﾏｿﾞﾝｷﾞﾌﾄ券', 'amazon'), ('iTunesカード', 'apple')]
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["BRANDS", "KINDS", "MAX_MONEY", "MoneyMatch", "find_money"]

KINDS = ("amount", "emoney", "transfer", "cash_handover", "crypto")
MAX_MONEY = 1000
"""At most this many amounts, and as many other mentions, are returned for one text."""
_MAX_ATTEMPTS = 20_000  # number-like matches looked at per text: bounds the work on pathological input

# Full-width ASCII is folded only where a full-width letter or digit (or half-width katakana)
# appears; the patterns accept ￥ ＄ ， and the ideographic space as they are.
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_NEEDS_FOLD = re.compile(r"[０-９Ａ-Ｚａ-ｚ\uff61-\uff9f]")
_FULL_WIDTH_RUN = re.compile(r"[\uff01-\uff5e]+")
_HALF_KANA = re.compile(r"[\uff61-\uff9f]+")
_HALF_KANA_FOLD = {c: unicodedata.normalize("NFKC", chr(c)) for c in range(0xFF61, 0xFFA0)}
_VOICED = {  # ｶﾞ -> ガ, ﾊﾟ -> パ: the pairs NFKC composes into one character
    pair: composed
    for pair in (chr(c) + mark for c in range(0xFF66, 0xFF9E) for mark in "\uff9e\uff9f")
    if len(composed := unicodedata.normalize("NFKC", pair)) == 1
}
_VOICED_PAIR = re.compile("|".join(_VOICED))

# Every pattern starts with one character class or literal, so the regex engine skips to the
# next possible start in C; lookbehinds come after that first character ("(?<!X.)").
_NUM = r"[0-9]{1,3}(?:[,，][0-9]{3}){1,6}(?![0-9])|[0-9]{1,16}(?:\.[0-9]{1,4})?"
_NUM_AFTER_FIRST = r"[0-9]{0,2}(?:[,，][0-9]{3}){1,6}(?![0-9])|[0-9]{0,15}(?:\.[0-9]{1,4})?"
_UNITS = rf"(?:[ \u3000]?[兆億万千百](?:{_NUM})?){{0,4}}"
_DIGIT_AMOUNT = re.compile(  # a currency after the number, or a large unit at its end ("100万")
    rf"[0-9](?<![0-9.,，¥￥$＄].)(?:{_NUM_AFTER_FIRST}){_UNITS}"
    r"(?:[ \u3000]?(?P<cur>円|えん|ドル|(?i:yen|jpy|usd)(?![a-z]))|(?<=[万億兆]))"
)
_SYMBOL_AMOUNT = re.compile(
    rf"[¥￥$＄JjUu](?:(?<=[¥￥$＄])|(?<![A-Za-z].)(?<=[Jj])(?i:py)[ \u3000]?|(?<![A-Za-z].)(?<=[Uu])(?i:sd)[ \u3000]?)"
    rf"(?:{_NUM}){_UNITS}(?:円|-)?"
)
_KANJI_NUMERALS = frozenset("〇零一壱二弐三参四五六七八九十拾百千万億兆数")
# Amounts written without a currency ("100万") only with a large unit and no counter after it.
_COUNTERS = frozenset("人件回個台部枚本年歳才歩点通分秒時日週月名社店戸冊匹頭羽杯粒語字行倍位号km%％")
_NOT_AFTER_UNIT = _COUNTERS | frozenset("0123456789千百十")  # "100万人", "3万5千人"
_NOT_YEN = frozenset("滑満形周盤柱錐環陣卓")  # 円滑, 円満, 円形…: 円 that is no money

BRANDS: dict[str, tuple[str, ...]] = {
    "amazon": (
        "amazon ?(?:ギフト ?(?:券|カード|コード)?|gift ?(?:cards?|codes?))",
        "アマゾン ?ギフト ?(?:券|カード)?",
        "アマギフ",
    ),
    "apple": (
        "apple ?(?:gift ?cards?|ギフト ?(?:カード|券|コード)?)",
        "アップル ?ギフト ?(?:カード|券)?",
        "itunes ?(?:gift ?cards?|ギフト ?(?:カード|券|コード)?|cards?|カード|コード)",
        "アイチューンズ ?(?:カード|ギフト)",
    ),
    "google_play": (
        "google ?play ?(?:gift ?cards?|ギフト ?(?:カード|券|コード)?|cards?|カード|コード)",
        "グーグル ?プレ[イー](?: ?(?:ギフト ?)?カード)?",
    ),
    "webmoney": ("web ?money(?![a-z])", "ウェブ ?マネー"),
    "bitcash": ("bit ?cash(?![a-z])", "ビット ?キャッシュ"),
    "nanaco": ("nanaco(?![a-z])", "ナナコ ?(?:ギフト|カード|ポイント)"),
    "paypay": ("paypay(?![a-z])", "ペイペイ"),
    "rakuten_edy": ("楽天 ?(?:edy|エディ)", "edy(?![a-z])"),
    "vpreca": ("v ?-? ?プリカ", "ブイ ?プリカ", "vpreca(?![a-z])"),
    "nintendo": (
        "ニンテンドー ?プリペイド ?(?:カード|番号)",
        "nintendo ?(?:eshop|プリペイド) ?(?:cards?|カード)",
    ),
    "generic": ("電子マネー", "プリペイド ?カード", "ギフト ?カード", "ギフト券", "ギフトコード"),
}
"""E-money and gift-card brands: regular expressions over width-folded text, one per spelling.

A spelling that starts with a Latin letter matches in any case, and not right after another Latin
letter ("speedy" holds no "edy"); spellings end in ``(?![a-z])`` where a longer word could follow.
"""

_PHRASES_BY_KIND: dict[str, tuple[str, ...]] = {
    "transfer": (
        "振り?込み?(?![みめ]?詐欺)",
        "ふりこ[みんまむめ](?!詐欺)",
        "払い?込み?(?![みめ]?詐欺)",
        "送金(?!詐欺)",
        "口座(?:へ|に|まで)(?:ご)?入金",
    ),
    "cash_handover": (
        "現金(?:を|は)?(?:お)?(?:渡|預か|預け|受け?取|手渡|回収|用意|準備|持参|送)",
        "お金(?:を|は)?(?:お)?(?:渡|預か|預け|受け?取|手渡|回収|用意|準備|持参)",  # お金を送る: any way
        "お札(?:を|は)?(?:お)?(?:渡|預か|預け|受け?取|手渡|回収|用意|準備|持参|送)",
        "現金(?:を|は)?(?:レターパック|宅配便?|ゆうパック)",
        "お金(?:を|は)?(?:レターパック|宅配便?|ゆうパック)",
        "レターパックで(?:現金|お金)",
        "宅配便で(?:現金|お金)",
        "ゆうパックで(?:現金|お金)",
        "受け?取りに(?:伺|参|行き|来)",
        "引き?取りに(?:伺|参|行き|来)",
        "回収に(?:伺|参|行き|来)",
        "集金に(?:伺|参|行き|来)",
        "封筒に(?:入れ|いれ)",
        "紙袋に(?:入れ|いれ)",
        "現金書留",
    ),
    "crypto": (
        "ビットコイン",
        "暗号資産",
        "仮想通貨",
        "イーサリアム",
        "テザー",
        "ウォレット",
        "usdt(?![a-z])",
        "btc(?![a-z])",
        "eth(?![a-z])",
        "bitcoin",
        "ethereum(?![a-z])",
    ),
}


@lru_cache(maxsize=1)
def _phrases() -> tuple[re.Pattern[str], tuple[tuple[str, str | None], ...]]:
    """One alternation whose every branch starts with a literal, ending in an empty group that
    names it: (pattern, (kind, brand) for each group number - 1). Compiled at first use."""
    branches: list[str] = []
    names: list[tuple[str, str | None]] = []
    table: list[tuple[tuple[str, str | None], tuple[str, ...]]]
    table = [(("emoney", brand), spellings) for brand, spellings in BRANDS.items()]
    table += [((kind, None), spellings) for kind, spellings in _PHRASES_BY_KIND.items()]
    for name, spellings in table:
        for spelling in spellings:
            first, rest = spelling[0], spelling[1:]
            if first.isascii() and first.isalpha():
                for case in sorted({first.lower(), first.upper()}):
                    branches.append(f"{case}(?<![A-Za-z].)(?i:{rest})()")
                    names.append(name)
            else:
                branches.append(f"{first}(?i:{rest})()")
                names.append(name)
    return re.compile("|".join(branches)), tuple(names)


_DIGIT = {"〇": 0, "零": 0, "一": 1, "壱": 1, "二": 2, "弐": 2, "三": 3, "参": 3, "四": 4}
_DIGIT |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL = {"十": 10, "拾": 10, "百": 100, "千": 1000}
_LARGE = {"万": 10**4, "億": 10**8, "兆": 10**12}
_TOKEN = re.compile(r"[0-9]+(?:\.[0-9]+)?|[^0-9]")
_SCALE = 10_000


@dataclass(frozen=True)
class MoneyMatch:
    """A mention of money in a text; ``raw == text[start:end]``.

    ``yen_value`` is set for ``amount`` matches in yen that can be read; ``brand`` for ``emoney``.
    """

    start: int
    end: int
    raw: str
    kind: str
    yen_value: int | None = None
    brand: str | None = None


def _value(written: str) -> int | None:
    """The value of "1億2,000万", "1万5千", "1.5万", "三十万", "五〇〇〇" (no currency).

    Numbers are kept as integers scaled by 10,000, so "1.5万" is exact.
    """
    written = written.replace(",", "").replace("，", "").replace(" ", "").replace("\u3000", "")
    if written.isascii() and written.isdigit():
        return int(written) or None
    if written and all(ch in _DIGIT for ch in written):  # positional kanji: 五〇〇〇
        return int("".join(str(_DIGIT[ch]) for ch in written)) or None
    total = section = 0
    number: int | None = None
    for token in _TOKEN.findall(written):
        if token[0].isdigit():
            whole, _, fraction = token.partition(".")
            number = int(whole) * _SCALE + int((fraction + "0000")[:4])
        elif token in _DIGIT:
            number = (number or 0) * 10 + _DIGIT[token] * _SCALE
        elif token in _SMALL:
            section += (_SCALE if number is None else number) * _SMALL[token]
            number = None
        elif token in _LARGE:
            section += number or 0
            total += (section or _SCALE) * _LARGE[token]
            section, number = 0, None
    total += section + (number or 0)
    value, rest = divmod(total, _SCALE)
    return value if value > 0 and rest == 0 else None


class _Normalised:
    """Width-folded text with half-width katakana composed (ｶﾞ -> ガ), mapped back to offsets."""

    def __init__(self, text: str) -> None:
        self.norm_at: list[int] = []  # normalised offsets where the shift changes...
        self.orig_at: list[int] = []  # ...and the original offsets there
        self.text = text
        if not _NEEDS_FOLD.search(text):
            return
        folded = _FULL_WIDTH_RUN.sub(lambda m: m.group().translate(_FOLD), text)
        self.text = folded
        if not _HALF_KANA.search(folded):
            return
        parts: list[str] = []
        pos = shift = 0
        for pair in _VOICED_PAIR.finditer(folded):  # two characters become one
            parts += [folded[pos : pair.start()], _VOICED[pair.group()]]
            pos, shift = pair.end(), shift + 1
            self.norm_at.append(pair.end() - shift)
            self.orig_at.append(pair.end())
        parts.append(folded[pos:])
        self.text = _HALF_KANA.sub(lambda m: m.group().translate(_HALF_KANA_FOLD), "".join(parts))

    def orig(self, p: int) -> int:
        k = bisect_right(self.norm_at, p) - 1
        return p if k < 0 else self.orig_at[k] + p - self.norm_at[k]


def _amounts(norm: str) -> list[tuple[int, int, int | None]]:
    """(start, end, yen_value) of the amounts in normalised text, without overlaps."""
    found: list[tuple[int, int, int | None]] = []
    for m in _SYMBOL_AMOUNT.finditer(norm):
        if len(found) >= MAX_MONEY:
            break
        dollars = m.group()[0] in "$＄" or m.group()[0] in "Uu"
        number = m.group().lstrip("¥￥$＄JjPpYyUuSsDd \u3000").rstrip("円-")
        found.append((m.start(), m.end(), None if dollars else _value(number)))
    for attempt, m in enumerate(_DIGIT_AMOUNT.finditer(norm)):
        if len(found) >= 2 * MAX_MONEY or attempt >= _MAX_ATTEMPTS:
            break
        cur = m.group("cur")
        number = norm[m.start() : m.start("cur")] if cur else m.group()
        if cur:
            value = None if cur.lower() in ("ドル", "usd") else _value(number)
        elif norm[m.end() : m.end() + 1] not in _NOT_AFTER_UNIT:
            value = _value(number)
        else:
            continue
        found.append((m.start(), m.end(), value))
    yen, attempts = norm.find("円"), 0
    while yen >= 0 and len(found) < 3 * MAX_MONEY and attempts < _MAX_ATTEMPTS:  # 五万円, 数万円
        attempts += 1
        start = yen
        while start > yen - 20 and start > 0 and norm[start - 1] in _KANJI_NUMERALS:
            start -= 1
        written = norm[start:yen]
        after = norm[yen + 1 : yen + 2]
        if written and not (start and norm[start - 1].isdigit()) and after not in _NOT_YEN:
            if "数" in written:
                found.append((start, yen + 1, None))
            elif written != "一" or not (start and "\u4e00" <= norm[start - 1] <= "\u9fff"):  # 関東一円
                value = _value(written) if written.strip("万億兆") else None
                if value is not None:
                    found.append((start, yen + 1, value))
        yen = norm.find("円", yen + 1)
    found.sort()
    kept: list[tuple[int, int, int | None]] = []
    for item in found:
        if not kept or item[0] >= kept[-1][1]:
            kept.append(item)
    return kept[:MAX_MONEY]


def find_money(text: str) -> list[MoneyMatch]:
    """Find amounts, e-money, transfers, cash hand-overs and crypto-assets in ``text``.

    Matches are sorted by position; an amount and a brand may sit side by side. At most
    :data:`MAX_MONEY` amounts and as many other mentions are returned.

    >>> [(m.raw, m.yen_value) for m in find_money("合計 ¥1,408（うち消費税 ¥128）、ポイント30点")]
    [('¥1,408', 1408), ('¥128', 128)]
    >>> [(m.raw, m.kind) for m in find_money("現金を用意し、封筒に入れてください。受け取りに伺います")]
    [('現金を用意', 'cash_handover'), ('封筒に入れ', 'cash_handover'), ('受け取りに伺', 'cash_handover')]
    """
    normal = _Normalised(text)
    norm = normal.text
    out: list[MoneyMatch] = []
    for start, end, value in _amounts(norm):
        s, e = normal.orig(start), normal.orig(end)
        out.append(MoneyMatch(s, e, text[s:e], "amount", value))
    phrases, names = _phrases()
    for count, m in enumerate(phrases.finditer(norm)):
        if count >= MAX_MONEY:
            break
        kind, brand = names[(m.lastindex or 1) - 1]
        s, e = normal.orig(m.start()), normal.orig(m.end())
        out.append(MoneyMatch(s, e, text[s:e], kind, None, brand))
    out.sort(key=lambda x: (x.start, x.end))
    return out
