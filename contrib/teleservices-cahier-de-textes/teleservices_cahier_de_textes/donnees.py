"""Reading the cahier de textes: the lessons and homework of some classes or groups over some
days, in one query each whatever their number, and the names of their subjects and teachers in
one more (the facade's ``labels``). Hand-written SQL, portable between SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Collection

from teleservices.core.api import gettext as _, labels, teacher_name
from teleservices_cahier_de_textes.rules import liens_de_json
from teleservices_cahier_de_textes.tables import CahierDevoir, CahierSeance


def as_date(value: Any) -> dt.date:
    """A date column as a raw query gives it (SQLite: text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _marques(count: int) -> str:
    return ", ".join("{}" for _ in range(count))


@dataclass(frozen=True)
class Filtre:
    """Which entries to read: of an establishment, of these classes or groups, between two
    days (the lessons by their day; homework by the day it is due, or given when ``donnes``),
    of one subject or all."""

    etablissement_id: int
    divisions: Collection[int]
    debut: dt.date
    fin: dt.date
    matiere_id: int | None = None
    donnes: bool = False


def _where(filtre: Filtre, colonnes_jour: tuple[str, ...], alias: str) -> tuple[str, list[Any]]:
    """The conditions (and their arguments) of a filter: an entry is kept when one of its
    ``colonnes_jour`` falls between the two days."""
    divisions = sorted(set(filtre.divisions))
    jours = " OR ".join(f"({alias}.{colonne} >= {{}} AND {alias}.{colonne} <= {{}})" for colonne in colonnes_jour)
    sql = f"{alias}.etablissement_id = {{}} AND {alias}.division_id IN ({_marques(len(divisions))}) AND ({jours})"
    args: list[Any] = [filtre.etablissement_id, *divisions]
    for _ in colonnes_jour:
        args += [filtre.debut, filtre.fin]
    if filtre.matiere_id is not None:
        sql += f" AND {alias}.matiere_id = {{}}"
        args.append(filtre.matiere_id)
    return sql, args


SEANCES_SQL = """
SELECT s.id, s.division_id, s.matiere_id, s.enseignant_id, s.date, s.contenu, s.reference, s.saisie_par
FROM cahier_seance s WHERE {where} ORDER BY s.date, s.id
"""
DEVOIRS_SQL = """
SELECT d.id, d.division_id, d.matiere_id, d.enseignant_id, d.donne_le, d.pour_le, d.description, d.liens,
       d.reference, d.saisie_par, {fait}
FROM cahier_devoir d {jointure} WHERE {where} ORDER BY d.pour_le, d.id
"""
# A pupil's own « fait », or, for the teacher, how many pupils ticked it.
FAIT_ELEVE = ("f.fait_le AS fait_le", "LEFT JOIN cahier_fait f ON f.devoir_id = d.id AND f.eleve_id = {}")
FAITS_COMPTES = ("(SELECT COUNT(*) FROM cahier_fait f WHERE f.devoir_id = d.id) AS faits", "")


async def seances(filtre: Filtre) -> list[dict]:
    if not filtre.divisions:
        return []
    where, args = _where(filtre, ("date",), "s")
    rows = await CahierSeance.raw(SEANCES_SQL.replace("{where}", where), *args)
    return [{**row, "date": as_date(row["date"])} for row in rows]


async def devoirs(filtre: Filtre, eleve_id: int | None = None) -> list[dict]:
    """The homework, with ``fait_le`` for a pupil (None: not ticked), else ``faits`` (how many
    pupils ticked it)."""
    if not filtre.divisions:
        return []
    where, args = _where(filtre, ("pour_le", "donne_le") if filtre.donnes else ("pour_le",), "d")
    fait, jointure = FAIT_ELEVE if eleve_id is not None else FAITS_COMPTES
    sql = DEVOIRS_SQL.replace("{fait}", fait).replace("{jointure}", jointure).replace("{where}", where)
    rows = await CahierDevoir.raw(sql, *([eleve_id] if eleve_id is not None else []), *args)
    return [{**row, "donne_le": as_date(row["donne_le"]), "pour_le": as_date(row["pour_le"]),
             "liens": liens_de_json(row["liens"])} for row in rows]


async def noms(entrees: Collection[dict], connus: Collection[dict] = ()) -> tuple[dict[int, str], dict[int, str]]:
    """The subjects' and teachers' names of these entries: those of ``connus`` (rows with
    matiere_id, matiere_libelle, enseignant_id, civilite, nom: a pupil's teaching team), and the
    others in one query (none when every name is known)."""
    matieres: dict[int, str] = {}
    enseignants: dict[int, str] = {}
    for row in connus:
        matieres[row["matiere_id"]] = row["matiere_libelle"]
        if row.get("enseignant_id") is not None:
            enseignants[row["enseignant_id"]] = teacher_name(row)
    manquantes = {e["matiere_id"] for e in entrees} - matieres.keys()
    manquants = {e["enseignant_id"] for e in entrees if e["enseignant_id"] is not None} - enseignants.keys()
    if manquantes or manquants:
        lus = await labels(manquantes, manquants)
        matieres.update({i: row["libelle"] for i, row in lus["matiere"].items()})
        enseignants.update({i: teacher_name(row) for i, row in lus["enseignant"].items()})
    return matieres, enseignants


def nommer(entrees: list[dict], matieres: dict[int, str], enseignants: dict[int, str]) -> list[dict]:
    """Each entry with its subject's name (« matiere ») and its teacher's (« enseignant »)."""
    for entree in entrees:
        entree["matiere"] = matieres.get(entree["matiere_id"], _("Matière inconnue"))
        entree["enseignant"] = enseignants.get(entree["enseignant_id"], "") if entree["enseignant_id"] else ""
    return entrees
