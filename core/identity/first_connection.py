"""First connection (guide 2.2): the provisional password is replaced, never kept.

A guardian gives an e-mail address (pre-filled from SIECLE) and the birth date of the child of
the account; the account then waits ("en_attente") until the link mailed to that address is
clicked, within 3 months (``teleservices accounts purge-expired`` deletes it after that). A
pupil gives their own birth date; their e-mail is optional and the account is active at once:
an address given is only used for self-service recovery once confirmed by its link.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response, get, post

from teleservices.core import clock, sessions
from teleservices.core.family import children_of
from teleservices.core.guards import PENDING_STATES, login_required, session_required, session_viewer, viewer_of
from teleservices.core.identity import throttle, tokens
from teleservices.core.i18n import gettext as _, lazy_gettext as _l
from teleservices.core.identity.family_forms import (
    DATE_INVALID, DATE_MISSING, PRIVATE_HEADERS, Errors, check_mel, check_new_password, client_of, field, link,
    normalize_mel, parse_date, recently_issued, send, token_failure_page, write_transaction, wait_before_check,
)
from teleservices.core.identity.passwords import password_problem
from teleservices.core.rendering import navigate, render
from teleservices.core.security import check_password_async, hash_password_async
from teleservices.core.tables import Compte, CompteEleve

log = logging.getLogger("teleservices.auth")

PROVISIONAL_KEPT = _l("Le mot de passe provisoire ne peut pas être conservé.")
DATE_MISMATCH_PARENT = _l("Cette date ne correspond à aucun enfant rattaché à ce compte.")
DATE_MISMATCH_PUPIL = _l("Cette date ne correspond pas à la date de naissance connue de l'établissement.")
RESEND_TOO_SOON = _l("Un courriel vient d'être envoyé. Patientez une minute avant d'en demander un autre.")
ACTIVATION_MAIL = "mails/activation_compte.txt"
CONFIRMATION_MAIL = "mails/confirmation_adresse.txt"


async def _account(compte_id: int) -> dict[str, Any]:
    return await Compte.select(
        Compte.id, Compte.identifiant, Compte.type, Compte.etat, Compte.mot_de_passe, Compte.mel,
        Compte.mel_verifie, Compte.responsable.mel.as_alias("mel_siecle"),
    ).where(Compte.id == compte_id).first()


async def _prefilled_mel(compte: dict[str, Any]) -> str:
    """The account's address, else the one SIECLE knows (the guardian's, or the pupil's)."""
    if compte["mel"]:
        return compte["mel"]
    if compte["type"] == "eleve":
        row = await CompteEleve.select(CompteEleve.eleve.mel.as_alias("mel")).where(
            (CompteEleve.compte == compte["id"]) & (CompteEleve.eleve.mel != "")
        ).first()
        return normalize_mel(row["mel"]) if row else ""
    return normalize_mel(compte["mel_siecle"] or "")


def _form_page(request: Request, compte: dict[str, Any], valeurs: dict[str, str], erreurs: Errors,
               general: str = "") -> Response:
    return render(request, "identite/premiere_connexion.html", {
        "compte": compte, "valeurs": valeurs, "erreurs": erreurs, "general": general,
        "demander_date": compte["type"] != "personnel",
    }, headers=PRIVATE_HEADERS)


def _waiting_page(request: Request, compte: dict[str, Any], valeurs: dict[str, str] | None = None,
                  erreurs: Errors | None = None, general: str = "") -> Response:
    valeurs = valeurs or {"mel": compte["mel"], "mel_confirmation": compte["mel"]}
    return render(request, "identite/premiere_connexion_attente.html", {
        "compte": compte, "valeurs": valeurs, "erreurs": erreurs or Errors(), "general": general,
        "renvoye": request.query_params.get("renvoye") == "1",
    })


@get("/premiere-connexion", guards=[session_required], name="premiere-connexion")
async def first_connection_form(request: Request) -> Response:
    viewer = session_viewer(request)
    if viewer.etat not in PENDING_STATES:
        return navigate(request, "/")
    compte = await _account(viewer.compte_id)
    if compte["etat"] == "en_attente":
        return _waiting_page(request, compte)
    mel = await _prefilled_mel(compte)
    valeurs = {"mel": mel, "mel_confirmation": "", "date_naissance": ""}
    return _form_page(request, compte, valeurs, Errors())


