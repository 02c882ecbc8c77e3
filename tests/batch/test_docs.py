"""docs/batch.md and docs/spark.md cannot rot: their options exist and their Python example runs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, run_cli

from .samples import QUIET, SCAM, jsonl

DOCS = ROOT / "docs"
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]+")


def _blocks(text: str, lang: str = "") -> list[str]:
    return [body for tag, body in re.findall(r"^```(\w*)\n(.*?)^```", text, flags=re.S | re.M) if tag == lang]


def test_every_scan_option_in_the_docs_exists() -> None:
    text = (DOCS / "batch.md").read_text(encoding="utf-8")
    used = {o for line in text.splitlines() if "mamori scan" in line for o in OPTION.findall(line)}
    used |= set(re.findall(r"`(--[a-z][a-z-]+)", text))
    helped = run_cli("scan", "--help").stdout.decode()
    assert used and not {o for o in used if o not in helped}


def test_every_spark_scan_option_in_the_docs_exists() -> None:
    text = (DOCS / "spark.md").read_text(encoding="utf-8")
    synopsis = next(b for b in _blocks(text) if b.startswith("mamori spark-scan"))
    used = set(OPTION.findall(synopsis))
    helped = run_cli("spark-scan", "--help").stdout.decode()
    assert len(used) >= 8 and not {o for o in used if o not in helped}


def test_the_library_example_runs(tmp_path: Path) -> None:
    (example,) = _blocks((DOCS / "batch.md").read_text(encoding="utf-8"), "python")
    script = tmp_path / "example.py"
    script.write_text(example, encoding="utf-8")
    (tmp_path / "messages.jsonl").write_bytes(jsonl([{"id": 1, "text": SCAM}, {"id": 2, "text": QUIET}]))
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [(r["id"], r["line"]) for r in out] == [(1, 1), (2, 2)] and out[0]["verdict"] == "danger"
    assert "'total': 2" in proc.stderr.decode()
