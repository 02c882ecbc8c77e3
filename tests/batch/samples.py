"""Inputs for the batch tests, written here: JSON lines, CSV, mail and mailboxes."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

SCAM = "警察の者です。あなたのマイナンバーが悪用されています。キャッシュカードを預かりに伺います。"
QUIET = "明日の会議は10時からです。"
MAIL_SCAM = (
    "マイナポイントの付与手続きが完了していません。\n"
    "本日中に下記URLから口座番号と暗証番号を登録してください。\n"
    "https://mynapoint-support.example.com/login\n"
)
ENVELOPE = b"From sender@example.com Thu Nov 28 10:06:00 2024\n"


def jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def mail(
    body: str = MAIL_SCAM,
    subject: str = "【重要】マイナポイントのお知らせ",
    msgid: str | None = None,
    charset: str = "utf-8",
) -> bytes:
    msg = EmailMessage()
    msg["From"] = "マイナポイント事務局 <info@mynapoint-support.example.com>"
    msg["To"] = "user@example.jp"
    msg["Subject"] = subject
    if msgid:
        msg["Message-ID"] = msgid
    msg.set_content(body, charset=charset)
    return msg.as_bytes()


def mbox(*mails: bytes) -> bytes:
    return b"".join(ENVELOPE + m + (b"" if m.endswith(b"\n") else b"\n") + b"\n" for m in mails)


def broken_mail() -> bytes:
    good = mail()
    return good[: good.index(b"\n\n") // 2]  # cut inside the headers


def maildir(root: Path, mails: dict[str, bytes]) -> Path:
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for name, data in mails.items():
        (root / name).write_bytes(data)
    return root


def corpus_records(corpus: Path, repeat: int = 1) -> list[dict]:
    rows = []
    for name in ("fraud.jsonl", "legit.jsonl"):
        for line in (corpus / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    out = []
    for k in range(repeat):
        for r in rows:
            out.append({"id": f"{r['id']}#{k}", "text": r["text"], "channel": r.get("channel", "unknown")})
    return out
