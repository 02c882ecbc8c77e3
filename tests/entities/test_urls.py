"""find_urls() and classify(): URLs in Japanese messages, and what their domains say."""

from __future__ import annotations

import time

import pytest

from mamori.entities import DomainVerdict, UrlMatch, classify, find_urls
from mamori.entities.urls import MAX_URL_LENGTH, MAX_URLS
from mamori.errors import EmptyInputError, InputError


def urls(text: str) -> list[str]:
    return [m.url for m in find_urls(text)]


def hosts(text: str) -> list[str]:
    return [m.host for m in find_urls(text)]


# --- finding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "【重要】マイナンバーの個人情報漏えいが発見されました。速やかに下記URLよりログインしてください。"
            "https://myna-portal.jp-kojin.com/login?id=8812",
            ["https://myna-portal.jp-kojin.com/login?id=8812"],
        ),
        ("マイナポイントの申請はこちら→http://maina-point.top/entry", ["http://maina-point.top/entry"]),
        (
            "【デジタル庁】マイナ保険証の登録が未完了です https://digital-go.xyz/m",
            ["https://digital-go.xyz/m"],
        ),
        ("詳しくはhttps://www.myna.go.jp/をご確認ください。", ["https://www.myna.go.jp/"]),
        ("https://example.comからログインしてください。", ["https://example.com"]),
        (
            "（https://www.digital.go.jp/policies/mynumber）を参照",
            ["https://www.digital.go.jp/policies/mynumber"],
        ),
        ("「https://www.kojinbango-card.go.jp/」にアクセス", ["https://www.kojinbango-card.go.jp/"]),
        ("see http://example.com.", ["http://example.com"]),
        ("詳細:https://ja.wikipedia.org/wiki/Foo_(bar)).", ["https://ja.wikipedia.org/wiki/Foo_(bar)"]),
        ('<a href="https://example.com/a">こちら</a>', ["https://example.com/a"]),
        ("HTTPS://WWW.NTA.GO.JP/TAXES/", ["https://www.nta.go.jp/TAXES/"]),
        ("http://192.0.2.10:8080/myna/login", ["http://192.0.2.10:8080/myna/login"]),
        ("http://[2001:db8::1]/login", ["http://[2001:db8::1]/login"]),
        ("短縮URL https://bit.ly/3xYzAbC からどうぞ", ["https://bit.ly/3xYzAbC"]),
        (
            "1つ目 https://a.example.jp/1 2つ目 https://b.example.jp/2",
            ["https://a.example.jp/1", "https://b.example.jp/2"],
        ),
    ],
)
def test_http_urls(text: str, expected: list[str]) -> None:
    assert urls(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hxxps://kojinbango-card[.]go[.]jp[.]example[.]top/", "https://kojinbango-card.go.jp.example.top/"),
        ("hxxp://myna-point(.)xyz/entry", "http://myna-point.xyz/entry"),
        ("h**p://mynumber-point[dot]com/", "http://mynumber-point.com/"),
        ("h**ps://myna.example[.]com", "https://myna.example.com"),
        ("ttps://maina-point.com/", "https://maina-point.com/"),
        ("hXXps[:]//soumu-mynumber[.]net/login", "https://soumu-mynumber.net/login"),
        ("https[://]example[.]jp", "https://example.jp"),
        ("ｈｔｔｐｓ：／／ｍｙｎａ．ｇｏ．ｊｐ／", "https://myna.go.jp/"),
        ("ｈｔｔｐ：／／ｍｙｎａ－ｐｏｉｎｔ．ｘｙｚ／ｌｏｇｉｎ", "http://myna-point.xyz/login"),
        ("こちら→ myna-point . xyz /login", "http://myna-point.xyz"),
        ("example (dot) com", "http://example.com"),
        ("example{.}com", "http://example.com"),
        ("example .com", "http://example.com"),
    ],
)
def test_obfuscated_urls(text: str, expected: str) -> None:
    found = find_urls(text)
    assert [m.url for m in found] == [expected]


def test_defanged_urls_are_marked_obfuscated() -> None:
    assert [m.obfuscated for m in find_urls("hxxps://a.example.jp と https://b.example.jp")] == [True, False]
    assert find_urls("example[.]com")[0].obfuscated
    assert not find_urls("ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ")[0].obfuscated  # full width alone is typing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("myna-point.xyz/login からどうぞ", ["myna-point.xyz"]),
        ("www.example.co.jp を参照", ["www.example.co.jp"]),
        ("URL:myna-point.xyz", ["myna-point.xyz"]),
        ("URL：ｍｙｎａ－ｐｏｉｎｔ．ｘｙｚ", ["myna-point.xyz"]),
        ("マイナポータルは myna.go.jp です", ["myna.go.jp"]),
        ("Amazon.co.jpで購入した商品", ["amazon.co.jp"]),
        ("10.0.0.1/admin にアクセス", ["10.0.0.1"]),
        ("www.archive.zip は zip でも本物のドメイン", ["www.archive.zip"]),
        ("公式サイト(city.yokohama.lg.jp)で確認", ["city.yokohama.lg.jp"]),
        ("マイナンバーカード.com へ", []),  # bare IDNs are not told apart from prose
    ],
)
def test_bare_domains(text: str, expected: list[str]) -> None:
    assert hosts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "連絡は taro.yamada@example.co.jp まで",
        "メール: info@myna-support.xyz へ返信",
        "添付の report.pdf と photo.jpg、data.xlsx をご確認ください",
        "archive.zip と movie.mov と setup.py",
        "今日は晴れ.明日も晴れ。よろしくお願いします.",
        "Ver.2.0 に更新しました。円周率は3.14です。No.5の件",
        "e.g. のように i.e. とも書きます",
        "Node.js と ASP と C# で書かれています",
        "10.0.0.1 はIPアドレスの例です",
        "http://",
        "https://localhost/ は内部のサーバー",
        "マイナンバーカードの交付は市役所で行います。",
        "",
    ],
)
def test_not_urls(text: str) -> None:
    assert find_urls(text) == []


