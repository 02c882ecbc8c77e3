"""``mamori scan`` as a user runs it: workers, formats, outputs, filters, summary and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CORPUS, assert_clean_failure, run_cli

from .samples import QUIET, SCAM, broken_mail, corpus_records, jsonl, mail, maildir, mbox


def _records(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode().splitlines()]


def _summary(proc) -> dict:
    return json.loads(proc.stderr.decode().strip().splitlines()[-1])


@pytest.fixture(scope="module")
def mixed_input(tmp_path_factory) -> Path:
    """Corpus messages, twice, with bad lines sprinkled in."""
    recs = corpus_records(CORPUS, repeat=2)
    lines = jsonl(recs).splitlines(keepends=True)
    for pos, bad in (
        (5, b"{not json\n"),
        (77, b"\xff\xfe broken\n"),
        (200, b"\n"),
        (250, b'{"id": "e", "text": " "}\n'),
    ):
        lines.insert(pos, bad)
    f = tmp_path_factory.mktemp("scan") / "in.jsonl"
    f.write_bytes(b"".join(lines))
    return f


def test_two_workers_write_what_one_writes(mixed_input: Path, tmp_path: Path) -> None:
    one = run_cli("scan", str(mixed_input), "-j", "1", "-o", str(tmp_path / "one.jsonl"))
    two = run_cli("scan", str(mixed_input), "-j", "2", "-o", str(tmp_path / "two.jsonl"))
    assert one.returncode == two.returncode == 65, two.stderr.decode()[-2000:]
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()
    out = _records((tmp_path / "two.jsonl").read_bytes())
    assert [r["line"] for r in out] == [n for n in range(1, len(out) + 2) if n != 201]  # the blank line 201
    errors = [r for r in out if "error" in r]
    assert [r["line"] for r in errors] == [6, 78, 251]
    s1, s2 = _summary(one), _summary(two)
    assert s1["summary"] == s2["summary"]
    assert s2["summary"]["errors"] == 3 and s2["summary"]["total"] == len(out)
    assert sum(s2["summary"]["verdicts"].values()) == len(out) - 3
    assert s2["summary"]["tactics"]["impersonation"] > 0
    assert s2["run"]["jobs"] == 2 and s2["run"]["peak_rss_mb"]["worker_max"] > 0
    assert not (tmp_path / "two.jsonl.mamori-checkpoint").exists()
    assert "Traceback" not in two.stderr.decode()


def test_stdin_stdout_and_only_filter(mixed_input: Path) -> None:
    proc = run_cli("scan", "-j", "2", "--only", "danger,caution", input=mixed_input.read_bytes())
    out = _records(proc.stdout)
    assert proc.returncode == 65
    assert {r.get("verdict") for r in out} <= {"danger", "caution", None}
    assert len([r for r in out if "error" in r]) == 3
    assert _summary(proc)["summary"]["verdicts"]["no_signal"] > 0  # counted, not written


def test_no_errors_exit_0_and_no_progress_bar_when_piped(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    f.write_bytes(jsonl([{"id": 1, "text": SCAM}, {"id": 2, "text": QUIET}]))
    proc = run_cli("scan", str(f), "-j", "2")
    assert proc.returncode == 0
    assert [r["id"] for r in _records(proc.stdout)] == [1, 2]
    assert len(proc.stderr.decode().strip().splitlines()) == 1  # only the summary line


def test_progress_bar_can_be_forced(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    f.write_bytes(jsonl([{"id": i, "text": SCAM} for i in range(50)]))
    proc = run_cli("scan", str(f), "--progress", "-o", str(tmp_path / "o.jsonl"))
    assert proc.returncode == 0
    assert "msgs/s" in proc.stderr.decode()


def test_csv_input(tmp_path: Path) -> None:
    f = tmp_path / "sms.csv"
    f.write_text(f'msg_id,body\na1,"{SCAM}"\na2,{QUIET}\na3\n', encoding="utf-8")
    proc = run_cli("scan", str(f), "--text-column", "body", "--id-column", "msg_id", "--channel", "sms")
    out = _records(proc.stdout)
    assert proc.returncode == 65
    assert [(r["row"], r["id"]) for r in out] == [(1, "a1"), (2, "a2"), (3, None)]
    assert out[0]["verdict"] == "danger" and out[0]["channel"] == "sms"
    assert "row 3" in out[2]["error"]
    bad = run_cli("scan", str(f))  # no column "text"
    assert_clean_failure(bad, 65)
    assert "--text-column" in bad.stderr.decode()


def test_mail_inputs(tmp_path: Path) -> None:
    box = tmp_path / "box.mbox"
    box.write_bytes(mbox(mail(msgid="<1@x>"), broken_mail(), mail(QUIET, subject="会議")))
    proc = run_cli("scan", str(box), "-j", "2")
    out = _records(proc.stdout)
    assert proc.returncode == 65
    assert [r["message"] for r in out] == [1, 2, 3] and out[0]["id"] == "<1@x>"
    assert out[1]["error_type"] == "MailFormatError"
    md = maildir(tmp_path / "Maildir", {"cur/1:2,S": mail(), "new/2": mail(QUIET)})
    out = _records(run_cli("scan", str(md)).stdout)
    assert [r["file"] for r in out] == ["cur/1:2,S", "new/2"]
    emls = tmp_path / "emls"
    (emls / "sub").mkdir(parents=True)
    (emls / "sub" / "a.eml").write_bytes(mail())
    (emls / "b.eml").write_bytes(broken_mail())
    proc = run_cli("scan", str(emls), "--format", "emldir")
    assert [r["file"] for r in _records(proc.stdout)] == ["b.eml", "sub/a.eml"] and proc.returncode == 65
    one = run_cli("scan", str(emls / "sub" / "a.eml"))
    assert _records(one.stdout)[0]["file"] == "a.eml" and one.returncode == 0


def test_parquet_rows_equal_json_lines(mixed_input: Path, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "out.parquet"
    proc = run_cli("scan", str(mixed_input), "-j", "2", "-o", str(out), "--part-rows", "100")
    assert proc.returncode == 65, proc.stderr.decode()[-2000:]
    reference = _records(run_cli("scan", str(mixed_input)).stdout)
    table = pq.read_table(out)
    meta = pq.ParquetFile(out).metadata  # one row group per part, parts cut after whole chunks
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert len(sizes) >= 2 and all(n >= 100 for n in sizes[:-1])
    assert table.column_names[:3] == ["line", "id", "verdict"]
    rows = table.to_pylist()
    assert len(rows) == len(reference)
    for row, rec in zip(rows, reference, strict=True):
        assert row["line"] == rec["line"]
        assert row["id"] == (
            rec["id"] if rec["id"] is None or isinstance(rec["id"], str) else json.dumps(rec["id"])
        )
        if "error" in rec:
            assert (row["error"], row["error_type"], row["verdict"]) == (
                rec["error"],
                rec["error_type"],
                None,
            )
            continue
        assert json.loads(row["signals"]) == rec["signals"]
        assert json.loads(row["caution_points"]) == rec["caution_points"]
        assert json.loads(row["tactic_scores"]) == rec["tactic_scores"]
        for key in (
            "verdict",
            "verdict_ja",
            "score",
            "tactics",
            "advice",
            "channel",
            "rules_version",
            "notes",
        ):
            assert row[key] == rec[key], key
    assert not Path(str(out) + ".mamori-parts").exists()


def test_usage_errors() -> None:
    assert_clean_failure(run_cli("scan", "-", "--only", "safe", input=b""), 64)
    assert_clean_failure(run_cli("scan", "-", "--resume", input=b""), 64)
    assert_clean_failure(run_cli("scan", "-", "--output-format", "parquet", input=b""), 64)
    assert_clean_failure(run_cli("scan", "/nonexistent/in.jsonl"), 66)


def test_output_must_not_be_the_input(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    f.write_bytes(jsonl([{"text": SCAM}]))
    assert_clean_failure(run_cli("scan", str(f), "-o", str(f)), 64)
    assert f.read_bytes() == jsonl([{"text": SCAM}])


def test_parquet_without_pyarrow_names_the_extra(tmp_path: Path) -> None:
    fake = tmp_path / "site" / "pyarrow"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'pyarrow'\", name='pyarrow')\n"
    )
    f = tmp_path / "in.jsonl"
    f.write_bytes(jsonl([{"text": SCAM}]))
    env = {"PYTHONPATH": str(tmp_path / "site")}
    proc = run_cli("scan", str(f), "-o", str(tmp_path / "out.parquet"), env=env)
    assert_clean_failure(proc, 70)
    assert "mamori[parquet]" in proc.stderr.decode()
    assert run_cli("scan", str(f), "-o", str(tmp_path / "out.jsonl"), env=env).returncode == 0


def test_output_to_a_device_is_a_stream_without_checkpoint(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    f.write_bytes(jsonl([{"text": SCAM}] * 300))
    proc = run_cli("scan", str(f), "-j", "2", "-o", "/dev/null", "--checkpoint-interval", "0")
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert not Path("/dev/null.mamori-checkpoint").exists()
    assert_clean_failure(run_cli("scan", str(f), "-o", "/dev/null", "--resume"), 64)
