"""Growing delays after failed password checks (login, merge, first connection, changes).

Three keys are counted: the identifier typed, the client's address, and the pair. The pair and
the address may wait up to 15 minutes; the identifier alone at most one minute, so that a
classmate typing wrong passwords for someone else's identifier from another computer can slow
them down a little but never lock them out.
"""

from __future__ import annotations

import datetime as dt

from teleservices.core import clock
from teleservices.core.i18n import ngettext
from teleservices.core.tables import Tentative

FREE_FAILURES = 3
CAPS = {"id": 60, "ip": 15 * 60, "pair": 15 * 60}  # seconds
FORGET_AFTER = dt.timedelta(hours=24)


def keys(identifiant: str, client: str) -> dict[str, str]:
    identifiant = identifiant.strip().lower()[:80]
    return {"id": f"id:{identifiant}", "ip": f"ip:{client}", "pair": f"pair:{identifiant}|{client}"}


def wait_message(seconds: int) -> str:
    return ngettext("Trop de tentatives. Réessayez dans %(num)d seconde.", "Trop de tentatives. Réessayez dans %(num)d secondes.",
                    seconds)


def delay(failures: int, cap: int) -> int:
    """Seconds to wait after ``failures`` failures: none for the first three, then 1, 2, 4...
    up to the cap."""
    if failures < FREE_FAILURES:
        return 0
    return min(2 ** (failures - FREE_FAILURES), cap)


async def seconds_to_wait(identifiant: str, client: str) -> int:
    """How long this client must wait before its next password check for this identifier."""
    wanted = keys(identifiant, client)
    rows = await Tentative.select().where(Tentative.cle.is_in(list(wanted.values())))
    now = clock.now()
    wait = 0
    for kind, key in wanted.items():
        row = next((r for r in rows if r["cle"] == key), None)
        if row is None:
            continue
        last = row["dernier_echec"] if row["dernier_echec"].tzinfo else row["dernier_echec"].replace(tzinfo=dt.timezone.utc)
        if now - last > FORGET_AFTER:
            continue
        remaining = delay(row["echecs"], CAPS[kind]) - (now - last).total_seconds()
        wait = max(wait, int(remaining + 0.999))
    return max(wait, 0)


# An upsert that counts atomically, the same on SQLite (3.24+) and PostgreSQL.
FAILED_SQL = """
INSERT INTO tentative (cle, echecs, dernier_echec) VALUES ({}, 1, {})
ON CONFLICT (cle) DO UPDATE SET echecs = tentative.echecs + 1, dernier_echec = excluded.dernier_echec
"""


async def failed(identifiant: str, client: str) -> None:
    now = clock.now()
    for key in keys(identifiant, client).values():
        await Tentative.raw(FAILED_SQL, key, now)


async def succeeded(identifiant: str, client: str) -> None:
    """The right password clears the identifier's and the pair's counts; the client address
    keeps its own, so that a correct login between guesses resets nothing for a guesser."""
    wanted = keys(identifiant, client)
    await Tentative.delete().where(Tentative.cle.is_in([wanted["id"], wanted["pair"]]))
