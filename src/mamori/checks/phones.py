"""Checks on phone numbers: international numbers and IP phones used by someone claiming to be
an official (the official consultation numbers #9110, 188 and 0120-95-0178 are advice, never a
signal)."""

from __future__ import annotations

import re

from mamori.checks import CheckContext, CheckHit, register

_DIGITISH = re.compile(r"[0-9０-９+＋]")


def _phones(ctx: CheckContext):  # type: ignore[no-untyped-def]
    from mamori.entities import find_phones

    if "phones" not in ctx.memo:
        text = ctx.message.text
        ctx.memo["phones"] = find_phones(text) if _DIGITISH.search(text) else []
    return ctx.memo["phones"]


@register("phone.international.v1")
def international_number(ctx: CheckContext) -> list[CheckHit]:
    """An international number (+…, 010…) given as a contact."""
    return [
        CheckHit(p.start, p.end, f"{p.raw}: 海外の電話番号です。日本の役所や警察が海外の番号から連絡することはありません")
        for p in _phones(ctx)
        if p.kind == "international" and not p.domestic and not p.official
    ]


@register("phone.ip_phone.v1")
def ip_phone_number(ctx: CheckContext) -> list[CheckHit]:
    """An 050 IP-phone number given as a contact."""
    return [
        CheckHit(p.start, p.end, f"{p.raw}: 050で始まるIP電話の番号です。誰でも簡単に取得できます")
        for p in _phones(ctx)
        if p.kind == "ip" and not p.official
    ]
