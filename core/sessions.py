"""Server-side sessions: a random token in a cookie, its hash in a session store.

A new token is made at every login (never one the client chose), so session fixation cannot
happen; logout deletes the session.

Two stores, chosen at startup: the database (the ``session`` table, the default) or Redis when
``TELESERVICES_REDIS_URL`` is set, so that several workers and several machines share the
sessions. On Redis, a session is the hash ``ts:session:<token hash>`` = {compte, cree_le, vu_le,
etablissement} (times in seconds since the epoch) that lives ``session_idle_minutes`` after its
last use, refreshed at most once a minute and never past ``cree_le`` + ``session_max_hours``;
the set ``ts:compte:<id>:sessions`` holds an account's token hashes, so that all its sessions
can be ended. Either way a request reads its viewer with one SQL query.

Each app puts its store in a context variable for the requests it serves
(``SessionStoreMiddleware``); code running outside a request (the command line) uses the store
the environment names.
"""

from __future__ import annotations

import asyncio
import contextvars
from abc import ABC, abstractmethod
import datetime as dt
import functools
import ipaddress
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

from litestar import Request, Response
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from teleservices.core import clock
from teleservices.core.api import StaffRole, UserType, Viewer
from teleservices.core.security import new_token, token_hash
from teleservices.core.rendering import navigate
from teleservices.core.settings import Settings
from teleservices.core.tables import Session

SESSION_COOKIE = "ts_session"
ANON_COOKIE = "ts_anon"
# Refreshing "last seen" on every request would be one write per page; once a minute is enough.
TOUCH_EVERY = dt.timedelta(minutes=1)
# How many accounts' sessions one DELETE ends (SQLite's limit on a query's parameters).
CHUNK = 500


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


# Hand-written: this runs on every request, and Piccolo's query building costs more than the query.
# The establishment is the staff account's own, or the one an academy administrator chose for
# this session, and then only while it belongs to their academy. A family account's unread
# notifications ride along (the header's badge, on every page), about the children it may still
# see (linked, not left), as the « Notifications » page lists them.
_VIEWER_COLUMNS = """c.id AS compte_id, c.identifiant, c.type, c.etat, c.role, c.academie, c.enseignant, c.langue, c.mel,
       et.id AS etablissement, et.nom AS etablissement_nom, et.uai AS etablissement_uai,
       CASE WHEN c.type = 'personnel' THEN 0 ELSE (
         SELECT COUNT(*) FROM notification n JOIN eleve e ON e.id = n.eleve
         WHERE n.compte = c.id AND n.lue_le IS NULL AND (e.date_sortie IS NULL OR e.date_sortie > {})
           AND EXISTS (SELECT 1 FROM compte_eleve ce WHERE ce.compte = c.id AND ce.eleve = n.eleve)
       ) END AS notifications_non_lues"""
_ACADEMY_CHECK = "AND (c.etablissement IS NOT NULL OR (c.academie <> '' AND et.academie = c.academie))"

# The database store: the session and its account in one query (parameters: today, token hash).
VIEWER_SQL = f"""
SELECT s.id, s.cree_le, s.vu_le, {_VIEWER_COLUMNS}
FROM session s JOIN compte c ON c.id = s.compte
LEFT JOIN etablissement et ON et.id = COALESCE(c.etablissement, s.etablissement)
  {_ACADEMY_CHECK}
WHERE s.token_hash = {{}}
"""

# The Redis store: the account alone, the session's establishment given (parameters: today,
# the session's establishment or NULL, the account's id).
ACCOUNT_VIEWER_SQL = f"""
SELECT {_VIEWER_COLUMNS}
FROM compte c
LEFT JOIN etablissement et ON et.id = COALESCE(c.etablissement, {{}})
  {_ACADEMY_CHECK}
WHERE c.id = {{}}
"""


