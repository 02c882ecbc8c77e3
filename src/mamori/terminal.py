"""Human output of a report on a terminal (rich): verdict in words and colour, the text with
evidence highlighted, each reason, the caution points violated and what to do."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from mamori.explain import VERDICT_STYLE, pieces
from mamori.report import Report, Verdict

__all__ = ["print_report", "render_report"]

_HEADLINE = {
    Verdict.DANGER: "危険: 詐欺の手口がはっきり表れています。応じないでください。",
    Verdict.CAUTION: "注意: 詐欺の疑いがあるサインがあります。",
    Verdict.NO_SIGNAL: "既知の手口は見つかりませんでした(安全という意味ではありません)。",
}


def render_report(text: str, report: Report) -> list[object]:
    """Rich renderables for a report."""
    out: list[object] = []
    head = Text(f" 判定: {report.verdict_ja} ({report.verdict.value}) ", style=VERDICT_STYLE[report.verdict])
    head.append(f"  スコア {report.score}", style="bold")
    out.append(head)
    out.append(Text(_HEADLINE[report.verdict]))
    body = Text()
    for p in pieces(text, report):
        if p.masked:
            body.append(p.text, style="bold magenta")
        elif p.signals:
            body.append(p.text, style="bold black on yellow")
            body.append("[" + ",".join(str(i + 1) for i in p.signals) + "]", style="dim")
        else:
            body.append(p.text)
    if len(text) > 4000:
        body.truncate(4000)
        body.append(" …(以下省略)", style="dim")
    out.append(Panel(body, title="メッセージ(根拠を強調)", title_align="left"))
    if report.signals:
        reasons = Text("理由:\n", style="bold")
        for i, s in enumerate(report.signals, 1):
            cp = f"[{s.caution_point}] " if s.caution_point else ""
            reasons.append(f" {i}. {cp}{s.description}", style="bold" if s.caution_point else "")
            reasons.append(f"  ({s.rule_id}, {s.tactic}, 重み {s.weight})\n", style="dim")
            for sp in s.spans[:3]:
                src = f" [{sp.source}]" if sp.source else ""
                reasons.append(f"    「{sp.text[:80]}」{src}\n", style="italic")
            if s.detail:
                reasons.append(f"    {s.detail[:200]}\n", style="dim")
        out.append(reasons)
    if report.caution_points:
        cps = Text("注意ポイント(公的機関の職員は決してしないこと):\n", style="bold red")
        for c in report.caution_points:
            cps.append(f" {c.id}: {c.text}\n")
        out.append(cps)
    if report.advice:
        adv = Text("いますぐできること:\n", style="bold green")
        for a in report.advice:
            adv.append(f" ・{a}\n")
        out.append(adv)
    for note in report.notes:
        out.append(Text(f"※ {note}", style="dim"))
    return out


def print_report(text: str, report: Report, console: Console | None = None) -> None:
    """Print a report for a person."""
    console = console or Console(highlight=False)
    for r in render_report(text, report):
        console.print(r)
