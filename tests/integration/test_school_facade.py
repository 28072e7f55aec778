"""The school's data as the facade gives it to services: one query each, rows as dicts."""

from __future__ import annotations

import datetime as dt

from teleservices.core import api
from teleservices.core.tables import Division, Eleve, EleveGroupe, Enseignant
from teleservices.core.testing import run


def test_periods_structures_and_subjects(demo):
    periods = run(api.periods(demo.college))
    assert [p["code"] for p in periods] == ["T1", "T2", "T3"]
    assert all(isinstance(p["debut"], dt.date) and p["debut"] < p["fin"] for p in periods)
    codes = {s["code_structure"]: s["type_structure"] for s in run(api.structures(demo.college))}
    assert codes["4G"] == "D" and "2NDE1" not in codes
    subjects = {s["code_gestion"]: s["code_matiere"] for s in run(api.subjects(demo.college))}
    assert subjects["MATHS"] == "061300"


def test_pupils_of_a_class_and_of_a_group(demo):
    division = run(Division.select(Division.id).where(
        (Division.etablissement == demo.college) & (Division.code_structure == "4G")).first())
    pupils = run(api.pupils_of_structure(division["id"]))
    assert demo.lea in [p["id"] for p in pupils]
    assert set(pupils[0]) == {"id", "eleve_id", "ine", "nom_de_famille", "prenom"}
    group = run(Division.insert(Division(etablissement=demo.college, code_structure="4LAT", type_structure="G"))
                .returning(Division.id))[0]["id"]
    try:
        run(EleveGroupe.insert(EleveGroupe(eleve=demo.lea, division=group)))
        assert [p["id"] for p in run(api.pupils_of_structure(group))] == [demo.lea]
        run(Eleve.update({Eleve.date_sortie: dt.date(2026, 1, 1)}).where(Eleve.id == demo.lea))
        assert run(api.pupils_of_structure(group)) == []
    finally:
        run(Eleve.update({Eleve.date_sortie: None}).where(Eleve.id == demo.lea))
        run(Division.delete().where(Division.id == group))


def test_pupils_of_an_establishment_who_have_not_left(demo):
    pupils = run(api.pupils_of_establishment(demo.college))
    lea = next(p for p in pupils if p["id"] == demo.lea)
    assert set(lea) == {"id", "eleve_id", "ine", "nom_de_famille", "prenom", "division_id"} and lea["division_id"]
    assert demo.hugo not in [p["id"] for p in pupils]  # Hugo is at the lycée
    try:
        run(Eleve.update({Eleve.date_sortie: dt.date(2026, 1, 1)}).where(Eleve.id == demo.lea))
        assert demo.lea not in [p["id"] for p in run(api.pupils_of_establishment(demo.college))]
    finally:
        run(Eleve.update({Eleve.date_sortie: None}).where(Eleve.id == demo.lea))


def test_teaching_services_of_the_establishment_or_of_one_teacher(demo):
    every = run(api.teaching_services(demo.college))
    petit = run(Enseignant.select(Enseignant.id).where(
        (Enseignant.etablissement == demo.college) & (Enseignant.nom == "PETIT")).first())["id"]
    hers = run(api.teaching_services(demo.college, petit))
    assert hers and all(s["enseignant_id"] == petit and s["nom"] == "PETIT" for s in hers)
    assert len(every) > len(hers) and any(s["professeur_principal"] is True for s in every)
    assert run(api.teaching_services(demo.lycee, petit)) == []
