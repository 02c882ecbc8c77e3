"""Checks on links: non-government domains, go.jp inside another domain, look-alikes,
shorteners, raw IP hosts, and HTML links whose text shows another address than they open."""

from __future__ import annotations

import re

from mamori.checks import CheckContext, CheckHit, register

# Cheap gate: no dot-like character and no "http"/"www", no URL.
_URLISH = re.compile(r"[a-zA-Z0-9ａ-ｚＡ-Ｚ０-９][.．]|hxxp|http|www|\[dot\]|\(dot\)", re.IGNORECASE)


def _verdicts(text: str) -> tuple[tuple[int, int, str, bool, tuple[tuple[str, str], ...]], ...]:
    """URLs of ``text`` with their classification: (start, end, host, official, reasons)."""
    from mamori.entities import classify, find_urls
    from mamori.errors import EmptyInputError

    out = []
    for m in find_urls(text):
        try:
            v = classify(m.host)
        except EmptyInputError:
            continue
        reasons = tuple((r.code, r.explanation) for r in v.reasons)
        if not _has_path(m.url):
            # A shortener's own name ("bit.ly とは") is not a shortened link: those carry a path.
            reasons = tuple(r for r in reasons if r[0] != "shortener")
        out.append((m.start, m.end, m.host, v.official, reasons))
    return tuple(out)


def _has_path(url: str) -> bool:
    rest = url.split("://", 1)[-1]
    slash = rest.find("/")
    return slash >= 0 and len(rest) > slash + 1


def _urls(ctx: CheckContext) -> tuple[tuple[int, int, str, bool, tuple[tuple[str, str], ...]], ...]:
    if "urls" not in ctx.memo:
        text = ctx.message.text
        ctx.memo["urls"] = _verdicts(text) if _URLISH.search(text) else ()
    return ctx.memo["urls"]  # type: ignore[no-any-return]


@register("url.non_official.v1")
def non_official_url(ctx: CheckContext) -> list[CheckHit]:
    """A link to a domain that is not a government one (go.jp, lg.jp or the official list)."""
    return [
        CheckHit(s, e, f"{host}: 政府・自治体のドメイン(go.jp / lg.jp)ではありません")
        for s, e, host, official, _ in _urls(ctx)
        if not official
    ]


def _by_code(code: str):  # type: ignore[no-untyped-def]
    def check(ctx: CheckContext) -> list[CheckHit]:
        hits = []
        for s, e, host, _official, reasons in _urls(ctx):
            for c, why in reasons:
                if c == code:
                    hits.append(CheckHit(s, e, f"{host}: {why}"))
        return hits

    check.__doc__ = f"A link whose domain has the reason code {code!r}."
    return check


register("url.gov_suffix_embedded.v1")(_by_code("gov_suffix_embedded"))
register("url.lookalike.v1")(_by_code("lookalike"))
register("url.shortener.v1")(_by_code("shortener"))
register("url.raw_ip.v1")(_by_code("raw_ip"))
register("url.free_hosting.v1")(_by_code("free_hosting"))


def _host_of(text: str) -> str | None:
    from mamori.entities import find_urls

    found = find_urls(text)
    return found[0].host.lower() if found else None


@register("html.link_text_mismatch.v1")
def link_text_mismatch(ctx: CheckContext) -> list[CheckHit]:
    """An HTML link whose visible text is an address other than the one it opens."""
    hits = []
    text = ctx.message.text
    for label, href in ctx.message.links:
        shown = _host_of(label)
        real = _host_of(href)
        if not shown or not real:
            continue
        if shown == real or real.endswith("." + shown) or shown.endswith("." + real):
            continue
        pos = text.find(label)
        start, end = (pos, pos + len(label)) if pos >= 0 else (0, 0)
        hits.append(CheckHit(start, end, f"表示は {shown} ですが、実際の行き先は {real} です"))
    return hits
