"""``per_request``: within one request a read runs once; outside a request, or after
``forget``, it runs again; two requests never share what they read."""

from __future__ import annotations

import asyncio
import contextvars
from concurrent.futures import ThreadPoolExecutor

from teleservices.core.memo import open_request_memo, per_request

calls: list[int] = []


@per_request
async def read(key: int) -> str:
    calls.append(key)
    return f"valeur {key} n° {len(calls)}"


def run_in_fresh_context(coroutine_function):
    """Each call runs as a request does: its own task, its own context — here a new thread's
    event loop, whatever loop the test session may be running."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(lambda: contextvars.Context().run(asyncio.run, coroutine_function())).result()


def test_a_read_runs_once_per_request_and_per_arguments():
    calls.clear()

    async def request():
        open_request_memo()
        first, again, other = await read(1), await read(1), await read(2)
        return first, again, other

    first, again, other = run_in_fresh_context(request)
    assert first == again and calls == [1, 2] and other != first


def test_forget_makes_the_next_read_see_a_change():
    calls.clear()

    async def request():
        open_request_memo()
        before = await read(1)
        read.forget()
        return before, await read(1)

    before, after = run_in_fresh_context(request)
    assert before != after and calls == [1, 1]


def test_outside_a_request_every_call_runs():
    calls.clear()

    async def command_line():
        return await read(1), await read(1)

    first, second = run_in_fresh_context(command_line)
    assert first != second and calls == [1, 1]


def test_two_requests_do_not_share_their_reads():
    calls.clear()

    async def two_requests():
        async def request():
            open_request_memo()
            return await read(1)

        return await asyncio.gather(asyncio.create_task(request()), asyncio.create_task(request()))

    first, second = run_in_fresh_context(two_requests)
    assert first != second and calls == [1, 1]
