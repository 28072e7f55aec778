"""The guards: every route of the portal goes through one of them.

``service_guard`` is the one guard in front of every service route: logged in, the child is one
this account may see, the child's establishment opened the service, the user type may see it,
and the pupil's access to national services was not removed.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.handlers import BaseRouteHandler

from teleservices.core.api import Child, StaffRole, UserType, Viewer
from teleservices.core.family import children_of, offered_services, option_values, refusal
from teleservices.core.i18n import gettext


class FirstConnectionRequired(NotAuthorizedException):
    """The account still has its provisional password, or waits for its e-mail confirmation:
    nothing but the first-connection pages is reachable (guide 2.2)."""


PENDING_STATES = {"provisoire", "en_attente"}


def session_viewer(connection: ASGIConnection) -> Viewer:
    """The logged-in account, whatever its state."""
    viewer = connection.scope.get("user")
    if viewer is None:
        raise NotAuthorizedException(gettext("Connexion requise."))
    return viewer


def viewer_of(connection: ASGIConnection) -> Viewer:
    """The logged-in account, once its first connection is complete."""
    viewer = session_viewer(connection)
    if viewer.etat in PENDING_STATES:
        raise FirstConnectionRequired(gettext("Première connexion à terminer."))
    return viewer


async def login_required(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    viewer_of(connection)


async def session_required(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """For the first-connection pages and logout: logged in, in any state."""
    session_viewer(connection)


async def staff_required(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if viewer_of(connection).type != UserType.PERSONNEL:
        raise PermissionDeniedException(gettext("Cette page est réservée aux personnels de l'établissement."))


# The head of establishment and the academy administrator may do everything of an establishment.
ESTABLISHMENT_MANAGERS = frozenset({StaffRole.CHEF, StaffRole.ADMIN_ACADEMIQUE})


def staff_guard(*roles: StaffRole):
    """A guard for staff pages: a staff account with one of ``roles`` (the head and the academy
    administrator always pass), working on an establishment. The establishment is always the
    viewer's own (``staff_establishment``), never one named by the request."""
    allowed = ESTABLISHMENT_MANAGERS | set(roles)

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        viewer = viewer_of(connection)
        if viewer.type != UserType.PERSONNEL:
            raise PermissionDeniedException(gettext("Cette page est réservée aux personnels de l'établissement."))
        if viewer.role not in allowed:
            raise PermissionDeniedException(gettext("Cette page n'est pas accessible avec votre profil."))
        if viewer.etablissement_id is None:
            raise ChooseEstablishment(gettext("Choisissez d'abord un établissement."))

    guard.__name__ = f"staff_guard_{'_'.join(sorted(r.value for r in allowed))}"
    return guard


class ChooseEstablishment(PermissionDeniedException):
    """An academy administrator has not chosen the establishment to work on yet: the error
    handler sends them to the chooser, ``/administration/etablissements``."""


async def academy_admin_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """The establishment chooser: academy administrators only, establishment chosen or not."""
    viewer = viewer_of(connection)
    if viewer.type != UserType.PERSONNEL or viewer.role != StaffRole.ADMIN_ACADEMIQUE:
        raise PermissionDeniedException(gettext("Cette page est réservée aux administrateurs académiques."))


def staff_establishment(connection: ASGIConnection) -> int:
    """The establishment a staff page works on (after ``staff_guard``)."""
    etablissement_id = viewer_of(connection).etablissement_id
    if etablissement_id is None:
        raise ChooseEstablishment(gettext("Choisissez d'abord un établissement."))
    return etablissement_id


async def load_child(connection: ASGIConnection) -> Child:
    """The child named by the ``eleve_id`` path parameter, if this account may see them.

    Unknown and not-yours answer the same 404, so that ids reveal nothing.
    """
    viewer = viewer_of(connection)
    children = await children_of(viewer)
    eleve_id = connection.path_params.get("eleve_id")
    child = next((c for c in children if c.id == eleve_id), None)
    if child is None:
        raise NotFoundException(gettext("Élève introuvable."))
    connection.state.children = children
    connection.state.child = child
    return child


async def family_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    await load_child(connection)


async def service_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    child = await load_child(connection)
    spec = connection.app.state.plugins.services[handler.opt["service_key"]]
    # Only this service is decided: another service's offered_by (a query) is not asked.
    opened = await offered_services({spec.key: spec}, child)
    reason = refusal(spec, viewer_of(connection), child, opened)
    if reason:
        raise PermissionDeniedException(reason)
    connection.state.service_options = option_values(spec, opened[spec.key])
