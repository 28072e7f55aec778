"""The push API of the absences: the vie scolaire software sends its absence events,
``PUT /api/v1/absences/evenements``, with an API key of the establishment whose scope includes
« absences ».

Events are upserted by the software's own ``reference`` (unique in the establishment); an event
sent with ``supprime`` is deleted, so that the software can withdraw one. Sending the same body
twice leaves the same state, and the second answer counts 0 created. Pupils are named by their
SIECLE ELEVE_ID, and must be pupils of the key's establishment who have not left. The body
is checked whole before anything is written: a malformed body is a 400 (msgspec), and an unknown
pupil, a day outside the school year or on a Sunday, a constatée absence still to come or a
reference sent twice, a 422 listing each bad row (index, field, reason). Everything is written in
one transaction, with its audit line, in a few batched queries whatever the number of events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, put
from litestar.exceptions import HTTPException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import Body

from teleservices.core.api import (
    ApiClient, CurrentApiClient, audit, now, periods, pupils_of_establishment, today, write_transaction,
)
from teleservices.plugins.absences.rules import JOURS_LONGS, est_comptee
from teleservices.plugins.absences.staff import tell_counted
from teleservices.plugins.absences.tables import CONSTATEE, AbsencesAbsence

MAX_EVENEMENTS = 5000
DIMANCHE = 6  # weekday()
INVALID_ROWS = "Envoi refusé : corrigez les lignes listées dans « extra » ; rien n'a été enregistré."


class EvenementEnvoye(msgspec.Struct, forbid_unknown_fields=True):
    """An absence of a pupil during a half-day, as the software records it. The literal values
    are the table's (tables.DEMI_JOURNEES and tables.ETATS)."""

    reference: Annotated[str, msgspec.Meta(min_length=1, max_length=80, description=(
        "L'identifiant de l'événement dans le logiciel, unique dans l'établissement : un second envoi de la "
        "même référence met l'événement à jour."))]
    eleve_id: Annotated[str, msgspec.Meta(min_length=1, max_length=20, description=(
        "ELEVE_ID de SIECLE d'un élève de l'établissement, non sorti."))]
    date: Annotated[dt.date, msgspec.Meta(description=(
        "Le jour de l'absence, dans l'année scolaire (du début de la première période à la fin de la "
        "dernière), jamais un dimanche."))]
    demi_journee: Annotated[Literal["matin", "apres_midi"], msgspec.Meta(description=(
        "La demi-journée : « matin » ou « apres_midi ». Plusieurs absences d'une même demi-journée "
        "comptent pour une."))]
    etat: Annotated[Literal["signalee", "constatee"], msgspec.Meta(description=(
        "« signalee » : annoncée par la famille ; « constatee » : constatée en classe (jamais dans le futur)."))]
    classee: Annotated[bool, msgspec.Meta(description="L'absence a été traitée (classée) par la vie scolaire.")] = False
    motif_legitime: Annotated[bool, msgspec.Meta(description=(
        "Le CPE a coché « motif légitime ». Les familles ne voient compter que les absences constatées, "
        "classées et à motif légitime."))] = False
    motif: Annotated[str, msgspec.Meta(max_length=120, description=(
        "Le libellé du motif, par exemple « Maladie »."))] = ""
    saisie_par: Annotated[str, msgspec.Meta(max_length=120, description=(
        "Qui a saisi l'absence ; vide : le nom de la clé d'API."))] = ""
    supprime: Annotated[bool, msgspec.Meta(description=(
        "Retire l'événement de cette référence, sans effet s'il n'existe pas. Seule la référence compte alors : "
        "les autres champs, toujours requis, ne sont pas vérifiés (l'élève a pu quitter l'établissement)."
    ))] = False


class EnvoiEvenements(msgspec.Struct, forbid_unknown_fields=True):
    evenements: Annotated[list[EvenementEnvoye], msgspec.Meta(min_length=1, max_length=MAX_EVENEMENTS)]


class BilanEvenements(msgspec.Struct):
    """What the push changed."""

    crees: int
    modifies: int
    inchanges: int
    supprimes: int


class EvenementRefuse(msgspec.Struct):
    index: int  # the event's position in « evenements », from 0
    champ: str
    raison: str


class RefusEvenements(msgspec.Struct):
    status_code: int
    detail: str
    extra: list[EvenementRefuse]


