"""``mamori eval`` and ``mamori demo``: measure the rules on labelled messages."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import click

from mamori.analyzer import Analyzer
from mamori.errors import MamoriError, RecordError
from mamori.message import Message, parse_channel
from mamori.report import TACTICS

__all__ = ["Evaluation", "evaluate", "eval_command", "demo_command", "read_labelled"]


@dataclass
class Evaluation:
    """Counts from labelled messages; properties give the rates."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def _count(self, label: str, verdicts: set[str]) -> int:
        return sum(1 for r in self.rows if r["label"] == label and r["verdict"] in verdicts)

    def _total(self, label: str) -> int:
        return sum(1 for r in self.rows if r["label"] == label)

    def summary(self) -> dict[str, Any]:
        fraud, legit = self._total("fraud"), self._total("legit")
        flagged = {"caution", "danger"}
        out: dict[str, Any] = {
            "messages": len(self.rows), "fraud": fraud, "legit": legit, "errors": len(self.errors),
            "recall": _ratio(self._count("fraud", flagged), fraud),
            "recall_danger": _ratio(self._count("fraud", {"danger"}), fraud),
            "false_positive_rate": _ratio(self._count("legit", flagged), legit),
            "false_positive_rate_danger": _ratio(self._count("legit", {"danger"}), legit),
            "verdicts": {}, "precision_by_verdict": {}, "tactics": {},
        }
        for v in ("danger", "caution", "no_signal"):
            n = sum(1 for r in self.rows if r["verdict"] == v)
            out["verdicts"][v] = {lab: self._count(lab, {v}) for lab in ("fraud", "legit")}
            if v != "no_signal":
                out["precision_by_verdict"][v] = _ratio(self._count("fraud", {v}), n)
        for t in TACTICS:
            tp = sum(1 for r in self.rows if t in r["expected"] and t in r["found"])
            fn = sum(1 for r in self.rows if t in r["expected"] and t not in r["found"])
            fp = sum(1 for r in self.rows if t not in r["expected"] and t in r["found"] and r["has_tactics"])
            if tp + fn + fp:
                out["tactics"][t] = {"precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn),
                                     "tp": tp, "fp": fp, "fn": fn}
        tp_all = sum(len(r["expected"] & r["found"]) for r in self.rows)
        exp_all = sum(len(r["expected"]) for r in self.rows)
        out["tactic_recall"] = _ratio(tp_all, exp_all)
        return out


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def read_labelled(lines: Iterable[str]) -> Iterable[tuple[int, dict[str, Any] | RecordError]]:
    """Yield ``(line number, record or error)`` from labelled JSON lines."""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield n, RecordError(f"line {n}: invalid JSON ({exc.msg})")
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or obj.get("label") not in ("fraud", "legit"):
            yield n, RecordError(f"line {n}: expected an object with \"text\" and \"label\" (fraud | legit)")
            continue
        yield n, obj


def evaluate(records: Iterable[tuple[int, dict[str, Any] | RecordError]], analyzer: Analyzer | None = None) -> Evaluation:
    """Analyze labelled records and collect what eval reports."""
    analyzer = analyzer or Analyzer()
    ev = Evaluation()
    for n, rec in records:
        if isinstance(rec, RecordError):
            ev.errors.append(str(rec))
            continue
        try:
            report = analyzer.analyze(Message(rec["text"], parse_channel(rec.get("channel", "unknown"))))
        except MamoriError as exc:
            ev.errors.append(f"line {n}: {exc}")
            continue
        tactics = rec.get("tactics")
        ev.rows.append({
            "line": n, "id": rec.get("id"), "label": rec["label"], "verdict": report.verdict.value,
            "score": report.score, "expected": set(tactics or ()), "found": set(report.tactics),
            "has_tactics": tactics is not None,
        })
    return ev


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x * 100:.1f}%"


def _print_summary(s: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    t = Table(title="mamori eval")
    t.add_column("measure")
    t.add_column("value", justify="right")
    rows = [("messages (fraud / legit)", f"{s['messages']} ({s['fraud']} / {s['legit']})"),
            ("recall (fraud → caution or danger)", _pct(s["recall"])),
            ("recall (fraud → danger)", _pct(s["recall_danger"])),
            ("false-positive rate (legit → caution or danger)", _pct(s["false_positive_rate"])),
            ("false-positive rate (legit → danger)", _pct(s["false_positive_rate_danger"])),
            ("precision of danger", _pct(s["precision_by_verdict"].get("danger"))),
            ("precision of caution", _pct(s["precision_by_verdict"].get("caution"))),
            ("tactic recall (all labelled tactics)", _pct(s["tactic_recall"])),
            ("errors", str(s["errors"]))]
    for r in rows:
        t.add_row(*r)
    console.print(t)
    tt = Table(title="per tactic")
    for col in ("tactic", "precision", "recall", "tp", "fp", "fn"):
        tt.add_column(col, justify="right" if col != "tactic" else "left")
    for name, m in s["tactics"].items():
        tt.add_row(name, _pct(m["precision"]), _pct(m["recall"]), str(m["tp"]), str(m["fp"]), str(m["fn"]))
    console.print(tt)


@click.command("eval")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="集計を JSON で出力します。")
def eval_command(file: Path, as_json: bool) -> None:
    """ラベル付き JSON lines (text, label=fraud|legit, tactics) で検出の精度を測ります。"""
    try:
        fh = file.open(encoding="utf-8")
    except OSError as exc:
        raise click.exceptions.FileError(str(file), exc.strerror or "cannot be read") from None
    with fh:
        try:
            ev = evaluate(read_labelled(fh))
        except UnicodeDecodeError as exc:
            raise RecordError(f"{file}: not valid UTF-8 (byte {exc.start})") from None
    s = ev.summary()
    if as_json:
        click.echo(json.dumps(s, ensure_ascii=False, indent=2))
    else:
        _print_summary(s)
        for e in ev.errors:
            click.echo(f"Error: {e}", err=True)


def seed_cases() -> list[dict[str, Any]]:
    """The seed page's 27 cases, shipped as package data."""
    text = (resources.files("mamori") / "data" / "seed_cases.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@click.command("demo")
def demo_command() -> None:
    """警察の注意喚起ページにある27の事例を分析し、結果を表にします。"""
    from rich.console import Console
    from rich.table import Table

    from mamori.explain import VERDICT_STYLE
    from mamori.report import Verdict

    analyzer = Analyzer()
    cases = seed_cases()
    table = Table(title="mamori demo: 警察庁の注意喚起ページの事例 (seed cases)")
    for col in ("id", "section", "channel", "判定", "score", "tactics found", "text"):
        table.add_column(col, overflow="fold")
    counts: dict[str, int] = {}
    for c in cases:
        r = analyzer.analyze(Message(c["text"], parse_channel(c["channel"])))
        counts[r.verdict.value] = counts.get(r.verdict.value, 0) + 1
        table.add_row(c["id"], c["section"], c["channel"], f"[{VERDICT_STYLE[Verdict(r.verdict)]}]{r.verdict_ja}[/]",
                      str(r.score), ", ".join(r.tactics), c["text"][:40] + "…")
    console = Console(highlight=False)
    console.print(table)
    console.print("合計: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + f" / {len(cases)} 件")
