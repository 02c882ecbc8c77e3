"""Checks on personal numbers in the message."""

from __future__ import annotations

from mamori.checks import CheckContext, CheckHit, register


@register("mynumber.valid.v1")
def mynumber_present(ctx: CheckContext) -> list[CheckHit]:
    """A valid My Number (check digit verified with python-stdnum) written in the message."""
    from mamori import pii

    return [
        CheckHit(m.start, m.end, "有効なマイナンバー(個人番号)が書かれています")
        for m in pii.find(ctx.message.text)
        if m.kind == "mynumber"
    ]
