"""Checks on money in the message: a payment method (e-money, gift card, crypto, transfer, cash
hand-over) asked for, with the amount and brand as the explanation."""

from __future__ import annotations

import re

from mamori.checks import CheckContext, CheckHit, register

_KIND_JA = {
    "emoney": "電子マネー・ギフトカード",
    "crypto": "暗号資産",
    "transfer": "振込・送金",
    "cash_handover": "現金の手渡し",
}
# A request made of the reader, right after the payment method ("電子マネーを購入して",
# "ビットコインで送金してください") or a purchase right before it ("買ったギフトカードの番号").
_REQUEST_AFTER = re.compile(
    r"[^。\n]{0,20}?(?:買って|買い求め|購入して|購入し、|購入を|送って|送金して|送金を|払って|支払って|お支払いください|"
    r"振り込んで|振込んで|振り込みを|用意して|準備して|預けて|渡して|教えて|お知らせ|読み上げ|撮って|入金して|チャージして)"
)
_REQUEST_BEFORE = re.compile(r"(?:購入した|買った|買ってきた|購入いただいた)[^。\n]{0,6}$")
_BEFORE = 12
# Cheap gate: without any of these stems there is no payment request to find.
_ANY_REQUEST = re.compile(r"買|購入|送|払|振|用意|準備|預け|渡|教え|知らせ|読み上げ|撮|入金|チャージ")


@register("money.payment_request.v1")
def payment_request(ctx: CheckContext) -> list[CheckHit]:
    """A payment method mentioned next to a request to pay, buy or send."""
    text = ctx.message.text
    if not _ANY_REQUEST.search(text):
        return []
    from mamori.entities import find_money

    found = find_money(text)
    if not found:
        return []
    amounts = [m for m in found if m.kind == "amount" and m.yen_value]
    hits = []
    for m in found:
        if m.kind not in _KIND_JA:
            continue
        before = text[max(0, m.start - _BEFORE): m.start]
        if not (_REQUEST_AFTER.match(text, m.end) or _REQUEST_BEFORE.search(before)):
            continue
        what = _KIND_JA[m.kind] + (f"({m.brand})" if m.brand else "")
        near = [a for a in amounts if abs(a.start - m.start) <= 60]
        if near:
            what += f"、金額 {near[0].yen_value:,}円"
        hits.append(CheckHit(m.start, m.end, f"支払い方法の指定: {what}"))
    return hits
