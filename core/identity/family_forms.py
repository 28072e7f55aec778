"""What the family pages share: reading form fields, checking them, mailing links.

Every message is marked for translation and meant to be shown next to its field. Nothing here touches a
request's Host header: links are built from the ``base_url`` setting.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from jinja2 import Environment
from litestar import Request, Response

from teleservices.core import clock, sessions
from teleservices.core.db import write_transaction  # noqa: F401 (the family flows' transactions)
from teleservices.core.identity import mail, throttle
from teleservices.core.i18n import gettext as _, lazy_gettext as _l
from teleservices.core.rendering import render
from teleservices.core.security import check_password_async, token_hash
from teleservices.core.tables import Compte, CompteEleve, Jeton

# Headers of the pages that hold a secret in the making (a new password, a reset link).
PRIVATE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
# At most one mail of a kind per account (or address) this often: the forms cannot be used to
# flood someone's mailbox.
RESEND_INTERVAL = dt.timedelta(seconds=60)

MEL_MAX = 120
MEL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
DATE_PATTERN = re.compile(r"^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})$")

MEL_INVALID = _l("Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr.")
MEL_MISSING = _l("Saisissez votre adresse e-mail.")
MEL_MISMATCH = _l("Les deux adresses e-mail saisies sont différentes.")
MEL_UNCONFIRMED = _l("Saisissez une seconde fois l'adresse e-mail pour la confirmer.")
DATE_MISSING = _l("Saisissez la date de naissance.")
DATE_INVALID = _l("Saisissez la date au format jj/mm/aaaa, par exemple 14/03/2013.")
PASSWORD_MISSING = _l("Saisissez un mot de passe.")
PASSWORD_MISMATCH = _l("Les deux mots de passe saisis sont différents.")
PASSWORD_UNCONFIRMED = _l("Saisissez une seconde fois le mot de passe pour le confirmer.")
CURRENT_PASSWORD_WRONG = _l("Le mot de passe actuel est incorrect.")


class Errors(dict[str, str]):
    """Messages by field name; the first message of a field wins."""

    def add(self, field: str, message: str | None) -> None:
        if message and field not in self:
            self[field] = message


def field(form: Any, name: str) -> str:
    return (form.get(name) or "").strip()


def normalize_mel(value: str) -> str:
    return value.strip().lower()


def check_mel(errors: Errors, mel: str, confirmation: str, *, required: bool, name: str = "mel",
              confirmation_name: str = "mel_confirmation") -> None:
    """An address and its confirmation, both already normalized."""
    if not mel:
        if required:
            errors.add(name, MEL_MISSING)
        elif confirmation:
            errors.add(name, MEL_MISSING)
        return
    if len(mel) > MEL_MAX or not MEL_PATTERN.match(mel):
        errors.add(name, MEL_INVALID)
    elif not confirmation:
        errors.add(confirmation_name, MEL_UNCONFIRMED)
    elif mel != confirmation:
        errors.add(confirmation_name, MEL_MISMATCH)


def parse_date(value: str) -> dt.date | None:
    """"14/03/2013" (also 14-03-2013, 14.03.2013, 14 03 2013 or 14032013) as typed, "2013-03-14"
    as a date field sends it, or None."""
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    if re.fullmatch(r"\d{8}", value):
        value = f"{value[:2]}/{value[2:4]}/{value[4:]}"
    match = DATE_PATTERN.match(value)
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def check_new_password(errors: Errors, password: str, confirmation: str, problem: str | None,
                       name: str = "mot_de_passe", confirmation_name: str = "mot_de_passe_confirmation") -> None:
    if not password:
        errors.add(name, PASSWORD_MISSING)
    elif problem:
        errors.add(name, problem)
    elif not confirmation:
        errors.add(confirmation_name, PASSWORD_UNCONFIRMED)
    elif password != confirmation:
        errors.add(confirmation_name, PASSWORD_MISMATCH)


def client_of(request: Request) -> str:
    return sessions.client_address(request)


async def wait_before_check(identifiant: str, request: Request) -> str | None:
    """The "try again later" message if this client must wait before a secret is checked."""
    wait = await throttle.seconds_to_wait(identifiant, client_of(request))
    return throttle.wait_message(wait) if wait else None


async def current_password_ok(compte_id: int, identifiant: str, password: str, request: Request) -> bool:
    """Check the account's password, counting a failure for the throttle."""
    row = await Compte.select(Compte.mot_de_passe).where(Compte.id == compte_id).first()
    ok = await check_password_async(row["mot_de_passe"] if row else None, password)
    if ok:
        await throttle.succeeded(identifiant, client_of(request))
    else:
        await throttle.failed(identifiant, client_of(request))
    return ok


async def birth_dates_of(compte_id: int) -> tuple[dt.date, ...]:
    """The birth dates of the account's pupils: a password must not contain them."""
    rows = await CompteEleve.select(CompteEleve.eleve.date_naiss.as_alias("date_naiss")).where(
        CompteEleve.compte == compte_id
    )
    return tuple(row["date_naiss"] for row in rows)


