"""Merging two parent accounts (guide 2.2.1, "gérer son compte" → "regrouper des comptes").

The account the parent is logged in with is kept; the children of the other move to it; the
other is destroyed and its sessions end. One transaction: a failure half-way (a plugin's hook
included) leaves both accounts as they were.
"""

from __future__ import annotations

import logging

from litestar import Request, Response, get, post

from teleservices.core import notifications, private_links, sessions
from teleservices.core.api import UserType
from teleservices.core.db import write_transaction
from teleservices.core.family import children_of
from teleservices.core.guards import login_required, viewer_of
from teleservices.core.identity import throttle
from teleservices.core.i18n import gettext as _, lazy_gettext as _l
from teleservices.core.plugins import PluginFailure, Plugins
from teleservices.core.rendering import render
from teleservices.core.security import check_password_async
from teleservices.core.tables import Compte, CompteEleve

log = logging.getLogger("teleservices.auth")

WRONG_CREDENTIALS = _l("Identifiant ou mot de passe incorrect.")


class MergeRefused(Exception):
    """The merge cannot be done; the message is for the parent."""


async def _other_account(identifiant: str, password: str) -> dict:
    other = await Compte.select(Compte.id, Compte.mot_de_passe, Compte.type, Compte.etat).where(
        Compte.identifiant == identifiant
    ).first()
    if not await check_password_async(other["mot_de_passe"] if other else None, password) or other is None:
        raise MergeRefused(WRONG_CREDENTIALS)
    return other


async def merge_accounts(plugins: Plugins, kept: int, merged: int) -> None:
    """Move ``merged``'s children to ``kept``, tell the plugins, delete ``merged``: all or nothing."""
    async with write_transaction():
        kept_children = await CompteEleve.select(CompteEleve.eleve).where(CompteEleve.compte == kept)
        already = [row["eleve"] for row in kept_children]
        if already:  # a child both accounts see stays once
            await CompteEleve.delete().where((CompteEleve.compte == merged) & CompteEleve.eleve.is_in(already))
        await CompteEleve.update({CompteEleve.compte: kept}).where(CompteEleve.compte == merged)
        await private_links.move_links(kept, merged)
        await notifications.move(kept, merged, already)
        await plugins.call_async("accounts_merged", kept=kept, merged=merged)
        await sessions.close_all_sessions(merged)
        await Compte.delete().where(Compte.id == merged)


@get("/compte/regrouper", guards=[login_required], name="regrouper")
async def merge_form(request: Request) -> Response:
    return render(request, "regrouper.html", {"identifiant": "", "children": None})


@post("/compte/regrouper", guards=[login_required])
async def merge(request: Request) -> Response:
    viewer = viewer_of(request)
    form = await request.form()
    identifiant = (form.get("identifiant") or "").strip().lower()
    password = form.get("mot_de_passe") or ""
    client = sessions.client_address(request)

    def refused(message: str) -> Response:
        return render(request, "regrouper.html", {"identifiant": identifiant, "erreur": message, "children": None})

    if viewer.type != UserType.PARENT:
        return refused(_("Seul un compte de responsable peut regrouper des comptes."))
    wait = await throttle.seconds_to_wait(identifiant, client)
    if wait:
        return refused(throttle.wait_message(wait))
    try:
        other = await _other_account(identifiant, password)
    except MergeRefused as exc:
        await throttle.failed(identifiant, client)
        return refused(str(exc))
    await throttle.succeeded(identifiant, client)
    if other["id"] == viewer.compte_id:
        return refused(_("Ce compte est celui avec lequel vous êtes connecté : il n'y a rien à regrouper."))
    if other["type"] != UserType.PARENT:
        return refused(_("Un compte élève ne peut pas être regroupé avec un compte de responsable."))
    if other["etat"] != "actif":
        return refused(_("Ce compte n'est pas encore activé : terminez d'abord sa première connexion."))
    try:
        await merge_accounts(request.app.state.plugins, kept=viewer.compte_id, merged=other["id"])
    except PluginFailure as failure:  # logged with the plugin's name; the transaction was rolled back
        return refused(_("Le regroupement n'a pas été fait : le service « %(service)s » a rencontré une erreur. "
                         "Vos deux comptes restent tels qu'ils étaient ; réessayez plus tard.", service=failure.label))
    log.info("comptes regroupés : %s absorbe %s", viewer.compte_id, other["id"])
    # A new session id after a merge, like after a login.
    return await sessions.sign_in(request, viewer.compte_id, "/compte/regrouper/fait")


@get("/compte/regrouper/fait", guards=[login_required], name="regroupement-fait")
async def merged(request: Request) -> Response:
    return render(request, "regrouper.html", {"identifiant": "", "children": await children_of(viewer_of(request))})


ROUTES = [merge_form, merge, merged]
