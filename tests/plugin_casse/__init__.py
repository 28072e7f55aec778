"""« Casse » : a test plugin that raises in every hook it implements and in every page, to prove
that one plugin's failure never breaks the portal (issue 10, « Isolation »). Registered for a
test only, never installed: ``create_app(settings, extra_plugins={"casse": plugin_casse})``.

Its ``services`` hook is the one that answers — a plugin whose ``services`` raises is disabled
at start-up and would have no page left to fail; ``startup_failure(hook)`` makes the plugins
that raise at start-up. Its two services:

- « Casse » (key ``casse``): every route raises — family pages under ``/eleves/{id}/casse/``
  (in the handler, in a template: an undefined attribute, a filter), staff page under
  ``/administration/casse/``, feed under ``/flux/casse/{jeton}/``, API under
  ``/api/v1/casse/`` — except ``introuvable``, a 404 raised on purpose;
- « Casse ailleurs » (key ``casse_ailleurs``): its ``offered_by`` raises; its page would work.

Every exception is a :class:`Panne` whose message says where it came from.
"""

from __future__ import annotations

import datetime as dt

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException

from teleservices.core.api import (
    FAMILIES, CurrentApiClient, CurrentChild, DemoContext, MenuItem, ServiceSpec, Viewer, hookimpl, render,
)

KEY = "casse"
ELSEWHERE = "casse_ailleurs"


class Panne(RuntimeError):
    """The exception « casse » raises everywhere."""


# --- the family's pages -----------------------------------------------------------------------


@get("/")
async def accueil(child: CurrentChild) -> str:
    raise Panne(f"page de {child.prenom} en panne")


@get("/gabarit")
async def gabarit(request: Request) -> Response:
    """A template reading an attribute of something undefined."""
    return render(request, "casse/gabarit.html", {"devoir": {}})


class DateEnPanne(dt.date):
    @property
    def year(self) -> int:
        raise Panne("filtre date en panne")


@get("/filtre")
async def filtre(request: Request) -> Response:
    """A template whose filter raises (``date`` on a date that cannot be written)."""
    return render(request, "casse/filtre.html", {"rendu_le": DateEnPanne(2014, 6, 23)})


@get("/introuvable")
async def introuvable() -> str:
    raise NotFoundException("Ce devoir est introuvable.")


@get("/")
async def ailleurs(child: CurrentChild) -> str:
    return f"Casse ailleurs pour {child.prenom}"


# --- staff, feed, API -------------------------------------------------------------------------


@get("/")
async def personnel() -> str:
    raise Panne("page des personnels en panne")


@get("/")
async def flux(child: CurrentChild) -> str:
    raise Panne("flux en panne")


@get("/etat")
async def etat(api_client: CurrentApiClient) -> dict:
    raise Panne("API en panne")


async def offered_by(child: Any) -> int | None:
    raise Panne("offered_by en panne")


# --- the hooks --------------------------------------------------------------------------------


@hookimpl
def services() -> list[ServiceSpec]:
    return [
        ServiceSpec(
            KEY, "Casse", audiences=FAMILIES, order=5, description="Un service qui tombe en panne.",
            routes=[accueil, gabarit, filtre, introuvable], staff_routes=[personnel], feed_routes=[flux],
            api_routes=[etat],
        ),
        ServiceSpec(ELSEWHERE, "Casse ailleurs", audiences=FAMILIES, order=6, routes=[ailleurs], offered_by=offered_by),
    ]


@hookimpl
def menu_items(viewer: Viewer) -> list[MenuItem]:
    raise Panne("menu_items en panne")


@hookimpl
def demo_data(context: DemoContext) -> None:
    raise Panne("demo_data en panne")


@hookimpl
async def accounts_merged(kept: int, merged: int) -> None:
    raise Panne("accounts_merged en panne")


# --- start-up ---------------------------------------------------------------------------------

STARTUP_HOOKS = ("services", "template_dirs", "static_dirs", "piccolo_apps")


def startup_failure(failing: str) -> SimpleNamespace:
    """A plugin that implements every start-up hook and raises in ``failing``; the others
    answer (a service « Casse au démarrage », a template folder, a static folder, no tables)."""

    def answer(hook: str, value: Any) -> Any:
        def implementation() -> Any:
            if hook == failing:
                raise Panne(f"{hook} en panne")
            return value

        implementation.__name__ = hook
        return hookimpl(implementation)

    folder = Path(__file__).parent / "templates"
    return SimpleNamespace(
        services=answer("services", [ServiceSpec("casse_demarrage", "Casse au démarrage", routes=[ailleurs])]),
        template_dirs=answer("template_dirs", [str(folder)]),
        static_dirs=answer("static_dirs", {"casse_demarrage": str(folder)}),
        piccolo_apps=answer("piccolo_apps", []),
        menu_items=hookimpl(lambda viewer: [MenuItem("lien de casse", "/casse", order=15)]),
    )
