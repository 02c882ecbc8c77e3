"""Checks on personal numbers in the message."""

from __future__ import annotations

from mamori.checks import CheckContext, CheckHit, register


def mynumber_ranges_of(ctx: CheckContext) -> list[tuple[int, int]]:
    """The My Numbers of the message, found once per analysis (the check and the masking of
    evidence both need them)."""
    if "mynumber_ranges" not in ctx.memo:
        from mamori.pii import mynumber_ranges

        ctx.memo["mynumber_ranges"] = mynumber_ranges(ctx.message.text)
    return ctx.memo["mynumber_ranges"]  # type: ignore[no-any-return]


@register("mynumber.valid.v1")
def mynumber_present(ctx: CheckContext) -> list[CheckHit]:
    """A valid My Number (check digit verified with python-stdnum) written in the message."""
    return [CheckHit(s, e, "有効なマイナンバー(個人番号)が書かれています") for s, e in mynumber_ranges_of(ctx)]