def _viewer(row: dict[str, Any]) -> Viewer:
    return Viewer(
        compte_id=row["compte_id"],
        identifiant=row["identifiant"],
        type=UserType(row["type"]),
        etat=row["etat"],
        etablissement_id=row["etablissement"],
        role=StaffRole(row["role"]) if row["role"] else None,
        academie=row["academie"] or "",
        etablissement_nom=row["etablissement_nom"] or "",
        etablissement_uai=row["etablissement_uai"] or "",
        enseignant_id=row["enseignant"],
        notifications_non_lues=int(row["notifications_non_lues"] or 0),
        langue=row["langue"] or "",
        mel=row["mel"] or "",
    )


class SessionStore(ABC):
    """Where sessions live: the database or Redis, each implementing every abstract method.
    ``start``/``stop`` run with the app (its event loop)."""

    def __init__(self, settings: Settings) -> None:
        self.idle = dt.timedelta(minutes=settings.session_idle_minutes)
        self.max_age = dt.timedelta(hours=settings.session_max_hours)

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    @abstractmethod
    async def open(self, compte_id: int) -> str:
        """A new session for this account: its token (only its hash is kept)."""

    @abstractmethod
    async def close(self, token: str) -> None:
        """Ends this session."""

    @abstractmethod
    async def close_accounts(self, compte_ids: Iterable[int]) -> None:
        """Ends every session of these accounts."""

    @abstractmethod
    async def set_establishment(self, token: str, etablissement_id: int) -> None:
        """The establishment an academy administrator works on in this session."""

    @abstractmethod
    async def load_viewer(self, token: str) -> Viewer | None:
        """The account behind this token, or None (unknown, expired, disabled)."""


class DatabaseStore(SessionStore):
    """The ``session`` table: one query per request, one write at most once a minute."""

    async def open(self, compte_id: int) -> str:
        token = new_token()
        now = clock.now()
        await Session.insert(Session(token_hash=token_hash(token), compte=compte_id, cree_le=now, vu_le=now))
        return token

    async def close(self, token: str) -> None:
        await Session.delete().where(Session.token_hash == token_hash(token))

    async def close_accounts(self, compte_ids: Iterable[int]) -> None:
        ids = list(compte_ids)
        for start in range(0, len(ids), CHUNK):
            await Session.delete().where(Session.compte.is_in(ids[start:start + CHUNK]))

    async def set_establishment(self, token: str, etablissement_id: int) -> None:
        await Session.update({Session.etablissement: etablissement_id}).where(Session.token_hash == token_hash(token))

    async def load_viewer(self, token: str) -> Viewer | None:
        rows = await Session.raw(VIEWER_SQL, clock.now().date(), token_hash(token))
        if not rows:
            return None
        row = rows[0]
        now = clock.now()
        created, seen = _aware(row["cree_le"]), _aware(row["vu_le"])
        expired = now - seen > self.idle or now - created > self.max_age or row["etat"] == "desactive"
        if expired:
            await Session.delete().where(Session.id == row["id"])
            return None
        if now - seen > TOUCH_EVERY:
            await Session.update({Session.vu_le: now}).where(Session.id == row["id"])
        return _viewer(row)


