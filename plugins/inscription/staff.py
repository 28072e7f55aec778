"""The lycée's page of the online enrolment, under ``/administration/inscription/`` (the
secretariat and the head): « Campagne d'inscription » — the rentrée, the first and the last day
families may enrol, the information message families read (« Information du LYCEE … »), and how
many enseignements d'exploration or options a pupil chooses.

A save is one write with its audit line, answered by a 303 to a confirmation; a refused form
comes back with everything as typed and each error next to its field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from litestar import Request, Response, get, post
from litestar.response import Redirect

from teleservices.core.api import (
    audit, establishment, format_date, gettext as _, lazy_gettext as _l, notify, read_date, render,
    staff_establishment, today, write_transaction,
)
from teleservices.plugins.inscription import rules
from teleservices.plugins.inscription.tables import InscriptionAffectation, InscriptionCampagne

PAGE = "/administration/inscription/"
MESSAGE_MAX = 4000
OPTIONS_MAX = 6
MESSAGES = {"campagne": _l("La campagne d'inscription est enregistrée."),
            "inchangee": _l("La campagne n'a pas changé : rien n'a été enregistré.")}


@dataclass
class Saisie:
    """The campaign form, as typed."""

    rentree: str = ""
    ouverture: str = ""
    fermeture: str = ""
    message: str = ""
    options_min: str = "0"
    options_max: str = "2"
    erreurs: dict[str, str] = field(default_factory=dict)

    @classmethod
    def de_ligne(cls, row: Mapping[str, Any] | None) -> Saisie:
        if not row:  # the next rentrée: this year's until the summer, next year's from September
            return cls(rentree=str(today().year + (1 if today().month >= 9 else 0)))
        return cls(str(row["rentree"]), _jj_mm_aaaa(row["ouverture"]), _jj_mm_aaaa(row["fermeture"]),
                   row["message"] or "", str(row["options_min"]), str(row["options_max"]))


def _jj_mm_aaaa(value: Any) -> str:
    day = value if hasattr(value, "strftime") else read_date(str(value))
    return format_date(day) if day else ""


def _entier(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and len(text) <= 4 else None


def lire(form: Mapping[str, Any]) -> tuple[Saisie, dict[str, Any]]:
    """The typed form and, when nothing is wrong, the campaign's values."""
    saisie = Saisie(*(str(form.get(nom) or "").strip() for nom in
                      ("rentree", "ouverture", "fermeture", "message", "options_min", "options_max")))
    ouverture, fermeture = read_date(saisie.ouverture), read_date(saisie.fermeture)
    erreurs = rules.erreur_dates(ouverture, fermeture)
    rentree = _entier(saisie.rentree)
    if rentree is None or not 2000 <= rentree <= today().year + 2:
        erreurs["rentree"] = _("Indiquez l'année de la rentrée, par exemple « 2027 ».")
    if len(saisie.message) > MESSAGE_MAX:
        erreurs["message"] = _("Le message ne dépasse pas %(max)s caractères (%(saisis)s saisis).", max=MESSAGE_MAX,
                               saisis=len(saisie.message))
    mini, maxi = _entier(saisie.options_min), _entier(saisie.options_max)
    if mini is None or mini > OPTIONS_MAX:
        erreurs["options_min"] = _("Un nombre de 0 à %(max)s.", max=OPTIONS_MAX)
    if maxi is None or maxi > OPTIONS_MAX:
        erreurs["options_max"] = _("Un nombre de 0 à %(max)s.", max=OPTIONS_MAX)
    elif mini is not None and maxi < mini:
        erreurs["options_max"] = _("Le maximum ne peut pas être inférieur au minimum.")
    saisie.erreurs = erreurs
    if erreurs:
        return saisie, {}
    return saisie, {"rentree": rentree, "ouverture": ouverture, "fermeture": fermeture, "message": saisie.message,
                    "options_min": mini, "options_max": maxi}


async def campagne_de(etablissement_id: int) -> dict[str, Any] | None:
    rows = await InscriptionCampagne.select().where(InscriptionCampagne.etablissement_id == etablissement_id)
    return rows[0] if rows else None


def _page(request: Request, saisie: Saisie, campagne: dict[str, Any] | None, status: int = 200) -> Response:
    etat = None
    if campagne:
        etat = rules.Campagne(campagne["ouverture"], campagne["fermeture"]).etat(today())
    return render(request, "inscription/staff/campagne.html", {
        "saisie": saisie, "erreurs": saisie.erreurs, "etat": etat, "message_max": MESSAGE_MAX,
        "confirmation": str(MESSAGES.get(request.query_params.get("ok") or "", "")),
    }, status_code=status)


