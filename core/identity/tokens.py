"""Single-use tokens for the links sent by e-mail, stored hashed.

Lifetimes are the guide's: the activation link 3 months (2.2.1), the password reset 1 week
(2.4). A token also dies when the account's password or e-mail changes after it was made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from teleservices.core import clock
from teleservices.core.security import new_token, token_hash
from teleservices.core.tables import Compte, Jeton

ACTIVATION = "activation"
RESET = "reinitialisation"
NEW_EMAIL = "mel"
LIFETIMES = {
    ACTIVATION: dt.timedelta(days=92),  # 3 months
    RESET: dt.timedelta(weeks=1),
    NEW_EMAIL: dt.timedelta(days=92),
}


@dataclass(frozen=True)
class ValidToken:
    id: int
    compte_id: int
    objet: str
    mel: str


def fingerprint(password_hash: str, mel: str) -> str:
    return hashlib.sha256(f"{password_hash}\x00{mel}".encode()).hexdigest()


async def _account_fingerprint(compte_id: int) -> str | None:
    row = await Compte.select(Compte.mot_de_passe, Compte.mel).where(Compte.id == compte_id).first()
    return fingerprint(row["mot_de_passe"], row["mel"]) if row else None


async def issue(compte_id: int, objet: str, mel: str = "") -> str:
    """Make a token for this account; returns the raw value, to put in a link, never stored."""
    token = new_token()
    now = clock.now()
    await Jeton.insert(Jeton(
        compte=compte_id, objet=objet, token_hash=token_hash(token), mel=mel,
        empreinte=await _account_fingerprint(compte_id), cree_le=now, expire_le=now + LIFETIMES[objet],
    ))
    return token


async def check(token: str | None, objet: str) -> ValidToken | None:
    """The token if it is of this kind, unused, unexpired and its account unchanged."""
    if not token:
        return None
    row = await Jeton.select().where((Jeton.token_hash == token_hash(token)) & (Jeton.objet == objet)).first()
    if row is None or row["utilise_le"] is not None:
        return None
    expires = row["expire_le"] if row["expire_le"].tzinfo else row["expire_le"].replace(tzinfo=dt.timezone.utc)
    if clock.now() >= expires or await _account_fingerprint(row["compte"]) != row["empreinte"]:
        return None
    return ValidToken(id=row["id"], compte_id=row["compte"], objet=objet, mel=row["mel"])


async def consume(token: str | None, objet: str) -> ValidToken | None:
    """Check the token and mark it used, once: of two concurrent uses, one wins."""
    valid = await check(token, objet)
    if valid is None:
        return None
    claimed = await Jeton.update({Jeton.utilise_le: clock.now()}).where(
        (Jeton.id == valid.id) & Jeton.utilise_le.is_null()
    ).returning(Jeton.id)
    return valid if claimed else None


async def revoke(compte_id: int, objet: str) -> None:
    """Kill this account's unused tokens of one kind (a new one replaces them)."""
    await Jeton.update({Jeton.utilise_le: clock.now()}).where(
        (Jeton.compte == compte_id) & (Jeton.objet == objet) & Jeton.utilise_le.is_null()
    )
