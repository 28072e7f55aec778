"""The push API of the cahier de textes, for the school's timetable or cahier de textes software,
with an API key of the establishment whose scope includes « cahier »:

- ``PUT /api/v1/cahier/seances``: lessons (class or group, subject, day, « Travail fait en classe »);
- ``PUT /api/v1/cahier/devoirs``: homework (class or group, subject, given on, due for,
  description, links).

Each entry is upserted by the software's own ``reference`` (unique in the establishment, for each
kind); one sent with ``supprime`` is deleted (a homework with its pupils' « fait » marks). Sending
the same body twice leaves the same state, and the second answer counts 0 created. Classes and
groups are named by their SIECLE/STS code (« 4G »), subjects by their code (« 061300 ») or their
code de gestion (« MATHS »). The teacher of an entry is the one who teaches that subject to that
class, when there is exactly one. Only the key's establishment is ever written. The body is
checked whole before anything is written: a malformed body is a 400 (msgspec), an unknown class
or subject, a day outside the school year or a Sunday, an empty text, a link that is not an http(s)
address, homework due before it is given, or a reference sent twice, a 422 listing each bad row
(index, field, reason). Everything is written in one transaction, with its audit line, in a few
batched queries whatever the number of entries. Entries pushed here are read-only on the
teachers' pages: the software stays their source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar import Request, put
from litestar.exceptions import HTTPException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import Body

from teleservices.core.api import (
    CurrentApiClient, audit, now, periods, structures, subjects, teaching_services, today, write_transaction,
)
from teleservices_cahier_de_textes import avis, rules
from teleservices_cahier_de_textes.donnees import as_date
from teleservices_cahier_de_textes.tables import CahierDevoir, CahierFait, CahierSeance

MAX_ENTREES = 1000
INVALID_ROWS = "Envoi refusé : corrigez les lignes listées dans « extra » ; rien n'a été enregistré."

Reference = Annotated[str, msgspec.Meta(min_length=1, max_length=80, description=(
    "L'identifiant de l'entrée dans le logiciel, unique dans l'établissement : un second envoi de la même "
    "référence met l'entrée à jour."))]
Classe = Annotated[str, msgspec.Meta(max_length=20, description=(
    "Le code de la classe ou du groupe (SIECLE / STS-web), par exemple « 4G »."))]
CodeMatiere = Annotated[str, msgspec.Meta(max_length=20, description=(
    "La matière : son code (« 061300 ») ou son code de gestion (« MATHS »)."))]
Supprime = Annotated[bool, msgspec.Meta(description=(
    "Retire l'entrée de cette référence, sans effet si elle n'existe pas. Seule la référence compte alors."))]


# The structs' names are the OpenAPI schema's component names, shared by every plugin: « Cahier… »
# keeps them apart from another service's (the notes have their own « DevoirEnvoye »).


class CahierSeanceEnvoyee(msgspec.Struct, forbid_unknown_fields=True):
    """A lesson. Every field but ``reference`` is required unless ``supprime``."""

    reference: Reference
    classe: Classe = ""
    matiere: CodeMatiere = ""
    date: Annotated[dt.date | None, msgspec.Meta(description=(
        "Le jour de la séance, dans l'année scolaire, jamais un dimanche."))] = None
    contenu: Annotated[str, msgspec.Meta(max_length=rules.CONTENU_MAX, description=(
        "« Travail fait en classe », en texte simple (les retours à la ligne sont gardés)."))] = ""
    supprime: Supprime = False


class CahierLienEnvoye(msgspec.Struct, forbid_unknown_fields=True):
    libelle: Annotated[str, msgspec.Meta(min_length=1, max_length=rules.LIBELLE_LIEN_MAX, description=(
        "Ce que la famille lit, par exemple « Fiche d'exercices »."))]
    url: Annotated[str, msgspec.Meta(min_length=1, max_length=rules.URL_MAX, description=(
        "Une adresse web qui commence par https:// (ou http://), sans espace ni identifiant avant le nom du site."))]


class CahierDevoirEnvoye(msgspec.Struct, forbid_unknown_fields=True):
    """Homework. Every field but ``reference`` (and ``donne_le``, ``liens``) is required unless ``supprime``."""

    reference: Reference
    classe: Classe = ""
    matiere: CodeMatiere = ""
    pour_le: Annotated[dt.date | None, msgspec.Meta(description=(
        "Le jour où le travail est à faire, dans l'année scolaire, jamais un dimanche."))] = None
    donne_le: Annotated[dt.date | None, msgspec.Meta(description=(
        "Le jour où le travail a été donné ; absent : le jour de l'envoi."))] = None
    description: Annotated[str, msgspec.Meta(max_length=rules.CONTENU_MAX, description=(
        "Le travail à faire, en texte simple."))] = ""
    liens: Annotated[list[CahierLienEnvoye], msgspec.Meta(max_length=rules.LIENS_MAX, description=(
        f"Les pièces jointes, comme liens ({rules.LIENS_MAX} au plus) ; les familles les ouvrent dans un "
        "nouvel onglet."))] = []
    supprime: Supprime = False


class CahierEnvoiSeances(msgspec.Struct, forbid_unknown_fields=True):
    seances: Annotated[list[CahierSeanceEnvoyee], msgspec.Meta(min_length=1, max_length=MAX_ENTREES)]


class CahierEnvoiDevoirs(msgspec.Struct, forbid_unknown_fields=True):
    devoirs: Annotated[list[CahierDevoirEnvoye], msgspec.Meta(min_length=1, max_length=MAX_ENTREES)]


class CahierBilan(msgspec.Struct):
    """What the push changed."""

    crees: int
    modifies: int
    inchanges: int
    supprimes: int


class CahierLigneRefusee(msgspec.Struct):
    index: int  # the entry's position in the list, from 0
    champ: str
    raison: str


class CahierRefus(msgspec.Struct):
    status_code: int
    detail: str
    extra: list[CahierLigneRefusee]


EXEMPLE_SEANCES = {"seances": [
    {"reference": "EDT-2026-4G-0412", "classe": "4G", "matiere": "MATHS", "date": "2026-11-30",
     "contenu": "Théorème de Pythagore : démonstration et premiers exercices (p. 112)."},
    {"reference": "EDT-2026-4G-0398", "supprime": True},
]}
EXEMPLE_DEVOIRS = {"devoirs": [
    {"reference": "CDT-2026-4G-0087", "classe": "4G", "matiere": "061300", "donne_le": "2026-11-30",
     "pour_le": "2026-12-02", "description": "Exercices 12 et 14 page 115.",
     "liens": [{"libelle": "Rappel de cours (vidéo)", "url": "https://www.lumni.fr/video/le-theoreme-de-pythagore"}]},
]}
EXEMPLE_REFUS = {"status_code": 422, "detail": INVALID_ROWS, "extra": [
    {"index": 0, "champ": "classe", "raison": "Classe ou groupe inconnu dans l'établissement : 4Z."},
    {"index": 1, "champ": "liens[0].url", "raison": "Seules les adresses web sont acceptées : elles commencent "
                                                    "par https:// (ou http://)."},
]}


# --- checking a push against the establishment's data ----------------------------------------------------


@dataclass(frozen=True)
class Ecole:
    """What a push is checked against: the establishment's classes and groups (by code), its
    subjects (by code and code de gestion), the school year, who teaches what, and today."""

    classes: dict[str, int]
    matieres: dict[str, int]
    debut: dt.date | None
    fin: dt.date | None
    enseignants: dict[tuple[int, int], int | None]
    aujourdhui: dt.date


async def ecole_de(etablissement_id: int) -> Ecole:
    """Four queries, whatever the size of the push."""
    annee = await periods(etablissement_id)
    matieres: dict[str, int] = {}
    for row in await subjects(etablissement_id):
        for code in (row["code_gestion"], row["code_matiere"]):  # the national code wins a tie
            if code and code.strip():
                matieres[code.strip().upper()] = row["id"]
    qui: dict[tuple[int, int], set[int]] = {}
    for s in await teaching_services(etablissement_id):
        qui.setdefault((s["division_id"], s["matiere_id"]), set()).add(s["enseignant_id"])
    return Ecole(
        classes={row["code_structure"].strip().upper(): row["id"] for row in await structures(etablissement_id)},
        matieres=matieres,
        debut=min((as_date(p["debut"]) for p in annee), default=None),
        fin=max((as_date(p["fin"]) for p in annee), default=None),
        enseignants={cle: next(iter(ids)) if len(ids) == 1 else None for cle, ids in qui.items()},
        aujourdhui=today(),
    )


def _classe_matiere(entree: Any, ecole: Ecole) -> tuple[list[tuple[str, str]], int | None, int | None]:
    raisons = []
    division_id = ecole.classes.get(entree.classe.strip().upper())
    matiere_id = ecole.matieres.get(entree.matiere.strip().upper())
    if not entree.classe.strip():
        raisons.append(("classe", "Indiquez le code de la classe ou du groupe."))
    elif division_id is None:
        raisons.append(("classe", f"Classe ou groupe inconnu dans l'établissement : {entree.classe.strip()}."))
    if not entree.matiere.strip():
        raisons.append(("matiere", "Indiquez le code de la matière."))
    elif matiere_id is None:
        raisons.append(("matiere", f"Matière inconnue dans l'établissement : {entree.matiere.strip()}."))
    return raisons, division_id, matiere_id


def _jour(jour: dt.date | None, ecole: Ecole, champ: str, quoi: str) -> list[tuple[str, str]]:
    if jour is None:
        return [(champ, f"Indiquez le jour de {quoi} (AAAA-MM-JJ).")]
    if ecole.debut is None:
        return [(champ, "L'année scolaire de l'établissement n'a pas de périodes : importez la structure depuis "
                        "SIECLE avant d'envoyer le cahier de textes.")]
    message = rules.erreur_jour(jour, ecole.debut, ecole.fin, quoi)
    return [(champ, message)] if message else []


@dataclass(frozen=True)
class Lu:
    """An entry of the push, read: the values of its columns (``CHAMPS``), or its withdrawal."""

    reference: str
    supprime: bool
    valeurs: tuple = ()


SEANCE_CHAMPS = ("division_id", "matiere_id", "enseignant_id", "date", "contenu", "saisie_par")
DEVOIR_CHAMPS = ("division_id", "matiere_id", "enseignant_id", "donne_le", "pour_le", "description", "liens",
                 "saisie_par")


def lire_seance(entree: CahierSeanceEnvoyee, ecole: Ecole, auteur: str) -> tuple[Lu | None, list[tuple[str, str]]]:
    if entree.supprime:
        return Lu(entree.reference, True), []
    raisons, division_id, matiere_id = _classe_matiere(entree, ecole)
    raisons += _jour(entree.date, ecole, "date", "la séance")
    if message := rules.erreur_texte(entree.contenu.strip(), "Le « Travail fait en classe » est vide."):
        raisons.append(("contenu", message))
    if raisons:
        return None, raisons
    return Lu(entree.reference, False, (
        division_id, matiere_id, ecole.enseignants.get((division_id, matiere_id)), entree.date,
        rules.texte_saisi(entree.contenu), auteur)), []


def lire_devoir(entree: CahierDevoirEnvoye, ecole: Ecole, auteur: str) -> tuple[Lu | None, list[tuple[str, str]]]:
    if entree.supprime:
        return Lu(entree.reference, True), []
    raisons, division_id, matiere_id = _classe_matiere(entree, ecole)
    donne_le = entree.donne_le or ecole.aujourdhui
    raisons += _jour(entree.pour_le, ecole, "pour_le", "ce travail")
    if entree.donne_le is not None:
        raisons += _jour(entree.donne_le, ecole, "donne_le", "ce travail (le jour où il est donné)")
    if entree.pour_le and entree.pour_le < donne_le:
        raisons.append(("pour_le", f"Le travail ne peut pas être à faire avant d'être donné, le {donne_le:%d/%m/%Y}."))
    if message := rules.erreur_texte(entree.description.strip(), "La description du travail est vide."):
        raisons.append(("description", message))
    liens = []
    for index, lien in enumerate(entree.liens):
        libelle, url = " ".join(lien.libelle.split()), lien.url.strip()
        if message := rules.erreur_libelle_lien(libelle):
            raisons.append((f"liens[{index}].libelle", message))
        if message := rules.erreur_url(url):
            raisons.append((f"liens[{index}].url", message))
        liens.append(rules.Lien(libelle, url))
    if raisons:
        return None, raisons
    return Lu(entree.reference, False, (
        division_id, matiere_id, ecole.enseignants.get((division_id, matiere_id)), donne_le, entree.pour_le,
        rules.texte_saisi(entree.description), rules.liens_en_json(liens), auteur)), []


def verifier(entrees: list, lire: Any, ecole: Ecole, auteur: str) -> tuple[list[Lu], list[CahierLigneRefusee]]:
    """Every entry read against the establishment's data, or every bad row."""
    lus: list[Lu] = []
    refus: list[CahierLigneRefusee] = []
    premieres: dict[str, int] = {}
    for index, entree in enumerate(entrees):
        lu, raisons = lire(entree, ecole, auteur)
        premiere = premieres.setdefault(entree.reference, index)
        if premiere != index:
            raisons.insert(0, ("reference", f"Référence déjà envoyée dans ce même envoi (entrée {premiere})."))
        refus += [CahierLigneRefusee(index=index, champ=champ, raison=raison) for champ, raison in raisons]
        if not raisons:
            lus.append(lu)
    return lus, refus


