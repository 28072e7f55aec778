"""The push API of the LPC: the school software sends what its pupils had validated,
``PUT /api/v1/lpc/validations``, with an API key of the establishment whose scope includes « lpc ».

For each pupil (by SIECLE ELEVE_ID), compétences and items are named by the grid's codes
(« P3.C1 », « P3.C1.D1.I2 »): a code with a date is validated on that date (created or updated),
a code with ``null`` is withdrawn. Compétence 2's language level is sent the same way, per palier.
Sending the same body twice leaves the same state, and the second answer counts everything
unchanged. The body is checked whole before anything is written: a malformed body is a 400
(msgspec), and an unknown pupil, an unknown code, a date to come, a language level that is not the
palier's or a code sent twice for a pupil, a 422 listing each bad row (index, field, reason).
Everything is written in one transaction, with its audit line, in a few batched queries whatever
the number of pupils and codes.
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
    ApiClient, CurrentApiClient, audit, now, pupils_of_establishment, today, write_transaction,
)
from teleservices.plugins.lpc import rules
from teleservices.plugins.lpc.grille import NIVEAU_LANGUE, Grille, grille
from teleservices.plugins.lpc.tables import LpcValidation

MAX_ELEVES = 1000
MAX_CODES = 300  # a pupil's whole grid, paliers 1 to 3, has 272 codes
INVALID_ROWS = "Envoi refusé : corrigez les lignes listées dans « extra » ; rien n'a été enregistré."


class ValidationEnvoyee(msgspec.Struct, forbid_unknown_fields=True):
    """A compétence or an item of the grid, validated on a date or withdrawn."""

    code: Annotated[str, msgspec.Meta(min_length=1, max_length=20, description=(
        "Le code de la grille du LPC : « P3.C1 » pour la compétence 1 du palier 3, « P3.C1.D1.I2 » pour le "
        "2e item du 1er domaine de cette compétence (« P2.C3a » au palier 2)."))]
    date: Annotated[dt.date | None, msgspec.Meta(description=(
        "Le jour de la validation, jamais dans le futur ; « null » retire la validation (sans effet si elle "
        "n'existe pas)."))]


class LangueEnvoyee(msgspec.Struct, forbid_unknown_fields=True):
    """The modern language level validated with compétence 2 at a palier, or withdrawn."""

    palier: Annotated[int, msgspec.Meta(ge=1, le=3, description=(
        "Le palier : 2 (niveau A1 du CECRL) ou 3 (niveau A2). Un élève a au plus une langue par palier."))]
    date: Annotated[dt.date | None, msgspec.Meta(description=(
        "Le jour de la validation, jamais dans le futur ; « null » retire la langue de ce palier "
        "(« langue » et « niveau » sont alors inutiles)."))]
    langue: Annotated[str, msgspec.Meta(max_length=200, description=(
        "La langue validée, telle que le logiciel la nomme, par exemple « ANGLAIS LV1 » (60 caractères au plus)."
    ))] = ""
    niveau: Annotated[str, msgspec.Meta(max_length=2, description=(
        "Le niveau du CECRL validé : « A1 » au palier 2, « A2 » au palier 3."))] = ""


class EleveEnvoye(msgspec.Struct, forbid_unknown_fields=True):
    eleve_id: Annotated[str, msgspec.Meta(min_length=1, max_length=20, description=(
        "ELEVE_ID de SIECLE d'un élève de l'établissement, non sorti."))]
    validations: Annotated[list[ValidationEnvoyee], msgspec.Meta(max_length=MAX_CODES, description=(
        "Les compétences et items validés ou retirés, chaque code une fois au plus."))] = []
    langues: Annotated[list[LangueEnvoyee], msgspec.Meta(max_length=3, description=(
        "Le niveau de langue de la compétence 2, par palier, validé ou retiré."))] = []


class EnvoiLpc(msgspec.Struct, forbid_unknown_fields=True):
    eleves: Annotated[list[EleveEnvoye], msgspec.Meta(min_length=1, max_length=MAX_ELEVES)]


class BilanLpc(msgspec.Struct):
    """What the push changed; each validation and each language level counts for one."""

    validees: int
    modifiees: int
    inchangees: int
    retirees: int


class LigneRefusee(msgspec.Struct):
    index: int  # the pupil's position in « eleves », from 0
    champ: str  # the field in that pupil, « validations[2].date »
    raison: str


class RefusLpc(msgspec.Struct):
    status_code: int
    detail: str
    extra: list[LigneRefusee]


EXAMPLE = {
    "eleves": [
        {"eleve_id": "100001",
         "validations": [{"code": "P3.C1.D1.I2", "date": "2026-10-12"}, {"code": "P3.C1", "date": "2026-11-20"},
                         {"code": "P3.C3.D2.I1", "date": None}],
         "langues": [{"palier": 3, "langue": "ANGLAIS LV1", "niveau": "A2", "date": "2026-11-20"}]},
        {"eleve_id": "100002", "validations": [{"code": "P3.C2", "date": None}],
         "langues": [{"palier": 3, "date": None}]},
    ],
}
REFUSAL_EXAMPLE = {
    "status_code": 422, "detail": INVALID_ROWS,
    "extra": [
        {"index": 0, "champ": "validations[1].code", "raison": "Code inconnu dans la grille du LPC : P3.C9."},
        {"index": 1, "champ": "eleve_id", "raison": "Élève inconnu dans l'établissement, ou sorti : 999999."},
        {"index": 1, "champ": "langues[0].niveau", "raison": "Au palier 3, le niveau validé est A2."},
    ],
}


# --- checking the body ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Validation:
    """A row the push leaves in lpc_validation (``date``), or withdraws (``date`` None)."""

    eleve_id: int
    code: str
    date: dt.date | None


@dataclass(frozen=True)
class Langue:
    """A row the push leaves in lpc_langue, or withdraws (``date`` None)."""

    eleve_id: int
    palier: int
    date: dt.date | None
    langue: str = ""
    niveau: str = ""


@dataclass
class Lu:
    """The push, read: what it validates and withdraws, or its bad rows."""

    validations: list[Validation]
    langues: list[Langue]
    refusees: list[LigneRefusee]


@dataclass(frozen=True)
class Contexte:
    eleves: dict[str, int]  # the establishment's pupils who have not left, by SIECLE ELEVE_ID
    grille: Grille
    aujourdhui: dt.date


def check(envoi: EnvoiLpc, contexte: Contexte) -> Lu:
    """Every row read against the grid, the pupils and today, or every bad row."""
    lu = Lu([], [], [])
    premiers: dict[str, int] = {}
    for index, eleve in enumerate(envoi.eleves):
        raisons = _raisons_eleve(eleve, contexte)
        premier = premiers.setdefault(eleve.eleve_id.strip(), index)
        if premier != index:
            raisons.insert(0, ("eleve_id", f"Élève déjà envoyé dans ce même envoi (élève {premier})."))
        lu.refusees += [LigneRefusee(index=index, champ=champ, raison=raison) for champ, raison in raisons]
        if not raisons:
            eleve_pk = contexte.eleves[eleve.eleve_id.strip()]
            lu.validations += [Validation(eleve_pk, v.code, v.date) for v in eleve.validations]
            lu.langues += [_langue(eleve_pk, langue) for langue in eleve.langues]
    return lu


def _raisons_eleve(eleve: EleveEnvoye, contexte: Contexte) -> list[tuple[str, str]]:
    """What is wrong with one pupil's rows, as (field, reason)."""
    raisons = []
    if eleve.eleve_id.strip() not in contexte.eleves:
        raisons.append(("eleve_id", f"Élève inconnu dans l'établissement, ou sorti : {eleve.eleve_id.strip()}."))
    return raisons + _raisons_validations(eleve.validations, contexte) + _raisons_langues(eleve.langues, contexte)


