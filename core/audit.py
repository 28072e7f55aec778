"""The audit log of staff actions (who, what, when, from where), read by the head."""

from __future__ import annotations

from litestar import Request

from teleservices.core import clock
from teleservices.core.guards import viewer_of
from teleservices.core.sessions import client_address
from teleservices.core.tables import Journal


async def audit(request: Request, action: str, detail: str = "", etablissement_id: int | None = None) -> None:
    """Write one line of the journal for the logged-in staff member's action.

    ``action`` is a short stable code ("services.modifier", "import.siecle"...), ``detail`` a
    French sentence for the head; never put a password or a token in either. Call it inside the
    action's transaction when there is one, so that the line and the change land together.
    """
    viewer = viewer_of(request)
    await Journal.insert(Journal(
        etablissement=etablissement_id if etablissement_id is not None else viewer.etablissement_id,
        compte=viewer.compte_id,
        identifiant=viewer.identifiant,
        action=action[:60],
        detail=detail,
        adresse=client_address(request)[:64],
        quand=clock.now(),
    ))
