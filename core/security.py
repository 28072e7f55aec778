"""Passwords, random tokens and CSRF tokens."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import secrets
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP's minimum for argon2id: m=19 MiB, t=2, p=1.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified when an identifier is unknown, so that the answer takes as long as for a real one.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    """Constant-work check: an unknown account costs one hash verification too."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


# Requests hash on a pool of their own, off the event loop: argon2 releases the GIL, so hashes use
# every core while the loop keeps serving pages; and no more than one per core runs at once (19 MiB
# each), so a storm of logins waits in line instead of exhausting memory.
HASHES_AT_ONCE = os.cpu_count() or 2
_pool = ThreadPoolExecutor(max_workers=HASHES_AT_ONCE, thread_name_prefix="argon2")


async def hash_password_async(password: str) -> str:
    """``hash_password`` for a request: on the hashing pool, never on the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_pool, hash_password, password)


async def check_password_async(password_hash: str | None, password: str) -> bool:
    """``check_password`` for a request: on the hashing pool, never on the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_pool, check_password, password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a token: a leaked table gives no usable cookie or link."""
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(secret_key: str, binding: str) -> str:
    """A CSRF token bound to the session (or anonymous cookie), not a copy of a cookie."""
    return hmac.new(secret_key.encode(), f"csrf:{binding}".encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret_key: str, binding: str | None, submitted: str | None) -> bool:
    if not binding or not submitted:
        return False
    return hmac.compare_digest(csrf_token(secret_key, binding), submitted)
