"""The secretariat's queue of the fiche de renseignements (guide 3.3: the school processes the
changes families submit, field by field), under ``/administration/fiche/`` (the secretariat,
the head and the academy administrator pass the guard).

« Fiches de renseignements à traiter » lists the establishment's pending requests, newest
first, filtered by class: for each, the pupil, the record concerned, who asked and when, and per
field its label, the value in the record and the value asked (codes with their labels), with
« Accepter » / « Refuser ». « Tout accepter » / « Tout refuser » set every field's choice (in
place with htmx, on the request's own page without JavaScript); « Valider la décision » writes
it, once every field is decided: in one transaction, the accepted values go to the record, each
change gets its decision, the request becomes « traitée » (who, when), one audit line, and a
mail to the account that asked (accepted and refused fields, the comment). A request of another
establishment is not found. A request the family changed while it was being decided is not
written: the new values come back to be decided again.

« Historique des décisions » lists the processed requests (who decided, when, each field's
decision), 50 a page; « export.csv » gives the accepted changes over a range of days, for
re-entry into SIECLE (UTF-8 with a BOM, ``;``, no cell a spreadsheet would run as a formula).

A page costs the same number of queries whatever the number of requests: the classes, the
establishment's pupils, the page's requests with their changes (one query), and the names of
the page's guardians (one query, when the page has guardians' requests).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import Any, Iterable
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from teleservices.core.api import (
    account_contact, audit, format_date, gettext as _, guardian_names, htmx_target, in_language,
    lazy_gettext as _l, notify, now, pupils_by_id, pupils_of_establishment, read_date, render, school_day_start,
    school_time, send_mail, staff_establishment, structures, update_guardian_record, update_pupil_record, write_transaction,
)
from teleservices.plugins.fiche import reference, rules
from teleservices.plugins.fiche.champs import ELEVE_CHAMPS, RESPONSABLE_CHAMPS, libelle
from teleservices.plugins.fiche.tables import (
    ACCEPTEE, ELEVE, EN_ATTENTE, REFUSEE, TRAITEE, FicheChangement, FicheDemande,
)

PAGE = "/administration/fiche/"
HISTORIQUE = PAGE + "historique"
EXPORT = PAGE + "export.csv"
FILE = "fiche-file"  # the region (class filter, requests) that htmx swaps
PAR_PAGE = 50
COMMENTAIRE_MAX = 1000
DECISIONS = {ACCEPTEE: _l("Accepter"), REFUSEE: _l("Refuser")}
DECISION_LIBELLE = {ACCEPTEE: _l("Acceptée"), REFUSEE: _l("Refusée")}
MAIL = "fiche/mails/decision.txt"

# Lazy strings, shown in the page's language; %(acceptes)s and %(refuses)s filled by ``confirmation``.
MESSAGES = {
    "traitee": _l("La décision est enregistrée : %(acceptes)s champ(s) accepté(s), %(refuses)s champ(s) refusé(s). "
                  "Un courriel de confirmation a été envoyé à la famille."),
    "sans_courriel": _l("La décision est enregistrée : %(acceptes)s champ(s) accepté(s), %(refuses)s champ(s) "
                        "refusé(s). Le compte qui a fait la demande n'a pas d'adresse électronique : aucun courriel "
                        "n'a été envoyé, prévenez la famille autrement."),
    "deja": _l("Cette demande avait déjà été traitée : rien n'a été changé."),
}
TOUT = {ACCEPTEE: _l("Tous les champs sont sur « Accepter » : vérifiez, puis « Valider la décision »."),
        REFUSEE: _l("Tous les champs sont sur « Refuser » : vérifiez, puis « Valider la décision ».")}
NON_DECIDE = _l("Choisissez « Accepter » ou « Refuser » pour ce champ.")
MODIFIEE = _l("La famille a modifié sa demande pendant que vous la traitiez : rien n'a été enregistré. "
              "Vérifiez les valeurs demandées, puis décidez à nouveau.")


def go(url: str) -> Response:
    """After a POST: a 303 to the page that shows the result."""
    return Redirect(url, status_code=303)


# --- labels and values -------------------------------------------------------------------------------

CODE_MONTRE = ("code_pays_naiss", "code_pays", "code_profession")  # long lists: « MAURICE (390) », for SIECLE


def affichage(champ: str, texte: str) -> str:
    """A kept value as the secretariat reads it (in the current language): « Oui », « 14/03/2013 »,
    « Féminin », « MAURICE (390) »; "" for an empty value."""
    if texte == "":
        return ""
    if champ in rules.BOOLEENS:
        return _("Oui") if texte == "1" else _("Non")
    if champ in rules.DATES:
        try:
            return format_date(dt.date.fromisoformat(texte))
        except ValueError:
            return texte
    if champ == "code_profession" and texte == reference.PROFESSION_NON_RENSEIGNEE:
        return _("Non renseignée (%(code)s)", code=texte)
    nom = reference.libelle_code(champ, texte)
    if champ in CODE_MONTRE and nom and reference.code_connu(champ, texte):
        return f"{nom} ({texte})"
    return nom or texte


def ordre(cible: str) -> dict[str, int]:
    return {nom: i for i, nom in enumerate(ELEVE_CHAMPS if cible == ELEVE else RESPONSABLE_CHAMPS)}


def moment(value: Any) -> dt.datetime | None:
    """A stored moment, UTC-aware (SQLite's raw queries may give it naive, or as text)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def quand(value: Any) -> str:
    """« 29/11/2026 à 10:15 », on the school's clock."""
    stamp = moment(value)
    if not stamp:
        return ""
    local = school_time(stamp)
    return _("%(date)s à %(heure)s", date=format_date(local), heure=local.strftime("%H:%M"))


def une_ligne(texte: str) -> str:
    """A value on one line (mails, CSV cells): control characters and line breaks as spaces."""
    return " ".join("".join(c if c.isprintable() else " " for c in texte).split())


# --- the requests as read ---------------------------------------------------------------------------------


@dataclass
class Changement:
    id: int
    champ: str
    libelle: str
    ancienne: str  # as kept: the record's value when asked
    nouvelle: str  # the value asked
    decision: str = ""

    @property
    def avant(self) -> str:
        return affichage(self.champ, self.ancienne)

    @property
    def apres(self) -> str:
        return affichage(self.champ, self.nouvelle)

    @property
    def decision_libelle(self) -> str:
        return DECISION_LIBELLE.get(self.decision, "")


@dataclass
class Demande:
    id: int
    eleve_id: int
    cible: str
    responsable_id: int | None
    resp_legal: int
    compte_id: int | None
    identifiant: str
    etat: str
    cree_le: Any
    traitee_le: Any
    traitee_par: str
    commentaire: str
    changements: list[Changement] = field(default_factory=list)
    eleve: Any = ""  # « DUPONT Léa »
    prenom_nom: Any = ""  # « Léa DUPONT », for the mail
    eleve_siecle: str = ""  # the pupil's ELEVE_ID in SIECLE
    classe: str = ""
    # « Élève », « Responsable légal 1 – Mme DUPONT Sophie »: a lazy string, in the language it is
    # shown in (a page, the mail, each family's notification).
    fiche: Any = ""

    @property
    def demandee_le(self) -> str:
        return quand(self.cree_le)

    @property
    def decidee_le(self) -> str:
        return quand(self.traitee_le)

    @property
    def ancre(self) -> str:
        return f"demande-{self.id}"

    @property
    def version(self) -> str:
        """A fingerprint of the changes as shown (rows, fields, values asked): a decision posted
        with another one was taken on values the family has changed since."""
        return version([(c.id, c.champ, c.nouvelle) for c in self.changements])


def version(changes: Iterable[tuple[int, str, str]]) -> str:
    texte = "\x1f".join(f"{i}\x1e{champ}\x1e{nouvelle}" for i, champ, nouvelle in sorted(changes))
    return hashlib.sha256(texte.encode()).hexdigest()[:32]


COLONNES = """
SELECT d.id, d.eleve_id, d.cible, d.responsable_id, d.resp_legal, d.compte_id, d.identifiant, d.etat, d.cree_le,
       d.traitee_le, d.traitee_par, d.commentaire,
       c.id AS changement_id, c.champ, c.ancienne, c.nouvelle, c.decision
FROM fiche_demande d JOIN fiche_changement c ON c.demande = d.id
"""
# A page of requests with their changes, in one query: the page is chosen among the requests.
PAGE_SQL = COLONNES + """
WHERE d.id IN (SELECT p.id FROM fiche_demande p WHERE p.etablissement_id = {} AND p.etat = {} {eleves}
               ORDER BY p.{tri} DESC, p.id DESC LIMIT {limite} OFFSET {decalage})
ORDER BY d.{tri} DESC, d.id DESC, c.id
"""
UNE_SQL = COLONNES + "WHERE d.id = {} AND d.etablissement_id = {} ORDER BY c.id"
EXPORT_SQL = COLONNES + """
WHERE d.etablissement_id = {} AND d.etat = {} AND c.decision = {} {periode}
ORDER BY d.traitee_le, d.id, c.id
"""


def assembler(rows: Iterable[dict]) -> list[Demande]:
    """Rows of a request and a change each, as requests (their order kept), each with its
    changes in the order of the form."""
    demandes: dict[int, Demande] = {}
    for row in rows:
        demande = demandes.get(row["id"])
        if demande is None:
            demande = demandes[row["id"]] = Demande(
                id=row["id"], eleve_id=row["eleve_id"], cible=row["cible"], responsable_id=row["responsable_id"],
                resp_legal=row["resp_legal"] or 0, compte_id=row["compte_id"], identifiant=row["identifiant"] or "",
                etat=row["etat"], cree_le=row["cree_le"], traitee_le=row["traitee_le"],
                traitee_par=row["traitee_par"] or "", commentaire=row["commentaire"] or "",
            )
        demande.changements.append(Changement(
            row["changement_id"], row["champ"], libelle(row["cible"], row["champ"]), row["ancienne"] or "",
            row["nouvelle"] or "", row["decision"] or ""))
    for demande in demandes.values():
        rang = ordre(demande.cible)
        demande.changements.sort(key=lambda c: (rang.get(c.champ, len(rang)), c.id))
    return list(demandes.values())


@dataclass
class Annuaire:
    """The establishment's classes and pupils, read once a page: who a request is about."""

    classes: list[dict]
    eleves: dict[int, dict]
    etablissement_id: int = 0

    @property
    def noms_de_classe(self) -> dict[int, str]:
        return {c["id"]: c["libelle"] or c["code_structure"] for c in self.classes}

    def de_la_classe(self, division_id: int) -> list[int]:
        return [e["id"] for e in self.eleves.values() if e["division_id"] == division_id]


async def annuaire(etablissement_id: int) -> Annuaire:
    classes = [s for s in await structures(etablissement_id) if s["type_structure"] == "D"]
    return Annuaire(classes, {e["id"]: e for e in await pupils_of_establishment(etablissement_id)}, etablissement_id)


async def nommer(demandes: list[Demande], annuaire_: Annuaire) -> None:
    """Each request's pupil, class and record, in words (one query for the page's guardians)."""
    responsables = await guardian_names(d.responsable_id for d in demandes if d.cible != ELEVE and d.responsable_id)
    # A pupil of another establishment: one enrolling in this lycée (their fiche is updated
    # during the online enrolment), named with their current class and collège.
    ailleurs = {i: e for i, e in (await pupils_by_id(
        d.eleve_id for d in demandes if d.eleve_id not in annuaire_.eleves)).items()
        if e["etablissement_id"] != annuaire_.etablissement_id}
    classes = annuaire_.noms_de_classe
    for demande in demandes:
        eleve = annuaire_.eleves.get(demande.eleve_id) or ailleurs.get(demande.eleve_id)
        if eleve:
            demande.eleve = f"{eleve['nom_de_famille']} {eleve['prenom']}"
            demande.prenom_nom = f"{eleve['prenom']} {eleve['nom_de_famille']}"
            demande.eleve_siecle = eleve["eleve_id"] or ""
            demande.classe = (classes.get(eleve["division_id"], "") if demande.eleve_id in annuaire_.eleves
                              else f"{eleve['division'] or ''}, {eleve['etablissement_nom']}".lstrip(", "))
        else:
            demande.eleve = demande.prenom_nom = _l("Élève sorti de l'établissement")
        if demande.cible == ELEVE:
            demande.fiche = _l("Élève")
            continue
        personne = responsables.get(demande.responsable_id)
        nom = (Personne(personne["lc_civilite"] or "", personne["nom_de_famille"], personne["prenom"])
               if personne else None)
        demande.fiche = fiche_du_responsable(demande.resp_legal, nom)


@dataclass
class Personne:
    """« Mme DUPONT Sophie », its civility in the language it is shown in (``str()``)."""

    civilite: str  # as SIECLE stores it: « M. », « MME »
    nom_de_famille: str | None
    prenom: str | None

    def __str__(self) -> str:
        civilite = reference.CIVILITES.get(self.civilite.upper(), self.civilite)
        return " ".join(filter(None, (str(civilite), self.nom_de_famille, self.prenom)))


def fiche_du_responsable(niveau: int, nom: Personne | None) -> Any:
    """« Responsable légal 1 – Mme DUPONT Sophie », as far as it is known (a lazy string)."""
    if niveau and nom:
        return _l("Responsable légal %(niveau)s – %(nom)s", niveau=niveau, nom=nom)
    if niveau:
        return _l("Responsable légal %(niveau)s", niveau=niveau)
    if nom:
        return _l("Responsable légal – %(nom)s", nom=nom)
    return _l("Responsable légal")


async def lire_page(etablissement_id: int, annuaire_: Annuaire, etat: str, eleves: list[int] | None,
                    page: int) -> tuple[list[Demande], bool]:
    """A page of the requests in this state (of these pupils, or all), and whether more follow."""
    tri = "cree_le" if etat == EN_ATTENTE else "traitee_le"
    ids = [] if eleves is None else (eleves or [0])  # a class without pupils: no request
    filtre = f"AND p.eleve_id IN ({', '.join('{}' for _ in ids)})" if eleves is not None else ""
    sql = (PAGE_SQL.replace("{eleves}", filtre).replace("{tri}", tri)
           .replace("{limite}", str(PAR_PAGE + 1)).replace("{decalage}", str((page - 1) * PAR_PAGE)))
    rows = await FicheDemande.raw(sql, etablissement_id, etat, *ids)
    demandes = assembler(rows)
    plus = len(demandes) > PAR_PAGE
    demandes = demandes[:PAR_PAGE]
    await nommer(demandes, annuaire_)
    return demandes, plus


async def lire_une(etablissement_id: int, demande_id: int) -> Demande | None:
    demandes = assembler(await FicheDemande.raw(UNE_SQL, demande_id, etablissement_id))
    return demandes[0] if demandes else None


# --- the class and the page asked for ------------------------------------------------------------------------


def numero_de_page(value: str | None) -> int:
    return int(value) if value and value.isdigit() and 0 < len(value) < 6 and int(value) > 0 else 1


@dataclass
class Choix:
    """The class (« Toutes les classes » by default) and the page asked for, and the error."""

    classes: list[dict]
    division_saisie: str = ""
    division: dict | None = None
    page: int = 1
    erreurs: dict[str, str] = field(default_factory=dict)

    def valeurs(self, **autres: Any) -> dict[str, Any]:
        valeurs = {"division": self.division_saisie, "page": self.page}
        return {k: v for k, v in {**valeurs, **autres}.items() if v not in ("", None) and not (k == "page" and v == 1)}

    def url(self, chemin: str = PAGE, **autres: Any) -> str:
        query = urlencode(self.valeurs(**autres))
        return f"{chemin}?{query}" if query else chemin


def lire_choix(annuaire_: Annuaire, source: Any) -> Choix:
    choix = Choix(annuaire_.classes, (source.get("division") or "").strip()[:20],
                  page=numero_de_page(source.get("page")))
    if choix.division_saisie:
        choix.division = next((c for c in annuaire_.classes if str(c["id"]) == choix.division_saisie), None)
        if choix.division is None:
            choix.erreurs["division"] = _("Choisissez une classe de l'établissement.")
    return choix


def eleves_choisis(annuaire_: Annuaire, choix: Choix) -> list[int] | None:
    return annuaire_.de_la_classe(choix.division["id"]) if choix.division else None


# --- the decision as typed -----------------------------------------------------------------------------------


@dataclass
class Saisie:
    """A request's form as typed: the choice of each change (by change id), the comment, the
    errors (by field name), a message about the whole form."""

    decisions: dict[int, str] = field(default_factory=dict)
    commentaire: str = ""
    erreurs: dict[str, str] = field(default_factory=dict)
    general: str = ""
    message: str = ""


def nom_decision(changement: Changement) -> str:
    return f"decision-{changement.id}"


def lire_commentaire(texte: str) -> str:
    """The comment as typed: line breaks kept (as « \\n »), other control characters removed."""
    texte = texte.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in texte if c == "\n" or c.isprintable()).strip()[:COMMENTAIRE_MAX * 4]


