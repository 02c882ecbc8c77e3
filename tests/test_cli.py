"""The ``mamori`` command, run as a user runs it: output, exit codes and bad input."""

from __future__ import annotations

import json

from stdnum.jp import in_

from conftest import assert_clean_failure, run_cli

SCAM = "警察の者です。あなたのマイナンバーが悪用されています。キャッシュカードを預かりに伺います。"


def test_check_human_output_and_exit_codes():
    proc = run_cli("check", SCAM)
    out = proc.stdout.decode()
    assert proc.returncode == 2, proc.stderr.decode()
    assert "危険" in out and "#9110" in out and "188" in out and "理由" in out
    quiet = run_cli("check", "明日の会議は10時からです。")
    assert quiet.returncode == 0
    assert "既知の手口は見つかりませんでした" in quiet.stdout.decode()


def test_check_json_is_report_to_dict():
    proc = run_cli("check", "--json", "--channel", "phone", SCAM)
    data = json.loads(proc.stdout)
    assert data["verdict"] == "danger" and data["channel"] == "phone"
    assert proc.returncode == 2


def test_check_reads_stdin():
    proc = run_cli("check", "--json", "-", input=SCAM.encode())
    assert json.loads(proc.stdout)["verdict"] == "danger"


def test_check_caution_exit_code_is_1():
    proc = run_cli("check", "--json", "あなたのマイナンバーが漏えいしています。")
    verdict = json.loads(proc.stdout)["verdict"]
    assert proc.returncode == {"caution": 1, "danger": 2, "no_signal": 0}[verdict]


def test_bad_input_gives_clear_errors():
    assert_clean_failure(run_cli("check", ""), 65)
    assert_clean_failure(run_cli("check", "-", input=b"   \n\t "), 65)
    assert_clean_failure(run_cli("check", "-", input=b"\x82\xa0\x82\xa2\xff\xfe"), 65)  # cp932 bytes, not UTF-8
    assert_clean_failure(run_cli("check", "-", input=("あ" * 3_000_000).encode()), 65)  # 9 MB
    assert_clean_failure(run_cli("check", "--channel", "fax", "x"), 64)
    assert_clean_failure(run_cli("check"), 64)
    assert_clean_failure(run_cli("check", "--eml", "/nonexistent/file.eml"), 66)


def test_stdin_with_declared_encoding():
    proc = run_cli("check", "--json", "--encoding", "cp932", "-", input=SCAM.encode("cp932"))
    assert json.loads(proc.stdout)["verdict"] == "danger"


def test_nul_bytes_and_lone_surrogate_escapes_are_reported_not_crashed():
    proc = run_cli("check", "--json", "-", input="市役所の者です\x00。暗証番号を教えて".encode())
    assert proc.returncode in (1, 2) and "Traceback" not in proc.stderr.decode()
    proc = run_cli("check", "--json", "-", input=b"\xed\xa0\x80 surrogate")
    assert_clean_failure(proc, 65)


def test_five_megabytes_on_stdin_is_handled():
    text = ("お知らせです。" * 250_000).encode()  # about 5 MB of UTF-8
    proc = run_cli("check", "--json", "-", input=text)
    assert proc.returncode == 0 or "Error:" in proc.stderr.decode()
    assert "Traceback" not in proc.stderr.decode()


def test_scan_keeps_order_ids_and_reports_bad_lines():
    lines = [
        json.dumps({"id": "a", "text": SCAM, "channel": "phone"}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": 7, "text": "明日の会議は10時からです。"}, ensure_ascii=False),
        json.dumps({"id": "no-text"}),
        json.dumps({"id": "bad-channel", "text": "x", "channel": "fax"}),
        json.dumps(["a list"]),
        json.dumps({"id": "turns", "turns": [{"speaker": "相手", "text": "警察の者です"},
                                            {"speaker": "相手", "text": "暗証番号を教えてください"}]}, ensure_ascii=False),
    ]
    data = ("\n".join(lines) + "\n").encode() + b"\xff\xfe broken utf-8\n"
    proc = run_cli("scan", "-", input=data)
    assert proc.returncode == 65
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert len(out) == 8
    assert out[0]["id"] == "a" and out[0]["verdict"] == "danger" and out[0]["line"] == 1
    assert out[1]["line"] == 2 and "invalid JSON" in out[1]["error"]
    assert out[2]["id"] == 7 and out[2]["verdict"] == "no_signal"
    assert out[3]["line"] == 4 and "text" in out[3]["error"]
    assert out[4]["error_type"] == "ChannelError"
    assert out[5]["line"] == 6
    assert out[6]["id"] == "turns" and out[6]["verdict"] in ("caution", "danger")
    assert out[7]["line"] == 8 and "UTF-8" in out[7]["error"]
    summary = json.loads(proc.stderr.decode().strip().splitlines()[-1])["summary"]
    assert summary["total"] == 8 and summary["errors"] == 5
    assert "Traceback" not in proc.stderr.decode()


def test_scan_only_filter(tmp_path):
    f = tmp_path / "in.jsonl"
    f.write_text(
        json.dumps({"id": 1, "text": SCAM}, ensure_ascii=False) + "\n"
        + json.dumps({"id": 2, "text": "明日の会議は10時からです。"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    proc = run_cli("scan", str(f), "--only", "danger")
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [r["id"] for r in out] == [1]
    assert proc.returncode == 0


def test_no_mynumber_in_any_output():
    prefix = "98765432101"
    number = prefix + in_.calc_check_digit(prefix)
    text = f"区役所の者です。マイナンバーは{number}で合っていますか。"
    for args in (("check", text), ("check", "--json", text)):
        proc = run_cli(*args)
        assert number not in proc.stdout.decode() + proc.stderr.decode()
    line = json.dumps({"id": "x", "text": text}, ensure_ascii=False).encode()
    proc = run_cli("scan", "-", input=line + b"\n" + b'{"id": "' + number.encode() + b'", "text": 5}\n')
    assert number not in proc.stdout.decode() + proc.stderr.decode()


def test_eval_prints_recall_and_false_positive_rate(tmp_path):
    f = tmp_path / "labelled.jsonl"
    f.write_text(
        json.dumps({"text": SCAM, "label": "fraud", "tactics": ["impersonation"]}, ensure_ascii=False) + "\n"
        + json.dumps({"text": "明日の会議は10時からです。", "label": "legit"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    proc = run_cli("eval", "--json", str(f))
    s = json.loads(proc.stdout)
    assert s["recall"] == 1.0 and s["false_positive_rate"] == 0.0
    assert s["tactics"]["impersonation"]["recall"] == 1.0
    human = run_cli("eval", str(f)).stdout.decode()
    assert "recall" in human and "false-positive" in human


def test_demo_rules_list_and_rules_test():
    demo = run_cli("demo")
    assert demo.returncode == 0 and "seed-001" in demo.stdout.decode()
    listing = run_cli("rules", "list")
    assert "CLAIMS_AUTHORITY" in listing.stdout.decode()
    tested = run_cli("rules", "test")
    assert tested.returncode == 0, tested.stdout.decode()[-2000:]
    assert " 0 failed" in tested.stdout.decode()


def test_help_for_every_command():
    for args in (["--help"], ["check", "--help"], ["scan", "--help"], ["eval", "--help"], ["demo", "--help"],
                 ["rules", "--help"]):
        proc = run_cli(*args)
        assert proc.returncode == 0 and "Usage" in proc.stdout.decode()
