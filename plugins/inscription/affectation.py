"""Which lycée offers the online enrolment to a pupil (``ServiceSpec.offered_by``): the lycée of
their affectation for next year, once its campaign has begun (after the closing day the family
still sees their enrolment, read-only). Never the pupil's own collège: the guide's first case of
a service offered by another establishment."""

from __future__ import annotations

from typing import Any

from teleservices.core.api import OpenedAt, today
from teleservices.plugins.inscription import dossier


async def lycee_d_affectation(child: Any) -> OpenedAt | None:
    """The lycée, with the service's options there, if it opened the service. The read is the
    pages' own (``dossier.lire``, once per request): the guard costs no query of its own."""
    inscription = await dossier.lire(child.id)
    if inscription is None or inscription.campagne.ouverture > today() or inscription.service_options is None:
        return None
    return OpenedAt(inscription.lycee_id, inscription.service_options)
