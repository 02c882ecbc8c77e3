"""``mamori cases …`` and ``mamori publish``: the case registry on the command line.

Every command takes ``--database URL`` (else ``MAMORI_DATABASE_URL``, else SQLite in the data
directory). Errors are MamoriError subclasses: the ``mamori`` command prints ``Error: …`` and
exits 65 (64 for a usage error). Texts shown are the stored ones, My Numbers masked.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import IO, Any

import click

from mamori.cases.records import CHANNELS, LABELS, SECTIONS, STATUSES, CaseFilters, ImportResult, NewCase
from mamori.report import TACTICS

__all__ = ["cases_group", "publish_command"]

EXIT_DATAERR = 65
MAX_SHOWN_ERRORS = 20
_CHANNEL_CHOICE = click.Choice([*CHANNELS, "line"], case_sensitive=False)


def _database(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--database", metavar="URL",
                        help="データベースの URL (sqlite:///PATH, postgresql://…)。"
                             "既定: MAMORI_DATABASE_URL、なければデータディレクトリの SQLite。")(func)


def _json_flag(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="JSON で出力します。")(func)


def _filters(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--tactic", type=click.Choice(TACTICS), help="この手口を含む事例だけ。"),
        click.option("--channel", type=_CHANNEL_CHOICE, help="この経路の事例だけ。"),
        click.option("--section", type=click.Choice(SECTIONS), help="この区分の事例だけ。"),
        click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="受付日がこの日以降 (YYYY-MM-DD)。"),
        click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="受付日がこの日以前 (YYYY-MM-DD)。"),
        click.option("--public/--private", "public", default=None, help="公開の事例だけ / 非公開の事例だけ。"),
        click.option("--status", type=click.Choice(STATUSES), help="この状態の事例だけ。"),
        click.option("--label", type=click.Choice(LABELS), help="相談員の判定がこれの事例だけ。"),
        click.option("--prefecture", help="この都道府県の事例だけ (例: 東京都)。"),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _make_filters(kw: dict[str, Any]) -> CaseFilters:
    """The filter options (taken out of ``kw``) as CaseFilters."""
    date_from, date_to = kw.pop("date_from"), kw.pop("date_to")
    return CaseFilters(
        tactic=kw.pop("tactic"), channel=kw.pop("channel"), section=kw.pop("section"),
        date_from=date_from.date() if date_from else None, date_to=date_to.date() if date_to else None,
        public=kw.pop("public"), status=kw.pop("status"), label=kw.pop("label"), prefecture=kw.pop("prefecture"),
    )


@contextmanager
def _store(database: str | None) -> Iterator[Any]:
    from mamori.cases import open_store

    store = open_store(database)
    try:
        yield store
    finally:
        store.close()


def _echo_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


def _text_arg(text: str) -> str:
    if text != "-":
        return text
    from mamori.cli import decode_text, read_input_bytes

    return decode_text(read_input_bytes("-"), "utf-8")


def _line(case: Any, width: int = 70) -> str:
    head = "  ".join([
        f"#{case.id}", case.received_on.isoformat() if case.received_on else "----------", case.channel,
        case.section, "公開" if case.public else "非公開", case.verdict, ", ".join(case.tactics) or "-",
    ])
    body = case.text.replace("\n", " ")
    return f"{head}\n    {body[:width]}{'…' if len(body) > width else ''}"


@click.group("cases", context_settings={"help_option_names": ["-h", "--help"]})
def cases_group() -> None:
    """相談事例の登録・検索・集計 (the case registry for counselors)."""


@cases_group.command("add")
@click.option("--text", required=True, help="メッセージ本文、または相談員による聞き取りの記録。- で標準入力から読みます。")
@click.option("--channel", required=True, type=_CHANNEL_CHOICE, help="届いた経路。")
@click.option("--section", required=True, type=click.Choice(SECTIONS), help="区分 (警察庁のページの5区分)。")
@click.option("--public", is_flag=True, help="公開ページに載せてよい事例にします。")
@click.option("--date", "received_on", help="受付日 YYYY-MM-DD (既定: 今日)。")
@click.option("--note", help="相談員のメモ。")
@click.option("--tactic", "tactics", multiple=True, type=click.Choice(TACTICS), help="相談員の判断による手口 (複数可)。")
@click.option("--prefecture", help="都道府県 (例: 大阪府)。")
@click.option("--municipality", help="市区町村。")
@click.option("--amount", "amount_lost", type=click.IntRange(min=0), help="被害額 (円)。")
@click.option("--label", type=click.Choice(LABELS), help="相談員の判定。")
@_database
@_json_flag
def add_command(text: str, channel: str, section: str, public: bool, received_on: str | None, note: str | None,
                tactics: tuple[str, ...], prefecture: str | None, municipality: str | None, amount_lost: int | None,
                label: str | None, database: str | None, as_json: bool) -> None:
    """事例を1件登録します (本文の個人番号は伏せて保存します)。"""
    new = NewCase(text=_text_arg(text), section=section, channel=channel, public=public,
                  received_on=received_on or date.today(), notes=note, tactics=tactics or None,
                  prefecture=prefecture, municipality=municipality, amount_lost=amount_lost, label=label)
    with _store(database) as store:
        case = store.add(new)
    if as_json:
        _echo_json(case.to_dict())
    else:
        click.echo(f"#{case.id} を登録しました ({case.verdict}: {', '.join(case.tactics) or '-'})")


@cases_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--private", is_flag=True, help="public を書いていない行を非公開にします (既定は公開)。")
@click.option("--skip-errors", is_flag=True, help="不正な行を飛ばして、正しい行だけ登録します。")
@_database
@_json_flag
def import_command(file: str, private: bool, skip_errors: bool, database: str | None, as_json: bool) -> None:
    """JSONL の事例を取り込みます (export の形式、seed_cases.jsonl の形式)。

    まず全行を検査し、不正な行があれば何も登録しません (--skip-errors で正しい行だけ登録)。
    登録済みの事例は重複として数えます。
    """
    with _open_lines(file) as source, _store(database) as store:
        result = store.import_jsonl(source(), public=not private, dry_run=True)
        if not result.errors or skip_errors:
            result = store.import_jsonl(source(), public=not private)
        else:
            result = ImportResult(errors=result.errors)
    stored = not result.errors or skip_errors
    if as_json:
        _echo_json({**result.to_dict(), "stored": stored})
    else:
        click.echo(f"added {result.added}, duplicates {result.duplicates}, errors {len(result.errors)}")
    for error in result.errors[:MAX_SHOWN_ERRORS]:
        click.echo(f"Error: line {error.line}: {error.message}", err=True)
    if len(result.errors) > MAX_SHOWN_ERRORS:
        click.echo(f"Error: … and {len(result.errors) - MAX_SHOWN_ERRORS} more bad lines", err=True)
    if result.errors:
        if not stored:
            click.echo("Error: nothing was stored; fix the lines above, or pass --skip-errors", err=True)
        sys.exit(EXIT_DATAERR)


@contextmanager
def _open_lines(file: str) -> Iterator[Callable[[], Iterator[bytes]]]:
    """A re-readable source of the input's lines (stdin is spooled to a temporary file)."""
    if file == "-":
        with tempfile.TemporaryFile() as spool:
            while chunk := sys.stdin.buffer.read(1 << 20):
                spool.write(chunk)

            def again() -> Iterator[bytes]:
                spool.seek(0)
                yield from spool

            yield again
        return
    try:
        with open(file, "rb"):
            pass
    except FileNotFoundError:
        raise click.exceptions.FileError(file, "ファイルが見つかりません (file not found)") from None
    except OSError as exc:
        raise click.exceptions.FileError(file, exc.strerror or "cannot be read") from None

    def lines() -> Iterator[bytes]:
        with open(file, "rb") as fh:
            yield from fh

    yield lines