EXAMPLE = {
    "evenements": [
        {"reference": "VS-2026-00871", "eleve_id": "100001", "date": "2026-11-16", "demi_journee": "matin",
         "etat": "constatee", "classee": True, "motif_legitime": True, "motif": "Maladie", "saisie_par": "M. CPE"},
        {"reference": "VS-2026-00872", "eleve_id": "100002", "date": "2026-11-17", "demi_journee": "apres_midi",
         "etat": "signalee", "motif": "Rendez-vous médical"},
        {"reference": "VS-2026-00790", "eleve_id": "100003", "date": "2026-11-10", "demi_journee": "matin",
         "etat": "constatee", "supprime": True},
    ],
}
REFUSAL_EXAMPLE = {
    "status_code": 422, "detail": INVALID_ROWS,
    "extra": [
        {"index": 0, "champ": "eleve_id", "raison": "Élève inconnu dans l'établissement, ou sorti : 999999."},
        {"index": 1, "champ": "date", "raison": "Le dimanche 15/11/2026 n'est pas un jour de classe."},
    ],
}


# --- checking the body against the establishment's data -------------------------------------------------


@dataclass(frozen=True)
class Ecole:
    """What a push is checked against: the pupils of the establishment's classes who have not
    left (by SIECLE ELEVE_ID), the school year's first and last days, and today."""

    eleves: dict[str, int]
    debut: dt.date | None
    fin: dt.date | None
    aujourdhui: dt.date


