"""POST /api/v1/analyze: JSON and .eml, and one error shape for every kind of bad input."""

from __future__ import annotations

import json

import pytest

from mamori import analyze

from .conftest import QUIET, SCAM, assert_error_shape, make_eml, make_mynumber


def test_analyze_json_returns_report_to_dict(client):
    resp = client.post("/api/v1/analyze", json={"text": SCAM, "channel": "phone"})
    assert resp.status_code == 200
    data = resp.json()
    expected = analyze(SCAM, "phone").to_dict()
    assert data["verdict"] == "danger" == expected["verdict"]
    assert data["channel"] == "phone"
    assert set(data) == set(expected)
    assert [s["rule_id"] for s in data["signals"]] == [s["rule_id"] for s in expected["signals"]]
    assert any("9110" in line for line in data["advice"])


def test_analyze_json_defaults_channel_and_accepts_aliases(client):
    assert client.post("/api/v1/analyze", json={"text": QUIET}).json()["channel"] == "unknown"
    assert client.post("/api/v1/analyze", json={"text": QUIET, "channel": "LINE"}).json()["channel"] == "sns"
    assert client.post("/api/v1/analyze", json={"text": QUIET, "channel": None}).json()["verdict"] == "no_signal"


def test_analyze_needs_no_token_and_stores_nothing(client, store):
    before = store.stats()
    assert client.post("/api/v1/analyze", json={"text": SCAM}).status_code == 200
    assert store.stats() == before


def test_analyze_eml_upload(client):
    resp = client.post("/api/v1/analyze", files={"file": ("mail.eml", make_eml(), "message/rfc822")})
    assert resp.status_code == 200, resp.text
    data = resp.json()
    assert data["channel"] == "email"
    assert data["verdict"] in {"caution", "danger"}


def test_analyze_raw_rfc822_body(client):
    resp = client.post("/api/v1/analyze", content=make_eml(), headers={"content-type": "message/rfc822"})
    assert resp.status_code == 200 and resp.json()["channel"] == "email"


def test_analyze_multipart_text_field(client):
    resp = client.post("/api/v1/analyze", data={"text": SCAM, "channel": "sms"}, files={"unused": ("", b"")})
    assert resp.status_code == 200 and resp.json()["channel"] == "sms"


def test_analyze_masks_my_numbers(client):
    number = make_mynumber()
    text = f"市役所の者です。あなたのマイナンバー {number} が漏れています。手数料を払ってください。"
    resp = client.post("/api/v1/analyze", json={"text": text})
    assert resp.status_code == 200
    assert number not in resp.text


@pytest.mark.parametrize(
    ("body", "ctype", "status", "code"),
    [
        (b'{"text": ""}', "application/json", 400, "empty_input"),
        (b'{"text": "  \\n\\t "}', "application/json", 400, "empty_input"),
        (b'{"text": "abc", "channel": "fax"}', "application/json", 400, "unknown_channel"),
        (b'{"text": "abc", "channel": 3}', "application/json", 400, "unknown_channel"),
        (b'{"text": ', "application/json", 400, "malformed_json"),
        (b"", "application/json", 400, "malformed_json"),
        (b"\xff\xfe\x00", "application/json", 400, "malformed_json"),
        (b"[" * 50_000, "application/json", 400, "malformed_json"),
        (b'["text"]', "application/json", 422, "validation_error"),
        (b'{"txt": "abc"}', "application/json", 422, "validation_error"),
        (b'{"text": 42}', "application/json", 422, "validation_error"),
        (b"text=abc", "text/plain", 415, "unsupported_media_type"),
        (b"<x/>", "application/xml", 415, "unsupported_media_type"),
        (b"abc", "", 415, "unsupported_media_type"),
        (b"", "message/rfc822", 422, "mail_format"),
        (b"\x00\x01garbage", "message/rfc822", 422, "mail_format"),
    ],
)
def test_bad_input_has_one_error_shape(client, body, ctype, status, code):
    headers = {"content-type": ctype} if ctype else {}
    resp = client.post("/api/v1/analyze", content=body, headers=headers)
    assert_error_shape(resp, status, code)


def test_broken_eml_upload(client):
    resp = client.post("/api/v1/analyze", files={"file": ("broken.eml", b"this is not a mail at all")})
    assert_error_shape(resp, 422, "mail_format")
    resp = client.post("/api/v1/analyze", files={"file": ("empty.eml", b"")})
    assert_error_shape(resp, 422, "mail_format")


