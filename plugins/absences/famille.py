"""The families' pages of the absences (guide 3.5), under ``/eleves/{eleve_id}/absences/``,
behind the core's service guard: the number of half-days per week for a month, a period or the
year, the detail of a week, the vie scolaire's contact, and the calendar export.

Only counted absences are ever read (``rules.est_comptee``, in SQL), and only when the vie
scolaire authorised their publication. A page costs the same number of queries whatever the
number of absences: the periods, and the counted half-days of the filter (one query, grouped by
half-day).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from teleservices.core.api import (
    PAR_MOIS, CurrentChild, Filtre, Periode, filtre, htmx_target, mois_de_l_annee, new_private_link, now, periods_of,
    private_link_created, render, revoke_private_link, service_options, today,
)
from teleservices.core.api import gettext as _
from teleservices.core.api import lazy_gettext as _l
from teleservices.plugins.absences import graphique, rules
from teleservices.plugins.absences.tables import CONSTATEE, AbsencesAbsence

RESULTATS = "absences-resultats"  # the region the filter form swaps with htmx
DIALOGUE = "absences-dialogue-contenu"  # where htmx puts a dialog's content
TITRE = _l("la vie scolaire de")  # the child header's « la vie scolaire de Léa M., née le … »

# The counted half-days of a pupil between two days, with the reasons' labels (a half-day with
# several absences is one row).
COMPTEES_SQL = """
SELECT date, demi_journee, MIN(motif) AS motif FROM absences_absence
WHERE eleve_id = {} AND etablissement_id = {} AND date >= {} AND date <= {}
  AND etat = {} AND classee = {} AND motif_legitime = {}
GROUP BY date, demi_journee
"""


def publiees(options: dict[str, Any]) -> bool:
    """Guide 3.5: shown once the vie scolaire authorised their publication."""
    return bool(options.get("publication"))


async def demi_journees(child: Any, debut: dt.date, fin: dt.date) -> list[tuple[dt.date, str, str]]:
    """The child's counted half-days from ``debut`` to ``fin``: (day, half-day, reason)."""
    rows = await AbsencesAbsence.raw(COMPTEES_SQL, child.id, child.etablissement.id, debut, fin, CONSTATEE, True, True)
    return sorted(((_jour(r["date"]), r["demi_journee"], r["motif"] or "") for r in rows), key=rules.chronologique)


