"""Charset decoding: declared, missing, unknown and wrong labels; RFC 2047 header words."""

from __future__ import annotations

import email.base64mime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.formats.charsets import decode, decode_bytes, decode_header_text, normalize_charset

from .conftest import encoded_word

TEXT = "マイナンバーカードの暗証番号を確認します。至急ご連絡ください。"


@pytest.mark.parametrize(
    ("codec", "label", "used"),
    [
        ("utf-8", "UTF-8", "utf-8"),
        ("cp932", "Shift_JIS", "cp932"),
        ("cp932", "windows-31j", "cp932"),
        ("euc-jp", "EUC-JP", "euc-jp"),
        ("iso-2022-jp", "ISO-2022-JP", "iso-2022-jp"),
    ],
)
def test_declared_charset_is_used(codec: str, label: str, used: str) -> None:
    assert decode_bytes(TEXT.encode(codec), label) == (TEXT, used, False)


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("x-sjis", "cp932"),
        ("shift-jis", "cp932"),
        ("SJIS", "cp932"),
        ("Windows-31J", "cp932"),
        ("ms932", "cp932"),
        ("iso-2022-jp-ms", "iso-2022-jp"),
        ("CP50220", "iso-2022-jp"),
        ("csISO2022JP", "iso-2022-jp"),
        ("eucJP-ms", "euc-jp"),
        ("x-euc-jp", "euc-jp"),
        ('"utf8"', "utf-8"),
        ("us-ascii", "us-ascii"),
    ],
)
def test_aliases(alias: str, canonical: str) -> None:
    assert normalize_charset(alias) == canonical


@pytest.mark.parametrize("label", ["x-foo", "base64", "rot13", "unicode_escape", "", None, "x" * 100])
def test_unknown_or_non_text_codecs_are_not_charsets(label: str | None) -> None:
    assert normalize_charset(label) is None


def test_shift_jis_labelled_iso_2022_jp_falls_back_to_cp932() -> None:
    result = decode(TEXT.encode("cp932"), "ISO-2022-JP")
    assert (result.text, result.charset, result.fell_back, result.lossy) == (TEXT, "cp932", True, False)
    assert result.reason == "bytes are not valid ISO-2022-JP"


def test_iso_2022_jp_without_label_is_detected() -> None:
    assert decode_bytes(TEXT.encode("iso-2022-jp"), None) == (TEXT, "iso-2022-jp", True)


@pytest.mark.parametrize("codec", ["utf-8", "cp932", "euc-jp"])
def test_missing_label_is_detected(codec: str) -> None:
    result = decode(TEXT.encode(codec), None)
    assert (result.text, result.fell_back, result.reason) == (TEXT, True, "no charset declared")


def test_ascii_without_label_is_not_a_fallback() -> None:
    assert decode_bytes(b"Your card is ready.", None) == ("Your card is ready.", "us-ascii", False)


def test_unknown_label_is_detected_with_a_reason() -> None:
    result = decode(TEXT.encode("euc-jp"), "x-foo")
    assert (result.text, result.charset, result.fell_back) == (TEXT, "euc-jp", True)
    assert result.reason == "unknown charset x-foo"


def test_iso_2022_jp_with_windows_characters() -> None:
    # ① (NEC row 13, JIS 0x2D21) and ㈱ (0x2D6A): strict ISO-2022-JP rejects them.
    data = b"\x1b$B-!-j%^%$%J%s%P!<\x1b(B 2024"
    assert decode_bytes(data, "ISO-2022-JP") == ("①㈱マイナンバー 2024", "iso-2022-jp-ms", False)


def test_iso_2022_jp_half_width_katakana() -> None:
    assert decode_bytes(b"\x1b(I6^\x1b(B", "iso-2022-jp")[0] == "ｶﾞ"


def test_euc_jp_labelled_shift_jis_is_corrected() -> None:
    result = decode(TEXT.encode("euc-jp"), "Shift_JIS")
    assert (result.text, result.charset, result.fell_back) == (TEXT, "euc-jp", True)