def _raisons_validations(validations: list[ValidationEnvoyee], contexte: Contexte) -> list[tuple[str, str]]:
    raisons = []
    codes: dict[str, int] = {}
    for position, validation in enumerate(validations):
        champ = f"validations[{position}]"
        premier = codes.setdefault(validation.code, position)
        if premier != position:
            raisons.append((f"{champ}.code", f"Code déjà envoyé pour cet élève (validations[{premier}])."))
        if erreur := rules.erreur_code(validation.code, contexte.grille):
            raisons.append((f"{champ}.code", erreur))
        if validation.date is not None and (erreur := rules.erreur_date(validation.date, contexte.aujourdhui)):
            raisons.append((f"{champ}.date", erreur))
    return raisons


def _raisons_langues(langues: list[LangueEnvoyee], contexte: Contexte) -> list[tuple[str, str]]:
    raisons = []
    paliers: dict[int, int] = {}
    for position, langue in enumerate(langues):
        raisons += _raisons_langue(f"langues[{position}]", langue, contexte)
        premier = paliers.setdefault(langue.palier, position)
        if premier != position:
            raisons.append((f"langues[{position}].palier", f"Palier déjà envoyé pour cet élève (langues[{premier}])."))
    return raisons


def _raisons_langue(champ: str, langue: LangueEnvoyee, contexte: Contexte) -> list[tuple[str, str]]:
    """rules.erreur_langue asked field by field (the others given right), so that each reason is
    shown next to its own field; a withdrawal names only its palier."""
    attendu = NIVEAU_LANGUE.get(langue.palier, "")
    if erreur := rules.erreur_langue(langue.palier, "LANGUE", attendu):
        return [(f"{champ}.palier", erreur)]
    if langue.date is None:
        return []
    raisons = []
    if erreur := rules.erreur_langue(langue.palier, "LANGUE", langue.niveau.strip()):
        raisons.append((f"{champ}.niveau", erreur))
    if erreur := rules.erreur_langue(langue.palier, langue.langue, attendu):
        raisons.append((f"{champ}.langue", erreur))
    if erreur := rules.erreur_date(langue.date, contexte.aujourdhui):
        raisons.append((f"{champ}.date", erreur))
    return raisons


