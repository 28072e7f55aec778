"""The push API of the notes: school software (the grades software, the ENT) sends its devoirs
and their grades, ``PUT /api/v1/notes/devoirs``, with an API key of the establishment whose
scope includes « notes ».

Devoirs are upserted by the software's own ``reference`` (unique in the establishment), and the
grades sent for a devoir replace its grades: sending the same body twice leaves the same state,
and the second answer counts 0 created. Pupils are named by their SIECLE ELEVE_ID, subjects by
code matière or code gestion, classes and groups by code structure. The body is checked whole
before anything is written: a malformed body is a 400 (msgspec), and an unknown pupil, subject or
structure, or a grade that cannot be read, a 422 listing each bad row (index, field, reason).
Everything is written in one transaction, with its audit line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any

import msgspec
from litestar import Request, put
from litestar.exceptions import HTTPException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import Body

from teleservices.core.api import (
    CurrentApiClient, audit, periods, pupils_of_structure, structures, subjects, teaching_services,
    write_transaction,
)
from teleservices.plugins.notes.saisie import Grade, GradeError, now, read_grade, write_grades
from teleservices.plugins.notes.staff import notify_families_of
from teleservices.plugins.notes.tables import NotesDevoir

MAX_DEVOIRS = 2000
MAX_NOTES = 2000
INVALID_ROWS = "Envoi refusé : corrigez les lignes listées dans « extra » ; rien n'a été enregistré."


class NoteEnvoyee(msgspec.Struct, forbid_unknown_fields=True):
    eleve_id: Annotated[str, msgspec.Meta(min_length=1, max_length=20, description="ELEVE_ID de SIECLE.")]
    note: Annotated[float | str, msgspec.Meta(description=(
        "Un nombre de 0 au barème (deux décimales au plus ; « 12,5 » est accepté), ou un code : "
        "« ABS » (absent), « DIS » (dispensé), « N.NOT » (non noté)."))]


class DevoirEnvoye(msgspec.Struct, forbid_unknown_fields=True):
    reference: Annotated[str, msgspec.Meta(min_length=1, max_length=80, description=(
        "L'identifiant du devoir dans le logiciel : un second envoi de la même référence met le devoir à jour."))]
    code_structure: Annotated[str, msgspec.Meta(min_length=1, max_length=20, description=(
        "La classe ou le groupe (CODE_STRUCTURE de SIECLE), par exemple « 4G »."))]
    matiere: Annotated[str, msgspec.Meta(min_length=1, max_length=10, description=(
        "La matière : code matière (« 061300 ») ou code gestion (« MATHS ») de la nomenclature."))]
    libelle: Annotated[str, msgspec.Meta(min_length=1, max_length=120, description="Le libellé du contrôle.")]
    date: Annotated[dt.date, msgspec.Meta(description="Le jour du devoir : il le place dans sa période.")]
    coefficient: Annotated[float, msgspec.Meta(gt=0, le=100)] = 1.0
    bareme: Annotated[int, msgspec.Meta(ge=1, le=100, description="Les notes sont « sur » ce nombre.")] = 20
    publie: Annotated[bool | None, msgspec.Meta(description=(
        "L'autorisation de publication de l'enseignant ; absent : inchangée (non publié pour un nouveau devoir). "
        "Les familles voient les notes selon, en plus, l'option de publication de l'établissement."))] = None
    notes: Annotated[list[NoteEnvoyee], msgspec.Meta(max_length=MAX_NOTES, description=(
        "Toutes les notes du devoir : elles remplacent celles déjà reçues (un élève absent de la liste n'a pas de note)."))] = []


class Envoi(msgspec.Struct, forbid_unknown_fields=True):
    devoirs: Annotated[list[DevoirEnvoye], msgspec.Meta(min_length=1, max_length=MAX_DEVOIRS)]


class Bilan(msgspec.Struct):
    """What the push changed."""

    crees: int
    modifies: int
    inchanges: int
    notes_ajoutees: int
    notes_modifiees: int
    notes_supprimees: int


class LigneRefusee(msgspec.Struct):
    index: int  # the devoir's position in « devoirs », from 0
    champ: str  # "code_structure", "notes[3].eleve_id"...
    raison: str


class Refus(msgspec.Struct):
    status_code: int
    detail: str
    extra: list[LigneRefusee]


EXAMPLE = {
    "devoirs": [{
        "reference": "NOTES-2026-0142", "code_structure": "4G", "matiere": "MATHS",
        "libelle": "Contrôle de géométrie", "date": "2026-10-06", "coefficient": 2, "bareme": 20, "publie": True,
        "notes": [{"eleve_id": "100001", "note": 14.5}, {"eleve_id": "100002", "note": "ABS"},
                  {"eleve_id": "100003", "note": "12,5"}],
    }],
}
REFUSAL_EXAMPLE = {
    "status_code": 422, "detail": INVALID_ROWS,
    "extra": [
        {"index": 0, "champ": "notes[1].eleve_id", "raison": "Élève inconnu dans la classe ou le groupe 4G : 999999."},
        {"index": 0, "champ": "notes[2].note", "raison": "La note doit être comprise entre 0 et 20."},
    ],
}


# --- checking the body against the establishment's data -------------------------------------------------


@dataclass
class School:
    """What a push is checked against: the establishment's structures, subjects, periods,
    teaching services, and the pupils of the structures the push names."""

    structures: dict[str, dict]
    subjects: dict[str, dict]
    periods: list[dict]
    teachers: dict[tuple[int, int], set[int]]
    pupils: dict[int, dict[str, int]] = field(default_factory=dict)

    def teacher(self, division_id: int, matiere_id: int) -> int | None:
        """The teacher of this subject in this structure, when there is exactly one."""
        found = self.teachers.get((division_id, matiere_id), set())
        return next(iter(found)) if len(found) == 1 else None

    def in_a_period(self, day: dt.date) -> bool:
        return not self.periods or any(_as_date(p["debut"]) <= day <= _as_date(p["fin"]) for p in self.periods)


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


async def school_of(etablissement_id: int, envoi: Envoi) -> School:
    """Four queries, plus one per structure named in the push."""
    subject_rows = await subjects(etablissement_id)
    by_code = {row["code_gestion"].strip().upper(): row for row in subject_rows}
    by_code.update({row["code_matiere"].strip().upper(): row for row in subject_rows})
    teachers: dict[tuple[int, int], set[int]] = {}
    for s in await teaching_services(etablissement_id):
        teachers.setdefault((s["division_id"], s["matiere_id"]), set()).add(s["enseignant_id"])
    school = School(
        structures={row["code_structure"].strip().upper(): row for row in await structures(etablissement_id)},
        subjects=by_code, periods=await periods(etablissement_id), teachers=teachers,
    )
    for code in {devoir.code_structure.strip().upper() for devoir in envoi.devoirs}:
        structure = school.structures.get(code)
        if structure is not None:
            rows = await pupils_of_structure(structure["id"])
            school.pupils[structure["id"]] = {row["eleve_id"].strip(): row["id"] for row in rows}
    return school


@dataclass(frozen=True)
class Checked:
    """A devoir of the push, read: the core ids it refers to and its grades by pupil id."""

    devoir: DevoirEnvoye
    division_id: int
    matiere_id: int
    enseignant_id: int | None
    grades: dict[int, Grade]


def check(envoi: Envoi, school: School) -> tuple[list[Checked], list[LigneRefusee]]:
    """Every devoir read against the establishment's data, or every bad row."""
    checked, refused, references = [], [], {}
    for index, devoir in enumerate(envoi.devoirs):
        def refuse(champ: str, raison: str) -> None:
            refused.append(LigneRefusee(index=index, champ=champ, raison=raison))

        if devoir.reference in references:
            refuse("reference", f"Référence déjà envoyée dans ce même envoi (devoir {references[devoir.reference]}).")
        references.setdefault(devoir.reference, index)
        structure = school.structures.get(devoir.code_structure.strip().upper())
        subject = school.subjects.get(devoir.matiere.strip().upper())
        if structure is None:
            refuse("code_structure", f"Classe ou groupe inconnu dans l'établissement : {devoir.code_structure}.")
        if subject is None:
            refuse("matiere", f"Matière inconnue dans l'établissement (code matière ou code gestion) : {devoir.matiere}.")
        if not school.in_a_period(devoir.date):
            refuse("date", f"Le {devoir.date:%d/%m/%Y} n'est dans aucune période de l'année scolaire.")
        grades = _grades(devoir, structure, school, refuse)
        if structure is not None and subject is not None:
            checked.append(Checked(devoir, structure["id"], subject["id"],
                                   school.teacher(structure["id"], subject["id"]), grades))
    return checked, refused