def test_offsets_are_into_the_original_text() -> None:
    text = "【総務省】マイナンバー確認 ｈｔｔｐｓ：／／ｍｙｎａ－ｇｏ．ｘｙｚ／ｓ と hxxp://a[.]example[.]jp/x です"
    found = find_urls(text)
    assert len(found) == 2
    for m in found:
        assert text[m.start : m.end] == m.raw
    assert found[0].raw == "ｈｔｔｐｓ：／／ｍｙｎａ－ｇｏ．ｘｙｚ／ｓ"
    assert found[1].raw == "hxxp://a[.]example[.]jp/x"


def test_match_fields() -> None:
    m = find_urls("ログイン: https://user:pw@login.myna-point.co.jp:8443/a?b=c#d。")[0]
    assert m == UrlMatch(
        start=6,
        end=57,
        raw="https://user:pw@login.myna-point.co.jp:8443/a?b=c#d",
        url="https://login.myna-point.co.jp:8443/a?b=c#d",
        host="login.myna-point.co.jp",
        registered_domain="myna-point.co.jp",
        suffix="co.jp",
    )


def test_userinfo_trick_shows_the_real_host() -> None:
    m = find_urls("https://www.myna.go.jp@evil.example.top/login")[0]
    assert m.host == "evil.example.top"
    assert not classify(m.host).official


def test_idn_host_is_punycode() -> None:
    m = find_urls("https://マイナポータル.jp/login から")[0]
    assert m.host.startswith("xn--") and m.suffix == "jp"
    assert m.url.endswith("/login")


def test_long_url_is_truncated_with_a_flag() -> None:
    text = "リンク https://example.com/" + "a" * 10_000 + " です"
    m = find_urls(text)[0]
    assert m.truncated
    assert len(m.raw) == len(m.url) == MAX_URL_LENGTH
    assert m.end == len(text) - 3  # the span still covers the whole URL
    assert text[m.start : m.end].startswith(m.raw)


def test_url_count_is_bounded() -> None:
    assert len(find_urls("a.example.com " * (MAX_URLS + 50))) == MAX_URLS


@pytest.mark.parametrize(
    "text",
    [
        "https://example.com/" + "a" * 10_000,
        "a." * 500_000,
        "a " * 500_000,
        "a . " * 250_000,
        "(.)" * 300_000,
        "[.]a" * 250_000,
        "http://" * 140_000,
        "hxxp://a" * 125_000,
        "a@a." * 250_000,
        ("a" * 60 + ".") * 16_000,
        "-" * 1_000_000,
        "ｈ．" * 500_000,
    ],
    ids=[
        "long-url",
        "dots",
        "spaces",
        "spaced-dots",
        "defang",
        "brackets",
        "schemes",
        "hxxp",
        "at",
        "labels",
        "dashes",
        "full-width",
    ],
)
def test_linear_time_on_pathological_input(text: str) -> None:
    started = time.perf_counter()
    find_urls(text)
    assert time.perf_counter() - started < 5  # about 0.3 s here; quadratic would take minutes


# --- classifying ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "registered"),
    [
        ("myna.go.jp", "myna.go.jp"),
        ("www.digital.go.jp", "digital.go.jp"),
        ("www.kojinbango-card.go.jp", "kojinbango-card.go.jp"),
        ("www.j-lis.go.jp", "j-lis.go.jp"),
        ("www.soumu.go.jp", "soumu.go.jp"),
        ("www.nta.go.jp", "nta.go.jp"),
        ("www.npa.go.jp", "npa.go.jp"),
        ("www.kokusen.go.jp", "kokusen.go.jp"),
        ("www.city.yokohama.lg.jp", "yokohama.lg.jp"),
        ("www.pref.hokkaido.lg.jp", "hokkaido.lg.jp"),
        ("MYNA.GO.JP.", "myna.go.jp"),
        ("ｍｙｎａ．ｇｏ．ｊｐ", "myna.go.jp"),
        ("https://www.nta.go.jp/taxes/", "nta.go.jp"),
        ("www.soumu.go.jp:443", "soumu.go.jp"),
        ("www.post.japanpost.jp", "japanpost.jp"),
    ],
)
def test_official(host: str, registered: str) -> None:
    verdict = classify(host)
    assert verdict.official
    assert verdict.codes == ("official",)
    assert verdict.registered_domain == registered
    assert "正規ドメイン" in verdict.reasons[0].explanation


