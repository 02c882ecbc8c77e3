"""Shared fixtures: paths to the shared seed data and the project's own corpus."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()
CORPUS = ROOT / "tests" / "corpus"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def seed_cases() -> list[dict]:
    return read_jsonl(SHARED / "data" / "seed_cases.jsonl")


@pytest.fixture(scope="session")
def seed_page() -> str:
    files = sorted((SHARED / "seed").glob("*.txt"))
    assert files, "the seed page is missing from ../shared/seed"
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


@pytest.fixture(scope="session")
def fraud_corpus() -> list[dict]:
    return read_jsonl(CORPUS / "fraud.jsonl")


@pytest.fixture(scope="session")
def legit_corpus() -> list[dict]:
    return read_jsonl(CORPUS / "legit.jsonl")


def run_cli(*args: str, input: bytes | None = None, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the installed ``mamori`` command as a user would; never through click's test runner."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "mamori", *args], input=input, capture_output=True, timeout=timeout, env=full_env,
    )


def assert_clean_failure(proc: subprocess.CompletedProcess, code: int | None = None) -> None:
    """A failure that says what went wrong, with no traceback."""
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    assert err.strip().startswith("Error:") or "Error:" in err, err
    if code is not None:
        assert proc.returncode == code, (proc.returncode, err)
    else:
        assert proc.returncode not in (0, 1, 2), (proc.returncode, err)
