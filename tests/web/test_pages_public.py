"""The public page: a form, a result in plain words, escaped text, errors on the page, and nothing
stored unless the user chooses to report."""

from __future__ import annotations

import re

import pytest

from .conftest import QUIET, SCAM, make_eml, make_mynumber


def test_form_works_without_javascript(client):
    resp = client.get("/")
    assert resp.status_code == 200
    html = resp.text
    assert '<html lang="ja">' in html
    assert 'action="/check"' in html and 'name="text"' in html and 'name="channel"' in html
    assert 'type="file" name="eml"' in html
    assert "<script" not in html
    assert "set-cookie" not in resp.headers


def test_result_shows_verdict_evidence_caution_point_and_calls(client):
    resp = client.post("/check", data={"text": SCAM, "channel": "phone"})
    assert resp.status_code == 200
    html = resp.text
    assert "危険" in html and "verdict-danger" in html
    assert "<mark data-signals=" in html
    assert 'id="reason-1"' in html
    assert "注意ポイント" in html
    assert 'href="tel:%239110"' in html and 'href="tel:188"' in html
    assert "set-cookie" not in resp.headers


def test_result_no_signal_never_says_safe(client):
    html = client.post("/check", data={"text": QUIET, "channel": "email"}).text
    assert "verdict-no_signal" in html
    assert "安全だという意味ではありません" in html
    assert "安全です" not in html


def test_message_html_is_escaped(client):
    text = SCAM + '<script>alert("x")</script><img src=x onerror=alert(1)><b>太字</b>'
    html = client.post("/check", data={"text": text, "channel": "email"}).text
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>太字</b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html or "&lt;script&gt;alert(&quot;x&quot;)" in html
    assert "&lt;b&gt;太字&lt;/b&gt;" in html


def test_my_number_is_never_shown(client):
    number = make_mynumber()
    text = f"市役所の者です。あなたのマイナンバー {number} が漏れています。手数料を払ってください。"
    html = client.post("/check", data={"text": text, "channel": "phone"}).text
    assert number not in html
    assert "[個人番号]" in html


def test_eml_upload_on_the_page(client):
    resp = client.post("/check", data={"text": "", "channel": "unknown"},
                       files={"eml": ("mail.eml", make_eml(), "message/rfc822")})
    assert resp.status_code == 200
    assert "調べたメール" in resp.text and "件名" in resp.text


@pytest.mark.parametrize(
    ("data", "files", "status", "words"),
    [
        ({"text": "", "channel": "phone"}, None, 400, "文章が入っていません"),
        ({"text": " \n ", "channel": "phone"}, None, 400, "文章が入っていません"),
        ({"text": "あ" * 100_001, "channel": "phone"}, None, 413, "長すぎます"),
        ({"text": "テスト", "channel": "fax"}, None, 400, "どこから届いたか"),
        ({"text": "", "channel": "email"}, {"eml": ("x.eml", b"not a mail")}, 422, "メールとして読み取れません"),
    ],
)
def test_bad_input_is_explained_on_the_page(client, data, files, status, words):
    resp = client.post("/check", data=data, files=files)
    assert resp.status_code == status
    assert resp.headers["content-type"].startswith("text/html")
    assert words in resp.text
    assert 'role="alert"' in resp.text
    assert "Traceback" not in resp.text
    assert 'action="/check"' in resp.text


def test_wrong_content_type_and_huge_body_on_the_page(client):
    resp = client.post("/check", content=b'{"text": "x"}', headers={"content-type": "application/json"})
    assert resp.status_code == 415 and "フォームから送って" in resp.text
    resp = client.post("/check", content=b"text=" + b"a" * (1024 * 1024 + 1),
                       headers={"content-type": "application/x-www-form-urlencoded"})
    assert resp.status_code == 413 and "大きすぎます" in resp.text
    assert resp.headers["content-type"].startswith("text/html")


def test_unknown_page_is_a_japanese_404(client):
    resp = client.get("/no-such-page")
    assert resp.status_code == 404
    assert "見つかりませんでした" in resp.text and resp.headers["content-type"].startswith("text/html")


def test_nothing_is_stored_by_checking(client, store):
    before = store.stats()
    client.post("/check", data={"text": SCAM, "channel": "phone"})
    client.post("/check", files={"eml": ("mail.eml", make_eml())}, data={"text": ""})
    assert store.stats() == before


def test_report_this_creates_a_private_case(client, store):
    page = client.post("/check", data={"text": SCAM, "channel": "phone"}).text
    form = re.search(r'<form method="post" action="/report">(.*?)</form>', page, re.S).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    assert fields["channel"] == "phone"
    resp = client.post("/report", data={**fields, "note": "昨日の夕方に電話がありました"})
    assert resp.status_code == 200
    assert "相談窓口に知らせました" in resp.text
    ref = re.search(r'class="case-ref">([^<]+)<', resp.text).group(1)
    case = store.get(int(ref.lstrip("#")))
    assert case.text == SCAM
    assert not case.public
    assert case.channel == "phone"
    assert case.status == "open"
    assert "昨日の夕方に電話がありました" in case.notes
    assert store.count() == 1


def test_report_sections_follow_the_answer(client, store):
    client.post("/report", data={"text": SCAM, "channel": "phone", "harm": "damage"})
    client.post("/report", data={"text": SCAM + "!", "channel": "sms"})
    sections = sorted(c.section for c in store.list())
    assert sections == ["damage", "suspicious_mail"]


def test_report_refuses_empty_text_and_stores_nothing(client, store):
    resp = client.post("/report", data={"text": " ", "channel": "phone"})
    assert resp.status_code == 400 and "文章が入っていません" in resp.text
    assert store.count() == 0


def test_report_masks_my_numbers(client, store):
    number = make_mynumber()
    client.post("/report", data={"text": f"市役所の者です。番号 {number} を教えてください。", "channel": "phone"})
    (case,) = store.list()
    assert number not in case.text and "[個人番号]" in case.text


def test_reporting_twice_is_one_case(client, store):
    first = client.post("/report", data={"text": SCAM, "channel": "phone"})
    second = client.post("/report", data={"text": SCAM, "channel": "phone"})
    assert first.status_code == second.status_code == 200
    assert store.count() == 1


def test_similar_public_cases_are_shown_private_ones_never(client, store):
    from mamori.cases import NewCase

    store.load_seed()
    secret = "市役所の職員を名のる男が訪問し、マイナンバーカードの登録手数料を払えと言った。秘密の事例メモ"
    store.add(NewCase(text=secret, section="damage", channel="visit", public=False))
    html = client.post("/check", data={"text": "市役所から来ました。マイナンバーカードにお金がかかります。",
                                       "channel": "visit"}).text
    assert 'id="similar"' in html
    assert "秘密の事例メモ" not in html
