"""Reads shared within one request: the guard and the page ask the same row once.

The session middleware opens a memo for each request (``open_request_memo``); a coroutine function
decorated with ``per_request`` answers a second call with the same arguments from the first one,
within that request only. Outside a request (the command line, a test calling the function
directly) there is no memo and every call runs. A function that writes what such a read returns
calls ``forget`` on it, so that the rest of the request reads the change.
"""

from __future__ import annotations

import functools
from contextvars import ContextVar
from typing import Any, Awaitable, Callable, TypeVar

T = TypeVar("T")

_memo: ContextVar[dict[tuple, Any] | None] = ContextVar("teleservices_request_memo", default=None)


def open_request_memo() -> None:
    """A new, empty memo for the request that runs in this context (its own asyncio task)."""
    _memo.set({})


def per_request(function: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """Decorator of a read (positional arguments only): within one request, a second call with
    the same arguments answers from the first; ``function.forget()`` after a write."""
    @functools.wraps(function)
    async def remembered(*args: Any) -> T:
        memo = _memo.get()
        if memo is None:
            return await function(*args)
        key = (remembered, args)
        if key not in memo:
            memo[key] = await function(*args)
        return memo[key]

    def forget() -> None:
        memo = _memo.get()
        if memo:
            for key in [k for k in memo if k[0] is remembered]:
                del memo[key]

    remembered.forget = forget  # type: ignore[attr-defined]
    return remembered
