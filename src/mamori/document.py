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

# Stage 1: characters. NFKC does most of the work (full-width ASCII, half-width katakana,
# ideographic space, circled numbers ...); a few more one-to-one mappings follow it.
_EXTRA: dict[int, str] = {ord(c): c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
for _dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2500\u2501":
    _EXTRA[ord(_dash)] = "-"
_EXTRA[ord("\u301c")] = "~"  # wave dash 〜
_EXTRA[ord("\u2019")] = "'"
_EXTRA[ord("\u201d")] = '"'
_EXTRA[ord("\u201c")] = '"'
_EXTRA[0x3000] = " "
_EXTRA[0x00A0] = " "
_EXTRA_TABLE = str.maketrans(_EXTRA)
_EXTRA_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_EXTRA)) + "]+")
# Full-width ASCII and the ideographic space, for the slow path (before per-chunk NFKC).
_WIDTH_TABLE = str.maketrans({**{c: chr(c - 0xFEE0).lower() for c in range(0xFF01, 0xFF5F)}, **_EXTRA})

# Characters removed outright: controls (but tab and newline), zero-width and bidi marks,
# soft hyphen, BOM, variation selectors.
_REMOVE_CLASS = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u206a-\u206f\ufeff\ufe00-\ufe0f"
)
_REMOVE_RE = re.compile(f"[{_REMOVE_CLASS}]+")
_COMBINING_EXTRA = "\uff9e\uff9f\u3099\u309a"
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")

# Stage 2: spacing tricks.
_JP_CHARS = (
    "\u3041-\u3096\u30a1-\u30fa\u30fc\u30fd\u30fe\u4e00-\u9fff\u3005\u3006\u3007\u3001\u3002\u300c\u300d"
)
_JP = re.compile(f"[{_JP_CHARS}]")
_LATIN = re.compile("[a-z0-9]")
_BLANK_RE = re.compile(r"[ \t\r\n]{1,64}")
_KATA = re.compile("[\u30a1-\u30fa]")
_DASH_RE = re.compile("[-~\uff5e]")
_SPACED_LATIN_RE = re.compile(r"(?<![a-z])[a-z](?: [a-z]){2,7}(?![a-z])")
_SPACED_LATIN_HINT = re.compile(r"[a-z] [a-z] [a-z]")


@functools.cache
def _bmp_classes() -> tuple[str, str, str]:
    """One pass over the Basic Multilingual Plane (about 50 ms, on first need), giving three
    character classes: characters NFKC changes; combining characters; and characters whose
    NFKC is not exactly one character on their own or that may compose with a neighbour
    (combining marks, Hangul jamo, half-width voiced marks)."""
    changing: list[str] = []
    combining: list[str] = list(_COMBINING_EXTRA)
    unaligned: list[str] = list(_COMBINING_EXTRA)
    for cp in range(0x00A0, 0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        norm = unicodedata.normalize("NFKC", ch)
        if norm != ch:
            changing.append(ch)
        if unicodedata.combining(ch):
            combining.append(ch)
        composes = unicodedata.category(ch)[0] == "M" or (norm and unicodedata.category(norm[0])[0] == "M")
        jamo = 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F or 0xA960 <= cp <= 0xA97F or 0xD7B0 <= cp <= 0xD7FF
        if len(norm) != 1 or composes or jamo:
            unaligned.append(ch)
    return tuple(re.escape("".join(sorted(set(c)))) for c in (changing, combining, unaligned))  # type: ignore[return-value]


@functools.cache
def _unaligned_re() -> re.Pattern[str]:
    """Characters after which NFKC offsets would no longer match the original's."""
    return re.compile(f"[{_bmp_classes()[2]}]")


@functools.cache
def _nfkc_chunk_re() -> re.Pattern[str]:
    """Chunks that NFKC would change, for the slow path."""
    chg, comb, _ = _bmp_classes()
    return re.compile(f"[{chg}\U00010000-\U0010ffff][{comb}]*|.[{comb}]+", re.S)


def _aligned(text: str) -> bool:
    """Whether NFKC maps ``text`` character by character (so offsets stay the same)."""
    if _unaligned_re().search(text):
        return False
    for m in _ASTRAL_RE.finditer(text):
        ch = m.group()
        norm = unicodedata.normalize("NFKC", ch)
        if len(norm) != 1 or unicodedata.category(ch)[0] == "M":
            return False
    return True


def _extra(m: re.Match[str]) -> str:
    return m.group().translate(_EXTRA_TABLE)


def _stage_characters(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Stage 1: return the one-to-one mapped text and the edits that change lengths."""
    if text.isascii():
        mapped = text.lower()
    elif _aligned(text):
        mapped = unicodedata.normalize("NFKC", text)
        if _EXTRA_RE.search(mapped):
            mapped = _EXTRA_RE.sub(_extra, mapped)
    else:
        mapped = text.translate(_WIDTH_TABLE)
        edits = _char_edits(mapped)
        return mapped, edits
    removals = [(m.start(), m.end(), "") for m in _REMOVE_RE.finditer(mapped)] if _REMOVE_RE.search(mapped) else []
    return mapped, removals


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
    """Slow path of stage 1: NFKC chunk by chunk, where it changes lengths or composes."""
    edits: list[tuple[int, int, str]] = []
    if not unicodedata.is_normalized("NFKC", text):
        for m in _nfkc_chunk_re().finditer(text):
            norm = unicodedata.normalize("NFKC", m.group()).translate(_EXTRA_TABLE)
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


def _joinable(before: str, after: str) -> bool:
    """Whether a blank between these two characters is a spacing trick, not a word break."""
    if _JP.match(before):
        return bool(_JP.match(after) or _LATIN.match(after))
    return bool(_LATIN.match(before) and _JP.match(after))


def _spacing_edits(text: str) -> list[tuple[int, int, str]]:
    """Stage 2: blanks between Japanese characters, dashes in katakana, spaced Latin letters."""
    edits: list[tuple[int, int, str]] = []
    n = len(text)
    for m in _BLANK_RE.finditer(text):
        start, end = m.span()
        if start == 0 or end >= n:
            continue
        blank = m.group()
        if blank.count("\n") > 1:
            continue  # a paragraph break stays
        if "\n" in blank and not (_JP.match(text[start - 1]) and _JP.match(text[end])):
            continue
        if _joinable(text[start - 1], text[end]):
            edits.append((start, end, ""))
    if _DASH_RE.search(text):
        for m in _DASH_RE.finditer(text):
            start = m.start()
            if start and _KATA.match(text[start - 1]):
                edits.append((start, start + 1, "ー"))
    if _SPACED_LATIN_HINT.search(text):
        for m in _SPACED_LATIN_RE.finditer(text):
            edits.append((m.start(), m.end(), m.group().replace(" ", "")))
    if len(edits) > 1:
        edits = _merge(edits, [])
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
        text, edits = _stage_characters(original)
        if edits:
            maps.append(OffsetMap(edits, len(text)))
            text = _apply(text, edits)
        for stage in (_spacing_edits, (variants or _NO_VARIANTS).edits):
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
