"""Which lycée offers the online enrolment to a pupil (``ServiceSpec.offered_by``): the lycée of
their affectation for next year, once its campaign has begun (after the closing day the family
still sees their enrolment, read-only). Never the pupil's own collège: the guide's first case of
a service offered by another establishment."""

from __future__ import annotations

from typing import Any

from teleservices.core.api import today
from teleservices.plugins.inscription.tables import InscriptionAffectation

LYCEE_SQL = """
SELECT a.lycee_id FROM inscription_affectation a
JOIN inscription_campagne c ON c.etablissement_id = a.lycee_id
WHERE a.eleve_id = {} AND c.ouverture <= {}
"""


async def lycee_d_affectation(child: Any) -> int | None:
    rows = await InscriptionAffectation.raw(LYCEE_SQL, child.id, today())
    return rows[0]["lycee_id"] if rows else None