# --- writing -------------------------------------------------------------------------------------------------

LOT = 500  # rows per statement: under the bound parameters of SQLite (32766) and PostgreSQL (32767)


@dataclass(frozen=True)
class Sorte:
    table: Any
    nom: str  # the table
    champs: tuple[str, ...]
    dates: tuple[str, ...]


SEANCES = Sorte(CahierSeance, "cahier_seance", SEANCE_CHAMPS, ("date",))
DEVOIRS = Sorte(CahierDevoir, "cahier_devoir", DEVOIR_CHAMPS, ("donne_le", "pour_le"))


def _marques(count: int) -> str:
    return ", ".join("{}" for _ in range(count))


def _lots(items: list) -> list[list]:
    return [items[start:start + LOT] for start in range(0, len(items), LOT)]


async def existants(sorte: Sorte, etablissement_id: int, references: list[str]) -> dict[str, tuple[int, tuple]]:
    """The stored entries of these references: (id, values as ``champs``)."""
    trouves: dict[str, tuple[int, tuple]] = {}
    for lot in _lots(references):
        sql = (f"SELECT id, reference, {', '.join(sorte.champs)} FROM {sorte.nom} "
               f"WHERE etablissement_id = {{}} AND reference IN ({_marques(len(lot))})")
        for row in await sorte.table.raw(sql, etablissement_id, *lot):
            typees = {**row, **{c: as_date(row[c]) for c in sorte.dates}}
            trouves[row["reference"]] = (row["id"], tuple(typees[c] for c in sorte.champs))
    return trouves


