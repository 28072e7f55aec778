"""The families' pages of the LPC (guide 3.6), under ``/eleves/{eleve_id}/lpc/``, behind the
core's service guard: « Le livret personnel de compétences » of the pupil's current palier, the
detail of a compétence (as a fragment with htmx, in the page without JavaScript), the earlier
paliers, and the PDF of the detailed report.

A page costs one query for the pupil's validations whatever their number (the grid is in
memory); the PDF one more, for the professeur principal.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException

from teleservices.core.api import (
    CurrentChild, download, gettext as _, htmx_target, pupil_teaching_team, render, teacher_name, today,
)
from teleservices.plugins.lpc import livret as lecture
from teleservices.plugins.lpc.pdf import livret_pdf


def _base(child: Any) -> str:
    return f"/eleves/{child.id}/lpc"


def _contexte(child: Any, livret: lecture.Livret, ouverte: str | None) -> dict[str, Any]:
    return {"child": child, "base": _base(child), "livret": livret, "ouverte": ouverte}


@get("/", name="lpc:livret")
async def page(request: Request, child: CurrentChild) -> Response:
    """The compétences of the current palier; ``?competence=P3.C1`` opens one's detail (the
    link of each compétence without JavaScript)."""
    livret = await lecture.lire(child.id)
    ouverte = request.query_params.get("competence")
    if ouverte and livret.courant.competence(ouverte) is None:
        ouverte = None
    return render(request, "lpc/livret.html", _contexte(child, livret, ouverte))


@get("/competence/{code:str}", name="lpc:competence")
async def competence(request: Request, child: CurrentChild) -> Response:
    """A compétence's domaines and items, validated or not: the detail htmx puts under it; the
    whole page, with it open, for any other request."""
    livret = await lecture.lire(child.id)
    code = request.path_params["code"]
    lue = livret.courant.competence(code)
    if lue is None:
        raise NotFoundException(_("Compétence inconnue pour ce palier."))
    if htmx_target(request, f"detail-{lue.ancre}"):
        return render(request, "lpc/detail_fragment.html", {**_contexte(child, livret, code), "lue": lue})
    return render(request, "lpc/livret.html", _contexte(child, livret, code))


@get("/livret.pdf", name="lpc:pdf")
async def pdf(request: Request, child: CurrentChild) -> Response:
    """The detailed report of the current palier, as a PDF to keep or print."""
    livret = await lecture.lire(child.id)
    equipe = await pupil_teaching_team(child.id)
    principal = ", ".join(sorted({teacher_name(row) for row in equipe if row["professeur_principal"]}))
    contenu = livret_pdf(child, livret.courant, principal, today())
    return download(contenu, f"livret-competences-{child.prenom}-{child.nom_de_famille}.pdf".lower(),
                    "application/pdf")


ROUTES = [page, competence, pdf]
