"""The pages in a real browser: Debian's Chromium driven by Playwright, against ``mamori serve``.

One browser per session; each test gets a fresh context (its own cookies). Screenshots of the
main pages go to test-artifacts/screenshots/. Without Chromium the tests skip, except in CI
(CI=true), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ADMIN, COUNSELOR, PASSWORD, ROOT

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SHOTS = ROOT / "test-artifacts" / "screenshots"


def _need(what: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is missing; CI must run the browser tests")
    pytest.skip(f"{what} is not available")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        _need(CHROMIUM)
    try:
        from playwright.sync_api import sync_playwright
    except ModuleNotFoundError:
        _need("the playwright package")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()


def shot(page, name: str, *, full_page: bool = True) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def log_in(page, username: str) -> None:
    page.goto("/counselor/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/counselor/cases"))


def test_analyse_a_seed_case_and_see_the_evidence(page, seed_cases):
    seed = next(c for c in seed_cases if c["id"] == "seed-001")
    page.goto("/")
    shot(page, "01-index")
    page.fill("#text", seed["text"])
    page.check("input[name=channel][value=visit]")
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/check$"))
    verdict = page.locator("#verdict .verdict-word").inner_text()
    assert verdict in {"危険", "注意"}
    marks = page.locator("#message-text mark")
    assert marks.count() > 0
    assert page.locator("#reason-1").is_visible()
    first = marks.first.get_attribute("data-signals")
    assert first and re.fullmatch(r"\d+( \d+)*", first)
    assert page.locator('a[href="tel:%239110"]').first.is_visible()
    assert page.locator('a[href="tel:188"]').first.is_visible()
    shot(page, "02-result-danger")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "03-result-phone-width", full_page=False)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".evidence").screenshot(path=str(SHOTS / "03b-result-phone-width-evidence.png"))


def test_message_html_is_shown_as_text_and_never_run(page):
    hostile = ('市役所の者です。マイナンバーの手続きに手数料が必要です。<script>alert("xss")</script>'
               '<img src=x onerror="alert(1)"><b>太字</b><a href="javascript:alert(2)">リンク</a>')
    page.goto("/")
    page.fill("#text", hostile)
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/check$"))
    text = page.locator("#message-text")
    shown = text.inner_text()
    assert '<script>alert("xss")</script>' in shown and "<b>太字</b>" in shown
    for tag in ("script", "img", "b", "a"):
        assert text.locator(tag).count() == 0, tag
    assert page.dialogs == []
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    shot(page, "04-result-escaped-html")


def test_empty_text_is_explained_on_the_page(page):
    page.goto("/")
    page.click("button.primary")
    assert page.locator("#error").is_visible()
    assert "文章が入っていません" in page.locator("#error").inner_text()
    shot(page, "05-index-error")


def test_log_in_add_a_case_and_find_it(page):
    page.goto("/counselor/cases")
    assert "/counselor/login" in page.url
    shot(page, "06-login")
    log_in(page, COUNSELOR)
    page.click("text=事例を登録")
    words = "ブラウザ試験の合言葉ふくろう"
    page.fill("#text", f"警察の者です。{words}。あなたのキャッシュカードを回収に伺います。暗証番号を教えてください。")
    page.select_option("#channel", "phone")
    page.click("button.primary")
    assert page.locator("#message-text mark").count() > 0
    shot(page, "07-case-new-analysed")
    page.select_option("#section", "suspicious_call")
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/counselor/cases/\d+\?saved=1"))
    assert "保存しました" in page.inner_text("body")
    case_id = re.search(r"/cases/(\d+)", page.url).group(1)
    shot(page, "08-case-detail")
    page.goto("/counselor/cases")
    page.fill("#q", "ふくろう")
    page.click("form.filters button")
    rows = page.locator("table.case-table tbody tr")
    assert rows.count() == 1
    assert f"#{case_id}" in rows.first.inner_text()
    page.goto("/counselor/cases")
    shot(page, "09-case-list")
    page.goto("/counselor/stats")
    assert page.locator("svg.chart").count() >= 4
    shot(page, "10-stats")


def test_a_post_without_the_csrf_token_is_rejected(page):
    log_in(page, COUNSELOR)
    page.goto("/counselor/cases/1/edit")
    page.locator("#main input[name=csrf_token]").evaluate("e => e.remove()")
    page.click("button.primary")
    assert "有効期限" in page.inner_text("body")
    page.goto("/counselor/cases/1/edit")
    page.locator("#main input[name=csrf_token]").evaluate("e => { e.value = 'forged-' + e.value; }")
    page.click("button.primary")
    assert "有効期限" in page.inner_text("body")
    response = page.request.post("/counselor/cases/1/edit", form={"status": "closed"})
    assert response.status == 403


def test_admin_publishes_and_the_public_reads_the_warning_page(page, browser, live_server):
    log_in(page, ADMIN)
    page.goto("/counselor/publish")
    shot(page, "11-publish")
    page.click("button.primary")
    page.wait_for_url(re.compile(r"done=1"))
    page.goto("/warning")
    assert "注意ポイント" in page.inner_text("body")
    shot(page, "12-warning-page")


def test_api_docs_page(page):
    page.goto("/docs")
    assert "/api/v1/analyze" in page.inner_text("body")
    shot(page, "13-api-docs")