def _jour(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


async def ecole_de(etablissement_id: int, envoi: EnvoiEvenements) -> Ecole:
    """Two queries (withdrawals alone need only the first)."""
    annee = await periods(etablissement_id)
    eleves: dict[str, int] = {}
    if any(not e.supprime for e in envoi.evenements):
        rows = await pupils_of_establishment(etablissement_id)
        eleves = {row["eleve_id"].strip(): row["id"] for row in rows}
    return Ecole(
        eleves=eleves,
        debut=min((_jour(p["debut"]) for p in annee), default=None),
        fin=max((_jour(p["fin"]) for p in annee), default=None),
        aujourdhui=today(),
    )


@dataclass(frozen=True)
class Lu:
    """An event of the push, read: the row it must leave in the table, or its withdrawal."""

    reference: str
    supprime: bool
    champs: tuple = ()  # the values of CHAMPS, as stored


# The columns an event sets (besides its establishment, reference and timestamps).
CHAMPS = ("eleve_id", "date", "demi_journee", "etat", "classee", "motif_legitime", "motif", "saisie_par")


def check(envoi: EnvoiEvenements, ecole: Ecole, saisie_par_defaut: str) -> tuple[list[Lu], list[EvenementRefuse]]:
    """Every event read against the establishment's data, or every bad row."""
    lus: list[Lu] = []
    refused: list[EvenementRefuse] = []
    references: dict[str, int] = {}
    for index, evenement in enumerate(envoi.evenements):
        raisons = _raisons(evenement, ecole)
        premier = references.setdefault(evenement.reference, index)
        if premier != index:
            raisons.insert(0, ("reference", f"Référence déjà envoyée dans ce même envoi (événement {premier})."))
        refused += [EvenementRefuse(index=index, champ=champ, raison=raison) for champ, raison in raisons]
        if not raisons:
            lus.append(_lu(evenement, ecole, saisie_par_defaut))
    return lus, refused


def _raisons(evenement: EvenementEnvoye, ecole: Ecole) -> list[tuple[str, str]]:
    """What is wrong with one event, as (field, reason); a withdrawal needs only its reference."""
    if evenement.supprime:
        return []
    raisons = []
    eleve_id, jour = evenement.eleve_id.strip(), evenement.date
    if eleve_id not in ecole.eleves:
        raisons.append(("eleve_id", f"Élève inconnu dans l'établissement, ou sorti : {eleve_id}."))
    if ecole.debut is None or ecole.fin is None:
        raisons.append(("date", "L'année scolaire de l'établissement n'a pas de périodes : importez la structure "
                                "depuis SIECLE avant d'envoyer des absences."))
    elif not ecole.debut <= jour <= ecole.fin:
        raisons.append(("date", f"Le {jour:%d/%m/%Y} est en dehors de l'année scolaire "
                                f"(du {ecole.debut:%d/%m/%Y} au {ecole.fin:%d/%m/%Y})."))
    if jour.weekday() == DIMANCHE:
        raisons.append(("date", f"Le {JOURS_LONGS[DIMANCHE]} {jour:%d/%m/%Y} n'est pas un jour de classe."))
    if evenement.etat == CONSTATEE and jour > ecole.aujourdhui:
        raisons.append(("etat", f"Une absence ne peut pas être constatée avant d'avoir eu lieu : le "
                                f"{jour:%d/%m/%Y} est à venir (envoyez-la « signalee »)."))
    return raisons


def _lu(evenement: EvenementEnvoye, ecole: Ecole, saisie_par_defaut: str) -> Lu:
    if evenement.supprime:
        return Lu(evenement.reference, True)
    return Lu(evenement.reference, False, (
        ecole.eleves[evenement.eleve_id.strip()], evenement.date, evenement.demi_journee, evenement.etat,
        evenement.classee, evenement.motif_legitime, evenement.motif.strip(),
        evenement.saisie_par.strip() or saisie_par_defaut,
    ))


# --- writing -----------------------------------------------------------------------------------------

# 1000 rows of COLONNES (12) values stay under the bound parameters that both SQLite (32766)
# and PostgreSQL (32767) accept.
CHUNK = 1000
EXISTING_SQL = f"""
SELECT reference, {', '.join(CHAMPS)} FROM absences_absence
WHERE etablissement_id = {{}} AND reference IN ({{references}})
"""
# One statement writes a batch of new and changed events: rows of different values cannot be
# updated in one portable UPDATE, but both databases upsert on the (partial) unique index of the
# references. The creation time of a row that exists is kept.
UPSERT_SQL = f"""
INSERT INTO absences_absence (etablissement_id, reference, {', '.join(CHAMPS)}, cree_le, modifie_le)
VALUES {{rows}}
ON CONFLICT (etablissement_id, reference) WHERE reference <> '' DO UPDATE SET
    {', '.join(f'{c} = excluded.{c}' for c in CHAMPS)}, modifie_le = excluded.modifie_le
"""
COLONNES = len(CHAMPS) + 4
DELETE_SQL = "DELETE FROM absences_absence WHERE etablissement_id = {} AND reference IN ({references})"


def _marques(count: int) -> str:
    return ", ".join("{}" for _ in range(count))


def _par_lots(items: list) -> list[list]:
    return [items[start:start + CHUNK] for start in range(0, len(items), CHUNK)]


async def existants(etablissement_id: int, references: list[str]) -> dict[str, tuple]:
    """The stored values (as CHAMPS) of the events of these references, one query per 1000."""
    found: dict[str, tuple] = {}
    for lot in _par_lots(references):
        sql = EXISTING_SQL.replace("{references}", _marques(len(lot)))
        rows = await AbsencesAbsence.raw(sql, etablissement_id, *lot)
        found.update({row["reference"]: _stored(row) for row in rows})
    return found


def _stored(row: dict) -> tuple:
    """A row as CHAMPS, typed as a push reads them (SQLite may give back text and integers)."""
    typed = {**row, "date": _jour(row["date"]), "classee": bool(row["classee"]),
             "motif_legitime": bool(row["motif_legitime"])}
    return tuple(typed[champ] for champ in CHAMPS)


async def _ecrire(etablissement_id: int, lus: list[Lu], stamp: dt.datetime) -> None:
    for lot in _par_lots(lus):
        rows = ", ".join(f"({_marques(COLONNES)})" for _ in lot)
        args = [value for lu in lot for value in (etablissement_id, lu.reference, *lu.champs, stamp, stamp)]
        await AbsencesAbsence.raw(UPSERT_SQL.replace("{rows}", rows), *args)


async def _supprimer(etablissement_id: int, references: list[str]) -> None:
    for lot in _par_lots(references):
        await AbsencesAbsence.raw(DELETE_SQL.replace("{references}", _marques(len(lot))), etablissement_id, *lot)


async def upsert(etablissement_id: int, lus: list[Lu]) -> tuple[BilanEvenements, dict[str, tuple]]:
    """Events created, updated or deleted by reference; call it in a transaction. Also returns
    the events as they were before (CHAMPS per reference)."""
    stored = await existants(etablissement_id, [lu.reference for lu in lus])
    nouveaux = [lu for lu in lus if not lu.supprime and lu.reference not in stored]
    modifies = [lu for lu in lus if not lu.supprime and lu.reference in stored and stored[lu.reference] != lu.champs]
    supprimes = [lu.reference for lu in lus if lu.supprime and lu.reference in stored]
    await _ecrire(etablissement_id, nouveaux + modifies, now())
    await _supprimer(etablissement_id, supprimes)
    return BilanEvenements(crees=len(nouveaux), modifies=len(modifies), supprimes=len(supprimes),
                           inchanges=len(lus) - len(nouveaux) - len(modifies) - len(supprimes)), stored


def newly_counted(lus: list[Lu], avant: dict[str, tuple]) -> dict[dt.date, dict[int, list[str]]]:
    """Per day and pupil, the half-days that a pushed event makes count (guide 3.5) and that this
    event did not count before."""
    counted: dict[dt.date, dict[int, list[str]]] = {}
    for lu in lus:
        if lu.supprime or not est_comptee(*lu.champs[3:6]):
            continue
        ancien = avant.get(lu.reference)
        if ancien is not None and ancien[:3] == lu.champs[:3] and est_comptee(*ancien[3:6]):
            continue
        eleve_id, jour, demi = lu.champs[:3]
        counted.setdefault(jour, {}).setdefault(eleve_id, []).append(demi)
    return counted


def saisie_par_defaut(api_client: ApiClient) -> str:
    """Who recorded an event the software did not say: the key's name, so that it is always known."""
    return api_client.nom[:120]


@put(
    "/evenements",
    summary="Envoie des événements d'absence",
    description=(
        "Crée, met à jour ou retire (« supprime ») les événements d'absence de l'établissement de la clé, par la "
        "« reference » du logiciel de vie scolaire. Renvoyer le même corps ne change rien (réponse : 0 créé, "
        "0 modifié, tous inchangés). Les élèves sont désignés par leur ELEVE_ID de SIECLE. Tout l'envoi est "
        "vérifié avant d'écrire : un corps mal formé est refusé (400), un élève inconnu ou sorti, un jour hors de "
        "l'année scolaire ou un dimanche, une absence constatée à venir, une référence envoyée deux fois aussi "
        "(422, chaque ligne refusée avec l'index de l'événement, le champ et la raison) ; rien n'est alors "
        "enregistré. Les familles ne voient compter, par demi-journée, que les absences constatées, classées et "
        "à motif légitime, une fois leur publication autorisée par la vie scolaire."
    ),
    responses={422: ResponseSpec(
        data_container=RefusEvenements, generate_examples=False,
        description=("Des lignes de l'envoi désignent un élève inconnu, un jour hors de l'année scolaire ou un "
                     "dimanche, une absence constatée à venir ou une référence répétée : rien n'est enregistré."),
        examples=[Example(summary="Un élève inconnu et un dimanche", value=REFUSAL_EXAMPLE)],
    )},
)
async def envoyer_evenements(
    request: Request,
    api_client: CurrentApiClient,
    data: Annotated[EnvoiEvenements, Body(
        title="Événements d'absence",
        description=f"Les événements ({MAX_EVENEMENTS} au plus), chacun désigné par sa référence.",
        examples=[Example(summary="Une absence classée, une signalée, une retirée", value=EXAMPLE)],
    )],
) -> BilanEvenements:
    """Checks the whole push, then writes it in one transaction with its audit line."""
    etablissement_id = api_client.etablissement_id
    lus, refused = check(data, await ecole_de(etablissement_id, data), saisie_par_defaut(api_client))
    if refused:
        raise HTTPException(status_code=422, detail=INVALID_ROWS, extra=[msgspec.to_builtins(r) for r in refused])
    async with write_transaction():
        bilan, avant = await upsert(etablissement_id, lus)
        await audit(request, "absences.api", (
            f"Envoi de {len(lus)} événement(s) d'absence : {bilan.crees} créé(s), {bilan.modifies} modifié(s), "
            f"{bilan.inchanges} inchangé(s), {bilan.supprimes} supprimé(s)."
        ))
        # The families, as when the vie scolaire saves the day (staff.notify_families).
        for jour, par_eleve in newly_counted(lus, avant).items():
            await tell_counted(request, etablissement_id, jour, par_eleve)
    return bilan


ROUTES = [envoyer_evenements]
