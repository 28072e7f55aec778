"""The academy administrator's choice of establishment (``/administration/etablissements``).

The choice is kept in the session only (its ``etablissement``), after checking that the
establishment belongs to the administrator's academy; the session's query checks it again on
every request, so an administrator never works on another academy's establishment.
"""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException

from teleservices.core import clock
from teleservices.core.audit import audit
from teleservices.core.guards import academy_admin_guard, viewer_of
from teleservices.core.i18n import gettext as _, lazy_gettext as _l
from teleservices.core.rendering import navigate, render
from teleservices.core.sessions import set_session_establishment
from teleservices.core.tables import Etablissement

PAGE = "/administration/etablissements"
TYPES = {"college": _l("Collège"), "lycee": _l("Lycée")}

# One query: the establishments of the academy with their pupils still there.
ESTABLISHMENTS_SQL = """
SELECT et.id, et.uai, et.nom, et.type, et.commune, COUNT(e.id) AS eleves
FROM etablissement et
LEFT JOIN eleve e ON e.etablissement = et.id AND (e.date_sortie IS NULL OR e.date_sortie > {})
WHERE et.academie = {} AND et.academie <> ''
GROUP BY et.id, et.uai, et.nom, et.type, et.commune
ORDER BY et.nom, et.uai
"""


@get(PAGE, guards=[academy_admin_guard], name="administration-etablissements")
async def chooser(request: Request) -> Response:
    viewer = viewer_of(request)
    rows = await Etablissement.raw(ESTABLISHMENTS_SQL, clock.now().date(), viewer.academie)
    return render(request, "administration/etablissements.html", {
        "etablissements": [{**row, "type_libelle": str(TYPES.get(row["type"], row["type"] or ""))} for row in rows],
        "academie": viewer.academie,
    })


@post(PAGE, guards=[academy_admin_guard])
async def choose(request: Request) -> Response:
    viewer = viewer_of(request)
    value = ((await request.form()).get("etablissement") or "").strip()
    row = await Etablissement.select(Etablissement.id, Etablissement.nom, Etablissement.uai).where(
        (Etablissement.id == (int(value) if value.isdigit() and len(value) < 10 else 0))
        & (Etablissement.academie == viewer.academie) & (Etablissement.academie != "")
    ).first()
    if row is None:
        raise NotFoundException(_("Établissement introuvable dans votre académie."))
    token = request.scope["state"]["session_token"]
    await set_session_establishment(token, row["id"])
    await audit(request, "etablissements.choisir", f"Travaille sur {row['nom']} ({row['uai']}).",
                etablissement_id=row["id"])
    return navigate(request, "/?ok=etablissement")


ROUTES = [chooser, choose]