async def _ecrire(sorte: Sorte, etablissement_id: int, lus: list[Lu], quand: dt.datetime) -> None:
    colonnes = ("etablissement_id", "reference", *sorte.champs, "cree_le", "modifie_le")
    mises_a_jour = ", ".join(f"{c} = excluded.{c}" for c in sorte.champs)
    for lot in _lots(lus):
        lignes = ", ".join(f"({_marques(len(colonnes))})" for _ in lot)
        sql = (f"INSERT INTO {sorte.nom} ({', '.join(colonnes)}) VALUES {lignes} "
               f"ON CONFLICT (etablissement_id, reference) WHERE reference <> '' DO UPDATE SET "
               f"{mises_a_jour}, modifie_le = excluded.modifie_le")
        args = [v for lu in lot for v in (etablissement_id, lu.reference, *lu.valeurs, quand, quand)]
        await sorte.table.raw(sql, *args)


async def _supprimer(sorte: Sorte, ids: list[int]) -> None:
    for lot in _lots(ids):
        if sorte is DEVOIRS:
            await CahierFait.raw(f"DELETE FROM cahier_fait WHERE devoir_id IN ({_marques(len(lot))})", *lot)
        await sorte.table.raw(f"DELETE FROM {sorte.nom} WHERE id IN ({_marques(len(lot))})", *lot)