def _langue(eleve_pk: int, langue: LangueEnvoyee) -> Langue:
    if langue.date is None:
        return Langue(eleve_pk, langue.palier, None)
    return Langue(eleve_pk, langue.palier, langue.date, langue.langue.strip(), langue.niveau.strip())


async def contexte_de(etablissement_id: int) -> Contexte:
    """One query: the establishment's pupils."""
    rows = await pupils_of_establishment(etablissement_id)
    return Contexte({row["eleve_id"].strip(): row["id"] for row in rows}, grille(), today())


# --- writing ---------------------------------------------------------------------------------------

# Rows per statement: 4000 rows of 8 values stay under the bound parameters that both SQLite
# (32766) and PostgreSQL (32767) accept.
CHUNK = 4000
EXISTING_VALIDATIONS_SQL = "SELECT id, eleve_id, code, date FROM lpc_validation WHERE eleve_id IN ({marques})"
EXISTING_LANGUES_SQL = (
    "SELECT id, eleve_id, palier, langue, niveau, date FROM lpc_langue WHERE eleve_id IN ({marques})"
)
# Both databases upsert on the unique indexes (one row per pupil and code, per pupil and palier);
# a pupil's row follows them to the key's establishment.
UPSERT_VALIDATIONS_SQL = """
INSERT INTO lpc_validation (etablissement_id, eleve_id, code, date, saisie_par, modifie_le) VALUES {rows}
ON CONFLICT (eleve_id, code) DO UPDATE SET etablissement_id = excluded.etablissement_id, date = excluded.date,
    saisie_par = excluded.saisie_par, modifie_le = excluded.modifie_le
"""
UPSERT_LANGUES_SQL = """
INSERT INTO lpc_langue (etablissement_id, eleve_id, palier, langue, niveau, date, saisie_par, modifie_le)
VALUES {rows}
ON CONFLICT (eleve_id, palier) DO UPDATE SET etablissement_id = excluded.etablissement_id,
    langue = excluded.langue, niveau = excluded.niveau, date = excluded.date, saisie_par = excluded.saisie_par,
    modifie_le = excluded.modifie_le
"""
DELETE_SQL = "DELETE FROM {table} WHERE id IN ({marques})"