@pytest.mark.parametrize("codec", ["utf-8", "cp932"])
def test_japanese_labelled_latin_1_is_corrected(codec: str) -> None:
    result = decode(TEXT.encode(codec), "iso-8859-1")
    assert (result.text, result.fell_back) == (TEXT, True)


def test_real_latin_1_stays_latin_1() -> None:
    assert decode_bytes("Numéro de sécurité".encode("latin-1"), "ISO-8859-1") == (
        "Numéro de sécurité",
        "iso8859-1",
        False,
    )


def test_utf8_bom_is_dropped() -> None:
    assert decode_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8")[0] == TEXT


def test_garbage_is_decoded_with_replacement() -> None:
    data = bytes(range(0x80, 0x100)) * 4
    result = decode(data, "utf-8")
    assert result.fell_back and result.lossy
    assert "\ufffd" in result.text


def test_one_bad_byte_keeps_the_rest() -> None:
    data = TEXT.encode("cp932") + b"\x81\x20" + TEXT.encode("cp932")  # a lead byte without its trail
    result = decode(data, "Shift_JIS")
    assert result.lossy and result.charset == "cp932"
    assert result.text.startswith(TEXT) and result.text.endswith(" " + TEXT)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=400), label=st.one_of(st.none(), st.text(max_size=20)))
def test_decode_never_raises(data: bytes, label: str | None) -> None:
    result = decode(data, label)
    assert isinstance(result.text, str)


JAPANESE = st.text(
    alphabet=st.sampled_from(
        "あいうえおかきくけこマイナンバー番号確認暗証市役所警察、。「」ＡＢ１２abc 123\n"
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(text=JAPANESE, codec=st.sampled_from(["utf-8", "cp932", "euc-jp", "iso-2022-jp"]))
def test_correct_label_round_trips(text: str, codec: str) -> None:
    assert decode_bytes(text.encode(codec), codec)[0] == text


# RFC 2047 header words


@pytest.mark.parametrize("charset", ["iso-2022-jp", "shift_jis", "utf-8", "euc-jp"])
@pytest.mark.parametrize("encoding", ["b", "q"])
def test_encoded_words(charset: str, encoding: str) -> None:
    word = encoded_word("【重要】マイナンバーカードの確認", charset, encoding)
    assert decode_header_text(word) == ("【重要】マイナンバーカードの確認", False)


def test_adjacent_words_join_split_characters() -> None:
    data = "個人番号".encode()
    first, second = data[:4], data[4:]  # splits 人 in the middle
    words = f"{email.base64mime.header_encode(first, 'utf-8')}\r\n {email.base64mime.header_encode(second, 'UTF-8')}"
    assert decode_header_text(words) == ("個人番号", False)


def test_text_between_words_is_kept_and_whitespace_between_words_dropped() -> None:
    raw = f"Re: {encoded_word('確認', 'utf-8')} {encoded_word('依頼', 'iso-2022-jp')} (2)"
    assert decode_header_text(raw) == ("Re: 確認依頼 (2)", False)


def test_raw_8bit_header_is_detected() -> None:
    raw = "【重要】確認".encode("cp932").decode("ascii", "surrogateescape")
    assert decode_header_text(raw) == ("【重要】確認", True)


def test_wrong_charset_in_word_falls_back() -> None:
    word = email.base64mime.header_encode("マイナンバー".encode("cp932"), "iso-2022-jp")
    assert decode_header_text(word) == ("マイナンバー", True)


@pytest.mark.parametrize(
    "raw",
    [
        "=?utf-8?B?!!!?=",
        "=?utf-8?B?44Gq?",
        "=?x-foo?Q?abc?=",
        "=??B??=",
        "=?utf-8*ja?Q?=E3=81=82?=",
        "=?utf-8?B?あ?=",
    ],
)
def test_malformed_words_do_not_raise(raw: str) -> None:
    text, _ = decode_header_text(raw)
    assert isinstance(text, str)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("=?BbQq_ abcXYZ012+/\r\n\t\udc83\udc41あ"), max_size=80))
def test_header_decoding_never_raises(raw: str) -> None:
    assert isinstance(decode_header_text(raw)[0], str)