def _grades(devoir: DevoirEnvoye, structure: dict | None, school: School, refuse: Any) -> dict[int, Grade]:
    pupils = school.pupils.get(structure["id"], {}) if structure else {}
    grades: dict[int, Grade] = {}
    seen: dict[str, int] = {}
    for position, note in enumerate(devoir.notes):
        eleve_id = note.eleve_id.strip()
        if eleve_id in seen:
            refuse(f"notes[{position}].eleve_id", f"Élève déjà noté dans ce devoir (notes[{seen[eleve_id]}]) : {eleve_id}.")
            continue
        seen[eleve_id] = position
        try:
            grade = read_grade(note.note, devoir.bareme)
        except GradeError as exc:
            refuse(f"notes[{position}].note", str(exc))
            grade = None
        else:
            if grade is None:
                refuse(f"notes[{position}].note", "Note vide : envoyez un nombre ou un code (ABS, DIS, N.NOT).")
        if structure is not None and eleve_id not in pupils:
            refuse(f"notes[{position}].eleve_id",
                   f"Élève inconnu dans la classe ou le groupe {devoir.code_structure} : {eleve_id[:20]}.")
        elif grade is not None and structure is not None:
            grades[pupils[eleve_id]] = grade
    return grades


# --- writing -----------------------------------------------------------------------------------------