@post("/premiere-connexion", guards=[session_required])
async def first_connection(request: Request) -> Response:
    viewer = session_viewer(request)
    if viewer.etat != "provisoire":
        return navigate(request, "/premiere-connexion" if viewer.etat == "en_attente" else "/")
    compte = await _account(viewer.compte_id)
    form = await request.form()
    parent = compte["type"] == "parent"
    valeurs = {
        "mel": normalize_mel(field(form, "mel")),
        "mel_confirmation": normalize_mel(field(form, "mel_confirmation")),
        "date_naissance": field(form, "date_naissance"),
    }
    password = form.get("mot_de_passe") or ""
    confirmation = form.get("mot_de_passe_confirmation") or ""
    erreurs = Errors()

    wait = await wait_before_check(compte["identifiant"], request)
    if wait:
        return _form_page(request, compte, valeurs, erreurs, general=wait)

    birth_dates = tuple(child.date_naiss for child in await children_of(viewer))
    check_mel(erreurs, valeurs["mel"], valeurs["mel_confirmation"], required=parent)
    wrong_secret = False
    if compte["type"] != "personnel":
        born = parse_date(valeurs["date_naissance"])
        if not valeurs["date_naissance"]:
            erreurs.add("date_naissance", DATE_MISSING)
        elif born is None:
            erreurs.add("date_naissance", DATE_INVALID)
        elif born not in birth_dates:
            erreurs.add("date_naissance", DATE_MISMATCH_PARENT if parent else DATE_MISMATCH_PUPIL)
            wrong_secret = True
    problem = password_problem(password, identifiant=compte["identifiant"], birth_dates=birth_dates)
    check_new_password(erreurs, password, confirmation, problem)
    if "mot_de_passe" not in erreurs and await check_password_async(compte["mot_de_passe"], password):
        erreurs.add("mot_de_passe", PROVISIONAL_KEPT)
        wrong_secret = True
    if wrong_secret:
        await throttle.failed(compte["identifiant"], client_of(request))
    if erreurs:
        log.info("première connexion refusée : compte %s (%s)", compte["id"], ", ".join(erreurs))
        return _form_page(request, compte, valeurs, erreurs)

    await throttle.succeeded(compte["identifiant"], client_of(request))
    if parent:
        done = await _wait_for_confirmation(request, compte, await hash_password_async(password), valeurs["mel"])
        target = "/premiere-connexion"
    else:
        done = await _activate_now(request, compte, await hash_password_async(password), valeurs["mel"])
        target = "/premiere-connexion/terminee"
    if not done:  # completed meanwhile, in another tab
        return navigate(request, "/premiere-connexion")
    log.info("première connexion : compte %s", compte["id"])
    # A new session id now that the account has a password of its own.
    return await sessions.sign_in(request, compte["id"], target)


async def _wait_for_confirmation(request: Request, compte: dict[str, Any], password_hash: str, mel: str) -> bool:
    """The guardian's case: new password and address saved, the activation link mailed, in one
    transaction."""
    now = clock.now()
    async with write_transaction():
        changed = await Compte.update({
            Compte.mot_de_passe: password_hash, Compte.mel: mel, Compte.mel_verifie: False,
            Compte.etat: "en_attente", Compte.attente_depuis: now,
        }).where((Compte.id == compte["id"]) & (Compte.etat == "provisoire")).returning(Compte.id)
        if not changed:
            return False
        await _mail_activation(request, compte["id"], mel)
    return True


async def _mail_activation(request: Request, compte_id: int, mel: str) -> None:
    await tokens.revoke(compte_id, tokens.ACTIVATION)
    token = await tokens.issue(compte_id, tokens.ACTIVATION, mel=mel)
    await send(request, mel, ACTIVATION_MAIL, lien=link(request, "/activation", token))


