"""The purge of guardian accounts never activated (guide 2.2.1).

A guardian has 3 months to click the link of the first-connection mail; after that the account
is deleted (its links, sessions and tokens with it) and the guardian must ask the school for a
new one. ``teleservices accounts purge-expired`` runs this, meant for a daily timer.
"""

from __future__ import annotations

import datetime as dt
import logging

from teleservices.core.identity.tokens import ACTIVATION, LIFETIMES
from teleservices.core.tables import Compte

log = logging.getLogger("teleservices.auth")

# The same 3 months as the activation link's lifetime: the link dies, then the account.
ACTIVATION_DELAY: dt.timedelta = LIFETIMES[ACTIVATION]


async def purge_expired(now: dt.datetime) -> int:
    """Delete the accounts waiting for their e-mail confirmation since more than 3 months;
    returns how many."""
    deleted = await Compte.delete().where(
        (Compte.etat == "en_attente") & (Compte.attente_depuis < now - ACTIVATION_DELAY)
    ).returning(Compte.id)
    if deleted:
        log.info("comptes non activés supprimés : %s", ", ".join(str(row["id"]) for row in deleted))
    return len(deleted)