def _marques(count: int) -> str:
    return ", ".join("{}" for _ in range(count))


def _par_lots(items: list) -> list[list]:
    return [items[start:start + CHUNK] for start in range(0, len(items), CHUNK)]


def _jour(value: Any) -> dt.date:
    """A stored date (SQLite may give back text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


# Raw SQL runs on the plugin's engine through either table; LpcValidation's serves both.


async def _existants(sql: str, eleves: list[int]) -> list[dict]:
    rows: list[dict] = []
    for lot in _par_lots(sorted(set(eleves))):
        rows += await LpcValidation.raw(sql.replace("{marques}", _marques(len(lot))), *lot)
    return rows


async def _upsert(sql: str, rows: list[tuple]) -> None:
    for lot in _par_lots(rows):
        values = ", ".join(f"({_marques(len(row))})" for row in lot)
        await LpcValidation.raw(sql.replace("{rows}", values), *(value for row in lot for value in row))


async def _delete(table: str, ids: list[int]) -> None:
    for lot in _par_lots(ids):
        await LpcValidation.raw(DELETE_SQL.replace("{table}", table).replace("{marques}", _marques(len(lot))), *lot)


@dataclass
class Changements:
    """What a push does to the stored rows: the rows to write (new or changed), the ids to delete."""

    ecrire: list[tuple]
    retirer: list[int]
    validees: int = 0
    modifiees: int = 0
    inchangees: int = 0


def changements(envoyes: list, stockes: dict[tuple, tuple[int, tuple]], ligne: Any) -> Changements:
    """``envoyes`` (Validation or Langue rows) against the stored rows by key (their id and values):
    ``ligne(row)`` gives a sent row's key and values."""
    faits = Changements([], [])
    for envoye in envoyes:
        cle, valeurs = ligne(envoye)
        stocke = stockes.get(cle)
        if envoye.date is None and stocke:
            faits.retirer.append(stocke[0])
        elif envoye.date is None or stocke and stocke[1] == valeurs:
            faits.inchangees += 1  # a withdrawal of nothing, or the same values
        else:
            faits.ecrire.append((*cle, *valeurs))
            if stocke:
                faits.modifiees += 1
            else:
                faits.validees += 1
    return faits


def _cle_validation(v: Validation) -> tuple[tuple, tuple]:
    return (v.eleve_id, v.code), (v.date,)


def _cle_langue(langue: Langue) -> tuple[tuple, tuple]:
    return (langue.eleve_id, langue.palier), (langue.langue, langue.niveau, langue.date)


@dataclass(frozen=True)
class Prevu:
    """What writing a push (or an imported file) would change, read from the stored rows."""

    validations: Changements
    langues: Changements

    @property
    def bilan(self) -> BilanLpc:
        v, n = self.validations, self.langues
        return BilanLpc(validees=v.validees + n.validees, modifiees=v.modifiees + n.modifiees,
                        inchangees=v.inchangees + n.inchangees, retirees=len(v.retirer) + len(n.retirer))


async def prevoir(lu: Lu) -> Prevu:
    """The changes, without writing (an import's preview shows them): a query per table at most."""
    eleves = [v.eleve_id for v in lu.validations] + [langue.eleve_id for langue in lu.langues]
    stockees = {(r["eleve_id"], r["code"]): (r["id"], (_jour(r["date"]),))
                for r in await _existants(EXISTING_VALIDATIONS_SQL, eleves)} if lu.validations else {}
    langues = {(r["eleve_id"], r["palier"]): (r["id"], (r["langue"], r["niveau"], _jour(r["date"])))
               for r in await _existants(EXISTING_LANGUES_SQL, eleves)} if lu.langues else {}
    return Prevu(changements(lu.validations, stockees, _cle_validation), changements(lu.langues, langues, _cle_langue))


