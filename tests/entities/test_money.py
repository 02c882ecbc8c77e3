"""find_money(): amounts, e-money, transfers, cash hand-overs and crypto-assets in Japanese text."""

from __future__ import annotations

import time

import pytest

from mamori.entities import MoneyMatch, find_money
from mamori.entities.money import BRANDS, KINDS, MAX_MONEY


def amounts(text: str) -> list[tuple[str, int | None]]:
    return [(m.raw, m.yen_value) for m in find_money(text) if m.kind == "amount"]


def kinds(text: str) -> list[tuple[str, str]]:
    return [(m.raw, m.kind) for m in find_money(text)]


@pytest.mark.parametrize(
    ("text", "raw", "value"),
    [
        ("登録手数料として3万円が必要です", "3万円", 30_000),
        ("30,000円をお支払いください", "30,000円", 30_000),
        ("３０００円分", "３０００円", 3_000),
        ("手数料1万5千円", "1万5千円", 15_000),
        ("五万円を用意して", "五万円", 50_000),
        ("100万を用意しろ", "100万", 1_000_000),
        ("¥5,000", "¥5,000", 5_000),
        ("￥５，０００－", "￥５，０００－", 5_000),
        ("一万五千円", "一万五千円", 15_000),
        ("三十万円", "三十万円", 300_000),
        ("百万円", "百万円", 1_000_000),
        ("五〇〇〇円", "五〇〇〇円", 5_000),
        ("1億2,000万円の資産", "1億2,000万円", 120_000_000),
        ("2万5000円", "2万5000円", 25_000),
        ("1.5万円", "1.5万円", 15_000),
        ("5000 yen", "5000 yen", 5_000),
        ("JPY 3,000", "JPY 3,000", 3_000),
        ("千円札", "千円", 1_000),
        ("登録料は2万円です", "2万円", 20_000),
        ("数万円の費用", "数万円", None),
        ("十数万円", "十数万円", None),
        ("数十万円の損害", "数十万円", None),
        ("$100分", "$100", None),
        ("100ドル", "100ドル", None),
    ],
)
def test_amounts(text: str, raw: str, value: int | None) -> None:
    assert amounts(text) == [(raw, value)]


@pytest.mark.parametrize(
    "text",
    [
        "100万人が利用",
        "3万5千人",
        "2万歩あるく",
        "万一の場合",
        "関東一円で",
        "円滑に進める",
        "円満に解決",
        "〇〇円",
        "2024年3月5日",
        "10:30",
        "3点",
        "第1位",
        "3.14",
        "何万円",
        "",
    ],
)
def test_not_amounts(text: str) -> None:
    assert amounts(text) == []


def test_shop_receipt_has_only_amounts() -> None:
    receipt = (
        "ローソン 横浜駅前店\n2024年3月5日(火) 10:30 レジ#2\n"
        "おにぎり 2点 @150 ¥300\nお茶 ¥138\n小計 ¥438\n消費税等(8%) ¥35\n"
        "合計 ¥473\nお預り ¥1,000\nお釣り ¥527\n"
    )
    found = find_money(receipt)
    assert {m.kind for m in found} == {"amount"}
    assert [m.yen_value for m in found] == [300, 138, 438, 35, 473, 1_000, 527]


@pytest.mark.parametrize(
    ("text", "raw", "brand"),
    [
        ("Amazonギフト券を買ってきて", "Amazonギフト券", "amazon"),
        ("amazon gift card", "amazon gift card", "amazon"),
        ("アマゾンギフトカード5万円分", "アマゾンギフトカード", "amazon"),
        ("ｱﾏｿﾞﾝｷﾞﾌﾄ券", "ｱﾏｿﾞﾝｷﾞﾌﾄ券", "amazon"),
        ("アマギフで払って", "アマギフ", "amazon"),
        ("Apple Gift Card", "Apple Gift Card", "apple"),
        ("Appleギフトカード", "Appleギフトカード", "apple"),
        ("iTunesカードの裏の番号", "iTunesカード", "apple"),
        ("ＩＴＵＮＥＳカード", "ＩＴＵＮＥＳカード", "apple"),
        ("Google Playギフトカード", "Google Playギフトカード", "google_play"),
        ("GooglePlayカード", "GooglePlayカード", "google_play"),
        ("グーグルプレイカードを購入", "グーグルプレイカード", "google_play"),
        ("グーグルプレイ", "グーグルプレイ", "google_play"),
        ("WebMoneyで支払い", "WebMoney", "webmoney"),
        ("ウェブマネー", "ウェブマネー", "webmoney"),
        ("BitCash", "BitCash", "bitcash"),
        ("ビットキャッシュ", "ビットキャッシュ", "bitcash"),
        ("nanacoギフト", "nanaco", "nanaco"),
        ("PayPayで送って", "PayPay", "paypay"),
        ("楽天Edy", "楽天Edy", "rakuten_edy"),
        ("Vプリカ", "Vプリカ", "vpreca"),
        ("ニンテンドープリペイドカード", "ニンテンドープリペイドカード", "nintendo"),
        ("コンビニで電子マネーを購入し", "電子マネー", "generic"),
        ("プリペイドカード", "プリペイドカード", "generic"),
    ],
)
def test_emoney(text: str, raw: str, brand: str) -> None:
    emoney = [m for m in find_money(text) if m.kind == "emoney"]
    assert [(m.raw, m.brand) for m in emoney] == [(raw, brand)]