@cases_group.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="出力先 (既定: 標準出力)。")
@_filters
@_database
def export_command(output: str, database: str | None, **kw: Any) -> None:
    """事例を JSONL で書き出します (import で読み戻せる形式)。"""
    filters = _make_filters(kw)
    with _store(database) as store:
        if output == "-":
            _write_jsonl(store.export(filters), sys.stdout)
            return
        try:
            with open(output, "w", encoding="utf-8") as fh:
                _write_jsonl(store.export(filters), fh)
        except OSError as exc:
            raise click.exceptions.FileError(output, exc.strerror or "cannot be written") from None


def _write_jsonl(found: Iterator[Any], fh: IO[str]) -> None:
    for case in found:
        fh.write(json.dumps(case.to_dict(), ensure_ascii=False) + "\n")


@cases_group.command("list")
@_filters
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0)
@_database
@_json_flag
def list_command(limit: int, offset: int, database: str | None, as_json: bool, **kw: Any) -> None:
    """登録された事例を新しい順に表示します。"""
    filters = _make_filters(kw)
    with _store(database) as store:
        found = store.list(filters, limit=limit, offset=offset)
        total = store.count(filters)
    if as_json:
        _echo_json([c.to_dict() for c in found])
        return
    for case in found:
        click.echo(_line(case))
    click.echo(f"{len(found)} / {total} 件")


