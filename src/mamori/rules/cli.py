"""``mamori rules list`` and ``mamori rules test``."""

from __future__ import annotations

import sys

import click

from mamori.rules.conformance import run_examples
from mamori.rules.load import default_ruleset


@click.group("rules")
def rules_group() -> None:
    """ルールパックを一覧・検査します (list and test the rule packs)."""


@rules_group.command("list")
@click.option("--tactic", help="この手口のルールだけ表示します。")
def list_rules(tactic: str | None) -> None:
    """ルールの一覧: id、手口、重み、種類、注意ポイント、説明。"""
    from rich.console import Console
    from rich.table import Table

    rs = default_ruleset()
    chosen = [r for r in rs.rules if not tactic or r.tactic == tactic]
    if not sys.stdout.isatty():
        # Piped: one tab-separated line per rule, easy to grep and cut.
        click.echo("id\ttactic\tweight\tkind\tcaution_point\tdescription")
        for r in chosen:
            click.echo(f"{r.id}\t{r.tactic}\t{r.weight}\t{r.kind}\t{r.caution_point or ''}\t{r.description}")
        return
    table = Table(title=f"rules {rs.version}")
    for col in ("id", "tactic", "weight", "kind", "CP", "description"):
        table.add_column(col, overflow="fold")
    for r in chosen:
        table.add_row(r.id, r.tactic, str(r.weight), r.kind, r.caution_point or "", r.description)
    Console(highlight=False).print(table)


@rules_group.command("test")
def test_rules() -> None:
    """全ルールの examples.match / examples.no_match を実行します。失敗があれば終了コード 1。"""
    rs = default_ruleset()
    failures = run_examples(rs)
    total = sum(len(r.examples_match) + len(r.examples_no_match) for r in rs.rules)
    for f in failures:
        click.echo(f"FAIL {f}")
    click.echo(f"{total - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)
