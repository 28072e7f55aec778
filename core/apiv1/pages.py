"""``/administration/api``: the head's page of the establishment's API keys.

The list of keys (name, start of the key, services, created when and by whom, last use, state),
the form that makes a key (shown in full once, on the answer to that POST, never again), and
revocation behind a confirmation page. Managers only (the head, the academy administrator);
every action is written to the journal, never with the key itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException

from teleservices.core import clock
from teleservices.core.apiv1 import keys
from teleservices.core.audit import audit, in_french
from teleservices.core.db import write_transaction
from teleservices.core.guards import staff_establishment, staff_guard, viewer_of
from teleservices.core.i18n import format_date, gettext as _, lazy_gettext as _l
from teleservices.core.rendering import navigate, render
from teleservices.core.tables import Etablissement

PAGE = "/administration/api"
MANAGERS = staff_guard()
NAME_MAX = 80

NAME_MISSING = _l("Indiquez le nom de la clé, par exemple le logiciel qui l'utilisera.")
NAME_TOO_LONG = _l("Le nom de la clé ne doit pas dépasser %(max)s caractères.", max=NAME_MAX)
NO_SCOPE = _l("Cochez au moins un service auquel ce logiciel pourra envoyer des données.")
MESSAGES = {
    "revoquee": _l("La clé a été révoquée : les logiciels qui l'utilisaient ne peuvent plus rien envoyer."),
}


def api_services(request: Request) -> dict[str, Any]:
    """The services that receive data through the API (their key and label, which may be
    translated lazily), in portal order."""
    return {key: spec.label for key, spec in request.app.state.plugins.services.items() if spec.api_routes}


def when(value: dt.datetime | None) -> str:
    """"29/11/2026 à 14:05" (in English "29/11/2026 at 14:05"), Paris time; the database keeps UTC."""
    if not value:
        return ""
    local = keys.aware(value).astimezone(clock.FUSEAU)
    return _("%(date)s à %(heure)s", date=format_date(local), heure=local.strftime("%H:%M"))


def _key_view(row: dict, labels: dict[str, str]) -> dict[str, Any]:
    return {
        **row,
        "debut": keys.shown_prefix(row["prefixe"]),
        "services": [str(labels.get(scope, scope)) for scope in row["portees"]],
        "creee": when(row["cree_le"]),
        "auteur": row["nom_affiche"] or row["identifiant"] or _("compte supprimé"),
        "utilisee": when(row["utilisee_le"]) or _("jamais"),
        "revoquee": when(row["revoquee_le"]),
    }


async def _establishment(etablissement_id: int) -> dict:
    return await Etablissement.select(Etablissement.nom, Etablissement.uai).where(
        Etablissement.id == etablissement_id
    ).first()


async def _page(request: Request, erreurs: dict[str, str] | None = None, valeurs: dict | None = None) -> Response:
    etablissement_id = staff_establishment(request)
    labels = api_services(request)
    rows = await keys.keys_of(etablissement_id)
    return render(request, "administration/api.html", {
        "etablissement": await _establishment(etablissement_id),
        "cles": [_key_view(row, labels) for row in rows],
        "services": labels,
        "erreurs": {name: str(error) for name, error in (erreurs or {}).items()},
        "valeurs": valeurs or {"nom": "", "portees": []},
        "message": str(MESSAGES.get(request.query_params.get("ok") or "", "")),
    })


@get(PAGE, guards=[MANAGERS], name="administration-api")
async def keys_page(request: Request) -> Response:
    return await _page(request)


def _check(nom: str, portees: list[str], offered: dict[str, str]) -> dict[str, str]:
    erreurs = {}
    if not nom:
        erreurs["nom"] = NAME_MISSING
    elif len(nom) > NAME_MAX:
        erreurs["nom"] = NAME_TOO_LONG
    if not portees or not set(portees) <= offered.keys():
        erreurs["portees"] = NO_SCOPE
    return erreurs


@post(PAGE, guards=[MANAGERS])
async def create(request: Request) -> Response:
    """Makes a key and shows it, once: only its hash is kept, so it can never be shown again."""
    form = await request.form()
    nom = " ".join((form.get("nom") or "").split())
    portees = [str(value) for value in form.getall("portees", [])]
    offered = api_services(request)
    erreurs = _check(nom, portees, offered)
    if erreurs:
        return await _page(request, erreurs, {"nom": nom, "portees": portees})
    etablissement_id = staff_establishment(request)
    labels = [offered[key] for key in offered if key in portees]
    async with write_transaction():
        made = await keys.create_key(etablissement_id, nom, portees, viewer_of(request).compte_id)
        with in_french():
            services = ", ".join(str(label) for label in labels)
        await audit(request, "api.cle.creer", (
            f"Clé d'API « {nom} » ({keys.shown_prefix(made.prefixe)}) créée pour : {services}."
        ))
    response = render(request, "administration/api_cle_creee.html", {
        "etablissement": await _establishment(etablissement_id),
        "nom": nom, "cle": made.key, "services": [str(label) for label in labels],
        "base_url": request.app.state.settings.base_url,
    })
    response.headers["Cache-Control"] = "no-store"
    return response


async def _key_or_404(request: Request) -> dict:
    key = await keys.key_of(staff_establishment(request), request.path_params["cle_id"])
    if key is None:
        raise NotFoundException(_("Clé d'API introuvable dans votre établissement."))
    return key


@get(f"{PAGE}/{{cle_id:int}}/revoquer", guards=[MANAGERS], name="administration-api-revoquer")
async def revoke_confirmation(request: Request) -> Response:
    key = await _key_or_404(request)
    return render(request, "administration/api_revoquer.html", {
        "cle": {**key, "debut": keys.shown_prefix(key["prefixe"])},
    })


@post(f"{PAGE}/{{cle_id:int}}/revoquer", guards=[MANAGERS])
async def revoke(request: Request) -> Response:
    key = await _key_or_404(request)
    async with write_transaction():
        if await keys.revoke_key(staff_establishment(request), key["id"]):
            await audit(request, "api.cle.revoquer", (
                f"Clé d'API « {key['nom']} » ({keys.shown_prefix(key['prefixe'])}) révoquée."
            ))
    return navigate(request, f"{PAGE}?ok=revoquee")


ROUTES = [keys_page, create, revoke_confirmation, revoke]
