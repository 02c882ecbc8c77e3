"""Fixtures for the web tests: a temp SQLite case store, the app, an API token, a signed-in client.

The browser tests' server (a real uvicorn process) lives in test_browser.py's fixtures.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mamori.pii import mynumber

SECRET = "test-secret-key-" + "k" * 40
SCAM = "市役所の者です。マイナンバーの手続きに手数料が必要です。今日中にATMで振り込んでください。"
QUIET = "明日の会議は10時からです。資料を持ってきてください。"
PASSWORD = "correct horse battery"


def make_mynumber(prefix: str = "12345678901") -> str:
    return prefix + mynumber.calc_check_digit(prefix)


def make_eml(body: str = SCAM, subject: str = "【重要】マイナンバーのお知らせ") -> bytes:
    msg = EmailMessage()
    msg["From"] = "市役所 <info@city-office.example.com>"
    msg["To"] = "you@example.jp"
    msg["Subject"] = subject
    msg.set_content(body)
    return msg.as_bytes()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MAMORI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MAMORI_DATABASE_URL", raising=False)
    monkeypatch.delenv("MAMORI_SECRET_KEY", raising=False)
    return tmp_path


@pytest.fixture
def database_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'cases.db'}"


@pytest.fixture
def store(database_url: str):
    from mamori.cases import open_store

    store = open_store(database_url)
    yield store
    store.close()


@pytest.fixture
def settings():
    from mamori.web.settings import Settings

    return Settings(secret_key=SECRET)


@pytest.fixture
def app(store, settings):
    from mamori.web.app import create_app

    return create_app(store, settings)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def token(store) -> str:
    return store.create_token("tests")


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the form"
    return found.group(1)


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    page = client.get("/counselor/login")
    resp = client.post("/counselor/login", data={"username": username, "password": password,
                                                  "csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert resp.status_code == 303, resp.text


@pytest.fixture
def counselor(client: TestClient, store) -> TestClient:
    store.add_user("sato", PASSWORD, "counselor")
    log_in(client, "sato")
    return client


@pytest.fixture
def admin(client: TestClient, store) -> TestClient:
    store.add_user("boss", PASSWORD, "admin")
    log_in(client, "boss")
    return client


def assert_error_shape(resp, status: int, code: str | None = None) -> dict:
    assert resp.status_code == status, (resp.status_code, resp.text[:500])
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert "Traceback" not in resp.text
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]


# -- a real server, for the browser tests and the load smoke test ------------------------------
ROOT = Path(__file__).resolve().parents[2]
ADMIN, COUNSELOR = "admin", "counselor1"


@dataclass
class LiveServer:
    url: str
    database_url: str
    data_dir: Path
    process: subprocess.Popen


def _run(*args: str, env: dict[str, str], input: str | None = None) -> None:
    proc = subprocess.run([sys.executable, "-m", "mamori", *args], env=env, input=input, text=True,
                          capture_output=True, timeout=120)
    assert proc.returncode == 0, (args, proc.stdout, proc.stderr)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``mamori serve`` in a subprocess on 127.0.0.1 and a free port, with a temp SQLite registry
    holding the seed cases, an admin and a counselor (password PASSWORD)."""
    import httpx

    workdir = tmp_path_factory.mktemp("live")
    db = f"sqlite:///{workdir / 'live.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAMORI_")}
    env.update(MAMORI_DATA_DIR=str(workdir), MAMORI_SECRET_KEY=SECRET)
    _run("cases", "load-seed", "--database", db, env=env)
    _run("users", "add", ADMIN, "--role", "admin", "--password-stdin", "--database", db, env=env, input=PASSWORD + "\n")
    _run("users", "add", COUNSELOR, "--password-stdin", "--database", db, env=env, input=PASSWORD + "\n")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = (workdir / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "mamori", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--database", db, "--no-access-log"], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"mamori serve exited early:\n{(workdir / 'server.log').read_text()}")
            try:
                if httpx.get(url + "/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("mamori serve did not start within 60 s")
            time.sleep(0.2)
        yield LiveServer(url, db, workdir, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
        server_log = (workdir / "server.log").read_text(errors="replace")
        assert "Traceback" not in server_log, server_log[-3000:]
