"""The guards: every route of the portal goes through one of them.

``service_guard`` is the one guard in front of every service route: logged in, the child is one
this account may see, the child's establishment opened the service, the user type may see it,
and the pupil's access to national services was not removed.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.handlers import BaseRouteHandler

from teleservices.core.api import Child, UserType, Viewer
from teleservices.core.family import children_of, opened_services, refusal


class FirstConnectionRequired(NotAuthorizedException):
    """The account still has its provisional password, or waits for its e-mail confirmation:
    nothing but the first-connection pages is reachable (guide 2.2)."""


PENDING_STATES = {"provisoire", "en_attente"}


def session_viewer(connection: ASGIConnection) -> Viewer:
    """The logged-in account, whatever its state."""
    viewer = connection.scope.get("user")
    if viewer is None:
        raise NotAuthorizedException("Connexion requise.")
    return viewer


def viewer_of(connection: ASGIConnection) -> Viewer:
    """The logged-in account, once its first connection is complete."""
    viewer = session_viewer(connection)
    if viewer.etat in PENDING_STATES:
        raise FirstConnectionRequired("Première connexion à terminer.")
    return viewer


async def login_required(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    viewer_of(connection)


async def session_required(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """For the first-connection pages and logout: logged in, in any state."""
    session_viewer(connection)


async def staff_required(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if viewer_of(connection).type != UserType.PERSONNEL:
        raise PermissionDeniedException("Cette page est réservée aux personnels de l'établissement.")


async def load_child(connection: ASGIConnection) -> Child:
    """The child named by the ``eleve_id`` path parameter, if this account may see them.

    Unknown and not-yours answer the same 404, so that ids reveal nothing.
    """
    viewer = viewer_of(connection)
    children = await children_of(viewer)
    eleve_id = connection.path_params.get("eleve_id")
    child = next((c for c in children if c.id == eleve_id), None)
    if child is None:
        raise NotFoundException("Élève introuvable.")
    connection.state.children = children
    connection.state.child = child
    return child


async def family_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    await load_child(connection)


async def service_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    child = await load_child(connection)
    spec = connection.app.state.plugins.services[handler.opt["service_key"]]
    opened = await opened_services(child.etablissement.id)
    reason = refusal(spec, viewer_of(connection), child, opened)
    if reason:
        raise PermissionDeniedException(reason)
    connection.state.opened = opened