@cases_group.command("delete")
@click.argument("case_id", type=int)
@_database
def delete_command(case_id: int, database: str | None) -> None:
    """事例を1件削除します (delete a case and its tactics)."""
    with _store(database) as store:
        store.delete(case_id)
    click.echo(f"事例 #{case_id} を削除しました。")


@cases_group.command("show")
@click.argument("case_id", type=int)
@_database
@_json_flag
def show_command(case_id: int, database: str | None, as_json: bool) -> None:
    """事例を1件、分析結果とともに表示します。"""
    with _store(database) as store:
        case = store.get(case_id)
    if as_json:
        _echo_json(case.to_dict(with_report=True))
        return
    click.echo(_line(case, width=0).split("\n")[0])
    fields = [("受付日", case.received_on.isoformat() if case.received_on else "不明"),
              ("場所", "".join(p for p in (case.prefecture, case.municipality) if p) or "-"),
              ("状態", case.status), ("判定 (相談員)", case.label or "-"),
              ("手口 (分析)", ", ".join(case.analyzer_tactics) or "-"),
              ("手口 (相談員)", ", ".join(case.counselor_tactics) if case.counselor_tactics is not None else "-"),
              ("被害額", f"{case.amount_lost:,} 円" if case.amount_lost is not None else "-"),
              ("出典", case.source_id or "-"), ("ルール", case.rules_version)]
    for name, value in fields:
        click.echo(f"{name}: {value}")
    click.echo(f"\n{case.text}")
    if case.notes:
        click.echo(f"\nメモ: {case.notes}")
    from mamori.rules import default_ruleset

    rules = default_ruleset().by_id
    for signal in case.report.get("signals", []):
        rule = rules.get(signal["rule_id"])
        described = f": {rule.description}" if rule is not None else ""
        click.echo(f"  - {signal['rule_id']} ({signal['tactic']}, {signal['weight']}){described}")


@cases_group.command("update")
@click.argument("case_id", type=int)
@click.option("--tactic", "tactics", multiple=True, type=click.Choice(TACTICS), help="相談員の判断による手口 (置き換え)。")
@click.option("--clear-tactics", is_flag=True, help="相談員の手口を消し、分析結果の手口に戻します。")
@click.option("--note", help="メモを置き換えます (空文字で消去)。")
@click.option("--public/--private", "public", default=None, help="公開する / 公開しない。")
@click.option("--status", type=click.Choice(STATUSES))
@click.option("--label", type=click.Choice(LABELS), help="相談員の判定。")
@_database
@_json_flag
def update_command(case_id: int, tactics: tuple[str, ...], clear_tactics: bool, note: str | None, public: bool | None,
                   status: str | None, label: str | None, database: str | None, as_json: bool) -> None:
    """事例を訂正します。分析結果の手口は残し、相談員の手口は別に保存します。"""
    if tactics and clear_tactics:
        raise click.UsageError("give --tactic or --clear-tactics, not both")
    changes: dict[str, Any] = {"public": public, "status": status}
    if tactics or clear_tactics:
        changes["tactics"] = list(tactics) if tactics else None
    if note is not None:
        changes["notes"] = note or None
    if label is not None:
        changes["label"] = label
    with _store(database) as store:
        case = store.update(case_id, **changes)
    if as_json:
        _echo_json(case.to_dict())
    else:
        click.echo(_line(case))


