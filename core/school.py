"""What services read of the school's data (periods, structures, subjects, teachers, pupils),
exported by ``teleservices.core.api``: one raw SQL query each, rows as dicts, so that a plugin
never imports the core's tables and a page costs a known number of queries.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from teleservices.core.tables import Eleve

Rows = list[dict[str, Any]]

PERIODS_SQL = """
SELECT id, code, libelle, debut, fin FROM periode WHERE etablissement = {} ORDER BY debut, code
"""
STRUCTURES_SQL = """
SELECT id, code_structure, libelle, type_structure FROM division WHERE etablissement = {}
ORDER BY type_structure, code_structure
"""
SUBJECTS_SQL = """
SELECT id, code_matiere, code_gestion, libelle FROM matiere WHERE etablissement = {} ORDER BY libelle
"""
# Pupils still in the establishment (no DATE_SORTIE): of a class by their division, of a group
# by their membership.
PUPILS_OF_STRUCTURE_SQL = """
SELECT e.id, e.eleve_id, e.ine, e.nom_de_famille, e.prenom
FROM eleve e JOIN division d ON d.id = {}
WHERE e.etablissement = d.etablissement AND e.date_sortie IS NULL
  AND (e.division = d.id OR EXISTS (SELECT 1 FROM eleve_groupe g WHERE g.eleve = e.id AND g.division = d.id))
ORDER BY e.nom_de_famille, e.prenom, e.id
"""
PUPILS_OF_ESTABLISHMENT_SQL = """
SELECT e.id, e.eleve_id, e.ine, e.nom_de_famille, e.prenom, e.division AS division_id
FROM eleve e WHERE e.etablissement = {} AND e.date_sortie IS NULL
ORDER BY e.nom_de_famille, e.prenom, e.id
"""
TEACHING_SERVICES_SQL = """
SELECT s.id, s.division AS division_id, d.code_structure, d.libelle AS division_libelle, d.type_structure,
       s.matiere AS matiere_id, m.libelle AS matiere_libelle, m.code_gestion,
       s.enseignant AS enseignant_id, t.civilite, t.nom, t.prenom, s.professeur_principal
FROM enseignement s
JOIN enseignant t ON t.id = s.enseignant
JOIN division d ON d.id = s.division
JOIN matiere m ON m.id = s.matiere
WHERE d.etablissement = {} {teacher}
ORDER BY d.type_structure, d.code_structure, m.libelle, t.nom, t.prenom
"""


async def periods(etablissement_id: int) -> Rows:
    """The periods of the school year (T1, T2, T3 or S1, S2), in order: code, libelle, debut, fin."""
    return await Eleve.raw(PERIODS_SQL, etablissement_id)


async def structures(etablissement_id: int) -> Rows:
    """The classes (type_structure "D") and groups ("G") of an establishment."""
    return await Eleve.raw(STRUCTURES_SQL, etablissement_id)


async def subjects(etablissement_id: int) -> Rows:
    """The subjects of an establishment's nomenclature: code_matiere, code_gestion, libelle."""
    return await Eleve.raw(SUBJECTS_SQL, etablissement_id)


async def pupils_of_structure(division_id: int) -> Rows:
    """The pupils of a class or a group who have not left, by name: id, eleve_id (SIECLE), ine,
    nom_de_famille, prenom."""
    return await Eleve.raw(PUPILS_OF_STRUCTURE_SQL, division_id)


async def pupils_of_establishment(etablissement_id: int) -> Rows:
    """Every pupil of an establishment who has not left, by name: id, eleve_id (SIECLE), ine,
    nom_de_famille, prenom, division_id (their class, or None)."""
    return await Eleve.raw(PUPILS_OF_ESTABLISHMENT_SQL, etablissement_id)


async def teaching_services(etablissement_id: int, enseignant_id: int | None = None) -> Rows:
    """Who teaches what to which class or group (all of them, or one teacher's): the structure,
    the subject, the teacher, and whether they are the professeur principal."""
    if enseignant_id is None:
        rows = await Eleve.raw(TEACHING_SERVICES_SQL.replace("{teacher}", ""), etablissement_id)
    else:
        rows = await Eleve.raw(TEACHING_SERVICES_SQL.replace("{teacher}", "AND s.enseignant = {}"),
                               etablissement_id, enseignant_id)
    return [{**row, "professeur_principal": bool(row["professeur_principal"])} for row in rows]


