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
# A request near the payment method: buy, send, pay, prepare, tell the number.
_REQUEST = re.compile(
    r"(?:買って|買い|購入|送って|送金して|支払|払って|払い込|振り込んで|振込んで|用意して|準備して|お預け|渡して|"
    r"教えて|お知らせ|読み上げ|撮って|入金して|お願いします|ください)"
)
_WINDOW = 40


@register("money.payment_request.v1")
def payment_request(ctx: CheckContext) -> list[CheckHit]:
    """A payment method mentioned next to a request to pay, buy or send."""
    from mamori.entities import find_money

    text = ctx.message.text
    found = find_money(text)
    if not found:
        return []
    amounts = [m for m in found if m.kind == "amount" and m.yen_value]
    hits = []
    for m in found:
        if m.kind not in _KIND_JA:
            continue
        window = text[max(0, m.start - _WINDOW): m.end + _WINDOW]
        if not _REQUEST.search(window):
            continue
        what = _KIND_JA[m.kind] + (f"({m.brand})" if m.brand else "")
        near = [a for a in amounts if abs(a.start - m.start) <= _WINDOW * 2]
        if near:
            what += f"、金額 {near[0].yen_value:,}円"
        hits.append(CheckHit(m.start, m.end, f"支払い方法の指定: {what}"))
    return hits