def test_official_names_the_body() -> None:
    assert classify("myna.go.jp").reasons[0].explanation == "マイナポータル(デジタル庁)の正規ドメインです"
    assert "地方公共団体(lg.jp)" in classify("www.city.kawasaki.lg.jp").reasons[0].explanation


@pytest.mark.parametrize(
    ("host", "codes"),
    [
        ("kojinbango-card.go.jp.example.top", ("gov_suffix_embedded", "lookalike")),
        ("myna-go-jp.com", ("gov_suffix_embedded", "lookalike")),
        ("soumu.go.jp.login-check.info", ("gov_suffix_embedded", "lookalike")),
        ("www.lg.jp-kyufu.com", ("gov_suffix_embedded",)),
        ("gov-jp.top", ("gov_suffix_embedded", "lookalike")),
        ("mynumber-card.jp", ("lookalike",)),
        ("myna-point.xyz", ("lookalike",)),
        ("mainapoint.com", ("lookalike",)),
        ("jlis-support.net", ("lookalike",)),
        ("j-lis.info", ("lookalike",)),
        ("soumu-kyufukin.com", ("lookalike",)),
        ("digital-go.top", ("lookalike",)),
        ("kojinbango.net", ("lookalike",)),
        ("npa-keisatsu.info", ("lookalike",)),
        ("nta-refund.com", ("lookalike",)),
        ("mhlw-hoken.jp", ("lookalike",)),
        ("kokuzei-kanpu.com", ("lookalike",)),
        ("e-tax-refund.com", ("lookalike",)),
        ("myna-go.jp", ("lookalike",)),
        ("rnyna-point.com", ("lookalike",)),
        ("my-numb3r.top", ("lookalike",)),
        ("j1is-card.com", ("lookalike",)),
        ("kojinbang0.xyz", ("lookalike",)),
        ("xn--80ak6aa92e.com", ("lookalike",)),  # Cyrillic "аррӏе"
        ("mуna.go.jp.example", ("gov_suffix_embedded", "lookalike")),  # Cyrillic у
        ("マイナンバー.com", ("lookalike",)),
        ("xn--eckwd4c7c.jp", ("lookalike",)),
        ("bit.ly", ("shortener",)),
        ("t.co", ("shortener",)),
        ("tinyurl.com", ("shortener",)),
        ("is.gd", ("shortener",)),
        ("x.gd", ("shortener",)),
        ("amzn.to", ("shortener",)),
        ("urx.blue", ("shortener",)),
        ("192.0.2.10", ("raw_ip",)),
        ("[2001:db8::1]", ("raw_ip",)),
        ("3232235777", ("raw_ip",)),
        ("myna-check.web.app", ("lookalike", "free_hosting")),
        ("kyufu.github.io", ("free_hosting",)),
    ],
)
def test_suspicious(host: str, codes: tuple[str, ...]) -> None:
    verdict = classify(host)
    assert not verdict.official
    assert verdict.codes == codes
    assert all(r.explanation for r in verdict.reasons)


@pytest.mark.parametrize(
    "host",
    [
        "example.com",
        "www.amazon.co.jp",
        "mynavi.jp",  # マイナビ contains "myna" but is a job site
        "tenshoku.mynavi.jp",
        "rental-car.com",  # "nta" inside a word
        "company.co.jp",
        "domainadmin.com",  # "maina" inside a word
        "mainichi.jp",
        "irs.gov",  # another country's government
        "lets-go.jp",
        "city.osaka.jp",
        "www.yahoo.co.jp",
    ],
)
def test_no_reason(host: str) -> None:
    verdict = classify(host)
    assert verdict == DomainVerdict(
        verdict.host, verdict.registered_domain, verdict.suffix, official=False, reasons=()
    )


def test_explanations_are_japanese() -> None:
    v = classify("kojinbango-card.go.jp.example.top")
    embedded, lookalike = v.reasons
    assert "example.top" in embedded.explanation and "go.jp" in embedded.explanation
    assert "「kojinbango」" in lookalike.explanation
    assert "rn→m" in classify("rnyna.com").reasons[0].explanation
    assert "キリル文字" in classify("xn--80ak6aa92e.com").reasons[0].explanation
    assert "IPアドレス" in classify("203.0.113.5").reasons[0].explanation


def test_classify_rejects_what_is_no_host_name() -> None:
    with pytest.raises(EmptyInputError, match="host name"):
        classify("  ")
    with pytest.raises(EmptyInputError):
        classify("https:///path")
    with pytest.raises(InputError, match="at most 253"):
        classify("a." * 200 + "com")


def test_every_found_url_can_be_classified() -> None:
    text = "hxxps://myna[.]go[.]jp.example.top/ と http://[2001:db8::1]/ と www.city.chiba.lg.jp"
    assert [classify(m.host).codes for m in find_urls(text)] == [
        ("gov_suffix_embedded", "lookalike"),
        ("raw_ip",),
        ("official",),
    ]
