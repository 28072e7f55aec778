"""The families' pages of the notes (guide 3.4), under ``/eleves/{eleve_id}/notes/``, behind the
core's service guard: « Les notes : liste des notes » with its two filters, the teaching team,
the averages of the period and how each is computed, a chart per subject.

Only grades visible to families are ever read into these pages: the SQL keeps published
assessments only, then ``rules.visible_le`` applies the establishment's publication option;
statistics come from the published assessment's own grades. Every page costs the same number of
queries whatever the number of grades or subjects: the periods, the teaching team, the grades
with their statistics (one grouped query), the labels of their subjects and teachers, and the
visit (read; written on a full page view).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from litestar import Request, Response, get

from teleservices.core.api import (
    CurrentChild, Filtre, Periode, filtre, htmx_target, labels, mois_de_l_annee, now, periods_of, pupil_teaching_team, render,
    service_options, teacher_name,
)
from teleservices.plugins.notes import graphique, rules
from teleservices.plugins.notes.rules import NoteComptee, Statistiques
from teleservices.plugins.notes.tables import NotesDevoir

RESULTATS = "notes-resultats"  # the region the filter form swaps with htmx
DIALOGUE = "notes-dialogue-contenu"  # where htmx puts a dialog's content

# The child's grades of published assessments of the school year, each with its assessment's
# statistics (numeric grades only: SQL's aggregates skip the NULL value of a code).
NOTES_SQL = """
SELECT d.id, d.matiere_id, d.enseignant_id, d.libelle, d.date, d.coefficient, d.bareme, d.publie_le,
       n.valeur, n.code, n.saisie_le,
       COUNT(c.valeur) AS nombre, SUM(c.valeur) AS somme, MIN(c.valeur) AS mini, MAX(c.valeur) AS maxi
FROM notes_note n
JOIN notes_devoir d ON d.id = n.devoir
JOIN notes_note c ON c.devoir = d.id
WHERE n.eleve_id = {} AND d.etablissement_id = {} AND d.publie = {} AND d.date >= {} AND d.date <= {}
GROUP BY d.id, n.id
ORDER BY d.date DESC, d.id DESC
"""
VISITE_SQL = "SELECT vu_le, nouveau_depuis FROM notes_visite WHERE compte_id = {} AND eleve_id = {}"
# A page view records the visit and gives back since when grades are « nouveau », in one statement
# (``rules.visite_suivante`` in SQL): a first visit marks the last week, a visit after a pause
# of more than ``MEME_VISITE`` marks what appeared since the previous one, a view within it keeps
# the visit's marks. The parameters: account, pupil, now, now − PREMIERE_VISITE, now − MEME_VISITE.
ENREGISTRER_VISITE_SQL = """
INSERT INTO notes_visite (compte_id, eleve_id, vu_le, nouveau_depuis) VALUES ({}, {}, {}, {})
ON CONFLICT (compte_id, eleve_id) DO UPDATE SET
  nouveau_depuis = CASE WHEN notes_visite.vu_le < {} THEN notes_visite.vu_le ELSE notes_visite.nouveau_depuis END,
  vu_le = excluded.vu_le
