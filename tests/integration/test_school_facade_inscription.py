"""The facade's functions the online enrolment needs: pupils of any establishment by id or by INE
and SIECLE number, an establishment's MEFs, an establishment by id. One query each, none for
nothing asked."""

from __future__ import annotations

import datetime as dt

from teleservices.core import api
from teleservices.core.tables import Division, Eleve, Etablissement, Mef
from teleservices.core.testing import run

PUPIL_COLUMNS = {"id", "eleve_id", "ine", "nom_de_famille", "prenom", "code_sexe", "date_naiss", "division",
                 "etablissement_id", "etablissement_uai", "etablissement_nom", "etablissement_commune"}


def ids_of(eleve_id: int) -> dict:
    return run(Eleve.select(Eleve.eleve_id, Eleve.ine).where(Eleve.id == eleve_id).first())


def test_pupils_by_id_of_any_establishment_left_or_not(demo, queries):
    pupils = run(api.pupils_by_id([demo.lea, demo.hugo, demo.lea, 10**9]))
    assert len(queries) == 1 and set(pupils) == {demo.lea, demo.hugo}
    lea, hugo = pupils[demo.lea], pupils[demo.hugo]
    assert set(lea) == PUPIL_COLUMNS
    assert (lea["nom_de_famille"], lea["prenom"], lea["code_sexe"], lea["division"]) == ("DUPONT", "Léa", "2", "4G")
    assert (lea["etablissement_id"], lea["etablissement_nom"], lea["etablissement_commune"],
            lea["etablissement_uai"]) == (demo.college, "COLLEGE JEAN MOULIN", "LILLE", "0599901K")
    assert isinstance(lea["date_naiss"], (dt.date, str)) and str(lea["date_naiss"]).startswith("2013-03-14")
    assert (hugo["etablissement_id"], hugo["division"]) == (demo.lycee, "2NDE1")
    assert lea["eleve_id"] == ids_of(demo.lea)["eleve_id"] and lea["ine"] == ids_of(demo.lea)["ine"]
    queries.clear()
    assert run(api.pupils_by_id([])) == {} and queries == []
    try:  # a pupil who left is still named (the lycée's list keeps them)
        run(Eleve.update({Eleve.date_sortie: dt.date(2026, 1, 1)}).where(Eleve.id == demo.lea))
        assert demo.lea in run(api.pupils_by_id([demo.lea]))
    finally:
        run(Eleve.update({Eleve.date_sortie: None}).where(Eleve.id == demo.lea))


def test_find_pupils_by_ine_or_siecle_number_who_have_not_left(demo, queries):
    lea, hugo = ids_of(demo.lea), ids_of(demo.hugo)
    queries.clear()
    found = run(api.find_pupils(ines=[lea["ine"], "0000000000Z"], eleve_ids=[hugo["eleve_id"], "nobody"]))
    assert len(queries) == 1 and sorted(p["id"] for p in found) == sorted([demo.lea, demo.hugo])
    assert set(found[0]) == PUPIL_COLUMNS
    assert [p["id"] for p in run(api.find_pupils(eleve_ids=[lea["eleve_id"]]))] == [demo.lea]
    assert [p["id"] for p in run(api.find_pupils(ines=[hugo["ine"]]))] == [demo.hugo]
    # An INE is not a SIECLE number: each is looked up in its own column.
    assert run(api.find_pupils(ines=[lea["eleve_id"]], eleve_ids=[lea["ine"]])) == []
    queries.clear()
    assert run(api.find_pupils()) == [] and run(api.find_pupils(ines=[], eleve_ids=[])) == [] and queries == []
    try:
        run(Eleve.update({Eleve.date_sortie: dt.date(2026, 1, 1)}).where(Eleve.id == demo.lea))
        assert run(api.find_pupils(ines=[lea["ine"]], eleve_ids=[lea["eleve_id"]])) == []
    finally:
        run(Eleve.update({Eleve.date_sortie: None}).where(Eleve.id == demo.lea))


def test_mefs_of_an_establishments_classes_with_their_label(demo, queries):
    lycee = run(api.mefs(demo.lycee))
    assert len(queries) == 1
    assert [(m["code_mef"], m["divisions"]) for m in lycee] == [
        ("20010018110", ["2NDE1"]), ("21110016110", ["1ERE2"]), ("22110016110", ["TLE3"])]
    # Without the MEF nomenclature, a MEF is named by its classes.
    assert [m["libelle"] for m in lycee] == ["2NDE1", "1ERE2", "TLE3"]
    assert "10210001110" in [m["code_mef"] for m in run(api.mefs(demo.college))]
    assert "10210001110" not in [m["code_mef"] for m in lycee]
    made = run(Mef.insert(Mef(etablissement=demo.lycee, code_mef="20010018110", libelle_long="2NDE GENERALE ET TECHNO",
                              libelle_edition="2NDE GT")).returning(Mef.id))[0]["id"]
    groupe = run(Division.insert(Division(etablissement=demo.lycee, code_structure="2NDE-LAT", type_structure="G",
                                          code_mef="20010018110")).returning(Division.id))[0]["id"]
    seconde = run(Division.insert(Division(etablissement=demo.lycee, code_structure="2NDE9", type_structure="D",
                                           code_mef="20010018110")).returning(Division.id))[0]["id"]
    try:
        first = run(api.mefs(demo.lycee))[0]
        # The nomenclature's long label, every class of the MEF, never a group.
        assert first == {"code_mef": "20010018110", "libelle": "2NDE GENERALE ET TECHNO",
                         "divisions": ["2NDE1", "2NDE9"]}
    finally:
        run(Division.delete().where(Division.id.is_in([groupe, seconde])))
        run(Mef.delete().where(Mef.id == made))
    assert run(api.mefs(10**9)) == []


def test_an_establishment_by_id(demo, queries):
    lycee = run(api.establishment(demo.lycee))
    assert len(queries) == 1
    assert isinstance(lycee, api.Etablissement)
    assert (lycee.id, lycee.uai, lycee.type, lycee.nom, lycee.commune) == (
        demo.lycee, "0599902L", "lycee", "LYCEE MARIE CURIE", "LILLE")
    assert lycee.adresse_ligne2 == "BP 42" and lycee.afficher_contact is False
    college = run(api.establishment(demo.college))
    assert college.nom == "COLLEGE JEAN MOULIN" and college.afficher_contact is True
    assert run(api.establishment(10**9)) is None
    nu = run(Etablissement.insert(Etablissement(uai="0599999Z", type="lycee", nom="LYCEE SANS ADRESSE", commune="",
                                                academie="LILLE")).returning(Etablissement.id))[0]["id"]
    try:  # empty columns come back as empty strings, never None
        bare = run(api.establishment(nu))
        assert bare.nom == "LYCEE SANS ADRESSE" and bare.telephone == "" and bare.message_accueil == ""
    finally:
        run(Etablissement.delete().where(Etablissement.id == nu))