async def ecrire(sorte: Sorte, etablissement_id: int, lus: list[Lu]) -> tuple[CahierBilan, list[Lu]]:
    """Entries created, updated or deleted by reference; call it in a transaction. Also returns
    the new entries."""
    stockes = await existants(sorte, etablissement_id, [lu.reference for lu in lus])
    nouveaux = [lu for lu in lus if not lu.supprime and lu.reference not in stockes]
    modifies = [lu for lu in lus if not lu.supprime and lu.reference in stockes
                and stockes[lu.reference][1] != lu.valeurs]
    supprimes = [stockes[lu.reference][0] for lu in lus if lu.supprime and lu.reference in stockes]
    await _ecrire(sorte, etablissement_id, nouveaux + modifies, now())
    await _supprimer(sorte, supprimes)
    return CahierBilan(crees=len(nouveaux), modifies=len(modifies), supprimes=len(supprimes),
                       inchanges=len(lus) - len(nouveaux) - len(modifies) - len(supprimes)), nouveaux


async def recevoir(request: Request, api_client: Any, sorte: Sorte, entrees: list, lire: Any, quoi: str) -> CahierBilan:
    etablissement_id = api_client.etablissement_id
    lus, refus = verifier(entrees, lire, await ecole_de(etablissement_id), api_client.nom[:120])
    if refus:
        raise HTTPException(status_code=422, detail=INVALID_ROWS, extra=[msgspec.to_builtins(r) for r in refus])
    async with write_transaction():
        bilan, nouveaux = await ecrire(sorte, etablissement_id, lus)
        await audit(request, "cahier.api", (
            f"Envoi de {len(lus)} {quoi} au cahier de textes : {bilan.crees} créé(s), {bilan.modifies} modifié(s), "
            f"{bilan.inchanges} inchangé(s), {bilan.supprimes} supprimé(s)."))
        if sorte is DEVOIRS:  # new homework is told to the families, as from the teacher's page
            champs = {champ: i for i, champ in enumerate(DEVOIR_CHAMPS)}
            await avis.tell_homework(request, [
                (lu.valeurs[champs["division_id"]], lu.valeurs[champs["matiere_id"]], lu.valeurs[champs["pour_le"]])
                for lu in nouveaux])
    return bilan


