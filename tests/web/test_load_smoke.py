"""A short load run against the real server: 500 analyses at concurrency 32, no errors.

The full run (50,000 requests, memory) is ``benchmarks/bench_web.py``; timing targets live there.
"""

from __future__ import annotations

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor

from .conftest import QUIET, ROOT, SCAM


def test_500_requests_at_concurrency_32_without_errors(live_server, seed_cases):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from bench_web import load, rss_mb
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    texts = [c["text"] for c in seed_cases] + [SCAM, QUIET]
    warm = _run(load(live_server.url, texts, 200, 32, time_limit=120))
    assert warm["errors"] == 0, warm["error_kinds"]
    before = rss_mb(live_server.process.pid)
    result = _run(load(live_server.url, texts, 500, 32, pid=live_server.process.pid, time_limit=120))
    assert result["requests"] == 500
    assert result["errors"] == 0, result["error_kinds"]
    assert rss_mb(live_server.process.pid) < before + 30


def _run(coro):
    """asyncio.run in a thread of its own (Playwright's sync API may hold this thread's loop)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
