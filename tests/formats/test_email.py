"""parse_eml: charsets x transfer encodings, headers, MIME structure, broken and hostile mail."""

from __future__ import annotations

import random
from email.message import EmailMessage

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mamori.errors import InputTooLargeError, MailFormatError
from mamori.formats import parse_eml, sender_findings
from mamori.message import Channel, Message

from .conftest import FROM, SCAM_TEXT, build_mail, encoded_word

SUBJECT = "【重要】マイナポイントのお知らせ"


def segment_texts(message: Message) -> dict[str, str]:
    return {seg.label: message.text[seg.start : seg.end] for seg in message.segments}


@pytest.mark.parametrize("charset", ["utf-8", "shift_jis", "cp932", "euc-jp", "iso-2022-jp"])
@pytest.mark.parametrize("cte", ["8bit", "quoted-printable", "base64"])
def test_each_charset_and_transfer_encoding(charset: str, cte: str) -> None:
    message = parse_eml(build_mail(charset=charset, cte=cte))
    assert message.channel is Channel.EMAIL
    assert message.text == (
        f"件名: {SUBJECT}\n差出人: デジタル庁 マイナポイント事務局 <info@mynapoint-support.example.com>\n\n"
        + SCAM_TEXT.rstrip("\n")
    )
    assert message.notes == ()


def test_iso_2022_jp_7bit() -> None:
    message = parse_eml(build_mail(charset="iso-2022-jp", cte="7bit"))
    assert segment_texts(message)["body"] == SCAM_TEXT.rstrip("\n")


def test_segments_slice_the_text_exactly() -> None:
    message = parse_eml(build_mail(headers={"Reply-To": "窓口 <reply@other.example.net>"}))
    assert segment_texts(message) == {
        "subject": SUBJECT,
        "from": "デジタル庁 マイナポイント事務局 <info@mynapoint-support.example.com>",
        "reply-to": "窓口 <reply@other.example.net>",
        "body": SCAM_TEXT.rstrip("\n"),
    }
    assert message.text.splitlines()[:3] == [
        f"件名: {SUBJECT}",
        "差出人: デジタル庁 マイナポイント事務局 <info@mynapoint-support.example.com>",
        "返信先: 窓口 <reply@other.example.net>",
    ]
    body = message.segments[-1]
    assert message.segment_at(body.start + 3) == body


def test_headers_are_decoded_with_lower_case_keys() -> None:
    data = build_mail(
        headers={
            "To": "山田 太郎 <taro@example.jp>",
            "Reply-To": "reply@other.example.net",
            "Date": "Thu, 28 Nov 2024 10:06:00 +0900",
            "Message-ID": "<abc@example.com>",
        },
        raw_headers=("Return-Path: <bounce@mailer.example.org>",),
    )
    headers = parse_eml(data).headers
    assert dict(headers) == {
        "return-path": "bounce@mailer.example.org",
        "from": FROM,
        "subject": SUBJECT,
        "to": "山田 太郎 <taro@example.jp>",
        "reply-to": "reply@other.example.net",
        "date": "Thu, 28 Nov 2024 10:06:00 +0900",
        "message-id": "<abc@example.com>",
    }
    codes = [finding.code for finding in sender_findings(headers)]
    assert codes == ["authority_display_name", "reply_to_mismatch", "return_path_mismatch"]


def test_address_lists_keep_every_address() -> None:
    message = parse_eml(
        build_mail(
            headers={"Reply-To": "a@example.com, 窓口 <b@other.example>", "To": "x@example.jp, y@example.jp"}
        )
    )
    assert message.headers["reply-to"] == "a@example.com, 窓口 <b@other.example>"
    assert message.headers["to"] == "x@example.jp, y@example.jp"


@pytest.mark.parametrize("charset", ["iso-2022-jp", "shift_jis", "utf-8"])
@pytest.mark.parametrize("encoding", ["b", "q"])
def test_rfc2047_subjects(charset: str, encoding: str) -> None:
    data = build_mail(subject=None, raw_headers=(f"Subject: {encoded_word(SUBJECT, charset, encoding)}",))
    message = parse_eml(data)
    assert message.headers["subject"] == SUBJECT
    assert segment_texts(message)["subject"] == SUBJECT


