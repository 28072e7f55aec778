"""The audit log (who, what, when, from where), read by the head: every staff action, and every
push of school software through the API."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from litestar import Request

from teleservices.core import clock, i18n
from teleservices.core.guards import viewer_of
from teleservices.core.sessions import client_address
from teleservices.core.tables import Journal

_FRENCH = i18n.Catalogs()  # French needs no catalog


@contextmanager
def in_french() -> Iterator[None]:
    """The journal is a record, written in French whatever the language of the page: build a
    ``detail`` that names translated labels (a service's, an option's, a role's) in this block."""
    with i18n.use_language(i18n.DEFAULT_LANGUAGE, _FRENCH):
        yield


def _french(value: object) -> str:
    with in_french():
        return str(value)


async def audit(request: Request, action: str, detail: str = "", etablissement_id: int | None = None) -> None:
    """Write one line of the journal for the action of whoever makes this request: the logged-in
    staff member, or the API key of an ``/api/v1`` call (named "clé d'API « its name »").

    ``action`` is a short stable code ("services.modifier", "import.siecle"...), ``detail`` a
    French sentence for the head, stored as written and never translated (build it
    ``in_french()`` when it names labels marked for translation); never put a password or a token
    in either. Call it inside the action's transaction when there is one, so that the line and the
    change land together.
    """
    api_client = request.scope.get("state", {}).get("api_client")
    if api_client is not None:
        compte, identifiant, etablissement = None, f"clé d'API « {api_client.nom} »", api_client.etablissement_id
    else:
        viewer = viewer_of(request)
        compte, identifiant, etablissement = viewer.compte_id, viewer.identifiant, viewer.etablissement_id
    await Journal.insert(Journal(
        etablissement=etablissement_id if etablissement_id is not None else etablissement,
        compte=compte,
        identifiant=identifiant[:80],
        action=action[:60],
        detail=_french(detail),
        adresse=client_address(request)[:64],
        quand=clock.now(),
    ))
