"""The lycée's « Élèves affectés » for the online enrolment, under
``/administration/inscription/affectations`` (the secretariat, the head, the academy
administrator): the pupils of other establishments assigned to the lycée for next year, whose
parents see the online enrolment once the lycée's campaign has begun.

The lycée adds a pupil by their INE (ID_NATIONAL) or SIECLE number (ELEVE_ID) and a MEF of its
classes, imports a CSV file of them (Affelnet's results, one pupil a line), or removes an
affectation the family has not confirmed yet (its enrolment goes with it).

The page makes three queries whatever the number of pupils: the affectations with their
enrolments, the pupils, the lycée's MEFs. An import reads the whole file first, looks its pupils up
in one query and their affectations in another, then writes every valid line in one transaction
with one audit line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from teleservices.core.api import (
    audit, current_language, establishment, find_pupils, gettext as _, mefs, ngettext, pupils_by_id, read_date, render,
    staff_establishment, write_transaction,
)
from teleservices.plugins.inscription import rules
from teleservices.plugins.inscription.staff import campagne_de, notify_opening
from teleservices.plugins.inscription.tables import InscriptionAffectation, InscriptionDossier

PAGE = "/administration/inscription/affectations"
MO = 1024 * 1024
MAX_BYTES = 2 * MO  # a file, as sent
MAX_BODY = MAX_BYTES + MO  # a bigger request is refused before it is read
MAX_LINES = 3000  # pupils a file assigns: the lookups stay within the databases' parameter limits
NUMERO_MAX = 20  # ELEVE_ID is Varchar(20), the INE 11 characters
# Header spellings, folded (upper case, without accents, spaces, underscores or dashes).
COLONNES_INE = {"INE", "IDNATIONAL"}
COLONNES_SIECLE = {"ELEVEID", "NUMEROSIECLE"}
COLONNES_MEF = {"CODEMEF", "MEF"}

# The affectations, as shown ---------------------------------------------------------------------

AFFECTATIONS_SQL = """
SELECT a.id, a.eleve_id, a.code_mef, d.etapes, d.confirme_le
FROM inscription_affectation a LEFT JOIN inscription_dossier d ON d.affectation = a.id
WHERE a.lycee_id = {}
"""


def _date(value: Any) -> dt.date | None:
    """A date column of a raw query: a date, or its ISO text on SQLite."""
    if value is None or isinstance(value, dt.date):
        return value
    return read_date(str(value)[:10])


def nom_complet(eleve: Mapping[str, Any]) -> str:
    return f"{eleve['nom_de_famille']} {eleve['prenom']}"


def affecte(eleve: Mapping[str, Any]) -> str:
    """« affectée » for a girl (SIECLE's CODE_SEXE 2), « affecté » otherwise (the journal's French)."""
    return "affectée" if eleve.get("code_sexe") == "2" else "affecté"


def fille(eleve: Mapping[str, Any]) -> bool:
    """Whether the page's sentence about this pupil takes the feminine (SIECLE's CODE_SEXE 2)."""
    return eleve.get("code_sexe") == "2"


def _nombre(singulier: str, pluriel: str, n: int) -> str:
    """``ngettext`` with the source's French rule: 0 takes the singular (« 0 élève affecté »)."""
    return ngettext(singulier, pluriel, 1 if n == 0 and current_language() == "fr" else n, num=n)


