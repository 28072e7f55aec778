"""Lost identifier, lost password (guide 2.4).

Both forms answer the same whether or not an account matches, and only a confirmed address
ever receives anything: a pupil who has not confirmed theirs must ask the school. The reset
link (one week, single use, dead once the password or the address changed) is read once and
kept in a short-lived cookie, so that the page asking the new password has no token in its URL.
"""

from __future__ import annotations

import logging

from litestar import Request, Response, get, post
from litestar.response import Redirect

from teleservices.core import clock, sessions
from teleservices.core.identity import mail, throttle, tokens
from teleservices.core.i18n import lazy_gettext as _l
from teleservices.core.identity.family_forms import (
    PRIVATE_HEADERS, RESEND_INTERVAL, Errors, check_mel, check_new_password, client_of, field, link,
    birth_dates_of, normalize_mel, recently_issued, send, token_failure_page, write_transaction,
)
from teleservices.core.identity.passwords import password_problem
from teleservices.core.rendering import navigate, render
from teleservices.core.security import hash_password_async
from teleservices.core.tables import Compte, Courriel

log = logging.getLogger("teleservices.auth")

RESET_COOKIE = "ts_reinitialisation"
RESET_PATH = "/reinitialisation"
RESET_COOKIE_SECONDS = 30 * 60
IDENTIFIER_MAIL = "mails/identifiant_oublie.txt"
RESET_MAIL = "mails/reinitialisation_mot_de_passe.txt"
IDENTIFIER_MISSING = _l("Saisissez votre identifiant.")

# Hand-written for a case-insensitive comparison that LIKE's wildcards ("_" is common in
# addresses) cannot spoil; portable between SQLite and PostgreSQL.
VERIFIED_ACCOUNTS_SQL = """
SELECT identifiant FROM compte
WHERE lower(mel) = {} AND mel_verifie = {} AND etat = {}
ORDER BY identifiant
"""


@get("/identifiant-oublie", name="identifiant-oublie")
async def lost_identifier_form(request: Request) -> Response:
    return render(request, "identite/identifiant_oublie.html", {
        "valeurs": {"mel": ""}, "erreurs": Errors(), "envoye": request.query_params.get("envoye") == "1",
    })


@post("/identifiant-oublie")
async def lost_identifier(request: Request) -> Response:
    form = await request.form()
    mel = normalize_mel(field(form, "mel"))
    erreurs = Errors()
    check_mel(erreurs, mel, mel, required=True)
    if erreurs:
        return render(request, "identite/identifiant_oublie.html", {"valeurs": {"mel": mel}, "erreurs": erreurs})
    rows = await Compte.raw(VERIFIED_ACCOUNTS_SQL, mel, True, "actif")
    if rows:
        connexion = f"{request.app.state.settings.base_url.rstrip('/')}/connexion"
        sujet, corps = mail.compose(request.app.state.jinja, IDENTIFIER_MAIL,
                                    identifiants=[r["identifiant"] for r in rows], connexion=connexion)
        # At most one such mail a minute to an address: the form cannot flood a mailbox.
        if not await Courriel.exists().where(
            (Courriel.destinataire == mel) & (Courriel.sujet == sujet)
            & (Courriel.cree_le > clock.now() - RESEND_INTERVAL)
        ):
            await mail.queue(mel, sujet, corps)
    log.info("identifiant oublié : demande traitée")
    # The same answer whether or not the address belongs to an account.
    return navigate(request, "/identifiant-oublie?envoye=1")


@get("/mot-de-passe-oublie", name="mot-de-passe-oublie")
async def lost_password_form(request: Request) -> Response:
    return render(request, "identite/mot_de_passe_oublie.html", {
        "valeurs": {"identifiant": ""}, "erreurs": Errors(), "envoye": request.query_params.get("envoye") == "1",
    })