def test_from_display_name_in_iso_2022_jp() -> None:
    name = encoded_word("総務省 マイナンバー総合窓口", "iso-2022-jp")
    message = parse_eml(build_mail(sender=None, raw_headers=(f"From: {name} <support@soumu-go.example>",)))
    assert message.headers["from"] == "総務省 マイナンバー総合窓口 <support@soumu-go.example>"


def test_display_name_that_looks_like_an_address_is_kept_as_display_name() -> None:
    message = parse_eml(build_mail(sender=None, raw_headers=("From: info@soumu.go.jp <x@evil.example>",)))
    assert message.headers["from"] == '"info@soumu.go.jp" <x@evil.example>'
    assert [f.code for f in sender_findings(message.headers)] == ["display_name_address_mismatch"]


def test_shift_jis_body_labelled_iso_2022_jp() -> None:
    message = parse_eml(build_mail(SCAM_TEXT.encode("cp932"), charset="ISO-2022-JP"))
    assert segment_texts(message)["body"] == SCAM_TEXT.rstrip("\n")
    assert message.notes == (
        "body: bytes are not valid ISO-2022-JP; decoded as cp932 / 文字コードを cp932 と推定して読みました",
    )


@pytest.mark.parametrize("codec", ["iso-2022-jp", "cp932", "euc-jp", "utf-8"])
def test_missing_charset(codec: str) -> None:
    message = parse_eml(build_mail(SCAM_TEXT.encode(codec), charset=None, cte="8bit"))
    assert segment_texts(message)["body"] == SCAM_TEXT.rstrip("\n")
    assert len(message.notes) == 1 and "no charset declared" in message.notes[0]


def test_unknown_charset_gives_a_result_and_a_note() -> None:
    message = parse_eml(build_mail(SCAM_TEXT.encode("euc-jp"), charset="x-foo"))
    assert segment_texts(message)["body"] == SCAM_TEXT.rstrip("\n")
    assert message.notes == (
        "body: unknown charset x-foo; decoded as euc-jp / 文字コードを euc-jp と推定して読みました",
    )


def test_undecodable_body_is_replaced_with_a_note() -> None:
    garbage = b"\x81 " * 50  # invalid in utf-8, cp932 and euc-jp alike
    message = parse_eml(build_mail(b"Hello " + garbage, charset="utf-8"))
    assert segment_texts(message)["body"].startswith("Hello ")
    assert "undecodable bytes replaced" in message.notes[0]


def test_raw_8bit_subject_is_detected() -> None:
    data = b"From: a@example.com\nSubject: " + SUBJECT.encode("cp932") + b"\n\nbody\n"
    message = parse_eml(data)
    assert message.headers["subject"] == SUBJECT
    assert "subject: charset missing, unknown or wrong" in message.notes[0]


