"""Mail fixtures for the format tests, generated with the standard e-mail package.

Nothing here is copied from real mail: every message is built by the functions below.
"""

from __future__ import annotations

import email.base64mime
import email.quoprimime
from collections.abc import Callable
from email.message import EmailMessage

import pytest

FROM = "デジタル庁 マイナポイント事務局 <info@mynapoint-support.example.com>"
SCAM_TEXT = (
    "マイナポイントの付与手続きが完了していません。\n"
    "本日中に下記URLから口座番号と暗証番号を登録してください。\n"
    "https://mynapoint-support.example.com/login\n"
)


def encoded_word(text: str, charset: str, encoding: str = "b") -> str:
    """An RFC 2047 encoded word made with the e-mail package's own encoders."""
    data = text.encode(charset)
    if encoding == "b":
        return email.base64mime.header_encode(data, charset)
    return email.quoprimime.header_encode(data, charset)


def build_mail(
    body: str | bytes = SCAM_TEXT,
    *,
    charset: str | None = "utf-8",
    cte: str = "8bit",
    subtype: str = "plain",
    subject: str | None = "【重要】マイナポイントのお知らせ",
    sender: str | None = FROM,
    raw_headers: tuple[str, ...] = (),
    headers: dict[str, str] | None = None,
) -> bytes:
    """One single-part mail. ``body`` as bytes is sent as is with ``charset`` as its label
    (or no label when None); ``raw_headers`` are header lines put verbatim at the top."""
    msg = EmailMessage()
    if sender is not None:
        msg["From"] = sender
    if subject is not None:
        msg["Subject"] = subject
    for name, value in (headers or {}).items():
        msg[name] = value
    if isinstance(body, str):
        msg.set_content(body, subtype=subtype, charset=charset or "utf-8", cte=cte)
    else:
        msg.set_content(body, "text", subtype, cte=cte)
        if charset is not None:
            msg.set_param("charset", charset)
    head = "".join(f"{line}\n" for line in raw_headers).encode("ascii")
    return head + msg.as_bytes()


@pytest.fixture
def make_mail() -> Callable[..., bytes]:
    return build_mail