def lire_saisie(form: Any, demande: Demande) -> Saisie:
    saisie = Saisie(commentaire=lire_commentaire(form.get("commentaire") or ""))
    for changement in demande.changements:
        choix = form.get(nom_decision(changement))
        if choix in DECISIONS:
            saisie.decisions[changement.id] = choix
        else:
            saisie.erreurs[nom_decision(changement)] = NON_DECIDE
    if len(saisie.commentaire) > COMMENTAIRE_MAX:
        saisie.erreurs["commentaire"] = _("Le commentaire fait au plus %(max)s caractères (ici %(longueur)s).",
                                          max=COMMENTAIRE_MAX, longueur=len(saisie.commentaire))
    if form.get("version") != demande.version:
        # Shown before the family changed its request: the choices were made on other values.
        saisie.general, saisie.decisions = MODIFIEE, {}
        saisie.erreurs.update({nom_decision(c): NON_DECIDE for c in demande.changements})
    return saisie


# --- the pages ---------------------------------------------------------------------------------------------------


def confirmation(request: Request) -> str:
    query = request.query_params
    message = MESSAGES.get(query.get("ok") or "")
    if message is None:
        return ""
    return str(message) % {"acceptes": _nombre(query.get("acceptes")), "refuses": _nombre(query.get("refuses"))}


