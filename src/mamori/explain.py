"""Report -> text, JSON and HTML fragments, with evidence highlighted and My Numbers masked."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

from mamori.report import Report, Verdict

__all__ = ["Piece", "pieces", "to_json", "to_html_fragment", "VERDICT_STYLE"]

VERDICT_STYLE = {Verdict.DANGER: "bold white on red", Verdict.CAUTION: "bold black on yellow",
                 Verdict.NO_SIGNAL: "bold white on blue"}
MASK = "[個人番号]"


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of the user's text: ``signals`` lists the indices of the signals whose evidence covers it."""

    text: str
    signals: tuple[int, ...]
    masked: bool = False


def pieces(text: str, report: Report, mynumber_ranges: list[tuple[int, int]] | None = None) -> list[Piece]:
    """Split ``text`` into runs by evidence coverage; My Number ranges become ``[個人番号]``.

    >>> from mamori import analyze
    >>> t = "市役所の者です。マイナンバーの手続きに手数料が必要です"
    >>> [p.text for p in pieces(t, analyze(t)) if p.signals][:1]
    ['市役所の者です']
    """
    if mynumber_ranges is None:
        from mamori.pii import mynumber_ranges as find_ranges

        mynumber_ranges = find_ranges(text)
    cuts = {0, len(text)}
    cover: list[tuple[int, int, int]] = []
    for i, sig in enumerate(report.signals):
        for sp in sig.spans:
            if 0 <= sp.start < sp.end <= len(text):
                cover.append((sp.start, sp.end, i))
                cuts.update((sp.start, sp.end))
    for s, e in mynumber_ranges:
        cuts.update((s, e))
    bounds = sorted(cuts)
    out: list[Piece] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        if a == b:
            continue
        sigs = tuple(sorted({i for s, e, i in cover if s <= a and b <= e}))
        in_mask = any(s <= a and b <= e for s, e in mynumber_ranges)
        if in_mask:
            if out and out[-1].masked:
                continue
            out.append(Piece(MASK, sigs, True))
        elif out and not out[-1].masked and out[-1].signals == sigs:
            # Neighbouring runs with the same reasons read as one highlight.
            out[-1] = Piece(out[-1].text + text[a:b], sigs)
        else:
            out.append(Piece(text[a:b], sigs))
    return out


def to_json(report: Report, *, indent: int | None = None) -> str:
    """The report as JSON (UTF-8 text, Japanese kept readable)."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=indent)


def to_html_fragment(text: str, report: Report) -> str:
    """The user's text as escaped HTML with ``<mark>`` around evidence (signal numbers in data-signals)."""
    out = []
    for p in pieces(text, report):
        body = html.escape(p.text).replace("\n", "<br>")
        if p.signals:
            nums = " ".join(str(i + 1) for i in p.signals)
            out.append(f'<mark data-signals="{nums}">{body}</mark>')
        else:
            out.append(body)
    return "".join(out)
