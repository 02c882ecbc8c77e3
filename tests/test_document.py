"""Normalisation and the offset map back to the original text."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.document import Document, normalize
from mamori.rules import default_ruleset

VARIANTS = default_ruleset().variants


def build(text: str) -> Document:
    return Document.build(text, VARIANTS)


def test_width_case_and_ideographic_space():
    assert build("ＡＴＭ　で　操作").text == "atmで操作"


def test_spacing_trick_is_joined():
    assert build("マ イ ナ ン バ ー").text == "マイナンバー"
    assert build("マ\u3000イ\u3000ナ\u3000ン\u3000バ\u3000ー").text == "マイナンバー"


def test_zero_width_and_controls_removed():
    assert build("マイ\u200bナン\u200dバー\x00").text == "マイナンバー"


def test_half_width_katakana_with_voiced_marks():
    assert build("ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ").text == "マイナンバーカード"


def test_dash_inside_katakana_reads_as_long_vowel():
    assert build("マイナンバ－カ―ド").text == "マイナンバーカード"


def test_spelling_variants_are_canonical():
    assert build("個人番号が漏洩、手続が必要").text == "マイナンバーが漏えい、手続きが必要"
    assert build("手続きをしてください").text == "手続きをしてください"  # not 手続きき


def test_line_break_inside_a_japanese_word_is_joined():
    assert build("マイナン\nバーの件").text == "マイナンバーの件"
    assert build("件名\n\n本文").text == "件名\n\n本文"  # paragraph breaks stay


def test_spaced_latin_letters_joined():
    assert build("A T M へ").text == "atmへ"


def test_doc_maps_whole_obfuscated_word_back():
    original = "お客様の ﾏ ｲ ﾅ ﾝ ﾊﾞ ｰ が漏洩しました"
    doc = build(original)
    i = doc.text.index("マイナンバー")
    s, e = doc.original_span(i, i + len("マイナンバー"))
    assert original[s:e] == "ﾏ ｲ ﾅ ﾝ ﾊﾞ ｰ"
    j = doc.text.index("漏えい")
    s, e = doc.original_span(j, j + 3)
    assert original[s:e] == "漏洩"


# Obfuscations a scammer (or a copy-paste) applies to a word; each keeps the word's meaning.
def _obfuscate(word: str, rnd: random.Random) -> str:
    if word.isascii():
        # Latin letters are joined only when every letter stands alone ("A T M"), as in English
        # "at me" a blank is real; so space all or none.
        sep = rnd.choice(["", " ", "\u200b", "\u3000"])
        return sep.join(chr(ord(ch) + 0xFEE0) if rnd.random() < 0.5 else ch for ch in word)
    out = []
    for ch in word:
        if ch.isascii() and ch.isalnum() and rnd.random() < 0.5:
            ch = chr(ord(ch.upper()) + 0xFEE0)
        out.append(ch)
        r = rnd.random()
        if r < 0.15:
            out.append("\u200b")
        elif r < 0.3:
            out.append(" ")
        elif r < 0.35:
            out.append("\u3000")
    return "".join(out).rstrip(" \u3000\u200b")


WORDS = ["マイナンバー", "暗証番号", "キャッシュカード", "市役所", "還付金", "ATM", "漏えい", "手続き", "通帳"]
FILLER = st.text(alphabet="あいうえおかきくけこ。、山川田ABC12 \n", max_size=30)


@settings(max_examples=300, deadline=None)
@given(before=FILLER, after=FILLER, word=st.sampled_from(WORDS), seed=st.integers(0, 10_000))
def test_round_trip_of_an_obfuscated_word(before: str, after: str, word: str, seed: int):
    """A word hidden with width changes, blanks and zero-width chars is found in the normalised
    text, and its span maps back exactly onto the obfuscated original."""
    hidden = _obfuscate(word, random.Random(seed))
    # Separate the insertion from the filler so the filler cannot fuse with it.
    original = before + "「" + hidden + "」" + after
    doc = build(original)
    canonical = normalize(word, VARIANTS)
    i = doc.text.index("「" + canonical + "」") + 1
    s, e = doc.original_span(i, i + len(canonical))
    assert original[s:e] == hidden


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_offset_map_is_monotonic_and_in_bounds(text: str):
    doc = build(text)
    n = len(doc.text)
    last_start = 0
    for i in range(n + 1):
        s, e = doc.original_span(i, min(i + 1, n))
        assert 0 <= s <= e <= len(text)
        assert s >= last_start
        last_start = s
    s, e = doc.original_span(0, n)
    if n:
        # The whole normalised text maps to the original minus removed edges only.
        assert normalize(text[s:e], VARIANTS).replace(" ", "") == doc.text.replace(" ", "")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_normalisation_is_idempotent(text: str):
    once = normalize(text, VARIANTS)
    assert normalize(once, VARIANTS) == once
