"""The families' pages of the cahier de textes, under ``/eleves/{eleve_id}/cahier/``, behind the
core's service guard (login, the child is the account's, the establishment opened the service,
parents and pupils alike; an academic service, so a pupil whose access to the national follow-up
services was removed keeps it).

« Cette semaine »: for each day, the lessons (subject, « Travail fait en classe ») and the homework
due that day, with its links; the previous and next weeks (``?semaine=2026-W48``), a subject
filter; a day's page « per subject ». The pupil ticks « Fait » on a homework (a POST form that
htmx sends in place); the parents see whether it is ticked, read-only. Only the entries of the
child's class and groups, in the child's establishment, are ever read. A page costs the same
number of queries whatever the number of entries: the child's structures, their teaching team,
the lessons, the homework (with the pupil's « fait » joined), and the names of subjects or
teachers the team does not know (only when there are some).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect

from teleservices.core.api import (
    Child, CurrentChild, UserType, gettext as _, htmx_target, lazy_gettext as _l, now, structures_of,
    pupil_teaching_team, render, school_time, today, write_transaction,
)
from teleservices_cahier_de_textes import donnees, rules
from teleservices_cahier_de_textes.tables import CahierDevoir, CahierFait

SEMAINE = "cahier-semaine"  # the region the week's navigation and the filter swap with htmx
MESSAGES = {"fait": _l("C'est noté : ce travail est marqué comme fait."),
            "a_faire": _l("C'est noté : ce travail n'est plus marqué comme fait.")}


def base(child: Child) -> str:
    return f"/eleves/{child.id}/cahier"


@dataclass
class Lecture:
    """What a family page reads: the child's classes and groups, the subjects of the filter."""

    divisions: list[int]
    equipe: list[dict]
    matieres: list[tuple[int, str]]  # (id, name), alphabetical
    matiere_id: int | None  # the subject chosen in the filter, None for all


async def lire(request: Request, child: Child) -> Lecture:
    divisions = await structures_of(child)
    equipe = await pupil_teaching_team(child.id)
    matieres = sorted({row["matiere_id"]: row["matiere_libelle"] for row in equipe}.items(),
                      key=lambda m: m[1].casefold())
    demande = (request.query_params.get("matiere") or "").strip()
    matiere_id = next((i for i, _ in matieres if str(i) == demande), None)
    return Lecture(divisions, equipe, matieres, matiere_id)


def est_eleve(request: Request) -> bool:
    """The pupil's own account ticks « Fait »; a parent only reads it."""
    return request.user.type == UserType.ELEVE


def _fait(devoir: dict) -> dict:
    fait_le = devoir.get("fait_le")
    if fait_le is not None and not isinstance(fait_le, dt.datetime):
        fait_le = dt.datetime.fromisoformat(str(fait_le))
    if fait_le is not None and fait_le.tzinfo is None:
        fait_le = fait_le.replace(tzinfo=dt.timezone.utc)
    devoir["fait"] = fait_le is not None
    devoir["fait_le"] = school_time(fait_le) if fait_le else None
    return devoir


def _contexte(request: Request, child: Child, lecture: Lecture, **extra: Any) -> dict[str, Any]:
    return {
        "child": child,
        "titre": _("le cahier de textes de"),
        "base": base(child),
        "matieres": lecture.matieres,
        "matiere_id": lecture.matiere_id,
        "eleve": est_eleve(request),
        "region": SEMAINE,
        "jour_long": rules.jour_long,
        "jour_court": rules.jour_court,
        "message": MESSAGES.get(request.query_params.get("ok") or "", ""),
        **extra,
    }


def _requete(**valeurs: Any) -> str:
    garde = {cle: valeur for cle, valeur in valeurs.items() if valeur not in (None, "")}
    return f"?{urlencode(garde)}" if garde else ""


@get("/", name="cahier:semaine")
async def semaine(request: Request, child: CurrentChild) -> Response:
    """« Cette semaine », or the week ``?semaine=2026-W48``; ``?matiere=<id>`` keeps one subject.
    With htmx, the navigation and the filter get only the week's region (and the URL follows)."""
    lecture = await lire(request, child)
    courant = rules.semaine_par_defaut(today())
    lundi = rules.lundi_de_cle(request.query_params.get("semaine")) or courant
    filtre = donnees.Filtre(child.etablissement.id, lecture.divisions, lundi, lundi + dt.timedelta(days=6),
                            lecture.matiere_id)
    seances = await donnees.seances(filtre)
    devoirs = [_fait(d) for d in await donnees.devoirs(filtre, eleve_id=child.id)]
    donnees.nommer(seances + devoirs, *await donnees.noms(seances + devoirs, lecture.equipe))
    jours = rules.semaine(lundi, seances, devoirs)
    precedente, suivante = lundi - dt.timedelta(days=7), lundi + dt.timedelta(days=7)
    contexte = _contexte(
        request, child, lecture, jours=jours, lundi=lundi, cle=rules.cle_semaine(lundi),
        titre_semaine=rules.titre_semaine(lundi), courante=lundi == courant, aujourdhui=today(),
        vide=all(j.vide for j in jours),
        precedente=_requete(semaine=rules.cle_semaine(precedente), matiere=lecture.matiere_id),
        suivante=_requete(semaine=rules.cle_semaine(suivante), matiere=lecture.matiere_id),
        cette_semaine=_requete(matiere=lecture.matiere_id),
        ici=f"{base(child)}/{_requete(semaine=rules.cle_semaine(lundi), matiere=lecture.matiere_id)}",
    )
    template = "cahier/semaine_fragment.html" if htmx_target(request, SEMAINE) else "cahier/semaine.html"
    return render(request, template, contexte)


