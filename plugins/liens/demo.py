"""Demo links for ``teleservices demo``: the ENT of the academy of the demo schools, for parents
and pupils of every establishment of the academy, and the lycée's own site. Idempotent: a link
already there (same scope, same label) is left as it is."""

from __future__ import annotations

from teleservices.core.api import DemoContext, establishment, write_transaction
from teleservices.plugins.liens.tables import LiensLien

ENT = {"libelle": "ENT Lille", "url": "https://enthdf.fr/", "icone": "ent", "ordre": 10}
SITE_DU_LYCEE = {"libelle": "Site du lycée", "url": "https://lycee-marie-curie.example.org/", "icone": "ecole",
                 "ordre": 20}


async def load(context: DemoContext) -> None:
    lycee_id = context.etablissements.get("lycee")
    lycee = await establishment(lycee_id) if lycee_id else None
    if lycee is None:
        return
    async with write_transaction():
        if lycee.academie and not await LiensLien.exists().where(
            (LiensLien.academie == lycee.academie) & (LiensLien.libelle == ENT["libelle"])
        ):
            await LiensLien.insert(LiensLien(**ENT, academie=lycee.academie, etablissement_id=None))
        if not await LiensLien.exists().where(
            (LiensLien.etablissement_id == lycee.id) & (LiensLien.libelle == SITE_DU_LYCEE["libelle"])
        ):
            await LiensLien.insert(LiensLien(**SITE_DU_LYCEE, etablissement_id=lycee.id))
