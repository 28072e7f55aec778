"""How many password checks (logins) per second the portal can do, per core: argon2id at OWASP's
parameters (m = 19 MiB, t = 2, p = 1) on the hashing pool (one hash per core at most), with many
more logins asked at once than the pool runs. A script that prints figures, not a test.

    .venv/bin/python bench/logins.py            # BENCH_DURATION=5 BENCH_CONCURRENCY=64
"""

from __future__ import annotations

import asyncio
import os
import resource
import time

from teleservices.core import security

DURATION = float(os.environ.get("BENCH_DURATION", "5"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "64"))


async def main() -> None:
    hashed = security.hash_password("Bienvenue-2026")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    done, latencies, deadline = 0, [], time.perf_counter() + DURATION

    async def client() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            assert await security.check_password_async(hashed, "Bienvenue-2026")
            latencies.append(time.perf_counter() - start)
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CONCURRENCY)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    rate = done / elapsed
    print(f"cores: {os.cpu_count()}, hashes at once: {security.HASHES_AT_ONCE}, logins asked at once: {CONCURRENCY}")
    print(f"{done} logins in {elapsed:.1f} s: {rate:.1f}/s, {rate / security.HASHES_AT_ONCE:.1f}/s per core")
    print(f"latency p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, "
          f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.0f} ms (waiting in line included)")
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    print(f"peak memory grew by {grown:.0f} MiB (at most {security.HASHES_AT_ONCE} × 19 MiB of argon2 at once)")


if __name__ == "__main__":
    asyncio.run(main())