def _nombre(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 6 else 0


@get("/", name="fiche:personnels")
async def file_page(request: Request) -> Response:
    """« Fiches de renseignements à traiter »: the pending requests of the class asked for."""
    etablissement_id = staff_establishment(request)
    annuaire_ = await annuaire(etablissement_id)
    choix = lire_choix(annuaire_, request.query_params)
    demandes, plus = ([], False) if choix.erreurs else await lire_page(
        etablissement_id, annuaire_, EN_ATTENTE, eleves_choisis(annuaire_, choix), choix.page)
    contexte = {
        "region": FILE, "choix": choix, "demandes": demandes, "message": confirmation(request),
        "precedente": choix.url(page=choix.page - 1) if choix.page > 1 else "",
        "suivante": choix.url(page=choix.page + 1) if plus else "",
        "retour": choix.valeurs(), "saisie": Saisie(), "commentaire_max": COMMENTAIRE_MAX,
    }
    if htmx_target(request, FILE):
        return render(request, "fiche/staff/file_fragment.html", contexte)
    return render(request, "fiche/staff/file.html", contexte)


async def afficher_demande(request: Request, demande: Demande, saisie: Saisie | None = None,
                           retour: dict[str, Any] | None = None) -> Response:
    """One request on its own page (or, for htmx, its article alone): the form to decide it,
    or its decisions once processed."""
    contexte = {
        "d": demande, "saisie": saisie or Saisie(), "retour": retour or {}, "commentaire_max": COMMENTAIRE_MAX,
        "file": PAGE + (f"?{urlencode(retour)}" if retour else ""),
    }
    if htmx_target(request, demande.ancre):
        return render(request, "fiche/staff/demande_fragment.html", contexte)
    return render(request, "fiche/staff/demande.html", contexte)


async def demande_nommee(etablissement_id: int, demande_id: int) -> Demande:
    """The request of this establishment, with its pupil and record in words; 404 otherwise."""
    demande = await lire_une(etablissement_id, demande_id)
    if demande is None:
        raise NotFoundException(_("Cette demande n'existe pas."))
    await nommer([demande], await annuaire(etablissement_id))
    return demande


@get("/{demande_id:int}", name="fiche:demande")
async def demande_page(request: Request) -> Response:
    """One request on its own page (the form, or the decisions once processed)."""
    demande = await demande_nommee(staff_establishment(request), request.path_params["demande_id"])
    return await afficher_demande(request, demande)


def retour_de(form: Any) -> dict[str, Any]:
    """The class and page of the queue the form came from, to go back to."""
    retour = {"division": (form.get("division") or "").strip()[:20], "page": numero_de_page(form.get("page"))}
    return {k: v for k, v in retour.items() if v and not (k == "page" and v == 1)}


class DemandeModifiee(Exception):
    """The family changed the request since the page was shown: nothing is written."""


@post("/{demande_id:int}", name="fiche:decider")
async def decider(request: Request) -> Response:
    """The decision on one request: each field accepted or refused, and a comment."""
    etablissement_id, demande_id = staff_establishment(request), request.path_params["demande_id"]
    form = await request.form()
    demande = await demande_nommee(etablissement_id, demande_id)
    retour = retour_de(form)
    if demande.etat != EN_ATTENTE:
        return _apres(request, {**retour, "ok": "deja"})
    saisie = lire_saisie(form, demande)
    tout = form.get("tout")
    if tout in DECISIONS and not saisie.general:
        saisie.decisions = {c.id: tout for c in demande.changements}
        saisie.erreurs = {k: v for k, v in saisie.erreurs.items() if not k.startswith("decision-")}
        saisie.message = TOUT[tout]
        return await afficher_demande(request, demande, saisie, retour)
    if saisie.erreurs or saisie.general:
        return await afficher_demande(request, demande, saisie, retour)
    try:
        async with write_transaction():
            resultat = await ecrire_decision(request, demande, saisie)
    except DemandeModifiee:
        fraiche = await lire_une(etablissement_id, demande_id)
        if fraiche is None or fraiche.etat != EN_ATTENTE:
            return _apres(request, {**retour, "ok": "deja"})
        await nommer([fraiche], await annuaire(etablissement_id))
        refus = Saisie(commentaire=saisie.commentaire, general=MODIFIEE,
                       erreurs={nom_decision(c): NON_DECIDE for c in fraiche.changements})
        return await afficher_demande(request, fraiche, refus, retour)
    return _apres(request, {**retour, **resultat})


def _apres(request: Request, query: dict[str, Any]) -> Response:
    """Back to the queue with the confirmation: a 303, or for htmx a full navigation."""
    url = f"{PAGE}?{urlencode(query)}"
    if request.headers.get("hx-request") == "true" and request.headers.get("hx-boosted") != "true":
        return Response(b"", status_code=200, headers={"HX-Redirect": url})
    return go(url)


async def ecrire_decision(request: Request, demande: Demande, saisie: Saisie) -> dict[str, Any]:
    """Inside the transaction: the request taken (only if still pending, and as it was shown),
    the accepted values written, the decisions, the audit line and the mail."""
    pris = await FicheDemande.update({
        FicheDemande.etat: TRAITEE, FicheDemande.traitee_le: now(),
        FicheDemande.traitee_par: request.user.identifiant, FicheDemande.commentaire: saisie.commentaire,
    }).where((FicheDemande.id == demande.id) & (FicheDemande.etat == EN_ATTENTE)).returning(FicheDemande.id)
    if not pris:
        return {"ok": "deja"}
    actuels = await FicheChangement.select(FicheChangement.id, FicheChangement.champ, FicheChangement.nouvelle).where(
        FicheChangement.demande == demande.id)
    if version((r["id"], r["champ"], r["nouvelle"] or "") for r in actuels) != demande.version:
        raise DemandeModifiee()
    acceptes = [c for c in demande.changements if saisie.decisions[c.id] == ACCEPTEE]
    refuses = [c for c in demande.changements if saisie.decisions[c.id] == REFUSEE]
    valeurs = {c.champ: rules.valeur(c.champ, c.nouvelle) for c in acceptes}
    if valeurs and demande.cible == ELEVE:
        await update_pupil_record(demande.eleve_id, valeurs)
    elif valeurs:
        await update_guardian_record(demande.responsable_id, demande.eleve_id, valeurs)
    for decision, changements in ((ACCEPTEE, acceptes), (REFUSEE, refuses)):
        if changements:
            await FicheChangement.update({FicheChangement.decision: decision}).where(
                FicheChangement.id.is_in([c.id for c in changements]))
    await audit(request, "fiche.decision", (
        f"Fiche de renseignements de {demande.eleve}{f' ({demande.classe})' if demande.classe else ''}, "
        f"{demande.fiche} : {len(acceptes)} champ(s) accepté(s), {len(refuses)} champ(s) refusé(s)."))
    contact = await account_contact(demande.compte_id) if demande.compte_id else None
    mel = (contact or {}).get("mel") or ""
    if mel:
        with in_language(request, contact["langue"]):  # the family's, not the secretariat's
            await send_mail(
                request, mel, MAIL, demande=demande, etablissement=request.user.etablissement_nom,
                acceptes=[(c.libelle, une_ligne(c.apres) or _("(vide)")) for c in acceptes],
                refuses=[(c.libelle, une_ligne(c.apres) or _("(vide)"), une_ligne(c.avant) or _("(vide)"))
                         for c in refuses],
                commentaire=saisie.commentaire,
            )
    await notify_families(request, demande, len(acceptes), len(refuses), mailed=bool(mel))
    return {"ok": "traitee" if mel else "sans_courriel", "acceptes": len(acceptes), "refuses": len(refuses)}


async def notify_families(request: Request, demande: Demande, acceptes: int, refuses: int, mailed: bool) -> None:
    """The decision in the families' notifications too. The pupil's record concerns every parent
    who may see the fiche; a guardian's own record concerns that guardian alone (with separate
    accounts, each sees and changes only their own data), so only the account that asked is
    told. That account got the decision mail above: its notification counts as mailed, so that
    its e-mail choice never sends the decision twice; the other parents are mailed as they chose."""
    if demande.cible != ELEVE and demande.compte_id is None:
        return
    accounts = None if demande.cible == ELEVE else [demande.compte_id]
    # Lazy: each family reads it in its own language (the record's name too, a lazy string).
    titre = _l("Demande de modification de la fiche de renseignements (%(fiche)s) traitée : "
               "%(acceptes)s modification(s) acceptée(s), %(refuses)s refusée(s)",
               fiche=demande.fiche, acceptes=acceptes, refuses=refuses)
    await notify(request, demande.eleve_id, "fiche.decision", titre, accounts=accounts,
                 mailed=[demande.compte_id] if mailed and demande.compte_id else [])


# --- the history and the export ------------------------------------------------------------------------------


@dataclass
class Periode:
    """The days of an export, as typed, and what they name once checked."""

    du_saisi: str = ""
    au_saisi: str = ""
    du: dt.date | None = None
    au: dt.date | None = None
    erreurs: dict[str, str] = field(default_factory=dict)


def lire_periode(source: Any) -> Periode:
    periode = Periode((source.get("du") or "").strip()[:20], (source.get("au") or "").strip()[:20])
    for nom in ("du", "au"):
        texte = getattr(periode, f"{nom}_saisi")
        if not texte:
            continue
        jour = read_date(texte)
        if jour is None:
            periode.erreurs[nom] = _("Saisissez une date au format jj/mm/aaaa, ou laissez vide.")
        else:
            setattr(periode, nom, jour)
            setattr(periode, f"{nom}_saisi", jour.isoformat())
    if periode.du and periode.au and periode.au < periode.du:
        periode.erreurs["au"] = _("Le dernier jour est avant le premier : corrigez l'un des deux.")
    return periode


def debut_du_jour(jour: dt.date) -> dt.datetime:
    """The first moment of a school day, in UTC."""
    return school_day_start(jour)


async def afficher_historique(request: Request, periode: Periode | None = None, status_code: int = 200) -> Response:
    etablissement_id = staff_establishment(request)
    annuaire_ = await annuaire(etablissement_id)
    choix = lire_choix(annuaire_, request.query_params)
    demandes, plus = ([], False) if choix.erreurs else await lire_page(
        etablissement_id, annuaire_, TRAITEE, eleves_choisis(annuaire_, choix), choix.page)
    return render(request, "fiche/staff/historique.html", {
        "choix": choix, "demandes": demandes, "periode": periode or Periode(),
        "precedente": choix.url(HISTORIQUE, page=choix.page - 1) if choix.page > 1 else "",
        "suivante": choix.url(HISTORIQUE, page=choix.page + 1) if plus else "",
    }, status_code=status_code)


@get("/historique", name="fiche:historique")
async def historique_page(request: Request) -> Response:
    """« Historique des décisions »: the processed requests, newest first, 50 a page."""
    return await afficher_historique(request)


CSV_COLONNES = ("ELEVE_ID", _l("Élève"), _l("Classe"), _l("Fiche"), _l("Champ"), _l("Ancienne valeur"),
                _l("Nouvelle valeur"), _l("Décidé le"), _l("Par"))


def cellule(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection), on one line."""
    texte = une_ligne(str(value))
    return "'" + texte if texte[:1] in ("=", "+", "-", "@") else texte


def export_csv(demandes: list[Demande]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([str(colonne) for colonne in CSV_COLONNES])
    for d in demandes:
        for c in d.changements:
            writer.writerow([cellule(v) for v in (
                d.eleve_siecle, d.eleve, d.classe, d.fiche, c.libelle, c.avant, c.apres, d.decidee_le, d.traitee_par)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@get("/export.csv", name="fiche:export")
async def export(request: Request) -> Response:
    """The accepted changes decided over a range of days (every day by default), for SIECLE."""
    etablissement_id = staff_establishment(request)
    periode = lire_periode(request.query_params)
    if periode.erreurs:
        return await afficher_historique(request, periode, status_code=400)
    clauses, args = [], []
    if periode.du:
        clauses.append("AND d.traitee_le >= {}")
        args.append(debut_du_jour(periode.du))
    if periode.au:
        clauses.append("AND d.traitee_le < {}")
        args.append(debut_du_jour(periode.au + dt.timedelta(days=1)))
    sql = EXPORT_SQL.replace("{periode}", " ".join(clauses))
    demandes = assembler(await FicheDemande.raw(sql, etablissement_id, TRAITEE, ACCEPTEE, *args))
    await nommer(demandes, await annuaire(etablissement_id))
    lignes = sum(len(d.changements) for d in demandes)
    bornes = "".join(f" {mot} {jour:%d/%m/%Y}" for mot, jour in (("du", periode.du), ("au", periode.au)) if jour)
    async with write_transaction():
        await audit(request, "fiche.export", f"Export des modifications acceptées (CSV){bornes} : {lignes} ligne(s).")
    suffixe = "".join(f"-{jour:%Y%m%d}" for jour in (periode.du, periode.au) if jour)
    uai = re.sub(r"[^0-9A-Za-z]", "", request.user.etablissement_uai or "")
    return Response(export_csv(demandes), status_code=200, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="fiche-modifications-acceptees-{uai}{suffixe}.csv"',
        "Cache-Control": "no-store",
    })


ROUTES = [file_page, historique_page, export, demande_page, decider]
