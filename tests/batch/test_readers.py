"""The batch readers: units, positions and bad records, format by format."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from mamori.batch import ScanOptions, iter_chunks, process_chunk, run_chunks
from mamori.errors import MailFormatError, RecordError
from mamori.formats import iter_eml_dir, iter_maildir, iter_mbox, parse_eml
from mamori.formats.readers import (
    detect_format,
    iter_eml_names,
    iter_maildir_names,
    iter_mbox_raw,
    open_source,
    read_unit,
)
from mamori.message import Message

from .samples import QUIET, SCAM, broken_mail, jsonl, mail, maildir, mbox


def _scan(source: Path | str, fmt: str, **kw) -> list[dict]:
    """Run the library path (open, chunk, process) in this process; return the decoded records."""
    import json

    src = open_source(str(source), fmt, **kw)
    try:
        options = ScanOptions(fmt, root=src.root, csv_columns=src.csv_columns)
        out = []
        for result in run_chunks(iter_chunks(src.units(), size=3), options, 1):
            out += [json.loads(line) for line in result.lines.decode().splitlines()]
        return out
    finally:
        src.close()


def test_detect_format(tmp_path: Path) -> None:
    assert detect_format("-") == "jsonl"
    assert detect_format("a.NDJSON") == "jsonl"
    assert detect_format("a.csv") == "csv"
    assert detect_format("a.mbox") == "mbox"
    assert detect_format("a.eml") == "eml"
    maildir(tmp_path / "md", {})
    assert detect_format(str(tmp_path / "md")) == "maildir"
    (tmp_path / "emls").mkdir()
    assert detect_format(str(tmp_path / "emls")) == "emldir"


def test_csv_columns_rows_and_bad_rows(tmp_path: Path) -> None:
    f = tmp_path / "in.csv"
    f.write_bytes(
        b"msg_id,body,via\n"
        + f'1,"{SCAM}",phone\n'.encode()
        + f'2,"{QUIET}\n二行目です",\n'.encode()  # a quoted newline: still row 2
        + b"3\n"  # missing the text column
        + b"\n"  # a blank row: counted, not output
        + "5,\xff\xfe,sms\n".encode("latin-1")  # not UTF-8
        + "6,こんにちは,fax\n".encode()  # unknown channel
        + "7,マイナンバーの手続き,sms\n".encode()
    )
    out = _scan(f, "csv", text_column="body", id_column="msg_id", channel_column="via")
    assert [r["row"] for r in out] == [1, 2, 3, 5, 6, 7]
    assert out[0]["id"] == "1" and out[0]["verdict"] == "danger" and out[0]["channel"] == "phone"
    assert out[1]["verdict"] == "no_signal" and out[1]["channel"] == "unknown"
    assert out[2]["error_type"] == "RecordError" and "row 3" in out[2]["error"] and "body" in out[2]["error"]
    assert out[3]["error_type"] == "RecordError" and "not valid utf-8" in out[3]["error"]
    assert out[4]["error_type"] == "ChannelError"
    assert out[5]["id"] == "7" and out[5]["channel"] == "sms"


def test_csv_without_the_text_column_fails_at_once(tmp_path: Path) -> None:
    f = tmp_path / "in.csv"
    f.write_text("id,message\n1,x\n", encoding="utf-8")
    with pytest.raises(RecordError, match="no column 'text'.*--text-column"):
        open_source(str(f), "csv")
    f.write_text("", encoding="utf-8")
    with pytest.raises(RecordError, match="header"):
        open_source(str(f), "csv")


def test_csv_in_cp932_with_bom_free_header(tmp_path: Path) -> None:
    f = tmp_path / "in.csv"
    f.write_bytes(f"text\n{SCAM}\n".encode("cp932"))
    out = _scan(f, "csv", encoding="cp932")
    assert out[0]["verdict"] == "danger"
    out = _scan(f, "csv")  # read as UTF-8: an error record, not a crash
    assert out[0]["error_type"] == "RecordError" and out[0]["row"] == 1


def test_jsonl_overlong_line_is_an_error_record_in_bounded_memory(tmp_path: Path, monkeypatch) -> None:
    import mamori.formats.readers as readers

    monkeypatch.setattr(readers, "MAX_RECORD_BYTES", 300)
    f = tmp_path / "in.jsonl"
    f.write_bytes(
        jsonl([{"id": 1, "text": QUIET}])
        + b'{"text": "'
        + b"x" * 1000
        + b'"}\n'
        + jsonl([{"id": 3, "text": SCAM}])
    )
    out = _scan(f, "jsonl")
    assert [r["line"] for r in out] == [1, 2, 3]
    assert "line 2" in out[1]["error"] and "line limit" in out[1]["error"]
    assert out[2]["id"] == 3 and out[2]["verdict"] == "danger"


def test_mbox_raw_split_matches_iter_mbox() -> None:
    body = "From the city office:\nマイナンバーの確認\n\n>From here on\nFrom now on, no split\n"
    escaped = mail(body).replace(b"\nFrom the", b"\n>From the").replace(b"\n>From here", b"\n>>From here")
    data = b"preamble line\n\n" + mbox(
        mail(), escaped, broken_mail(), b"\x00garbage", mail(charset="shift_jis")
    )
    expected = list(iter_mbox(io.BytesIO(data)))
    raw = list(iter_mbox_raw(io.BytesIO(data)))
    assert len(raw) == len(expected) == 6
    for (_, want), got in zip(expected, raw, strict=True):
        if isinstance(want, Message):
            assert parse_eml(got) == want
        else:
            with pytest.raises(MailFormatError):
                parse_eml(got)


def test_mbox_oversized_message_is_skipped_whole() -> None:
    data = mbox(mail(), mail("x" * 5000), mail())
    raw = list(iter_mbox_raw(io.BytesIO(data), max_bytes=2000))
    assert [type(r).__name__ for r in raw] == ["bytes", "MailFormatError", "bytes"]


def test_mbox_records_have_message_numbers_and_ids(tmp_path: Path) -> None:
    f = tmp_path / "box.mbox"
    f.write_bytes(mbox(mail(msgid="<a@example.jp>"), broken_mail(), mail(QUIET, subject="会議")))
    out = _scan(f, "mbox")
    assert [r["message"] for r in out] == [1, 2, 3]
    assert out[0]["id"] == "<a@example.jp>" and out[0]["verdict"] in ("caution", "danger")
    assert out[0]["channel"] == "email"
    assert out[1]["error_type"] == "MailFormatError" and out[1]["error"].startswith("message 2:")
    assert "error" not in out[2] and out[2]["message"] == 3


def test_maildir_and_eml_dir_orders_match_the_email_module(tmp_path: Path) -> None:
    md = maildir(
        tmp_path / "md",
        {"new/b": mail(), "cur/z:2,S": mail(QUIET), "cur/a:2,S": broken_mail(), "cur/.hidden": mail()},
    )
    assert (
        list(iter_maildir_names(md))
        == [name for name, _ in iter_maildir(md)]
        == ["cur/a:2,S", "cur/z:2,S", "new/b"]
    )
    out = _scan(md, "maildir")
    assert [r["file"] for r in out] == ["cur/a:2,S", "cur/z:2,S", "new/b"]
    assert out[0]["error_type"] == "MailFormatError" and out[0]["error"].startswith("cur/a:2,S:")
    emls = tmp_path / "emls"
    for name in ("b.eml", "a/x.eml", "a.eml", "a/y/z.EML", "notes.txt"):
        (emls / name).parent.mkdir(parents=True, exist_ok=True)
        (emls / name).write_bytes(mail())
    assert list(iter_eml_names(emls)) == [name for name, _ in iter_eml_dir(emls)]
    assert [r["file"] for r in _scan(emls, "emldir")] == list(iter_eml_names(emls))


def test_read_unit_blank_and_error_units() -> None:
    assert read_unit("jsonl", b"  \n", 4) is None
    with pytest.raises(RecordError, match="^line 9: boom"):
        read_unit("jsonl", RecordError("boom"), 9)


def test_process_chunk_filters_but_counts_everything() -> None:
    from mamori.analyzer import Analyzer

    units = [
        b'{"id": 1, "text": "%s"}\n' % SCAM.encode(),
        b'{"id": 2, "text": "%s"}\n' % QUIET.encode(),
        b"{bad\n",
    ]
    res = process_chunk(Analyzer(), ScanOptions(only=frozenset({"danger"})), (1, units))
    assert res.units == 3 and res.summary.total == 3 and res.summary.errors == 1
    assert res.summary.verdicts == {"danger": 1, "no_signal": 1}
    assert len(res.lines.decode().splitlines()) == 2  # the danger record and the error record


def test_pool_keeps_order_with_a_small_window(tmp_path: Path) -> None:
    import json

    units = [jsonl([{"id": i, "text": SCAM if i % 3 else QUIET}]) for i in range(200)]
    serial = b"".join(r.lines for r in run_chunks(iter_chunks(units, size=7), ScanOptions(), 1))
    results = list(run_chunks(iter_chunks(units, size=7), ScanOptions(), 2, in_flight=2))
    assert b"".join(r.lines for r in results) == serial
    assert [json.loads(x)["id"] for x in serial.decode().splitlines()] == list(range(200))
    assert os.getpid() not in {r.worker for r in results}  # the work ran in the pool
