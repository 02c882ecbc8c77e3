"""``mamori serve``, ``mamori users`` and ``mamori tokens`` (docs/web.md)."""

from __future__ import annotations

import ipaddress
import sys

import click

__all__ = ["serve_command", "tokens_group", "users_group"]

_DATABASE = click.option(
    "--database", metavar="URL", envvar="MAMORI_DATABASE_URL", default=None,
    help="事例の保存先 (sqlite:///path.db, postgresql+psycopg://...). "
         "Default: MAMORI_DATABASE_URL or the SQLite file in the data directory.",
)


def _open(database: str | None):  # noqa: ANN202 - a CaseStore
    from mamori.cases import open_store

    return open_store(database)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="待ち受けるアドレス (address to bind).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="ポート番号 (port).")
@_DATABASE
@click.option("--access-log/--no-access-log", default=True, show_default=True,
              help="アクセスログ (method, path, status; never a message text).")
def serve_command(host: str, port: int, database: str | None, access_log: bool) -> None:
    """Web ページと HTTP API を起動します (FastAPI on uvicorn).

    Serves the public check page at /, the counselor area at /counselor/, the JSON API at /api/v1
    and its reference at /docs.
    """
    import uvicorn

    from mamori.web.app import create_app
    from mamori.web.settings import Settings

    settings = Settings.from_env(database_url=database)
    store = _open(settings.database_url)
    app = create_app(store, settings)
    shown = f"[{host}]" if ":" in host else host
    if not _is_loopback(host) and not settings.https_only:
        click.echo("warning: listening beyond this machine without MAMORI_HTTPS=1; put it behind HTTPS "
                   "so that session cookies are marked Secure.", err=True)
    click.echo(f"mamori: http://{shown}:{port}/ を開いてください (open it in a browser; Ctrl+C to stop)")
    if not store.list_users():
        click.echo("相談員のページ (/counselor/) を使うには、利用者を追加してください: "
                   "mamori users add NAME --role admin")
    sys.stdout.flush()
    uvicorn.run(app, host=host, port=port, access_log=access_log, server_header=False,
                log_level="info", proxy_headers=False)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.group("users")
def users_group() -> None:
    """相談員の利用者を管理します (counselor-area users)."""


@users_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "counselor"]), default="counselor", show_default=True,
              help="admin は公開ページの発行もできます。")
@click.option("--password-stdin", is_flag=True, help="パスワードを標準入力の1行目から読みます (for scripts).")
@_DATABASE
def users_add(username: str, role: str, password_stdin: bool, database: str | None) -> None:
    """利用者を追加します。パスワードは確認つきで入力します (stored as an argon2 hash)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("パスワード (password)", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        raise click.UsageError("パスワードは8文字以上にしてください (at least 8 characters)")
    store = _open(database)
    store.add_user(username, password, role)
    click.echo(f"added {role} {username!r}")


@click.group("tokens")
def tokens_group() -> None:
    """API トークンを管理します (bearer tokens for /api/v1)."""


@tokens_group.command("create")
@click.argument("name")
@_DATABASE
def tokens_create(name: str, database: str | None) -> None:
    """トークンを作り、一度だけ表示します (only its hash is stored)."""
    store = _open(database)
    token = store.create_token(name)
    click.echo(token)
    click.echo(f"# token {name!r} created; send it as 'Authorization: Bearer <token>'. "
               "It is not shown again.", err=True)
