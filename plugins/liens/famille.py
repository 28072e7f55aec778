"""The links on a child's home screen (hook ``home_links``): those of the child's academy and
those of the child's establishment, shown and meant for the viewer (parent or pupil), in one
query. The national follow-up access a school removes from a pupil does not matter here: the
ENT and the academic services stay (guide 1.2)."""

from __future__ import annotations

from teleservices.core.api import Child, HomeLink, UserType, Viewer
from teleservices.plugins.liens.regles import icone
from teleservices.plugins.liens.tables import LiensLien

# The column saying whether a link is meant for this type of account (never taken from a request).
PUBLIC = {UserType.PARENT: "parents", UserType.ELEVE: "eleves"}
ACCUEIL_SQL = """
SELECT libelle, url, icone, ordre FROM liens_lien
WHERE actif = {} AND {public} = {}
  AND (etablissement_id = {} OR (etablissement_id IS NULL AND academie <> '' AND academie = {}))
ORDER BY ordre, libelle, id
"""


async def liens_accueil(viewer: Viewer, child: Child) -> list[HomeLink]:
    public = PUBLIC.get(viewer.type)
    if public is None:
        return []
    etab = child.etablissement
    rows = await LiensLien.raw(ACCUEIL_SQL.replace("{public}", public), True, True, etab.id, etab.academie)
    return [HomeLink(label=r["libelle"], url=r["url"], icon=icone(r["icone"]), order=r["ordre"]) for r in rows]
