"""Sender checks: authority display names, Reply-To and Return-Path domains."""

from __future__ import annotations

import dataclasses

import pytest

from mamori.formats.sender import SenderFinding, is_public_sector_domain, sender_findings, split_mailbox


def codes(**headers: str) -> list[str]:
    return [
        finding.code
        for finding in sender_findings({k.rstrip("_").replace("_", "-"): v for k, v in headers.items()})
    ]


@pytest.mark.parametrize(
    "display",
    [
        "総務省",
        "デジタル庁 マイナンバー担当",
        "マイナポイント事務局",
        "マイナンバー総合窓口",
        "マイナンバーカード総合窓口",
        "地方公共団体情報システム機構",
        "J-LIS",
        "Ｊ－ＬＩＳ（地方公共団体情報システム機構）",
        "〇〇市役所 市民課",
        "△△区役所",
        "□□町役場",
        "警視庁",
        "〇〇県警察本部",
        "国税庁",
        "厚生労働省",
        "日本郵便",
    ],
)
def test_authority_display_name_outside_government_domains(display: str) -> None:
    findings = sender_findings({"from": f"{display} <info@secure-myna.example.com>"})
    assert [f.code for f in findings] == ["authority_display_name"]
    assert findings[0].header == "from"
    assert "secure-myna.example.com" in findings[0].detail_ja


@pytest.mark.parametrize(
    "address",
    [
        "noreply@digital.go.jp",
        "info@myna.go.jp",
        "kojin@city.example.lg.jp",
        "info@pref.kanagawa.jp",
        "info@police.pref.osaka.jp",
        "info@city.sapporo.jp",
        "info@city.yokosuka.kanagawa.jp",
        "info@metro.tokyo.jp",
        "INFO@SOUMU.GO.JP.",
    ],
)
def test_authority_display_name_on_public_sector_domains(address: str) -> None:
    assert codes(from_=f"総務省 市役所 警察 <{address}>") == []


@pytest.mark.parametrize(
    "domain",
    [
        "soumu-go.jp",
        "go.jp.example.com",
        "digital-go.jp",
        "city.example.jp",
        "pref.example.jp",
        "lg.jp.evil.example",
    ],
)
def test_look_alike_domains_are_not_government(domain: str) -> None:
    assert not is_public_sector_domain(domain)
    assert codes(from_=f"デジタル庁 <info@{domain}>") == ["authority_display_name"]


def test_japan_post_from_its_own_domain() -> None:
    assert codes(from_="日本郵便株式会社 <info@mail.japanpost.jp>") == []
    assert codes(from_="郵便局 <info@japanpost-delivery.example>") == ["authority_display_name"]


def test_authority_display_name_without_an_address() -> None:
    findings = sender_findings({"from": "総務省"})
    assert [f.code for f in findings] == ["authority_display_name"]
    assert "送信元アドレスがなく" in findings[0].detail_ja


def test_ordinary_sender_has_no_finding() -> None:
    assert codes(from_="山田商店 <shop@example.co.jp>", reply_to="support@example.co.jp") == []


def test_reply_to_on_another_domain() -> None:
    findings = sender_findings(
        {"From": "市民課 <info@example.co.jp>", "Reply-To": "窓口 <desk@freemail.example>"}
    )
    assert [(f.code, f.header) for f in findings] == [("reply_to_mismatch", "reply-to")]
    assert "freemail.example" in findings[0].detail_ja and "example.co.jp" in findings[0].detail_ja


def test_reply_to_on_a_subdomain_of_the_same_organisation() -> None:
    assert codes(from_="a@example.co.jp", reply_to="b@support.example.co.jp") == []
    assert codes(from_="a@mail.example.com", reply_to="b@example.com") == []


def test_one_of_several_reply_to_addresses_on_another_domain() -> None:
    assert codes(from_="a@example.com", reply_to="b@example.com, c@other.example") == ["reply_to_mismatch"]


def test_return_path_on_another_domain() -> None:
    assert codes(from_="a@example.com", return_path="bounce@mailer.example.net") == ["return_path_mismatch"]
    assert codes(from_="a@example.com", return_path="<>") == []


def test_display_name_that_is_another_address() -> None:
    assert codes(from_='"info@soumu.go.jp" <x@evil.example>') == ["display_name_address_mismatch"]
    assert codes(from_='"info@example.com" <info@example.com>') == []


def test_missing_from_gives_no_finding() -> None:
    assert sender_findings({"reply-to": "x@evil.example"}) == []
    assert sender_findings({}) == []


def test_findings_are_frozen() -> None:
    finding = SenderFinding("reply_to_mismatch", "reply-to", "説明")
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.code = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"総務省, 窓口" <a@example.com>', ("総務省, 窓口", "a@example.com")),
        ("<a@example.com>", ("", "a@example.com")),
        ("a@example.com", ("", "a@example.com")),
        ('"a \\"b\\"" <a@example.com>', ('a "b"', "a@example.com")),
        ("総務省", ("総務省", "")),
        ("", ("", "")),
    ],
)
def test_split_mailbox(value: str, expected: tuple[str, str]) -> None:
    assert split_mailbox(value) == expected
