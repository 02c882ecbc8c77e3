"""Properties every finder keeps on any input: offsets into the given text, order, no crash."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.entities import classify, find_money, find_phones, find_urls

# Characters that matter to the finders, and Japanese text around them.
_ALPHABET = (
    "abcdemnoptwxyzAHTW0123456789.:/-_@#+()[]{}?=&% \u3000\n"
    "．／：－（）＃＋０１２３９ａｂｅｈｔｐ"
    "あいうえおマイナンバーカード市役所円万千数五十¥￥,，ｱﾏｿﾞﾝｷﾞﾌﾄ振込送金現封筒ビットコイン"
)
texts = st.text(alphabet=_ALPHABET, max_size=300)
japanese = st.text(alphabet="あいうえおかきくけこマイナンバー市役所手続。、「」", max_size=40)


def _check_spans(text: str, matches: list, *, prefix_ok: bool = False) -> None:  # type: ignore[type-arg]
    starts = [m.start for m in matches]
    assert starts == sorted(starts)
    for m in matches:
        assert 0 <= m.start < m.end <= len(text)
        if prefix_ok and getattr(m, "truncated", False):
            assert text[m.start : m.end].startswith(m.raw)
        else:
            assert text[m.start : m.end] == m.raw


@settings(max_examples=300, deadline=None)
@given(texts)
def test_urls_spans(text: str) -> None:
    found = find_urls(text)
    _check_spans(text, found, prefix_ok=True)
    for before, after in zip(found, found[1:], strict=False):
        assert before.end <= after.start
    for m in found:
        assert m.url.startswith(("http://", "https://"))
        assert m.host == m.host.lower() and m.host.isascii()
        classify(m.host)  # never raises for a found host


@settings(max_examples=300, deadline=None)
@given(texts)
def test_phones_spans(text: str) -> None:
    found = find_phones(text)
    _check_spans(text, found)
    for p in found:
        assert p.kind in {"landline", "mobile", "ip", "freedial", "navidial", "international", "short"}
        assert p.digits.lstrip("+#").isdigit() and p.digits.isascii()
        assert p.official == bool(p.name)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_money_spans(text: str) -> None:
    found = find_money(text)
    _check_spans(text, found)
    for m in found:
        assert m.kind in {"amount", "emoney", "transfer", "cash_handover", "crypto"}
        assert m.yen_value is None or (m.kind == "amount" and m.yen_value > 0)
        assert (m.brand is not None) == (m.kind == "emoney")


@settings(max_examples=200, deadline=None)
@given(
    japanese,
    japanese,
    st.sampled_from(["https://myna-point.xyz/login", "hxxp://example[.]jp/a", "www.example.co.jp"]),
)
def test_url_found_where_it_stands(before: str, after: str, url: str) -> None:
    text = f"{before} {url} {after}"
    (m,) = find_urls(text)
    assert (m.start, m.raw) == (len(before) + 1, url)


@settings(max_examples=200, deadline=None)
@given(
    japanese,
    japanese,
    st.sampled_from(["03-1234-5678", "０９０－１２３４－５６７８", "+81 90 1234 5678", "#9110"]),
)
def test_phone_found_where_it_stands(before: str, after: str, number: str) -> None:
    text = f"{before} {number} {after}"
    (p,) = find_phones(text)
    assert (p.start, p.raw) == (len(before) + 1, number)


@settings(max_examples=200, deadline=None)
@given(japanese, japanese, st.integers(min_value=1, max_value=10**9))
def test_amount_value_round_trips(before: str, after: str, yen: int) -> None:
    for written in (f"{yen}円", f"{yen:,}円", f"¥{yen:,}"):
        text = f"{before}{written}、{after}"
        amounts = [m for m in find_money(text) if m.kind == "amount"]
        assert [(m.raw, m.yen_value) for m in amounts] == [(written, yen)]
