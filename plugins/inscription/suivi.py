"""The lycée's « Suivi des inscriptions » (issue 9), under ``/administration/inscription/``: how
the families of the pupils assigned to the lycée stand (not started, in progress at a step,
validated), per collège of origin, with their pedagogical wishes in words; a CSV export of the
wishes; and the re-opening of a confirmed enrolment for a family.

- « suivi »: the counts per status over every assigned pupil, then per collège of origin a table
  of its pupils (name, class, status with the step reached or the day of confirmation, the
  wishes with the libellés of the lycée's offer for the pupil's MEF, « rouverte » when the lycée
  re-opened it). A GET form filters by status and by collège (no JavaScript needed).
- « suivi.csv »: one line per assigned pupil with the same filters, ``;``-separated, UTF-8 with
  a BOM (Excel reads the accents), no cell a spreadsheet would run as a formula; one audit line.
- « suivi/<affectation>/rouvrir » (POST): a confirmed enrolment of one of the lycée's pupils goes
  back to unconfirmed (the steps before the summary stay done), marked « rouverte », in one
  write with its audit line and a mail to the account that confirmed it. Another lycée's
  affectation is not found; an enrolment not confirmed, or a closed campaign, is refused.

A page costs three queries whatever the number of pupils: the affectations with their
enrolments, the pupils (``pupils_by_id``) and the lycée's offer.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from teleservices.core.api import (
    account_contact, audit, format_date, gettext as _, in_language, lazy_gettext as _l, now, pupils_by_id, render,
    school_time, send_mail, staff_establishment, today, write_transaction,
)
from teleservices.plugins.inscription import rules
from teleservices.plugins.inscription.staff import campagne_de
from teleservices.plugins.inscription.tables import InscriptionAffectation, InscriptionDossier, InscriptionOffre

PAGE = "/administration/inscription/suivi"
MAIL = "inscription/mails/rouverte.txt"

NON_COMMENCEE, EN_COURS, VALIDEE = "non_commencee", "en_cours", "validee"
# The statuses by key, as ``rules.Avancement.statut`` names them (French: the journal's words too).
STATUTS = {NON_COMMENCEE: "non commencée", EN_COURS: "en cours", VALIDEE: "validée"}
CLE_DU_STATUT = {libelle: cle for cle, libelle in STATUTS.items()}
# What the page shows, in its language.
STATUTS_LIBELLES = {cle: rules.STATUTS[libelle] for cle, libelle in STATUTS.items()}
STATUTS_PLURIEL = {NON_COMMENCEE: _l("Non commencées"), EN_COURS: _l("En cours"), VALIDEE: _l("Validées")}

MESSAGES = {
    "rouverte": _l("L'inscription de %(eleve)s est rouverte : un courriel demande à la famille de la confirmer à "
                   "nouveau."),
    "sans_courriel": _l("L'inscription de %(eleve)s est rouverte. Le compte qui l'avait confirmée n'a pas d'adresse "
                        "électronique : aucun courriel n'a été envoyé, prévenez la famille autrement."),
}
ROUVERTE_AVANT = _l("L'inscription de %(eleve)s est rouverte : un courriel demande à la famille de la confirmer à "
                    "nouveau au plus tard le %(avant)s.")
PAS_CONFIRMEE = _l("L'inscription de %(eleve)s n'est pas confirmée : il n'y a rien à rouvrir.")
CAMPAGNE_FERMEE = _l("La campagne d'inscription est fermée : la famille ne pourrait plus confirmer l'inscription de "
                     "%(eleve)s. Reportez d'abord le dernier jour de la campagne (onglet « Campagne »), puis rouvrez.")

SUIVI_SQL = """
SELECT a.id, a.eleve_id, a.code_mef, d.id AS dossier_id, d.etapes, d.lv1, d.lv2, d.options, d.compte_id,
       d.confirme_le, d.rouvert