@get("/", name="inscription:personnels")
async def page(request: Request) -> Response:
    campagne = await campagne_de(staff_establishment(request))
    return _page(request, Saisie.de_ligne(campagne), campagne)


@post("/campagne", name="inscription:campagne")
async def enregistrer(request: Request) -> Response:
    etablissement_id = staff_establishment(request)
    saisie, valeurs = lire(await request.form())
    campagne = await campagne_de(etablissement_id)
    if saisie.erreurs:
        return _page(request, saisie, campagne, status=422)
    if campagne and all(campagne[k] == v for k, v in valeurs.items()):
        return Redirect(f"{PAGE}?ok=inchangee", status_code=303)
    jour = today()
    etait_ouverte = bool(campagne) and rules.Campagne(campagne["ouverture"], campagne["fermeture"]).ouverte(jour)
    ouverte = rules.Campagne(valeurs["ouverture"], valeurs["fermeture"]).ouverte(jour)
    # Told once: with this save if it opens the campaign, else by the daily task on its first day.
    annoncee_le = (campagne["annoncee_le"] if etait_ouverte else jour) if ouverte else None
    champs = {**valeurs, "annoncee_le": annoncee_le}
    async with write_transaction():
        if campagne:
            await InscriptionCampagne.update({getattr(InscriptionCampagne, k): v for k, v in champs.items()}).where(
                InscriptionCampagne.id == campagne["id"])
        else:
            await InscriptionCampagne.insert(InscriptionCampagne(etablissement_id=etablissement_id, **champs))
        await audit(request, "inscription.campagne", (
            f"Campagne de la rentrée {valeurs['rentree']} : du {valeurs['ouverture']:%d/%m/%Y} "
            f"au {valeurs['fermeture']:%d/%m/%Y}, {valeurs['options_min']} à {valeurs['options_max']} option(s)."))
        if ouverte and not etait_ouverte:
            await notify_opening(request, etablissement_id, valeurs, await _affectes(etablissement_id))
    return Redirect(f"{PAGE}?ok=campagne", status_code=303)


async def _affectes(lycee_id: int) -> list[int]:
    rows = await InscriptionAffectation.select(InscriptionAffectation.eleve_id).where(
        InscriptionAffectation.lycee_id == lycee_id)
    return [row["eleve_id"] for row in rows]


async def announce_openings(jour: dt.date) -> int:
    """The daily task (hook ``daily``): each campaign open on ``jour`` that the families were not
    told of — saved ahead of its first day — is announced now, once (``annoncee_le``); a day the
    task missed is caught up while the campaign is open. Returns how many were announced."""
    campagnes = await InscriptionCampagne.select().where(
        InscriptionCampagne.annoncee_le.is_null() & (InscriptionCampagne.ouverture <= jour)
        & (InscriptionCampagne.fermeture >= jour))
    for campagne in campagnes:
        lycee = await establishment(campagne["etablissement_id"])
        async with write_transaction():
            await notify_opening(None, campagne["etablissement_id"], campagne,
                                 await _affectes(campagne["etablissement_id"]), lycee.nom if lycee else "")
            await InscriptionCampagne.update({InscriptionCampagne.annoncee_le: jour}).where(
                InscriptionCampagne.id == campagne["id"])
    return len(campagnes)


async def notify_opening(request: Request | None, lycee_id: int, campagne: Mapping[str, Any], eleves: Iterable[int],
                         lycee_nom: str = "") -> None:
    """Inside the transaction that opens the campaign (saved with its first day today or before,
    when it was not open; or the daily task on its first day), or that assigns pupils while it is
    open: « Ouverture de l'inscription au lycée » for the parents of these pupils."""
    eleves = sorted(set(eleves))
    if not eleves or not rules.Campagne(campagne["ouverture"], campagne["fermeture"]).ouverte(today()):
        return
    # A lazy title: the core writes it in each recipient's language.
    fermeture = format_date(campagne["fermeture"])  # dd/mm/yyyy in both languages
    lycee_nom = lycee_nom or (request.user.etablissement_nom if request is not None else "")
    if lycee_nom:
        titre = _l("L'inscription au %(lycee)s pour la rentrée %(rentree)s est ouverte jusqu'au %(fermeture)s",
                   lycee=lycee_nom, rentree=campagne["rentree"], fermeture=fermeture)
    else:
        titre = _l("L'inscription au lycée pour la rentrée %(rentree)s est ouverte jusqu'au %(fermeture)s",
                   rentree=campagne["rentree"], fermeture=fermeture)
    await notify(request, eleves, "inscription.campagne", titre, offered_by=lycee_id)


ROUTES = [page, enregistrer]