def libelles_mef(liste: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    return {m["code_mef"]: m["libelle"] for m in liste}


def lignes_affichees(affectations: Iterable[Mapping[str, Any]], eleves: Mapping[int, Mapping[str, Any]],
                     libelles: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each affectation with its pupil, its MEF's label and its enrolment's status, by name."""
    lignes = []
    for a in affectations:
        eleve = eleves.get(a["eleve_id"])
        if eleve is None:  # the pupil's row is gone (a new SIECLE year): nothing left to show
            continue
        lignes.append({
            "id": a["id"], "eleve": {**eleve, "date_naiss": _date(eleve["date_naiss"])},
            "mef": libelles.get(a["code_mef"]) or a["code_mef"] or "—",
            "statut": rules.avancement_de(a["etapes"], a["confirme_le"]).statut_libelle,
            "confirmee": a["confirme_le"] is not None,
        })
    return sorted(lignes, key=lambda l: (l["eleve"]["nom_de_famille"], l["eleve"]["prenom"], l["id"]))


# Finding a pupil by INE or SIECLE number ------------------------------------------------------------


class Index:
    """The pupils ``find_pupils`` answered, by SIECLE number and by INE."""

    def __init__(self, eleves: Iterable[Mapping[str, Any]]) -> None:
        self.par_siecle: dict[str, Mapping[str, Any]] = {}
        self.par_ine: dict[str, list[Mapping[str, Any]]] = {}
        for eleve in eleves:
            self.par_siecle[str(eleve["eleve_id"])] = eleve
            if eleve["ine"]:
                self.par_ine.setdefault(str(eleve["ine"]).upper(), []).append(eleve)

    def eleve(self, ine: str, siecle: str, lycee_id: int) -> Mapping[str, Any] | str | None:
        """The pupil of another establishment these numbers name; None when nothing matches; a
        reason (in the request's language) when the pupil is already the lycée's own or the numbers
        are ambiguous."""
        par_siecle = [self.par_siecle[siecle]] if siecle in self.par_siecle else []
        par_ine = self.par_ine.get(ine, []) if ine else []
        trouves = list({e["id"]: e for e in (*par_siecle, *par_ine)}.values())
        if not trouves:
            return None
        ailleurs = [e for e in trouves if e["etablissement_id"] != lycee_id]
        if not ailleurs:
            return _("%(nom)s est déjà élève du lycée.", nom=nom_complet(trouves[0]))
        if len(ailleurs) > 1:
            distincts = not {e["id"] for e in par_siecle} & {e["id"] for e in par_ine}
            if par_siecle and par_ine and ine != siecle and distincts:
                return _("L'INE et le numéro SIECLE ne désignent pas le même élève.")
            return _("Plusieurs élèves correspondent à ce numéro : indiquez le numéro SIECLE (ELEVE_ID) de l'élève.")
        return ailleurs[0]


async def affectations_de(eleve_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The affectations of these pupils, to whichever lycée, by pupil (one query)."""
    if not eleve_ids:
        return {}
    rows = await InscriptionAffectation.select(
        InscriptionAffectation.id, InscriptionAffectation.eleve_id, InscriptionAffectation.lycee_id,
        InscriptionAffectation.code_mef,
    ).where(InscriptionAffectation.eleve_id.is_in(list(eleve_ids)))
    return {row["eleve_id"]: row for row in rows}


# « Ajouter un élève » --------------------------------------------------------------------------------


@dataclass
class Saisie:
    """« Ajouter un élève », as typed."""

    numero: str = ""
    code_mef: str = ""
    erreurs: dict[str, str] = field(default_factory=dict)

    @property
    def cle(self) -> str:
        """The number looked up: « 0123 456789A » as « 0123456789A »."""
        return "".join(self.numero.split())


def lire_saisie(form: Mapping[str, Any], codes_mef: Sequence[str]) -> Saisie:
    """The typed form, with the errors that need no lookup."""
    saisie = Saisie(str(form.get("numero") or "").strip(), str(form.get("code_mef") or "").strip())
    if not saisie.numero:
        saisie.erreurs["numero"] = _("Indiquez l'INE ou le numéro SIECLE de l'élève.")
    elif len(saisie.cle) > NUMERO_MAX or not saisie.cle.isalnum():
        saisie.erreurs["numero"] = _("Aucun élève ne correspond à ce numéro.")
    if not codes_mef:
        saisie.erreurs["code_mef"] = _("Le lycée n'a aucune classe avec une formation (MEF) : importez d'abord ses "
                                       "structures depuis SIECLE.")
    elif saisie.code_mef not in codes_mef:
        saisie.erreurs["code_mef"] = _("Choisissez la formation de l'élève parmi celles du lycée.")
    return saisie


# « Importer un fichier »: reading the CSV, then sorting its lines --------------------------------------


@dataclass(frozen=True)
class LigneLue:
    numero: int  # the line's number in the file (the header is line 1)
    ine: str
    siecle: str
    code_mef: str


@dataclass(frozen=True)
class Refus:
    numero: int
    motif: str


@dataclass
class Fichier:
    """What the file says: its lines, the lines refused on reading, or why it cannot be read."""

    lignes: list[LigneLue] = field(default_factory=list)
    refus: list[Refus] = field(default_factory=list)
    erreur: str = ""


def _plier(valeur: str) -> str:
    decompose = unicodedata.normalize("NFKD", valeur.strip().upper())
    return "".join(c for c in decompose if not unicodedata.combining(c) and c.isalnum())


def decoder(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1252 (Excel's « CSV (séparateur : point-virgule) »)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def lire_fichier(data: bytes) -> Fichier:
    """The file's lines (« ; » or « , » separated, the first naming the columns)."""
    if len(data) > MAX_BYTES:
        return Fichier(erreur=_("Le fichier dépasse %(max)s Mo : rien n'a été importé.", max=MAX_BYTES // MO))
    texte = decoder(data)
    premiere = texte.split("\n", 1)[0]
    separateur = ";" if premiere.count(";") >= premiere.count(",") else ","
    lignes = [(n, cells) for n, cells in enumerate(csv.reader(io.StringIO(texte, newline=""), delimiter=separateur),
                                                   start=1) if any(c.strip() for c in cells)]
    if not lignes:
        return Fichier(erreur=_("Le fichier est vide : rien n'a été importé."))
    entete = [_plier(nom) for nom in lignes[0][1]]

    def colonne(noms: set[str]) -> int | None:
        return next((i for i, nom in enumerate(entete) if nom in noms), None)

    ine, siecle, mef = colonne(COLONNES_INE), colonne(COLONNES_SIECLE), colonne(COLONNES_MEF)
    if ine is None and siecle is None:
        return Fichier(erreur=_(
            "La première ligne du fichier doit nommer ses colonnes : INE (ou ID_NATIONAL) et/ou ELEVE_ID "
            "(ou NUMERO_SIECLE), et CODE_MEF (ou MEF). Rien n'a été importé."))
    if len(lignes) - 1 > MAX_LINES:
        return Fichier(erreur=_("Le fichier compte plus de %(max)s élèves : découpez-le. Rien n'a été importé.",
                                max=MAX_LINES))
    if len(lignes) == 1:
        return Fichier(erreur=_("Le fichier ne contient que sa ligne d'en-tête : rien n'a été importé."))
    fichier = Fichier()
    for numero, cells in lignes[1:]:

        def cellule(index: int | None) -> str:
            return cells[index].strip() if index is not None and index < len(cells) else ""

        lue = LigneLue(numero, cellule(ine).upper(), cellule(siecle), cellule(mef))
        if not lue.ine and not lue.siecle:
            fichier.refus.append(Refus(numero, _("Ni INE ni numéro SIECLE : l'élève n'est pas identifié.")))
        elif len(lue.ine) > NUMERO_MAX or len(lue.siecle) > NUMERO_MAX:
            fichier.refus.append(Refus(numero, _("Ce numéro est trop long pour être un INE ou un numéro SIECLE.")))
        else:
            fichier.lignes.append(lue)
    return fichier


@dataclass
class Bilan:
    """An import's outcome: the affectations to create, those to move to another MEF."""

    nouvelles: list[tuple[Mapping[str, Any], str]] = field(default_factory=list)  # (pupil, code_mef)
    presentes: int = 0
    modifiees: dict[int, str] = field(default_factory=dict)  # affectation id -> its new MEF
    refus: list[Refus] = field(default_factory=list)

    @property
    def a_ecrire(self) -> bool:
        return bool(self.nouvelles or self.modifiees)


def _introuvable(ligne: LigneLue) -> str:
    if ligne.siecle and ligne.ine:
        return _("Aucun élève ne correspond à l'INE « %(ine)s » ni au numéro SIECLE « %(siecle)s ».",
                 ine=ligne.ine, siecle=ligne.siecle)
    if ligne.siecle:
        return _("Aucun élève ne correspond au numéro SIECLE « %(siecle)s ».", siecle=ligne.siecle)
    return _("Aucun élève ne correspond à l'INE « %(ine)s ».", ine=ligne.ine)


def trier(fichier: Fichier, index: Index, affectations: Mapping[int, Mapping[str, Any]], lycee_id: int,
          codes_mef: Sequence[str]) -> Bilan:
    """Each line read: a pupil to assign, one already assigned here (their MEF changed when the
    line gives another; an empty MEF changes nothing), or refused with its reason."""
    bilan = Bilan(refus=list(fichier.refus))
    vues: dict[int, int] = {}  # pupil id -> the line that imported them or found them here
    seule = codes_mef[0] if len(codes_mef) == 1 else ""
    for ligne in fichier.lignes:
        eleve = index.eleve(ligne.ine, ligne.siecle, lycee_id)
        if eleve is None or isinstance(eleve, str):
            bilan.refus.append(Refus(ligne.numero, eleve or _introuvable(ligne)))
            continue
        nom = nom_complet(eleve)
        if eleve["id"] in vues:
            bilan.refus.append(Refus(ligne.numero, _("%(nom)s figure déjà ligne %(ligne)s.", nom=nom,
                                                     ligne=vues[eleve["id"]])))
            continue
        if ligne.code_mef and ligne.code_mef not in codes_mef:
            bilan.refus.append(Refus(ligne.numero, _("%(nom)s : « %(mef)s » n'est pas une formation (MEF) du lycée.",
                                                     nom=nom, mef=ligne.code_mef[:20])))
            continue
        existante = affectations.get(eleve["id"])
        if existante and existante["lycee_id"] == lycee_id:
            bilan.presentes += 1
            vues[eleve["id"]] = ligne.numero
            if ligne.code_mef and ligne.code_mef != existante["code_mef"]:
                bilan.modifiees[existante["id"]] = ligne.code_mef
            continue
        if existante:
            bilan.refus.append(Refus(ligne.numero, _("%(nom)s est déjà affectée à un autre lycée.", nom=nom)
                                     if fille(eleve) else _("%(nom)s est déjà affecté à un autre lycée.", nom=nom)))
            continue
        code_mef = ligne.code_mef or seule
        if not code_mef:
            bilan.refus.append(Refus(ligne.numero, _(
                "%(nom)s : la formation (CODE_MEF) est vide et le lycée en propose plusieurs : indiquez laquelle.",
                nom=nom)))
            continue
        vues[eleve["id"]] = ligne.numero
        bilan.nouvelles.append((eleve, code_mef))
    bilan.refus.sort(key=lambda r: r.numero)
    return bilan


def _pluriel(n: int, singulier: str, pluriel: str) -> str:
    return f"{n} {singulier if n < 2 else pluriel}"


def resume(bilan: Bilan) -> str:
    """« 3 élèves affectés, 1 déjà présent, 2 lignes refusées », in French (the journal's)."""
    return ", ".join((_pluriel(len(bilan.nouvelles), "élève affecté", "élèves affectés"),
                      _pluriel(bilan.presentes, "déjà présent", "déjà présents"),
                      _pluriel(len(bilan.refus), "ligne refusée", "lignes refusées")))


def resume_affiche(bilan: Bilan) -> str:
    """The same, in the page's language."""
    return ", ".join((_nombre("%(num)d élève affecté", "%(num)d élèves affectés", len(bilan.nouvelles)),
                      _nombre("%(num)d déjà présent", "%(num)d déjà présents", bilan.presentes),
                      _nombre("%(num)d ligne refusée", "%(num)d lignes refusées", len(bilan.refus))))


# The page -----------------------------------------------------------------------------------------


async def _page(request: Request, saisie: Saisie | None = None, import_erreur: str = "", bilan: Bilan | None = None,
                fichier: str = "", erreur: str = "", status: int = 200) -> Response:
    lycee_id = staff_establishment(request)
    affectations = await InscriptionAffectation.raw(AFFECTATIONS_SQL, lycee_id)
    eleves = await pupils_by_id([a["eleve_id"] for a in affectations])
    formations = await mefs(lycee_id)
    libelles = libelles_mef(formations)
    lignes = lignes_affichees(affectations, eleves, libelles)
    if saisie is None:
        saisie = Saisie(code_mef=formations[0]["code_mef"] if len(formations) == 1 else "")
    return render(request, "inscription/staff/affectations.html", {
        "lignes": lignes, "mefs": formations, "saisie": saisie, "erreurs": saisie.erreurs,
        "import_erreur": import_erreur, "bilan": bilan, "bilan_texte": resume_affiche(bilan) if bilan else "",
        "fichier": fichier, "refus_retrait": erreur, "confirmation": _confirmation(request, lignes),
        "max_mo": MAX_BYTES // MO,
    }, status_code=status)


def _confirmation(request: Request, lignes: list[dict[str, Any]]) -> str:
    """The message of ``?ok=``: the added pupil is found in the list, the removed one named by the link."""
    params = request.query_params
    ok = params.get("ok") or ""
    if ok == "ajout":
        ligne = next((l for l in lignes if str(l["id"]) == params.get("affectation")), None)
        if ligne is None:
            return ""
        eleve = ligne["eleve"]
        if fille(eleve):
            return _("%(nom)s est affectée au lycée en %(formation)s.", nom=nom_complet(eleve), formation=ligne["mef"])
        return _("%(nom)s est affecté au lycée en %(formation)s.", nom=nom_complet(eleve), formation=ligne["mef"])
    if ok == "retrait":
        nom = (params.get("nom") or "").strip()[:160]
        return _("L'affectation de %(nom)s est retirée.", nom=nom) if nom else _("L'affectation est retirée.")
    return ""


@get("/affectations", name="inscription:affectations")
async def page(request: Request) -> Response:
    return await _page(request)


@post("/affectations")
async def ajouter(request: Request) -> Response:
    lycee_id = staff_establishment(request)
    formations = await mefs(lycee_id)
    libelles = libelles_mef(formations)
    saisie = lire_saisie(await request.form(), list(libelles))
    eleve: Mapping[str, Any] | str | None = None
    if "numero" not in saisie.erreurs:
        trouves = await find_pupils(ines=[saisie.cle.upper()], eleve_ids=[saisie.cle])
        eleve = Index(trouves).eleve(saisie.cle.upper(), saisie.cle, lycee_id)
        if eleve is None:
            saisie.erreurs["numero"] = _("Aucun élève ne correspond à ce numéro.")
        elif isinstance(eleve, str):
            saisie.erreurs["numero"] = eleve
    if saisie.erreurs or not isinstance(eleve, Mapping):
        return await _page(request, saisie, status=422)
    async with write_transaction():
        existante = (await affectations_de([eleve["id"]])).get(eleve["id"])
        if existante is None:
            [creee] = await InscriptionAffectation.insert(InscriptionAffectation(
                lycee_id=lycee_id, eleve_id=eleve["id"], code_mef=saisie.code_mef)).returning(InscriptionAffectation.id)
            await audit(request, "inscription.affectation", (
                f"Élève {affecte(eleve)} au lycée : {nom_complet(eleve)} (INE {eleve['ine'] or '—'}, numéro SIECLE "
                f"{eleve['eleve_id']}, {eleve['etablissement_nom']}), en {libelles[saisie.code_mef]} "
                f"({saisie.code_mef})."))
            await notify_assigned(request, lycee_id, [eleve["id"]])
    if existante is not None:
        nom = nom_complet(eleve)
        if existante["lycee_id"] == lycee_id:
            saisie.erreurs["numero"] = (_("%(nom)s est déjà affectée au lycée.", nom=nom) if fille(eleve)
                                        else _("%(nom)s est déjà affecté au lycée.", nom=nom))
        else:
            autre = await establishment(existante["lycee_id"])
            if autre is None:
                saisie.erreurs["numero"] = (
                    _("%(nom)s est déjà affectée à un autre lycée : ce lycée doit d'abord retirer son affectation.",
                      nom=nom) if fille(eleve) else
                    _("%(nom)s est déjà affecté à un autre lycée : ce lycée doit d'abord retirer son affectation.",
                      nom=nom))
            else:
                valeurs = {"nom": nom, "lycee": autre.nom, "commune": autre.commune}
                saisie.erreurs["numero"] = (
                    _("%(nom)s est déjà affectée au %(lycee)s (%(commune)s) : ce lycée doit d'abord retirer son "
                      "affectation.", **valeurs) if fille(eleve) else
                    _("%(nom)s est déjà affecté au %(lycee)s (%(commune)s) : ce lycée doit d'abord retirer son "
                      "affectation.", **valeurs))
        return await _page(request, saisie, status=422)
    return Redirect(f"{PAGE}?{urlencode({'ok': 'ajout', 'affectation': creee['id']})}", status_code=303)


async def notify_assigned(request: Request, lycee_id: int, eleves: list[int]) -> None:
    """Pupils assigned while the lycée's campaign is open: their parents are told it is open."""
    campagne = await campagne_de(lycee_id) if eleves else None
    if campagne:
        await notify_opening(request, lycee_id, campagne, eleves)


def changer_mef_sql(modifiees: Mapping[int, str], lycee_id: int) -> tuple[Any, ...]:
    """One UPDATE giving each of the lycée's affectations its new MEF, and its arguments."""
    cas = " ".join("WHEN {} THEN {}" for _ in modifiees)
    ids = ", ".join("{}" for _ in modifiees)
    sql = f"UPDATE inscription_affectation SET code_mef = CASE id {cas} END WHERE lycee_id = {{}} AND id IN ({ids})"
    return (sql, *(v for item in modifiees.items() for v in item), lycee_id, *modifiees)


def _nom_du_fichier(upload: UploadFile) -> str:
    return str(upload.filename).replace("\\", "/").rsplit("/", 1)[-1][:120]


@post("/affectations/import", request_max_body_size=MAX_BODY)
async def importer(request: Request) -> Response:
    """The file read whole, its pupils looked up at once, every valid line written together."""
    lycee_id = staff_establishment(request)
    upload = (await request.form()).get("fichier")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await _page(request, import_erreur=_("Choisissez un fichier CSV."), status=422)
    nom = _nom_du_fichier(upload)
    data = await upload.read(MAX_BYTES + 1)  # never more than the limit and a byte
    fichier = lire_fichier(data)
    if fichier.erreur:
        return await _page(request, import_erreur=fichier.erreur, fichier=nom, status=422)
    codes_mef = [m["code_mef"] for m in await mefs(lycee_id)]
    index = Index(await find_pupils(ines=[l.ine for l in fichier.lignes if l.ine],
                                    eleve_ids=[l.siecle for l in fichier.lignes if l.siecle]))
    async with write_transaction():
        trouves = {e["id"] for lignes in index.par_ine.values() for e in lignes} | {
            e["id"] for e in index.par_siecle.values()}
        bilan = trier(fichier, index, await affectations_de(sorted(trouves)), lycee_id, codes_mef)
        if bilan.a_ecrire:
            if bilan.nouvelles:
                await InscriptionAffectation.insert(*(
                    InscriptionAffectation(lycee_id=lycee_id, eleve_id=eleve["id"], code_mef=code_mef)
                    for eleve, code_mef in bilan.nouvelles))
            if bilan.modifiees:
                await InscriptionAffectation.raw(*changer_mef_sql(bilan.modifiees, lycee_id))
            modifiees = f" (dont {_pluriel(len(bilan.modifiees), 'formation modifiée', 'formations modifiées')})"
            await audit(request, "inscription.affectation", (
                f"Import du fichier « {nom} » : {resume(bilan)}{modifiees if bilan.modifiees else ''}."))
            await notify_assigned(request, lycee_id, [eleve["id"] for eleve, _ in bilan.nouvelles])
    return await _page(request, bilan=bilan, fichier=nom)


@post("/affectations/{affectation_id:int}/retirer")
async def retirer(request: Request) -> Response:
    affectation_id = request.path_params["affectation_id"]
    lycee_id = staff_establishment(request)
    async with write_transaction():
        affectation = await InscriptionAffectation.select(
            InscriptionAffectation.id, InscriptionAffectation.eleve_id, InscriptionAffectation.code_mef,
        ).where((InscriptionAffectation.id == affectation_id) & (InscriptionAffectation.lycee_id == lycee_id)).first()
        if affectation is None:
            raise NotFoundException(_("Cette affectation n'existe pas ou n'est pas celle d'un élève du lycée."))
        dossier = await InscriptionDossier.select(InscriptionDossier.confirme_le).where(
            InscriptionDossier.affectation == affectation_id).first()
        confirmee = bool(dossier and dossier["confirme_le"] is not None)
        eleve = (await pupils_by_id([affectation["eleve_id"]])).get(affectation["eleve_id"])
        nom = nom_complet(eleve) if eleve else ""
        if not confirmee:
            await InscriptionAffectation.delete().where(InscriptionAffectation.id == affectation_id)
            nomme = nom or "l'élève"
            await audit(request, "inscription.affectation", (
                f"Affectation retirée : {nomme}{_origine(eleve)}, en {affectation['code_mef'] or '—'}."))
    if confirmee:
        return await _page(request, erreur=(
            _("La famille de %(nom)s a déjà confirmé l'inscription au lycée : son affectation ne peut plus être "
              "retirée.", nom=nom) if nom else
            _("La famille de l'élève a déjà confirmé l'inscription au lycée : son affectation ne peut plus être "
              "retirée.")), status=409)
    return Redirect(f"{PAGE}?{urlencode({'ok': 'retrait', 'nom': nom} if nom else {'ok': 'retrait'})}",
                    status_code=303)


def _origine(eleve: Mapping[str, Any] | None) -> str:
    return f" ({eleve['etablissement_nom']}, {eleve['division'] or 'sans classe'})" if eleve else ""


ROUTES = [page, ajouter, importer, retirer]
