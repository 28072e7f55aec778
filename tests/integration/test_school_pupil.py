"""What the facade tells a service about one pupil: their structures, their teaching team, and
the labels of subjects and teachers by id (one query each)."""

from __future__ import annotations

from teleservices.core import api
from teleservices.core.tables import Division, EleveGroupe, Enseignant, Enseignement, Matiere
from teleservices.core.testing import run


def test_a_pupils_class_and_groups(demo):
    assert [(s["code_structure"], s["type_structure"]) for s in run(api.pupil_structures(demo.lea))] == [("4G", "D")]
    group = run(Division.insert(Division(etablissement=demo.college, code_structure="4LAT", type_structure="G"))
                .returning(Division.id))[0]["id"]
    try:
        run(EleveGroupe.insert(EleveGroupe(eleve=demo.lea, division=group)))
        assert [s["code_structure"] for s in run(api.pupil_structures(demo.lea))] == ["4G", "4LAT"]
    finally:
        run(Division.delete().where(Division.id == group))


def test_a_pupils_teaching_team_covers_their_groups(demo):
    team = run(api.pupil_teaching_team(demo.lea))
    assert {row["code_structure"] for row in team} == {"4G"}
    assert sum(row["professeur_principal"] for row in team) == 1
    assert {row["matiere_libelle"] for row in team} >= {"MATHEMATIQUES", "FRANCAIS"}
    group = run(Division.insert(Division(etablissement=demo.college, code_structure="4LAT", type_structure="G"))
                .returning(Division.id))[0]["id"]
    latin = run(Matiere.insert(Matiere(etablissement=demo.college, code_matiere="021000", code_gestion="LCALA",
                                       libelle="LATIN")).returning(Matiere.id))[0]["id"]
    teacher = run(Enseignant.select(Enseignant.id).where(Enseignant.etablissement == demo.college).first())["id"]
    try:
        run(EleveGroupe.insert(EleveGroupe(eleve=demo.lea, division=group)))
        run(Enseignement.insert(Enseignement(enseignant=teacher, matiere=latin, division=group)))
        latin_rows = [row for row in run(api.pupil_teaching_team(demo.lea)) if row["matiere_id"] == latin]
        assert [(r["code_structure"], r["enseignant_id"]) for r in latin_rows] == [("4LAT", teacher)]
        assert latin not in {row["matiere_id"] for row in run(api.pupil_teaching_team(demo.hugo))}
    finally:
        run(Division.delete().where(Division.id == group))
        run(Matiere.delete().where(Matiere.id == latin))


def test_labels_of_subjects_and_teachers_by_id(demo):
    maths = run(Matiere.select(Matiere.id).where(
        (Matiere.etablissement == demo.college) & (Matiere.code_gestion == "MATHS")).first())["id"]
    petit = run(Enseignant.select(Enseignant.id).where(
        (Enseignant.etablissement == demo.college) & (Enseignant.nom == "PETIT")).first())["id"]
    assert run(api.labels([maths], [petit])) == {
        "matiere": {maths: {"libelle": "MATHEMATIQUES"}},
        "enseignant": {petit: {"civilite": "MME", "nom": "PETIT", "prenom": "Claire"}},
    }
    assert run(api.labels([maths], []))["enseignant"] == {}
    assert run(api.labels([], [])) == {"matiere": {}, "enseignant": {}}