def alternative(plain: str, html: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = FROM
    msg["Subject"] = SUBJECT
    msg.set_content(plain, charset="iso-2022-jp", cte="7bit")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    return msg.as_bytes()


HTML = (
    "<html><head><style>p{}</style><script>var secret='スクリプト';</script></head><body>"
    "<p>マイナポイントの付与手続きが完了していません。</p>"
    "<p>本日中に下記URLから口座番号と暗証番号を登録してください。</p>"
    '<p><a href="https://mynapoint-support.example.com/login">https://myna.go.jp/</a></p></body></html>'
)


def test_alternative_with_the_same_content_keeps_only_the_plain_text() -> None:
    plain = (
        "マイナポイントの付与手続きが完了していません。\n"
        "本日中に下記URLから口座番号と暗証番号を登録してください。\nhttps://myna.go.jp/\n"
    )
    message = parse_eml(alternative(plain, HTML))
    assert [seg.label for seg in message.segments] == ["subject", "from", "part 1 (text/plain)"]
    assert message.links == (("https://myna.go.jp/", "https://mynapoint-support.example.com/login"),)
    assert "スクリプト" not in message.text


def test_alternative_with_a_stub_plain_part_reads_the_html_too() -> None:
    message = parse_eml(alternative("HTMLメールを表示できる環境でご覧ください。\n", HTML))
    texts = segment_texts(message)
    assert texts["part 1 (text/plain)"] == "HTMLメールを表示できる環境でご覧ください。"
    assert texts["part 2 (text/html)"] == (
        "マイナポイントの付与手続きが完了していません。\n"
        "本日中に下記URLから口座番号と暗証番号を登録してください。\nhttps://myna.go.jp/"
    )


def test_multipart_with_html_only() -> None:
    msg = EmailMessage()
    msg["From"] = FROM
    msg["Subject"] = SUBJECT
    msg.make_mixed()
    part = EmailMessage()
    part.set_content(HTML, subtype="html", charset="shift_jis", cte="quoted-printable")
    msg.attach(part)
    message = parse_eml(msg.as_bytes())
    texts = segment_texts(message)
    assert list(texts) == ["subject", "from", "part 1 (text/html)"]
    assert "口座番号と暗証番号" in texts["part 1 (text/html)"]
    assert "スクリプト" not in message.text and "<p>" not in message.text
    assert message.links == (("https://myna.go.jp/", "https://mynapoint-support.example.com/login"),)


def test_single_part_html_body() -> None:
    message = parse_eml(build_mail(HTML, subtype="html", charset="euc-jp", cte="base64"))
    assert segment_texts(message)["body"].startswith("マイナポイントの付与手続き")
    assert len(message.links) == 1


def test_html_without_charset_uses_its_meta_tag() -> None:
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"></head><body>確認</body></html>'
    message = parse_eml(build_mail(html.encode("cp932"), subtype="html", charset=None))
    assert segment_texts(message)["body"] == "確認"
    assert message.notes == ()


def test_attachment_is_skipped_with_a_note() -> None:
    msg = EmailMessage()
    msg["From"] = FROM
    msg["Subject"] = SUBJECT
    msg.set_content(SCAM_TEXT, charset="utf-8")
    msg.add_attachment(b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="請求書.pdf")
    msg.add_attachment("添付のテキスト", filename="memo.txt")
    message = parse_eml(msg.as_bytes())
    assert list(segment_texts(message)) == ["subject", "from", "part 1 (text/plain)"]
    assert "添付のテキスト" not in message.text
    assert message.notes == (
        "part 2 skipped: attachment 請求書.pdf (application/pdf) / 添付ファイルを読み飛ばしました",
        "part 3 skipped: attachment memo.txt (text/plain) / 添付ファイルを読み飛ばしました",
    )


def test_attachment_name_with_a_twelve_digit_number_is_masked() -> None:
    msg = EmailMessage()
    msg["From"] = FROM
    msg.set_content("本文")
    msg.add_attachment(b"x", maintype="image", subtype="png", filename="123456789018.png")
    notes = parse_eml(msg.as_bytes()).notes
    assert notes == (
        "part 2 skipped: attachment ############.png (image/png) / 添付ファイルを読み飛ばしました",
    )


def test_forwarded_message_is_read() -> None:
    inner = EmailMessage()
    inner["From"] = FROM
    inner["Subject"] = SUBJECT
    inner.set_content(SCAM_TEXT)
    outer = EmailMessage()
    outer["From"] = "相談者 <user@example.jp>"
    outer["Subject"] = "Fwd: 不審なメール"
    outer.set_content("このメールは本物ですか？")
    outer.add_attachment(inner)
    texts = segment_texts(parse_eml(outer.as_bytes()))
    assert texts["forwarded message"] == f"件名: {SUBJECT}\n差出人: {FROM}"
    assert texts["part 2 (text/plain)"] == SCAM_TEXT.rstrip("\n")


def test_missing_end_boundary_is_noted() -> None:
    data = alternative("本文です。\n", HTML)
    cut = data[: data.rindex(b"--=")]
    message = parse_eml(cut)
    assert "本文です。" in message.text
    assert any("the mail may be truncated" in note for note in message.notes)


def test_long_url_in_body() -> None:
    url = "https://mynapoint-support.example.com/" + "a" * 10_000
    message = parse_eml(build_mail(f"こちらから登録してください。\n{url}\n", cte="quoted-printable"))
    assert segment_texts(message)["body"] == f"こちらから登録してください。\n{url}"
    html = parse_eml(build_mail(f'<a href="{url}">こちら</a>', subtype="html"))
    assert html.links == (("こちら", url),)


def test_damaged_base64_is_partly_read() -> None:
    data = build_mail(cte="base64")
    head, body = data.split(b"\n\n", 1)
    message = parse_eml(head + b"\n\n" + body[:-7] + b"!!\n")
    assert "マイナポイントの付与手続き" in message.text
    assert any("damaged base64" in note for note in message.notes)


@pytest.mark.parametrize("data", [b"", b"   \r\n\n", b"\n\n\n"])
def test_empty_input(data: bytes) -> None:
    with pytest.raises(MailFormatError, match="empty mail"):
        parse_eml(data)


def test_binary_garbage_is_not_a_mail() -> None:
    data = random.Random(42).randbytes(4096)
    with pytest.raises(MailFormatError, match="not an e-mail message"):
        parse_eml(data)


def test_plain_text_is_not_a_mail() -> None:
    with pytest.raises(MailFormatError, match="not an e-mail message"):
        parse_eml("マイナンバーを教えてください。".encode())


def test_headers_cut_midway() -> None:
    data = build_mail()
    header_end = data.index(b"\n\n")
    for cut in (20, header_end // 2, header_end - 1, header_end + 1):
        with pytest.raises(MailFormatError, match="truncated mail"):
            parse_eml(data[:cut])


def test_headers_cut_inside_a_line_without_a_colon() -> None:
    data = build_mail()
    line_start = data.index(b"\nSubject:") + 1
    with pytest.raises(MailFormatError, match="truncated mail"):
        parse_eml(data[: line_start + 3])  # "Sub"


def test_missing_blank_line_before_the_body_is_a_note() -> None:
    message = parse_eml("From: a@example.com\nSubject: x\nマイナンバーを教えてください\n続き\n".encode())
    assert message.text.endswith("\n\nマイナンバーを教えてください\n続き")
    assert any("a line without a colon in the headers" in note for note in message.notes)


def test_too_large() -> None:
    with pytest.raises(InputTooLargeError, match="more than the limit of 100 bytes"):
        parse_eml(build_mail(), max_bytes=100)


def test_text_instead_of_bytes() -> None:
    with pytest.raises(MailFormatError, match="expects bytes, got str"):
        parse_eml("From: a@example.com\n\nbody")  # type: ignore[arg-type]


def test_error_messages_do_not_quote_the_input() -> None:
    number = b"123456789018"
    with pytest.raises(MailFormatError) as caught:
        parse_eml(b"My Number " + number)
    assert number.decode() not in str(caught.value)


@pytest.mark.parametrize(
    "header",
    [
        "Content-Type: text/plain; " + "(" * 5000,
        "Content-Transfer-Encoding: " + "(" * 5000,
        "From: " + "(" * 5000,
        "Subject: " + "=?utf-8?q?a?= " * 20000,
        "Content-Type: multipart/mixed; boundary=",
        "Content-Disposition: attachment; filename*0*=utf-8''%E7%A2; filename*1*=%BA%E8%AA%8D.pdf",
        "Content-Disposition: attachment; filename*=utf-8''%E7確認.pdf",  # 8-bit bytes in an RFC 2231 value
    ],
)
def test_hostile_headers_do_not_raise(header: str) -> None:
    message = parse_eml(f"From: a@example.com\n{header}\n\n本文\n".encode())
    assert isinstance(message, Message)


def test_deeply_nested_multipart_does_not_raise() -> None:
    depth = 300
    parts = [f"Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n" for i in range(depth)]
    closing = "".join(f"\n--b{i}--\n" for i in reversed(range(depth)))
    data = ("From: a@example.com\nSubject: nested\n" + "".join(parts) + "\n本文\n" + closing).encode()
    message = parse_eml(data)
    assert message.text.startswith("件名: nested\n")
    assert any("nested too deeply" in note for note in message.notes)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_arbitrary_bytes_give_a_message_or_a_mail_format_error(data: bytes) -> None:
    try:
        message = parse_eml(b"From: a@example.com\nContent-Type: multipart/mixed; boundary=x\n" + data)
    except MailFormatError:
        return
    for seg in message.segments:
        assert 0 <= seg.start < seg.end <= len(message.text)


@settings(max_examples=100, deadline=None)
@given(cut=st.integers(min_value=0, max_value=3000))
def test_any_cut_of_a_mail_gives_a_message_or_a_mail_format_error(cut: int) -> None:
    data = alternative("本文です。\n", HTML)
    try:
        message = parse_eml(data[:cut])
    except MailFormatError:
        return
    assert message.text.startswith(f"件名: {SUBJECT}\n差出人: {FROM}\n")
