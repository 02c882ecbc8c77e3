"""The counselor area: login, sessions, CSRF, roles, cases, statistics and publishing."""

from __future__ import annotations

import re

import pytest

from .conftest import PASSWORD, SCAM, csrf_of, log_in


def test_pages_redirect_to_login(client):
    for path in ("/counselor/cases", "/counselor/cases/new", "/counselor/cases/1", "/counselor/stats",
                 "/counselor/publish"):
        resp = client.get(path, follow_redirects=False)
        assert resp.status_code == 303
        assert resp.headers["location"].startswith("/counselor/login?next=")


def test_login_page_and_session_cookie_flags(client, store):
    store.add_user("sato", PASSWORD, "counselor")
    page = client.get("/counselor/login")
    assert page.status_code == 200 and 'name="csrf_token"' in page.text
    cookie = page.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    resp = client.post("/counselor/login", data={"username": "sato", "password": PASSWORD,
                                                 "csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"] == "/counselor/cases"
    assert "httponly" in resp.headers["set-cookie"].lower()
    assert client.get("/counselor/cases").status_code == 200


def test_wrong_password(client, store):
    store.add_user("sato", PASSWORD, "counselor")
    page = client.get("/counselor/login")
    resp = client.post("/counselor/login", data={"username": "sato", "password": "wrong-password",
                                                 "csrf_token": csrf_of(page.text)})
    assert resp.status_code == 401 and "パスワードが違います" in resp.text
    assert client.get("/counselor/cases", follow_redirects=False).status_code == 303


def test_login_is_throttled_after_repeated_failures(client, store):
    store.add_user("sato", PASSWORD, "counselor")
    token = csrf_of(client.get("/counselor/login").text)
    for _ in range(10):
        client.post("/counselor/login", data={"username": "sato", "password": "nope-nope", "csrf_token": token})
    resp = client.post("/counselor/login", data={"username": "sato", "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 429


def test_login_without_csrf_is_rejected(client, store):
    store.add_user("sato", PASSWORD, "counselor")
    client.get("/counselor/login")
    resp = client.post("/counselor/login", data={"username": "sato", "password": PASSWORD})
    assert resp.status_code == 403 and "有効期限" in resp.text


def test_next_is_kept_and_open_redirects_refused(client, store):
    store.add_user("sato", PASSWORD, "counselor")
    for target, expected in [("/counselor/stats", "/counselor/stats"), ("https://evil.example/", "/counselor/cases"),
                             ("//evil.example/", "/counselor/cases"), ("/counselor/../x", "/counselor/../x")]:
        client.cookies.clear()
        page = client.get("/counselor/login", params={"next": target})
        resp = client.post("/counselor/login", data={"username": "sato", "password": PASSWORD, "next": target,
                                                     "csrf_token": csrf_of(page.text)}, follow_redirects=False)
        assert resp.headers["location"] == expected


def test_posts_without_or_with_a_foreign_csrf_token_are_rejected(counselor, store):
    from mamori.cases import NewCase

    case = store.add(NewCase(text=SCAM, section="damage", channel="phone"))
    for data in ({"status": "closed"}, {"status": "closed", "csrf_token": "forged-token-" + "x" * 30}):
        resp = counselor.post(f"/counselor/cases/{case.id}/edit", data=data)
        assert resp.status_code == 403
    assert store.get(case.id).status == "open"
    resp = counselor.post("/counselor/cases", data={"text": SCAM, "section": "damage"})
    assert resp.status_code == 403
    token = csrf_of(counselor.get("/counselor/cases/new").text)
    resp = counselor.post(f"/counselor/cases/{case.id}/edit", data={"status": "closed", "csrf_token": token},
                          headers={"origin": "https://evil.example"})
    assert resp.status_code == 403
    assert store.get(case.id).status == "open"


def test_logout(counselor):
    token = csrf_of(counselor.get("/counselor/cases").text)
    resp = counselor.post("/counselor/logout", data={"csrf_token": token}, follow_redirects=False)
    assert resp.status_code == 303
    assert counselor.get("/counselor/cases", follow_redirects=False).status_code == 303


def test_new_case_from_an_analysed_message(counselor, store):
    page = counselor.get("/counselor/cases/new").text
    step2 = counselor.post("/counselor/cases/new", data={"text": SCAM, "channel": "phone",
                                                         "csrf_token": csrf_of(page)})
    assert step2.status_code == 200
    html = step2.text
    assert "<mark data-signals=" in html
    checked = re.findall(r'name="tactics" value="(\w+)" checked', html)
    assert "impersonation" in checked
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    form = {**fields, "tactics": checked, "section": "suspicious_call", "received_on": "2024-06-01",
            "prefecture": "東京都", "amount_lost": "", "status": "open", "label": "fraud", "notes": "電話で相談"}
    saved = counselor.post("/counselor/cases", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    case_id = int(saved.headers["location"].split("/")[-1].split("?")[0])
    case = store.get(case_id)
    assert case.text == SCAM and case.section == "suspicious_call" and case.prefecture == "東京都"
    assert case.counselor_tactics is None
    assert not case.public and case.label == "fraud"
    detail = counselor.get(saved.headers["location"]).text
    assert "保存しました" in detail and f"事例 #{case_id}" in detail


def test_edit_corrects_the_tactics(counselor, store):
    from mamori.cases import NewCase

    case = store.add(NewCase(text=SCAM, section="damage", channel="phone"))
    page = counselor.get(f"/counselor/cases/{case.id}/edit").text
    resp = counselor.post(f"/counselor/cases/{case.id}/edit", follow_redirects=False, data={
        "csrf_token": csrf_of(page), "tactics": ["impersonation", "atm_operation"], "status": "in_progress",
        "label": "fraud", "public": "on", "notes": "ATM へ誘導された"})
    assert resp.status_code == 303
    fixed = store.get(case.id)
    assert fixed.counselor_tactics == ("impersonation", "atm_operation")
    assert fixed.analyzer_tactics == case.analyzer_tactics
    assert fixed.status == "in_progress" and fixed.public and fixed.label == "fraud"
    page = counselor.get(f"/counselor/cases/{case.id}/edit").text
    counselor.post(f"/counselor/cases/{case.id}/edit", data={"csrf_token": csrf_of(page), "reset_tactics": "on",
                                                             "status": "closed"})
    assert store.get(case.id).counselor_tactics is None


def test_list_search_and_filters(counselor, store):
    store.load_seed()
    html = counselor.get("/counselor/cases").text
    assert "27 件" in html
    found = counselor.get("/counselor/cases", params={"q": "郵便局"}).text
    ids = re.findall(r'href="/counselor/cases/(\d+)">#', found)
    assert ids and all("郵便局" in store.get(int(i)).text for i in ids)
    visits = counselor.get("/counselor/cases", params={"channel": "visit", "q": ""}).text
    assert all(store.get(int(i)).channel == "visit" for i in re.findall(r'href="/counselor/cases/(\d+)">#', visits))
    bad = counselor.get("/counselor/cases", params={"tactic": "teleportation"})
    assert bad.status_code == 400 and "条件を読み取れませんでした" in bad.text
    page2 = counselor.get("/counselor/cases", params={"page": "2"}).text
    assert "2 ページ目" in page2


def test_case_detail_escapes_and_404(counselor, store):
    from mamori.cases import NewCase

    case = store.add(NewCase(text=SCAM + "<script>alert(1)</script>", section="damage", channel="phone",
                             notes="<b>メモ</b>"))
    html = counselor.get(f"/counselor/cases/{case.id}").text
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert "<b>メモ</b>" not in html and "&lt;b&gt;メモ&lt;/b&gt;" in html
    missing = counselor.get("/counselor/cases/9999")
    assert missing.status_code == 404 and "見つかりませんでした" in missing.text


def test_stats_page_has_svg_charts(counselor, store):
    store.load_seed()
    html = counselor.get("/counselor/stats").text
    assert "月ごとの手口" in html and html.count("<svg") >= 4
    assert "<script" not in html


def test_counselor_cannot_publish(counselor):
    assert counselor.get("/counselor/publish").status_code == 403
    resp = counselor.post("/counselor/publish", data={"csrf_token": "x"})
    assert resp.status_code == 403


def test_admin_publishes_the_warning_page(admin, store, client):
    store.load_seed()
    assert client.get("/warning").status_code == 404
    page = admin.get("/counselor/publish")
    assert page.status_code == 200 and "27 件" in page.text
    preview = admin.get("/counselor/publish/preview")
    assert preview.status_code == 200 and "注意ポイント" in preview.text
    assert admin.post("/counselor/publish", data={}).status_code == 403
    resp = admin.post("/counselor/publish", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert resp.status_code == 303
    client.cookies.clear()
    public = client.get("/warning")
    assert public.status_code == 200 and "郵便局" in public.text
    csp = public.headers["content-security-policy"]
    assert "'sha256-" in csp and "script" not in csp and "unsafe-inline" not in csp


@pytest.mark.parametrize("role", ["counselor", "admin"])
def test_nav_shows_the_role(client, store, role):
    store.add_user("user1", PASSWORD, role)
    log_in(client, "user1")
    html = client.get("/counselor/cases").text
    assert ("注意喚起ページ" in html) == (role == "admin")


def test_paging_links_keep_the_search_encoded(counselor, store):
    from mamori.cases import NewCase

    for i in range(30):
        store.add(NewCase(text=f"警察の者です。キャッシュカードを預かります&確認{i}", section="damage", channel="phone"))
    html = counselor.get("/counselor/cases", params={"q": "キャッシュカード 確認", "channel": "phone"}).text
    link = re.search(r'href="(/counselor/cases\?[^"]*page=2)"', html).group(1).replace("&amp;", "&")
    page2 = counselor.get(link)
    assert page2.status_code == 200 and "2 ページ目" in page2.text
    assert re.findall(r'href="/counselor/cases/(\d+)">#', page2.text)
