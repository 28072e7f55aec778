"""The vie scolaire's page of the absences, « Saisie des absences », under
``/administration/absences/`` (the CPE, the head and the academy administrator pass the guard).

A class and a day are chosen (htmx swaps only the grid region and updates the URL); the grid
has, for each pupil and half-day, the absence entered on the portal: its état (« — » for none,
signalée, constatée), « Classée », « Motif légitime » and the motif's label. One form saves the
whole class. The section « Publication et contact » sets the service's establishment options
(also editable by the head on « Administration Téléservices »).

The portal edits only its own rows (``reference`` ""), at most one per pupil and half-day (a
unique index says so); rows pushed by the school software are shown read-only beside their
half-day and never written here. A page or a save costs the same number of queries whatever
the size of the class: the day's rows of the class are read in one query, and written with one
upsert (two saves of the same half-day: the last one wins) and one DELETE. Every change goes to the audit log in its
transaction; a refused form comes back with everything as typed and the error next to its field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.response import Redirect

from teleservices.core.api import (
    Periode, audit, establishment_options, format_date, htmx_target, notify, now, periods, pupils_of_structure,
    read_date, render, save_establishment_options, staff_establishment, structures, today, write_transaction,
)
from teleservices.core.api import gettext as _
from teleservices.core.api import lazy_gettext as _l
from teleservices.plugins.absences.rules import DEMI_JOURNEE_LIBELLE, est_comptee, jour_long
from teleservices.plugins.absences.tables import (
    APRES_MIDI, CONSTATEE, DEMI_JOURNEES, ETATS, MATIN, SIGNALEE, AbsencesAbsence,
)

PAGE = "/administration/absences/"
SERVICE = "absences"
SAISIE = "absences-saisie"  # the region (choice of class and day, grid) that htmx swaps
MOTIF_MAX = 120
DIMANCHE = 6
ETAT_LIBELLE = {SIGNALEE: _l("signalée"), CONSTATEE: _l("constatée")}
MESSAGES = {  # the confirmations after a save (« saisie » has its counts: confirmation())
    "inchange": _l("Aucune absence n'a changé : rien n'a été enregistré."),
    "reglages": _l("Les réglages de publication et de contact sont enregistrés."),
    "reglages_inchanges": _l("Les réglages de publication et de contact n'ont pas changé : rien n'a été enregistré."),
}
COMPTES = ("ajoutees", "modifiees", "supprimees")


def go(url: str) -> Response:
    """After a POST: a 303 to the page that shows the result (htmx follows it)."""
    return Redirect(url, status_code=303)


def back(choice: dict[str, str], ok: str, **counts: int) -> str:
    return f"{PAGE}?{urlencode({**{k: v for k, v in choice.items() if v}, 'ok': ok, **counts})}"


# --- the class and the day ------------------------------------------------------------------------


def jour_par_defaut() -> dt.date:
    """Today; on a Sunday, the Saturday before (a Sunday is never a school day)."""
    jour = today()
    return jour - dt.timedelta(days=1) if jour.weekday() == DIMANCHE else jour


def erreur_du_jour(jour: dt.date | None, periodes: list[Periode]) -> str:
    """Why absences cannot be entered on this day ("" when they can)."""
    if jour is None:
        return _("Saisissez le jour, au format jj/mm/aaaa.")
    if jour.weekday() == DIMANCHE:
        return _("Le dimanche n'est pas un jour de classe : choisissez un autre jour.")
    if not periodes:
        return _("L'année scolaire n'a pas encore de périodes (import SIECLE) : aucune absence ne peut être saisie.")
    debut, fin = min(p.debut for p in periodes), max(p.fin for p in periodes)
    if not debut <= jour <= fin:
        return _("Choisissez un jour de l'année scolaire, du %(debut)s au %(fin)s.",
                 debut=format_date(debut), fin=format_date(fin))
    return ""


@dataclass
class Choix:
    """The class and the day asked for, as typed; what they name once checked; the errors."""

    classes: list[dict]
    division_saisie: str
    jour_saisi: str
    division: dict | None = None
    jour: dt.date | None = None
    erreurs: dict[str, str] = field(default_factory=dict)

    @property
    def valeurs(self) -> dict[str, str]:
        return {"division": self.division_saisie, "jour": self.jour_saisi}

    @property
    def classe(self) -> str:
        return (self.division["libelle"] or self.division["code_structure"]) if self.division else ""


async def lire_choix(etablissement_id: int, source: Any) -> Choix:
    """The class (one of the establishment's, type "D") and the day named by ``division`` and
    ``jour`` of a query string or a form. The day defaults to today's, and is kept in ISO form once
    read, so that the date field shows it whatever way it was typed."""
    classes = [s for s in await structures(etablissement_id) if s["type_structure"] == "D"]
    periodes = [Periode.de_ligne(p) for p in await periods(etablissement_id)]
    choix = Choix(classes, (source.get("division") or "").strip()[:20],
                  (source.get("jour") or "").strip()[:20] or jour_par_defaut().isoformat())
    choix.division = next((c for c in classes if str(c["id"]) == choix.division_saisie), None)
    if choix.division_saisie and choix.division is None:
        choix.erreurs["division"] = _("Choisissez une classe de l'établissement.")
    jour = read_date(choix.jour_saisi)
    if jour is not None:
        choix.jour_saisi = jour.isoformat()
    erreur = erreur_du_jour(jour, periodes)
    if erreur:
        choix.erreurs["jour"] = erreur
    else:
        choix.jour = jour
    return choix


# --- what the portal and the software recorded on the day ----------------------------------------------


@dataclass(frozen=True)
class Saisie:
    """A half-day of a pupil as the portal records it: nothing (état ""), or an absence."""

    etat: str = ""
    classee: bool = False
    legitime: bool = False
    motif: str = ""


NEANT = Saisie()
Cle = tuple[int, str]  # (pupil id, MATIN | APRES_MIDI)


@dataclass
class Releve:
    """The class's rows of one day: the portal's (row id and content) by pupil and half-day,
    and the software's, described, read-only."""

    portail: dict[Cle, tuple[int, Saisie]] = field(default_factory=dict)
    logiciel: dict[Cle, list[str]] = field(default_factory=dict)


RELEVE_SQL = """
SELECT id, eleve_id, demi_journee, etat, classee, motif_legitime, motif, reference FROM absences_absence
WHERE etablissement_id = {} AND date = {} AND eleve_id IN ({eleves})
ORDER BY eleve_id, demi_journee, id
"""


async def lire_releve(etablissement_id: int, jour: dt.date, eleves: list[dict]) -> Releve:
    releve = Releve()
    if not eleves:
        return releve
    sql = RELEVE_SQL.replace("{eleves}", ", ".join("{}" for _ in eleves))
    for row in await AbsencesAbsence.raw(sql, etablissement_id, jour, *(e["id"] for e in eleves)):
        cle = (row["eleve_id"], row["demi_journee"])
        saisie = Saisie(row["etat"], bool(row["classee"]), bool(row["motif_legitime"]), row["motif"] or "")
        if row["reference"]:
            textes = releve.logiciel.setdefault(cle, [])
            if decrire(saisie) not in textes:  # the software may send one event per hour
                textes.append(decrire(saisie))
        else:
            releve.portail[cle] = (row["id"], saisie)
    return releve


def decrire(saisie: Saisie) -> str:
    """« constatée, classée, motif légitime — Maladie »."""
    parties = [str(ETAT_LIBELLE.get(saisie.etat, saisie.etat)), _("classée") if saisie.classee else _("non classée")]
    if saisie.classee or saisie.legitime:
        parties.append(_("motif légitime") if saisie.legitime else _("motif non légitime"))
    texte = ", ".join(parties)
    return f"{texte} — {saisie.motif}" if saisie.motif else texte


# --- the grid as typed ------------------------------------------------------------------------------

CHAMP = re.compile(r"^(?:etat|classee|legitime|motif)-(\d+)-(?:matin|apres_midi)$")


def champ(nom: str, cle: Cle) -> str:
    return f"{nom}-{cle[0]}-{cle[1]}"


def eleves_etrangers(form: Any, eleves: list[dict]) -> bool:
    """Whether the form names a pupil who is not in the class (a forged id)."""
    ids = {str(e["id"]) for e in eleves}
    return any(match[1] not in ids for match in map(CHAMP.match, form.keys()) if match)


def erreurs_de_saisie(saisie: Saisie, a_venir: bool) -> dict[str, str]:
    """The errors of one half-day, by field ("etat", "motif")."""
    erreurs = {}
    if saisie.etat not in ("", *ETATS):
        erreurs["etat"] = _("Choisissez « — », « Signalée » ou « Constatée ».")
    elif not saisie.etat and (saisie.classee or saisie.legitime):
        erreurs["etat"] = _("« Classée » ou « Motif légitime » est coché sans absence : choisissez "
                            "« Signalée » ou « Constatée », ou décochez.")
    elif not saisie.etat and saisie.motif:
        erreurs["etat"] = _("Un motif est saisi sans absence : choisissez « Signalée » ou « Constatée », "
                            "ou videz le motif.")
    elif saisie.etat == CONSTATEE and a_venir:
        erreurs["etat"] = _("Une absence à venir ne peut pas être constatée : choisissez « Signalée ».")
    if len(saisie.motif) > MOTIF_MAX:
        erreurs["motif"] = _("Le motif fait au plus %(max)s caractères (ici %(longueur)s).",
                             max=MOTIF_MAX, longueur=len(saisie.motif))
    return erreurs


def lire_grille(form: Any, eleves: list[dict], jour: dt.date | None) -> tuple[dict[Cle, Saisie], dict[str, str]]:
    """The half-days typed for the pupils of the class, and the errors by field name. A half-day
    the form has no état for (a pupil who joined the class after the page was shown) is left
    as it is: a browser always sends a select's value, « — » included."""
    a_venir = jour is not None and jour > today()
    saisies, erreurs = {}, {}
    for eleve in eleves:
        for demi in DEMI_JOURNEES:
            cle = (eleve["id"], demi)
            if champ("etat", cle) not in form:
                continue
            saisie = Saisie(
                etat=(form.get(champ("etat", cle)) or "").strip()[:20],
                classee=bool(form.get(champ("classee", cle))),
                legitime=bool(form.get(champ("legitime", cle))),
                # Kept whole (up to a bound) so that a label too long comes back to be shortened.
                motif=" ".join((form.get(champ("motif", cle)) or "").split())[:1000],
            )
            saisies[cle] = saisie
            erreurs.update({champ(nom, cle): texte for nom, texte in erreurs_de_saisie(saisie, a_venir).items()})
    return saisies, erreurs


# --- writing -------------------------------------------------------------------------------------------


@dataclass
class Ecritures:
    """What a save changes among the portal's rows of the day."""

    nouvelles: list[tuple[Cle, Saisie]] = field(default_factory=list)
    modifiees: list[tuple[Cle, Saisie]] = field(default_factory=list)
    supprimees: list[int] = field(default_factory=list)

    @property
    def comptes(self) -> dict[str, int]:
        return dict(zip(COMPTES, (len(self.nouvelles), len(self.modifiees), len(self.supprimees))))

    @property
    def total(self) -> int:
        return sum(self.comptes.values())


def ecritures(saisies: dict[Cle, Saisie], portail: dict[Cle, tuple[int, Saisie]]) -> Ecritures:
    """« — » deletes the portal's row; anything else creates it, or updates it if it changed."""
    changes = Ecritures()
    for cle, saisie in saisies.items():
        ancienne = portail.get(cle)
        if ancienne is None:
            if saisie.etat:
                changes.nouvelles.append((cle, saisie))
        elif not saisie.etat:
            changes.supprimees.append(ancienne[0])
        elif saisie != ancienne[1]:
            changes.modifiees.append((cle, saisie))
    return changes


# New and changed rows in one statement, on the unique index of the portal's rows (one per pupil
# and half-day): a concurrent save of the same half-day updates it instead of failing, the last
# one wins. The creation time of a row that exists is kept.
UPSERT_SQL = """
INSERT INTO absences_absence (etablissement_id, eleve_id, date, demi_journee, etat, classee, motif_legitime, motif,
                              saisie_par, reference, cree_le, modifie_le)
VALUES {rows}
ON CONFLICT (eleve_id, date, demi_journee) WHERE reference = '' DO UPDATE SET
    etat = excluded.etat, classee = excluded.classee, motif_legitime = excluded.motif_legitime,
    motif = excluded.motif, saisie_par = excluded.saisie_par, modifie_le = excluded.modifie_le
"""


async def ecrire(etablissement_id: int, jour: dt.date, changes: Ecritures, auteur: str) -> None:
    quand = now()
    ecrites = changes.nouvelles + changes.modifiees
    if ecrites:
        rows = ", ".join("({}, {}, {}, {}, {}, {}, {}, {}, {}, '', {}, {})" for _ in ecrites)
        args = [value for (eleve_id, demi), s in ecrites for value in (
            etablissement_id, eleve_id, jour, demi, s.etat, s.classee, s.legitime, s.motif, auteur, quand, quand)]
        await AbsencesAbsence.raw(UPSERT_SQL.replace("{rows}", rows), *args)
    if changes.supprimees:
        await AbsencesAbsence.delete().where(
            AbsencesAbsence.id.is_in(changes.supprimees) & (AbsencesAbsence.reference == ""))


def newly_counted(changes: Ecritures, avant: dict[Cle, tuple[int, Saisie]]) -> dict[int, list[str]]:
    """The half-days of each pupil that count now (guide 3.5) and did not before this save."""
    counted: dict[int, list[str]] = {}
    for cle, saisie in changes.nouvelles + changes.modifiees:
        ancienne = avant.get(cle, (0, NEANT))[1]
        if est_comptee(saisie.etat, saisie.classee, saisie.legitime) and not est_comptee(
                ancienne.etat, ancienne.classee, ancienne.legitime):
            counted.setdefault(cle[0], []).append(cle[1])
    return counted


async def notify_families(request: Request, etablissement_id: int, jour: dt.date, changes: Ecritures,
                          avant: dict[Cle, tuple[int, Saisie]]) -> None:
    """Inside the save's transaction: « Absences comptées » for the families of the pupils with a
    half-day that counts now, once the vie scolaire authorised the publication (else the family
    would be told of what it cannot see). One notification per pupil and save."""
    await tell_counted(request, etablissement_id, jour, newly_counted(changes, avant))


async def tell_counted(request: Request, etablissement_id: int, jour: dt.date, counted: dict[int, list[str]]) -> None:
    """« Absences comptées » for these pupils' half-days of ``jour`` that count now, once the vie
    scolaire authorised the publication: one notification per pupil (from a save or a push)."""
    if not counted or not (await establishment_options(etablissement_id, SERVICE, request)).get("publication"):
        return
    by_half_days: dict[tuple[str, ...], list[int]] = {}
    for eleve_id, demis in counted.items():
        by_half_days.setdefault(tuple(d for d in DEMI_JOURNEES if d in demis), []).append(eleve_id)
    for demis, eleves in by_half_days.items():
        await notify(request, eleves, "absences.comptees", titre_de_notification(jour, demis))


def titre_de_notification(jour: dt.date, demis: tuple[str, ...]) -> Any:
    """« Absence comptée le lundi 23/06/2014 (matin) »: lazy, so that the core writes it in each
    recipient's language, the day included."""
    quand = JourLong(jour)
    if demis == (MATIN,):
        return _l("Absence comptée le %(jour)s (matin)", jour=quand)
    if demis == (APRES_MIDI,):
        return _l("Absence comptée le %(jour)s (après-midi)", jour=quand)
    return _l("Absences comptées le %(jour)s (matin et après-midi)", jour=quand)


@dataclass(frozen=True)
class JourLong:
    """« lundi 23/06/2014 », written when shown: in the language of the notification's reader."""

    jour: dt.date

    def __str__(self) -> str:
        return jour_long(self.jour)


# --- the page --------------------------------------------------------------------------------------------


def grille(eleves: list[dict], releve: Releve, saisies: dict[Cle, Saisie] | None) -> list[dict]:
    """The grid's rows: each pupil's half-days as typed (after a refused save) or as stored."""
    def case(eleve: dict, demi: str) -> dict:
        cle = (eleve["id"], demi)
        stockee = releve.portail.get(cle, (0, NEANT))[1]
        return {"cle": f"{cle[0]}-{demi}", "libelle": DEMI_JOURNEE_LIBELLE[demi],
                "saisie": (saisies or {}).get(cle, stockee),
                "logiciel": releve.logiciel.get(cle, [])}

    return [{"nom": f"{e['nom_de_famille']} {e['prenom']}", "cases": [case(e, d) for d in DEMI_JOURNEES]}
            for e in eleves]


def confirmation(request: Request) -> str:
    ok = request.query_params.get("ok") or ""
    if ok == "saisie":
        a, m, s = (_nombre(request.query_params.get(k)) for k in COMPTES)
        return _("Les absences sont enregistrées : %(ajoutees)s ajoutée(s), %(modifiees)s modifiée(s), "
                 "%(supprimees)s supprimée(s).", ajoutees=a, modifiees=m, supprimees=s)
    return str(MESSAGES.get(ok, ""))


def _nombre(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 6 else 0


@dataclass
class Formulaires:
    """A refused form's values as typed and its errors (the grid's, or the settings')."""

    saisies: dict[Cle, Saisie] | None = None
    erreurs: dict[str, str] = field(default_factory=dict)
    general: str = ""
    reglages: dict[str, Any] | None = None
    erreurs_reglages: dict[str, str] = field(default_factory=dict)


async def afficher(request: Request, choix: Choix, refus: Formulaires | None = None,
                   eleves: list[dict] | None = None) -> Response:
    etablissement_id = staff_establishment(request)
    refus = refus or Formulaires()
    if eleves is None and choix.division:
        eleves = await pupils_of_structure(choix.division["id"])
    montrer = choix.division is not None and (choix.jour is not None or refus.saisies is not None)
    releve = await lire_releve(etablissement_id, choix.jour, eleves or []) if montrer and choix.jour else Releve()
    contexte = {
        "region": SAISIE, "choix": choix, "message": confirmation(request), "erreurs": refus.erreurs,
        "general": refus.general, "grille": grille(eleves or [], releve, refus.saisies) if montrer else None,
        "jour_long": jour_long(choix.jour) if choix.jour else choix.jour_saisi, "motif_max": MOTIF_MAX,
    }
    if htmx_target(request, SAISIE):
        return render(request, "absences/staff/saisie_fragment.html", contexte)
    options = await establishment_options(etablissement_id, SERVICE, request)
    return render(request, "absences/staff/saisie.html", {
        **contexte, "publiees": bool(options.get("publication")),
        "reglages": refus.reglages if refus.reglages is not None else options,
        "erreurs_reglages": refus.erreurs_reglages,
    })


@get("/", name="absences:personnels")
async def saisie_page(request: Request) -> Response:
    """« Saisie des absences »: the class and day chosen, and their grid."""
    return await afficher(request, await lire_choix(staff_establishment(request), request.query_params))


@post("/", name="absences:enregistrer")
async def enregistrer(request: Request) -> Response:
    """The grid of a class and a day, saved at once; refused whole if any half-day is wrong."""
    etablissement_id = staff_establishment(request)
    form = await request.form()
    choix = await lire_choix(etablissement_id, form)
    if choix.division is None:
        choix.erreurs.setdefault("division", _("Choisissez une classe."))
    eleves = await pupils_of_structure(choix.division["id"]) if choix.division else []
    saisies, erreurs = lire_grille(form, eleves, choix.jour)
    general = (_("Le formulaire nomme un élève qui n'est pas dans cette classe : rien n'a été enregistré.")
               if eleves_etrangers(form, eleves) else "")
    if choix.erreurs or erreurs or general:
        return await afficher(request, choix, Formulaires(saisies, erreurs, general), eleves)
    async with write_transaction():
        # Read inside the transaction: a row another save just made is updated, not duplicated.
        releve = await lire_releve(etablissement_id, choix.jour, eleves)
        changes = ecritures(saisies, releve.portail)
        if changes.total:
            await ecrire(etablissement_id, choix.jour, changes, request.user.identifiant)
            c = changes.comptes
            await audit(request, "absences.saisie", (
                f"Absences saisies en {choix.classe} pour le {choix.jour:%d/%m/%Y} : {c['ajoutees']} ajoutée(s), "
                f"{c['modifiees']} modifiée(s), {c['supprimees']} supprimée(s)."))
            await notify_families(request, etablissement_id, choix.jour, changes, releve.portail)
    if not changes.total:
        return go(back(choix.valeurs, "inchange"))
    return go(back(choix.valeurs, "saisie", **changes.comptes))


# --- publication and contact ---------------------------------------------------------------------------

MEL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
TELEPHONE = re.compile(r"^\+?[0-9][0-9 .]*$")
CONTACTS = {"contact_mel": "courriel", "contact_telephone": "téléphone", "contact_telecopie": "télécopie"}


def erreur_de_numero(numero: str) -> str:
    """"" for an empty number (the establishment's is shown) or a well-formed one."""
    if not numero:
        return ""
    if not TELEPHONE.match(numero) or not 4 <= sum(c.isdigit() for c in numero) <= 15:
        return _("Saisissez un numéro fait de chiffres, d'espaces et de points, avec un « + » au début s'il "
                 "est international (par exemple 03 20 00 00 03), ou laissez vide.")
    return ""


def lire_reglages(form: Any) -> tuple[dict[str, Any], dict[str, str]]:
    valeurs: dict[str, Any] = {"publication": bool(form.get("publication"))}
    valeurs.update({cle: " ".join((form.get(cle) or "").split())[:200] for cle in CONTACTS})
    erreurs = {}
    mel = valeurs["contact_mel"]
    if mel and (len(mel) > 120 or not MEL.match(mel)):
        erreurs["contact_mel"] = _("Saisissez une adresse électronique valide (par exemple "
                                   "vie-scolaire@ac-lille.fr), ou laissez vide.")
    for cle in ("contact_telephone", "contact_telecopie"):
        if erreur := erreur_de_numero(valeurs[cle]):
            erreurs[cle] = erreur
    return valeurs, erreurs


def resume_des_reglages(valeurs: dict[str, Any]) -> str:
    publication = "autorisée" if valeurs["publication"] else "non autorisée"
    contacts = ", ".join(f"{nom} « {valeurs[cle]} »" if valeurs[cle] else f"{nom} de l'établissement"
                         for cle, nom in CONTACTS.items())
    return f"Publication des absences aux familles : {publication}. Contact de la vie scolaire : {contacts}."


@post("/reglages", name="absences:reglages")
async def enregistrer_reglages(request: Request) -> Response:
    """The « publication » and « contact_* » options of the establishment."""
    etablissement_id = staff_establishment(request)
    form = await request.form()
    valeurs, erreurs = lire_reglages(form)
    choix = await lire_choix(etablissement_id, form)  # the class and day the page showed, kept
    if erreurs:
        return await afficher(request, choix, Formulaires(reglages=valeurs, erreurs_reglages=erreurs))
    avant = await establishment_options(etablissement_id, SERVICE, request)
    if all(avant.get(cle) == valeur for cle, valeur in valeurs.items()):
        return go(back(choix.valeurs, "reglages_inchanges"))
    async with write_transaction():
        await save_establishment_options(etablissement_id, SERVICE, valeurs)
        await audit(request, "absences.reglages", resume_des_reglages(valeurs))
    return go(back(choix.valeurs, "reglages"))


ROUTES = [saisie_page, enregistrer, enregistrer_reglages]