@get("/jour/{jour:str}", name="cahier:jour")
async def jour(request: Request, child: CurrentChild) -> Response:
    """A day « per subject »: for each subject, the lesson, the homework due that day, and the
    homework given that day for later."""
    try:
        date = dt.date.fromisoformat(request.path_params["jour"])
    except ValueError:
        raise NotFoundException(_("Jour inconnu.")) from None
    if date.year not in rules.ANNEES:
        raise NotFoundException(_("Jour inconnu."))
    lecture = await lire(request, child)
    filtre = donnees.Filtre(child.etablissement.id, lecture.divisions, date, date, lecture.matiere_id, donnes=True)
    seances = await donnees.seances(filtre)
    devoirs = [_fait(d) for d in await donnees.devoirs(filtre, eleve_id=child.id)]
    donnees.nommer(seances + devoirs, *await donnees.noms(seances + devoirs, lecture.equipe))
    lundi = rules.lundi_de(date)
    contexte = _contexte(
        request, child, lecture, date=date, jour_titre=rules.jour_titre(date),
        matieres_du_jour=rules.par_matiere(date, seances, devoirs),
        retour_semaine=_requete(semaine=rules.cle_semaine(lundi), matiere=lecture.matiere_id),
        veille=rules.jour_de_classe_avant(date).isoformat(),
        lendemain=rules.jour_de_classe_apres(date).isoformat(),
        ici=f"{base(child)}/jour/{date.isoformat()}{_requete(matiere=lecture.matiere_id)}",
    )
    return render(request, "cahier/jour.html", contexte)


# --- « Fait » ---------------------------------------------------------------------------------------

DEVOIR_SQL = """
SELECT id, pour_le FROM cahier_devoir
WHERE id = {} AND etablissement_id = {} AND division_id IN ({divisions})
"""
MARQUER_SQL = """
INSERT INTO cahier_fait (devoir_id, eleve_id, fait_le) VALUES ({}, {}, {})
ON CONFLICT (devoir_id, eleve_id) DO NOTHING
"""


def formulaire_fait(devoir_id: int) -> str:
    """The id of a homework's « Fait » form: htmx swaps it in place."""
    return f"fait-{devoir_id}"


def retour_sur(child: Child, valeur: str | None) -> str:
    """Where to go back after ticking: a page of this child's cahier de textes, nothing else."""
    valeur = (valeur or "").strip()
    prefixe = f"{base(child)}/"
    if valeur.startswith(prefixe) and "//" not in valeur and "\\" not in valeur and len(valeur) < 300:
        return valeur
    return prefixe


@post("/devoirs/{devoir_id:int}/fait", name="cahier:fait")
async def marquer(request: Request, child: CurrentChild) -> Response:
    """The pupil ticks « Fait » (``fait=1``) or unticks it (``fait=0``); sending it twice changes
    nothing. A parent may not (403): the mark is the pupil's. A homework of another class answers
    404, as an unknown one."""
    if not est_eleve(request):
        raise PermissionDeniedException(_("Seul l'élève coche « Fait » sur son travail à faire."))
    devoir_id = request.path_params["devoir_id"]
    form = await request.form()
    fait = form.get("fait") == "1"
    divisions = await structures_of(child)
    if not divisions:
        raise NotFoundException(_("Travail à faire introuvable."))
    sql = DEVOIR_SQL.replace("{divisions}", ", ".join("{}" for _ in divisions))
    rows = await CahierDevoir.raw(sql, devoir_id, child.etablissement.id, *divisions)
    if not rows:
        raise NotFoundException(_("Travail à faire introuvable."))
    async with write_transaction():
        if fait:
            await CahierFait.raw(MARQUER_SQL, devoir_id, child.id, now())
        else:
            await CahierFait.delete().where((CahierFait.devoir_id == devoir_id) & (CahierFait.eleve_id == child.id))
    if htmx_target(request, formulaire_fait(devoir_id)):
        devoir = {"id": devoir_id, "fait": fait, "fait_le": school_time(now()) if fait else None}
        return render(request, "cahier/fait_fragment.html", {
            "child": child, "base": base(child), "devoir": devoir, "eleve": True,
            "ici": retour_sur(child, form.get("retour")), "annonce": True,
        })
    retour = retour_sur(child, form.get("retour"))
    separateur = "&" if "?" in retour else "?"
    return Redirect(f"{retour}{separateur}ok={'fait' if fait else 'a_faire'}#devoir-{devoir_id}", status_code=303)


ROUTES = [semaine, jour, marquer]
