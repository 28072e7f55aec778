"""A family's enrolment as its pages read and write it: the pupil's affectation, the lycée's
campaign, the dossier, the lycée, the service's activation there and the offer for the pupil's
MEF in one query. Writes are one transaction each.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass, field
from typing import Any

from teleservices.core.api import (
    Etablissement, now, per_request, read_json_list, sql_json_list, sql_true, today, write_transaction,
)
from teleservices.plugins.inscription import rules
from teleservices.plugins.inscription.tables import InscriptionDossier

# The enrolment's whole context in one query: the affectation, the lycée's campaign and the
# dossier, the lycée, whether the lycée opened the service (with its options: ``offered_by`` needs
# no query of its own), and what it offers for the pupil's MEF (aggregated as JSON).
CONTEXTE_SQL = """
SELECT a.id AS affectation_id, a.lycee_id, a.code_mef,
       c.rentree, c.ouverture, c.fermeture, c.message, c.options_min, c.options_max, c.incompatibles,
       d.id AS dossier_id, d.etapes, d.lv1, d.lv2, d.options, d.confirme_le, d.rouvert,
       sa.id AS activation_id, sa.options AS service_options,
       (SELECT {offre} FROM inscription_offre o WHERE o.etablissement_id = a.lycee_id AND o.code_mef = a.code_mef)
         AS offre,
       {lycee}
FROM inscription_affectation a
JOIN inscription_campagne c ON c.etablissement_id = a.lycee_id
JOIN etablissement et ON et.id = a.lycee_id
LEFT JOIN inscription_dossier d ON d.affectation = a.id
LEFT JOIN service_activation sa ON sa.etablissement = a.lycee_id AND sa.service = 'inscription' AND sa.ouvert = {true}
WHERE a.eleve_id = {{}}
"""
LYCEE = list(Etablissement.__dataclass_fields__)


@functools.cache
def contexte_sql(engine: str) -> str:
    return CONTEXTE_SQL.format(
        offre=sql_json_list("o.code", "o.libelle", "o.categorie"), true=sql_true(),
        lycee=", ".join(f"et.{f} AS lycee_{f}" for f in LYCEE),
    )


def _json(value: Any, default: Any) -> Any:
    """A JSON column as a raw query gives it: text on both engines, or already decoded."""
    if isinstance(value, str):
        return json.loads(value or "null") or default
    return value or default


def _jour(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _moment(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    moment = dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


@dataclass
class Inscription:
    """Where a pupil's enrolment stands, and what the lycée set for it."""

    affectation_id: int
    lycee_id: int
    code_mef: str
    rentree: int
    campagne: rules.Campagne
    message: str
    options_min: int
    options_max: int
    incompatibles: list[tuple[str, str]]
    dossier_id: int | None
    avancement: rules.Avancement
    voeux: rules.Voeux
    confirme_le: dt.datetime | None
    rouvert: bool
    lycee: Etablissement | None = None
    # Whether the lycée opened the service, with its stored options there (None: not opened).
    service_options: Any = None
    # What the lycée offers for the pupil's MEF, as read: (code, libelle, categorie) lists.
    enseignements: list[list[Any]] = field(default_factory=list)

    @property
    def etat(self) -> str:
        return self.campagne.etat(today())

    @property
    def modifiable(self) -> bool:
        return rules.modifiable(self.avancement, self.campagne, today())

    @property
    def offre(self) -> rules.Offre:
        """What the lycée offers for the pupil's MEF, with its rules."""
        enseignements = [rules.Enseignement(code, libelle, categorie) for code, libelle, categorie in self.enseignements]
        return rules.Offre(sorted(enseignements, key=lambda e: (e.categorie, e.libelle, e.code)),
                           self.options_min, self.options_max, self.incompatibles)


@per_request
async def lire(eleve_id: int) -> Inscription | None:
    """The pupil's enrolment with its lycée (one query, read once per request: the guard's
    ``offered_by`` and the page share it), or None without an affectation to a lycée that has a
    campaign."""
    rows = await InscriptionDossier.raw(contexte_sql(InscriptionDossier._meta.db.engine_type), eleve_id)
    if not rows:
        return None
    r = rows[0]
    inscription = Inscription(
        affectation_id=r["affectation_id"], lycee_id=r["lycee_id"], code_mef=r["code_mef"] or "",
        rentree=r["rentree"], campagne=rules.Campagne(_jour(r["ouverture"]), _jour(r["fermeture"])),
        message=r["message"] or "", options_min=r["options_min"], options_max=r["options_max"],
        incompatibles=[tuple(p) for p in _json(r["incompatibles"], [])],
        dossier_id=r["dossier_id"], avancement=rules.avancement_de(_json(r["etapes"], []), r["confirme_le"]),
        voeux=rules.Voeux(r["lv1"] or "", r["lv2"] or "", tuple(_json(r["options"], []))),
        confirme_le=_moment(r["confirme_le"]), rouvert=bool(r["rouvert"]),
        lycee=Etablissement(**{f: r[f"lycee_{f}"] or ("" if f != "afficher_contact" else False) for f in LYCEE}),
        service_options=(r["service_options"] or "{}") if r["activation_id"] is not None else None,
        enseignements=read_json_list(r["offre"]),
    )
    return inscription


async def enregistrer(inscription: Inscription, etape: int, compte_id: int, **valeurs: Any) -> None:
    """Mark a step done (with the step's values: the wishes), creating the dossier at the first.
    The summary's step confirms the enrolment, in the caller's transaction when there is one."""
    avancement = inscription.avancement.faite(etape)
    champs: dict[str, Any] = {"etapes": sorted(avancement.faites), "modifie_le": now(), **valeurs}
    if etape == rules.RECAPITULATIF:
        champs.update(confirme_le=now(), compte_id=compte_id)
    async with write_transaction():
        if inscription.dossier_id is None:
            rows = await InscriptionDossier.insert(
                InscriptionDossier(affectation=inscription.affectation_id, compte_id=compte_id, **champs)
            ).returning(InscriptionDossier.id)
            inscription.dossier_id = rows[0]["id"]
        else:
            await InscriptionDossier.update(
                {getattr(InscriptionDossier, k): v for k, v in champs.items()}
            ).where(InscriptionDossier.id == inscription.dossier_id)
    inscription.avancement = avancement
    lire.forget()  # the rest of the request reads the dossier as written