def test_brand_words_inside_other_words_are_not_brands() -> None:
    assert [m for m in find_money("speedy と Teddy と nanacoffee") if m.kind == "emoney"] == []


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("指定の口座にお振り込みください", "振り込み"),
        ("振込先は下記の通り", "振込"),
        ("振込み手数料", "振込み"),
        ("ふりこんでください", "ふりこん"),
        ("至急送金してください", "送金"),
        ("下記口座に入金をお願いします", "口座に入金"),
        ("払込票でお支払いください", "払込"),
    ],
)
def test_transfer(text: str, raw: str) -> None:
    assert kinds(text) == [(raw, "transfer")]


def test_the_name_of_the_crime_is_not_a_transfer() -> None:
    assert kinds("振り込め詐欺にご注意ください。振込詐欺、送金詐欺の相談は#9110へ") == []


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("現金を渡してください", "現金を渡"),
        ("現金をお預かりします", "現金をお預か"),
        ("お金を受け取りに伺います", "お金を受け取"),
        ("後ほど受け取りに伺います", "受け取りに伺"),
        ("封筒に入れて玄関に置いて", "封筒に入れ"),
        ("現金をレターパックで送ってください", "現金をレターパック"),
        ("お金を用意しておいてください", "お金を用意"),
        ("現金書留で送付", "現金書留"),
    ],
)
def test_cash_handover(text: str, raw: str) -> None:
    assert kinds(text) == [(raw, "cash_handover")]


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("ビットコインで支払って", "ビットコイン"),
        ("暗号資産の口座", "暗号資産"),
        ("仮想通貨を購入", "仮想通貨"),
        ("USDTを送金", "USDT"),
        ("BTCで", "BTC"),
        ("ウォレットのアドレス", "ウォレット"),
    ],
)
def test_crypto(text: str, raw: str) -> None:
    assert [(m.raw, m.kind) for m in find_money(text) if m.kind == "crypto"] == [(raw, "crypto")]


def test_seed_like_message() -> None:
    text = (
        "あなたの個人情報が漏えいしています。削除費用として3万円分の電子マネーを購入し、"
        "その番号を送ってください。または指定口座へ振り込んでください。"
    )
    assert kinds(text) == [("3万円", "amount"), ("電子マネー", "emoney"), ("振り込", "transfer")]


def test_offsets_survive_half_width_katakana() -> None:
    text = "ｼﾞｪｰｼｰﾋﾞｰ ｱﾏｿﾞﾝｷﾞﾌﾄｶｰﾄﾞ 5,000円 ﾋﾞｯﾄｺｲﾝ"
    found = find_money(text)
    assert [(m.raw, m.kind) for m in found] == [
        ("ｱﾏｿﾞﾝｷﾞﾌﾄｶｰﾄﾞ", "emoney"),
        ("5,000円", "amount"),
        ("ﾋﾞｯﾄｺｲﾝ", "crypto"),
    ]
    assert all(text[m.start : m.end] == m.raw for m in found)


def test_match_fields() -> None:
    assert find_money("手数料は３万円です") == [
        MoneyMatch(start=4, end=7, raw="３万円", kind="amount", yen_value=30_000)
    ]


def test_kinds_and_brands_are_documented_names() -> None:
    assert KINDS == ("amount", "emoney", "transfer", "cash_handover", "crypto")
    assert set(BRANDS) >= {
        "amazon",
        "apple",
        "google_play",
        "webmoney",
        "bitcash",
        "nanaco",
        "paypay",
        "generic",
    }


def test_count_is_bounded() -> None:
    assert len(find_money("3万円 " * (MAX_MONEY + 10))) == MAX_MONEY


@pytest.mark.parametrize(
    "text",
    [
        "0 " * 500_000,
        "1万" * 500_000,
        "五" * 1_000_000,
        "数" * 1_000_000,
        "円" * 1_000_000,
        "ｱﾏｿﾞﾝ" * 200_000,
        "3万円 " * 250_000,
        "1," * 500_000,
        "マイナンバーの手続きについて。" * 66_000,
    ],
    ids=["zeros", "man", "kanji", "suu", "yen", "half-kana", "amounts", "commas", "japanese"],
)
def test_linear_time_on_pathological_input(text: str) -> None:
    started = time.perf_counter()
    find_money(text)
    assert time.perf_counter() - started < 5