def _jour(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


@dataclass
class Vue:
    """What the page shows for a filter."""

    periodes: list[Periode]
    filtre: Filtre
    lignes: list[rules.LigneSemaine]
    comptees: list[tuple[dt.date, str, str]]

    @property
    def total(self) -> int:
        return sum(ligne.nombre for ligne in self.lignes)


async def lire(request: Request, child: Any) -> Vue:
    periodes = await periods_of(child)
    aujourdhui = today()
    choix = filtre(request.query_params.get("periode"), periodes, aujourdhui, PAR_MOIS)
    if choix.debut is None or not publiees(service_options(request)):
        return Vue(periodes, choix, [], [])
    comptees = await demi_journees(child, choix.debut, choix.fin)
    semaines = rules.semaines(choix.debut, choix.fin, aujourdhui)
    return Vue(periodes, choix, rules.par_semaine(semaines, {(j, d) for j, d, _ in comptees}), comptees)


def mois_proposes(periodes: list[Periode], aujourdhui: dt.date) -> list[tuple[str, str]]:
    """The months « Filtre par » offers, latest first as in the guide: those already begun."""
    courant = f"{aujourdhui.year}-{aujourdhui.month:02d}"
    mois = mois_de_l_annee(periodes)
    return [m for i, m in enumerate(mois) if m[0] <= courant or i == 0][::-1]


def _base(child: Any) -> str:
    return f"/eleves/{child.id}/absences"


def _dialogue(request: Request, template: str) -> str:
    """A dialog's content for htmx, which opens it in the page's <dialog>; a page of its own
    without JavaScript."""
    return f"{template}_dialogue.html" if htmx_target(request, DIALOGUE) else f"{template}.html"


def _contexte(request: Request, child: Any, vue: Vue, **extra: Any) -> dict[str, Any]:
    return {
        "child": child,
        "titre": TITRE,
        "base": _base(child),
        "publiees": publiees(service_options(request)),
        "periodes": vue.periodes,
        "mois": mois_proposes(vue.periodes, today()),
        "filtre": vue.filtre,
        "lignes": vue.lignes,
        "total": vue.total,
        "graphique": graphique.barres(vue.lignes[::-1]),
        "jour_court": rules.jour_court,
        "resultats": RESULTATS,
        "dialogue": DIALOGUE,
        **extra,
    }


@get("/", name="absences:liste")
async def liste(request: Request, child: CurrentChild) -> Response:
    """« Le nombre par semaine des demi-journées… »; with htmx the filter form gets only the
    results region (and the URL follows)."""
    vue = await lire(request, child)
    template = "absences/resultats_fragment.html" if htmx_target(request, RESULTATS) else "absences/liste.html"
    return render(request, template, _contexte(request, child, vue))


@get("/semaine/{cle:str}", name="absences:semaine")
async def semaine(request: Request, child: CurrentChild) -> Response:
    """The half-days counted in one week (among its days inside the filter)."""
    lundi = rules.semaine_de_cle(request.path_params["cle"])
    if lundi is None:
        raise NotFoundException(_("Semaine inconnue."))
    vue = await lire(request, child)
    ligne = next((l for l in vue.lignes if l.semaine.lundi == lundi), None)
    if ligne is None:
        raise NotFoundException(_("Cette semaine n'appartient pas à la période choisie."))
    jours = [(j, d, m) for j, d, m in vue.comptees if ligne.semaine.garde(j)]
    contexte = _contexte(request, child, vue, ligne=ligne, jours=jours, libelle=rules.DEMI_JOURNEE_LIBELLE,
                         jour_long=rules.jour_long)
    return render(request, _dialogue(request, "absences/semaine"), contexte)


@get("/vie-scolaire", name="absences:contact")
async def contact(request: Request, child: CurrentChild) -> Response:
    """« La vie scolaire »: the establishment's address, e-mail, phone and fax (guide 3.5)."""
    contexte = {"child": child, "titre": TITRE, "base": _base(child),
                "contact": coordonnees(child.etablissement, service_options(request))}
    return render(request, _dialogue(request, "absences/contact"), contexte)


@dataclass(frozen=True)
class Coordonnees:
    mel: str
    telephone: str
    telecopie: str


def coordonnees(etab: Any, options: dict[str, Any]) -> Coordonnees:
    """The vie scolaire's contact: what the vie scolaire set on its page, else the
    establishment's record (its vie scolaire's, else its own)."""
    return Coordonnees(
        mel=options.get("contact_mel") or etab.vie_scolaire_mel or etab.mel,
        telephone=options.get("contact_telephone") or etab.vie_scolaire_telephone or etab.telephone,
        telecopie=options.get("contact_telecopie") or etab.telecopie,
    )


# The calendar: a download for the logged-in family, and a private link for a calendar application.


@get("/calendrier", name="absences:calendrier")
async def calendrier(request: Request, child: CurrentChild) -> Response:
    """How to follow the absences in a calendar: download, or subscribe through a private link."""
    contexte = {"child": child, "titre": TITRE, "base": _base(child),
                "publiees": publiees(service_options(request)), "revoque": request.query_params.get("revoque") == "1",
                "lien_cree_le": await private_link_created(request, child)}
    return render(request, "absences/calendrier.html", contexte)


@post("/calendrier/lien", name="absences:nouveau-lien")
async def nouveau_lien(request: Request, child: CurrentChild) -> Response:
    """A new private link, shown once; it replaces (and so revokes) the previous one."""
    lien = await new_private_link(request, child) + "absences.ics"
    contexte = {"child": child, "titre": TITRE, "base": _base(child),
                "publiees": publiees(service_options(request)), "lien": lien,
                "lien_cree_le": await private_link_created(request, child)}
    return render(request, "absences/calendrier.html", contexte)


@post("/calendrier/revoquer", name="absences:revoquer-lien")
async def revoquer_lien(request: Request, child: CurrentChild) -> Redirect:
    await revoke_private_link(request, child)
    return Redirect(f"{_base(child)}/calendrier?revoque=1", status_code=303)


async def _ics(request: Request, child: Any) -> Response:
    """The counted half-days of the school year, as an iCalendar file."""
    periodes = await periods_of(child)
    annee = filtre("toutes", periodes, today())
    comptees = []
    if annee.debut and publiees(service_options(request)):
        comptees = await demi_journees(child, annee.debut, annee.fin)
    texte = rules.calendrier(_("Absences de %(nom)s", nom=child.nom_court), comptees, f"eleve{child.id}", now())
    return Response(texte, media_type="text/calendar; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="absences-{child.id}.ics"',
        "Cache-Control": "private, no-store",
    })


@get("/absences.ics", name="absences:ics")
async def telecharger(request: Request, child: CurrentChild) -> Response:
    return await _ics(request, child)


@get("/absences.ics", name="absences:flux")
async def flux(request: Request, child: CurrentChild) -> Response:
    """The same file behind a private link (``/flux/absences/{jeton}/absences.ics``)."""
    return await _ics(request, child)


ROUTES = [liste, semaine, contact, calendrier, nouveau_lien, revoquer_lien, telecharger]
FEED_ROUTES = [flux]
