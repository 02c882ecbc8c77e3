"""The public warning page (注意喚起ページ), built like the police's seed page.

Cases the counselors marked public (and not judged ``legit``) are shown by section, in the
seed's order, each with its key lines (the words the caller or visitor said, the 「…」 quotes of
the case) and its text; then the three caution points, #9110 and 188. The page is static HTML
with no script, rendered by Jinja2 with autoescaping: everything that comes from a case is text,
never markup, and passes :func:`mamori.pii.mask` once more on the way.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from mamori.cases.records import SECTION_TITLES, SECTIONS, Case
from mamori.errors import MissingExtraError
from mamori.pii import mask
from mamori.report import CAUTION_POINTS

__all__ = ["CHANNEL_LABELS", "TACTIC_LABELS", "TITLE", "render_page", "write_page"]

TITLE = "「マイナンバー制度」に便乗した不審な電話等にご注意ください"
TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_KEY_LINES = 5
MAX_KEY_LINE_CHARS = 120
_QUOTE = re.compile("「([^「」\n]{2,400})」")

CHANNEL_LABELS = {
    "email": "メール", "sms": "SMS(ショートメッセージ)", "phone": "電話", "visit": "訪問", "letter": "郵便物",
    "web": "ウェブサイト", "sns": "SNS・メッセージアプリ", "unknown": "その他",
}
TACTIC_LABELS = {
    "impersonation": "なりすまし", "money_demand": "お金の要求", "card_collection": "カード・通帳などの要求",
    "atm_operation": "ATMの操作", "sensitive_info_request": "個人情報の聞き出し", "threat": "脅し",
    "proxy_service": "手続の代行", "data_deletion_offer": "データ削除の持ちかけ", "phishing_link": "偽サイトへの誘導",
    "investment_lure": "投資の勧誘", "refund_lure": "還付金・給付金", "unpaid_bill": "未納・未払い",
    "multi_actor": "複数の人物(劇場型)", "urgency": "急がせる", "remote_contact_shift": "別の連絡手段・場所への誘導",
}


def key_lines(text: str) -> list[str]:
    """The quoted words of a case, as the seed page lists them.

    >>> key_lines("男が訪れ「郵便局です」「封筒をいただきに来ました」と言った。")
    ['郵便局です', '封筒をいただきに来ました']
    """
    lines = []
    for m in _QUOTE.finditer(text):
        line = m.group(1).strip()
        if len(line) > MAX_KEY_LINE_CHARS:
            line = line[:MAX_KEY_LINE_CHARS] + "…"
        if line and line not in lines:
            lines.append(line)
        if len(lines) >= MAX_KEY_LINES:
            break
    return lines


def _view(case: Case) -> dict[str, Any]:
    place = "".join(p for p in (case.prefecture, mask(case.municipality or "")) if p)
    return {
        "id": case.id,
        "channel": CHANNEL_LABELS.get(case.channel, case.channel),
        "month": f"{case.received_on.year}年{case.received_on.month}月" if case.received_on else "",
        "place": place,
        "key_lines": [mask(line) for line in key_lines(case.text)],
        "text": mask(case.text),
        "tactics": [TACTIC_LABELS.get(t, t) for t in case.tactics],
    }


def render_page(cases: Iterable[Case], *, generated_on: date | None = None) -> str:
    """The warning page for ``cases`` (those not public, or labelled legit, are skipped).

    Raises:
        MissingExtraError: Jinja2 is not installed.
    """
    try:
        import jinja2
    except ModuleNotFoundError:
        raise MissingExtraError("mamori publish (Jinja2)", "web") from None
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    by_section: dict[str, list[Case]] = {s: [] for s in SECTIONS}
    for case in cases:
        if case.public and case.label != "legit":
            by_section[case.section].append(case)
    sections = []
    for section in SECTIONS:
        # Dated cases newest first, then undated ones in the order they were recorded (as the seed).
        ordered = sorted(by_section[section], key=lambda c: (c.received_on is None,
                                                             -c.received_on.toordinal() if c.received_on else 0, c.id))
        sections.append({"id": section, "title": SECTION_TITLES[section], "cases": [_view(c) for c in ordered]})
    return env.get_template("warning_page.html").render(
        title=TITLE,
        sections=sections,
        caution_points=[p.text for p in CAUTION_POINTS.values()],
        total=sum(len(s["cases"]) for s in sections),
        generated_on=(generated_on or date.today()).isoformat(),
    )


def write_page(html: str, path: str | Path) -> None:
    """Write the page atomically: readers see the old page or the new one, never half of one.

    Raises:
        OSError: the file cannot be written.
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".mamori-", suffix=".html", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(html)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
        raise
