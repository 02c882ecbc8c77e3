"""Mailboxes: mbox streaming in bounded memory, errors by position, Maildir and .eml folders."""

from __future__ import annotations

import io
import mailbox
import tracemalloc
from pathlib import Path

import pytest

from mamori.errors import MailFormatError
from mamori.formats import iter_eml_dir, iter_maildir, iter_mbox
from mamori.message import Message

from .conftest import SCAM_TEXT, build_mail

ENVELOPE = b"From sender@example.com Thu Nov 28 10:06:00 2024\n"


def mbox_bytes(*mails: bytes) -> bytes:
    return b"".join(ENVELOPE + mail + (b"" if mail.endswith(b"\n") else b"\n") + b"\n" for mail in mails)


def test_messages_are_yielded_with_their_position() -> None:
    mails = [
        build_mail(subject=f"お知らせ {i}", charset=cs)
        for i, cs in enumerate(["utf-8", "shift_jis", "euc-jp"])
    ]
    results = list(iter_mbox(io.BytesIO(mbox_bytes(*mails))))
    assert [position for position, _ in results] == [1, 2, 3]
    assert [r.headers["subject"] for _, r in results if isinstance(r, Message)] == [
        f"お知らせ {i}" for i in range(3)
    ]


def test_a_broken_message_in_the_middle_is_reported_and_the_others_read() -> None:
    good = build_mail()
    truncated = good[: good.index(b"\n\n") // 2]
    data = mbox_bytes(good, good, truncated, b"\x00\x01\x02 garbage", good)
    results = list(iter_mbox(io.BytesIO(data)))
    assert [position for position, _ in results] == [1, 2, 3, 4, 5]
    assert [type(result).__name__ for _, result in results] == [
        "Message",
        "Message",
        "MailFormatError",
        "MailFormatError",
        "Message",
    ]
    assert str(results[2][1]).startswith("message 3: truncated mail")
    assert str(results[3][1]).startswith("message 4: not an e-mail message")


def test_from_lines_in_bodies_are_unescaped_and_do_not_split() -> None:
    body = "From the city office:\nマイナンバーの確認\n\n>From here on\nFrom now on, no split without a blank line\n"
    mail = build_mail(body)
    escaped = mail.replace(b"\nFrom the", b"\n>From the").replace(b"\n>From here", b"\n>>From here")
    results = list(iter_mbox(io.BytesIO(mbox_bytes(escaped))))
    assert len(results) == 1
    text = results[0][1].text  # type: ignore[union-attr]
    assert "From the city office:" in text and "\n>From here on" in text and "From now on" in text


def test_mailbox_written_by_the_standard_library(tmp_path: Path) -> None:
    path = tmp_path / "box.mbox"
    box = mailbox.mbox(path)
    for charset in ("iso-2022-jp", "shift_jis", "utf-8"):
        box.add(build_mail("From me\n" + SCAM_TEXT, charset=charset))
    box.flush()
    box.close()
    with path.open("rb") as stream:
        results = list(iter_mbox(stream))
    assert len(results) == 3
    for _, result in results:
        assert isinstance(result, Message)
        assert result.text.endswith("From me\n" + SCAM_TEXT.rstrip("\n"))


def test_a_single_eml_reads_as_a_one_message_mailbox() -> None:
    results = list(iter_mbox(io.BytesIO(build_mail())))
    assert len(results) == 1 and isinstance(results[0][1], Message)


def test_empty_stream_yields_nothing() -> None:
    assert list(iter_mbox(io.BytesIO(b""))) == []


def test_crlf_mailbox() -> None:
    data = mbox_bytes(build_mail(), build_mail()).replace(b"\n", b"\r\n")
    results = list(iter_mbox(io.BytesIO(data)))
    assert len(results) == 2
    assert all(isinstance(r, Message) and r.text.endswith("/login") for _, r in results)


def test_oversized_message_is_skipped_without_holding_it() -> None:
    big = build_mail("あ" * 50_000)
    results = list(iter_mbox(io.BytesIO(mbox_bytes(build_mail(), big, build_mail())), max_bytes=20_000))
    assert [type(r).__name__ for _, r in results] == ["Message", "MailFormatError", "Message"]
    assert "larger than the limit of 20,000 bytes" in str(results[1][1])


def test_text_stream_is_refused() -> None:
    with pytest.raises(MailFormatError, match="binary stream"):
        list(iter_mbox(io.StringIO("From a\n")))  # type: ignore[arg-type]


def test_fifty_megabyte_mailbox_streams_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.mbox"
    # About 90 KB in 600-byte lines: tracemalloc slows every allocation, so fewer lines keep
    # the test quick while the mailbox stays 50 MB.
    line = SCAM_TEXT.replace("\n", " ") * 3
    mail = build_mail((line + "\n") * 150, charset="utf-8", cte="8bit")
    count = 0
    with path.open("wb") as out:
        while out.tell() < 50 * 1024 * 1024:
            out.write(mbox_bytes(mail))
            count += 1
    size = path.stat().st_size
    tracemalloc.start()
    try:
        seen = 0
        with path.open("rb") as stream:
            for position, result in iter_mbox(stream):
                assert isinstance(result, Message)
                seen = position
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == count
    assert peak < size / 10, f"peak {peak:,} bytes for a {size:,}-byte mailbox"


def test_maildir(tmp_path: Path) -> None:
    box = mailbox.Maildir(tmp_path / "Maildir")
    box.add(build_mail(subject="一通目"))
    key = box.add(build_mail(subject="二通目"))
    msg = box[key]
    msg.set_subdir("cur")
    box[key] = msg
    (tmp_path / "Maildir" / "new" / "broken").write_bytes(b"\x89PNG\r\n")
    results = dict(iter_maildir(tmp_path / "Maildir"))
    subjects = sorted(r.headers["subject"] for r in results.values() if isinstance(r, Message))
    assert subjects == ["一通目", "二通目"]
    assert [name for name, r in results.items() if isinstance(r, MailFormatError)] == ["new/broken"]
    assert all(name.startswith(("cur/", "new/")) for name in results)


def test_not_a_maildir(tmp_path: Path) -> None:
    with pytest.raises(MailFormatError, match="not a Maildir"):
        list(iter_maildir(tmp_path))


def test_eml_dir(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(build_mail(subject="A"))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.EML").write_bytes(build_mail(subject="B"))
    (tmp_path / "sub" / "empty.eml").write_bytes(b"")
    (tmp_path / "notes.txt").write_bytes(b"not read")
    results = list(iter_eml_dir(tmp_path))
    assert [name for name, _ in results] == ["a.eml", "sub/b.EML", "sub/empty.eml"]
    assert isinstance(results[1][1], Message) and results[1][1].headers["subject"] == "B"
    assert isinstance(results[2][1], MailFormatError)
    assert str(results[2][1]).startswith("sub/empty.eml: empty mail")


def test_eml_dir_that_is_not_a_directory(tmp_path: Path) -> None:
    with pytest.raises(MailFormatError, match="not a directory"):
        list(iter_eml_dir(tmp_path / "missing"))
