"""The token-protected API: cases CRUD and search, similar, stats; 401 without a valid token."""

from __future__ import annotations

import pytest

from .conftest import SCAM, assert_error_shape, make_mynumber

CASE = {"text": SCAM, "section": "suspicious_call", "channel": "phone", "received_on": "2024-05-01"}

PROTECTED = [
    ("get", "/api/v1/cases", None),
    ("post", "/api/v1/cases", CASE),
    ("get", "/api/v1/cases/1", None),
    ("patch", "/api/v1/cases/1", {"status": "closed"}),
    ("delete", "/api/v1/cases/1", None),
    ("post", "/api/v1/similar", {"text": SCAM}),
    ("get", "/api/v1/stats", None),
]


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
def test_protected_endpoints_need_a_token(client, method, path, body):
    resp = client.request(method, path, json=body)
    err = assert_error_shape(resp, 401, "unauthorized")
    assert "mamori tokens create" in err["message"]
    assert resp.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer mamori_" + "x" * 43, "Basic dXNlcjpwYXNz", "Bearer ",
                                    "Bearer " + "y" * 600, "token"])
def test_wrong_tokens_are_401(client, header):
    assert_error_shape(client.get("/api/v1/cases", headers={"Authorization": header}), 401, "unauthorized")


def test_session_cookie_is_not_an_api_credential(counselor):
    assert_error_shape(counselor.get("/api/v1/cases"), 401, "unauthorized")


def test_token_works(client, auth):
    resp = client.get("/api/v1/cases", headers=auth)
    assert resp.status_code == 200
    assert resp.json() == {"cases": [], "total": 0, "limit": 50, "offset": 0}


def test_crud(client, auth, store):
    created = client.post("/api/v1/cases", json=CASE, headers=auth)
    assert created.status_code == 201, created.text
    case = created.json()
    assert created.headers["location"] == f"/api/v1/cases/{case['id']}"
    assert case["verdict"] == "danger" and "report" in case
    assert case["public"] is False and case["status"] == "open"
    got = client.get(f"/api/v1/cases/{case['id']}", headers=auth).json()
    assert got["text"] == SCAM and got["report"]["verdict"] == "danger"

    patched = client.patch(f"/api/v1/cases/{case['id']}", headers=auth,
                           json={"tactics": ["impersonation", "money_demand"], "status": "closed", "public": True,
                                 "notes": "確認済み"})
    assert patched.status_code == 200, patched.text
    data = patched.json()
    assert data["counselor_tactics"] == ["impersonation", "money_demand"] == data["tactics"]
    assert data["analyzer_tactics"] == case["analyzer_tactics"]
    assert data["status"] == "closed" and data["public"] is True and data["notes"] == "確認済み"

    back = client.patch(f"/api/v1/cases/{case['id']}", headers=auth, json={"tactics": None}).json()
    assert back["counselor_tactics"] is None and back["tactics"] == case["analyzer_tactics"]
    assert back["status"] == "closed"

    if hasattr(store, "delete"):
        assert client.delete(f"/api/v1/cases/{case['id']}", headers=auth).status_code == 204
        assert_error_shape(client.get(f"/api/v1/cases/{case['id']}", headers=auth), 404, "case_not_found")
    else:
        assert_error_shape(client.delete(f"/api/v1/cases/{case['id']}", headers=auth), 501)


def test_duplicate_case_is_409_with_the_existing_id(client, auth):
    first = client.post("/api/v1/cases", json=CASE, headers=auth).json()
    err = assert_error_shape(client.post("/api/v1/cases", json=CASE, headers=auth), 409, "duplicate")
    assert err["details"] == {"existing_id": first["id"]}


def test_case_text_is_masked(client, auth):
    number = make_mynumber()
    resp = client.post("/api/v1/cases", headers=auth,
                       json={**CASE, "text": f"警察の者です。あなたの番号 {number} が悪用されています。"})
    assert resp.status_code == 201
    assert number not in resp.text


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"text": SCAM}, 422, "validation_error"),
        ({**CASE, "section": "nowhere"}, 422, "validation_error"),
        ({**CASE, "channel": "fax"}, 400, "unknown_channel"),
        ({**CASE, "text": ""}, 400, "empty_input"),
        ({**CASE, "text": "あ" * 20_001}, 413, "input_too_large"),
        ({**CASE, "tactics": ["teleportation"]}, 422, "validation_error"),
        ({**CASE, "received_on": "yesterday"}, 422, "validation_error"),
        ({**CASE, "amount_lost": -5}, 422, "validation_error"),
        ({**CASE, "unknown_field": 1}, 422, "validation_error"),
        ({**CASE, "public": "maybe"}, 422, "validation_error"),
        ([CASE], 422, "validation_error"),
    ],
)
def test_bad_case_bodies(client, auth, body, status, code):
    assert_error_shape(client.post("/api/v1/cases", json=body, headers=auth), status, code)


