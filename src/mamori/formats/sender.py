"""Checks of a mail's sender headers: who the From line claims to be, and where replies go.

Government mail comes from ``go.jp``, local governments' from ``lg.jp`` (DESIGN.md). A From
display name that claims an authority (総務省, デジタル庁, 市役所, 警察, J-LIS ...) over an address
outside those domains is a classic phishing sign, and so is a Reply-To that sends answers to
another domain. These checks only compare header strings; the full domain classification lives
elsewhere.

>>> [f.code for f in sender_findings({"from": "総務省 マイナポイント事務局 <info@soumu-go.jp.example.com>"})]
['authority_display_name']
>>> sender_findings({"from": "デジタル庁 <noreply@digital.go.jp>"})
[]
"""

from __future__ import annotations

import email.utils
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "SenderFinding",
    "is_public_sector_domain",
    "mail_domain",
    "sender_findings",
    "split_addresses",
    "split_mailbox",
]

# Names in a From display name that claim public authority, after NFKC and case folding.
_AUTHORITY_TERMS = (
    "総務省",
    "デジタル庁",
    "内閣府",
    "厚生労働省",
    "厚労省",
    "国税庁",
    "税務署",
    "法務省",
    "財務省",
    "消費者庁",
    "警察",
    "県警",
    "警視庁",
    "マイナポイント",
    "マイナポータル",
    "マイナンバー総合",
    "マイナンバーカード総合",
    "地方公共団体情報システム機構",
    "j-lis",
    "jlis",
    "役所",
    "役場",
    "市区町村",
    "県庁",
    "都庁",
    "府庁",
    "道庁",
    "自治体",
    "政府",
    "日本郵便",
    "郵便局",
    "年金機構",
    "国民生活センター",
    "japan post",
    "digital agency",
    "national police",
    "national tax agency",
)
# Authorities whose genuine mail is not sent from a go.jp / lg.jp domain.
_OTHER_OFFICIAL = {
    "日本郵便": ("japanpost.jp",),
    "郵便局": ("japanpost.jp",),
    "japan post": ("japanpost.jp",),
}
_PREFECTURES = frozenset(
    [
        "hokkaido",
        "aomori",
        "iwate",
        "miyagi",
        "akita",
        "yamagata",
        "fukushima",
        "ibaraki",
        "tochigi",
        "gunma",
        "saitama",
        "chiba",
        "tokyo",
        "kanagawa",
        "niigata",
        "toyama",
        "ishikawa",
        "fukui",
        "yamanashi",
        "nagano",
        "gifu",
        "shizuoka",
        "aichi",
        "mie",
        "shiga",
        "kyoto",
        "osaka",
        "hyogo",
        "nara",
        "wakayama",
        "tottori",
        "shimane",
        "okayama",
        "hiroshima",
        "yamaguchi",
        "tokushima",
        "kagawa",
        "ehime",
        "kochi",
        "fukuoka",
        "saga",
        "nagasaki",
        "kumamoto",
        "oita",
        "miyazaki",
        "kagoshima",
        "okinawa",
    ]
)
_DESIGNATED_CITIES = frozenset(
    [
        "sapporo",
        "sendai",
        "saitama",
        "chiba",
        "kawasaki",
        "yokohama",
        "sagamihara",
        "niigata",
        "shizuoka",
        "hamamatsu",
        "nagoya",
        "kyoto",
        "osaka",
        "sakai",
        "kobe",
        "okayama",
        "hiroshima",
        "kitakyushu",
        "fukuoka",
        "kumamoto",
    ]
)
_SECOND_LEVEL = frozenset(
    {"co", "ne", "or", "ac", "go", "lg", "ed", "gr", "ad", "com", "net", "org", "gov", "edu"}
)


@dataclass(frozen=True, slots=True)
class SenderFinding:
    """One observation about the sender headers.

    ``code`` is one of ``authority_display_name``, ``display_name_address_mismatch``,
    ``reply_to_mismatch``, ``return_path_mismatch``; ``header`` names the header it is about
    (lower case); ``detail_ja`` explains it to the user.
    """

    code: str
    header: str
    detail_ja: str


def split_mailbox(value: str) -> tuple[str, str]:
    """Split one mailbox into (display name, address), keeping a display name that looks like
    an address (``info@soumu.go.jp <x@evil.example>``) as the display name.

    >>> split_mailbox('"総務省" <info@example.com>')
    ('総務省', 'info@example.com')
    >>> split_mailbox("info@soumu.go.jp <x@evil.example>")
    ('info@soumu.go.jp', 'x@evil.example')
    >>> split_mailbox("x@example.com (Taro)")
    ('Taro', 'x@example.com')
    """
    value = value.strip()
    lt, gt = value.rfind("<"), value.rfind(">")
    if 0 <= lt < gt and not value[gt + 1 :].strip(" ,;") and "<" not in value[:lt]:
        return _unquote(value[:lt].strip()), value[lt + 1 : gt].strip()
    if "<" in value or "," in value:
        pairs = [pair for pair in email.utils.getaddresses([value]) if pair != ("", "")]
        if pairs:
            return pairs[0]
    if "(" in value and value.endswith(")"):
        address, _, comment = value[:-1].partition("(")
        if "@" in address:
            return comment.strip(), address.strip()
    if "@" in value and " " not in value:
        return "", value
    return _unquote(value), ""