# Sets fields of a session that still exists (never re-creates one that just expired or was
# closed), and its lifetime when ARGV[1] is not empty. KEYS[1]: the session; ARGV[2:]: field, value…
_UPDATE_IF_EXISTS = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
if ARGV[1] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 1
"""


class RedisStore(SessionStore):
    """Sessions in Redis (see the module's docstring). One connection pool per event loop that
    started the store: the worker's. Code on another loop (the command line, a test's set-up)
    uses a connection of its own for the operation."""

    PREFIX = "ts:"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.url = settings.redis_url
        self._clients: dict[asyncio.AbstractEventLoop, Any] = {}

    def session_key(self, hashed: str) -> str:
        return f"{self.PREFIX}session:{hashed}"

    def account_key(self, compte_id: int | str) -> str:
        return f"{self.PREFIX}compte:{compte_id}:sessions"

    def _new_client(self) -> Any:
        from redis.asyncio import Redis

        return Redis.from_url(self.url, decode_responses=True)

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        if loop not in self._clients:
            self._clients[loop] = self._new_client()

    async def stop(self) -> None:
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()

    @asynccontextmanager
    async def redis(self) -> AsyncIterator[Any]:
        client = self._clients.get(asyncio.get_running_loop())
        if client is not None:
            yield client
            return
        client = self._new_client()
        try:
            yield client
        finally:
            await client.aclose()

    def _lifetime_ms(self, created: float, now: float) -> int:
        """Milliseconds the session may still live: its idle time, capped by its maximum age."""
        left = min(self.idle.total_seconds(), created + self.max_age.total_seconds() - now)
        return int(left * 1000)

    async def open(self, compte_id: int) -> str:
        token = new_token()
        hashed = token_hash(token)
        now = clock.now().timestamp()
        async with self.redis() as redis, redis.pipeline(transaction=True) as pipe:
            key, account = self.session_key(hashed), self.account_key(compte_id)
            pipe.hset(key, mapping={"compte": compte_id, "cree_le": repr(now), "vu_le": repr(now), "etablissement": ""})
            pipe.pexpire(key, self._lifetime_ms(now, now))
            pipe.sadd(account, hashed)
            # Every session of the set ends within max_age of its login, the last one's included.
            pipe.expire(account, int(self.max_age.total_seconds()) + 60)
            await pipe.execute()
        return token

    async def close(self, token: str) -> None:
        hashed = token_hash(token)
        key = self.session_key(hashed)
        async with self.redis() as redis:
            compte = await redis.hget(key, "compte")
            async with redis.pipeline(transaction=True) as pipe:
                pipe.delete(key)
                if compte:
                    pipe.srem(self.account_key(compte), hashed)
                await pipe.execute()

    async def close_accounts(self, compte_ids: Iterable[int]) -> None:
        ids = list(compte_ids)
        if not ids:
            return
        async with self.redis() as redis:
            async with redis.pipeline(transaction=False) as pipe:
                for compte_id in ids:
                    pipe.smembers(self.account_key(compte_id))
                members = await pipe.execute()
            async with redis.pipeline(transaction=True) as pipe:
                for compte_id, hashes in zip(ids, members):
                    if hashes:
                        pipe.delete(*(self.session_key(hashed) for hashed in hashes))
                        # Only these: a session opened meanwhile stays in the set.
                        pipe.srem(self.account_key(compte_id), *hashes)
                await pipe.execute()

    async def set_establishment(self, token: str, etablissement_id: int) -> None:
        async with self.redis() as redis:
            await redis.eval(_UPDATE_IF_EXISTS, 1, self.session_key(token_hash(token)), "",
                             "etablissement", str(etablissement_id))

    async def _drop(self, redis: Any, hashed: str, compte: str | None) -> None:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.delete(self.session_key(hashed))
            if compte:
                pipe.srem(self.account_key(compte), hashed)
            await pipe.execute()

    async def load_viewer(self, token: str) -> Viewer | None:
        """One HGETALL and one SQL query (the account by its id), plus one write at most once
        a minute."""
        hashed = token_hash(token)
        key = self.session_key(hashed)
        async with self.redis() as redis:
            session = await redis.hgetall(key)
            if not session:
                return None
            compte = session.get("compte")
            now = clock.now()
            stamp = now.timestamp()
            try:
                compte_id, created, seen = int(compte or ""), float(session["cree_le"]), float(session["vu_le"])
            except (KeyError, ValueError):  # not a session this code wrote
                await self._drop(redis, hashed, compte)
                return None
            if stamp - seen > self.idle.total_seconds() or stamp - created > self.max_age.total_seconds():
                await self._drop(redis, hashed, compte)
                return None
            chosen = session.get("etablissement") or ""
            rows = await Session.raw(ACCOUNT_VIEWER_SQL, now.date(), int(chosen) if chosen.isdigit() else None, compte_id)
            if not rows or rows[0]["etat"] == "desactive":
                await self._drop(redis, hashed, compte)
                return None
            if stamp - seen > TOUCH_EVERY.total_seconds():
                await redis.eval(_UPDATE_IF_EXISTS, 1, key, str(self._lifetime_ms(created, stamp)), "vu_le", repr(stamp))
        return _viewer(rows[0])


def make_store(settings: Settings) -> SessionStore:
    """The store the settings choose: Redis when a Redis URL is set, else the database."""
    return RedisStore(settings) if settings.redis_url else DatabaseStore(settings)


_current: contextvars.ContextVar[SessionStore | None] = contextvars.ContextVar("session_store", default=None)
_from_environment: dict[tuple[str, int, int], SessionStore] = {}


def current_store() -> SessionStore:
    """The store of the app serving this request; outside a request, the environment's."""
    store = _current.get()
    if store is not None:
        return store
    settings = Settings.from_env()
    key = (settings.redis_url, settings.session_idle_minutes, settings.session_max_hours)
    if key not in _from_environment:
        _from_environment[key] = make_store(settings)
    return _from_environment[key]


