"""E-mail benchmark: parse + analyse ~5 KB mails (mails/s on one core)."""

from __future__ import annotations

import os
import time
from email.message import EmailMessage

from common import corpus_texts

from mamori import Analyzer
from mamori.formats.email import parse_eml

# Ordinary mail furniture: greetings, footers, notices. A real ~5 KB mail is one message plus this.
_FILLER = [
    "いつも当サービスをご利用いただき、誠にありがとうございます。",
    "本メールは送信専用のアドレスからお送りしています。ご返信いただいてもお答えできませんのでご了承ください。",
    "配信停止をご希望の方は、マイページの「メール配信設定」から変更してください。",
    "お問い合わせ窓口の受付時間は、平日9時から18時まで(土日祝日、年末年始を除く)です。",
    "このメールにお心当たりのない場合は、お手数ですが破棄してくださいますようお願いいたします。",
    "個人情報の取り扱いについては、当社のプライバシーポリシーをご確認ください。",
    "※ご利用の環境によっては、一部の文字が正しく表示されない場合があります。",
    "今後ともどうぞよろしくお願い申し上げます。",
    "―――――――――――――――――――――――――――――――――",
    "発行: 株式会社サンプル商事 お客様サポートセンター 〒100-0001 東京都千代田区千代田1-1",
]


def _mails(count: int = 200) -> list[bytes]:
    texts = corpus_texts()
    mails = []
    for i in range(count):
        core = texts[(i * 7) % len(texts)]
        parts = [core]
        k = i
        while sum(len(p) for p in parts) < 1700:  # about 5 KB once encoded with headers
            parts.append(_FILLER[k % len(_FILLER)])
            k += 1
        body = "\n\n".join(parts)
        msg = EmailMessage()
        msg["From"] = "マイナポイント事務局 <info@myna-point.example.com>" if i % 3 == 0 else "総務課 <hr@example.co.jp>"
        msg["To"] = "user@example.jp"
        msg["Subject"] = f"【重要】お知らせ {i}"
        charset = ("iso-2022-jp", "utf-8", "shift_jis")[i % 3]
        try:
            msg.set_content(body, charset=charset)
        except UnicodeEncodeError:
            msg.set_content(body, charset="utf-8")
        if i % 4 == 0:
            html = "".join(f"<p>{p}</p>" for p in parts)
            msg.add_alternative(
                f"<html><body>{html}<a href='http://myna.example.top/'>https://myna.go.jp/</a></body></html>",
                subtype="html",
            )
        mails.append(msg.as_bytes())
    return mails


def run() -> dict:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    analyzer = Analyzer()
    mails = _mails()
    for m in mails[:20]:
        analyzer.analyze(parse_eml(m))
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < 3.0:
        for m in mails:
            analyzer.analyze(parse_eml(m))
        n += len(mails)
    elapsed = time.perf_counter() - start
    parse_only_start = time.perf_counter()
    for m in mails:
        parse_eml(m)
    parse_only = len(mails) / (time.perf_counter() - parse_only_start)
    return {
        "mails_per_s": round(n / elapsed),
        "mean_mail_bytes": round(sum(map(len, mails)) / len(mails)),
        "parse_only_mails_per_s": round(parse_only),
    }


TARGETS = {"mails_per_s": ("≥ 1,000", lambda v: v >= 1000)}
