"""API keys of an establishment: made, recognised, listed and revoked.

A key reads ``ts_<prefix>_<secret>``: the prefix (8 hex digits) is stored and shown so that staff
recognise a key, the secret is 256 random bits. Only the SHA-256 of the whole key is kept; a key
is found by that hash (an indexed equality on a digest, so comparing it leaks nothing about the
secret) and shown in full once, when it is made.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any, Iterable

from teleservices.core import clock
from teleservices.core.api import ApiClient
from teleservices.core.security import new_token, token_hash
from teleservices.core.tables import CleApi

KEY_FORMAT = re.compile(r"ts_([0-9a-f]{8})_[A-Za-z0-9_-]{43}")
# Writing the last use on every call would make each call a write: once a minute is enough.
TOUCH_EVERY = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class NewKey:
    id: int
    key: str  # shown once, never stored
    prefixe: str


def shown_prefix(prefixe: str) -> str:
    """How a key is recognised on screen and in the journal: its start only."""
    return f"ts_{prefixe}_…"


def scopes_of(value: Any) -> list[str]:
    """The JSON list of scopes as a raw query returns it: text, or already decoded."""
    if isinstance(value, str):
        value = json.loads(value or "[]")
    return [str(scope) for scope in value or []]


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A timestamp as UTC-aware (SQLite's raw queries may return it naive)."""
    return value if value is None or value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


async def create_key(etablissement_id: int, nom: str, portees: Iterable[str], cree_par: int | None) -> NewKey:
    prefixe = secrets.token_hex(4)
    key = f"ts_{prefixe}_{new_token()}"
    row = CleApi(
        etablissement=etablissement_id, nom=nom, prefixe=prefixe, token_hash=token_hash(key),
        portees=sorted(set(portees)), cree_par=cree_par, cree_le=clock.now(),
    )
    await CleApi.insert(row)
    return NewKey(id=row.id, key=key, prefixe=prefixe)


async def key_of(etablissement_id: int, cle_id: int) -> dict | None:
    """A key of this establishment (another's is None, as an unknown one)."""
    return await CleApi.select(CleApi.id, CleApi.nom, CleApi.prefixe, CleApi.revoquee_le).where(
        (CleApi.id == cle_id) & (CleApi.etablissement == etablissement_id)
    ).first()


async def revoke_key(etablissement_id: int, cle_id: int) -> bool:
    """Revoke an active key of this establishment; False if it has none such (already revoked)."""
    changed = await CleApi.update({CleApi.revoquee_le: clock.now()}).where(
        (CleApi.id == cle_id) & (CleApi.etablissement == etablissement_id) & CleApi.revoquee_le.is_null()
    ).returning(CleApi.id)
    return bool(changed)


LIST_SQL = """
SELECT k.id, k.nom, k.prefixe, k.portees, k.cree_le, k.utilisee_le, k.revoquee_le,
       COALESCE(c.nom_affiche, '') AS nom_affiche, COALESCE(c.identifiant, '') AS identifiant
FROM cle_api k LEFT JOIN compte c ON c.id = k.cree_par
WHERE k.etablissement = {}
ORDER BY k.revoquee_le IS NOT NULL, k.cree_le DESC, k.id DESC
"""


async def keys_of(etablissement_id: int) -> list[dict]:
    """The establishment's keys, active ones first, newest first: one query."""
    rows = await CleApi.raw(LIST_SQL, etablissement_id)
    return [{**row, "portees": scopes_of(row["portees"])} for row in rows]


# Hand-written: it runs on every API call.
CLIENT_SQL = """
SELECT id, nom, etablissement, portees, utilisee_le FROM cle_api
WHERE token_hash = {} AND revoquee_le IS NULL
"""


async def client_for(key: str) -> ApiClient | None:
    """The software behind a key, or None for a malformed, unknown or revoked key. One query,
    plus one write at most once a minute to note the key's last use."""
    if not KEY_FORMAT.fullmatch(key):
        return None
    rows = await CleApi.raw(CLIENT_SQL, token_hash(key))
    if not rows:
        return None
    row = rows[0]
    now = clock.now()
    last_use = aware(row["utilisee_le"])
    if last_use is None or now - last_use >= TOUCH_EVERY:
        await CleApi.update({CleApi.utilisee_le: now}).where(CleApi.id == row["id"])
    return ApiClient(
        cle_id=row["id"], nom=row["nom"], etablissement_id=row["etablissement"],
        portees=frozenset(scopes_of(row["portees"])),
    )