def _unquote(name: str) -> str:
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return name.strip()


def mail_domain(address: str) -> str:
    """Return the lower-case domain of an address, or "" when there is none.

    >>> mail_domain("Info@Soumu.GO.JP."), mail_domain("no-domain")
    ('soumu.go.jp', '')
    """
    local, at, domain = address.strip().strip("<>").rpartition("@")
    if not at or not local:
        return ""
    return domain.strip().rstrip(".").lower()


def is_public_sector_domain(domain: str) -> bool:
    """True for go.jp, lg.jp and the reserved local-government names of geographic .jp domains
    (``pref.kanagawa.jp``, ``metro.tokyo.jp``, ``city.yokosuka.kanagawa.jp``, ``city.sapporo.jp``).

    >>> is_public_sector_domain("www.soumu.go.jp"), is_public_sector_domain("soumu-go.jp")
    (True, False)
    >>> is_public_sector_domain("police.pref.kanagawa.jp"), is_public_sector_domain("city.example.jp")
    (True, False)
    """
    labels = domain.lower().rstrip(".").split(".")
    if len(labels) < 3 or labels[-1] != "jp":
        return False
    if labels[-2] in ("go", "lg"):
        return True
    if labels[-3:] == ["metro", "tokyo", "jp"]:
        return True
    if labels[-3] == "pref" and labels[-2] in _PREFECTURES:
        return True
    if labels[-3] == "city" and labels[-2] in _DESIGNATED_CITIES:
        return True
    return len(labels) >= 4 and labels[-4] in ("city", "town", "vill") and labels[-2] in _PREFECTURES


def _organisation(domain: str) -> str:
    labels = domain.split(".")
    size = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-size:])


def _claimed_authority(display: str) -> str | None:
    folded = unicodedata.normalize("NFKC", display).casefold()
    return next((term for term in _AUTHORITY_TERMS if term in folded), None)


def split_addresses(value: str) -> list[tuple[str, str]]:
    """Split an address-list header (To, Reply-To) into (display name, address) pairs; a single
    mailbox goes through :func:`split_mailbox`.

    >>> split_addresses('a@example.com, "B, C" <b@example.com>')
    [('', 'a@example.com'), ('B, C', 'b@example.com')]
    """
    if "," not in value and value.count("<") <= 1:
        return [split_mailbox(value)] if value.strip() else []
    return [pair for pair in email.utils.getaddresses([value]) if pair != ("", "")]


def sender_findings(headers: Mapping[str, str]) -> list[SenderFinding]:
    """Check decoded sender headers (keys ``from``, ``reply-to``, ``return-path``; any case).

    Args:
        headers: decoded header values, such as :attr:`mamori.message.Message.headers`.

    Returns:
        The findings in a stable order; an empty list when nothing is wrong or From is missing.

    >>> [f.code for f in sender_findings({"From": "Taro <t@example.co.jp>", "Reply-To": "x@evil.example"})]
    ['reply_to_mismatch']
    """
    lowered = {key.lower(): value for key, value in headers.items() if isinstance(value, str)}
    if not lowered.get("from", "").strip():
        return []
    display, address = split_mailbox(lowered["from"])
    domain = mail_domain(address)
    findings: list[SenderFinding] = []
    term = _claimed_authority(display)
    if term is not None and not is_public_sector_domain(domain):
        allowed = _OTHER_OFFICIAL.get(term, ())
        if not any(domain == d or domain.endswith("." + d) for d in allowed):
            where = f"送信元アドレスのドメイン「{domain}」は" if domain else "送信元アドレスがなく、"
            findings.append(
                SenderFinding(
                    "authority_display_name",
                    "from",
                    f"差出人の表示名が「{term}」を名乗っていますが、{where}"
                    "政府（go.jp）や自治体（lg.jp）のものではありません。",
                )
            )
    shown = mail_domain(display.strip("\"' "))
    if shown and domain and _organisation(shown) != _organisation(domain):
        findings.append(
            SenderFinding(
                "display_name_address_mismatch",
                "from",
                f"差出人の表示名にアドレス（{shown}）が書かれていますが、実際の送信元は「{domain}」です。",
            )
        )
    if not domain:
        return findings
    for header, code, what in (
        ("reply-to", "reply_to_mismatch", "返信先（Reply-To）"),
        ("return-path", "return_path_mismatch", "エンベロープの差出人（Return-Path）"),
    ):
        for _, other in split_addresses(lowered.get(header, "")):
            other_domain = mail_domain(other)
            if other_domain and _organisation(other_domain) != _organisation(domain):
                findings.append(
                    SenderFinding(
                        code,
                        header,
                        f"{what}のドメイン「{other_domain}」が差出人のドメイン「{domain}」と異なります。",
                    )
                )
                break
    return findings
