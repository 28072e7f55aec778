"""« Personnels »: the staff accounts of an establishment, for its head (and the academy
administrator working on it).

An account gets an identifier in the families' style (``prenom.nom``, numbered on collision) and
a provisional password that the first connection replaces. The password is never stored in
clear, so it is shown once, on the page that answers the POST (not a redirect: it must not
travel in a URL), with ``Cache-Control: no-store``. Disabling ends the account's sessions at
once; a head cannot disable their own account, nor give it a new provisional password.

``create_staff_account`` is shared with ``teleservices personnel create``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException

from teleservices.core import clock
from teleservices.core.api import ROLE_LABELS, StaffRole
from teleservices.core.audit import audit, in_french
from teleservices.core.db import write_transaction
from teleservices.core.guards import staff_establishment, staff_guard, viewer_of
from teleservices.core.i18n import gettext as _, lazy_gettext as _l
from teleservices.core.identity.creation import allocate_identifiers, base_identifier, hashed_passwords
from teleservices.core.identity.family_forms import Errors, PRIVATE_HEADERS, field
from teleservices.core.identity.staff import ETATS, disable_account, reactivated_state
from teleservices.core.rendering import navigate, render
from teleservices.core.sessions import close_all_sessions
from teleservices.core.tables import Compte, Enseignant

PAGE = "/administration/personnels"
# The roles a head gives within their establishment (the academy administrator's is given by
# the command line only).
ESTABLISHMENT_ROLES = (StaffRole.CHEF, StaffRole.SECRETARIAT, StaffRole.VIE_SCOLAIRE, StaffRole.ENSEIGNANT)
NAME_MAX = 120
MESSAGES = {
    "desactive": _l("Le compte est désactivé : ses sessions ouvertes ont été fermées."),
    "reactive": _l("Le compte est de nouveau utilisable."),
}
REFUSALS = {
    "soi_meme": _l("Vous ne pouvez pas désactiver votre propre compte."),
    "mot_de_passe_soi_meme": _l("Changez votre propre mot de passe depuis « Gérer son compte »."),
}

STAFF_SQL = """
SELECT c.id, c.identifiant, c.nom_affiche, c.role, c.etat, en.civilite, en.prenom, en.nom
FROM compte c LEFT JOIN enseignant en ON en.id = c.enseignant
WHERE c.type = 'personnel' AND c.etablissement = {}
ORDER BY c.nom_affiche, c.identifiant
"""
TEACHERS_SQL = """
SELECT en.id, en.civilite, en.prenom, en.nom, c.identifiant
FROM enseignant en LEFT JOIN compte c ON c.enseignant = en.id AND c.type = 'personnel'
WHERE en.etablissement = {}
ORDER BY en.nom, en.prenom, en.id
"""
TAKEN_SQL = "SELECT identifiant FROM compte WHERE identifiant LIKE {}"


@dataclass(frozen=True)
class NewAccount:
    compte_id: int
    identifiant: str
    mot_de_passe: str  # the clear provisional password: shown once, never stored
    nom_affiche: str
    role: StaffRole


def split_name(nom_affiche: str) -> tuple[str, str]:
    """"Claire PETIT" → ("Claire", "PETIT"): the first word is taken for the first name."""
    first, _space, rest = nom_affiche.strip().partition(" ")
    return (first, rest) if rest else ("", first)


async def create_staff_account(nom_affiche: str, role: StaffRole, *, etablissement_id: int | None = None,
                               academie: str = "", enseignant: dict | None = None,
                               request: Request | None = None) -> NewAccount:
    """Create a staff account with a provisional password, in one write transaction with its
    audit line when a staff member (``request``) creates it."""
    prenom, nom = (enseignant["prenom"], enseignant["nom"]) if enseignant else split_name(nom_affiche)
    base = base_identifier(prenom, nom)
    [(clear, hashed)] = await hashed_passwords(1)  # argon2, before taking the write lock
    async with write_transaction():
        taken = {row["identifiant"] for row in await Compte.raw(TAKEN_SQL, f"{base}%")}
        [identifiant] = allocate_identifiers([base], taken)
        [row] = await Compte.insert(Compte(
            identifiant=identifiant, mot_de_passe=hashed, type="personnel", etat="provisoire",
            etablissement=etablissement_id, role=role.value, academie=academie,
            enseignant=enseignant["id"] if enseignant else None, nom_affiche=nom_affiche, cree_le=clock.now(),
        )).returning(Compte.id)
        if request is not None:
            with in_french():
                detail = f"Compte {identifiant} créé ({nom_affiche}, {role.label})."
            await audit(request, "personnels.creer", detail)
    return NewAccount(row["id"], identifiant, clear, nom_affiche, role)


def _teacher_name(row: dict) -> str:
    return " ".join(part for part in (row["prenom"], row["nom"]) if part)


async def _staff(etablissement_id: int) -> list[dict]:
    return [
        {
            **row,
            "role_libelle": ROLE_LABELS.get(row["role"]) or _("aucun rôle"),
            "etat_libelle": ETATS.get(row["etat"], row["etat"]),
            "nom": row["nom_affiche"] or (_teacher_name(row) if row["nom"] else ""),
        }
        for row in await Compte.raw(STAFF_SQL, etablissement_id)
    ]


async def _page(request: Request, etablissement_id: int, *, valeurs: dict | None = None,
                erreurs: Errors | None = None, message: str = "", refus: str = "") -> Response:
    return render(request, "administration/personnels.html", {
        "personnels": await _staff(etablissement_id),
        "enseignants": await Enseignant.raw(TEACHERS_SQL, etablissement_id),
        "roles": [(role.value, role.label) for role in ESTABLISHMENT_ROLES],
        "valeurs": valeurs or {"nom_affiche": "", "role": "", "enseignant": ""},
        "erreurs": erreurs or Errors(),
        "message": message,
        "refus": refus,
    })


@get(PAGE, guards=[staff_guard()], name="administration-personnels")
async def staff_page(request: Request) -> Response:
    query = request.query_params
    return await _page(request, staff_establishment(request), message=str(MESSAGES.get(query.get("ok") or "", "")),
                       refus=str(REFUSALS.get(query.get("refus") or "", "")))


async def _check_new_account(etablissement_id: int, valeurs: dict) -> tuple[Errors, dict | None]:
    """The form's errors, and the teacher row chosen for a teacher's account."""
    errors = Errors()
    if valeurs["role"] not in {role.value for role in ESTABLISHMENT_ROLES}:
        errors.add("role", _("Choisissez le rôle du compte."))
    teacher = None
    if valeurs["role"] == StaffRole.ENSEIGNANT:
        rows = await Enseignant.raw(TEACHERS_SQL, etablissement_id)
        teacher = next((row for row in rows if str(row["id"]) == valeurs["enseignant"]), None)
        if teacher is None:
            errors.add("enseignant", _("Choisissez l'enseignant dans la liste."))
        elif teacher["identifiant"]:
            errors.add("enseignant", _("Cet enseignant a déjà un compte : %(identifiant)s.",
                                       identifiant=teacher["identifiant"]))
    if not valeurs["nom_affiche"] and teacher is None:
        errors.add("nom_affiche", _("Saisissez le prénom et le nom de la personne."))
    elif len(valeurs["nom_affiche"]) > NAME_MAX:
        errors.add("nom_affiche", _("%(max)s caractères au plus.", max=NAME_MAX))
    return errors, teacher


@post(PAGE, guards=[staff_guard()])
async def create(request: Request) -> Response:
    etablissement_id = staff_establishment(request)
    form = await request.form()
    valeurs = {name: field(form, name) for name in ("nom_affiche", "role", "enseignant")}
    errors, teacher = await _check_new_account(etablissement_id, valeurs)
    if errors:
        return await _page(request, etablissement_id, valeurs=valeurs, erreurs=errors)
    nom = valeurs["nom_affiche"] or _teacher_name(teacher)
    account = await create_staff_account(nom, StaffRole(valeurs["role"]), etablissement_id=etablissement_id,
                                         enseignant=teacher, request=request)
    return _password_page(request, account.identifiant, nom, account.mot_de_passe, created=True)


def _password_page(request: Request, identifiant: str, nom: str, password: str, *, created: bool) -> Response:
    return render(request, "administration/personnel_mot_de_passe.html", {
        "identifiant": identifiant, "nom": nom, "mot_de_passe": password, "cree": created,
    }, headers=PRIVATE_HEADERS)


async def _staff_account(etablissement_id: int, compte_id: int) -> dict:
    """A staff account of this establishment; 404 for anything else (same answer for all)."""
    row = await Compte.select(
        Compte.id, Compte.identifiant, Compte.nom_affiche, Compte.etat, Compte.active_le, Compte.attente_depuis,
    ).where(
        (Compte.id == compte_id) & (Compte.type == "personnel") & (Compte.etablissement == etablissement_id)
    ).first()
    if row is None:
        raise NotFoundException(_("Compte introuvable parmi les personnels de votre établissement."))
    return row


@post(f"{PAGE}/{{compte_id:int}}/mot-de-passe", guards=[staff_guard()])
async def new_password(request: Request) -> Response:
    """A new provisional password: the account goes back to its first connection."""
    row = await _staff_account(staff_establishment(request), request.path_params["compte_id"])
    if row["id"] == viewer_of(request).compte_id:
        return navigate(request, f"{PAGE}?refus=mot_de_passe_soi_meme")
    [(clear, hashed)] = await hashed_passwords(1)
    async with write_transaction():
        await Compte.update({Compte.mot_de_passe: hashed, Compte.etat: "provisoire"}).where(Compte.id == row["id"])
        await close_all_sessions(row["id"])
        await audit(request, "personnels.mot_de_passe", f"Nouveau mot de passe provisoire pour {row['identifiant']}.")
    return _password_page(request, row["identifiant"], row["nom_affiche"], clear, created=False)


@post(f"{PAGE}/{{compte_id:int}}/desactiver", guards=[staff_guard()])
async def disable(request: Request) -> Response:
    row = await _staff_account(staff_establishment(request), request.path_params["compte_id"])
    if row["id"] == viewer_of(request).compte_id:
        return navigate(request, f"{PAGE}?refus=soi_meme")
    async with write_transaction():
        await disable_account(row["id"])
        await audit(request, "personnels.desactiver", f"Compte {row['identifiant']} désactivé.")
    return navigate(request, f"{PAGE}?ok=desactive")


@post(f"{PAGE}/{{compte_id:int}}/reactiver", guards=[staff_guard()])
async def reactivate(request: Request) -> Response:
    row = await _staff_account(staff_establishment(request), request.path_params["compte_id"])
    if row["etat"] == "desactive":
        async with write_transaction():
            await Compte.update({Compte.etat: reactivated_state(row)}).where(Compte.id == row["id"])
            await audit(request, "personnels.reactiver", f"Compte {row['identifiant']} réactivé.")
    return navigate(request, f"{PAGE}?ok=reactive")


ROUTES: list[Any] = [staff_page, create, new_password, disable, reactivate]