class SessionStoreMiddleware(ASGIMiddleware):
    """Makes the app's store the current one while it serves a request."""

    scopes = ("http", "websocket")

    def __init__(self, store: SessionStore) -> None:
        self.store = store

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        reset = _current.set(self.store)
        try:
            await next_app(scope, receive, send)
        finally:
            _current.reset(reset)


async def open_session(compte_id: int, replacing: str | None = None) -> str:
    store = current_store()
    if replacing:
        await store.close(replacing)
    return await store.open(compte_id)


async def close_session(token: str) -> None:
    await current_store().close(token)


async def sign_in(request: Request, compte_id: int, target: str) -> Response:
    """Open a new session for this account in this browser (never reusing the current token),
    end the browser's previous one, and go to ``target``. Used at login, after a merge, a
    password change and a first connection."""
    token = await open_session(compte_id, replacing=request.scope["state"].get("session_token"))
    response = navigate(request, target)
    response.set_cookie(
        key=SESSION_COOKIE, value=token, path="/", httponly=True, samesite="lax",
        secure=request.app.state.settings.secure_cookies,
    )
    return response


def client_address(request: Request) -> str:
    """The client's address: the connection's, or, when it comes from a trusted proxy
    (``TELESERVICES_TRUSTED_PROXIES``), the rightmost address of X-Forwarded-For that is not one
    — the addresses further left were written by the client and prove nothing."""
    peer = request.client.host if request.client else "inconnu"
    proxies = request.app.state.settings.trusted_proxies
    if not proxies or not _within(peer, proxies):
        return peer
    forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if not _within(address, proxies):
            return address
    return forwarded[0] if forwarded else peer


def _within(address: str, networks: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in _network(network) for network in networks)


@functools.lru_cache(maxsize=64)
def _network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(value, strict=False)


async def close_all_sessions(compte_id: int) -> None:
    """End every session of an account (password changed, account merged away or disabled)."""
    await current_store().close_accounts([compte_id])


async def close_sessions_of(compte_ids: Iterable[int]) -> None:
    """End every session of these accounts (new provisional passwords for a class)."""
    await current_store().close_accounts(compte_ids)


async def set_session_establishment(token: str, etablissement_id: int) -> None:
    """The establishment an academy administrator works on in this session (checked again
    against their academy on every request)."""
    await current_store().set_establishment(token, etablissement_id)


async def load_viewer(token: str, settings: Settings) -> Viewer | None:
    """The account behind a session cookie (with its unread notifications), or None if the
    session is unknown, expired or the account disabled. One query, plus one write at most once
    a minute. The app's store (``settings`` chooses one outside a request)."""
    store = _current.get() or make_store(settings)
    return await store.load_viewer(token)