def test_multipart_without_file_or_text(client):
    resp = client.post("/api/v1/analyze", data={"channel": "sms"}, files={"other": ("a.txt", b"x")})
    assert_error_shape(resp, 422, "validation_error")


def test_huge_text_is_413(client):
    resp = client.post("/api/v1/analyze", json={"text": "あ" * 100_001})
    err = assert_error_shape(resp, 413, "input_too_large")
    assert "100,000" in err["message"]


def test_body_over_limit_is_413_before_reading(client):
    body = json.dumps({"text": "a" * (1024 * 1024 + 10)}).encode()
    resp = client.post("/api/v1/analyze", content=body, headers={"content-type": "application/json"})
    assert_error_shape(resp, 413, "request_too_large")


def test_streamed_body_over_limit_is_413(client):
    def chunks():
        yield b'{"text": "'
        for _ in range(300):
            yield b"a" * 4096
        yield b'"}'

    resp = client.post("/api/v1/analyze", content=chunks(), headers={"content-type": "application/json"})
    assert_error_shape(resp, 413, "request_too_large")


def test_upload_over_10_mib_is_413(client):
    big = make_eml() + b"x" * (10 * 1024 * 1024)
    resp = client.post("/api/v1/analyze", files={"file": ("big.eml", big)})
    assert_error_shape(resp, 413, "request_too_large")


def test_upload_between_1_and_10_mib_is_read(client):
    body = "市役所の者です。マイナンバーの手続きに手数料が必要です。\n" + "お知らせ。\n" * 10
    mail = make_eml(body) + b"\n" + b" " * (2 * 1024 * 1024)
    resp = client.post("/api/v1/analyze", files={"file": ("mail.eml", mail)})
    assert resp.status_code == 200, resp.text[:300]


def test_unknown_api_route_and_method(client):
    assert_error_shape(client.get("/api/v1/nothing-here"), 404, "not_found")
    assert_error_shape(client.get("/api/v2/analyze"), 404, "not_found")
    assert_error_shape(client.get("/api/v1/analyze"), 405, "method_not_allowed")


def test_error_messages_never_echo_a_my_number(client):
    number = make_mynumber()
    resp = client.post("/api/v1/analyze", content=f'{{"text": "{number}", "channel": "{number}"}}'.encode(),
                       headers={"content-type": "application/json"})
    assert_error_shape(resp, 400, "unknown_channel")
    assert number not in resp.text
    resp = client.post("/api/v1/analyze", json={"text": 1, number: number})
    assert number not in resp.text


def test_security_headers_on_api_and_pages(client):
    for resp in (client.post("/api/v1/analyze", json={"text": QUIET}), client.get("/"), client.get("/nope"),
                 client.post("/api/v1/analyze", content=b"{", headers={"content-type": "application/json"})):
        csp = resp.headers["content-security-policy"]
        assert "script-src" not in csp and "default-src 'none'" in csp
        assert "frame-ancestors 'none'" in csp
        assert resp.headers["x-content-type-options"] == "nosniff"
        assert resp.headers["cache-control"] == "no-store"


def test_openapi_and_docs_page(client):
    spec = client.get("/openapi.json").json()
    assert "/api/v1/analyze" in spec["paths"]
    body = spec["paths"]["/api/v1/analyze"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data", "message/rfc822"} <= set(body)
    page = client.get("/docs")
    assert page.status_code == 200
    assert "POST" in page.text and "/api/v1/analyze" in page.text
    assert "<script" not in page.text


def test_similar_option_consults_published_cases_only(client, store):
    from mamori.cases import NewCase

    store.load_seed()
    text = "郵便局です。マイナンバーの封筒をいただきに来ました"
    plain = client.post("/api/v1/analyze", json={"text": text, "channel": "visit"}).json()
    assert all(s["rule_id"] != "SIMILAR_KNOWN_CASE" for s in plain["signals"])
    rich = client.post("/api/v1/analyze?similar=true", json={"text": text, "channel": "visit"}).json()
    similar = [s for s in rich["signals"] if s["rule_id"] == "SIMILAR_KNOWN_CASE"]
    assert similar and "似た事例" in similar[0]["description"]

    secret = "架空の団体「宇宙年金機構」の者です。マイナンバーの更新料として三万円を振り込んでください"
    case = store.add(NewCase(text=secret, section="suspicious_call", channel="phone", public=False))
    resp = client.post("/api/v1/analyze?similar=true", json={"text": secret, "channel": "phone"}).json()
    assert f"#{case.id}" not in json.dumps(resp, ensure_ascii=False)