@cases_group.command("search")
@click.argument("query")
@_filters
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@_database
@_json_flag
def search_command(query: str, limit: int, database: str | None, as_json: bool, **kw: Any) -> None:
    """本文とメモを全文検索します (2文字の語も可。空白で区切るとすべてを含む事例)。"""
    filters = _make_filters(kw)
    with _store(database) as store:
        found = store.search(query, filters, limit=limit)
    if as_json:
        _echo_json([c.to_dict() for c in found])
        return
    for case in found:
        click.echo(_line(case))
    click.echo(f"{len(found)} 件")


@cases_group.command("stats")
@_filters
@_database
@_json_flag
def stats_command(database: str | None, as_json: bool, **kw: Any) -> None:
    """件数を月 × 手口、経路、区分ごとに集計し、被害額を合計します。"""
    filters = _make_filters(kw)
    with _store(database) as store:
        stats = store.stats(filters)
    if as_json:
        _echo_json(stats.to_dict())
        return
    click.echo(f"事例 {stats.total} 件")
    for title, counts in (("区分", stats.by_section), ("経路", stats.by_channel), ("手口", stats.by_tactic),
                          ("月", stats.by_month)):
        click.echo(f"\n{title}:")
        for key, n in counts.items():
            click.echo(f"  {key:<24} {n:>6}")
    click.echo("\n月 × 手口:")
    for month, counts in stats.by_month_tactic.items():
        click.echo(f"  {month}: " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    click.echo(f"\n被害額: 合計 {stats.loss_total:,} 円 ({stats.loss_cases} 件)")
    for month, amount in stats.loss_by_month.items():
        click.echo(f"  {month}: {amount:,} 円")


@cases_group.command("similar")
@click.argument("text")
@click.option("--k", type=click.IntRange(1, 100), default=5, show_default=True, help="何件まで表示するか。")
@_database
@_json_flag
def similar_command(text: str, k: int, database: str | None, as_json: bool) -> None:
    """TEXT に似た登録事例を探します (- で標準入力から)。"""
    with _store(database) as store:
        found = store.similar(_text_arg(text), k=k)
    if as_json:
        _echo_json([s.to_dict() for s in found])
        return
    for s in found:
        shared = "".join(f"「{p}」" for p in s.shared_phrases[:3]) or "-"
        click.echo(f"#{s.case_id}  {s.score:.2f}  {s.channel}  {s.section}  共通: {shared}  "
                   f"手口: {', '.join(s.shared_tactics) or '-'}")
        body = s.text.replace("\n", " ")
        click.echo(f"    {body[:70]}{'…' if len(body) > 70 else ''}")
    if not found:
        click.echo("似た事例は見つかりませんでした。")


@cases_group.command("load-seed")
@_database
@_json_flag
def load_seed_command(database: str | None, as_json: bool) -> None:
    """警察庁の注意喚起ページの27事例を公開事例として登録します (何度実行しても同じ)。"""
    with _store(database) as store:
        result = store.load_seed()
    if as_json:
        _echo_json(result.to_dict())
    else:
        click.echo(f"seed cases: added {result.added}, already stored {result.duplicates}")


@click.command("publish")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="書き出す HTML ファイル (- で標準出力)。")
@_database
def publish_command(output: str, database: str | None) -> None:
    """公開事例から注意喚起ページ (静的 HTML) を作ります。"""
    from mamori.cases.publish import render_page, write_page
    from mamori.cases.records import CaseFilters

    with _store(database) as store:
        html = render_page(store.export(CaseFilters(public=True)))
    if output == "-":
        click.echo(html, nl=False)
        return
    try:
        write_page(html, output)
    except OSError as exc:
        raise click.exceptions.FileError(output, exc.strerror or "cannot be written") from None
    click.echo(f"wrote {output}", err=True)
