"""Web API load: ``POST /api/v1/analyze`` at concurrency 32 against ``mamori serve`` on 127.0.0.1.

Starts a real server (one uvicorn worker, a temp SQLite registry with the seed cases) in a
subprocess, drives it with a small asyncio client (keep-alive HTTP/1.1 on asyncio streams, so the
client stays light on a 2-core machine), and reports requests/s, latency percentiles, errors, and
the server's RSS after warm-up and at the end (memory must stay flat).
Traffic goes to 127.0.0.1 only; the run is bounded in requests and in time.

    python benchmarks/bench_web.py [REQUESTS] [CONCURRENCY]
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import corpus_texts, percentile  # noqa: E402

REQUESTS = 50_000
CONCURRENCY = 32
WARMUP = 2_000
SIMILAR_REQUESTS = 2_000
TIME_LIMIT_S = 900.0
CHANNELS = ("sms", "email", "phone", "visit", "unknown")

TARGETS = {
    "errors": ("0", lambda v: v == 0),
    "similar_errors": ("0", lambda v: v == 0),
    "rps": ("≥ 250 requests/s (2 cores)", lambda v: v >= 250),
    "p99_ms": ("≤ 300 ms at concurrency 32", lambda v: v <= 300),
    "rss_growth_mb": ("≤ 10 MB over the run (flat)", lambda v: v <= 10),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@contextlib.contextmanager
def serve(workdir: Path, *, seed: bool = True) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run ``mamori serve`` on a free loopback port with a fresh SQLite registry; yield its URL."""
    port = free_port()
    db = f"sqlite:///{workdir / 'bench.db'}"
    env = dict(os.environ, MAMORI_DATA_DIR=str(workdir), MAMORI_SECRET_KEY="bench-" + "s" * 40)
    env.pop("MAMORI_DATABASE_URL", None)
    if seed:
        subprocess.run([sys.executable, "-m", "mamori", "cases", "load-seed", "--database", db],
                       env=env, capture_output=True, check=False, timeout=120)
    log = (workdir / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mamori", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--database", db, "--no-access-log"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, proc)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"mamori serve exited with {proc.returncode} before it was ready")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url + "/", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"mamori serve did not answer on {url} within {timeout:.0f} s")


class _Connection:
    """One keep-alive HTTP/1.1 connection on asyncio streams: a client light enough that the
    server, not the client, is what gets measured on a small machine."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes, timeout: float) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        self.writer.write(head + body)
        return await asyncio.wait_for(self._response(), timeout)

    async def _response(self) -> int:
        assert self.reader is not None
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        status = int(status_line.split()[1])
        length, close = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                close = True
        await self.reader.readexactly(length)
        if close:
            await self.close()
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def load(url: str, texts: list[str], requests: int, concurrency: int, *,
               pid: int | None = None, time_limit: float = TIME_LIMIT_S, path: str = "/api/v1/analyze") -> dict:
    """Send ``requests`` analyze calls with ``concurrency`` workers; latencies, errors, RSS samples."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    bodies = [json.dumps({"text": t, "channel": CHANNELS[i % len(CHANNELS)]}, ensure_ascii=False).encode()
              for i, t in enumerate(texts)]
    latencies: list[float] = []
    errors: dict[str, int] = {}
    rss: list[float] = []
    next_index = 0
    deadline = time.monotonic() + time_limit

    async def worker() -> None:
        nonlocal next_index
        conn = _Connection(host, port)
        try:
            while next_index < requests and time.monotonic() < deadline:
                i = next_index
                next_index += 1
                if pid is not None and i % 5_000 == 0:
                    rss.append(rss_mb(pid))
                t0 = time.perf_counter()
                try:
                    status = await conn.post(path, bodies[i % len(bodies)], timeout=30.0)
                    kind = "" if status == 200 else str(status)
                except (TimeoutError, OSError, ValueError, IndexError, asyncio.IncompleteReadError) as exc:
                    kind = type(exc).__name__
                    await conn.close()
                latencies.append(time.perf_counter() - t0)
                if kind:
                    errors[kind] = errors.get(kind, 0) + 1
        finally:
            await conn.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    if pid is not None:
        rss.append(rss_mb(pid))
    return {
        "requests": len(latencies),
        "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50) * 1e3, 2),
        "p99_ms": round(percentile(latencies, 99) * 1e3, 2),
        "max_ms": round(max(latencies) * 1e3, 2),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "rss_samples_mb": [round(r, 1) for r in rss],
    }


def run(requests: int = REQUESTS, concurrency: int = CONCURRENCY) -> dict:
    texts = [t for t in corpus_texts() if t.strip()]
    with tempfile.TemporaryDirectory(prefix="mamori-bench-web-") as tmp, serve(Path(tmp)) as (url, proc):
        asyncio.run(load(url, texts, WARMUP, concurrency))
        rss_start = rss_mb(proc.pid)
        result = asyncio.run(load(url, texts, requests, concurrency, pid=proc.pid))
        rss_end = rss_mb(proc.pid)
        # The same endpoint consulting the registry's published cases (?similar=true).
        similar = asyncio.run(load(url, texts, SIMILAR_REQUESTS, concurrency, path="/api/v1/analyze?similar=true"))
    return {
        "requests": result["requests"],
        "concurrency": concurrency,
        "rps": result["rps"],
        "p50_ms": result["p50_ms"],
        "p99_ms": result["p99_ms"],
        "max_ms": result["max_ms"],
        "errors": result["errors"],
        "rss_start_mb": round(rss_start, 1),
        "rss_end_mb": round(rss_end, 1),
        "rss_peak_mb": round(max(result["rss_samples_mb"] + [rss_end]), 1),
        "rss_growth_mb": round(rss_end - rss_start, 1),
        "rss_samples_mb": " ".join(str(r) for r in result["rss_samples_mb"]),
        "similar_requests": similar["requests"],
        "similar_rps": similar["rps"],
        "similar_p99_ms": similar["p99_ms"],
        "similar_errors": similar["errors"],
    }


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else REQUESTS
    c = int(sys.argv[2]) if len(sys.argv) > 2 else CONCURRENCY
    print(json.dumps(run(n, c), indent=2))