# A pupil's structures: their class and the groups they belong to (the pupil's id twice). Two
# indexed reads: an OR across both would scan the whole table it filters.
PUPIL_STRUCTURES = """
SELECT e.division FROM eleve e WHERE e.id = {} AND e.division IS NOT NULL
UNION
SELECT g.division FROM eleve_groupe g WHERE g.eleve = {}
"""
PUPIL_STRUCTURES_SQL = f"""
SELECT d.id, d.code_structure, d.libelle, d.type_structure FROM division d
WHERE d.id IN ({PUPIL_STRUCTURES}) ORDER BY d.type_structure, d.code_structure
"""
PUPIL_TEAM_SQL = f"""
SELECT s.division AS division_id, d.code_structure, d.type_structure,
       s.matiere AS matiere_id, m.libelle AS matiere_libelle,
       s.enseignant AS enseignant_id, t.civilite, t.nom, t.prenom, s.professeur_principal
FROM enseignement s
JOIN division d ON d.id = s.division
JOIN matiere m ON m.id = s.matiere
JOIN enseignant t ON t.id = s.enseignant
WHERE s.division IN ({PUPIL_STRUCTURES})
ORDER BY m.libelle, t.nom, t.prenom
"""
LABELS_SQL = """
SELECT 'matiere' AS kind, id, libelle, '' AS civilite, '' AS nom, '' AS prenom FROM matiere WHERE id IN ({matieres})
UNION ALL
SELECT 'enseignant' AS kind, id, '' AS libelle, civilite, nom, prenom FROM enseignant WHERE id IN ({enseignants})
"""
LABEL_KEYS = {"matiere": ("libelle",), "enseignant": ("civilite", "nom", "prenom")}


async def pupil_structures(eleve_id: int) -> Rows:
    """A pupil's class (type_structure "D") and groups ("G"): id, code_structure, libelle."""
    return await Eleve.raw(PUPIL_STRUCTURES_SQL, eleve_id, eleve_id)


async def pupil_teaching_team(eleve_id: int) -> Rows:
    """Who teaches a pupil, in their class and groups, by subject: the structure, the subject
    (matiere_id, matiere_libelle), the teacher (enseignant_id, civilite, nom, prenom) and
    whether they are the professeur principal."""
    rows = await Eleve.raw(PUPIL_TEAM_SQL, eleve_id, eleve_id)
    return [{**row, "professeur_principal": bool(row["professeur_principal"])} for row in rows]


def teacher_name(row: dict[str, Any] | None) -> str:
    """« Mme PETIT », « M. BERNARD », as SIECLE's civilité gives it ("" for no teacher)."""
    if not row:
        return ""
    civilite = (row.get("civilite") or "").strip()
    civilite = {"MME": "Mme", "M.": "M.", "M": "M."}.get(civilite.upper(), civilite)
    return f"{civilite} {row['nom']}".strip()


async def labels(matiere_ids: Collection[int], enseignant_ids: Collection[int]) -> dict[str, dict[int, dict[str, Any]]]:
    """Subjects and teachers by id, in one query: ``{"matiere": {id: {"libelle"}}, "enseignant":
    {id: {"civilite", "nom", "prenom"}}}``. No query at all when both are empty."""
    result: dict[str, dict[int, dict[str, Any]]] = {"matiere": {}, "enseignant": {}}
    matieres, enseignants = sorted(set(matiere_ids)), sorted(set(enseignant_ids))
    if not matieres and not enseignants:
        return result
    # "IN (NULL)" matches nothing, where "IN ()" is a syntax error on PostgreSQL.
    sql = LABELS_SQL.format(
        matieres=", ".join("{}" for _ in matieres) or "NULL",
        enseignants=", ".join("{}" for _ in enseignants) or "NULL",
    )
    for row in await Eleve.raw(sql, *matieres, *enseignants):
        keys = LABEL_KEYS[row["kind"]]
        result[row["kind"]][row["id"]] = {key: row[key] for key in keys}
    return result