EXISTING_SQL = """
SELECT id, reference, division_id, matiere_id, enseignant_id, libelle, date, coefficient, bareme, publie
FROM notes_devoir WHERE etablissement_id = {} AND reference IN ({})
"""
UPDATE_SQL = """
UPDATE notes_devoir SET division_id = {}, matiere_id = {}, enseignant_id = {}, libelle = {}, date = {},
       coefficient = {}, bareme = {}, publie = {}, publie_le = {}, modifie_le = {}
WHERE id = {}
"""
CHUNK = 500


async def existing_devoirs(etablissement_id: int, references: list[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for start in range(0, len(references), CHUNK):
        part = references[start:start + CHUNK]
        rows = await NotesDevoir.raw(EXISTING_SQL.replace("IN ({})", f"IN ({', '.join('{}' for _ in part)})"),
                                     etablissement_id, *part)
        found.update({row["reference"]: row for row in rows})
    return found


def _fields(item: Checked, publie: bool) -> tuple:
    d = item.devoir
    return (item.division_id, item.matiere_id, item.enseignant_id, d.libelle, d.date, float(d.coefficient), d.bareme,
            publie)


def _stored(row: dict) -> tuple:
    return (row["division_id"], row["matiere_id"], row["enseignant_id"], row["libelle"], _as_date(row["date"]),
            float(row["coefficient"]), row["bareme"], bool(row["publie"]))


async def upsert(etablissement_id: int, checked: list[Checked]) -> tuple[Bilan, dict[int, frozenset[int]]]:
    """Devoirs created or updated by reference, then their grades replaced; call it in a
    transaction. Also returns, per published devoir, the pupils whose families learn of a grade:
    all those graded when the push publishes it, else those with a new or changed grade."""
    existing = await existing_devoirs(etablissement_id, [item.devoir.reference for item in checked])
    stamp, created, updated, published = now(), [], 0, set()
    for item in checked:
        row = existing.get(item.devoir.reference)
        if row is None:
            publie = bool(item.devoir.publie)
            if publie:
                published.add(item.devoir.reference)
            created.append(NotesDevoir(
                etablissement_id=etablissement_id, division_id=item.division_id, matiere_id=item.matiere_id,
                enseignant_id=item.enseignant_id, libelle=item.devoir.libelle, date=item.devoir.date,
                coefficient=float(item.devoir.coefficient), bareme=item.devoir.bareme, publie=publie,
                publie_le=stamp if publie else None, reference=item.devoir.reference, cree_le=stamp, modifie_le=stamp,
            ))
            continue
        publie = bool(row["publie"]) if item.devoir.publie is None else item.devoir.publie
        if publie and not row["publie"]:
            published.add(item.devoir.reference)
        if _fields(item, publie) != _stored(row):
            publie_le = (stamp if publie else None) if publie != bool(row["publie"]) else _keep
            await _update(row, item, publie, publie_le, stamp)
            updated += 1
    for start in range(0, len(created), CHUNK):
        await NotesDevoir.insert(*created[start:start + CHUNK])
    if created:
        existing.update(await existing_devoirs(etablissement_id, [row.reference for row in created]))
    written = await write_grades({existing[item.devoir.reference]["id"]: dict(item.grades) for item in checked},
                                 replace=True)
    bilan = Bilan(crees=len(created), modifies=updated, inchanges=len(checked) - len(created) - updated,
                  notes_ajoutees=written.ajoutees, notes_modifiees=written.modifiees,
                  notes_supprimees=written.supprimees)
    told = {}
    for item in checked:
        devoir_id = existing[item.devoir.reference]["id"]
        if item.devoir.reference in published:
            told[devoir_id] = frozenset(eleve for eleve, grade in item.grades.items() if grade is not None)
        elif existing[item.devoir.reference]["publie"] and written.par_devoir.get(devoir_id):
            told[devoir_id] = written.par_devoir[devoir_id]
    return bilan, {devoir_id: eleves for devoir_id, eleves in told.items() if eleves}


_keep = object()  # publie_le stays as it is


async def _update(row: dict, item: Checked, publie: bool, publie_le: Any, stamp: dt.datetime) -> None:
    sql, args = UPDATE_SQL, [*_fields(item, publie)]
    if publie_le is _keep:
        sql = sql.replace(" publie_le = {},", "")
    else:
        args.append(publie_le)
    await NotesDevoir.raw(sql, *args, stamp, row["id"])


@put(
    "/devoirs",
    summary="Envoie des devoirs et leurs notes",
    description=(
        "Crée ou met à jour les devoirs de l'établissement de la clé, par la « reference » du logiciel, et "
        "remplace leurs notes par celles envoyées. Renvoyer le même corps ne change rien (réponse : 0 créé, "
        "0 modifié). Les élèves sont désignés par leur ELEVE_ID de SIECLE, les matières par leur code matière "
        "ou code gestion, les classes et groupes par leur code structure. Tout l'envoi est vérifié avant "
        "d'écrire : un corps mal formé est refusé (400), un élève, une matière, une classe inconnus ou une note "
        "illisible aussi (422, chaque ligne refusée avec l'index du devoir, le champ et la raison) ; rien n'est "
        "alors enregistré. Une note n'est visible des familles qu'une fois le devoir publié (« publie ») et "
        "selon l'option de publication de l'établissement."
    ),
    responses={422: ResponseSpec(
        data_container=Refus, generate_examples=False,
        description="Des lignes de l'envoi désignent un élève, une matière ou une classe inconnus, ou une note illisible : rien n'est enregistré.",
        examples=[Example(summary="Un élève inconnu et une note hors barème", value=REFUSAL_EXAMPLE)],
    )},
)
async def envoyer_devoirs(
    request: Request,
    api_client: CurrentApiClient,
    data: Annotated[Envoi, Body(
        title="Devoirs et notes",
        description="Les devoirs (2000 au plus), chacun avec toutes ses notes.",
        examples=[Example(summary="Un devoir de 4G en mathématiques, publié", value=EXAMPLE)],
    )],
) -> Bilan:
    """Checks the whole push, then writes it in one transaction with its audit line."""
    etablissement_id = api_client.etablissement_id
    checked, refused = check(data, await school_of(etablissement_id, data))
    if refused:
        raise HTTPException(status_code=422, detail=INVALID_ROWS, extra=[msgspec.to_builtins(r) for r in refused])
    async with write_transaction():
        bilan, told = await upsert(etablissement_id, checked)
        await audit(request, "notes.api", (
            f"Envoi de {len(checked)} devoir(s) : {bilan.crees} créé(s), {bilan.modifies} modifié(s), "
            f"{bilan.inchanges} inchangé(s) ; notes : {bilan.notes_ajoutees} ajoutée(s), "
            f"{bilan.notes_modifiees} modifiée(s), {bilan.notes_supprimees} supprimée(s)."
        ))
        # The families, as when a teacher publishes or saves grades (staff.notify_families).
        if told:
            devoirs = await NotesDevoir.select().where(NotesDevoir.id.is_in(list(told)))
            await notify_families_of(request, etablissement_id, [(devoir, told[devoir["id"]]) for devoir in devoirs])
    return bilan


ROUTES = [envoyer_devoirs]
