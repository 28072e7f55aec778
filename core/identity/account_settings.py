"""Changing one's e-mail address or password from "gérer son compte" (guide 2.5).

Both need the current password (throttled like the login). A new address counts only once the
link mailed to it is clicked, and the former address is told; a new password ends every other
session of the account and gives this browser a new session id.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response, get, post

from teleservices.core import sessions
from teleservices.core.guards import login_required, viewer_of
from teleservices.core.identity import tokens
from teleservices.core.i18n import gettext as _, lazy_gettext as _l
from teleservices.core.identity.family_forms import (
    CURRENT_PASSWORD_WRONG, PRIVATE_HEADERS, Errors, birth_dates_of, check_mel, check_new_password,
    current_password_ok, field, masked, normalize_mel, recently_issued, send, token_failure_page,
    wait_before_check, write_transaction,
)
from teleservices.core.identity.first_connection import mail_address_confirmation
from teleservices.core.identity.passwords import password_problem
from teleservices.core.rendering import navigate, render
from teleservices.core.security import hash_password_async
from teleservices.core.tables import Compte

log = logging.getLogger("teleservices.auth")

CURRENT_PASSWORD_MISSING = _l("Saisissez votre mot de passe actuel.")
SAME_ADDRESS = _l("C'est déjà l'adresse confirmée de votre compte.")
SAME_PASSWORD = _l("Le nouveau mot de passe doit être différent du mot de passe actuel.")
CONFIRMATION_TOO_SOON = _l(
    "Un courriel de confirmation vient d'être envoyé. Patientez une minute avant d'en demander un autre."
)
CHANGED_MAIL = "mails/adresse_modifiee.txt"


async def _account(compte_id: int) -> dict[str, Any]:
    return await Compte.select(Compte.id, Compte.identifiant, Compte.mel, Compte.mel_verifie).where(
        Compte.id == compte_id
    ).first()


def _address_page(request: Request, compte: dict[str, Any], valeurs: dict[str, str], erreurs: Errors,
                  general: str = "") -> Response:
    return render(request, "identite/compte_adresse.html", {
        "compte": compte, "valeurs": valeurs, "erreurs": erreurs, "general": general,
    }, headers=PRIVATE_HEADERS)


@get("/compte/adresse", guards=[login_required], name="compte-adresse")
async def address_form(request: Request) -> Response:
    compte = await _account(viewer_of(request).compte_id)
    return _address_page(request, compte, {"mel": "", "mel_confirmation": ""}, Errors())


@post("/compte/adresse", guards=[login_required])
async def change_address(request: Request) -> Response:
    viewer = viewer_of(request)
    compte = await _account(viewer.compte_id)
    form = await request.form()
    valeurs = {
        "mel": normalize_mel(field(form, "mel")),
        "mel_confirmation": normalize_mel(field(form, "mel_confirmation")),
    }
    password = form.get("mot_de_passe_actuel") or ""
    erreurs = Errors()
    wait = await wait_before_check(compte["identifiant"], request)
    if wait:
        return _address_page(request, compte, valeurs, erreurs, general=wait)
    if not password:
        erreurs.add("mot_de_passe_actuel", CURRENT_PASSWORD_MISSING)
    elif not await current_password_ok(compte["id"], compte["identifiant"], password, request):
        erreurs.add("mot_de_passe_actuel", CURRENT_PASSWORD_WRONG)
    check_mel(erreurs, valeurs["mel"], valeurs["mel_confirmation"], required=True)
    if "mel" not in erreurs and compte["mel_verifie"] and valeurs["mel"] == compte["mel"]:
        erreurs.add("mel", SAME_ADDRESS)
    if erreurs:
        return _address_page(request, compte, valeurs, erreurs)
    if await recently_issued(compte["id"], tokens.NEW_EMAIL):
        return _address_page(request, compte, valeurs, erreurs, general=CONFIRMATION_TOO_SOON)
    async with write_transaction():
        await mail_address_confirmation(request, compte["id"], compte["identifiant"], valeurs["mel"])
        if compte["mel"] and compte["mel_verifie"]:
            await send(request, compte["mel"], CHANGED_MAIL, identifiant=compte["identifiant"],
                       nouvelle=masked(valeurs["mel"]))
    log.info("changement d'adresse demandé : compte %s", compte["id"])
    return navigate(request, "/compte?modification=adresse")


@get("/confirmation-adresse", name="confirmation-adresse")
async def confirm_address(request: Request) -> Response:
    """The link mailed to a new address: from now on it is the account's, confirmed. No login
    needed: the mail may be read on another device."""
    code = request.query_params.get("code")
    valid = await tokens.check(code, tokens.NEW_EMAIL)
    used = None
    if valid is not None and await Compte.exists().where((Compte.id == valid.compte_id) & (Compte.etat == "actif")):
        async with write_transaction():
            used = await tokens.consume(code, tokens.NEW_EMAIL)
            if used:
                await Compte.update({Compte.mel: used.mel, Compte.mel_verifie: True}).where(Compte.id == used.compte_id)
                await tokens.revoke(used.compte_id, tokens.NEW_EMAIL)
    if used is None:
        return await token_failure_page(request, code, tokens.NEW_EMAIL)
    log.info("adresse confirmée : compte %s", used.compte_id)
    return render(request, "identite/lien.html", {
        "titre": _("Adresse e-mail confirmée"), "reussi": True,
        "message": _("Votre adresse e-mail %(adresse)s est confirmée.", adresse=used.mel),
        "detail": _("Elle est désormais celle de votre compte : elle vous permet de retrouver votre identifiant "
                    "ou de réinitialiser votre mot de passe."),
        "bouton": {"href": "/", "libelle": _("accéder aux services")},
    }, headers=PRIVATE_HEADERS)


def _password_page(request: Request, erreurs: Errors, general: str = "") -> Response:
    return render(request, "identite/compte_mot_de_passe.html", {"erreurs": erreurs, "general": general},
                  headers=PRIVATE_HEADERS)


@get("/compte/mot-de-passe", guards=[login_required], name="compte-mot-de-passe")
async def password_form(request: Request) -> Response:
    viewer_of(request)
    return _password_page(request, Errors())


@post("/compte/mot-de-passe", guards=[login_required])
async def change_password(request: Request) -> Response:
    viewer = viewer_of(request)
    compte = await _account(viewer.compte_id)
    form = await request.form()
    current = form.get("mot_de_passe_actuel") or ""
    password = form.get("mot_de_passe") or ""
    confirmation = form.get("mot_de_passe_confirmation") or ""
    erreurs = Errors()
    wait = await wait_before_check(compte["identifiant"], request)
    if wait:
        return _password_page(request, erreurs, general=wait)
    if not current:
        erreurs.add("mot_de_passe_actuel", CURRENT_PASSWORD_MISSING)
    elif not await current_password_ok(compte["id"], compte["identifiant"], current, request):
        erreurs.add("mot_de_passe_actuel", CURRENT_PASSWORD_WRONG)
    problem = password_problem(password, identifiant=compte["identifiant"],
                               birth_dates=await birth_dates_of(compte["id"]))
    check_new_password(erreurs, password, confirmation, problem)
    if "mot_de_passe" not in erreurs and "mot_de_passe_actuel" not in erreurs and password == current:
        erreurs.add("mot_de_passe", SAME_PASSWORD)
    if erreurs:
        return _password_page(request, erreurs)
    hashed = await hash_password_async(password)  # before the write lock: it takes a while
    async with write_transaction():
        await Compte.update({Compte.mot_de_passe: hashed}).where(Compte.id == compte["id"])
        # Whoever else was logged in with the old password is logged out.
        await sessions.close_all_sessions(compte["id"])
    log.info("mot de passe modifié : compte %s", compte["id"])
    return await sessions.sign_in(request, compte["id"], "/compte?modification=mot-de-passe")


ROUTES = [address_form, change_address, confirm_address, password_form, change_password]