def test_bad_case_requests(client, auth):
    assert_error_shape(client.post("/api/v1/cases", content=b"{", headers={**auth, "content-type": "application/json"}),
                       400, "malformed_json")
    assert_error_shape(client.post("/api/v1/cases", data={"text": "x"}, headers=auth), 415, "unsupported_media_type")
    assert_error_shape(client.get("/api/v1/cases/999", headers=auth), 404, "case_not_found")
    assert_error_shape(client.get("/api/v1/cases/abc", headers=auth), 422, "validation_error")
    assert_error_shape(client.get("/api/v1/cases/0", headers=auth), 422, "validation_error")
    assert_error_shape(client.patch("/api/v1/cases/999", json={"status": "closed"}, headers=auth), 404, "case_not_found")
    assert_error_shape(client.patch("/api/v1/cases/1", json={"status": "done"}, headers=auth), 404)
    assert_error_shape(client.get("/api/v1/cases?limit=0", headers=auth), 422, "validation_error")
    assert_error_shape(client.get("/api/v1/cases?tactic=teleportation", headers=auth), 422, "validation_error")
    assert_error_shape(client.get("/api/v1/cases?public=maybe", headers=auth), 422, "validation_error")
    assert_error_shape(client.get("/api/v1/cases?q=" + "あ" * 201, headers=auth), 400, "bad_input")


def test_patch_validation(client, auth):
    case_id = client.post("/api/v1/cases", json=CASE, headers=auth).json()["id"]
    assert_error_shape(client.patch(f"/api/v1/cases/{case_id}", json={"status": "done"}, headers=auth),
                       422, "validation_error")
    assert_error_shape(client.patch(f"/api/v1/cases/{case_id}", json={"public": None}, headers=auth),
                       422, "validation_error")
    assert_error_shape(client.patch(f"/api/v1/cases/{case_id}", json={"text": "x"}, headers=auth),
                       422, "validation_error")


@pytest.fixture
def seeded(store):
    store.load_seed()
    return store


def test_list_filters_and_paging(client, auth, seeded):
    everything = client.get("/api/v1/cases?limit=200", headers=auth).json()
    assert everything["total"] == 27 == len(everything["cases"])
    visits = client.get("/api/v1/cases?channel=visit", headers=auth).json()
    assert visits["total"] > 0 and all(c["channel"] == "visit" for c in visits["cases"])
    damage = client.get("/api/v1/cases?section=damage&public=true", headers=auth).json()
    assert all(c["section"] == "damage" and c["public"] for c in damage["cases"])
    page2 = client.get("/api/v1/cases?limit=10&offset=10", headers=auth).json()
    assert len(page2["cases"]) == 10 and page2["offset"] == 10
    assert {c["id"] for c in page2["cases"]}.isdisjoint(
        {c["id"] for c in client.get("/api/v1/cases?limit=10", headers=auth).json()["cases"]})
    atm = client.get("/api/v1/cases?tactic=card_collection", headers=auth).json()
    assert atm["cases"] and all("card_collection" in c["tactics"] for c in atm["cases"])


def test_search(client, auth, seeded):
    found = client.get("/api/v1/cases", params={"q": "キャッシュカード"}, headers=auth).json()
    assert found["total"] is None
    assert found["cases"] and all("キャッシュカード" in c["text"] for c in found["cases"])
    both = client.get("/api/v1/cases", params={"q": "郵便局 封筒"}, headers=auth).json()["cases"]
    assert both and all("郵便局" in c["text"] and "封筒" in c["text"] for c in both)
    none = client.get("/api/v1/cases", params={"q": "宇宙人"}, headers=auth).json()
    assert none["cases"] == []


def test_similar(client, auth, seeded):
    resp = client.post("/api/v1/similar", json={"text": "郵便局の者です。マイナンバーの封筒をいただきに来ました", "k": 3},
                       headers=auth)
    assert resp.status_code == 200
    found = resp.json()["similar"]
    assert 1 <= len(found) <= 3
    assert "郵便局" in found[0]["text"]
    assert found[0]["score"] >= found[-1]["score"]
    assert_error_shape(client.post("/api/v1/similar", json={"text": "x", "k": 0}, headers=auth), 422)
    assert_error_shape(client.post("/api/v1/similar", json={"text": ""}, headers=auth), 400, "empty_input")
    assert_error_shape(client.post("/api/v1/similar", json={"text": "あ" * 100_001}, headers=auth), 413)


def test_stats(client, auth, seeded):
    stats = client.get("/api/v1/stats", headers=auth).json()
    assert stats["total"] == 27
    assert sum(stats["by_section"].values()) == 27
    assert stats["by_tactic"]["impersonation"] > 0
    assert "by_month_tactic" in stats and "losses" in stats
    visits = client.get("/api/v1/stats?channel=visit", headers=auth).json()
    assert 0 < visits["total"] < 27
    assert_error_shape(client.get("/api/v1/stats?date_from=someday", headers=auth), 422, "validation_error")


def test_openapi_marks_protected_routes(client):
    spec = client.get("/openapi.json").json()
    assert "security" not in spec["paths"]["/api/v1/analyze"]["post"]
    for path, method in [("/api/v1/cases", "get"), ("/api/v1/cases", "post"), ("/api/v1/cases/{case_id}", "patch"),
                         ("/api/v1/similar", "post"), ("/api/v1/stats", "get")]:
        assert spec["paths"][path][method]["security"], (path, method)
    page = client.get("/docs").text
    assert "トークンが必要" in page and "トークン不要" in page
