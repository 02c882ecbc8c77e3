"""``mamori scan``: analyze a stream of messages, one JSON line out per input, in order."""

from __future__ import annotations

import json
import sys
from typing import BinaryIO

import click

from mamori.cli import EXIT_DATAERR, EXIT_OK


@click.command("scan")
@click.argument("source", default="-")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "eml", "mbox"]), default="jsonl", show_default=True,
              help="入力の形式 (input format).")
@click.option("--only", help="出力する判定を絞ります (e.g. danger,caution).")
@click.option("--summary/--no-summary", default=True, help="最後に集計を標準エラーに出します。")
def scan_command(source: str, fmt: str, only: str | None, summary: bool) -> None:
    """JSON lines (text, id, channel) を1行ずつ調べ、1行ずつ JSON で出力します。

    Each output line carries the input's id and the report's fields, in input order; a bad line
    becomes an error record with its line number and the scan goes on. Exit 65 if any record failed.
    """
    from mamori.analyzer import Analyzer
    from mamori.batch import ScanSummary, scan_jsonl

    keep = {v.strip() for v in only.split(",")} if only else None
    analyzer = Analyzer()
    if fmt == "jsonl":
        if source == "-":
            stream: BinaryIO = sys.stdin.buffer
            records = scan_jsonl(stream, analyzer)
        else:
            try:
                stream = open(source, "rb")  # noqa: SIM115 - closed at exit
            except OSError as exc:
                raise click.exceptions.FileError(source, exc.strerror or "cannot be read") from None
            records = scan_jsonl(stream, analyzer)
    else:
        from mamori.formats.scan import scan_mail

        records = scan_mail(source, fmt, analyzer)
    totals = ScanSummary()
    out = sys.stdout
    for rec in records:
        totals.add(rec)
        if keep is not None and "error" not in rec and rec["verdict"] not in keep:
            continue
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    out.flush()
    if summary:
        click.echo(json.dumps({"summary": totals.to_dict()}, ensure_ascii=False), err=True)
    sys.exit(EXIT_DATAERR if totals.errors else EXIT_OK)
