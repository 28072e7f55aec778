"""What a request's session costs: ``load_viewer`` with the database store (one query: session
JOIN compte…) and with the Redis store (HGETALL, then one query: compte… by id). A script that
prints figures, not a test.

Empties the ``public`` schema of the PostgreSQL database (default ``test_redis``), migrates it
and loads the demo data (a few rows), empties the Redis database (default 14 of 127.0.0.1), opens
one session of demo.parent in each store, then calls ``load_viewer`` CALLS times in a row per
store (and CONCURRENCY at a time), through the same kind of connection pool as a worker.

    .venv/bin/python bench/sessions.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test_redis BENCH_REDIS_URL=redis://127.0.0.1:6379/14 \\
        BENCH_CALLS=5000 BENCH_CONCURRENCY=8 .venv/bin/python bench/sessions.py
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import statistics
import tempfile
import time
from pathlib import Path

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test_redis")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
CALLS = int(os.environ.get("BENCH_CALLS", "5000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
POOL = int(os.environ.get("BENCH_POOL", "10"))

VAR_DIR = Path(tempfile.mkdtemp(prefix="bench-sessions-"))
# Piccolo's migrations read the database from the environment (piccolo_conf), at import.
os.environ["TELESERVICES_DATABASE_URL"] = DATABASE_URL
os.environ["TELESERVICES_VAR_DIR"] = str(VAR_DIR)


async def prepare(settings) -> None:
    import asyncpg

    from teleservices.core.db import bind, engine_from_url, migrate
    from teleservices.core.demo import load_demo
    from teleservices.core.plugins import all_tables, load_plugins

    connection = await asyncpg.connect(dsn=DATABASE_URL, timeout=5)
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()
    plugins = load_plugins(settings)
    engine = engine_from_url(DATABASE_URL)
    bind(engine, all_tables(plugins))
    with contextlib.redirect_stdout(io.StringIO()):  # the migrations' progress
        await migrate()
        await load_demo(plugins)


async def timed(store, token: str, calls: int) -> list[float]:
    """Seconds of each of ``calls`` sequential ``load_viewer``."""
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        viewer = await store.load_viewer(token)
        times.append(time.perf_counter() - start)
        assert viewer is not None and viewer.identifiant == "demo.parent"
    return times


async def concurrent(store, token: str, calls: int, concurrency: int) -> float:
    """Calls per second with ``concurrency`` requests at a time."""
    per_task = calls // concurrency

    async def task() -> None:
        for _ in range(per_task):
            assert await store.load_viewer(token) is not None

    start = time.perf_counter()
    await asyncio.gather(*(task() for _ in range(concurrency)))
    return per_task * concurrency / (time.perf_counter() - start)


def line(name: str, times: list[float]) -> str:
    times = sorted(times)
    mean = statistics.fmean(times) * 1e6
    return (f"{name:<28} {mean:8.0f} µs/call   p50 {times[len(times) // 2] * 1e6:6.0f}"
            f"   p99 {times[int(len(times) * 0.99)] * 1e6:6.0f}")


async def main() -> None:
    import redis.asyncio as aioredis
    from piccolo.engine.postgres import PostgresEngine

    from teleservices.core import sessions
    from teleservices.core.settings import Settings
    from teleservices.core.tables import Compte, Session

    settings = Settings(database_url=DATABASE_URL, secret_key="bench", var_dir=VAR_DIR, redis_url=REDIS_URL)
    await prepare(settings)
    engine = Compte._meta.db
    assert isinstance(engine, PostgresEngine), "PostgreSQL only"
    await engine.start_connection_pool(min_size=1, max_size=POOL)
    server = aioredis.Redis.from_url(REDIS_URL)
    await server.flushdb()
    await server.aclose()

    compte = (await Compte.select(Compte.id).where(Compte.identifiant == "demo.parent").first())["id"]
    database, redis = sessions.DatabaseStore(settings), sessions.RedisStore(settings)
    await redis.start()
    try:
        tokens = {"database": await database.open(compte), "redis": await redis.open(compte)}
        stores = {"database": database, "redis": redis}
        for name, store in stores.items():  # warm up: connections, statement caches
            await timed(store, tokens[name], 200)

        print(f"load_viewer of demo.parent, {CALLS} calls per store, PostgreSQL {DATABASE_URL.rsplit('/', 1)[1]}"
              f" (pool {POOL}), Redis {REDIS_URL}")
        print(f"rows: compte {await Compte.count()}, session {await Session.count()}"
              " (no write: each session was touched less than a minute ago)")
        results = {name: await timed(store, tokens[name], CALLS) for name, store in stores.items()}
        print(line("database store (1 query)", results["database"]))
        print(line("redis store (HGETALL + 1)", results["redis"]))

        # Its parts: the Redis round trip, and each query alone.
        async with redis.redis() as client:
            key = redis.session_key(sessions.token_hash(tokens["redis"]))
            hgetall = []
            for _ in range(CALLS):
                start = time.perf_counter()
                await client.hgetall(key)
                hgetall.append(time.perf_counter() - start)
        print(line("  of which HGETALL", hgetall))
        today = sessions.clock.now().date()
        for name, sql, args in (
            ("  VIEWER_SQL alone", sessions.VIEWER_SQL, (today, sessions.token_hash(tokens["database"]))),
            ("  ACCOUNT_VIEWER_SQL alone", sessions.ACCOUNT_VIEWER_SQL, (today, None, compte)),
        ):
            spent = []
            for _ in range(CALLS):
                start = time.perf_counter()
                await Session.raw(sql, *args)
                spent.append(time.perf_counter() - start)
            print(line(name, spent))

        for name, store in stores.items():
            rate = await concurrent(store, tokens[name], CALLS, CONCURRENCY)
            print(f"{name + f' store, {CONCURRENCY} at a time':<28} {rate:8.0f} calls/s")
        difference = (statistics.fmean(results["redis"]) - statistics.fmean(results["database"])) * 1e6
        print(f"Redis {'costs' if difference > 0 else 'saves'} {abs(difference):.0f} µs per request")
    finally:
        await database.close(tokens["database"])
        await redis.close(tokens["redis"])
        await redis.stop()
        await engine.close_connection_pool()


if __name__ == "__main__":
    asyncio.run(main())
