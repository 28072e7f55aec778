"""How many home pages per second `teleservices serve` answers, and how fast.

Starts the portal on a free port of 127.0.0.1 (its own database: a temporary SQLite file, or
BENCH_DATABASE_URL), logs in as demo.parent, then sends requests to the child's home screen
from CONCURRENCY clients for DURATION seconds (bounded: it stops by itself). Prints figures.

    .venv/bin/python bench/home_page.py            # or: make benchmark
    BENCH_WORKERS=2 BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/home_page.py
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from commun import free_port, prepare_demo

DURATION = float(os.environ.get("BENCH_DURATION", "10"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "1"))
BIN = Path(sys.executable).parent


async def login(client: httpx.AsyncClient) -> str:
    page = await client.get("/connexion")
    token = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    response = await client.post("/connexion", data={
        "_csrf": token, "identifiant": "demo.parent", "mot_de_passe": "Bienvenue-2026", "suivant": "/",
    }, follow_redirects=True)
    response.raise_for_status()
    return str(response.url.path)


async def worker(client: httpx.AsyncClient, path: str, deadline: float, latencies: list[float]) -> int:
    errors = 0
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        response = await client.get(path)
        latencies.append(time.perf_counter() - start)
        errors += response.status_code != 200
    return errors


async def load(base: str) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        path = await login(client)
        for _ in range(20):  # warm-up
            await client.get(path)
        latencies: list[float] = []
        deadline = time.perf_counter() + DURATION
        started = time.perf_counter()
        errors = await asyncio.gather(*(worker(client, path, deadline, latencies) for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    print(f"page            {path} (demo.parent's first child)")
    print(f"workers         {WORKERS}, concurrency {CONCURRENCY}, {DURATION:.0f} s")
    print(f"requests        {len(latencies)} ({sum(errors)} non-200)")
    print(f"throughput      {len(latencies) / elapsed:.0f} requests/s")
    print(f"latency         p50 {p(0.5):.1f} ms, p95 {p(0.95):.1f} ms, max {latencies[-1] * 1000:.1f} ms, mean {statistics.mean(latencies) * 1000:.1f} ms")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TELESERVICES_VAR_DIR": tmp,
               "TELESERVICES_DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")}
        print(f"database        {env['TELESERVICES_DATABASE_URL'].split('://')[0]}")
        prepare_demo(env)
        port = free_port()
        server = subprocess.Popen(
            [BIN / "teleservices", "serve", "--port", str(port), "--workers", str(WORKERS)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    httpx.get(f"{base}/aide", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            asyncio.run(load(base))
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