RETURNING nouveau_depuis
"""
TOUJOURS = (dt.date(1900, 1, 1), dt.date(9999, 12, 31))


@dataclass
class Ligne:
    """A row of « Liste des notes »."""

    devoir_id: int
    matiere_id: int
    matiere: str
    enseignant: str
    libelle: str
    date: dt.date
    valeur: float | None
    code: str
    bareme: int
    coefficient: float
    stats: Statistiques
    nouveau: bool

    @property
    def note(self) -> str:
        return rules.affiche(self.valeur, self.code)

    @property
    def chiffres(self) -> tuple[str, str, str, str]:
        """Moy, Mi, Ma and Co as shown (formatted here: 150 rows, a template call each costs more)."""
        return (rules.affiche(self.stats.moyenne), rules.affiche(self.stats.mini), rules.affiche(self.stats.maxi),
                rules.affiche(self.coefficient))

    def comptee(self) -> NoteComptee:
        return NoteComptee(self.libelle, self.date, self.valeur, self.code, self.bareme, self.coefficient)


@dataclass
class Equipe:
    """The teaching team: teachers by subject (label → names) and the professeur principal."""

    matieres: dict[int, str] = field(default_factory=dict)
    enseignants: dict[str, list[str]] = field(default_factory=dict)
    principal: list[str] = field(default_factory=list)
    lignes: list[dict[str, Any]] = field(default_factory=list)  # as read: ids, subject, teacher


@dataclass
class Notes:
    """Everything the page shows, read in a fixed number of queries."""

    periodes: list[Periode]
    lignes: list[Ligne]  # every visible grade of the school year
    equipe: Equipe
    aujourdhui: dt.date


def _equipe(team: list[dict[str, Any]]) -> Equipe:
    equipe = Equipe(lignes=team)
    for row in team:
        equipe.matieres[row["matiere_id"]] = row["matiere_libelle"]
        noms = equipe.enseignants.setdefault(row["matiere_libelle"], [])
        nom = teacher_name(row)
        if nom not in noms:
            noms.append(nom)
        if row["professeur_principal"] and nom not in equipe.principal:
            equipe.principal.append(nom)
    return equipe


async def lire(request: Request, child: Any, visite: bool) -> Notes:
    """The visible grades of the child's school year, the periods and the teaching team; a full
    page view (``visite``) records the visit."""
    maintenant = now()
    periodes = await periods_of(child)
    equipe = _equipe(await pupil_teaching_team(child.id))
    annee = (min(p.debut for p in periodes), max(p.fin for p in periodes)) if periodes else TOUJOURS
    rows = await NotesDevoir.raw(NOTES_SQL, child.id, child.etablissement.id, True, *annee)
    options = service_options(request)
    visibles = []
    for row in rows:
        depuis = rules.visible_le(True, row["publie_le"], row["date"], options, periodes)
        if rules.est_visible(depuis, maintenant):
            visibles.append((row, depuis))
    noms = await _noms(equipe, visibles)
    nouveau_depuis = await _visite(request, child, maintenant, visite)
    lignes = [
        Ligne(
            devoir_id=row["id"], matiere_id=row["matiere_id"],
            matiere=noms["matiere"].get(row["matiere_id"], {}).get("libelle", ""),
            enseignant=teacher_name(noms["enseignant"].get(row["enseignant_id"])),
            libelle=row["libelle"], date=row["date"], valeur=row["valeur"], code=row["code"],
            bareme=row["bareme"], coefficient=row["coefficient"],
            stats=Statistiques.agregat(row["nombre"], row["somme"], row["mini"], row["maxi"]),
            nouveau=rules.est_nouvelle(depuis, row["saisie_le"], nouveau_depuis),
        )
        for row, depuis in visibles
    ]
    return Notes(periodes, lignes, equipe, maintenant.date())


async def _noms(equipe: Equipe, visibles: list[tuple[dict[str, Any], dt.datetime]]) -> dict[str, dict[int, Any]]:
    """The subjects and teachers of the grades: the teaching team's, and only for those it lacks
    (a teacher who left, a subject no longer taught) one query."""
    noms: dict[str, dict[int, Any]] = {"matiere": {}, "enseignant": {}}
    for row in equipe.lignes:
        noms["matiere"][row["matiere_id"]] = {"libelle": row["matiere_libelle"]}
        if row["enseignant_id"]:
            noms["enseignant"][row["enseignant_id"]] = row
    matieres = {r["matiere_id"] for r, _ in visibles} - set(noms["matiere"])
    enseignants = {r["enseignant_id"] for r, _ in visibles if r["enseignant_id"]} - set(noms["enseignant"])
    if matieres or enseignants:
        autres = await labels(matieres, enseignants)
        for kind in noms:
            noms[kind].update(autres[kind])
    return noms


async def _visite(request: Request, child: Any, maintenant: dt.datetime, enregistrer: bool) -> dt.datetime:
    """Since when grades are « nouveau » for this account. A full page view records the visit;
    a fragment (filtering with htmx) or a dialog only reads it."""
    compte_id = request.user.compte_id
    if enregistrer:
        return await enregistrer_visite(compte_id, child.id, maintenant)
    rows = await NotesDevoir.raw(VISITE_SQL, compte_id, child.id)
    depuis = _instant(rows[0]["nouveau_depuis"]) if rows else None
    return depuis or maintenant - rules.PREMIERE_VISITE


async def enregistrer_visite(compte_id: int, eleve_id: int, maintenant: dt.datetime) -> dt.datetime:
    """Records a page view now; returns since when grades are « nouveau » for this visit."""
    rows = await NotesDevoir.raw(ENREGISTRER_VISITE_SQL, compte_id, eleve_id, maintenant,
                                 maintenant - rules.PREMIERE_VISITE, maintenant - rules.MEME_VISITE)
    return _instant(rows[0]["nouveau_depuis"])


def _instant(value: Any) -> dt.datetime | None:
    """A timestamp as a raw query gives it (SQLite: text), aware."""
    if value is None or isinstance(value, dt.datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    return _instant(dt.datetime.fromisoformat(str(value)))


def _matiere_choisie(valeur: str | None, equipe: Equipe, lignes: list[Ligne]) -> int | None:
    try:
        matiere = int(valeur or "")
    except ValueError:
        return None
    known = set(equipe.matieres) | {ligne.matiere_id for ligne in lignes}
    return matiere if matiere in known else None


def _matieres(notes: Notes) -> list[tuple[int, str]]:
    """The child's subjects for « et par »: those of the teaching team and those graded."""
    matieres = dict(notes.equipe.matieres)
    for ligne in notes.lignes:
        matieres.setdefault(ligne.matiere_id, ligne.matiere)
    return sorted(matieres.items(), key=lambda item: item[1])


