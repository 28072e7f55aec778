"""Change requests, read and written: what a family submits (merged into its pending request:
the last change wins), the guardians' turns on the pupil's record, and the school's decisions.

The unique indexes of the migration keep the rules under concurrency: two guardians submitting
pupil changes at once both try to insert the one pending row; the loser's transaction fails on
the index and is told that changes are being processed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from teleservices.core.api import now, write_transaction
from teleservices.plugins.fiche import rules
from teleservices.plugins.fiche.tables import ELEVE, EN_ATTENTE, RESPONSABLE, FicheChangement, FicheDemande

PENDING_SQL = """
SELECT d.id, d.compte_id, d.cible, d.responsable_id, c.champ, c.ancienne, c.nouvelle
FROM fiche_demande d LEFT JOIN fiche_changement c ON c.demande = d.id
WHERE d.etat = {} AND ((d.cible = {} AND d.eleve_id = {}) OR (d.cible = {} AND d.responsable_id IN ({ids})))
ORDER BY d.id, c.id
"""


class Verrouillee(Exception):
    """Another guardian's changes to the pupil's record are waiting to be processed."""


class DejaTraitee(Exception):
    """The school processed the pending request between the page's reading and this submission."""


@dataclass
class EnAttente:
    """A pending request: who asked, and its changes by field (value then, value asked)."""

    id: int
    compte_id: int | None
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class Attentes:
    """The pending requests on a pupil's fiche: on the pupil's record, and on each guardian's."""

    eleve: EnAttente | None = None
    responsables: dict[int, EnAttente] = field(default_factory=dict)


async def en_attente(eleve_id: int, responsable_ids: list[int]) -> Attentes:
    """The pending requests on this pupil's record and these guardians' records: one query."""
    ids = sorted(responsable_ids) or [0]
    sql = PENDING_SQL.replace("{ids}", ", ".join("{}" for _ in ids))
    rows = await FicheDemande.raw(sql, EN_ATTENTE, ELEVE, eleve_id, RESPONSABLE, *ids)
    attentes = Attentes()
    for row in rows:
        if row["cible"] == ELEVE:
            attentes.eleve = attentes.eleve or EnAttente(row["id"], row["compte_id"])
            demande = attentes.eleve
        else:
            demande = attentes.responsables.setdefault(row["responsable_id"], EnAttente(row["id"], row["compte_id"]))
        if row["champ"]:
            demande.changes[row["champ"]] = (row["ancienne"], row["nouvelle"])
    return attentes


@dataclass(frozen=True)
class Demandeur:
    etablissement_id: int
    eleve_id: int
    compte_id: int
    identifiant: str


async def soumettre(
    qui: Demandeur, cible: str, actuel: Mapping[str, Any], soumis: Mapping[str, Any],
    attente: EnAttente | None, responsable_id: int | None = None, resp_legal: int = 0,
) -> dict[str, tuple[str, str]]:
    """Merge a submission into the pending request of this record (creating it, or deleting it
    when nothing differs from the record any more). Raises ``Verrouillee`` when another account
    holds the pupil's record. Returns the changes now pending."""
    if cible == ELEVE and attente and rules.bloque(attente.compte_id, qui.compte_id):
        raise Verrouillee()
    changes = rules.changements(actuel, soumis, attente.changes if attente else {})
    try:
        async with write_transaction():
            demande_id = attente.id if attente else None
            if demande_id is not None and not await _toujours_en_attente(demande_id):
                raise DejaTraitee()
            if demande_id is None and changes:
                demande_id = await _creer(qui, cible, responsable_id, resp_legal)
            if demande_id is not None:
                await _remplacer(demande_id, changes)
    except DejaTraitee:
        raise
    except Exception as exc:  # the unique index: another guardian's request won the race
        if cible == ELEVE and _violation(exc):
            raise Verrouillee() from exc
        raise
    return changes


def _violation(exc: Exception) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return "unique" in text or "duplicate" in text


async def _toujours_en_attente(demande_id: int) -> bool:
    """Touch the request if it still waits (in the submission's transaction): a request the
    school has processed meanwhile is history, never rewritten."""
    rows = await FicheDemande.update({FicheDemande.modifie_le: now()}).where(
        (FicheDemande.id == demande_id) & (FicheDemande.etat == EN_ATTENTE)).returning(FicheDemande.id)
    return bool(rows)


async def _creer(qui: Demandeur, cible: str, responsable_id: int | None, resp_legal: int) -> int:
    rows = await FicheDemande.insert(FicheDemande(
        etablissement_id=qui.etablissement_id, eleve_id=qui.eleve_id, cible=cible, responsable_id=responsable_id,
        resp_legal=resp_legal, compte_id=qui.compte_id, identifiant=qui.identifiant,
    )).returning(FicheDemande.id)
    return rows[0]["id"]


async def _remplacer(demande_id: int, changes: dict[str, tuple[str, str]]) -> None:
    """The request's rows become these changes; a request left with none is withdrawn."""
    await FicheChangement.delete().where(FicheChangement.demande == demande_id)
    if not changes:
        await FicheDemande.delete().where(FicheDemande.id == demande_id)
        return
    await FicheChangement.insert(*(
        FicheChangement(demande=demande_id, champ=champ, ancienne=ancienne, nouvelle=nouvelle)
        for champ, (ancienne, nouvelle) in sorted(changes.items())
    ))
    await FicheDemande.update({FicheDemande.modifie_le: now()}).where(FicheDemande.id == demande_id)
