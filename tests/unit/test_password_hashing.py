"""Passwords are hashed off the event loop, a bounded number at once (issue 12: argon2id at OWASP's
parameters, a login storm must neither freeze the pages nor exhaust memory)."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from teleservices.core import security
from teleservices.core.testing import run


def test_argon2id_at_owasps_parameters() -> None:
    hashed = security.hash_password("Un-mot-de-passe-2026")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")  # m = 19 MiB, t = 2, p = 1
    assert security.check_password(hashed, "Un-mot-de-passe-2026")
    assert not security.check_password(hashed, "un-mot-de-passe-2026")
    assert not security.check_password(None, "Un-mot-de-passe-2026")  # an unknown account


class SlowHasher:
    """Stands for argon2: each verification takes 50 ms; counts how many run at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = self.most = 0

    def verify(self, password_hash: str, password: str) -> bool:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.05)
        with self.lock:
            self.running -= 1
        return password == "bon"


def test_a_storm_of_logins_waits_in_line_and_the_pages_keep_being_served(monkeypatch: pytest.MonkeyPatch) -> None:
    hasher = SlowHasher()
    monkeypatch.setattr(security, "_hasher", hasher)
    monkeypatch.setattr(security, "_pool", ThreadPoolExecutor(max_workers=2))

    async def storm() -> tuple[list[bool], int]:
        ticks = 0

        async def pages() -> None:  # the event loop serving other requests meanwhile
            nonlocal ticks
            while True:
                await asyncio.sleep(0.005)
                ticks += 1

        server = asyncio.create_task(pages())
        results = await asyncio.gather(*(security.check_password_async("$hash", "bon" if i % 2 else "mauvais")
                                         for i in range(10)))
        server.cancel()
        return results, ticks

    results, ticks = run(storm())
    assert results == [bool(i % 2) for i in range(10)]
    assert hasher.most == 2  # never more at once than the pool allows: memory stays bounded
    assert ticks >= 20  # 10 × 50 ms on 2 threads: ~250 ms in which the loop kept running


def test_one_hash_per_core_at_most() -> None:
    assert security.HASHES_AT_ONCE >= 1 and security._pool._max_workers == security.HASHES_AT_ONCE