@dataclass
class MoyenneMatiere:
    matiere_id: int
    matiere: str
    moyenne: rules.Moyenne


def moyennes(lignes: list[Ligne]) -> list[MoyenneMatiere]:
    """The average of each subject of these grades, by subject label."""
    par_matiere: dict[int, list[Ligne]] = defaultdict(list)
    for ligne in sorted(lignes, key=lambda l: (l.date, l.devoir_id)):
        par_matiere[ligne.matiere_id].append(ligne)
    resultat = [
        MoyenneMatiere(matiere_id, groupe[0].matiere, rules.moyenne_matiere(l.comptee() for l in groupe))
        for matiere_id, groupe in par_matiere.items()
    ]
    return sorted(resultat, key=lambda m: m.matiere)


@dataclass
class Selection:
    """What « Filtre par » and « et par » select: the period's grades, its averages, and the
    chosen subject (None for all)."""

    filtre: Filtre
    matiere: int | None
    de_la_periode: list[Ligne]
    par_matiere: list[MoyenneMatiere]

    def choisie(self, matiere_id: int) -> bool:
        return self.matiere is None or matiere_id == self.matiere

    @property
    def lignes(self) -> list[Ligne]:
        return [l for l in self.de_la_periode if self.choisie(l.matiere_id)]

    @property
    def moyennes(self) -> list[MoyenneMatiere]:
        return [m for m in self.par_matiere if self.choisie(m.matiere_id)]

    @property
    def generale(self) -> float | None:
        """Over every subject of the period, whichever subject is chosen."""
        return rules.moyenne_generale(m.moyenne.valeur for m in self.par_matiere)


