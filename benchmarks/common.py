"""Shared helpers for the benchmarks behind ``make bench``."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
SHARED = (ROOT / ".." / "shared").resolve()
RESULTS = ROOT / "benchmarks" / "results.json"


def corpus_texts() -> list[str]:
    texts: list[str] = []
    for name in ("fraud.jsonl", "legit.jsonl"):
        for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    seed = SHARED / "data" / "seed_cases.jsonl"
    if seed.exists():
        texts += [json.loads(line)["text"] for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def median(values: list[float]) -> float:
    return statistics.median(values)


def merge_results(section: str, data: dict) -> None:
    """Write one section of benchmarks/results.json, keeping the others."""
    current = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    current[section] = data
    RESULTS.write_text(json.dumps(current, ensure_ascii=False, indent=2) + "\n")
