"""The public warning page: the seed's structure, only public cases, everything from cases escaped."""

from __future__ import annotations

from datetime import date

from mamori.cases import SECTION_TITLES, CaseFilters, NewCase
from mamori.cases.publish import TITLE, key_lines, render_page

HOSTILE = ('男が「<script>alert("x")</script>」と言い、'
           '「<img src=x onerror=alert(1)>お金を払え」と迫った。&amp; </p><a href="javascript:alert(2)">')


def _page(store) -> str:
    return render_page(store.export(CaseFilters(public=True)), generated_on=date(2025, 4, 1))


def test_page_has_the_seed_structure_and_escapes_cases(store):
    store.load_seed()
    hostile = store.add(NewCase(text=HOSTILE, section="near_miss", channel="visit", public=True,
                                received_on="2025-03-02", prefecture="福岡県"))
    private = store.add(NewCase(text="非公開の相談: 市役所を名乗る電話で手数料を求められた", section="suspicious_call",
                                channel="phone"))
    legit = store.add(NewCase(text="市役所からのマイナンバーカード交付通知書が届いた(本物でした)", section="info_requested",
                              channel="letter", public=True, label="legit"))
    html = _page(store)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="ja">' in html and TITLE in html
    assert "<script" not in html
    assert "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&amp;amp;" in html and "&lt;/p&gt;" in html
    positions = [html.index(f"【 {SECTION_TITLES[s]} 】") for s in SECTION_TITLES]
    assert positions == sorted(positions)  # the five sections, in the seed's order
    caution = html.index('id="caution-points"')
    assert caution > positions[-1]
    tail = html[caution:]
    assert "#9110" in tail and "188" in tail
    assert "お金やキャッシュカードを要求することは一切ありません" in tail and "ATMの操作" in tail
    assert f'id="case-{hostile.id}"' in html and "2025年3月" in html and "福岡県" in html
    assert f'id="case-{private.id}"' not in html and "非公開の相談" not in html
    assert f'id="case-{legit.id}"' not in html
    assert html.count('<li id="case-') == 28
    assert "「市役所から来た」" in html  # the seed's key lines
    near_miss = html[positions[1]:positions[2]]
    assert near_miss.index(f"case-{hostile.id}") < near_miss.index("case-8")  # dated first, newest first


def test_empty_registry_still_has_five_sections_and_the_caution_points(store):
    html = _page(store)
    assert html.count("公開されている事例はまだありません") == 5
    assert "#9110" in html and "188" in html


def test_key_lines_are_the_quotes():
    assert key_lines("「A」と「B」") == []  # too short to be said words
    assert key_lines("電話で「手数料が必要です」「今日中に払って」と言われ「手数料が必要です」") == [
        "手数料が必要です", "今日中に払って"]
