"""Private links: a service's feed for one child (a calendar subscription) that an application
fetches without a session. The token in the URL is the credential; the database keeps its hash.

A link belongs to an account, a child and a service. Every fetch goes through ``feed_guard``,
which re-checks what the service guard checks for a page (the account is active, may still see
the child, the establishment opened the service, the audience, the pupil's access): a link
stops working as soon as the page would be refused, and when its holder revokes it or makes a
new one.
"""

from __future__ import annotations

import datetime as dt

from litestar import Request, Router
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.handlers import BaseRouteHandler

from teleservices.core import clock
from teleservices.core.api import Child, UserType, Viewer
from teleservices.core.db import write_transaction
from teleservices.core.family import children_of, offered_services, option_values, refusal
from teleservices.core.plugins import Plugins
from teleservices.core.security import new_token, token_hash
from teleservices.core.tables import LienPrive

LINK_SQL = """
SELECT l.id, l.eleve, l.utilise_le, c.id AS compte_id, c.identifiant, c.type, c.etat
FROM lien_prive l JOIN compte c ON c.id = l.compte
WHERE l.token_hash = {} AND l.service = {}
"""
# A fetch refreshes "last used" at most once an hour: a calendar polls often.
TOUCH_EVERY = dt.timedelta(hours=1)
UNKNOWN = "Ce lien n'existe pas ou n'est plus valable."


async def created_at(compte_id: int, eleve_id: int, service: str) -> dt.datetime | None:
    """When this account's link to this child's service feed was made, or None if it has none."""
    rows = await LienPrive.select(LienPrive.cree_le).where(
        (LienPrive.compte == compte_id) & (LienPrive.eleve == eleve_id) & (LienPrive.service == service)
    )
    return rows[0]["cree_le"] if rows else None


async def create(compte_id: int, eleve_id: int, service: str) -> str:
    """A new link, replacing (so revoking) this account's previous one. The token is returned
    once, to be shown once: only its hash is kept."""
    token = new_token()
    async with write_transaction():
        await revoke(compte_id, eleve_id, service)
        await LienPrive.insert(LienPrive(compte=compte_id, eleve=eleve_id, service=service, token_hash=token_hash(token)))
    return token


async def revoke(compte_id: int, eleve_id: int, service: str) -> None:
    await LienPrive.delete().where(
        (LienPrive.compte == compte_id) & (LienPrive.eleve == eleve_id) & (LienPrive.service == service)
    )


async def move_links(kept: int, merged: int) -> None:
    """Two accounts become one: the merged account's links keep working for the kept account,
    unless the kept account has its own link to the same feed."""
    await LienPrive.raw(
        "DELETE FROM lien_prive WHERE compte = {} AND EXISTS (SELECT 1 FROM lien_prive k WHERE k.compte = {} "
        "AND k.eleve = lien_prive.eleve AND k.service = lien_prive.service)", merged, kept,
    )
    await LienPrive.update({LienPrive.compte: kept}).where(LienPrive.compte == merged)


async def feed_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """The link's token names an account and a child: both must still pass the service's rule.
    Every refusal is the same 404, which says nothing of why."""
    key = handler.opt["service_key"]
    rows = await LienPrive.raw(LINK_SQL, token_hash(connection.path_params["jeton"]), key)
    if not rows or rows[0]["etat"] != "actif":
        raise NotFoundException(UNKNOWN)
    row = rows[0]
    viewer = Viewer(compte_id=row["compte_id"], identifiant=row["identifiant"], type=UserType(row["type"]), etat=row["etat"])
    child = next((c for c in await children_of(viewer) if c.id == row["eleve"]), None)
    spec = connection.app.state.plugins.services[key]
    services = connection.app.state.plugins.services
    opened = await offered_services(services, child) if child else {}
    if child is None or refusal(spec, viewer, child, opened):
        raise NotFoundException(UNKNOWN)
    connection.state.child = child
    connection.state.service_options = option_values(spec, opened[key])
    now = clock.now()
    if row["utilise_le"] is None or now - _aware(row["utilise_le"]) > TOUCH_EVERY:
        await LienPrive.update({LienPrive.utilise_le: now}).where(LienPrive.id == row["id"])


def _aware(value: dt.datetime | str) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def feed_child(request: Request) -> Child:
    return request.state.child


def feed_routers(plugins: Plugins) -> list[Router]:
    """Each service's feeds, under ``/flux/{key}/{jeton}/``, behind ``feed_guard`` only: no
    session, no CSRF (GET only)."""
    return [
        Router(
            path=f"/flux/{key}/{{jeton:str}}",
            route_handlers=list(spec.feed_routes),
            guards=[feed_guard],
            opt={"service_key": key},
            dependencies={"child": Provide(feed_child, sync_to_thread=False)},
        )
        for key, spec in plugins.services.items()
        if spec.feed_routes
    ]
