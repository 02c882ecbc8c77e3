"""``mamori serve``, ``mamori users add`` and ``mamori tokens create``, run as a user runs them."""

from __future__ import annotations

from conftest import assert_clean_failure, run_cli

from .conftest import PASSWORD


def test_help_of_every_command():
    for args in (["serve", "--help"], ["users", "add", "--help"], ["tokens", "create", "--help"]):
        proc = run_cli(*args)
        assert proc.returncode == 0, proc.stderr
        assert "--database" in proc.stdout.decode()


def test_users_add(database_url, store):
    proc = run_cli("users", "add", "sato", "--role", "admin", "--password-stdin", "--database", database_url,
                   input=(PASSWORD + "\n").encode())
    assert proc.returncode == 0, proc.stderr
    assert "sato" in proc.stdout.decode()
    user = store.verify_user("sato", PASSWORD)
    assert user is not None and user.role == "admin"
    assert store.verify_user("sato", "wrong password") is None


def test_users_add_refuses_bad_input_cleanly(database_url):
    add = ("users", "add", "sato", "--password-stdin", "--database", database_url)
    assert run_cli(*add, input=(PASSWORD + "\n").encode()).returncode == 0
    assert_clean_failure(run_cli(*add, input=(PASSWORD + "\n").encode()))          # exists already
    assert_clean_failure(run_cli("users", "add", "tanaka", "--password-stdin", "--database", database_url,
                                 input=b"short\n"))
    assert_clean_failure(run_cli("users", "add", "bad name!", "--password-stdin", "--database", database_url,
                                 input=(PASSWORD + "\n").encode()))
    assert_clean_failure(run_cli("users", "add", "x", "--role", "root", "--password-stdin",
                                 "--database", database_url, input=(PASSWORD + "\n").encode()))


def test_tokens_create(database_url, store):
    proc = run_cli("tokens", "create", "bank-gateway", "--database", database_url)
    assert proc.returncode == 0, proc.stderr
    token = proc.stdout.decode().strip()
    assert store.verify_token(token)
    assert "not shown again" in proc.stderr.decode()
    assert_clean_failure(run_cli("tokens", "create", "bank-gateway", "--database", database_url))


def test_serve_prints_its_url(live_server):
    log = (live_server.data_dir / "server.log").read_text(encoding="utf-8", errors="replace")
    assert f"{live_server.url}/" in log