def _refus_422(quoi: str) -> dict[int, ResponseSpec]:
    return {422: ResponseSpec(
        data_container=CahierRefus, generate_examples=False,
        description=(f"Des lignes de l'envoi désignent une classe ou une matière inconnue, un jour hors de l'année "
                     f"scolaire ou un dimanche, {quoi}, ou une référence répétée : rien n'est enregistré."),
        examples=[Example(summary="Une classe inconnue et un lien refusé", value=EXEMPLE_REFUS)],
    )}


@put(
    "/seances",
    summary="Envoie des séances du cahier de textes",
    description=(
        "Crée, met à jour ou retire (« supprime ») les séances de l'établissement de la clé, par la « reference » "
        "du logiciel. Renvoyer le même corps ne change rien (réponse : 0 créée, 0 modifiée, toutes inchangées). "
        "Les classes et groupes sont désignés par leur code (« 4G »), les matières par leur code ou leur code de "
        "gestion ; l'enseignant est celui qui enseigne cette matière à cette classe. Tout l'envoi est vérifié "
        "avant d'écrire : un corps mal formé est refusé (400), une ligne invalide aussi (422, chaque ligne "
        "refusée avec l'index de l'entrée, le champ et la raison) ; rien n'est alors enregistré. Les familles "
        "voient les séances de la classe et des groupes de leur enfant, jour par jour."
    ),
    responses=_refus_422("un « Travail fait en classe » vide"),
)
async def envoyer_seances(
    request: Request,
    api_client: CurrentApiClient,
    data: Annotated[CahierEnvoiSeances, Body(
        title="Séances", description=f"Les séances ({MAX_ENTREES} au plus), chacune désignée par sa référence.",
        examples=[Example(summary="Une séance envoyée, une retirée", value=EXEMPLE_SEANCES)],
    )],
) -> CahierBilan:
    return await recevoir(request, api_client, SEANCES, data.seances, lire_seance, "séance(s)")


@put(
    "/devoirs",
    summary="Envoie le travail à faire du cahier de textes",
    description=(
        "Crée, met à jour ou retire (« supprime ») le travail à faire de l'établissement de la clé, par la "
        "« reference » du logiciel. Renvoyer le même corps ne change rien. « pour_le » est le jour où le travail "
        "est à faire, « donne_le » celui où il a été donné (le jour de l'envoi s'il est absent) ; les pièces "
        "jointes sont des liens (libellé et adresse https://). Retirer un travail efface aussi les « Fait » "
        "cochés par les élèves. Tout l'envoi est vérifié avant d'écrire (400 si le corps est mal formé, 422 "
        "avec chaque ligne refusée) ; rien n'est alors enregistré."
    ),
    responses=_refus_422("une description vide, un lien qui n'est pas une adresse web, un travail à faire avant "
                         "d'être donné"),
)
async def envoyer_devoirs(
    request: Request,
    api_client: CurrentApiClient,
    data: Annotated[CahierEnvoiDevoirs, Body(
        title="Travail à faire", description=f"Le travail à faire ({MAX_ENTREES} entrées au plus).",
        examples=[Example(summary="Des exercices avec un lien", value=EXEMPLE_DEVOIRS)],
    )],
) -> CahierBilan:
    return await recevoir(request, api_client, DEVOIRS, data.devoirs, lire_devoir, "travail(s) à faire")


ROUTES = [envoyer_seances, envoyer_devoirs]