# Pupils of any establishment, by id or by national and SIECLE ids: a lycée names the pupils of
# other establishments assigned to it (the online enrolment) with these.
PUPILS_ANYWHERE_SQL = """
SELECT e.id, e.eleve_id, e.ine, e.nom_de_famille, e.prenom, e.code_sexe, e.date_naiss,
       d.code_structure AS division, et.id AS etablissement_id, et.uai AS etablissement_uai,
       et.nom AS etablissement_nom, et.commune AS etablissement_commune
FROM eleve e JOIN etablissement et ON et.id = e.etablissement LEFT JOIN division d ON d.id = e.division
WHERE {where}
ORDER BY e.nom_de_famille, e.prenom, e.id
"""
MEFS_SQL = """
SELECT d.code_mef, d.code_structure, m.libelle_long, m.libelle_edition
FROM division d LEFT JOIN mef m ON m.etablissement = d.etablissement AND m.code_mef = d.code_mef
WHERE d.etablissement = {} AND d.type_structure = 'D' AND d.code_mef <> ''
ORDER BY d.code_mef, d.code_structure
"""


def _placeholders(values: Collection[Any]) -> str:
    # "IN (NULL)" matches nothing, where "IN ()" is a syntax error on PostgreSQL.
    return ", ".join("{}" for _ in values) or "NULL"


async def pupils_by_id(ids: Collection[int]) -> dict[int, dict[str, Any]]:
    """Pupils of any establishment by id (left or not): id, eleve_id, ine, nom_de_famille, prenom,
    code_sexe, date_naiss, division (the class's code), etablissement_id, etablissement_uai,
    etablissement_nom, etablissement_commune. No query when ``ids`` is empty."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    rows = await Eleve.raw(PUPILS_ANYWHERE_SQL.replace("{where}", f"e.id IN ({_placeholders(ids)})"), *ids)
    return {row["id"]: row for row in rows}


async def find_pupils(ines: Collection[str] = (), eleve_ids: Collection[str] = ()) -> Rows:
    """Pupils of any establishment who have not left, by INE (ID_NATIONAL) or SIECLE ELEVE_ID,
    with the columns of ``pupils_by_id``. No query when both are empty."""
    ines, eleve_ids = sorted(set(ines)), sorted(set(eleve_ids))
    if not ines and not eleve_ids:
        return []
    where = (f"e.date_sortie IS NULL AND (e.ine IN ({_placeholders(ines)}) "
             f"OR e.eleve_id IN ({_placeholders(eleve_ids)}))")
    return await Eleve.raw(PUPILS_ANYWHERE_SQL.replace("{where}", where), *ines, *eleve_ids)


async def mefs(etablissement_id: int) -> Rows:
    """The MEFs of an establishment's classes: code_mef, libelle (the nomenclature's, or the
    classes' codes when the MEF is not imported), divisions (the classes' codes)."""
    by_code: dict[str, dict[str, Any]] = {}
    for row in await Eleve.raw(MEFS_SQL, etablissement_id):
        mef = by_code.setdefault(row["code_mef"], {
            "code_mef": row["code_mef"], "divisions": [],
            "libelle": row["libelle_long"] or row["libelle_edition"] or "",
        })
        mef["divisions"].append(row["code_structure"])
    for mef in by_code.values():
        mef["libelle"] = mef["libelle"] or ", ".join(mef["divisions"])
    return list(by_code.values())


ESTABLISHMENT_SQL = "SELECT {columns} FROM etablissement WHERE id = {}"


async def establishment(etablissement_id: int) -> Any:
    """An establishment (``teleservices.core.api.Etablissement``), or None."""
    from teleservices.core.api import Etablissement as Public

    columns = ", ".join(Public.__dataclass_fields__)
    rows = await Eleve.raw(ESTABLISHMENT_SQL.replace("{columns}", columns), etablissement_id)
    if not rows:
        return None
    row = {k: v or "" for k, v in rows[0].items()}
    return Public(**{**row, "afficher_contact": bool(row["afficher_contact"])})
