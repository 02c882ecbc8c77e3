"""find() and mask() on the surface forms of My Numbers and corporate numbers, and on look-alikes."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from stdnum.jp import cn, in_

from mamori.pii import PiiMatch, contains_mynumber, find, mask

from .test_generate import (
    CORPORATE_NUMBERS,
    HYPHENS,
    MYNUMBERS,
    break_corporate_number,
    break_mynumber,
    digits_of,
    full_width,
    grouped,
    kanji,
    make_mynumber,
)

Form = Callable[[str], tuple[str, str, str]]  # digits -> (text before, the number, text after)

# Each surface form of a 12-digit My Number, written into a text around it.
FORMS: dict[str, Form] = {
    "plain": lambda d: ("", d, ""),
    "full_width": lambda d: ("", full_width(d), ""),
    "kanji": lambda d: ("", kanji(d), ""),
    "kanji_rei": lambda d: ("", kanji(d, zero="零"), ""),
    "math_bold": lambda d: ("", "".join(chr(0x1D7CE + int(c)) for c in d), ""),
    "hyphen_4_4_4": lambda d: ("", grouped(d, "-"), ""),
    "spaces_4_4_4": lambda d: ("", grouped(d, " "), ""),
    "ideographic_spaces": lambda d: ("", grouped(d, "\u3000"), ""),
    "no_break_spaces": lambda d: ("", grouped(d, "\u00a0"), ""),
    "tabs": lambda d: ("", grouped(d, "\t"), ""),
    "spaced_hyphens": lambda d: ("", grouped(d, " - "), ""),
    "full_width_spaced_hyphens": lambda d: ("", grouped(full_width(d), "\u3000－\u3000"), ""),
    "dots": lambda d: ("", grouped(d, "."), ""),
    "full_width_dots": lambda d: ("", grouped(full_width(d), "．"), ""),
    "middle_dots": lambda d: ("", grouped(d, "・"), ""),
    "mixed_widths": lambda d: ("", d[:4] + full_width(d[4:8]) + d[8:], ""),
    "mixed_widths_and_hyphens": lambda d: (
        "",
        full_width(d[:4]) + "-" + d[4:8] + "－" + full_width(d[8:]),
        "",
    ),
    "mixed_kanji_and_digits": lambda d: ("", kanji(d[:4]) + " " + d[4:8] + " " + full_width(d[8:]), ""),
    "kanji_with_long_vowel_marks": lambda d: ("", grouped(kanji(d), "ー"), ""),
    "every_digit_spaced": lambda d: ("", " ".join(d), ""),
    "grouped_3_3_3_3": lambda d: ("", grouped(d, "-", (3, 3, 3, 3)), ""),
    "grouped_6_6": lambda d: ("", grouped(d, " ", (6, 6)), ""),
    "grouped_2_5_5": lambda d: ("", grouped(d, "－", (2, 5, 5)), ""),
    "zero_width_spaces": lambda d: ("", "\u200b".join(d), ""),
    "in_a_sentence": lambda d: ("私のマイナンバーは", grouped(d, "-"), "です。よろしくお願いします。"),
    "glued_to_japanese": lambda d: ("番号", d, "を教えて"),
    "label_colon": lambda d: ("個人番号:", d, ""),
    "label_full_width_colon": lambda d: ("個人番号：", grouped(full_width(d), " "), "、氏名：山田"),
    "label_mynumber_space": lambda d: ("マイナンバー ", grouped(d, " "), ""),
    "label_long_vowel_glued": lambda d: ("マイナンバー", d, ""),
    "parentheses": lambda d: ("番号(", d, ")"),
    "full_width_parentheses": lambda d: ("番号（", grouped(d, "-"), "）"),
    "brackets": lambda d: ("「", grouped(d, " "), "」"),
    "english": lambda d: ("My Number: ", grouped(d, " "), "."),
    "letters_around": lambda d: ("No.", d, "abc"),
    "newline_inside": lambda d: ("番号\n", d[:4] + "\n" + d[4:8] + " " + d[8:], "\nです"),
    "crlf_inside": lambda d: ("", d[:6] + "\r\n" + d[6:], "\r\n"),
    "wrapped_with_indent": lambda d: ("> ", d[:4] + "-\n  " + d[4:], ""),
    "after_list_number": lambda d: ("1. ", grouped(d, "-"), ""),
    "before_phone_number": lambda d: ("番号 ", grouped(d, "-"), " 電話 090-1234-5678"),
    "followed_by_phone_number": lambda d: ("", grouped(d, "-"), " 090-1234-5678"),
    "near_other_numbers": lambda d: ("〒100-0001 東京都 ", grouped(d, " "), "、2024年4月1日"),
}


def _hyphenated(hyphen: str) -> Form:
    return lambda d: ("番号は", grouped(d, hyphen), "です")


FORMS.update({f"hyphen_U+{ord(h):04X}": _hyphenated(h) for h in HYPHENS})


def _text(form: Form, number: str) -> tuple[str, str, str]:
    return form(number)


@pytest.mark.parametrize("number", MYNUMBERS)
@pytest.mark.parametrize("name", sorted(FORMS))
def test_surface_form_is_found(name: str, number: str) -> None:
    before, surface, after = _text(FORMS[name], number)
    text = before + surface + after
    assert find(text) == [PiiMatch("mynumber", len(before), len(before) + len(surface))]
    assert contains_mynumber(text)


@pytest.mark.parametrize("number", MYNUMBERS)
@pytest.mark.parametrize("name", sorted(FORMS))
def test_surface_form_is_masked_without_a_digit_left(name: str, number: str) -> None:
    before, surface, after = _text(FORMS[name], number)
    masked = mask(before + surface + after)
    assert masked == before + "[個人番号]" + after
    # No digit of the number survives, in ASCII, full-width or kanji form: what is left is
    # exactly the digits of the text around it.
    assert digits_of(masked) == digits_of(before + after)
    assert number not in digits_of(masked)


@pytest.mark.parametrize("number", MYNUMBERS)
@pytest.mark.parametrize("name", sorted(FORMS))
def test_wrong_check_digit_is_not_a_mynumber(name: str, number: str) -> None:
    before, surface, after = _text(FORMS[name], break_mynumber(number))
    text = before + surface + after
    assert not contains_mynumber(text)
    assert mask(text) == text


def test_the_brief_count_of_surface_forms() -> None:
    assert len(FORMS) >= 20


# --- corporate numbers -----------------------------------------------------------------------

CORPORATE_FORMS: dict[str, Form] = {
    "plain": lambda d: ("", d, ""),
    "hyphen_1_4_4_4": lambda d: ("法人番号 ", grouped(d, "-", (1, 4, 4, 4)), ""),
    "spaces_1_4_4_4": lambda d: ("", grouped(d, " ", (1, 4, 4, 4)), ""),
    "full_width": lambda d: ("法人番号：", full_width(d), "（株式会社）"),
    "kanji": lambda d: ("", kanji(d), ""),
    "long_vowel_marks": lambda d: ("", grouped(d, "ー", (1, 4, 4, 4)), ""),
}


@pytest.mark.parametrize("number", CORPORATE_NUMBERS)
@pytest.mark.parametrize("name", sorted(CORPORATE_FORMS))
def test_corporate_number_is_found_and_masked_only_when_asked(name: str, number: str) -> None:
    before, surface, after = CORPORATE_FORMS[name](number)
    text = before + surface + after
    assert find(text) == [PiiMatch("corporate_number", len(before), len(before) + len(surface))]
    assert not contains_mynumber(text)
    assert mask(text) == text
    assert mask(text, kinds=("corporate_number",)) == before + "[法人番号]" + after
    assert mask(text, kinds=("mynumber", "corporate_number")) == before + "[法人番号]" + after


@pytest.mark.parametrize("number", CORPORATE_NUMBERS)
def test_wrong_corporate_check_digit_is_not_found(number: str) -> None:
    wrong = break_corporate_number(number)
    assert find(wrong) == []
    assert find(grouped(wrong, "-", (1, 4, 4, 4))) == []


# --- look-alikes that are not numbers to find ------------------------------------------------


def _card_hiding_two_mynumbers() -> str:
    """16 digits whose first 12 and last 12 digits are both valid My Numbers."""
    first = MYNUMBERS[0]
    tail = first[4:] + "735"
    tail += in_.calc_check_digit(tail)
    card = first[:4] + tail
    assert in_.is_valid(card[:12]) and in_.is_valid(card[4:])
    return card


CARD = _card_hiding_two_mynumbers()


@pytest.mark.parametrize(
    "text",
    [
        CARD,
        grouped(CARD, " ", (4, 4, 4, 4)),
        grouped(CARD, "-", (4, 4, 4, 4)),
        grouped(full_width(CARD), "\u3000", (4, 4, 4, 4)),
        grouped(CARD, "－", (4, 4, 4, 4)),
        "カード番号：" + grouped(CARD, " ", (4, 4, 4, 4)) + "、有効期限 12/29",
        "カード番号は" + full_width(CARD) + "です",
        "カード番号 4111 1111 1111 1111",
        "Amex 3782 822463 10005",
    ],
    ids=lambda t: f"card-{len(t)}",
)
def test_card_numbers_are_not_mynumbers(text: str) -> None:
    assert not contains_mynumber(text)
    assert mask(text) == text


@pytest.mark.parametrize("number", MYNUMBERS)
def test_a_mynumber_glued_to_other_digits_is_not_found(number: str) -> None:
    # 13 digits that are not a valid corporate number, either way round.
    for extra in "0123456789":
        for text in (extra + number, number + extra, f"{extra} {grouped(number, ' ')}"):
            if not cn.is_valid(text.replace(" ", "")):
                assert find(text) == [], text
    assert find(number + number) == []  # 24 digits
    assert find(grouped(number + "5678", "-", (4, 4, 4, 4))) == []


def _international_phone_that_checks() -> str:
    """+81 and ten digits whose 12 digits happen to pass the My Number check."""
    body = "81901234567"
    return body + in_.calc_check_digit(body)


@pytest.mark.parametrize(
    "text",
    [
        "090-1234-5678",
        "電話は090-1234-5678です",
        "０９０－１２３４－５６７８",
        "03-1234-5678",
        "(03)1234-5678",
        "0120-95-0178",
        "TEL 090 1234 5678",
        "090-1234-5678 / 080-9876-5432",
        "090-1234-5678 080-9876-5432",
        "+81-90-1234-5678",
        "+81 90 1234 5678",
        "+" + _international_phone_that_checks(),
        "+81-90-" + grouped(_international_phone_that_checks()[4:], "-", (4, 4)),
        "＋８１ ９０ １２３４ ５６７８",
    ],
)
def test_phone_numbers_are_not_found(text: str) -> None:
    assert find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "〒100-0001",
        "〒１００－０００１ 東京都千代田区",
        "2024-01-01",
        "2024年1月1日",
        "令和6年12月31日",
        "2024/12/31 23:59",
        "2024.01.01 10:30",
        "1,234,567円",
        "￥12,345,678,901",
        "手数料 50000円をお支払いください",
        "3.14159",
        "第一条 一二三",
    ],
)
def test_postal_codes_dates_and_amounts_are_not_found(text: str) -> None:
    assert find(text) == []


@pytest.mark.parametrize("number", MYNUMBERS)
def test_commas_are_not_separators(number: str) -> None:
    # An amount written with thousands separators is never a number, even with valid digits.
    amount = ",".join(number[i : i + 3] for i in range(0, 12, 3))
    assert find(f"{amount}円") == []


# --- line breaks and gaps: the documented decisions --------------------------------------------


@pytest.mark.parametrize("number", MYNUMBERS)
def test_a_single_line_break_joins_and_a_blank_line_separates(number: str) -> None:
    assert contains_mynumber(number[:4] + "\n" + number[4:])
    assert contains_mynumber(number[:4] + " \r\n " + number[4:])
    assert not contains_mynumber(number[:4] + "\n\n" + number[4:])
    assert not contains_mynumber(number[:4] + "\r\n\r\n" + number[4:])
    assert not contains_mynumber(number[:4] + "\n" + number[4:8] + "\n\n" + number[8:])


@pytest.mark.parametrize("number", MYNUMBERS)
def test_gaps_of_up_to_three_separators(number: str) -> None:
    assert contains_mynumber(grouped(number, " - "))
    assert contains_mynumber(grouped(number, "   "))
    assert not contains_mynumber(grouped(number, "    "))
    assert not contains_mynumber(grouped(number, " -- "))


# --- several numbers, offsets, results ---------------------------------------------------------


def test_several_numbers_in_text_order() -> None:
    a, b = MYNUMBERS[:2]
    c = CORPORATE_NUMBERS[0]
    text = f"夫 {a}、妻 {grouped(b, '-')}、会社 {grouped(c, '-', (1, 4, 4, 4))}、夫 {full_width(a)}"
    found = find(text)
    assert [m.kind for m in found] == ["mynumber", "mynumber", "corporate_number", "mynumber"]
    assert [digits_of(text[m.start : m.end]) for m in found] == [a, b, c, a]
    assert (
        mask(text)
        == "夫 [個人番号]、妻 [個人番号]、会社 " + grouped(c, "-", (1, 4, 4, 4)) + "、夫 [個人番号]"
    )


def test_numbers_in_one_run_split_by_spaces() -> None:
    a = MYNUMBERS[0]
    text = f"{grouped(a, '-')} {grouped(MYNUMBERS[1], '-')}"
    assert [m.kind for m in find(text)] == ["mynumber", "mynumber"]
    assert mask(text) == "[個人番号] [個人番号]"


def test_the_mynumber_wins_over_a_corporate_number_with_a_stray_digit() -> None:
    # '1. 1234-5678-9012': if the 13 digits pass the corporate check, the list number and the
    # My Number still read as a My Number.
    for seed in range(200):
        number = make_mynumber(seed * 7919)
        for lead in "123456789":
            text = f"{lead}. {grouped(number, '-')}"
            if cn.is_valid(lead + number):
                assert find(text) == [PiiMatch("mynumber", 3, len(text))]
                return
    pytest.fail("no example found")


def test_nothing_in_texts_without_digits() -> None:
    assert find("") == []
    assert find("市役所の職員を名乗る者から電話がありました。") == []
    assert find("一緒に統一して一度に") == []


def test_pii_match_is_frozen_and_holds_no_digits() -> None:
    number = MYNUMBERS[0]
    (m,) = find(f"番号 {number}")
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.start = 0  # type: ignore[misc]
    assert number not in repr(m) and number[:4] not in repr(m)
    assert repr(m) == "PiiMatch(kind='mynumber', start=3, end=15)"
    assert {m} == {PiiMatch("mynumber", 3, 15)}
