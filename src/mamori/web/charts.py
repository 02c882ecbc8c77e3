"""Charts drawn on the server as inline SVG: no script, no library, no CDN, and no inline CSS (the
page's CSP forbids it), only SVG presentation attributes. Every label is escaped.

>>> svg = bar_chart([("電話", 3), ("<b>", 1)], title="経路")
>>> "<svg" in svg and "&lt;b&gt;" in svg and "<b>" not in svg
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

__all__ = ["PALETTE", "bar_chart", "month_label", "stacked_month_chart"]

#: 15 colours, one per tactic, distinguishable and dark enough for white gaps between them.
PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#ad494a", "#637939", "#8c6d31", "#7b4173",
)
_FONT = 'font-family="Noto Sans CJK JP, sans-serif"'


def _nice_max(value: int) -> int:
    """A round axis maximum at or above ``value``."""
    step = 5
    while True:
        for mult in (1, 2, 4, 10):
            if value <= step * mult:
                return step * mult
        step *= 10


def _two_lines(label: str) -> tuple[str, str]:
    if "年" in label:
        head, _, tail = label.partition("年")
        return head + "年", tail
    return label, ""


def bar_chart(items: Sequence[tuple[str, int]], *, title: str, horizontal: bool = False) -> Markup:
    """A bar chart of (label, count) pairs; an empty chart says so."""
    if not items:
        return Markup('<p class="hint">まだデータがありません。</p>')
    return _horizontal(items, title) if horizontal else _vertical(items, title)


def _vertical(items: Sequence[tuple[str, int]], title: str) -> Markup:
    top = _nice_max(max(n for _, n in items))
    bar_w, gap, left, height, bottom = 36, 18, 48, 220, 52
    width = max(640, left + len(items) * (bar_w + gap) + gap)
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height + bottom + 20}" '
             f'xmlns="http://www.w3.org/2000/svg" {_FONT} font-size="13"><title>{escape(title)}</title>']
    parts += _axis(top, left, width, height)
    for i, (label, n) in enumerate(items):
        x = left + gap + i * (bar_w + gap)
        h = round(height * n / top)
        line1, line2 = _two_lines(label)
        parts.append(f'<rect x="{x}" y="{20 + height - h}" width="{bar_w}" height="{h}" fill="#12355b">'
                     f"<title>{escape(label)}: {n}件</title></rect>")
        parts.append(f'<text x="{x + bar_w / 2}" y="{14 + height - h}" text-anchor="middle" font-weight="700">{n}</text>')
        parts.append(f'<text x="{x + bar_w / 2}" y="{height + 40}" text-anchor="middle">{escape(line1)}</text>')
        if line2:
            parts.append(f'<text x="{x + bar_w / 2}" y="{height + 58}" text-anchor="middle">{escape(line2)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _axis(top: int, left: int, width: int, height: int) -> list[str]:
    out = []
    for k in range(6):
        value = top * k // 5
        y = 20 + height - round(height * k / 5)
        out.append(f'<line x1="{left}" y1="{y}" x2="{width - 4}" y2="{y}" stroke="#c8c8c8" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4}" text-anchor="end" fill="#3d3d3d">{value}</text>')
    return out


def _horizontal(items: Sequence[tuple[str, int]], title: str) -> Markup:
    top = max(n for _, n in items) or 1
    label_w, bar_max, row = 250, 380, 30
    width, height = label_w + bar_max + 60, len(items) * row + 10
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
             f'{_FONT} font-size="14"><title>{escape(title)}</title>']
    for i, (label, n) in enumerate(items):
        y = 5 + i * row
        w = max(1, round(bar_max * n / top)) if n else 0
        parts.append(f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{w}" height="{row - 10}" fill="#12355b">'
                     f"<title>{escape(label)}: {n}件</title></rect>")
        parts.append(f'<text x="{label_w + w + 6}" y="{y + 19}" font-weight="700">{n}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_month_chart(by_month_tactic: Mapping[str, Mapping[str, int]], labels: Mapping[str, str]) -> Markup:
    """Cases per month, stacked by tactic, with a legend. A case with several tactics counts in each."""
    if not by_month_tactic:
        return Markup('<p class="hint">まだデータがありません。</p>')
    tactics = [t for t in labels if any(t in m for m in by_month_tactic.values())]
    colour = {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(labels)}
    months = list(by_month_tactic)
    top = _nice_max(max(sum(m.values()) for m in by_month_tactic.values()))
    bar_w, gap, left, height = 40, 20, 48, 260
    width = max(640, left + len(months) * (bar_w + gap) + gap)
    legend_cols = 2
    legend_rows = -(-len(tactics) // legend_cols)
    legend_top = height + 90
    total_h = legend_top + legend_rows * 24 + 10
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {total_h}" xmlns="http://www.w3.org/2000/svg" '
             f'{_FONT} font-size="13"><title>月ごとの手口(事例の件数、手口ごとに積み上げ)</title>']
    parts += _axis(top, left, width, height)
    for i, month in enumerate(months):
        x = left + gap + i * (bar_w + gap)
        y = float(20 + height)
        counts = by_month_tactic[month]
        for tactic in tactics:
            n = counts.get(tactic, 0)
            if not n:
                continue
            h = height * n / top
            y -= h
            parts.append(f'<rect x="{x}" y="{y:.1f}" width="{bar_w}" height="{h:.1f}" fill="{colour[tactic]}" '
                         f'stroke="#fff" stroke-width="1"><title>{escape(month_label(month))} '
                         f"{escape(labels.get(tactic, tactic))}: {n}件</title></rect>")
        label1, label2 = _two_lines(month_label(month))
        parts.append(f'<text x="{x + bar_w / 2}" y="{height + 40}" text-anchor="middle">{escape(label1)}</text>')
        if label2:
            parts.append(f'<text x="{x + bar_w / 2}" y="{height + 58}" text-anchor="middle">{escape(label2)}</text>')
    col_w = (width - 20) / legend_cols
    for i, tactic in enumerate(tactics):
        lx = 10 + (i % legend_cols) * col_w
        ly = legend_top + (i // legend_cols) * 24
        parts.append(f'<rect x="{lx:.0f}" y="{ly}" width="16" height="16" fill="{colour[tactic]}"/>')
        parts.append(f'<text x="{lx + 22:.0f}" y="{ly + 13}">{escape(labels.get(tactic, tactic))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def month_label(month: str) -> str:
    if len(month) == 7 and month[4] == "-":
        return f"{month[:4]}年{int(month[5:])}月"
    return "日付なし"