@post("/mot-de-passe-oublie")
async def lost_password(request: Request) -> Response:
    form = await request.form()
    identifiant = field(form, "identifiant").lower()
    if not identifiant:
        erreurs = Errors(identifiant=IDENTIFIER_MISSING)
        return render(request, "identite/mot_de_passe_oublie.html",
                      {"valeurs": {"identifiant": ""}, "erreurs": erreurs})
    compte = await Compte.select(Compte.id, Compte.identifiant, Compte.mel).where(
        (Compte.identifiant == identifiant) & (Compte.etat == "actif") & (Compte.mel_verifie == True)  # noqa: E712
        & (Compte.mel != "")
    ).first()
    if compte and not await recently_issued(compte["id"], tokens.RESET):
        async with write_transaction():
            await tokens.revoke(compte["id"], tokens.RESET)
            token = await tokens.issue(compte["id"], tokens.RESET, mel=compte["mel"])
            await send(request, compte["mel"], RESET_MAIL, lien=link(request, RESET_PATH, token),
                       identifiant=compte["identifiant"])
    log.info("mot de passe oublié : demande traitée")
    # The same answer whether or not the identifier exists, is active or has a confirmed address.
    return navigate(request, "/mot-de-passe-oublie?envoye=1")


def _set_reset_cookie(response: Response, request: Request, value: str, max_age: int) -> None:
    """HttpOnly, for this path only, half an hour. SameSite=Lax, not Strict: the link is clicked
    in a webmail, another site, and Chromium does not send a Strict cookie on the redirect that
    ends such a navigation (checked: the form would say the link is dead). Lax is enough here:
    the POST that uses the token also needs the form's CSRF token."""
    response.set_cookie(
        key=RESET_COOKIE, value=value, path=RESET_PATH, max_age=max_age, httponly=True, samesite="lax",
        secure=request.app.state.settings.secure_cookies,
    )


def _reset_form(request: Request, identifiant: str, erreurs: Errors) -> Response:
    return render(request, "identite/reinitialisation.html", {"identifiant": identifiant, "erreurs": erreurs},
                  headers=PRIVATE_HEADERS)


@get(RESET_PATH, name="reinitialisation")
async def reset_form(request: Request) -> Response:
    code = request.query_params.get("code")
    if code:
        # Read the token once, then show the form at an address without it: the token leaks
        # neither through the history, nor a Referer header, nor a screenshot of the address bar.
        response = Redirect(RESET_PATH, status_code=302, headers=PRIVATE_HEADERS)
        _set_reset_cookie(response, request, code, RESET_COOKIE_SECONDS)
        return response
    if request.query_params.get("modifie") == "1":
        return render(request, "identite/reinitialisation_terminee.html", headers=PRIVATE_HEADERS)
    token = request.cookies.get(RESET_COOKIE)
    valid = await tokens.check(token, tokens.RESET)
    if valid is None:
        return await token_failure_page(request, token, tokens.RESET)
    compte = await Compte.select(Compte.identifiant).where(Compte.id == valid.compte_id).first()
    return _reset_form(request, compte["identifiant"], Errors())


@post(RESET_PATH)
async def reset(request: Request) -> Response:
    token = request.cookies.get(RESET_COOKIE)
    valid = await tokens.check(token, tokens.RESET)
    if valid is None:
        return await token_failure_page(request, token, tokens.RESET)
    compte = await Compte.select(Compte.identifiant, Compte.etat).where(Compte.id == valid.compte_id).first()
    form = await request.form()
    password = form.get("mot_de_passe") or ""
    confirmation = form.get("mot_de_passe_confirmation") or ""
    erreurs = Errors()
    problem = password_problem(password, identifiant=compte["identifiant"],
                               birth_dates=await birth_dates_of(valid.compte_id))
    check_new_password(erreurs, password, confirmation, problem)
    if erreurs:
        return _reset_form(request, compte["identifiant"], erreurs)
    used = None
    if compte["etat"] == "actif":
        hashed = await hash_password_async(password)  # before the write lock: it takes a while
        async with write_transaction():
            used = await tokens.consume(token, tokens.RESET)
            if used:
                await Compte.update({Compte.mot_de_passe: hashed}).where(Compte.id == used.compte_id)
                # Whoever knew the old password is logged out everywhere.
                await sessions.close_all_sessions(used.compte_id)
    if used is None:
        return await token_failure_page(request, token, tokens.RESET)
    await throttle.succeeded(compte["identifiant"], client_of(request))
    log.info("mot de passe réinitialisé : compte %s", used.compte_id)
    response = navigate(request, f"{RESET_PATH}?modifie=1")
    response.headers.update(PRIVATE_HEADERS)
    _set_reset_cookie(response, request, "", 0)
    return response


ROUTES = [lost_identifier_form, lost_identifier, lost_password_form, lost_password, reset_form, reset]
