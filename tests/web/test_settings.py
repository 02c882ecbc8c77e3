"""The session key: from MAMORI_SECRET_KEY, else generated once and kept in the data directory."""

from __future__ import annotations

import stat

from mamori.web.settings import Settings, load_secret_key


def test_secret_key_is_generated_once_and_private(data_dir):
    first = load_secret_key()
    path = data_dir / "secret_key"
    assert len(first) >= 32 and path.read_text().strip() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secret_key() == first


def test_environment_key_wins(data_dir, monkeypatch):
    monkeypatch.setenv("MAMORI_SECRET_KEY", "from-the-environment-" + "e" * 20)
    assert load_secret_key() == "from-the-environment-" + "e" * 20
    assert not (data_dir / "secret_key").exists()


def test_settings_from_env(monkeypatch):
    monkeypatch.setenv("MAMORI_DATABASE_URL", "sqlite:///x.db")
    monkeypatch.setenv("MAMORI_HTTPS", "1")
    settings = Settings.from_env(max_text_chars=500)
    assert settings.database_url == "sqlite:///x.db" and settings.https_only and settings.max_text_chars == 500
    assert "secret" not in repr(Settings(secret_key="s" * 40))


def test_secure_cookie_behind_https(store, client):
    from fastapi.testclient import TestClient

    from mamori.web.app import create_app

    app = create_app(store, Settings(secret_key="k" * 40, https_only=True))
    with TestClient(app, base_url="https://testserver") as secure:
        cookie = secure.get("/counselor/login").headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
