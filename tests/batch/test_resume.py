"""``mamori scan --resume``: a scan killed with SIGKILL mid-run, then resumed, writes exactly what an
uninterrupted scan writes (JSON lines byte for byte, Parquet row for row)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CORPUS, assert_clean_failure, run_cli

from .samples import corpus_records, jsonl

REPEAT = 80  # about 12,000 records: several seconds of work for two workers


@pytest.fixture(scope="module")
def big_input(tmp_path_factory) -> Path:
    lines = jsonl(corpus_records(CORPUS, repeat=REPEAT)).splitlines(keepends=True)
    lines.insert(1000, b"{broken json\n")
    lines.insert(7000, b"\n")
    f = tmp_path_factory.mktemp("resume") / "in.jsonl"
    f.write_bytes(b"".join(lines))
    return f


def _summary(proc: subprocess.CompletedProcess) -> dict:
    last = proc.stderr.decode().strip().splitlines()[-1]
    assert last.startswith('{"summary"'), proc.stderr.decode()[-2000:]
    return json.loads(last)


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "mamori", "scan", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _kill_after_checkpoint(proc: subprocess.Popen, checkpoint: Path, ready) -> dict:
    """SIGKILL the scan once its checkpoint satisfies ``ready``; return that checkpoint."""
    deadline = time.monotonic() + 120
    state: dict = {}
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            state = json.loads(checkpoint.read_text())
        except (FileNotFoundError, ValueError):
            state = {}
        if state and ready(state):
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the scan ended before it could be killed: make the input larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    _assert_workers_gone(proc.pid)
    return state


def _assert_workers_gone(pgid: int) -> None:
    """The pool's workers exit on their own when their parent dies."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.killpg(pgid, signal.SIGKILL)  # clean up what we started before failing
    pytest.fail("worker processes outlived their killed parent")


def test_jsonl_resume_after_sigkill_is_byte_identical(big_input: Path, tmp_path: Path) -> None:
    ref = tmp_path / "ref.jsonl"
    full = run_cli("scan", str(big_input), "-j", "2", "-o", str(ref), timeout=300)
    assert full.returncode == 65, full.stderr.decode()[-2000:]
    out = tmp_path / "out.jsonl"
    checkpoint = Path(str(out) + ".mamori-checkpoint")
    proc = _start(str(big_input), "-j", "2", "-o", str(out), "--checkpoint-interval", "0.2")
    state = _kill_after_checkpoint(proc, checkpoint, lambda s: s["units_done"] >= 2048)
    assert out.stat().st_size >= state["output_offset"] > 0
    assert state["summary"]["errors"] == 1  # the broken line 1001 was already done
    resumed = run_cli("scan", str(big_input), "-j", "2", "-o", str(out), "--resume", timeout=300)
    assert resumed.returncode == 65 and _summary(resumed)
    assert out.read_bytes() == ref.read_bytes()
    assert not checkpoint.exists()
    summary = _summary(resumed)
    assert summary["summary"] == _summary(full)["summary"]
    assert summary["run"]["resumed_at"] == state["units_done"]


def test_parquet_resume_after_sigkill_is_row_identical(big_input: Path, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    ref = tmp_path / "ref.parquet"
    args = ["-j", "2", "--part-rows", "500"]
    full = run_cli("scan", str(big_input), "-o", str(ref), *args, timeout=300)
    assert full.returncode == 65, full.stderr.decode()[-2000:]
    out = tmp_path / "out.parquet"
    proc = _start(str(big_input), "-o", str(out), *args)
    state = _kill_after_checkpoint(proc, Path(str(out) + ".mamori-checkpoint"), lambda s: s["parts"] >= 3)
    assert not out.exists() and (tmp_path / "out.parquet.mamori-parts").is_dir()
    resumed = run_cli("scan", str(big_input), "-o", str(out), *args, "--resume", timeout=300)
    assert resumed.returncode == 65 and _summary(resumed)
    assert _summary(resumed)["run"]["resumed_at"] == state["units_done"]
    want, got = pq.read_table(ref), pq.read_table(out)
    assert got.schema == want.schema and got.num_rows == want.num_rows > 10_000
    assert got.to_pylist() == want.to_pylist()
    ref_meta, out_meta = pq.ParquetFile(ref).metadata, pq.ParquetFile(out).metadata
    assert [out_meta.row_group(i).num_rows for i in range(out_meta.num_row_groups)] == [
        ref_meta.row_group(i).num_rows for i in range(ref_meta.num_row_groups)
    ]


def test_resume_refuses_another_input_or_other_options(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(jsonl(corpus_records(CORPUS)))
    out = tmp_path / "out.jsonl"
    checkpoint = Path(str(out) + ".mamori-checkpoint")
    assert run_cli("scan", str(src), "-o", str(out)).returncode == 0 and not checkpoint.exists()
    state = {
        "version": 1,
        "input": {},
        "settings": {},
        "units_done": 10,
        "output_offset": 0,
        "summary": {"total": 0, "errors": 0, "verdicts": {}, "tactics": {}},
    }
    checkpoint.write_text(json.dumps(state))
    bad = run_cli("scan", str(src), "-o", str(out), "--resume")
    assert_clean_failure(bad, 65)
    assert "other options" in bad.stderr.decode()
    checkpoint.write_text("{not json")
    assert_clean_failure(run_cli("scan", str(src), "-o", str(out), "--resume"), 65)


def test_resume_with_other_rules_or_a_changed_input_is_refused(tmp_path: Path, big_input: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(big_input.read_bytes())
    out = tmp_path / "out.jsonl"
    proc = _start(str(src), "-o", str(out), "--checkpoint-interval", "0.2")
    checkpoint = Path(str(out) + ".mamori-checkpoint")
    _kill_after_checkpoint(proc, checkpoint, lambda s: s["units_done"] >= 256)
    saved = checkpoint.read_text()
    checkpoint.write_text(saved.replace('"rules_version": "', '"rules_version": "0+other-'))
    bad = run_cli("scan", str(src), "-o", str(out), "--resume")
    assert_clean_failure(bad, 65)
    assert "written with rules 0+other-" in bad.stderr.decode()
    checkpoint.write_text(saved)
    with src.open("ab") as fh:
        fh.write(jsonl([{"text": "追加の行"}]))
    bad = run_cli("scan", str(src), "-o", str(out), "--resume")
    assert_clean_failure(bad, 65)
    assert "not the one the checkpoint" in bad.stderr.decode()


def test_resume_without_a_checkpoint_starts_over(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(jsonl(corpus_records(CORPUS)[:20]))
    out = tmp_path / "out.jsonl"
    out.write_text("stale\n")
    proc = run_cli("scan", str(src), "-o", str(out), "--resume")
    assert proc.returncode == 0 and "starting from the beginning" in proc.stderr.decode()
    assert out.read_bytes() == run_cli("scan", str(src)).stdout
