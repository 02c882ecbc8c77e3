"""Normalised text with an offset map back to the original.

Rules read one normalised form of a message; every evidence span is mapped back to exact
offsets in the text the user gave. Normalisation runs in three stages, each recording its
edits so that positions map back through all of them:

1. **characters**: full-width ASCII and the ideographic space to ASCII, Latin letters to lower
   case (one to one, through ``str.translate``); NFKC on the rare characters that need it
   (half-width katakana with voiced marks, circled numbers, ㈱ …); zero-width, control and
   variation-selector characters removed.
2. **spacing**: blanks (and a single line break) between two Japanese characters removed, so
   「マ イ ナ ン バ ー」 reads マイナンバー; dashes inside katakana words read as ー; spaced
   Latin letters (``A T M``) joined.
3. **spelling variants** from ``packs/terms.toml`` (漏洩 → 漏えい, 手続 → 手続き, 個人番号 →
   マイナンバー, きゃっしゅかーど → キャッシュカード …), found with one Aho–Corasick pass.

>>> doc = Document.build("マ イ ナ ン バ ー の手続", Variants({"手続き": ["手続"]}))
>>> doc.text
'マイナンバーの手続き'
>>> doc.original_span(0, 6)
(0, 11)
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Document", "OffsetMap", "Variants", "normalize"]

# Stage 1: one-to-one character mapping.
_WIDTH: dict[int, str] = {c: chr(c - 0xFEE0).lower() for c in range(0xFF01, 0xFF5F)}
_WIDTH.update({ord(c): c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
_WIDTH[0x3000] = " "
_WIDTH[0x00A0] = " "
for _dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2500\u2501":
    _WIDTH[ord(_dash)] = "-"
_WIDTH[ord("\u301c")] = "~"  # wave dash 〜
_WIDTH[ord("\u2019")] = "'"
_WIDTH[ord("\u201d")] = '"'
_WIDTH[ord("\u201c")] = '"'
_TRANSLATE = str.maketrans(_WIDTH)

# Characters removed outright: controls (but tab and newline), zero-width and bidi marks,
# soft hyphen, BOM, variation selectors.
_REMOVE_CLASS = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u206a-\u206f\ufeff\ufe00-\ufe0f"
)
_REMOVE_RE = re.compile(f"[{_REMOVE_CLASS}]+")
_COMBINING_EXTRA = "\uff9e\uff9f\u3099\u309a"

# Stage 2: spacing tricks.
_JP = "\u3041-\u3096\u30a1-\u30fa\u30fc\u30fd\u30fe\u4e00-\u9fff\u3005\u3006\u3007\u3001\u3002\u300c\u300d"
_SPACING_RE = re.compile(
    rf"(?<=[{_JP}])(?:[ \t]+|[ \t]*\r?\n[ \t]*)(?=[{_JP}])"  # blank between Japanese characters
    r"|(?<=[\u30a1-\u30fa])[-~\uff5e](?=[\u30a1-\u30fa]|$|[^\u30a1-\u30fa])"  # dash in katakana
    r"|(?<![a-z])[a-z](?: [a-z]){2,7}(?![a-z])"  # spaced Latin letters: a t m
)
_NEEDS_SPACING_CHECK = re.compile(r"[ \t\n]|(?<=[\u30a1-\u30fa])[-~\uff5e]")


@functools.cache
def _nfkc_chunk_re() -> re.Pattern[str]:
    """Chunks that NFKC would change: built once, on first need (about 50 ms)."""
    changing: list[str] = []
    combining: list[str] = []
    for cp in range(0x00A0, 0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        if unicodedata.combining(ch):
            combining.append(ch)
        if unicodedata.normalize("NFKC", ch) != ch:
            changing.append(ch)
    combining.extend(_COMBINING_EXTRA)
    comb = re.escape("".join(sorted(set(combining))))
    chg = re.escape("".join(changing))
    return re.compile(f"[{chg}][{comb}]*|.[{comb}]+", re.S)


class OffsetMap:
    """Maps positions of one stage's output back to its input.

    Built from non-overlapping edits ``(start, end, replacement)`` over the input. Output
    regions copied unchanged map one to one; a replaced region maps as a whole.
    """

    __slots__ = ("_in_len", "_out_ends", "_out_starts", "_segs")

    def __init__(self, edits: Sequence[tuple[int, int, str]], in_len: int) -> None:
        segs: list[tuple[int, int, int, int, bool]] = []
        pos_in = pos_out = 0
        for start, end, repl in edits:
            if start > pos_in:
                n = start - pos_in
                segs.append((pos_out, pos_out + n, pos_in, start, True))
                pos_out += n
            if repl:
                segs.append((pos_out, pos_out + len(repl), start, end, len(repl) == end - start))
                pos_out += len(repl)
            pos_in = end
        if in_len > pos_in:
            n = in_len - pos_in
            segs.append((pos_out, pos_out + n, pos_in, in_len, True))
        self._segs = segs
        self._out_starts = [s[0] for s in segs]
        self._out_ends = [s[1] for s in segs]
        self._in_len = in_len

    def start(self, pos: int) -> int:
        """Map an output position used as a span start."""
        k = bisect_right(self._out_starts, pos) - 1
        if k < 0 or pos >= self._out_ends[-1]:
            return 0 if k < 0 else self._in_len
        o_start, _o_end, i_start, _i_end, ident = self._segs[k]
        return i_start + (pos - o_start) if ident else i_start

    def end(self, pos: int) -> int:
        """Map an output position used as a span end (exclusive)."""
        if pos <= 0 or not self._segs:
            return 0
        k = bisect_left(self._out_ends, pos)
        if k >= len(self._segs):
            return self._in_len
        o_start, _o_end, i_start, i_end, ident = self._segs[k]
        return i_start + (pos - o_start) if ident else i_end


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    out: list[str] = []
    pos = 0
    for start, end, repl in edits:
        out.append(text[pos:start])
        out.append(repl)
        pos = end
    out.append(text[pos:])
    return "".join(out)


class Variants:
    """Spelling variants mapped to one canonical form, matched leftmost-longest.

    >>> v = Variants({"漏えい": ["漏洩"], "手続き": ["手続"]})
    >>> v.edits("情報漏洩の手続と手続き")
    [(2, 4, '漏えい'), (5, 7, '手続き')]
    """

    def __init__(self, table: Mapping[str, Sequence[str]]) -> None:
        import ahocorasick

        self._automaton = ahocorasick.Automaton()
        count = 0
        for canonical, variants in table.items():
            for variant in variants:
                if variant and variant != canonical:
                    self._automaton.add_word(variant, (len(variant), canonical))
                    count += 1
        self._empty = count == 0
        if not self._empty:
            self._automaton.make_automaton()

    def edits(self, text: str) -> list[tuple[int, int, str]]:
        if self._empty:
            return []
        hits: list[tuple[int, int, str]] = []
        for end_idx, (length, canonical) in self._automaton.iter(text):
            start = end_idx + 1 - length
            if text.startswith(canonical, start):
                continue  # already canonical (手続 inside 手続き)
            hits.append((start, end_idx + 1, canonical))
        if not hits:
            return hits
        hits.sort(key=lambda h: (h[0], h[0] - h[1]))
        chosen: list[tuple[int, int, str]] = []
        last_end = 0
        for hit in hits:
            if hit[0] >= last_end:
                chosen.append(hit)
                last_end = hit[1]
        return chosen


_NO_VARIANTS = Variants({})


def _char_edits(text: str) -> list[tuple[int, int, str]]:
    edits: list[tuple[int, int, str]] = []
    if not unicodedata.is_normalized("NFKC", text):
        for m in _nfkc_chunk_re().finditer(text):
            norm = unicodedata.normalize("NFKC", m.group()).translate(_TRANSLATE)
            norm = _REMOVE_RE.sub("", norm)
            if norm != m.group():
                edits.append((m.start(), m.end(), norm))
    removals = [(m.start(), m.end(), "") for m in _REMOVE_RE.finditer(text)]
    if removals:
        edits = _merge(edits, removals) if edits else removals
    return edits


def _merge(a: list[tuple[int, int, str]], b: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    merged = sorted(a + b)
    out: list[tuple[int, int, str]] = []
    last_end = 0
    for e in merged:
        if e[0] >= last_end:
            out.append(e)
            last_end = e[1]
    return out


def _spacing_edits(text: str) -> list[tuple[int, int, str]]:
    if not _NEEDS_SPACING_CHECK.search(text):
        return []
    edits: list[tuple[int, int, str]] = []
    for m in _SPACING_RE.finditer(text):
        g = m.group()
        if g[0] in "-~\uff5e":
            edits.append((m.start(), m.end(), "ー"))
        elif g[0].isascii() and g[0].isalpha():
            edits.append((m.start(), m.end(), g.replace(" ", "")))
        else:
            edits.append((m.start(), m.end(), ""))
    return edits


@dataclass(frozen=True, slots=True)
class Document:
    """A message's text after normalisation, with its map back to the original.

    Use :meth:`build`; ``text`` is what rules match, ``original`` is what the user gave.
    """

    original: str
    text: str
    maps: tuple[OffsetMap, ...]

    @classmethod
    def build(cls, original: str, variants: Variants | None = None) -> Document:
        """Normalise ``original`` in the three stages described in the module docstring."""
        maps: list[OffsetMap] = []
        text = original.translate(_TRANSLATE)
        for stage in (_char_edits, _spacing_edits, (variants or _NO_VARIANTS).edits):
            edits = stage(text)
            if edits:
                maps.append(OffsetMap(edits, len(text)))
                text = _apply(text, edits)
        return cls(original, text, tuple(reversed(maps)))

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span ``[start, end)`` of :attr:`text` to the original text."""
        for m in self.maps:
            start, end = m.start(start), m.end(end)
        if end < start:
            end = start
        return start, end


def normalize(text: str, variants: Variants | None = None) -> str:
    """Return the normalised form of ``text``.

    >>> normalize("ＡＴＭで　操作")
    'atmで操作'
    """
    return Document.build(text, variants).text
