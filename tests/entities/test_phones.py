"""find_phones(): phone numbers in Japanese messages, and which lines they are."""

from __future__ import annotations

import time

import pytest

from mamori.entities import PhoneMatch, find_phones
from mamori.entities.phones import MAX_PHONES


def found(text: str) -> list[tuple[str, str, str]]:
    return [(p.raw, p.digits, p.kind) for p in find_phones(text)]


@pytest.mark.parametrize(
    ("text", "raw", "digits", "kind"),
    [
        ("至急 03-1234-5678 まで折り返しください", "03-1234-5678", "0312345678", "landline"),
        ("担当：佐藤（０３－１２３４－５６７８）", "０３－１２３４－５６７８", "0312345678", "landline"),
        ("市民課 06(6123)4567", "06(6123)4567", "0661234567", "landline"),
        ("(03)1234-5678 へ", "(03)1234-5678", "0312345678", "landline"),
        ("TEL:0467-12-3456", "0467-12-3456", "0467123456", "landline"),
        ("TEL0467-12-3456", "0467-12-3456", "0467123456", "landline"),
        ("Tel.098-123-4567（那覇）", "098-123-4567", "0981234567", "landline"),
        ("電話:0312345678", "0312345678", "0312345678", "landline"),
        ("携帯 090ー1234ー5678 に連絡", "090ー1234ー5678", "09012345678", "mobile"),
        ("080 1234 5678 まで", "080 1234 5678", "08012345678", "mobile"),
        ("070‐1234‐5678", "070‐1234‐5678", "07012345678", "mobile"),
        ("０９０－１２３４－５６７８", "０９０－１２３４－５６７８", "09012345678", "mobile"),
        ("折り返しは07012345678へ", "07012345678", "07012345678", "mobile"),
        ("担当直通 050-3123-4567", "050-3123-4567", "05031234567", "ip"),
        ("フリーダイヤル0120-123-456", "0120-123-456", "0120123456", "freedial"),
        ("0800-123-4567 までお電話を", "0800-123-4567", "08001234567", "freedial"),
        ("ナビダイヤル 0570-000-123", "0570-000-123", "0570000123", "navidial"),
        ("+81-90-1234-5678 から着信", "+81-90-1234-5678", "+819012345678", "international"),
        ("+81 (0)3-1234-5678", "+81 (0)3-1234-5678", "+81312345678", "international"),
        ("＋８１ ９０ １２３４ ５６７８", "＋８１ ９０ １２３４ ５６７８", "+819012345678", "international"),
        ("+1 (202) 555-0143 に電話して", "+1 (202) 555-0143", "+12025550143", "international"),
        ("+44 20 7946 0958", "+44 20 7946 0958", "+442079460958", "international"),
        ("010-1-212-555-0100", "010-1-212-555-0100", "+12125550100", "international"),
        ("警察相談専用電話 #9110 へ", "#9110", "#9110", "short"),
        ("＃９１１０にご相談を", "＃９１１０", "#9110", "short"),
        ("消費者ホットライン188", "188", "188", "short"),
        ("いやや！188", "188", "188", "short"),
        ("すぐに110番通報してください", "110", "110", "short"),
        ("児童相談所の虐待対応ダイヤル189", "189", "189", "short"),
        ("救急相談は#7119", "#7119", "#7119", "short"),
    ],
)
def test_kinds(text: str, raw: str, digits: str, kind: str) -> None:
    assert found(text) == [(raw, digits, kind)]
    p = find_phones(text)[0]
    assert text[p.start : p.end] == p.raw


@pytest.mark.parametrize(
    ("text", "domestic"),
    [
        ("03-1234-5678", True),
        ("+81-90-1234-5678", True),  # a Japanese number written the international way
        ("+1 (202) 555-0143", False),
        ("010-1-212-555-0100", False),
        ("188番", True),
    ],
)
def test_domestic(text: str, domestic: bool) -> None:
    assert find_phones(text)[0].domestic is domestic


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("マイナンバー総合フリーダイヤル 0120-95-0178 へ", "マイナンバー総合フリーダイヤル"),
        ("フリーダイヤル（０１２０－９５－０１７８）", "マイナンバー総合フリーダイヤル"),
        ("警察相談専用電話（#9110）", "警察相談専用電話"),
        ("消費者ホットライン「188」", "消費者ホットライン"),
        ("事件・事故は110番", "警察(緊急通報)"),
    ],
)
def test_official_consultation_numbers(text: str, name: str) -> None:
    (p,) = find_phones(text)
    assert p.official and p.name == name


def test_city_hall_numbers_are_found_but_not_official() -> None:
    text = (
        "横浜市役所 代表 045-671-2121（平日8時45分～17時15分）"
        "マイナンバーカードに関するお問い合わせ：コールセンター 0120-123-456"
        "〒231-0005 横浜市中区本町6-50-10"
    )
    assert [(p.raw, p.kind, p.official) for p in find_phones(text)] == [
        ("045-671-2121", "landline", False),
        ("0120-123-456", "freedial", False),
    ]


def test_two_numbers_in_a_row() -> None:
    assert found("電話:03-1234-5678 090-1234-5678") == [
        ("03-1234-5678", "0312345678", "landline"),
        ("090-1234-5678", "09012345678", "mobile"),
    ]


def test_a_number_followed_by_a_count() -> None:
    assert found("090-1234-5678 3件の不在着信") == [("090-1234-5678", "09012345678", "mobile")]


def test_match_fields() -> None:
    assert find_phones("折り返し先：＃９１１０")[0] == PhoneMatch(
        start=6,
        end=11,
        raw="＃９１１０",
        digits="#9110",
        kind="short",
        official=True,
        domestic=True,
        name="警察相談専用電話",
    )


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-15 10:30 に訪問します",
        "令和6年4月1日から",
        "〒100-8926 東京都千代田区霞が関2-1-2",
        "〒０６０－０００１ 札幌市中央区",
        "合計 3,300円（税込）",
        "1,234,567円を振り込んでください",
        "188人が参加、110円の切手、189ページ",
        "110番号の書類",
        "マイナンバー 1234 5678 9012",
        "個人番号 0123-4567-8901",
        "012345678901 は12桁の番号",
        "法人番号 1234567890123",
        "03-1234-5678-9012",
        "会員ID AB0312345678",
        "No.0312345678",
        "注文#1234 を発送しました",
        "金額は¥0312345678",
        "3.0312345678倍",
        "0 0 0 0 0 0 0 0 0 0 0 0",
        "",
    ],
)
def test_not_phones(text: str) -> None:
    assert find_phones(text) == []


def test_count_is_bounded() -> None:
    assert len(find_phones("03-1234-5678 " * (MAX_PHONES + 10))) == MAX_PHONES


@pytest.mark.parametrize(
    "text",
    [
        "0 " * 500_000,
        "0" * 1_000_000,
        "0-" * 500_000,
        "00 " * 333_000,
        "+1 " * 333_000,
        "(" * 1_000_000,
        "1," * 500_000,
        "#1" * 500_000,
        "03-1234-5678 " * 80_000,
    ],
    ids=["zeros", "digits", "hyphens", "pairs", "plus", "parens", "commas", "sharp", "numbers"],
)
def test_linear_time_on_pathological_input(text: str) -> None:
    started = time.perf_counter()
    find_phones(text)
    assert time.perf_counter() - started < 5
