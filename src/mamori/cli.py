"""The ``mamori`` command.

Exit status (documented in docs/cli.md):
    0 no_signal (or success), 1 caution, 2 danger,
    64 usage error, 65 bad input (or a scan with error records), 66 file not found,
    70 internal error.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any, BinaryIO

import click

from mamori.errors import InputError, MamoriError, MissingExtraError

EXIT_OK, EXIT_CAUTION, EXIT_DANGER = 0, 1, 2
EXIT_USAGE, EXIT_DATAERR, EXIT_NOINPUT, EXIT_SOFTWARE = 64, 65, 66, 70
_VERDICT_EXIT = {"no_signal": EXIT_OK, "caution": EXIT_CAUTION, "danger": EXIT_DANGER}
CHANNELS = ["email", "sms", "phone", "visit", "letter", "web", "sns", "line", "unknown"]
MAX_STDIN_BYTES = 8_000_000

# Commands that live in other modules, imported only when called (keeps start-up fast).
_LAZY = {
    "scan": ("mamori.scan_cli", "scan_command"),
    "eval": ("mamori.evaluate", "eval_command"),
    "demo": ("mamori.evaluate", "demo_command"),
    "rules": ("mamori.rules.cli", "rules_group"),
    "cases": ("mamori.cases.cli", "cases_group"),
    "publish": ("mamori.cases.cli", "publish_command"),
    "serve": ("mamori.web.cli", "serve_command"),
    "users": ("mamori.web.cli", "users_group"),
    "tokens": ("mamori.web.cli", "tokens_group"),
    "spark-scan": ("mamori.spark", "spark_scan_command"),
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(super().list_commands(ctx))
        for name, (mod, _attr) in _LAZY.items():
            if importlib.util.find_spec(mod.rsplit(".", 1)[0]) is not None:
                names.add(name)
        return sorted(names)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        cmd = super().get_command(ctx, name)
        if cmd is not None or name not in _LAZY:
            return cmd
        mod_name, attr = _LAZY[name]
        try:
            mod = importlib.import_module(mod_name)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("mamori"):
                return None
            raise MissingExtraError(f"mamori {name}", _extra_for(exc.name or "")) from None
        return getattr(mod, attr)


def _extra_for(module: str) -> str:
    top = module.split(".")[0]
    if top in {"fastapi", "uvicorn", "jinja2", "argon2", "itsdangerous", "multipart"}:
        return "web"
    if top in {"pyspark", "pandas", "pyarrow"}:
        return "spark"
    if top in {"psycopg"}:
        return "pg"
    return "registry"


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mamori")
def cli() -> None:
    """mamori (守り): マイナンバー制度に便乗した詐欺の手口を、オフラインで理由つきで見つけます。

    Offline, explainable detector of My Number fraud tactics in Japanese messages.
    """


def read_input_bytes(source: str) -> bytes:
    """Read a file path or ``-`` (stdin) as bytes, with a size limit."""
    if source == "-":
        stream: BinaryIO = sys.stdin.buffer
        data = stream.read(MAX_STDIN_BYTES + 1)
    else:
        path = Path(source)
        try:
            with path.open("rb") as fh:
                data = fh.read(MAX_STDIN_BYTES + 1)
        except FileNotFoundError:
            raise click.exceptions.FileError(source, "ファイルが見つかりません (file not found)") from None
        except OSError as exc:
            raise click.exceptions.FileError(source, exc.strerror or "cannot be read") from None
    if len(data) > MAX_STDIN_BYTES:
        raise InputError(f"入力が大きすぎます: {MAX_STDIN_BYTES:,} バイトを超えています (input above {MAX_STDIN_BYTES:,} bytes)")
    return data


def decode_text(data: bytes, encoding: str) -> str:
    """Decode input bytes strictly, saying where decoding failed."""
    from mamori.errors import DecodeError

    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DecodeError(
            f"入力を {encoding} として読めません (byte {exc.start}: {exc.reason}). "
            "Pass --encoding (e.g. cp932, euc-jp) or convert the text to UTF-8."
        ) from None
    except LookupError:
        raise DecodeError(f"unknown encoding {encoding!r}") from None


def _message_from_options(text: str | None, eml: str | None, turns: str | None, channel: str, encoding: str) -> Any:
    from mamori.message import Message, parse_channel

    given = [x for x in (text, eml, turns) if x is not None]
    if len(given) != 1:
        raise click.UsageError("give exactly one of TEXT (or - for stdin), --eml FILE or --turns FILE")
    if eml is not None:
        from mamori.formats.email import parse_eml

        return parse_eml(read_input_bytes(eml))
    if turns is not None:
        from mamori.batch import turns_message
        from mamori.errors import RecordError

        raw = decode_text(read_input_bytes(turns), encoding)
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise RecordError(f"--turns file is not valid JSON ({exc.msg} at line {exc.lineno})") from None
        if isinstance(data, dict):
            data = data.get("turns")
        return turns_message(data, channel if channel != "unknown" else "phone")
    assert text is not None
    body = decode_text(read_input_bytes("-"), encoding) if text == "-" else text
    return Message(body, parse_channel(channel))


@cli.command()
@click.argument("text", required=False)
@click.option("--channel", "-c", type=click.Choice(CHANNELS, case_sensitive=False), default="unknown",
              help="どこから届いたか (where the message came from).")
@click.option("--json", "as_json", is_flag=True, help="report.to_dict() を JSON で出力します。")
@click.option("--eml", type=click.Path(dir_okay=False), help="メールファイル (.eml) を読みます。")
@click.option("--turns", type=click.Path(dir_okay=False), help="通話のやりとり (JSON の {speaker, text} のリスト) を読みます。")
@click.option("--encoding", default="utf-8", show_default=True, help="TEXT に - を与えたときの標準入力の文字コード。")
def check(text: str | None, channel: str, as_json: bool, eml: str | None, turns: str | None, encoding: str) -> None:
    """メッセージを1件調べます。TEXT に - を与えると標準入力から読みます。

    Exit status: 0 no_signal, 1 caution, 2 danger, 65 bad input.
    """
    from mamori.analyzer import analyze

    message = _message_from_options(text, eml, turns, channel, encoding)
    report = analyze(message)
    if as_json:
        from mamori.explain import to_json

        click.echo(to_json(report))
    else:
        from mamori.terminal import print_report

        print_report(message.text, report)
    sys.exit(_VERDICT_EXIT[report.verdict.value])


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and translate errors into messages and exit codes."""
    try:
        cli.main(args=argv, standalone_mode=False)
    except click.exceptions.FileError as exc:
        click.echo(f"Error: {exc.format_message()}", err=True)
        sys.exit(EXIT_NOINPUT)
    except click.UsageError as exc:
        if exc.ctx is not None:
            click.echo(exc.ctx.get_usage(), err=True)
        click.echo(f"Error: {exc.format_message()}", err=True)
        sys.exit(EXIT_USAGE)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_USAGE)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except InputError as exc:
        from mamori.pii import redact

        click.echo(f"Error: {redact(str(exc))}", err=True)
        sys.exit(EXIT_DATAERR)
    except MamoriError as exc:
        from mamori.pii import redact

        click.echo(f"Error: {redact(str(exc))}", err=True)
        sys.exit(EXIT_DATAERR if not isinstance(exc, MissingExtraError) else EXIT_SOFTWARE)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(EXIT_OK)
    except KeyboardInterrupt:
        sys.exit(130)
