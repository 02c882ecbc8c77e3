"""Checks on mail headers: a From display name that claims an authority over a non-government
address, and replies sent to another domain. Evidence points at the header in the message text."""

from __future__ import annotations

from mamori.checks import CheckContext, CheckHit, register


def _findings(ctx: CheckContext, codes: set[str]) -> list[CheckHit]:
    headers = ctx.message.headers
    if not headers or "from" not in headers:
        return []
    from mamori.formats.sender import sender_findings

    hits = []
    for f in sender_findings(headers):
        if f.code not in codes:
            continue
        seg = next((s for s in ctx.message.segments if s.label == f.header), None)
        start, end = (seg.start, seg.end) if seg else (0, 0)
        hits.append(CheckHit(start, end, f.detail_ja))
    return hits


@register("mail.authority_display_name.v1")
def authority_display_name(ctx: CheckContext) -> list[CheckHit]:
    """The From display name claims an authority, the address is not go.jp / lg.jp."""
    return _findings(ctx, {"authority_display_name", "display_name_address_mismatch"})


@register("mail.reply_to_mismatch.v1")
def reply_to_mismatch(ctx: CheckContext) -> list[CheckHit]:
    """Reply-To (or Return-Path) sends answers to another domain than From."""
    return _findings(ctx, {"reply_to_mismatch", "return_path_mismatch"})