def selection(request: Request, notes: Notes) -> Selection:
    f = filtre(request.query_params.get("periode"), notes.periodes, notes.aujourdhui)
    matiere = _matiere_choisie(request.query_params.get("matiere"), notes.equipe, notes.lignes)
    de_la_periode = [l for l in notes.lignes if f.garde(l.date)]
    return Selection(f, matiere, de_la_periode, moyennes(de_la_periode))


def _contexte(request: Request, child: Any, notes: Notes) -> dict[str, Any]:
    choix = selection(request, notes)
    return {
        "child": child,
        "base": f"/eleves/{child.id}/notes",
        "periodes": notes.periodes,
        "mois": mois_de_l_annee(notes.periodes),
        "matieres": _matieres(notes),
        "filtre": choix.filtre,
        "matiere": choix.matiere,
        "lignes": choix.lignes,
        "moyennes": choix.moyennes,
        "generale": choix.generale,
        "graphiques": [
            graphique.courbe(m.matiere_id, m.matiere, [l for l in choix.de_la_periode if l.matiere_id == m.matiere_id])
            for m in choix.moyennes
        ],
        "legende": rules.LEGENDE,
        "raisons": rules.RAISON_CODE,
        "resultats": RESULTATS,
        "dialogue": DIALOGUE,
        "sur_20": sur_20,
        "affiche": rules.affiche,
    }


def sur_20(valeur: float | None) -> str:
    """An average as shown: « 13,25 », or « – » when there is none."""
    return "–" if valeur is None else rules.affiche(round(valeur, 2))


def _dialogue(request: Request, template: str) -> str:
    """A dialog's content for htmx, which opens it in the page's <dialog>; a page of its own
    without JavaScript."""
    return f"{template}_dialogue.html" if htmx_target(request, DIALOGUE) else f"{template}.html"


@get("/", name="notes:liste")
async def liste(request: Request, child: CurrentChild) -> Response:
    """« Les notes : liste des notes »; with htmx the filter form gets only the results region."""
    fragment = htmx_target(request, RESULTATS)
    contexte = _contexte(request, child, await lire(request, child, visite=not fragment))
    template = "notes/resultats_fragment.html" if fragment else "notes/liste.html"
    return render(request, template, contexte)


@get("/equipe", name="notes:equipe")
async def equipe(request: Request, child: CurrentChild) -> Response:
    """The teaching team: a dialog's content for htmx, a page without JavaScript."""
    team = _equipe(await pupil_teaching_team(child.id))
    contexte = {"child": child, "equipe": team, "base": f"/eleves/{child.id}/notes"}
    return render(request, _dialogue(request, "notes/equipe"), contexte)


@get("/moyenne", name="notes:moyenne")
async def moyenne(request: Request, child: CurrentChild) -> Response:
    """How an average is computed: the grades it takes and the ones it leaves out, and why."""
    notes = await lire(request, child, visite=False)
    choix = selection(request, notes)
    contexte = {
        "child": child, "base": f"/eleves/{child.id}/notes", "filtre": choix.filtre, "matiere": choix.matiere,
        "detail": next(iter(choix.moyennes), None) if choix.matiere else None,
        "par_matiere": choix.par_matiere, "generale": choix.generale,
        "nom_matiere": dict(_matieres(notes)).get(choix.matiere, ""),
        "sur_20": sur_20, "affiche": rules.affiche,
    }
    return render(request, _dialogue(request, "notes/moyenne"), contexte)


ROUTES = [liste, equipe, moyenne]


async def fusionner_visites(kept: int, merged: int) -> None:
    """Two parent accounts become one: the kept account's visits win, the other's move to it."""
    await NotesDevoir.raw(
        "DELETE FROM notes_visite WHERE compte_id = {} AND eleve_id IN "
        "(SELECT eleve_id FROM notes_visite WHERE compte_id = {})", merged, kept,
    )
    await NotesDevoir.raw("UPDATE notes_visite SET compte_id = {} WHERE compte_id = {}", kept, merged)