FROM inscription_affectation a LEFT JOIN inscription_dossier d ON d.affectation = a.id
WHERE a.lycee_id = {} {une}
ORDER BY a.id
"""


# --- reading the rows ------------------------------------------------------------------------------------


def moment(value: Any) -> dt.datetime | None:
    """A stored moment, UTC-aware (SQLite's raw queries may give it naive, or as text)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def jour(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def liste(value: Any) -> list[Any]:
    """A JSON list column: text from a raw query on either engine, or already decoded."""
    if isinstance(value, str):
        value = json.loads(value or "[]")
    return list(value) if isinstance(value, (list, tuple)) else []


def quand(moment_: dt.datetime | None, separateur: str = " à ") -> str:
    """« 29/11/2026 à 10:15 », on the schools' clock, in French (the journal's; the CSV's with " ")."""
    return school_time(moment_).strftime(f"%d/%m/%Y{separateur}%H:%M") if moment_ else ""


def quand_affiche(moment_: dt.datetime | None) -> str:
    """« 29/11/2026 à 10:15 » in the page's language, on the schools' clock."""
    if not moment_:
        return ""
    local = school_time(moment_)
    return _("%(date)s à %(heure)s", date=format_date(local), heure=local.strftime("%H:%M"))


@dataclass
class Ligne:
    """An assigned pupil and where their family's enrolment stands."""

    affectation_id: int
    eleve_id: int
    code_mef: str
    pupil: Mapping[str, Any] | None
    avancement: rules.Avancement
    dossier_id: int | None = None
    lv1: str = ""
    lv2: str = ""
    options: list[str] = field(default_factory=list)
    compte_id: int | None = None
    confirme_le: dt.datetime | None = None
    rouvert: bool = False
    voeux: list[tuple[str, str]] = field(default_factory=list)  # (« LV1 », « Anglais »), in words

    @property
    def nom(self) -> str:
        if not self.pupil:
            return _("Élève introuvable (n° %(numero)s)", numero=self.eleve_id)
        return f"{self.pupil['nom_de_famille']} {self.pupil['prenom']}"

    @property
    def nom_journal(self) -> str:
        """The name in the journal's French."""
        return self.nom if self.pupil else f"Élève introuvable (n° {self.eleve_id})"

    @property
    def prenom_nom(self) -> str:
        return f"{self.pupil['prenom']} {self.pupil['nom_de_famille']}" if self.pupil else self.nom

    @property
    def classe(self) -> str:
        return (self.pupil or {}).get("division") or ""

    @property
    def college_id(self) -> str:
        return str((self.pupil or {}).get("etablissement_id") or "")

    @property
    def statut(self) -> str:
        return CLE_DU_STATUT[self.avancement.statut]

    @property
    def statut_libelle(self) -> str:
        """The status in the page's language."""
        return self.avancement.statut_libelle

    @property
    def etape(self) -> str:
        """The step a family in progress has reached (the first not done)."""
        return rules.ETAPES[self.avancement.prochaine] if self.statut == EN_COURS else ""

    @property
    def confirmee(self) -> str:
        return quand_affiche(self.confirme_le)


def ligne_de(row: Mapping[str, Any], pupil: Mapping[str, Any] | None) -> Ligne:
    confirme_le = moment(row["confirme_le"])
    ligne = Ligne(row["id"], row["eleve_id"], row["code_mef"] or "", pupil,
                  rules.avancement_de(row["etapes"] if row["dossier_id"] is not None else None, confirme_le))
    if row["dossier_id"] is not None:
        ligne.dossier_id = row["dossier_id"]
        ligne.lv1, ligne.lv2 = row["lv1"] or "", row["lv2"] or ""
        ligne.options = [str(o) for o in liste(row["options"])]
        ligne.compte_id, ligne.confirme_le, ligne.rouvert = row["compte_id"], confirme_le, bool(row["rouvert"])
    return ligne


def en_mots(ligne: Ligne, libelles: Mapping[tuple[str, str], str]) -> list[tuple[str, str]]:
    """The wishes with the offer's libellés for the pupil's MEF (the code when the lycée no
    longer offers it)."""
    def mot(code: str) -> str:
        return libelles.get((ligne.code_mef, code)) or code

    voeux = [(nom, mot(code)) for nom, code in (("LV1", ligne.lv1), ("LV2", ligne.lv2)) if code]
    if ligne.options:
        voeux.append((_("Options") if len(ligne.options) > 1 else _("Option"), ", ".join(mot(o) for o in ligne.options)))
    return voeux


async def lignes_du_lycee(lycee_id: int) -> list[Ligne]:
    """Every pupil assigned to the lycée, by collège of origin then by name: three queries."""
    rows = await InscriptionAffectation.raw(SUIVI_SQL.replace("{une}", ""), lycee_id)
    pupils = await pupils_by_id([row["eleve_id"] for row in rows])
    offre = await InscriptionOffre.select(InscriptionOffre.code_mef, InscriptionOffre.code,
                                          InscriptionOffre.libelle).where(InscriptionOffre.etablissement_id == lycee_id)
    libelles = {(o["code_mef"], o["code"]): o["libelle"] for o in offre}
    lignes = [ligne_de(row, pupils.get(row["eleve_id"])) for row in rows]
    for ligne in lignes:
        ligne.voeux = en_mots(ligne, libelles)
    return sorted(lignes, key=ordre)


def ordre(ligne: Ligne) -> tuple[Any, ...]:
    pupil = ligne.pupil or {}
    return (not pupil, pupil.get("etablissement_nom") or "", pupil.get("etablissement_commune") or "",
            ligne.college_id, pupil.get("nom_de_famille") or "", pupil.get("prenom") or "", ligne.affectation_id)


# --- the filters -----------------------------------------------------------------------------------------


@dataclass
class Choix:
    """The filters as typed (the status's key, the collège's id) and their errors."""

    statut: str = ""
    college: str = ""
    erreurs: dict[str, str] = field(default_factory=dict)

    def query(self, **extra: Any) -> str:
        valeurs = {k: v for k, v in (("statut", self.statut), ("college", self.college), *extra.items()) if v}
        return f"?{urlencode(valeurs)}" if valeurs else ""

    def garde(self, ligne: Ligne) -> bool:
        return ((not self.statut or ligne.statut == self.statut)
                and (not self.college or ligne.college_id == self.college))


@dataclass(frozen=True)
class College:
    id: str
    nom: str
    commune: str
    uai: str

    @property
    def libelle(self) -> str:
        return f"{self.nom} ({self.commune})" if self.commune else self.nom


def colleges(lignes: Iterable[Ligne]) -> list[College]:
    """The collèges of origin of the lycée's pupils, by name."""
    vus: dict[str, College] = {}
    for ligne in lignes:
        if ligne.pupil and ligne.college_id not in vus:
            p = ligne.pupil
            vus[ligne.college_id] = College(ligne.college_id, p["etablissement_nom"] or "",
                                            p["etablissement_commune"] or "", p["etablissement_uai"] or "")
    return sorted(vus.values(), key=lambda c: (c.nom, c.commune, c.id))


def lire_choix(source: Mapping[str, Any], colleges_: list[College]) -> Choix:
    choix = Choix(str(source.get("statut") or "").strip()[:20], str(source.get("college") or "").strip()[:20])
    if choix.statut and choix.statut not in STATUTS:
        choix.erreurs["statut"] = _("Choisissez un état de l'inscription dans la liste.")
    if choix.college and choix.college not in {c.id for c in colleges_}:
        choix.erreurs["college"] = _("Choisissez un établissement d'origine dans la liste.")
    return choix


# --- the page --------------------------------------------------------------------------------------------


@dataclass
class Groupe:
    college: College | None
    lignes: list[Ligne]


def groupes(lignes: list[Ligne]) -> list[Groupe]:
    """The chosen pupils, grouped by collège of origin (already in that order)."""
    par_college: dict[str, Groupe] = {}
    for ligne in lignes:
        groupe = par_college.get(ligne.college_id)
        if groupe is None:
            p = ligne.pupil
            college = College(ligne.college_id, p["etablissement_nom"] or "", p["etablissement_commune"] or "",
                              p["etablissement_uai"] or "") if p else None
            groupe = par_college[ligne.college_id] = Groupe(college, [])
        groupe.lignes.append(ligne)
    return list(par_college.values())


def comptes(lignes: list[Ligne]) -> list[tuple[str, str, int]]:
    return [(cle, STATUTS_PLURIEL[cle], sum(1 for l in lignes if l.statut == cle)) for cle in STATUTS]


def confirmation(request: Request, lignes: list[Ligne]) -> str:
    cle = request.query_params.get("ok") or ""
    if cle not in MESSAGES:
        return ""
    ligne = next((l for l in lignes if str(l.affectation_id) == request.query_params.get("affectation")), None)
    if ligne is None:
        return ""
    avant = request.query_params.get("avant") or ""
    if cle == "rouverte" and re.fullmatch(r"\d\d/\d\d/\d{4}", avant):
        return str(ROUVERTE_AVANT) % {"eleve": ligne.prenom_nom, "avant": avant}
    return str(MESSAGES[cle]) % {"eleve": ligne.prenom_nom}


async def afficher(request: Request, lycee_id: int, source: Mapping[str, Any], refus: str = "",
                   status_code: int = 200) -> Response:
    lignes = await lignes_du_lycee(lycee_id)
    colleges_ = colleges(lignes)
    choix = lire_choix(source, colleges_)
    campagne = await campagne_de(lycee_id)
    choisies = [] if choix.erreurs else [l for l in lignes if choix.garde(l)]
    if choix.erreurs and status_code == 200:
        status_code = 400
    return render(request, "inscription/staff/suivi.html", {
        "choix": choix, "erreurs": choix.erreurs, "statuts": STATUTS_LIBELLES, "colleges": colleges_,
        "comptes": comptes(lignes), "total": len(lignes), "groupes": groupes(choisies), "nombre": len(choisies),
        "rouvrable": rouvrable(campagne), "refus": refus,
        "confirmation": "" if refus else confirmation(request, lignes),
        "export": f"{PAGE}.csv{choix.query()}",
    }, status_code=status_code)


def rouvrable(campagne: Mapping[str, Any] | None) -> bool:
    """A re-opened enrolment must be confirmed again: only while families may still write."""
    return bool(campagne) and rules.Campagne(campagne["ouverture"], campagne["fermeture"]).etat(today()) != "fermee"


@get("/suivi", name="inscription:suivi")
async def suivi(request: Request) -> Response:
    """« Suivi des inscriptions »: the counts, then the pupils per collège of origin."""
    lycee_id = staff_establishment(request)
    return await afficher(request, lycee_id, request.query_params)


# --- the export ------------------------------------------------------------------------------------------

CSV_COLONNES = ("UAI_ORIGINE", "ETABLISSEMENT_ORIGINE", "INE", "ELEVE_ID", "NOM", "PRENOM", "DATE_NAISSANCE",
                "CLASSE", "CODE_MEF", "STATUT", "LV1", "LV2", "OPTIONS", "CONFIRMEE_LE")


def cellule(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection), on one line."""
    texte = " ".join(str(value if value is not None else "").split())
    return "'" + texte if texte[:1] in ("=", "+", "-", "@") else texte


def ligne_csv(ligne: Ligne) -> list[str]:
    p = ligne.pupil or {}
    naissance = jour(p.get("date_naiss"))
    return [cellule(v) for v in (
        p.get("etablissement_uai"), p.get("etablissement_nom"), p.get("ine"), p.get("eleve_id"),
        p.get("nom_de_famille"), p.get("prenom"), naissance.strftime("%d/%m/%Y") if naissance else "",
        ligne.classe, ligne.code_mef, ligne.statut_libelle, ligne.lv1, ligne.lv2, ", ".join(ligne.options),
        quand(ligne.confirme_le, " "))]


def export_csv(lignes: list[Ligne]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLONNES)
    writer.writerows(ligne_csv(ligne) for ligne in lignes)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@get("/suivi.csv", name="inscription:suivi_csv")
async def suivi_csv(request: Request) -> Response:
    """The wishes of the assigned pupils (the page's filters apply), for a spreadsheet."""
    lycee_id = staff_establishment(request)
    lignes = await lignes_du_lycee(lycee_id)
    colleges_ = colleges(lignes)
    choix = lire_choix(request.query_params, colleges_)
    if choix.erreurs:
        return await afficher(request, lycee_id, request.query_params, status_code=400)
    choisies = [l for l in lignes if choix.garde(l)]
    filtres = []
    if choix.statut:
        filtres.append(f"inscriptions {STATUTS[choix.statut]}s")
    if choix.college:
        filtres.append(next(c.libelle for c in colleges_ if c.id == choix.college))
    async with write_transaction():
        await audit(request, "inscription.export", (
            f"Export des souhaits des inscriptions (CSV){' – ' + ', '.join(filtres) if filtres else ''} : "
            f"{len(choisies)} ligne(s)."))
    uai = re.sub(r"[^0-9A-Za-z]", "", request.user.etablissement_uai or "")
    return Response(export_csv(choisies), status_code=200, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="inscriptions-{uai}-{today():%Y%m%d}.csv"',
        "Cache-Control": "no-store",
    })


# --- re-opening an enrolment -----------------------------------------------------------------------------


@post("/suivi/{affectation_id:int}/rouvrir", name="inscription:rouvrir")
async def rouvrir(request: Request, affectation_id: int) -> Response:
    """A confirmed enrolment of one of the lycée's pupils becomes editable again for the family."""
    lycee_id = staff_establishment(request)
    form = await request.form()
    retour = {k: str(form.get(k) or "").strip()[:20] for k in ("statut", "college")}
    async with write_transaction():
        resultat = await ecrire_reouverture(request, lycee_id, affectation_id)
    if "refus" in resultat:
        return await afficher(request, lycee_id, retour, refus=resultat["refus"], status_code=409)
    query = {**{k: v for k, v in retour.items() if v}, **resultat}
    return Redirect(f"{PAGE}?{urlencode(query)}", status_code=303)


async def ecrire_reouverture(request: Request, lycee_id: int, affectation_id: int) -> dict[str, Any]:
    """Inside the transaction: the dossier taken back only if still confirmed, its audit line and
    the mail to the account that confirmed it."""
    rows = await InscriptionAffectation.raw(SUIVI_SQL.replace("{une}", "AND a.id = {}"), lycee_id, affectation_id)
    if not rows:
        raise NotFoundException(_("Aucun élève affecté au lycée ne correspond à cette inscription."))
    row = rows[0]
    ligne = ligne_de(row, (await pupils_by_id([row["eleve_id"]])).get(row["eleve_id"]))
    if ligne.dossier_id is None or ligne.confirme_le is None:
        return {"refus": str(PAS_CONFIRMEE) % {"eleve": ligne.prenom_nom}}
    campagne = await campagne_de(lycee_id)
    if not rouvrable(campagne):
        return {"refus": str(CAMPAGNE_FERMEE) % {"eleve": ligne.prenom_nom}}
    etapes = sorted(rules.rouverte(ligne.avancement).faites)
    pris = await InscriptionDossier.update({
        InscriptionDossier.etapes: etapes, InscriptionDossier.confirme_le: None,
        InscriptionDossier.rouvert: True, InscriptionDossier.modifie_le: now(),
    }).where((InscriptionDossier.id == ligne.dossier_id) & InscriptionDossier.confirme_le.is_not_null()).returning(
        InscriptionDossier.id)
    if not pris:
        return {"refus": str(PAS_CONFIRMEE) % {"eleve": ligne.prenom_nom}}
    classe = f", {ligne.classe}" if ligne.classe else ""
    origine = f", {ligne.pupil['etablissement_nom']}" if ligne.pupil else ""
    await audit(request, "inscription.reouverture", (
        f"Inscription de {ligne.nom_journal}{classe}{origine} rouverte (confirmée le {quand(ligne.confirme_le)}) : "
        "la famille doit la confirmer à nouveau."))
    fermeture = format_date(campagne["fermeture"])  # dd/mm/yyyy in both languages (the link's « avant »)
    contact = await account_contact(ligne.compte_id) if ligne.compte_id else None
    mel = (contact or {}).get("mel") or ""
    if mel:
        with in_language(request, contact["langue"]):  # the family's, not the lycée's
            await send_mail(request, mel, MAIL, eleve=ligne.prenom_nom, lycee=request.user.etablissement_nom,
                            confirmee_le=ligne.confirmee, fermeture=fermeture)
    return {"ok": "rouverte" if mel else "sans_courriel", "affectation": ligne.affectation_id, "avant": fermeture}


ROUTES = [suivi, suivi_csv, rouvrir]