def link(request: Request, path: str, token: str) -> str:
    """An absolute link for a mail, from the portal's configured address, never the Host header."""
    return f"{request.app.state.settings.base_url.rstrip('/')}{path}?code={token}"


async def send(request: Request, to: str, template: str, **context: object) -> None:
    """Write a mail to the outbox (call it inside the transaction of the change it tells)."""
    env: Environment = request.app.state.jinja
    sujet, corps = mail.compose(env, template, **context)
    await mail.queue(to, sujet, corps)


async def recently_issued(compte_id: int, objet: str) -> bool:
    """Whether a token of this kind was made for this account less than a minute ago."""
    return await Jeton.exists().where(
        (Jeton.compte == compte_id) & (Jeton.objet == objet) & (Jeton.cree_le > clock.now() - RESEND_INTERVAL)
    )


def masked(mel: str) -> str:
    """"n***@example.org": enough for the owner to recognise, little for anyone else."""
    local, _, domain = mel.partition("@")
    return f"{local[:1]}***@{domain}"


# Why a mailed link does not work, by kind of link: unknown, already used, expired, outdated.
LINK_FAILURES = {
    "activation": {
        "inconnu": _l("Ce lien d'activation n'est pas valable. Vérifiez que l'adresse du lien a été copiée en entier. "
                      "Si le délai de 3 mois pour activer votre compte est dépassé, le compte a été supprimé : "
                      "reprenez contact avec l'établissement pour qu'il vous en crée un nouveau."),
        "utilise": _l("Ce lien d'activation a déjà servi, ou un courriel plus récent l'a remplacé. Si votre compte est "
                      "activé, connectez-vous avec votre identifiant et votre mot de passe ; sinon, utilisez le lien "
                      "du dernier courriel reçu."),
        "expire": _l("Ce lien d'activation a expiré : le délai de 3 mois pour activer votre compte est dépassé. "
                     "Reprenez contact avec l'établissement pour qu'il vous crée un nouveau compte."),
        "perime": _l("Ce lien d'activation n'est plus valable : un courriel plus récent vous a été envoyé, "
                     "ou les informations du compte ont changé. Utilisez le lien du dernier courriel reçu."),
    },
    "mel": {
        "inconnu": _l("Ce lien de confirmation n'est pas valable. Vérifiez que l'adresse du lien a été copiée en entier."),
        "utilise": _l("Ce lien de confirmation a déjà servi, ou une demande plus récente l'a remplacé."),
        "expire": _l("Ce lien de confirmation a expiré (il était valable 3 mois). Indiquez de nouveau votre adresse "
                     "dans « gérer son compte » pour recevoir un nouveau lien."),
        "perime": _l("Ce lien de confirmation n'est plus valable : une demande plus récente a été faite, ou "
                     "l'adresse ou le mot de passe du compte a changé depuis."),
    },
    "reinitialisation": {
        "inconnu": _l("Ce lien de réinitialisation n'est pas valable. Vérifiez que l'adresse du lien a été copiée en "
                      "entier, ou faites une nouvelle demande."),
        "utilise": _l("Ce lien de réinitialisation a déjà servi (il ne sert qu'une fois), ou une demande plus récente "
                      "l'a remplacé."),
        "expire": _l("Ce lien de réinitialisation a expiré (il était valable une semaine). Faites une nouvelle demande."),
        "perime": _l("Ce lien de réinitialisation n'est plus valable : une demande plus récente a été faite, ou le "
                     "mot de passe ou l'adresse e-mail du compte a changé depuis. Faites une nouvelle demande si besoin."),
    },
}
LINK_TITLES = {
    "activation": _l("Activation du compte impossible"),
    "mel": _l("Confirmation de l'adresse impossible"),
    "reinitialisation": _l("Réinitialisation impossible"),
}


async def link_failure(token: str | None, objet: str) -> str:
    """"inconnu", "utilise", "expire" or "perime" (outdated: account changed, newer link, or the
    account is no longer in a state where the link applies)."""
    if not token:
        return "inconnu"
    row = await Jeton.select(Jeton.utilise_le, Jeton.expire_le).where(
        (Jeton.token_hash == token_hash(token)) & (Jeton.objet == objet)
    ).first()
    if row is None:
        return "inconnu"
    if row["utilise_le"] is not None:
        return "utilise"
    expires = row["expire_le"] if row["expire_le"].tzinfo else row["expire_le"].replace(tzinfo=dt.timezone.utc)
    return "expire" if clock.now() >= expires else "perime"


async def token_failure_page(request: Request, token: str | None, objet: str, **extra: Any) -> Response:
    """A clear page for a link that cannot be used, with what to do next."""
    reason = await link_failure(token, objet)
    bouton = {"href": "/mot-de-passe-oublie", "libelle": _("faire une nouvelle demande")} if objet == "reinitialisation" \
        else {"href": "/", "libelle": _("retour à l'accueil")}
    return render(request, "identite/lien.html", {
        "titre": LINK_TITLES[objet], "reussi": False, "message": LINK_FAILURES[objet][reason], "bouton": bouton,
        **extra,
    }, headers=PRIVATE_HEADERS)  # 200: htmx would not show a 4xx page after a boosted form