async def _activate_now(request: Request, compte: dict[str, Any], password_hash: str, mel: str) -> bool:
    """A pupil's (or a staff member's) case: active at once; an address given is mailed a link
    to confirm it, and stays unconfirmed until then."""
    verified = bool(mel) and compte["mel_verifie"] and mel == compte["mel"]
    async with write_transaction():
        changed = await Compte.update({
            Compte.mot_de_passe: password_hash, Compte.mel: mel, Compte.mel_verifie: verified,
            Compte.etat: "actif", Compte.active_le: clock.now(), Compte.attente_depuis: None,
        }).where((Compte.id == compte["id"]) & (Compte.etat == "provisoire")).returning(Compte.id)
        if not changed:
            return False
        if mel and not verified:
            await mail_address_confirmation(request, compte["id"], compte["identifiant"], mel)
    return True


async def mail_address_confirmation(request: Request, compte_id: int, identifiant: str, mel: str) -> None:
    """A link to confirm ``mel`` as this account's address (the older links die)."""
    await tokens.revoke(compte_id, tokens.NEW_EMAIL)
    token = await tokens.issue(compte_id, tokens.NEW_EMAIL, mel=mel)
    await send(request, mel, CONFIRMATION_MAIL, lien=link(request, "/confirmation-adresse", token),
               identifiant=identifiant)


@post("/premiere-connexion/renvoyer", guards=[session_required])
async def resend_activation(request: Request) -> Response:
    """A new activation mail, to the same address or a corrected one; older links die."""
    viewer = session_viewer(request)
    if viewer.etat != "en_attente":
        return navigate(request, "/premiere-connexion" if viewer.etat == "provisoire" else "/")
    compte = await _account(viewer.compte_id)
    form = await request.form()
    valeurs = {
        "mel": normalize_mel(field(form, "mel")),
        "mel_confirmation": normalize_mel(field(form, "mel_confirmation")),
    }
    erreurs = Errors()
    check_mel(erreurs, valeurs["mel"], valeurs["mel_confirmation"], required=True)
    if erreurs:
        return _waiting_page(request, compte, valeurs, erreurs)
    if await recently_issued(compte["id"], tokens.ACTIVATION):
        return _waiting_page(request, compte, valeurs, erreurs, general=RESEND_TOO_SOON)
    async with write_transaction():
        if valeurs["mel"] != compte["mel"]:
            await Compte.update({Compte.mel: valeurs["mel"], Compte.mel_verifie: False}).where(
                Compte.id == compte["id"]
            )
        await _mail_activation(request, compte["id"], valeurs["mel"])
    return navigate(request, "/premiere-connexion?renvoye=1")


@get("/premiere-connexion/terminee", guards=[login_required], name="premiere-connexion-terminee")
async def first_connection_done(request: Request) -> Response:
    viewer = viewer_of(request)
    compte = await Compte.select(Compte.mel, Compte.mel_verifie).where(Compte.id == viewer.compte_id).first()
    return render(request, "identite/premiere_connexion_terminee.html", {"compte": compte})


@get("/activation", name="activation")
async def activate(request: Request) -> Response:
    """The link of the guardian's mail: the account becomes active and its address confirmed.
    No login needed: the link may be opened on another device."""
    code = request.query_params.get("code")
    valid = await tokens.check(code, tokens.ACTIVATION)
    used = None
    if valid is not None and await Compte.exists().where(
        (Compte.id == valid.compte_id) & (Compte.etat == "en_attente")
    ):
        async with write_transaction():
            used = await tokens.consume(code, tokens.ACTIVATION)
            if used:
                await Compte.update({
                    Compte.etat: "actif", Compte.mel: used.mel, Compte.mel_verifie: True,
                    Compte.active_le: clock.now(), Compte.attente_depuis: None,
                }).where(Compte.id == used.compte_id)
    if used is None:
        return await token_failure_page(request, code, tokens.ACTIVATION)
    log.info("compte activé : %s", used.compte_id)
    return render(request, "identite/lien.html", {
        "titre": _("Votre compte est activé"), "reussi": True,
        "message": _("Votre compte est activé : votre adresse e-mail est confirmée."),
        "detail": _("Vous pouvez désormais utiliser tous les services en ligne proposés par l'établissement."),
        "bouton": {"href": "/", "libelle": _("accéder aux services")},
    }, headers=PRIVATE_HEADERS)


ROUTES = [first_connection_form, first_connection, resend_activation, first_connection_done, activate]