async def ecrire(etablissement_id: int, lu: Lu, saisie_par: str) -> BilanLpc:
    """Validations and language levels written and withdrawn; call it in a transaction."""
    prevu = await prevoir(lu)
    stamp = now()
    await _upsert(UPSERT_VALIDATIONS_SQL, [(etablissement_id, eleve, code, date, saisie_par, stamp)
                                           for eleve, code, date in prevu.validations.ecrire])
    await _upsert(UPSERT_LANGUES_SQL, [(etablissement_id, eleve, palier, langue, niveau, date, saisie_par, stamp)
                                       for eleve, palier, langue, niveau, date in prevu.langues.ecrire])
    await _delete("lpc_validation", prevu.validations.retirer)
    await _delete("lpc_langue", prevu.langues.retirer)
    return prevu.bilan


def saisie_par(api_client: ApiClient) -> str:
    """Who validated: the key's name, as the staff page says the teacher's."""
    return api_client.nom[:120]


@put(
    "/validations",
    summary="Envoie des validations du livret personnel de compétences",
    description=(
        "Valide ou retire, pour des élèves de l'établissement de la clé désignés par leur ELEVE_ID de SIECLE, des "
        "compétences et des items du LPC par leur code de la grille (« P3.C1 », « P3.C1.D1.I2 ») : un code avec "
        "une date est validé ce jour-là, un code avec « null » est retiré. Le niveau de langue de la compétence 2 "
        "(A1 au palier 2, A2 au palier 3) s'envoie de même, par palier. Renvoyer le même corps ne change rien "
        "(réponse : tout inchangé). Tout l'envoi est vérifié avant d'écrire : un corps mal formé est refusé "
        "(400), un élève inconnu ou sorti, un code inconnu de la grille, une date à venir, un niveau de langue "
        "qui n'est pas celui du palier, un code ou un palier envoyé deux fois pour un élève aussi (422, chaque "
        "ligne refusée avec l'index de l'élève, le champ et la raison) ; rien n'est alors enregistré."
    ),
    responses={422: ResponseSpec(
        data_container=RefusLpc, generate_examples=False,
        description=("Des lignes de l'envoi désignent un élève inconnu, un code inconnu, une date à venir, un "
                     "niveau de langue qui n'est pas celui du palier ou un code répété : rien n'est enregistré."),
        examples=[Example(summary="Un code inconnu, un élève inconnu et un niveau faux", value=REFUSAL_EXAMPLE)],
    )},
)
async def envoyer_validations(
    request: Request,
    api_client: CurrentApiClient,
    data: Annotated[EnvoiLpc, Body(
        title="Validations du LPC",
        description=(f"Les élèves ({MAX_ELEVES} au plus), chacun avec ses validations ({MAX_CODES} au plus) "
                     "et ses niveaux de langue."),
        examples=[Example(summary="Des validations, un retrait, un niveau de langue", value=EXAMPLE)],
    )],
) -> BilanLpc:
    """Checks the whole push, then writes it in one transaction with its audit line."""
    etablissement_id = api_client.etablissement_id
    lu = check(data, await contexte_de(etablissement_id))
    if lu.refusees:
        raise HTTPException(status_code=422, detail=INVALID_ROWS,
                            extra=[msgspec.to_builtins(r) for r in lu.refusees])
    async with write_transaction():
        bilan = await ecrire(etablissement_id, lu, saisie_par(api_client))
        await audit(request, "lpc.api", (
            f"Envoi LPC pour {len(data.eleves)} élève(s) : {bilan.validees} validée(s), {bilan.modifiees} "
            f"modifiée(s), {bilan.inchangees} inchangée(s), {bilan.retirees} retirée(s)."
        ))
    return bilan


ROUTES = [envoyer_validations]
